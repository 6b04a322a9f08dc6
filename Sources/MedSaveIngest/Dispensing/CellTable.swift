import CMemory
import Foundation
import MedSaveModel
import MedSaveSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The cells of an aggregate while it is read: the cells themselves, numbered and stored in the order they
/// first appeared, and an index that finds a cell by its key.
///
/// The cells are the list the aggregate keeps, filled in place (`takeCells` hands it over, nothing copied),
/// room made for them ahead (`reserve`) where many are expected. A cell's number is its index in that list.
///
/// The index is open addressing (linear probing, load ≤ 3/4) with 4-byte slots: the cell's number + 1 in the
/// low `cellBits` bits, and above them as many bits of the key's hash as are left (a tag, from hash bits that
/// choose neither the table nor the slot). A slot whose tag matches is confirmed against the cell's own ids,
/// which the row is about to add to anyway; with 8 or more tag bits, fewer than one slot passed in 256 costs a
/// needless look at a cell. When the cells outgrow `cellBits`, each slot gives its lowest tag bit to the
/// number (`widen`), in place. National files have a cell for about every row, so the index (5 to 11 bytes a
/// cell) and the cells (32) are most of what a read holds; on a virtual machine the index's fresh 2 MiB pages
/// are the dearest memory a run takes, a tenth of a two-thread national run's time with 8-byte slots. The
/// index is 64 tables, chosen by a key's top hash bits, each growing on its own: growing then holds the old
/// and new slots of one 64th of the index at a time, each slot's place found again from its cell's key.
final class CellTable {
    /// One of the index's tables: its slots and how many are used.
    private struct Part {
        var slots: UnsafeMutablePointer<UInt32>
        var capacity: Int
        var count = 0
        /// Whether `slots` is a slice of `arena`, let go with it rather than on its own.
        var inArena = false
    }

    /// An empty slot; a used one is (tag | cell number + 1), so that zeroed memory is all empty.
    private static let empty: UInt32 = 0
    private static let partBits = 6
    private static let partCount = 1 << partBits
    private let parts: UnsafeMutablePointer<Part>
    private var indexed = true
    /// One mapping the tables are slices of once they are sized together (`reserve`), so that the index is
    /// one region of 2 MiB pages: it is searched at random, and on a virtual machine a miss of the address
    /// cache walks two sets of page tables. 64 tables of their own, each a megabyte or two, are never given
    /// large pages, as they are not aligned to them.
    private var arena: (slots: UnsafeMutablePointer<UInt32>, count: Int)?
    /// The low bits of a slot that hold a cell's number + 1; those above are the tag.
    private var cellBits = 12
    /// 2^`cellBits` − 1 (`mask(bits:)`).
    private var cellMask = CellTable.mask(bits: 12)

    /// The largest cell number + 1 that `bits` bits hold, all of them set.
    private static func mask(bits: Int) -> UInt32 { UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(bits)) &- 1) }

    /// The cells, by number. Only this table's owner reads and changes them, so their accesses need no check
    /// for exclusivity at run time (each row adds to a cell).
    @exclusivity(unchecked) private(set) var cells: [DispensingCell] = []
    var count: Int { cells.count }

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size * 3 * Self.partCount < capacity * 4 { size <<= 1 }
        parts = .allocate(capacity: Self.partCount)
        for k in 0..<Self.partCount {
            (parts + k).initialize(to: Part(slots: UnsafeMutablePointer(bitPattern: 4)!, capacity: 0))
        }
        place(size: size)
    }

    deinit {
        releaseIndex()
        parts.deallocate()
    }

    /// Lets the index go: cells can still be read by number and drained, no longer found by key.
    func releaseIndex() {
        guard indexed else { return }
        for k in 0..<Self.partCount where !parts[k].inArena { Self.free(parts[k].slots, parts[k].capacity) }
        if let arena { Self.free(arena.slots, arena.count) }
        arena = nil
        indexed = false
    }

    /// Gives every table `size` slots (those with fewer), in one arena when they come to 2 MiB or more: each
    /// table's slots move to where their hash bits point in the new one.
    private func place(size: Int) {
        let old = arena
        let shared = size * Self.partCount * MemoryLayout<UInt32>.stride >= Self.mappedBytes
        if shared { arena = (Self.allocate(UInt32.self, size * Self.partCount), size * Self.partCount) }
        // Tables in the old arena move too, so that it can go.
        for k in 0..<Self.partCount where parts[k].capacity < size || parts[k].inArena {
            let slots = shared ? arena!.slots + k * size : Self.allocate(UInt32.self, size)
            move(parts + k, to: slots, capacity: size)
            parts[k].inArena = shared
        }
        if let old { Self.free(old.slots, old.count) }
    }

    /// Zeroed memory for `size` values: from the kernel, untouched until used, for large blocks; from the
    /// allocator, cleared, for small ones. Large blocks get 2 MiB pages where the system allows it: the index
    /// is searched at random over tens of megabytes, which otherwise misses the TLB as well as the caches.
    private static func allocate<T>(_: T.Type, _ size: Int) -> UnsafeMutablePointer<T> {
        let bytes = size * MemoryLayout<T>.stride
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
        return raw.bindMemory(to: T.self, capacity: size)
    }

    private static func free<T>(_ block: UnsafeMutablePointer<T>, _ size: Int) {
        let bytes = size * MemoryLayout<T>.stride
        if bytes >= Self.mappedBytes { munmap(block, bytes) } else { UnsafeMutableRawPointer(block).deallocate() }
    }

    private static let mappedBytes = 2 << 20

    /// Where `key`'s search starts, to pass to `number(_:hash:)`.
    @inline(__always)
    static func hash(_ key: UInt64) -> UInt64 { Hash64.mix(key) }

    /// The index table a hash's key is in.
    @inline(__always)
    private func part(_ hash: UInt64) -> UnsafeMutablePointer<Part> { parts + Int(hash >> (64 - Self.partBits)) }

    /// The index slot a search for a key with this hash starts at.
    @inline(__always)
    private func firstSlot(_ hash: UInt64) -> UnsafeMutablePointer<UInt32> {
        let p = part(hash).pointee
        return p.slots + (Int(truncatingIfNeeded: hash) & (p.capacity - 1))
    }

    /// The tag of a key with this hash, as its slots hold it: hash bits 26 and up, above `cellBits`. The tag
    /// keeps bits 38 (26 + at least 12) to 57; a slot's place is chosen by low bits (a table has far fewer than
    /// 2³⁸ slots) and the table by the top 6, so that the keys a search meets are told apart by bits that did not
    /// bring them together.
    @inline(__always)
    private func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 26) & ~cellMask }

    /// Loads the first index slot each of `hashes` will look at, without using it: the loads are independent,
    /// so the processor fetches many of these cache lines at once, and the searches that follow find them in
    /// cache instead of waiting for memory one row at a time.
    @inline(__always)
    func touch(_ hashes: UnsafeBufferPointer<UInt64>) {
        var sink: UInt64 = 0
        for h in hashes { sink ^= UInt64(firstSlot(h).pointee) }
        touched = sink
    }

    /// Asks for the first index slot each of `hashes` will look at, without waiting for it: a batch's slots
    /// arrive while the next batch is read (`DispensingReader.batchFilled`).
    @inline(__always)
    func prefetch(_ hashes: UnsafeBufferPointer<UInt64>) {
        for h in hashes { medsave_prefetch(firstSlot(h)) }
    }

    /// After `touch` or `prefetch`, whose loads it waits for: loads the cell that each of `hashes`'s first slot names
    /// when the slot's hash bits are the key's, so that the key's check and the row's addition find the cell in
    /// cache. A region's rows add to cells made before (hundreds of thousands, read at random); a national
    /// file's rows make new cells, whose slots are empty.
    @inline(__always)
    func touchCells(_ hashes: UnsafeBufferPointer<UInt64>) {
        var sink = touched
        let mask = cellMask
        cells.withUnsafeBufferPointer { cells in
            for h in hashes {
                let s = firstSlot(h).pointee
                if s != Self.empty && s & ~mask == tag(h) {
                    sink ^= UInt64(bitPattern: cells[Int(s & mask) &- 1].quantity.raw)
                }
            }
        }
        touched = sink
    }

    /// Written by `touch` and `touchCells` so that their loads are not optimised away.
    private(set) var touched: UInt64 = 0

    /// The number of `key`'s cell, whose `hash(_:)` is `hash`, made (numbered next) when the key is new.
    @inline(__always)
    func number(_ key: UInt64, hash: UInt64) -> Int32 {
        let p = part(hash)
        let slots = p.pointee.slots, mask = p.pointee.capacity - 1
        let numberMask = cellMask, tag = tag(hash)
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[i]
            if s == Self.empty { break }
            if s & ~numberMask == tag && Self.key(of: cells[Int(s & numberMask) &- 1]) == key {
                return Int32(truncatingIfNeeded: s & numberMask) &- 1
            }
            i = (i + 1) & mask
        }
        if count + 1 > Int(numberMask) {
            widen(to: cellBits + 1)
            return number(key, hash: hash)
        }
        if (p.pointee.count + 1) * 4 > p.pointee.capacity * 3 {
            grow(p)
            return number(key, hash: hash)
        }
        let number = Int32(count)
        slots[i] = tag | UInt32(truncatingIfNeeded: number &+ 1)
        p.pointee.count += 1
        append(key)
        return number
    }

    /// The number of `key`'s cell if the table has it.
    @inline(__always)
    func existingNumber(_ key: UInt64, hash: UInt64) -> Int32? {
        let p = part(hash).pointee
        let mask = p.capacity - 1
        let numberMask = cellMask, tag = tag(hash)
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = p.slots[i]
            if s == Self.empty { return nil }
            if s & ~numberMask == tag && Self.key(of: cells[Int(s & numberMask) &- 1]) == key {
                return Int32(truncatingIfNeeded: s & numberMask) &- 1
            }
            i = (i + 1) & mask
        }
    }

    /// A cell's key (`DispensingReader.key`).
    @inline(__always)
    static func key(of cell: DispensingCell) -> UInt64 {
        DispensingReader.key(organisation: cell.organisation, product: cell.product, period: cell.period)
    }

    /// Makes the next cell, with `key`'s ids and nothing summed.
    @inline(__always)
    private func append(_ key: UInt64) {
        let ids = DispensingReader.ids(key)
        cells.append(DispensingCell(organisation: ids.organisation, product: ids.product, period: ids.period))
        if cells.count & 1023 == 0 { makePagesAhead() }
    }

    /// The pages of the list's room ahead of its end, made a few megabytes at a time (`FreshPages`).
    private var pagesAhead = FreshPages()

    private func makePagesAhead() {
        let stride = MemoryLayout<DispensingCell>.stride, used = cells.count * stride, room = cells.capacity * stride
        cells.withUnsafeBufferPointer { if let b = $0.baseAddress { pagesAhead.cover(b, used: used, room: room) } }
    }

    /// Changes cell `number` in place.
    @inline(__always)
    func update(_ number: Int32, _ body: (inout DispensingCell) -> Void) {
        body(&cells[Int(number)])
    }

    /// Room in the index for `count` cells in all, made now in one step per table where it would otherwise
    /// grow by doubling several times as cells come (each doubling a new table to touch and fill again), and in
    /// the list for `listed` cells (at least `count`): a read part whose list becomes the aggregate's makes room
    /// for the other parts' cells too, so that they are added without moving its own.
    func reserve(_ count: Int, listed: Int = 0) {
        cells.reserveCapacity(Swift.max(count, listed))
        guard indexed else { return }
        var bits = cellBits
        while bits < 32 && Int(Self.mask(bits: bits)) < count + 1 { bits += 1 }
        widen(to: bits)
        var size = 16
        while size * 3 * Self.partCount < count * 4 { size <<= 1 }
        if (0..<Self.partCount).contains(where: { parts[$0].capacity < size }) {
            place(size: (0..<Self.partCount).reduce(size) { Swift.max($0, parts[$1].capacity) })
        }
    }

    /// Doubles an index table: each slot moves to where its key's hash now points.
    private func grow(_ part: UnsafeMutablePointer<Part>) {
        let capacity = part.pointee.capacity * 2
        move(part, to: Self.allocate(UInt32.self, capacity), capacity: capacity)
        part.pointee.inArena = false
    }

    /// Moves a table's slots to `slots` (zeroed, `capacity` of them), letting the old ones go unless they are
    /// a slice of the arena. A slot holds too few of its key's hash bits to find its new place, so the hash is
    /// made again from its cell's key; the tag is kept as it is.
    private func move(_ part: UnsafeMutablePointer<Part>, to slots: UnsafeMutablePointer<UInt32>, capacity: Int) {
        let old = part.pointee.slots, oldCapacity = part.pointee.capacity, numberMask = cellMask
        cells.withUnsafeBufferPointer { cells in
            // The cells are read in the order of their slots, at random: each read is started 16 slots ahead.
            let base = UnsafeRawPointer(cells.baseAddress)
            for i in 0..<oldCapacity {
                if let base, i + 16 < oldCapacity, old[i + 16] != Self.empty {
                    medsave_prefetch(base + (Int(old[i + 16] & numberMask) - 1) * MemoryLayout<DispensingCell>.stride)
                }
                guard old[i] != Self.empty else { continue }
                let hash = Self.hash(Self.key(of: cells[Int(old[i] & numberMask) - 1]))
                var j = Int(truncatingIfNeeded: hash) & (capacity - 1)
                while slots[j] != Self.empty { j = (j + 1) & (capacity - 1) }
                slots[j] = old[i]
            }
        }
        if oldCapacity > 0 && !part.pointee.inArena { Self.free(old, oldCapacity) }
        part.pointee.slots = slots
        part.pointee.capacity = capacity
    }

    /// Gives the cells' numbers `bits` bits of each slot (more than they have): the tag's lowest bits are
    /// cleared to make room, in place, as numbers + 1 below 2^`cellBits` have nothing there.
    private func widen(to bits: Int) {
        guard bits > cellBits else { return }
        precondition(bits <= 32, "a cell table holds fewer than 2³² cells")
        let oldMask = cellMask
        cellBits = bits
        cellMask = Self.mask(bits: bits)
        let tagMask = ~cellMask
        for k in 0..<Self.partCount {
            let slots = parts[k].slots
            for i in 0..<parts[k].capacity where slots[i] != Self.empty {
                slots[i] = slots[i] & tagMask | slots[i] & oldMask
            }
        }
    }

    /// Adds the sums of `other` (a cell with the same key elsewhere) to cell `number`'s.
    @inline(__always)
    func add(_ other: DispensingCell, to number: Int32) {
        cells[Int(number)].add(other)
    }

    /// Calls `body` with every cell and its number, in order.
    func forEachCell(_ body: (Int32, DispensingCell) -> Void) {
        for (number, cell) in cells.enumerated() { body(Int32(number), cell) }
    }

    /// The cells, by number, handed over: the table is then empty and unindexed.
    func takeCells() -> [DispensingCell] {
        releaseIndex()
        var taken: [DispensingCell] = []
        swap(&taken, &cells)
        return taken
    }
}
