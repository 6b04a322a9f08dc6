import Foundation
import MedSaveModel
import MedSaveSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The cells of an aggregate while it is read: an open-addressing hash table (linear probing, load ≤ 3/4)
/// whose slots hold the cell's key and sums together, one 64-byte cache line each, so that adding a row
/// touches one line of memory. Rows arrive in random cell order and the cells outgrow the caches, so the
/// miss per row is what this layout saves (three misses with an index table and a separate cell array).
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

    /// A slot's `key` is the cell key plus one, so that the zeroed memory of a new table is all empty slots.
    static let empty: UInt64 = 0
    private var slots: UnsafeMutablePointer<Slot>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        self.capacity = size
        slots = Self.allocate(size)
    }

    deinit { Self.free(slots, capacity) }

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

    /// Loads the first slot each of `hashes` will look at, without using it: the loads are independent, so
    /// the processor fetches many of these cache lines at once, and the searches that follow find them in
    /// cache instead of waiting for memory one row at a time.
    @inline(__always)
    func touch(_ hashes: UnsafeBufferPointer<UInt64>) {
        var sink: UInt64 = 0
        let mask = capacity - 1
        for h in hashes { sink ^= slots[Int(truncatingIfNeeded: h) & mask].key }
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
        var i = Int(truncatingIfNeeded: hash) & (capacity - 1)
        while true {
            let k = slots[i].key
            if k == stored { return slots + i }
            if k == Self.empty { break }
            i = (i + 1) & (capacity - 1)
        }
        if (count + 1) * 4 > capacity * 3 {
            grow()
            return slot(key, hash: hash)
        }
        slots[i].key = stored
        slots[i].order = Int32(count)
        count += 1
        return slots + i
    }

    private func grow() {
        let old = slots, oldCapacity = capacity
        capacity *= 2
        slots = Self.allocate(capacity)
        for i in 0..<oldCapacity where old[i].key != Self.empty {
            var j = Int(truncatingIfNeeded: Self.hash(old[i].key &- 1)) & (capacity - 1)
            while slots[j].key != Self.empty { j = (j + 1) & (capacity - 1) }
            slots[j] = old[i]
        }
        Self.free(old, oldCapacity)
    }

    /// The slot of `key` if the table has it.
    @inline(__always)
    func existingSlot(_ key: UInt64, hash: UInt64) -> UnsafeMutablePointer<Slot>? {
        let stored = key &+ 1
        var i = Int(truncatingIfNeeded: hash) & (capacity - 1)
        while true {
            let k = slots[i].key
            if k == stored { return slots + i }
            if k == Self.empty { return nil }
            i = (i + 1) & (capacity - 1)
        }
    }

    /// Calls `body` with every cell's slot (its `key` the cell key), in the table's order.
    func forEachSlot(_ body: (Slot) -> Void) {
        for i in 0..<capacity where slots[i].key != Self.empty {
            var slot = slots[i]
            slot.key &-= 1
            body(slot)
        }
    }

    /// The cells in the order they first appeared; `decode` turns a key back into its ids. The slots are
    /// split between `threads` threads, each writing the cells it finds to their own places.
    func cells(
        threads: Int = 1, decode: @escaping @Sendable (UInt64) -> (organisation: Int32, product: Int32, period: Int32)
    ) -> [DispensingCell] {
        let parts = threads > 1 && capacity >= 1 << 16 ? threads : 1
        let table = Table(slots: slots, capacity: capacity)
        return [DispensingCell](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = Output(cells: buffer)
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                for i in (table.capacity * k / parts)..<(table.capacity * (k + 1) / parts)
                where table.slots[i].key != Self.empty {
                    let s = table.slots[i]
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
                    (out.cells.baseAddress! + Int(s.order)).initialize(to: c)
                }
            }
            initialized = count
        }
    }

    /// The slots and the cells being made, shared by the threads (each writes places of its own).
    private struct Table: @unchecked Sendable {
        let slots: UnsafeMutablePointer<Slot>
        let capacity: Int
    }

    private struct Output: @unchecked Sendable {
        let cells: UnsafeMutableBufferPointer<DispensingCell>
    }
}
