/// The distinct (cell, code) pairs of an aggregate, each a 64-bit key (the cell's index << 32 | a patient's or
/// prescriber's id).
///
/// Cells are numbered densely from 0, and on national data nearly every cell has one row, so one code: each
/// cell's first code is kept in an array by cell (4 bytes a cell, written in order as the reader makes cells),
/// and only a cell's further codes, and keys far from the cells numbered so far, go to a hash table
/// (`PairTable`). What `Set<UInt64>` does, for the one job the reader gives it millions of times a file, a
/// row at a time: a national file's pairs take a third of the memory a table of every key would, and are added
/// without a cache miss each.
///
/// The order of iteration (cells' first codes by cell, then the table's), is the same on every run for the
/// same inserts; nothing should depend on it. A value type: copies share their storage until one is changed.
public struct PairSet: Sequence, Sendable, Equatable, ExpressibleByArrayLiteral {
    /// By cell: 0 none, `inTable` every code of the cell is in the table, else the cell's first code + 1.
    private var first: [UInt32] = []
    private var table: PairTable
    /// The largest cell of a key put in the table beyond `first` (−1: none), so that growing `first` over it
    /// marks those cells `inTable`.
    private var tableBeyond = -1
    private static let inTable = UInt32.max

    public private(set) var count = 0

    public init() { self.init(minimumCapacity: 0) }

    /// An empty set with room for `capacity` cells' first codes before it grows.
    public init(minimumCapacity capacity: Int) {
        table = PairTable(minimumCapacity: 0)
        first.reserveCapacity(capacity)
    }

    public init<S: Sequence>(_ keys: S) where S.Element == UInt64 {
        self.init()
        formUnion(keys)
    }

    public init(arrayLiteral keys: UInt64...) { self.init(keys) }

    public var isEmpty: Bool { count == 0 }

    @inline(__always)
    public func contains(_ key: UInt64) -> Bool {
        let cell = Int(key >> 32)
        if cell < first.count {
            let v = first[cell]
            if v == 0 { return false }
            if v != Self.inTable && v == UInt32(truncatingIfNeeded: key) &+ 1 { return true }
        }
        return table.contains(key)
    }

    /// Adds `key`; returns whether it was new.
    @inline(__always)
    @discardableResult
    public mutating func insert(_ key: UInt64) -> Bool {
        switch settle(key) {
        case .added: return true
        case .present: return false
        case .table:
            let inserted = table.insert(key)
            if inserted { count += 1 }
            return inserted
        }
    }

    /// Where a key went: added to `first`, found there, or to be looked for in the table.
    private enum Settled { case added, present, table }

    /// Adds `key` to `first` when its cell has no code yet, or finds it there; else says the table holds it or
    /// will (a cell marked `inTable` or with another first code, a code `first` cannot hold, a cell far past
    /// those numbered so far).
    @inline(__always)
    private mutating func settle(_ key: UInt64) -> Settled {
        let cell = Int(key >> 32), code = UInt32(truncatingIfNeeded: key)
        if cell >= first.count && cell < first.count + Swift.max(4096, first.count) { cover(cell) }
        guard cell < first.count else {
            tableBeyond = Swift.max(tableBeyond, cell)
            return .table
        }
        let v = first[cell]
        if v == 0 {
            guard code != UInt32.max else {
                first[cell] = Self.inTable
                return .table
            }
            first[cell] = code &+ 1
            count += 1
            return .added
        }
        return v != Self.inTable && v == code &+ 1 ? .present : .table
    }

    /// Makes `first` reach `cell`, and further into the room it has (a run of cells at a time: the reader numbers
    /// cells one by one, and growing by one cell each time cost more than adding the pair): the cells it newly
    /// covers that have keys in the table are marked so.
    private mutating func cover(_ cell: Int) {
        let old = first.count
        let end = Swift.max(cell + 1, Swift.min(old + Self.coverRun, first.capacity))
        first.append(contentsOf: repeatElement(0, count: end - old))
        guard tableBeyond >= old else { return }
        for key in table {
            let c = Int(key >> 32)
            if c >= old && c < end { first[c] = Self.inTable }
        }
        if tableBeyond < end { tableBeyond = -1 }
    }

    /// The most cells `cover` reaches past the one it must, within the room `first` has.
    private static let coverRun = 4096

    /// Adds every key of `keys`, in order; those for the table go in together, a chunk at a time
    /// (`PairTable.formUnion`), except those past the cells numbered so far, which go in at once (so that
    /// `cover` finds them there).
    public mutating func formUnion<S: Sequence>(_ keys: S) where S.Element == UInt64 {
        var forTable: [UInt64] = []
        func add(_ key: UInt64) {
            guard settle(key) == .table else { return }
            if Int(key >> 32) < first.count {
                forTable.append(key)
            } else if table.insert(key) {
                count += 1
            }
        }
        let done: Void? = keys.withContiguousStorageIfAvailable { all in
            for key in all { add(key) }
        }
        if done == nil {
            for key in keys { add(key) }
        }
        guard !forTable.isEmpty else { return }
        let before = table.count
        table.formUnion(forTable)
        count += table.count - before
    }

    /// Calls `body` with every key of the cells `cells` lists (each cell at most once), `isListed` saying
    /// whether a cell is among them: each listed cell's first code is read where it is kept, and only the
    /// table, which holds cells' further codes, is read whole. O(cells + table), not O(count): a few rows'
    /// pairs among a national file's millions.
    public func forEachKey(ofCells cells: [Int32], isListed: (Int) -> Bool, _ body: (UInt64) -> Void) {
        for c in cells {
            let cell = Int(c)
            guard cell < first.count else { continue }
            let v = first[cell]
            if v != 0 && v != Self.inTable { body(UInt64(cell) << 32 | UInt64(v - 1)) }
        }
        for key in table where isListed(Int(key >> 32)) { body(key) }
    }

    /// Adds every pair of `other` with its cell c renumbered `cells[c]` and its code k `codes[k]` (0xFFFFFFFF,
    /// no code, and a prescriber's own code, `PrescriberCode`, kept): `other`'s first codes read in place, `first`
    /// grown once to the last cell, so that a part's millions of pairs, most of them its new cells' only ones,
    /// are added without a key list or a hash each.
    public mutating func formUnion(_ other: PairSet, cells: [Int32], codes: [Int32]) {
        func mapped(_ code: UInt32) -> UInt64 {
            code == UInt32.max || PrescriberCode.isOwn(code)
                ? UInt64(code) : UInt64(UInt32(bitPattern: codes[Int(code)]))
        }
        if let last = cells.max(), last >= 0, Int(last) >= first.count { cover(Int(last)) }
        var forTable: [UInt64] = []
        other.first.withUnsafeBufferPointer { theirs in
            for c in theirs.indices {
                let v = theirs[c]
                guard v != 0 && v != Self.inTable else { continue }
                let key = UInt64(UInt32(bitPattern: cells[c])) << 32 | mapped(v &- 1)
                if settle(key) == .table { forTable.append(key) }
            }
        }
        for key in other.table {
            let mapped = UInt64(UInt32(bitPattern: cells[Int(key >> 32)])) << 32 | mapped(UInt32(key & 0xFFFF_FFFF))
            if settle(mapped) == .table { forTable.append(mapped) }
        }
        guard !forTable.isEmpty else { return }
        let before = table.count
        table.formUnion(forTable)
        count += table.count - before
    }

    /// Room for `capacity` cells' first codes in all (the table grows as it needs).
    public mutating func reserveCapacity(_ capacity: Int) { first.reserveCapacity(capacity) }

    public static func == (a: PairSet, b: PairSet) -> Bool {
        a.count == b.count && a.allSatisfy { b.contains($0) }
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let first: [UInt32]
        fileprivate var cell = 0
        fileprivate var rest: PairTable.Iterator

        public mutating func next() -> UInt64? {
            while cell < first.count {
                let v = first[cell]
                cell += 1
                if v != 0 && v != PairSet.inTable { return UInt64(cell - 1) << 32 | UInt64(v - 1) }
            }
            return rest.next()
        }
    }

    public func makeIterator() -> Iterator { Iterator(first: first, rest: table.makeIterator()) }

    public var underestimatedCount: Int { count }
}

/// A hash set of 64-bit keys, for the pairs `PairSet` keeps beyond each cell's first code: an open-addressing
/// table (linear probing, load ≤ 3/4) of the keys themselves, a key's first slot the top bits of the key times
/// 2⁶⁴/φ (Fibonacci hashing, which spreads every bit of the key). `formUnion` loads the slot each key of a chunk
/// will look at before inserting any, so that the batch's cache misses overlap instead of waiting for each other.
struct PairTable: Sequence, Sendable {
    /// Slots hold keys; `UInt64.max` marks an empty slot, and that key itself is kept in `hasMax`.
    private var slots: [UInt64]
    private var hasMax = false
    private(set) var count = 0

    private static let empty = UInt64.max
    private static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// 64 − log₂ of the table's size: a key's first slot is the top bits of `key · golden`.
    private var shift: UInt64 = 60

    /// An empty set with room for `capacity` keys before it grows.
    init(minimumCapacity capacity: Int) {
        let size = Self.size(for: capacity)
        slots = Array(repeating: Self.empty, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    var isEmpty: Bool { count == 0 }

    /// The table size that holds `capacity` keys at load ≤ 3/4.
    private static func size(for capacity: Int) -> Int {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        return size
    }

    @inline(__always)
    func contains(_ key: UInt64) -> Bool {
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
    mutating func insert(_ key: UInt64) -> Bool {
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
    mutating func formUnion<S: Sequence>(_ keys: S) where S.Element == UInt64 {
        reserveCapacity(count + keys.underestimatedCount)
        let done: Void? = keys.withContiguousStorageIfAvailable { all in
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
    mutating func reserveCapacity(_ capacity: Int) {
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

    struct Iterator: IteratorProtocol {
        fileprivate let slots: [UInt64]
        fileprivate var at = 0
        fileprivate var maxLeft: Bool

        mutating func next() -> UInt64? {
            while at < slots.count {
                let key = slots[at]
                at += 1
                if key != PairTable.empty { return key }
            }
            if maxLeft {
                maxLeft = false
                return PairTable.empty
            }
            return nil
        }
    }

    func makeIterator() -> Iterator { Iterator(slots: slots, maxLeft: hasMax) }

    var underestimatedCount: Int { count }
}
