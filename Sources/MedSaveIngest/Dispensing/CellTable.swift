import Foundation
import MedSaveModel
import MedSaveSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The cells of an aggregate while it is read: open-addressing hash tables (linear probing, load ≤ 3/4) whose
/// slots hold the cell's key and sums together, one 64-byte cache line each, so that adding a row touches one
/// line of memory. Rows arrive in random cell order and the cells outgrow the caches, so the miss per row is what
/// this layout saves (three misses with an index table and a separate cell array).
///
/// The table is 64 tables, chosen by a key's top hash bits, each growing on its own: growing then holds the old
/// and new slots of one 64th of the cells at a time, not of all of them (a national month's table is hundreds of
/// megabytes, and two readers' tables grow at about the same time).
///
/// Each cell remembers its `order`, the order in which cells first appeared; `cells()` lists them so.
final class CellTable {
    struct Slot {
        var key: UInt64
        var quantity: Int64
        var cost: Int64
        var items: Int64
        var blockedQuantity: Int64
        var blockedCost: Int64
        var rows: Int32
        var negativeRows: Int32
        var blockedRows: Int32
        var order: Int32
    }

    /// Adds the sums of `other` (a cell with the same key elsewhere) to `cell`'s.
    @inline(__always)
    static func add(_ other: Slot, to cell: UnsafeMutablePointer<Slot>) {
        cell.pointee.quantity += other.quantity
        cell.pointee.cost += other.cost
        cell.pointee.rows += other.rows
        cell.pointee.items += other.items
        cell.pointee.negativeRows += other.negativeRows
        cell.pointee.blockedRows += other.blockedRows
        cell.pointee.blockedQuantity += other.blockedQuantity
        cell.pointee.blockedCost += other.blockedCost
    }

    /// One of the tables: its slots and how many are used.
    private struct Part {
        var slots: UnsafeMutablePointer<Slot>
        var capacity: Int
        var count = 0
    }

    /// A slot's `key` is the cell key plus one, so that the zeroed memory of a new table is all empty slots.
    static let empty: UInt64 = 0
    private static let partBits = 6
    private static let partCount = 1 << partBits
    private let parts: UnsafeMutablePointer<Part>
    private(set) var count = 0

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size * 3 * Self.partCount < capacity * 4 { size <<= 1 }
        parts = .allocate(capacity: Self.partCount)
        for k in 0..<Self.partCount { (parts + k).initialize(to: Part(slots: Self.allocate(size), capacity: size)) }
    }

    deinit {
        for k in 0..<Self.partCount { Self.free(parts[k].slots, parts[k].capacity) }
        parts.deallocate()
    }

    /// Zeroed memory for `size` slots: from the kernel, untouched until used, for large tables (on 2 MiB pages
    /// where the system allows it: random access over tens of megabytes otherwise misses the TLB as well as
    /// the caches); from the allocator, cleared, for small ones.
    private static func allocate(_ size: Int) -> UnsafeMutablePointer<Slot> {
        let bytes = size * MemoryLayout<Slot>.stride
        let raw: UnsafeMutableRawPointer
        if bytes >= Self.mappedBytes {
            #if os(Linux)
                guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                    p != MAP_FAILED
                else {
                    fatalError("out of memory: cannot map \(bytes) bytes for the cell table")
                }
                _ = madvise(p, bytes, 14)  // MADV_HUGEPAGE
            #else
                guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0), p != MAP_FAILED
                else {
                    fatalError("out of memory: cannot map \(bytes) bytes for the cell table")
                }
            #endif
            raw = p
        } else {
            raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        }
        return raw.bindMemory(to: Slot.self, capacity: size)
    }

    private static func free(_ slots: UnsafeMutablePointer<Slot>, _ size: Int) {
        let bytes = size * MemoryLayout<Slot>.stride
        if bytes >= Self.mappedBytes { munmap(slots, bytes) } else { UnsafeMutableRawPointer(slots).deallocate() }
    }

    private static let mappedBytes = 2 << 20

    /// Where `key`'s search starts, to pass to `slot(_:hash:)`.
    @inline(__always)
    static func hash(_ key: UInt64) -> UInt64 { Hash64.mix(key) }

    /// The table a hash's key is in.
    @inline(__always)
    private func part(_ hash: UInt64) -> UnsafeMutablePointer<Part> { parts + Int(hash >> (64 - Self.partBits)) }

    /// Loads the first slot each of `hashes` will look at, without using it: the loads are independent, so
    /// the processor fetches many of these cache lines at once, and the searches that follow find them in
    /// cache instead of waiting for memory one row at a time.
    @inline(__always)
    func touch(_ hashes: UnsafeBufferPointer<UInt64>) {
        var sink: UInt64 = 0
        for h in hashes {
            let p = part(h).pointee
            sink ^= p.slots[Int(truncatingIfNeeded: h) & (p.capacity - 1)].key
        }
        touched = sink
    }

    /// Written by `touch` so that its loads are not optimised away.
    private(set) var touched: UInt64 = 0

    /// The slot of `key`, made (with the next order) when the key is new.
    @inline(__always)
    func slot(_ key: UInt64) -> UnsafeMutablePointer<Slot> { slot(key, hash: Self.hash(key)) }

    /// The slot of `key`, whose `hash(_:)` is `hash`.
    @inline(__always)
    func slot(_ key: UInt64, hash: UInt64) -> UnsafeMutablePointer<Slot> {
        let stored = key &+ 1
        let p = part(hash)
        let slots = p.pointee.slots, mask = p.pointee.capacity - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let k = slots[i].key
            if k == stored { return slots + i }
            if k == Self.empty { break }
            i = (i + 1) & mask
        }
        if (p.pointee.count + 1) * 4 > p.pointee.capacity * 3 {
            Self.grow(p)
            return slot(key, hash: hash)
        }
        slots[i].key = stored
        slots[i].order = Int32(count)
        p.pointee.count += 1
        count += 1
        return slots + i
    }

    private static func grow(_ part: UnsafeMutablePointer<Part>) {
        let old = part.pointee.slots, oldCapacity = part.pointee.capacity
        let capacity = oldCapacity * 2
        let slots = allocate(capacity)
        for i in 0..<oldCapacity where old[i].key != empty {
            var j = Int(truncatingIfNeeded: hash(old[i].key &- 1)) & (capacity - 1)
            while slots[j].key != empty { j = (j + 1) & (capacity - 1) }
            slots[j] = old[i]
        }
        free(old, oldCapacity)
        part.pointee.slots = slots
        part.pointee.capacity = capacity
    }

    /// The slot of `key` if the table has it.
    @inline(__always)
    func existingSlot(_ key: UInt64, hash: UInt64) -> UnsafeMutablePointer<Slot>? {
        let stored = key &+ 1
        let p = part(hash).pointee
        let mask = p.capacity - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let k = p.slots[i].key
            if k == stored { return p.slots + i }
            if k == Self.empty { return nil }
            i = (i + 1) & mask
        }
    }

    /// Calls `body` with every cell's slot (its `key` the cell key), in the table's order.
    func forEachSlot(_ body: (Slot) -> Void) {
        for k in 0..<Self.partCount {
            let p = parts[k]
            for i in 0..<p.capacity where p.slots[i].key != Self.empty {
                var slot = p.slots[i]
                slot.key &-= 1
                body(slot)
            }
        }
    }

    /// The cells in the order they first appeared; `decode` turns a key back into its ids.
    func cells(
        threads: Int = 1, decode: @escaping @Sendable (UInt64) -> (organisation: Int32, product: Int32, period: Int32)
    ) -> [DispensingCell] {
        [DispensingCell](unsafeUninitializedCapacity: count) { buffer, initialized in
            write(into: buffer.baseAddress!, threads: threads, decode: decode)
            initialized = count
        }
    }

    /// Writes each cell to `out[place[order]]` (`out[order]` without `place`; none where `place` says −1), its
    /// ids from `decode`. The tables are split between `threads` threads, each writing the cells it finds to
    /// their own places.
    func write(
        into out: UnsafeMutablePointer<DispensingCell>, threads: Int, place: [Int32]? = nil,
        decode: @escaping @Sendable (UInt64) -> (organisation: Int32, product: Int32, period: Int32)
    ) {
        let split = threads > 1 && count >= 1 << 15 ? threads : 1
        let tables = Tables(parts: parts, out: out)
        DispatchQueue.concurrentPerform(iterations: split) { t in
            for k in (Self.partCount * t / split)..<(Self.partCount * (t + 1) / split) {
                let p = tables.parts[k]
                for i in 0..<p.capacity where p.slots[i].key != Self.empty {
                    let s = p.slots[i]
                    let at = place.map { Int($0[Int(s.order)]) } ?? Int(s.order)
                    guard at >= 0 else { continue }
                    let ids = decode(s.key &- 1)
                    var c = DispensingCell(organisation: ids.organisation, product: ids.product, period: ids.period)
                    c.quantity = FixedDecimal(raw: s.quantity)
                    c.cost = FixedDecimal(raw: s.cost)
                    c.items = s.items
                    c.rows = Int(s.rows)
                    c.negativeRows = Int(s.negativeRows)
                    c.blockedRows = Int(s.blockedRows)
                    c.blockedQuantity = FixedDecimal(raw: s.blockedQuantity)
                    c.blockedCost = FixedDecimal(raw: s.blockedCost)
                    (tables.out + at).initialize(to: c)
                }
            }
        }
    }

    /// The tables and the cells being made, shared by the threads (each writes places of its own).
    private struct Tables: @unchecked Sendable {
        let parts: UnsafeMutablePointer<Part>
        let out: UnsafeMutablePointer<DispensingCell>
    }
}
