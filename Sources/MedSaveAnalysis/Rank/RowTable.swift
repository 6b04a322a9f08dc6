import Foundation
import MedSaveModel
import MedSaveSupport

extension Ranking {
    /// Flags a row collects while it is summed (README, "Flags"); the safety and barrier flags are added when
    /// the row becomes an opportunity.
    struct RowFlags: OptionSet {
        let rawValue: UInt16

        static let pvNotCheapest = RowFlags(rawValue: 1 << 0)
        static let reserveTarget = RowFlags(rawValue: 1 << 1)
        static let singleOrganisation = RowFlags(rawValue: 1 << 2)
        static let zeroQuantity = RowFlags(rawValue: 1 << 3)
        static let negativeQuantity = RowFlags(rawValue: 1 << 4)
        static let correctionRows = RowFlags(rawValue: 1 << 5)
        static let doNotSubstitute = RowFlags(rawValue: 1 << 6)

        static let names: [(RowFlags, String)] = [
            (.pvNotCheapest, "pv-not-cheapest"), (.reserveTarget, "reserve-target"),
            (.singleOrganisation, "single-organisation"), (.zeroQuantity, "zero-quantity"),
            (.negativeQuantity, "negative-quantity"), (.correctionRows, "correction-rows"),
            (.doNotSubstitute, "do-not-substitute"),
        ]

        init(rawValue: UInt16) { self.rawValue = rawValue }

        /// The flags a target names (`Target.flags`).
        init(_ words: [String]) {
            self = []
            for (flag, name) in Self.names where words.contains(name) { insert(flag) }
        }

        var words: [String] { Self.names.filter { contains($0.0) }.map(\.1) }
    }

    /// Accumulates per-organisation block results into the rows shown at the chosen level.
    struct RowTable {
        let byPeriod: Bool
        let level: RankLevel
        /// The row key of each organisation at levels that group units (area, region: the group's index in
        /// `RowKeys.names`); nil: the organisation itself, or -1 at level `all`.
        let groupOf: [Int32]?

        /// One row's sums; plain values only, so that adding to a row copies no references. The small fields
        /// come first, packed into 16 bytes (80 a row, not 96: a national window has millions of rows), the two
        /// periods each as a month since 1900 in 16 bits (`Row.code`).
        struct Row {
            var key: Int32  // organisation id; -1 at level `all`
            var classIndex: Int32
            private var periodCode: UInt16 = 0
            private var lastTargetCode: UInt16 = 0
            var flags: RowFlags = []
            var quantity: FixedDecimal = .zero
            var cost: FixedDecimal = .zero
            var saving = 0.0
            var blockedSaving = 0.0
            var targetCost = 0.0
            var targetQuantity = 0.0
            var lastTargetPrice = 0.0
            /// The saving in `lastTargetPeriod`.
            var lastSaving = 0.0

            init(key: Int32, classIndex: Int32, period: Period?) {
                self.key = key
                self.classIndex = classIndex
                self.period = period
            }

            /// With byPeriod: the row's period.
            var period: Period? {
                @inline(__always) get { Self.period(periodCode) }
                @inline(__always) set { periodCode = Self.code(newValue) }
            }

            /// The target of the row's latest period: when, and its price (`lastTargetPrice`).
            var lastTargetPeriod: Period? {
                @inline(__always) get { Self.period(lastTargetCode) }
                @inline(__always) set { lastTargetCode = Self.code(newValue) }
            }

            /// A period as the months since December 1899 (0: none); the data's periods are of 1900 to 2999.
            @inline(__always)
            private static func code(_ period: Period?) -> UInt16 {
                guard let period else { return 0 }
                let months = Int(period.index) - (1900 * 12 - 1)
                precondition(months > 0 && months <= Int(UInt16.max), "a row's period is of 1900 to 7361")
                return UInt16(months)
            }

            @inline(__always)
            private static func period(_ code: UInt16) -> Period? {
                code == 0 ? nil : Period(index: Int32(code) + (1900 * 12 - 1))
            }
        }

        /// The rows, by number: one list while a table is summed; a joined table (`append`) keeps the first table
        /// joined to it as a second list, so that joining the rows summed by two threads copies none of them (a
        /// national window has millions of rows, and a copy is written to memory never touched before, which is
        /// dear). Row r is `head[r]`, or `tail[r - head.count]` past the head.
        struct RowList: RandomAccessCollection, MutableCollection {
            /// The rows summed into this table; only these are made by `add` (a joined table is not summed into).
            private(set) var head: [Row] = []
            /// The rows of the tables joined to it, after the head's.
            private(set) var tail: [Row] = []

            init(_ rows: [Row] = []) { head = rows }

            var startIndex: Int { 0 }
            var endIndex: Int { head.count + tail.count }

            subscript(r: Int) -> Row {
                @inline(__always) get { r < head.count ? head[r] : tail[r - head.count] }
                @inline(__always) _modify {
                    if r < head.count { yield &head[r] } else { yield &tail[r - head.count] }
                }
            }

            /// Adds a row after the last.
            mutating func append(_ row: Row) {
                if tail.isEmpty { head.append(row) } else { tail.append(row) }
            }

            /// Adds `other`'s rows after the last: the first list joined is taken as it is, later ones copied.
            mutating func join(_ other: RowList) {
                // Appending even nothing to a list shared with `other` would copy it.
                if head.isEmpty && tail.isEmpty {
                    head = other.head
                } else if tail.isEmpty {
                    tail = other.head
                } else if !other.head.isEmpty {
                    tail += other.head
                }
                if !other.tail.isEmpty { tail += other.tail }
            }

            /// The numbers of the rows `isIncluded` keeps, in order: on national data millions of rows, hundreds
            /// of megabytes read, so the list is split between `threads` threads.
            func numbers(where isIncluded: @Sendable (Row) -> Bool, threads: Int) -> [Int32] {
                let parts = threads > 1 && count >= 1 << 16 ? threads : 1
                let results = ConcurrentResults<[Int32], Never>(count: parts)
                DispatchQueue.concurrentPerform(iterations: parts) { k in
                    var mine: [Int32] = []
                    for r in Ranking.part(k, of: parts, count: count) where isIncluded(self[r]) {
                        mine.append(Int32(r))
                    }
                    results.store(k, .success(mine))
                }
                return (0..<parts).flatMap { results.get($0) }
            }

            /// Room for `count` rows in the head without growing.
            mutating func reserveCapacity(_ count: Int) { head.reserveCapacity(count) }

            /// Makes the head's pages ahead of its end (`FreshPages`): its room is reserved for the most rows the
            /// blocks could make, far more than they do, so it is not made all at once.
            mutating func makePagesAhead(_ pages: inout FreshPages) {
                let stride = MemoryLayout<Row>.stride, used = head.count * stride, room = head.capacity * stride
                head.withUnsafeBufferPointer { if let b = $0.baseAddress { pages.cover(b, used: used, room: room) } }
            }

            /// The head's rows in place, for the additions of `add`.
            mutating func withHead<R>(_ body: (inout UnsafeMutableBufferPointer<Row>) -> R) -> R {
                head.withUnsafeMutableBufferPointer(body)
            }
        }

        var rows = RowList()
        /// The rows of the (class, period) being summed, by key: blocks come by class and then period
        /// (`Ranking.sum(blocks:)`), so a row's (key, class, period) is only ever looked up while its class (and,
        /// with `byPeriod`, its period) is the current one. `rowOfKey[key + 1]` is the row when
        /// `stampOfKey[key + 1]` is `stamp`; a new class or period takes the next stamp, which empties the
        /// lookup without clearing it.
        private var rowOfKey: [Int32] = []
        private var pagesAhead = FreshPages()
        private var stampOfKey: [Int32] = []
        private var stamp: Int32 = 0
        /// The (class, period) whose rows `rowOfKey` holds, and the block being summed (`begin`).
        private var current: (classIndex: Int32, period: Period?)?
        private var blockPeriod = Period(index: 0)
        /// The first row of the current class: a class's rows are made while its blocks are summed, one after
        /// another, so they are the rows from here on.
        private var classFirstRow = 0
        /// The row each aggregate cell was summed into (for its products, patients and prescribers); -1 for
        /// cells set aside.
        var rowOfCell: [Int32]
        var window: (from: Period, to: Period)?
        /// At levels that sum units: each (row << 32 | organisation)'s saving, summed over the row's periods.
        var members: [UInt64: Double] = [:]
        /// What the current block adds to rows that take several additions from it (several units at levels
        /// that sum them; several prescribers' blocked rows at any level), added when the block ends
        /// (`endBlock`). A row's sums are then Σ over months of (Σ within the month), as summing month-by-month
        /// runs gives (`WindowFold`), and within a month the additions come in the order of the codes. By row
        /// of the current class (row − `classFirstRow`), with the rows added to listed once.
        private var pending: [(saving: Double, targetCost: Double, targetQuantity: Double)] = []
        private var pendingBlocked: [Double] = []
        private var pendingRows: [Int32] = []
        private var pendingBlockedRows: [Int32] = []
        /// The block (`blockStamp`, counted by `begin`) in which each pending place was last added to.
        private var pendingStamp: [Int32] = [], pendingBlockedStamp: [Int32] = []
        private var blockStamp: Int32 = 0

        init(byPeriod: Bool, level: RankLevel, groupOf: [Int32]?, cellCount: Int) {
            self.byPeriod = byPeriod
            self.level = level
            self.groupOf = groupOf
            rowOfCell = Array(repeating: -1, count: cellCount)
        }

        /// Room for `count` rows without growing.
        mutating func reserve(_ count: Int) { rows.reserveCapacity(count) }

        /// A row's (key, class, period) as one number: key << 32 | class << 14 | (month index since 1900 + 1, or
        /// 0 without a period).
        static func packed(key: Int32, classIndex: Int32, period: Period?) -> UInt64 {
            let month = period.map { UInt64(Int($0.index) - 1900 * 12 + 1) } ?? 0
            return UInt64(UInt32(bitPattern: key)) << 32 | UInt64(classIndex) << 14 | month
        }

        /// Starts adding the results of `block`: its rows are looked up by key from here on (a new class or
        /// period empties the lookup), and the window takes in its period.
        mutating func begin(_ block: Block) {
            let period = byPeriod ? block.period : nil
            precondition(rows.tail.isEmpty, "a joined table is read, not summed into")
            if current.map({ $0.classIndex != block.classIndex || $0.period != period }) ?? true {
                // A class (or period) left is never met again, or its rows would be made twice.
                precondition(
                    current.map { ($0.classIndex, $0.period ?? block.period) < (block.classIndex, block.period) }
                        ?? true,
                    "blocks must come by class and then period")
                if current?.classIndex != block.classIndex { classFirstRow = rows.count }
                current = (block.classIndex, period)
                stamp += 1
            }
            blockPeriod = block.period
            blockStamp += 1
            rows.makePagesAhead(&pagesAhead)
            window =
                window.map { (min($0.from, block.period), max($0.to, block.period)) } ?? (block.period, block.period)
        }

        /// The row of `organisation` in the current block, made when new.
        @inline(__always)
        private mutating func row(organisation: Int32) -> Int32 {
            let key = groupOf.map { $0[Int(organisation)] } ?? (level == .all ? -1 : organisation)
            let slot = Int(key) + 1
            if slot >= rowOfKey.count {
                rowOfKey += repeatElement(-1, count: slot + 1 - rowOfKey.count)
                stampOfKey += repeatElement(0, count: slot + 1 - stampOfKey.count)
            }
            if stampOfKey[slot] == stamp { return rowOfKey[slot] }
            rows.append(Row(key: key, classIndex: current!.classIndex, period: current!.period))
            let r = Int32(rows.count - 1)
            rowOfKey[slot] = r
            stampOfKey[slot] = stamp
            return r
        }

        /// Adds one organisation's result in the current block (`begin`): its quantity and cost, its saving
        /// against the block's target price, and its flags; returns its row.
        @inline(__always)
        mutating func add(
            organisation: Int32, quantity q: FixedDecimal, cost c: FixedDecimal, saving: Double, targetPrice: Double,
            flags: RowFlags
        ) -> Int32 {
            let r = row(organisation: organisation)
            let period = blockPeriod, sumsUnits = level.sumsUnits
            rows.withHead { rows in
                let row = rows.baseAddress! + Int(r)
                row.pointee.quantity += q
                row.pointee.cost += c
                if !sumsUnits {  // one addition per row and block
                    row.pointee.saving += saving
                    row.pointee.targetCost += q.doubleValue * targetPrice
                    row.pointee.targetQuantity += q.doubleValue
                }
                if row.pointee.lastTargetPeriod.map({ $0 < period }) ?? true {
                    row.pointee.lastTargetPeriod = period
                    row.pointee.lastTargetPrice = targetPrice
                    row.pointee.lastSaving = 0
                }
                if row.pointee.lastTargetPeriod == period { row.pointee.lastSaving += saving }
                var rowFlags = row.pointee.flags.union(flags)
                if q.raw == 0 && c.raw > 0 { rowFlags.insert(.zeroQuantity) }
                if q.raw < 0 { rowFlags.insert(.negativeQuantity) }
                row.pointee.flags = rowFlags
            }
            if sumsUnits {
                let k = pendingSlot(r)
                if pendingStamp[k] != blockStamp {
                    pendingStamp[k] = blockStamp
                    pendingRows.append(r)
                }
                pending[k].saving += saving
                pending[k].targetCost += q.doubleValue * targetPrice
                pending[k].targetQuantity += q.doubleValue
                members[UInt64(UInt32(bitPattern: r)) << 32 | UInt64(UInt32(bitPattern: organisation)), default: 0] +=
                    saving
            }
            return r
        }

        /// The place of row `r` (of the current class) in the pending sums, room made for it.
        @inline(__always)
        private mutating func pendingSlot(_ r: Int32) -> Int {
            let k = Int(r) - classFirstRow
            if k >= pending.count {
                let more = max(k + 1, 2 * pending.count) - pending.count
                pending += repeatElement((saving: 0.0, targetCost: 0.0, targetQuantity: 0.0), count: more)
                pendingBlocked += repeatElement(0, count: more)
                pendingStamp += repeatElement(0, count: more)
                pendingBlockedStamp += repeatElement(0, count: more)
            }
            return k
        }

        /// A table summed the same way, with no rows yet, for `cellCount` cells.
        func empty(cellCount: Int) -> RowTable {
            RowTable(byPeriod: byPeriod, level: level, groupOf: groupOf, cellCount: cellCount)
        }

        /// Adds the rows of `other`, of other classes (the rows' ids in `other` move on by the rows already here).
        /// The first table joined keeps its list as this one's tail, not copied (`RowList`).
        mutating func append(_ other: RowTable) {
            let rowOffset = Int32(rows.count)
            rows.join(other.rows)
            for (cell, r) in other.rowOfCell.enumerated() where r >= 0 { rowOfCell[cell] = r + rowOffset }
            for (key, saving) in other.members { members[key + UInt64(UInt32(bitPattern: rowOffset)) << 32] = saving }
            if let w = other.window {
                window = window.map { (min($0.from, w.from), max($0.to, w.to)) } ?? w
            }
        }

        /// Each row's member units with their savings, at levels that sum units (empty lists otherwise).
        func membersByRow() -> [[(organisation: Int32, saving: Double)]] {
            var result = [[(organisation: Int32, saving: Double)]](repeating: [], count: rows.count)
            for (key, saving) in members {
                result[Int(key >> 32)].append((Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)), saving))
            }
            return result
        }

        /// Adds the saving blocked by "do not substitute" flags for one organisation and prescriber in one block.
        mutating func addBlocked(row: Int32, saving: Double) {
            let k = pendingSlot(row)
            if pendingBlockedStamp[k] != blockStamp {
                pendingBlockedStamp[k] = blockStamp
                pendingBlockedRows.append(row)
            }
            pendingBlocked[k] += saving
        }

        /// Adds what the block just summed added to its rows (see `pending`).
        mutating func endBlock() {
            for r in pendingRows {
                let k = Int(r) - classFirstRow
                rows[Int(r)].saving += pending[k].saving
                rows[Int(r)].targetCost += pending[k].targetCost
                rows[Int(r)].targetQuantity += pending[k].targetQuantity
                pending[k] = (saving: 0.0, targetCost: 0.0, targetQuantity: 0.0)
            }
            for r in pendingBlockedRows {
                let k = Int(r) - classFirstRow
                rows[Int(r)].blockedSaving += pendingBlocked[k]
                pendingBlocked[k] = 0
            }
            pendingRows.removeAll(keepingCapacity: true)
            pendingBlockedRows.removeAll(keepingCapacity: true)
        }

    }

    /// A cell's organisation, product and period: all the rows shown need of the cells summed into them.
    struct CellKey: Sendable {
        var organisation: Int32
        var product: Int32
        var period: Int32
    }

    /// The keys of the cells that `rowOfCell` numbers: the aggregate's own cells, or the window's (`WindowFold`,
    /// one per row and product, 12 bytes each instead of a whole `DispensingCell`).
    struct CellKeys: Sendable {
        private let cells: [DispensingCell]
        private let keys: [CellKey]
        /// The window's (cell << 32 | patient or prescriber id) pairs, sorted (nil: the aggregate's sets).
        let patientPairs: [UInt64]?
        let prescriberPairs: [UInt64]?

        init(_ cells: [DispensingCell]) {
            self.cells = cells
            keys = []
            (patientPairs, prescriberPairs) = (nil, nil)
        }

        init(keys: [CellKey], patientPairs: [UInt64], prescriberPairs: [UInt64]) {
            cells = []
            self.keys = keys
            self.patientPairs = patientPairs
            self.prescriberPairs = prescriberPairs
        }

        @inline(__always) subscript(_ c: Int) -> CellKey {
            keys.isEmpty
                ? CellKey(organisation: cells[c].organisation, product: cells[c].product, period: cells[c].period)
                : keys[c]
        }
    }

    /// What the rows were summed from, read by several threads at once.
    struct RowSource: Sendable {
        let data: DispensingAggregate
        let cells: CellKeys
        let classifier: any ProductClassifier
        let table: RowTable
        let advice: CurrentAdvice
        /// The cells of the rows prepared so far (`RowCells`).
        var rowCells: RowCells

        /// The cells of row `r`, in cell order; the row must have been prepared (`RowCells.prepare`).
        func cells(of r: Int32) -> ArraySlice<Int32> { rowCells[r] }

        /// Each product of row `r` (by id) with the latest period (by id) it was dispensed in, unordered.
        func productIDs(of r: Int32) -> [(product: Int32, period: Int32)] {
            var latest: [(product: Int32, period: Int32)] = []
            for c in cells(of: r) {
                let cell = cells[Int(c)]
                if let i = latest.firstIndex(where: { $0.product == cell.product }) {
                    if data.periods[Int(latest[i].period)] < data.periods[Int(cell.period)] {
                        latest[i].period = cell.period
                    }
                } else {
                    latest.append((cell.product, cell.period))
                }
            }
            return latest
        }
    }

    /// The cells of some rows, by row: only the rows that need them (those whose exclusion has to read their
    /// products, and those shown) are listed, each time in one pass over `rowOfCell`, instead of sorting every
    /// cell by row.
    struct RowCells: Sendable {
        /// Whether each row is listed, a bit a row (empty: none is): small enough to stay in cache while every
        /// cell's row is looked up in it.
        private var prepared: [UInt64] = []
        /// The cells of row r are `cells[start[r]..<start[r + 1]]`, in cell order (empty: none listed).
        private var start: [Int32] = []
        private var cells: [Int32] = []

        /// Lists the cells of `rows` as well as those listed before: one pass over `rowOfCell` when any is new.
        mutating func prepare(_ rows: some Sequence<Int32>, rowOfCell: [Int32], rowCount: Int) {
            if prepared.isEmpty { prepared = [UInt64](repeating: 0, count: (rowCount + 63) / 64) }
            var new = false
            for r in rows where !isPrepared(r) {
                prepared[Int(r) >> 6] |= 1 << UInt64(r & 63)
                new = true
            }
            guard new else { return }
            var start = [Int32](repeating: 0, count: rowCount + 1)
            var listed: [Int32] = []
            prepared.withUnsafeBufferPointer { prepared in
                for (cell, r) in rowOfCell.enumerated()
                where r >= 0 && prepared[Int(r) >> 6] & (1 << UInt64(r & 63)) != 0 {
                    start[Int(r) + 1] += 1
                    listed.append(Int32(cell))
                }
            }
            for r in 0..<rowCount { start[r + 1] += start[r] }
            var next = start
            var cells = [Int32](repeating: 0, count: listed.count)
            for cell in listed {
                let r = Int(rowOfCell[Int(cell)])
                cells[Int(next[r])] = cell
                next[r] += 1
            }
            (self.start, self.cells) = (start, cells)
        }

        /// Whether row `r` is listed.
        func isPrepared(_ r: Int32) -> Bool {
            !prepared.isEmpty && prepared[Int(r) >> 6] & (1 << UInt64(r & 63)) != 0
        }

        subscript(_ r: Int32) -> ArraySlice<Int32> {
            precondition(isPrepared(r), "the cells of row \(r) were not listed")
            return cells[Int(start[Int(r)])..<Int(start[Int(r) + 1])]
        }
    }
}
