import CMemory
import Foundation
import MedSaveModel
import MedSaveSupport

/// Months ranked one at a time (`--dispensing DIR` laid out by month): each month's aggregate is read, summed
/// into its rows and folded into the window's before the next month is read, so that memory holds one month's
/// cells and the window's rows, never the window's cells.
///
/// Targets are per class and month, so a month's rows are exactly what one pass over every month would add for
/// it, and the ranking sums a row's months in order (`Blocks`, `CodeOrder`): folding the months in order gives a
/// result identical to one pass, byte for byte.
extension Ranking {
    /// Ranks the months `read` gives, one at a time, oldest first: each closure reads one month's aggregate.
    ///
    /// With more than one thread, the next month is read while this one is folded into the window (the fold
    /// runs on one thread; a national month's fold takes longer than its read): the closures still run one
    /// after another, in order, each starting once the one before has returned, so what they do (the problems
    /// they collect) comes in month order, and the months are summed and folded in order as before. An error
    /// is the one a run a month at a time meets first: the fold's before the next month's read's.
    public static func rank(
        months read: [@Sendable () throws -> DispensingAggregate], classifier: any ProductClassifier,
        configuration: RankConfiguration
    ) throws -> RankResult {
        try Targets.check(
            configuration.target, pricesKnown: classifier.knowsPrices, peerGroup: configuration.peers != nil)
        var fold = WindowFold(configuration)
        var classes = ClassIndex()
        let readAhead = configuration.threads > 1
        var next = read.first.map { MonthRead($0, inBackground: false) }
        for k in read.indices {
            // The last month's aggregate and rows, let go, are given back: the window's tables grow month by
            // month, and the holes the freed lists leave between them would otherwise add up (a national year's
            // peak 3.22 -> 3.86 GiB with freed memory kept for the whole run).
            if k > 0 { medsave_release_freed_memory() }
            let data = try next!.result()
            MemoryTrace.mark("month \(data.periods.first.map { "\($0)" } ?? "") read, \(data.cells.count) cells")
            precondition(
                data.organisationColumn == configuration.level.organisationColumn,
                "the aggregate was read with organisations from the \(data.organisationColumn) column")
            let summed = try sum(data, classifier: classifier, configuration: configuration, classes: &classes)
            MemoryTrace.mark("summed into \(summed.rows.rows.count) rows")
            next = k + 1 < read.count ? MonthRead(read[k + 1], inBackground: readAhead) : nil
            do {
                try fold.add(data, summed)
            } catch {
                _ = try? next?.result()  // not left running
                throw error
            }
            MemoryTrace.mark("folded into the window: \(fold.sizes)")
        }
        return try fold.ranking(classes: classes, classifier: classifier)
    }

    /// One month's read: run at once, or started on a thread of its own and waited for by `result`.
    private final class MonthRead: @unchecked Sendable {
        private let done = DispatchGroup()
        // Written by the reading thread before it leaves `done`; read only after waiting for `done`.
        private var outcome: Result<DispensingAggregate, any Error>?

        init(_ read: @escaping @Sendable () throws -> DispensingAggregate, inBackground: Bool) {
            guard inBackground else {
                outcome = Result { try read() }
                return
            }
            done.enter()
            Thread.detachNewThread { [self] in
                outcome = Result { try read() }
                done.leave()
            }
        }

        /// The month's aggregate, once read, or the error its read threw.
        func result() throws -> DispensingAggregate {
            done.wait()
            return try outcome!.get()
        }
    }

    /// The window so far: the codes of every month, one cell per (row, product) at the product's latest month
    /// in the row (what the rows shown need: products, safety facts, patients and prescribers), the rows, the
    /// saving blocked, the books.
    struct WindowFold {
        let configuration: RankConfiguration
        private var data: DispensingAggregate
        private var rows: RowTable
        private var barriers = Barriers()
        private var books = Reconciliation()
        private var unknown: [Int32: Int32] = [:]
        /// Each product used: its earliest month and its cost (what the safety rules could not check).
        private var used: [SafetyCoverage.UsedProduct?] = []
        /// Window row by (key, class, period), `RowTable.packed`.
        private var rowIndex = SortedKeys()
        /// One (organisation, product, newest period) per window row and product; `data.cells` stays empty.
        private var cells: [CellKey] = []
        /// (row << 32 | product) → cell; each row's first cell, under which its patients and prescribers go.
        private var cellIndex = SortedKeys()
        /// (first cell of the row << 32 | patient or prescriber id), each once.
        private var patientPairs = SortedKeys(values: false), prescriberPairs = SortedKeys(values: false)
        private var firstCell: [Int32] = []
        private var organisationIndex: [String: Int32] = [:], productIndex: [String: Int32] = [:]
        private var prescriberIndex: [String: Int32] = [:], patientIndex: [String: Int32] = [:]
        private var periodIndex: [Period: Int32] = [:]
        /// At levels area and region: each group's index, by name, numbered as `RowKeys` numbers them.
        private var groupIndex: [String: Int32] = [:], groupNames: [String] = []
        private var newest: Period?

        init(_ configuration: RankConfiguration) {
            self.configuration = configuration
            data = DispensingAggregate(organisationColumn: configuration.level.organisationColumn)
            rows = RowTable(
                byPeriod: configuration.byPeriod, level: configuration.level, groupOf: nil, cellCount: 0)
        }

        private static func intern(_ code: String, _ index: inout [String: Int32], _ codes: inout [String]) -> Int32 {
            if let id = index[code] { return id }
            let id = Int32(codes.count)
            index[code] = id
            codes.append(code)
            return id
        }

        private mutating func organisation(_ code: String) -> Int32 {
            let before = data.organisations.count
            let id = Self.intern(code, &organisationIndex, &data.organisations)
            if data.organisations.count > before, let areas = configuration.areas,
                configuration.level == .area || configuration.level == .region
            {
                let name = configuration.level == .area ? areas.area(of: code) : areas.region(of: code)
                _ = Self.intern(name, &groupIndex, &groupNames)
            }
            return id
        }

        /// Folds in one month (or several, all newer than those folded so far) and what summing it left.
        mutating func add(_ month: DispensingAggregate, _ summed: Summed) throws {
            let periods = month.periods.sorted()
            if let first = periods.first, let newest, first <= newest {
                throw MonthOrderError(month: first, after: newest)
            }
            newest = periods.last ?? newest
            if month.hasPatients && month.patients.isEmpty && !month.patientsByCell.isEmpty {
                preconditionFailure(
                    "month shards are read with their patient codes (DispensingReadOptions.patientCodes)")
            }
            let organisations = month.organisations.map { organisation($0) }
            let products = month.products.map { Self.intern($0, &productIndex, &data.products) }
            let prescribers = month.prescribers.map { Self.intern($0, &prescriberIndex, &data.prescribers) }
            let patients = month.patients.map { Self.intern($0, &patientIndex, &data.patients) }
            let periodIDs = month.periods.map { p in
                if let id = periodIndex[p] { return id }
                data.periods.append(p)
                periodIndex[p] = Int32(data.periods.count - 1)
                return Int32(data.periods.count - 1)
            }
            data.rowsRead += month.rowsRead
            data.costRead += month.costRead
            data.badRows += month.badRows
            data.badRowCost += month.badRowCost
            data.problems += month.problems
            data.files += month.files
            data.hasPatients = data.hasPatients || month.hasPatients
            data.hasPrescribers = data.hasPrescribers || month.hasPrescribers
            books.add(summed.books)
            if used.count < data.products.count {
                used += Array(repeating: nil, count: data.products.count - used.count)
            }

            let rowOf = foldRows(summed, organisations: organisations)
            foldCells(month, summed, rowOf: rowOf, organisations: organisations, products: products, periods: periodIDs)
            // Each month's codes in the window's: ids through `codes`, a prescriber's own code as it is.
            func pairs(_ monthPairs: PairSet, _ codes: [UInt32]) -> [UInt64] {
                var batch: [UInt64] = []
                batch.reserveCapacity(monthPairs.count)
                for pair in monthPairs {
                    let r = summed.rows.rowOfCell[Int(pair >> 32)]
                    guard r >= 0 else { continue }
                    let cell = UInt64(UInt32(bitPattern: firstCell[Int(rowOf[Int(r)])]))
                    let code = UInt32(pair & 0xFFFF_FFFF)
                    batch.append(cell << 32 | UInt64(PrescriberCode.isOwn(code) ? code : codes[Int(code)]))
                }
                RadixSort.sort(&batch)
                return batch
            }
            patientPairs.merge(
                sortedBatch: pairs(month.patientsByCell, patients.map { UInt32(bitPattern: $0) }),
                existing: { _, _ in },
                make: { _ in 0 })
            // A prescriber of digits by its own code, also where the month numbered it (a month's partial file
            // numbers every prescriber), so that each has one code in the window.
            let prescriberCodes = zip(month.prescribers, prescribers).map { name, id in
                Array(name.utf8).withUnsafeBufferPointer { PrescriberCode.own($0) } ?? UInt32(bitPattern: id)
            }
            prescriberPairs.merge(
                sortedBatch: pairs(month.prescribersByCell, prescriberCodes), existing: { _, _ in }, make: { _ in 0 })
            barriers.fold(summed.barriers) { key in
                let prescriber =
                    month.organisationColumn == .prescriber
                    ? organisations[Int(key.prescriber)] : key.prescriber >= 0 ? prescribers[Int(key.prescriber)] : -1
                return (organisations[Int(key.organisation)], prescriber, key.classIndex)
            }
            for (product, period) in summed.unknown {
                let p = products[Int(product)], m = periodIDs[Int(period)]
                if unknown[p].map({ data.periods[Int($0)] > data.periods[Int(m)] }) ?? true { unknown[p] = m }
            }
        }

        /// Adds the month's rows to the window's (as the ranking adds a row's months: one after the other);
        /// returns the window row of each of the month's rows.
        private mutating func foldRows(_ summed: Summed, organisations: [Int32]) -> [Int32] {
            let level = configuration.level
            var packed = summed.rows.rows.map { month -> UInt64 in
                let key: Int32
                switch level {
                case .all: key = -1
                case .area, .region: key = groupIndex[summed.keys.names[Int(month.key)]]!
                case .unit, .prescriber: key = organisations[Int(month.key)]
                }
                return RowTable.packed(key: key, classIndex: month.classIndex, period: month.period)
            }
            // Rows new to the window are made in the month's order, as one pass makes them.
            let rowOf = rowIndex.numbering(packed, next: Int32(rows.rows.count))
            for (r, month) in summed.rows.rows.enumerated() where rowOf[r] == rows.rows.count {
                let key = Int32(bitPattern: UInt32(truncatingIfNeeded: packed[r] >> 32))
                rows.rows.append(RowTable.Row(key: key, classIndex: month.classIndex, period: month.period))
                firstCell.append(-1)
            }
            packed = []
            for (r, month) in summed.rows.rows.enumerated() {
                let w = rowOf[r]
                var row = rows.rows[Int(w)]
                row.quantity += month.quantity
                row.cost += month.cost
                row.saving += month.saving
                row.blockedSaving += month.blockedSaving
                row.targetCost += month.targetCost
                row.targetQuantity += month.targetQuantity
                if let period = month.lastTargetPeriod, row.lastTargetPeriod.map({ $0 < period }) ?? true {
                    row.lastTargetPeriod = period
                    row.lastTargetPrice = month.lastTargetPrice
                    row.lastSaving = month.lastSaving
                }
                row.flags.formUnion(month.flags)
                rows.rows[Int(w)] = row
            }
            for (key, saving) in summed.rows.members {
                let w = UInt64(UInt32(bitPattern: rowOf[Int(key >> 32)]))
                let unit = UInt64(UInt32(bitPattern: organisations[Int(key & 0xFFFF_FFFF)]))
                rows.members[w << 32 | unit, default: 0] += saving
            }
            if let w = summed.rows.window {
                rows.window = rows.window.map { (min($0.from, w.from), max($0.to, w.to)) } ?? w
            }
            return rowOf
        }

        /// One cell per (window row, product), at the newest month the product was dispensed in for the row.
        private mutating func foldCells(
            _ month: DispensingAggregate, _ summed: Summed, rowOf: [Int32], organisations: [Int32], products: [Int32],
            periods: [Int32]
        ) {
            // (window row, product) of each of the month's cells in a row, with its (organisation, period) in the
            // window's ids (all the merge needs of the cell, carried so that it is not gathered again at random):
            // sorted by key, equal keys in the month's order.
            var batch: [UInt64] = [], organisationPeriod: [UInt64] = []
            batch.reserveCapacity(month.cells.count)
            organisationPeriod.reserveCapacity(month.cells.count)
            for (i, cell) in month.cells.enumerated() {
                let r = summed.rows.rowOfCell[i]
                guard r >= 0 else { continue }
                let w = rowOf[Int(r)], product = products[Int(cell.product)]
                batch.append(UInt64(UInt32(bitPattern: w)) << 32 | UInt64(UInt32(bitPattern: product)))
                organisationPeriod.append(
                    UInt64(UInt32(bitPattern: organisations[Int(cell.organisation)])) << 32
                        | UInt64(UInt32(bitPattern: periods[Int(cell.period)])))
                let p = month.periods[Int(cell.period)]
                if used[Int(product)] == nil {
                    used[Int(product)] = SafetyCoverage.UsedProduct(
                        code: data.products[Int(product)], period: p, cost: cell.cost)
                } else {
                    used[Int(product)]!.cost += cell.cost
                    if p < used[Int(product)]!.period { used[Int(product)]!.period = p }
                }
            }
            RadixSort.sort(&batch, carrying: &organisationPeriod)
            var cells = self.cells, rowOfCell = rows.rowOfCell, firstCell = self.firstCell
            (self.cells, rows.rowOfCell, self.firstCell) = ([], [], [])  // one copy of each, changed in place
            let periodsOfWindow = data.periods
            cellIndex.merge(
                sortedBatch: batch,
                existing: { c, i in
                    let period = Int32(truncatingIfNeeded: organisationPeriod[i])
                    if periodsOfWindow[Int(cells[Int(c)].period)] < periodsOfWindow[Int(period)] {
                        cells[Int(c)].period = period
                    }
                },
                make: { i in
                    let w = Int32(truncatingIfNeeded: batch[i] >> 32), c = Int32(cells.count)
                    cells.append(
                        CellKey(
                            organisation: Int32(truncatingIfNeeded: organisationPeriod[i] >> 32),
                            product: Int32(truncatingIfNeeded: batch[i]),
                            period: Int32(truncatingIfNeeded: organisationPeriod[i])))
                    rowOfCell.append(w)
                    if firstCell[Int(w)] < 0 { firstCell[Int(w)] = c }
                    return c
                })
            (self.cells, rows.rowOfCell, self.firstCell) = (cells, rowOfCell, firstCell)
        }

        /// How many rows, cells and pairs the window holds (for `MemoryTrace`).
        var sizes: String {
            "\(rows.rows.count) rows, \(cells.count) cells, \(patientPairs.count) patient and "
                + "\(prescriberPairs.count) prescriber pairs, \(rows.members.count) members, \(barriers.count) barriers"
        }

        /// The window's ranking (`finish` over the months folded, their classes numbered in `classes`).
        mutating func ranking(classes: ClassIndex, classifier: any ProductClassifier) throws -> RankResult {
            let used = self.used.compactMap { $0 }
            let (data, summed) = try finished()
            MemoryTrace.mark("window finished")
            return try finish(
                data, summed, classes: classes, used: used, classifier: classifier, configuration: configuration)
        }

        /// The window's aggregate and rows, ready for `finish`; the fold's own indexes are let go first.
        private mutating func finished() throws -> (DispensingAggregate, Summed) {
            let keys = try RowKeys(data, configuration)
            assert(keys.names == groupNames, "the window's areas are numbered as RowKeys numbers them")
            rowIndex = SortedKeys()
            cellIndex = SortedKeys()
            firstCell = []
            (organisationIndex, productIndex, prescriberIndex, patientIndex) = ([:], [:], [:], [:])
            let summed = Summed(
                rows: rows, barriers: barriers, books: books, unknown: unknown, keys: keys,
                cells: CellKeys(keys: cells, patientPairs: patientPairs.keys, prescriberPairs: prescriberPairs.keys))
            (patientPairs, prescriberPairs) = (SortedKeys(values: false), SortedKeys(values: false))
            rows = RowTable(byPeriod: false, level: configuration.level, groupOf: nil, cellCount: 0)
            cells = []
            barriers = Barriers()
            let window = data
            data = DispensingAggregate(organisationColumn: data.organisationColumn)
            return (window, summed)
        }
    }
}

/// Months folded out of order: a month at or before one already folded.
public struct MonthOrderError: Error, CustomStringConvertible, Sendable {
    public var month: Period
    public var after: Period

    public var description: String {
        "the month \(month) comes after \(after) has been folded in: months are folded oldest first, each once"
    }
}
