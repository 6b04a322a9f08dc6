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

    static let empty = UInt64.max
    private var slots: UnsafeMutablePointer<Slot>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        self.capacity = size
        slots = Self.allocate(size)
    }

    deinit { UnsafeMutableRawPointer(slots).deallocate() }

    private static func allocate(_ size: Int) -> UnsafeMutablePointer<Slot> {
        let bytes = size * MemoryLayout<Slot>.stride
        // Large tables on 2 MiB pages where the system allows it: random access over tens of megabytes
        // otherwise misses the TLB as well as the caches.
        let alignment = bytes >= 4 << 20 ? 2 << 20 : 64
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: alignment)
        #if os(Linux)
        if alignment > 64 { _ = madvise(raw, bytes, 14 /* MADV_HUGEPAGE */) }
        #endif
        let p = raw.bindMemory(to: Slot.self, capacity: size)
        for i in 0..<size {
            (p + i).initialize(to: Slot(
                key: empty, quantity: 0, cost: 0, items: 0, blockedQuantity: 0, blockedCost: 0, rows: 0, negativeRows: 0,
                blockedRows: 0, order: -1))
        }
        return p
    }

    /// Where `key`'s search starts, to pass to `slot(_:hash:)`.
    @inline(__always)
    static func hash(_ key: UInt64) -> UInt64 { ByteInterner.mix(key) }

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
        var i = Int(truncatingIfNeeded: hash) & (capacity - 1)
        while true {
            let k = slots[i].key
            if k == key { return slots + i }
            if k == Self.empty { break }
            i = (i + 1) & (capacity - 1)
        }
        if (count + 1) * 4 > capacity * 3 {
            grow()
            return slot(key, hash: hash)
        }
        slots[i].key = key
        slots[i].order = Int32(count)
        count += 1
        return slots + i
    }

    private func grow() {
        let old = slots, oldCapacity = capacity
        capacity *= 2
        slots = Self.allocate(capacity)
        for i in 0..<oldCapacity where old[i].key != Self.empty {
            var j = Int(truncatingIfNeeded: Self.hash(old[i].key)) & (capacity - 1)
            while slots[j].key != Self.empty { j = (j + 1) & (capacity - 1) }
            slots[j] = old[i]
        }
        UnsafeMutableRawPointer(old).deallocate()
    }

    /// Calls `body` with every cell's slot in the order the cells first appeared.
    func forEachInOrder(_ body: (Slot) -> Void) {
        var slotOfOrder = [Int32](repeating: 0, count: count)
        for i in 0..<capacity where slots[i].key != Self.empty { slotOfOrder[Int(slots[i].order)] = Int32(i) }
        for i in slotOfOrder { body(slots[Int(i)]) }
    }

    /// The cells in the order they first appeared; `decode` turns a key back into its ids.
    func cells(decode: (UInt64) -> (organisation: Int32, product: Int32, period: Int32)) -> [DispensingCell] {
        var cells = [DispensingCell](repeating: DispensingCell(organisation: 0, product: 0, period: 0), count: count)
        for i in 0..<capacity where slots[i].key != Self.empty {
            let s = slots[i]
            let ids = decode(s.key)
            var c = DispensingCell(organisation: ids.organisation, product: ids.product, period: ids.period)
            c.quantity = FixedDecimal(raw: s.quantity)
            c.cost = FixedDecimal(raw: s.cost)
            c.items = s.items
            c.rows = Int(s.rows)
            c.negativeRows = Int(s.negativeRows)
            c.blockedRows = Int(s.blockedRows)
            c.blockedQuantity = FixedDecimal(raw: s.blockedQuantity)
            c.blockedCost = FixedDecimal(raw: s.blockedCost)
            cells[Int(s.order)] = c
        }
        return cells
    }
}
