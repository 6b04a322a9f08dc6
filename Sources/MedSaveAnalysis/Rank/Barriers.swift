import CMemory
import Foundation
import MedSaveModel
import MedSaveNumeric
import MedSaveSupport

/// What prescribers' "do not substitute" flags block: the blocked rows of each cell, and their saving.
extension Ranking {
    /// The rows marked "do not substitute", summed per cell and prescriber (`blockedByPrescriber`; rows without
    /// one under prescriber −1), by cell.
    ///
    /// Only the cells with blocked rows have entries (a few in a hundred on national data), so the table is
    /// sized by them, not by all the aggregate's cells.
    struct BlockedRows {
        /// The cells with blocked sums, ascending, and where each one's entries start (`start[k]` for `cells[k]`;
        /// a cell's entries by prescriber id, no prescriber last).
        private var cells: [Int32] = []
        private var start: [Int] = []
        /// The aggregate's own list, read in place.
        private let entries: [BlockedSums.Entry]
        /// Each listed cell's position in `cells`: open addressing over (cell + 1) << 32 | position, 0 empty,
        /// load ≤ 1/2. Blocks are summed in (class, month) order, so the cells asked about are all over the list:
        /// a hash finds one in a cache miss or two where bisecting half a million cells took a dozen.
        private var slots: [UInt64]
        private let mask: Int

        /// From the sums alone, not a pass over every cell (millions on national data, a few in a hundred with
        /// blocked rows): they are in key order, cell above prescriber, so each cell's entries come together.
        init(_ data: DispensingAggregate) {
            entries = data.blockedByPrescriber.entries
            for (k, entry) in entries.enumerated() where cells.last != entry.cell {
                // A prescriber's blocked rows are rows of the cell.
                assert(data.cells[Int(entry.cell)].hasBlockedRows, "blocked sums of a cell without blocked rows")
                cells.append(entry.cell)
                start.append(k)
            }
            start.append(entries.count)
            var size = 16
            while size < cells.count * 2 { size <<= 1 }
            slots = [UInt64](repeating: 0, count: size)
            mask = size - 1
            for (k, cell) in cells.enumerated() {
                var i = Self.slot(cell) & mask
                while slots[i] != 0 { i = (i + 1) & mask }
                slots[i] = UInt64(UInt32(bitPattern: cell) + 1) << 32 | UInt64(k)
            }
        }

        /// Where a cell's search in `slots` starts.
        @inline(__always)
        private static func slot(_ cell: Int32) -> Int {
            Int(truncatingIfNeeded: Hash64.mix(UInt64(UInt32(bitPattern: cell))))
        }

        /// Where `cell` is in `cells`, if it is listed.
        @inline(__always)
        private func position(of cell: Int32) -> Int? {
            let tag = UInt64(UInt32(bitPattern: cell) + 1) << 32
            var i = Self.slot(cell) & mask
            while true {
                let s = slots[i]
                if s == 0 { return nil }
                if s & 0xFFFF_FFFF_0000_0000 == tag { return Int(s & 0xFFFF_FFFF) }
                i = (i + 1) & mask
            }
        }

        /// Calls `body` with each of `cells` (in order) and each of its entries (in order): (prescriber id or −1,
        /// quantity, cost) of each prescriber's blocked rows; none for a cell without blocked rows. The cells of a block are far apart, so each step is a miss: the slots of all of
        /// them are asked for first, then their entries, so that the misses overlap.
        func forEachEntry(
            of cells: [Int32], _ body: (_ cell: Int32, _ entry: (Int32, FixedDecimal, FixedDecimal)) -> Void
        ) {
            slots.withUnsafeBufferPointer { s in
                for cell in cells { medsave_prefetch(s.baseAddress! + (Self.slot(cell) & mask)) }
            }
            var found: [(cell: Int32, entries: Range<Int>)] = []
            found.reserveCapacity(cells.count)
            entries.withUnsafeBufferPointer { e in
                for cell in cells {
                    guard let k = position(of: cell) else { continue }
                    let range = start[k]..<start[k + 1]
                    if !range.isEmpty { medsave_prefetch(e.baseAddress! + range.lowerBound) }
                    found.append((cell, range))
                }
            }
            for (cell, range) in found {
                for e in range { body(cell, (entries[e].prescriber, entries[e].quantity, entries[e].cost)) }
            }
        }
    }

    /// Saving blocked by "do not substitute" flags, summed per (organisation, prescriber, class).
    struct Barriers {
        typealias Key = (organisation: Int32, prescriber: Int32, classIndex: Int32)

        /// (organisation, prescriber) → pair id; (pair id, class) → barrier id. A table is either added to one
        /// barrier at a time (`add`, these) or folded into a month at a time (`fold`, `sortedPairs` and
        /// `sortedIndex`: 12 bytes a key, not an `IntMap`'s 24 to 48, for a window's millions of barriers).
        /// The barrier of each (organisation, prescriber) of the class being added to (`add`): a table's barriers
        /// are added a class at a time, so a small map for the current class, let go when the next comes, finds
        /// them (a map of every pair and of every (pair, class) grew to millions and missed the cache).
        private var current = IntMap(), currentClass: Int32 = -1
        /// Classes added to before the current one.
        private var left: [Bool] = []
        private var sortedPairs = SortedKeys(), sortedIndex = SortedKeys()
        private var keys: [Key] = []
        private var sums: [(quantity: FixedDecimal, cost: FixedDecimal, saving: Double)] = []

        var count: Int { keys.count }

        /// Adds `month`'s barriers, their ids changed by `map`, as `add` would one by one in their order.
        mutating func fold(_ month: Barriers, map: (Key) -> Key) {
            precondition(currentClass < 0, "a table added to one barrier at a time is not folded into")
            let mapped = month.keys.map(map)
            let pairOf = sortedPairs.numbering(
                mapped.map {
                    UInt64(UInt32(bitPattern: $0.organisation)) << 32 | UInt64(UInt32(bitPattern: $0.prescriber))
                },
                next: Int32(sortedPairs.count))
            let ids = sortedIndex.numbering(
                zip(pairOf, mapped).map { UInt64($0) << 24 | UInt64($1.classIndex) }, next: Int32(keys.count))
            for (m, b) in ids.enumerated() {
                if b == keys.count {
                    keys.append(mapped[m])
                    sums.append((.zero, .zero, 0))
                }
                sums[Int(b)].quantity += month.sums[m].quantity
                sums[Int(b)].cost += month.sums[m].cost
                sums[Int(b)].saving += month.sums[m].saving
            }
        }

        mutating func add(
            organisation: Int32, prescriber: Int32, classIndex: Int32, quantity: FixedDecimal, cost: FixedDecimal,
            saving: Double
        ) {
            assert(sortedPairs.count == 0, "a table folded into a month at a time is not added to")
            if classIndex != currentClass {
                if currentClass >= 0 {
                    if Int(currentClass) >= left.count {
                        left += repeatElement(false, count: Int(currentClass) + 1 - left.count)
                    }
                    left[Int(currentClass)] = true
                }
                current = IntMap()
                currentClass = classIndex
                if Int(classIndex) < left.count && left[Int(classIndex)] {
                    // A class met again (not so from a ranking, which adds a class's barriers together): its
                    // barriers found again from the list.
                    for (b, key) in keys.enumerated() where key.classIndex == classIndex {
                        _ = current.value(
                            UInt64(UInt32(bitPattern: key.organisation)) << 32
                                | UInt64(UInt32(bitPattern: key.prescriber))
                        ) { Int32(b) }
                    }
                }
            }
            let next = Int32(keys.count)
            let b = Int(
                current.value(UInt64(UInt32(bitPattern: organisation)) << 32 | UInt64(UInt32(bitPattern: prescriber))) {
                    next
                })
            if b == keys.count {
                keys.append((organisation, prescriber, classIndex))
                sums.append((.zero, .zero, 0))
            }
            sums[b].quantity += quantity
            sums[b].cost += cost
            sums[b].saving += saving
        }

        /// Each barrier with its sums, in the order they were first added.
        func each(
            _ body: (
                _ key: (organisation: Int32, prescriber: Int32, classIndex: Int32),
                _ sums: (quantity: FixedDecimal, cost: FixedDecimal, saving: Double)
            ) throws -> Void
        ) rethrows {
            for b in keys.indices { try body(keys[b], sums[b]) }
        }

        /// Adds the barriers of `other`, of other classes (after the last `add`).
        mutating func append(_ other: Barriers) {
            keys += other.keys
            sums += other.sums
        }

        /// The barriers with a positive saving, largest first, ties by unit, prescriber and class; none of the
        /// (organisation << 32 | class) pairs in `excluded` (organisation 0xFFFFFFFF: every organisation): listed
        /// when first asked for, their total as shown known now.
        func blockedList(_ data: DispensingAggregate, classes: [EquivalenceClass], excluded: Set<UInt64> = [])
            -> BlockedList
        {
            var chosen: [(saving: Double, barrier: Int32)] = []
            var cents: Int64 = 0
            for b in keys.indices where sums[b].saving > 0 {
                let key = keys[b]
                let classBits = UInt64(UInt32(bitPattern: key.classIndex))
                if !excluded.isEmpty
                    && (excluded.contains(UInt64(UInt32(bitPattern: key.organisation)) << 32 | classBits)
                        || excluded.contains(UInt64(UInt32.max) << 32 | classBits))
                {
                    continue
                }
                chosen.append((sums[b].saving, Int32(b)))
                cents += BlockedList.cents(sums[b].saving)
            }
            let barriers = (keys: keys, sums: sums), organisations = data.organisations,
                prescribers = data.prescribers, byPrescriber = data.organisationColumn == .prescriber
            return BlockedList(shownCents: cents) {
                Self.list(
                    chosen, barriers.keys, barriers.sums, organisations: organisations, prescribers: prescribers,
                    byPrescriber: byPrescriber, classes: classes)
            }
        }

        /// The barriers with a positive saving, largest first, ties by unit, prescriber and class; none of the
        /// (organisation << 32 | class) pairs in `excluded` (organisation 0xFFFFFFFF: every organisation).
        func list(_ data: DispensingAggregate, classes: [EquivalenceClass], excluded: Set<UInt64> = [])
            -> [BlockedSaving]
        {
            blockedList(data, classes: classes, excluded: excluded).rows
        }

        /// The barriers `chosen` ((saving, barrier) pairs) listed, largest first, ties by unit, prescriber and
        /// class.
        private static func list(
            _ chosen: [(saving: Double, barrier: Int32)], _ keys: [Key],
            _ sums: [(quantity: FixedDecimal, cost: FixedDecimal, saving: Double)], organisations: [String],
            prescribers: [String], byPrescriber: Bool, classes: [EquivalenceClass]
        ) -> [BlockedSaving] {
            var chosen = chosen
            func unit(_ b: Int) -> String { byPrescriber ? "" : organisations[Int(keys[b].organisation)] }
            func prescriber(_ b: Int) -> String? {
                let key = keys[b]
                return byPrescriber
                    ? organisations[Int(key.organisation)]
                    : (key.prescriber >= 0 ? prescribers[Int(key.prescriber)] : nil)
            }
            // (saving, barrier) of each listed, sorted as numbers in one contiguous array (hundreds of thousands on
            // national data); the codes are read only for equal savings.
            chosen.sort { x, y in
                if x.saving != y.saving { return x.saving > y.saving }
                let (a, b) = (Int(x.barrier), Int(y.barrier))
                return (unit(a), prescriber(a) ?? "", classes[Int(keys[a].classIndex)].description) < (
                    unit(b), prescriber(b) ?? "", classes[Int(keys[b].classIndex)].description
                )
            }
            return chosen.map { x in
                let b = Int(x.barrier)
                return BlockedSaving(
                    unit: unit(b), prescriber: prescriber(b), equivalenceClass: classes[Int(keys[b].classIndex)],
                    quantity: sums[b].quantity, cost: sums[b].cost, saving: sums[b].saving)
            }
        }
    }
}
