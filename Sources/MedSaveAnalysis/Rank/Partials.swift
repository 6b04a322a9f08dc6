import Foundation
import MedSaveModel
import MedSaveSupport

/// Runs on separate machines, or on separate months, merged exactly: each run writes its months as
/// `RankPartial`s (`partials`), and `merge` folds the months of every run into one window (`WindowFold`), oldest
/// first, as if one run had read every row.
extension Ranking {
    /// What makes two runs' rows comparable: partials with different fingerprints are not merged.
    public static func fingerprint(_ configuration: RankConfiguration, organisationColumn: OrganisationColumn)
        -> [String: String]
    {
        func digest(_ text: String) -> String { String(SHA256.hex(Array(text.utf8)).prefix(16)) }
        return [
            "target": configuration.target.targetList.map { "list \(digest(String(describing: $0)))" }
                ?? configuration.target.description,
            "level": configuration.level.rawValue,
            "rules": digest(String(describing: configuration.rules.rules)),
            "areas": configuration.areas.map { digest(String(describing: $0)) } ?? "none",
            "peers": configuration.peers.map { digest($0.sorted().joined(separator: "\n")) } ?? "every organisation",
            "period": configuration.periods.description,
            "organisation": organisationColumn.rawValue,
        ]
    }

    /// Each month of `data`, summed on its own, as a partial (oldest first).
    public static func partials(
        _ data: DispensingAggregate, classifier: any ProductClassifier, configuration: RankConfiguration
    ) throws -> [RankPartial] {
        try Targets.check(
            configuration.target, pricesKnown: classifier.knowsPrices, peerGroup: configuration.peers != nil)
        var monthly = configuration
        monthly.byPeriod = false
        var classes = ClassIndex()
        let fingerprint = Self.fingerprint(configuration, organisationColumn: data.organisationColumn)
        return try MonthSplit(data).months.map { period, month in
            let summed = try sum(month, classifier: classifier, configuration: monthly, classes: &classes)
            var partial = RankPartial(month: period)
            partial.fingerprint = fingerprint
            partial.record(month, summed, classes: classes.classes)
            return partial
        }
    }

    /// Folds partials, oldest month first (the order `read` gives them in), into the window's ranking. The
    /// configuration must be the one the partials were made with (`fingerprint`), apart from what only lists
    /// rows (`byPeriod`, `top`, `minSaving`, filters, decisions).
    public static func merge(
        _ read: [() throws -> RankPartial], classifier: any ProductClassifier, configuration: RankConfiguration
    ) throws -> RankResult {
        var fold = WindowFold(configuration)
        var classes = ClassIndex()
        let expected = fingerprint(configuration, organisationColumn: configuration.level.organisationColumn)
        for next in read {
            let partial = try next()
            guard partial.format == RankPartial.formatName else {
                throw MergeError(
                    month: partial.month,
                    message: "written in the format \(partial.format), not \(RankPartial.formatName)")
            }
            if let (name, theirs) = partial.fingerprint.sorted(by: { $0.key < $1.key }).first(where: {
                expected[$0.key] != $0.value
            }) ?? expected.first(where: { partial.fingerprint[$0.key] == nil }).map({ ($0.key, "nothing") }) {
                throw MergeError(
                    month: partial.month,
                    message: "made with \(name) \(theirs), merged with \(name) \(expected[name] ?? "nothing")")
            }
            let (month, summed) = partial.restored(configuration, classes: &classes)
            try fold.add(month, summed)
        }
        return try fold.ranking(classes: classes, classifier: classifier)
    }

    /// An aggregate split into one aggregate per month, sharing its codes: the rows that could not be read go
    /// with the first month, as do the files and problems.
    struct MonthSplit {
        var months: [(period: Period, data: DispensingAggregate)] = []

        init(_ data: DispensingAggregate) {
            var cellsOf = [[Int]](repeating: [], count: data.periods.count)
            for (i, cell) in data.cells.enumerated() { cellsOf[Int(cell.period)].append(i) }
            var prescribersOf = [[UInt64]](repeating: [], count: data.periods.count)
            for pair in data.prescribersByCell {
                prescribersOf[Int(data.cells[Int(pair >> 32)].period)].append(pair)
            }
            var blockedOf = [[BlockedSums.Entry]](repeating: [], count: data.periods.count)
            for entry in data.blockedByPrescriber { blockedOf[Int(data.cells[Int(entry.cell)].period)].append(entry) }
            var newIndex = [Int32](repeating: -1, count: data.cells.count)
            let order = data.periods.indices.sorted { data.periods[$0] < data.periods[$1] }
            for (n, p) in order.enumerated() {
                var month = DispensingAggregate(organisationColumn: data.organisationColumn)
                month.organisations = data.organisations
                month.products = data.products
                month.prescribers = data.prescribers
                month.periods = data.periods
                month.hasPrescribers = data.hasPrescribers
                month.cells = cellsOf[p].map { data.cells[$0] }
                for (k, i) in cellsOf[p].enumerated() {
                    newIndex[i] = Int32(k)
                    month.rowsRead += data.cells[i].rows
                    month.costRead += data.cells[i].cost
                }
                func moved(_ key: UInt64) -> UInt64 {
                    UInt64(UInt32(bitPattern: newIndex[Int(key >> 32)])) << 32 | key & 0xFFFF_FFFF
                }
                month.prescribersByCell = PairSet(prescribersOf[p].map(moved))
                // A month's cells keep their order, so its entries stay in key order.
                month.blockedByPrescriber = BlockedSums(
                    ascending: blockedOf[p].map {
                        BlockedSums.Entry(key: moved($0.key), quantity: $0.quantity, cost: $0.cost)
                    })
                if n == 0 {
                    month.rowsRead += data.badRows
                    month.costRead += data.badRowCost
                    month.badRows = data.badRows
                    month.badRowCost = data.badRowCost
                    month.problems = data.problems
                    month.files = data.files
                }
                months.append((data.periods[p], month))
            }
            assert(months.reduce(0) { $0 + $1.data.rowsRead } == data.rowsRead, "every row read is in one month")
        }
    }
}

extension RankPartial {
    /// Records a month's aggregate and what summing it left (`classes`: the run's classes so far).
    mutating func record(_ month: DispensingAggregate, _ summed: Ranking.Summed, classes: [EquivalenceClass]) {
        organisations = month.organisations
        products = month.products
        prescribers = month.prescribers
        self.classes = classes.map(\.description)
        groups = summed.keys.names
        hasPrescribers = month.hasPrescribers
        hasPatients = false
        rowsRead = month.rowsRead
        costRead = month.costRead.raw
        badRows = month.badRows
        badRowCost = month.badRowCost.raw
        problems = month.problems.count
        files = month.files.map(\.path)
        rowsUsed = summed.books.rowsUsed
        costUsed = summed.books.costUsed.raw
        for (reason, rows) in summed.books.rowsSetAside {
            setAside[reason.rawValue] = SetAside(rows: rows, cost: summed.books.costSetAside[reason]?.raw ?? 0)
        }
        rows = summed.rows.rows.map { r in
            Row(
                key: r.key, classIndex: r.classIndex, quantity: r.quantity.raw, cost: r.cost.raw, saving: r.saving,
                blockedSaving: r.blockedSaving, targetCost: r.targetCost, targetQuantity: r.targetQuantity,
                targetPrice: r.lastTargetPrice, flags: r.flags.rawValue)
        }
        members = summed.rows.members.map { key, saving in
            Member(row: Int32(key >> 32), organisation: Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)), saving: saving)
        }.sorted { ($0.row, $0.organisation) < ($1.row, $1.organisation) }
        for (i, cell) in month.cells.enumerated() where summed.rows.rowOfCell[i] >= 0 {
            cells.append(
                Cell(
                    row: summed.rows.rowOfCell[i], organisation: cell.organisation, product: cell.product,
                    cost: cell.cost.raw))
        }
        var pairs = Set<UInt64>()
        for pair in month.prescribersByCell {
            let r = summed.rows.rowOfCell[Int(pair >> 32)]
            if r >= 0 { pairs.insert(UInt64(r) << 32 | pair & 0xFFFF_FFFF) }
        }
        // The file numbers every prescriber in `prescribers`: an own code (`PrescriberCode`) by its text's place
        // there, added after the month's ids when not among them.
        var placeOfName = Dictionary(prescribers.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        prescriberPairs = pairs.sorted().map { pair in
            var code = UInt32(pair & 0xFFFF_FFFF)
            if PrescriberCode.isOwn(code) {
                let text = PrescriberCode.text(code)
                let place = placeOfName[text] ?? Int32(prescribers.count)
                if place == prescribers.count {
                    prescribers.append(text)
                    placeOfName[text] = place
                }
                code = UInt32(place)
            }
            return [Int32(truncatingIfNeeded: pair >> 32), Int32(bitPattern: code)]
        }
        summed.barriers.each { key, sums in
            barriers.append(
                Barrier(
                    organisation: key.organisation, prescriber: key.prescriber, classIndex: key.classIndex,
                    quantity: sums.quantity.raw, cost: sums.cost.raw, saving: sums.saving))
        }
        unknownProducts = summed.unknown.keys.sorted()
    }

    /// The month as an aggregate and its summed rows again, its classes numbered in `classes`.
    func restored(_ configuration: RankConfiguration, classes: inout Ranking.ClassIndex) -> (
        DispensingAggregate, Ranking.Summed
    ) {
        let classOf = self.classes.map { classes.id(EquivalenceClass(text: $0)) }
        var month = DispensingAggregate(organisationColumn: configuration.level.organisationColumn)
        month.organisations = organisations
        month.products = products
        month.prescribers = prescribers
        month.periods = [self.month]
        month.hasPrescribers = hasPrescribers
        month.rowsRead = rowsRead
        month.costRead = FixedDecimal(raw: costRead)
        month.badRows = badRows
        month.badRowCost = FixedDecimal(raw: badRowCost)
        month.files = files.map { (path: $0, dialect: CSVDialect()) }
        var rowTable = Ranking.RowTable(
            byPeriod: configuration.byPeriod, level: configuration.level, groupOf: nil, cellCount: cells.count)
        var firstCell = [Int32](repeating: -1, count: rows.count)
        for (i, cell) in cells.enumerated() {
            var c = DispensingCell(organisation: cell.organisation, product: cell.product, period: 0)
            c.cost = FixedDecimal(raw: cell.cost)
            month.cells.append(c)
            rowTable.rowOfCell[i] = cell.row
            if firstCell[Int(cell.row)] < 0 { firstCell[Int(cell.row)] = Int32(i) }
        }
        for pair in prescriberPairs {
            month.prescribersByCell.insert(
                UInt64(UInt32(bitPattern: firstCell[Int(pair[0])])) << 32 | UInt64(UInt32(bitPattern: pair[1])))
        }
        rowTable.rows = Ranking.RowTable.RowList(
            rows.map { r in
                var row = Ranking.RowTable.Row(
                    key: r.key, classIndex: classOf[Int(r.classIndex)],
                    period: configuration.byPeriod ? self.month : nil)
                row.quantity = FixedDecimal(raw: r.quantity)
                row.cost = FixedDecimal(raw: r.cost)
                row.saving = r.saving
                row.blockedSaving = r.blockedSaving
                row.targetCost = r.targetCost
                row.targetQuantity = r.targetQuantity
                row.lastTargetPeriod = self.month
                row.lastTargetPrice = r.targetPrice
                row.lastSaving = r.saving
                row.flags = Ranking.RowFlags(rawValue: r.flags)
                return row
            })
        for m in members {
            rowTable.members[UInt64(UInt32(bitPattern: m.row)) << 32 | UInt64(UInt32(bitPattern: m.organisation))] =
                m.saving
        }
        if !rows.isEmpty { rowTable.window = (self.month, self.month) }
        var barriers = Ranking.Barriers()
        for b in self.barriers {
            barriers.add(
                organisation: b.organisation, prescriber: b.prescriber, classIndex: classOf[Int(b.classIndex)],
                quantity: FixedDecimal(raw: b.quantity), cost: FixedDecimal(raw: b.cost), saving: b.saving)
        }
        var books = Reconciliation()
        books.rowsRead = rowsRead
        books.costRead = FixedDecimal(raw: costRead)
        books.rowsUsed = rowsUsed
        books.costUsed = FixedDecimal(raw: costUsed)
        for (reason, s) in setAside {
            guard let reason = SetAsideReason(rawValue: reason) else { continue }
            books.rowsSetAside[reason] = s.rows
            books.costSetAside[reason] = FixedDecimal(raw: s.cost)
        }
        let keys = Ranking.RowKeys(level: configuration.level, names: groups)
        return (
            month,
            Ranking.Summed(
                rows: rowTable, barriers: barriers, books: books,
                unknown: Dictionary(uniqueKeysWithValues: unknownProducts.map { ($0, Int32(0)) }), keys: keys)
        )
    }
}

/// Partials that cannot be merged into one window: another format, or made with another target, level, rules,
/// areas, peers or window than the merge is asked for.
public struct MergeError: Error, CustomStringConvertible, Sendable {
    public var month: Period
    public var message: String

    public var description: String { "the partial of \(month) was \(message)" }
}
