/// The distinct (cell, code) pairs of an aggregate, each a 64-bit key (the cell's index << 32 | a patient's or
/// prescriber's id): an open-addressing table (linear probing, load ≤ 3/4) of the keys themselves, a key's
/// first slot the top bits of the key times 2⁶⁴/φ (Fibonacci hashing, which spreads every bit of the key).
///
/// What `Set<UInt64>` does, for the one job the reader gives it millions of times a file, a row at a time:
/// `Set` hashes each key with a seeded SipHash and keeps a bitmap beside its buckets; this hashes with one
/// multiply, and `formUnion` loads the slot each key of a chunk will look at before inserting
/// any, so that the batch's cache misses overlap instead of waiting for each other (national files have about
/// one key per row, and the table is tens of megabytes).
///
/// The order of iteration is the table's, the same on every run for the same inserts; nothing should depend on it.
/// A value type: copies share their storage until one is changed.
public struct PairSet: Sequence, Sendable, Equatable, ExpressibleByArrayLiteral {
    /// Slots hold keys; `UInt64.max` marks an empty slot, and that key itself is kept in `hasMax`.
    private var slots: [UInt64]
    private var hasMax = false
    public private(set) var count = 0

    private static let empty = UInt64.max
    private static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// 64 − log₂ of the table's size: a key's first slot is the top bits of `key · golden`.
    private var shift: UInt64 = 60

    public init() { self.init(minimumCapacity: 0) }

    /// An empty set with room for `capacity` keys before it grows.
    public init(minimumCapacity capacity: Int) {
        let size = Self.size(for: capacity)
        slots = Array(repeating: Self.empty, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    public init<S: Sequence>(_ keys: S) where S.Element == UInt64 {
        self.init(minimumCapacity: keys.underestimatedCount)
        formUnion(keys)
    }

    public init(arrayLiteral keys: UInt64...) { self.init(keys) }

    public var isEmpty: Bool { count == 0 }

    /// The table size that holds `capacity` keys at load ≤ 3/4.
    private static func size(for capacity: Int) -> Int {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        return size
    }

    @inline(__always)
    public func contains(_ key: UInt64) -> Bool {
        if key == Self.empty { return hasMax }
        let shift = shift
        return slots.withUnsafeBufferPointer { s in
            let mask = s.count - 1
            var i = Self.first(key, shift)
            while true {
                if s[i] == key { return true }
                if s[i] == Self.empty { return false }
                i = (i + 1) & mask
            }
        }
    }

    /// Adds `key`; returns whether it was new.
    @inline(__always)
    @discardableResult
    public mutating func insert(_ key: UInt64) -> Bool {
        if key == Self.empty {
            if hasMax { return false }
            hasMax = true
            count += 1
            return true
        }
        if (count + 1) * 4 > slots.count * 3 { grow(to: slots.count * 2) }
        let shift = shift
        let inserted = slots.withUnsafeMutableBufferPointer { s in
            let mask = s.count - 1
            var i = Self.first(key, shift)
            while true {
                if s[i] == key { return false }
                if s[i] == Self.empty {
                    s[i] = key
                    return true
                }
                i = (i + 1) & mask
            }
        }
        if inserted { count += 1 }
        return inserted
    }

    /// Adds every key of `keys`, in order, a chunk at a time, first loading the slot each key of the chunk will
    /// look at.
    public mutating func formUnion<S: Sequence>(_ keys: S) where S.Element == UInt64 {
        reserveCapacity(count + keys.underestimatedCount)
        let done = keys.withContiguousStorageIfAvailable { all in
            var start = 0
            while start < all.count {
                let end = Swift.min(start + Self.chunk, all.count)
                insert(touching: UnsafeBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
        guard done == nil else { return }
        var chunk: [UInt64] = []
        chunk.reserveCapacity(Self.chunk)
        for key in keys {
            chunk.append(key)
            if chunk.count == Self.chunk {
                chunk.withUnsafeBufferPointer { insert(touching: $0) }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        chunk.withUnsafeBufferPointer { insert(touching: $0) }
    }

    /// How many keys `formUnion` touches before inserting them: enough misses in flight to hide memory's latency,
    /// few enough that the lines are still in cache when inserted.
    private static let chunk = 64

    private mutating func insert(touching keys: UnsafeBufferPointer<UInt64>) {
        if (count + keys.count) * 4 > slots.count * 3 { grow(to: Self.size(for: count + keys.count)) }
        let shift = shift
        touched = slots.withUnsafeBufferPointer { s in
            var sink: UInt64 = 0
            for key in keys { sink ^= s[Self.first(key, shift)] }
            return sink
        }
        for key in keys { insert(key) }
    }

    /// Room for `capacity` keys in all, so that inserting that many does not grow the table.
    public mutating func reserveCapacity(_ capacity: Int) {
        if capacity * 4 > slots.count * 3 { grow(to: Self.size(for: capacity)) }
    }

    /// Written by `formUnion` so that its loads are not optimised away; not part of the value.
    private var touched: UInt64 = 0

    private mutating func grow(to size: Int) {
        var bigger = [UInt64](repeating: Self.empty, count: size)
        bigger.withUnsafeMutableBufferPointer { b in
            let mask = size - 1, shift = UInt64(64 - size.trailingZeroBitCount)
            for key in slots where key != Self.empty {
                var i = Self.first(key, shift)
                while b[i] != Self.empty { i = (i + 1) & mask }
                b[i] = key
            }
        }
        slots = bigger
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// The slot where `key`'s search starts in a table of 2^(64 − `shift`) slots.
    @inline(__always)
    private static func first(_ key: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* golden) >> shift)
    }

    public static func == (a: PairSet, b: PairSet) -> Bool {
        a.count == b.count && a.hasMax == b.hasMax && a.allSatisfy { b.contains($0) }
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let slots: [UInt64]
        fileprivate var at = 0
        fileprivate var maxLeft: Bool

        public mutating func next() -> UInt64? {
            while at < slots.count {
                let key = slots[at]
                at += 1
                if key != PairSet.empty { return key }
            }
            if maxLeft {
                maxLeft = false
                return PairSet.empty
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(slots: slots, maxLeft: hasMax) }

    public var underestimatedCount: Int { count }
}
