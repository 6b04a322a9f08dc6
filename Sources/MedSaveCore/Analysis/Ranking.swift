/// Ranks savings opportunities: classifies each aggregate cell by the catalogue of its own period, sets a
/// target per (class, period), computes each organisation's saving through the numeric core, and sums the
/// savings to the level shown.
///
/// Every cell ends up either used or set aside with a reason, so the reconciliation balances exactly.
/// Complexity: O(cells · log cells) for grouping plus O(organisations · log organisations) per block for
/// percentile targets.
public enum Ranking {
    /// Ranks against a catalogue (classes, names and prices by period).
    public static func rank(
        _ data: DispensingAggregate, catalogue: Catalogue, configuration: RankConfiguration
    ) throws -> RankResult {
        try rank(data, classifier: catalogue, configuration: configuration)
    }

    /// Ranks with any classifier: a catalogue, or BNF codes (percentile targets only).
    public static func rank(
        _ data: DispensingAggregate, classifier: any ProductClassifier, configuration: RankConfiguration
    ) throws -> RankResult {
        precondition(
            data.organisationColumn == configuration.level.organisationColumn,
            "the aggregate was read with organisations from the \(data.organisationColumn) column")
        var books = Reconciliation()
        books.rowsRead = data.rowsRead
        books.costRead = data.costRead
        books.setAside(.badRow, rows: data.badRows, cost: data.badRowCost)

        var classes = ClassIndex()
        let blocks = classify(data, classifier: classifier, classes: &classes, window: configuration.periods, books: &books)
        let blockedOfCell = BlockedRows(data)
        var barriers: [BarrierKey: (quantity: FixedDecimal, cost: FixedDecimal, saving: Double)] = [:]
        var rows = RowTable(byPeriod: configuration.byPeriod, level: configuration.level, cellCount: data.cells.count)
        let peers = configuration.peers.map { peers in data.organisations.map { peers.contains($0) } }
        var positionOf = [Int32](repeating: -1, count: data.organisations.count)
        for block in blocks {
            guard let target = try Self.target(for: block, rule: configuration.target, classifier: classifier, peers: peers) else {
                for cell in block.cells { books.setAside(.noTarget, rows: data.cells[cell].rows, cost: data.cells[cell].cost) }
                continue
            }
            // The target uses every row (what each organisation paid); the saving only rows that may be substituted.
            let q = zip(block.quantity, block.blockedQuantity).map { ($0 - $1).doubleValue }
            let c = zip(block.cost, block.blockedCost).map { ($0 - $1).doubleValue }
            let savings = try SavingsKernel.savings(quantity: q, cost: c, target: target.price)
            let targetFlags = RowFlags(target.flags)
            var rowOf = [Int32](repeating: 0, count: block.organisations.count)
            for (position, organisation) in block.organisations.enumerated() {
                rowOf[position] = rows.add(
                    organisation: organisation, block: block, position: position, saving: savings[position],
                    target: target, flags: targetFlags)
                positionOf[Int(organisation)] = Int32(position)
            }
            var blockedHere: [UInt64: (quantity: FixedDecimal, cost: FixedDecimal)] = [:]
            for (cell, position) in zip(block.cells, block.cellPositions) {
                let c = data.cells[cell]
                books.rowsUsed += c.rows
                books.costUsed += c.cost
                rows.addCell(cell, c, row: rowOf[position])
                for (prescriber, q, cost) in blockedOfCell[cell] {
                    let key = UInt64(UInt32(bitPattern: c.organisation)) << 32 | UInt64(UInt32(bitPattern: prescriber))
                    let old = blockedHere[key] ?? (.zero, .zero)
                    blockedHere[key] = (old.quantity + q, old.cost + cost)
                }
            }
            let blockedKeys = blockedHere.keys.sorted()
            let blockedSavings = try SavingsKernel.savings(
                quantity: blockedKeys.map { blockedHere[$0]!.quantity.doubleValue },
                cost: blockedKeys.map { blockedHere[$0]!.cost.doubleValue }, target: target.price)
            for (key, saving) in zip(blockedKeys, blockedSavings) {
                let organisation = Int32(bitPattern: UInt32(key >> 32)), prescriber = Int32(bitPattern: UInt32(key & 0xFFFF_FFFF))
                rows.addBlocked(row: rowOf[Int(positionOf[Int(organisation)])], saving: saving)
                let barrierKey = BarrierKey(
                    organisation: organisation, prescriber: data.organisationColumn == .prescriber ? organisation : prescriber,
                    classIndex: block.classIndex)
                var b = barriers[barrierKey] ?? (.zero, .zero, 0)
                b.quantity += blockedHere[key]!.quantity
                b.cost += blockedHere[key]!.cost
                b.saving += saving
                barriers[barrierKey] = b
            }
            for organisation in block.organisations { positionOf[Int(organisation)] = -1 }
        }
        let window = rows.window.map { w in
            (from: max(w.from, configuration.periods.from ?? w.from), to: min(w.to, configuration.periods.to ?? w.to))
        }
        var opportunities = OpportunityBuilder(
            data: data, classifier: classifier, rows: rows, window: window,
            configuration: configuration)
        let ranked = opportunities.ranked()
        let totalSaving = ranked.positive.reduce(0) { $0 + rows.rows[Int($1)].saving }
        var listed = ranked.positive.filter { rows.rows[Int($0)].saving >= configuration.minSaving }
        let beforeHiding = listed.count
        if configuration.hideDecided {
            listed.removeAll { configuration.decisions[opportunities.id(of: $0)]?.decision.isFinal == true }
        }
        let hidden = beforeHiding - listed.count
        if let top = configuration.top { listed = Array(listed.prefix(top)) }
        var shown = listed.map { opportunities.opportunity($0) }
        for i in shown.indices { shown[i].rank = i + 1 }
        let excluded = ranked.excluded.map { opportunities.opportunity($0) }
        let blocked = barriers.compactMap { key, b -> BlockedSaving? in
            guard b.saving > 0 else { return nil }
            let unitOrPrescriber = data.organisations[Int(key.organisation)]
            return BlockedSaving(
                unit: data.organisationColumn == .prescriber ? "" : unitOrPrescriber,
                prescriber: data.organisationColumn == .prescriber
                    ? unitOrPrescriber : (key.prescriber >= 0 ? data.prescribers[Int(key.prescriber)] : nil),
                equivalenceClass: classes.classes[Int(key.classIndex)], quantity: b.quantity, cost: b.cost, saving: b.saving)
        }.sorted { a, b in
            a.saving != b.saving ? a.saving > b.saving
                : (a.unit, a.prescriber ?? "", a.equivalenceClass.description) < (b.unit, b.prescriber ?? "", b.equivalenceClass.description)
        }
        return RankResult(
            configuration: configuration, window: window, reconciliation: books, totalSaving: totalSaving,
            opportunityCount: ranked.positive.count, hiddenDecided: hidden, opportunities: shown, excluded: excluded,
            blocked: blocked)
    }

    /// The rows marked "do not substitute", summed per cell and prescriber (`blockedByPrescriber`), by cell.
    struct BlockedRows {
        private var start: [Int]
        private var entries: [(Int32, FixedDecimal, FixedDecimal)]

        init(_ data: DispensingAggregate) {
            start = Array(repeating: 0, count: data.cells.count + 1)
            for key in data.blockedByPrescriber.keys { start[Int(key >> 32) + 1] += 1 }
            for i in 0..<data.cells.count { start[i + 1] += start[i] }
            var next = start
            entries = Array(repeating: (0, .zero, .zero), count: data.blockedByPrescriber.count)
            for (key, value) in data.blockedByPrescriber {
                let cell = Int(key >> 32)
                entries[next[cell]] = (Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)), value.quantity, value.cost)
                next[cell] += 1
            }
        }

        /// (prescriber id or −1, quantity, cost) of each prescriber's blocked rows in `cell`.
        subscript(cell: Int) -> ArraySlice<(Int32, FixedDecimal, FixedDecimal)> { entries[start[cell]..<start[cell + 1]] }
    }

    /// Who a blocked saving belongs to: organisation, prescriber (−1 unknown) and class, by id.
    struct BarrierKey: Hashable {
        var organisation: Int32
        var prescriber: Int32
        var classIndex: Int32
    }

    // MARK: - Blocks: one class in one period, organisations dense

    /// The organisations that dispensed a class in a period, with their Q and C summed over the class's products.
    struct Block {
        var equivalenceClass: EquivalenceClass
        /// The class's index in `ClassIndex.classes`.
        var classIndex: Int32
        var period: Period
        var organisations: [Int32] = []
        var quantity: [FixedDecimal] = []
        var cost: [FixedDecimal] = []
        /// The part of `quantity` and `cost` in rows marked "do not substitute".
        var blockedQuantity: [FixedDecimal] = []
        var blockedCost: [FixedDecimal] = []
        /// The aggregate cells in this block, and each one's organisation position.
        var cells: [Int] = []
        var cellPositions: [Int] = []
    }

    /// The classes met while classifying, numbered in order of first appearance.
    struct ClassIndex {
        var classes: [EquivalenceClass] = []
        var index: [EquivalenceClass: Int32] = [:]

        mutating func id(_ c: EquivalenceClass) -> Int32 {
            if let i = index[c] { return i }
            index[c] = Int32(classes.count)
            classes.append(c)
            return Int32(classes.count - 1)
        }
    }

    /// Sorts cells into blocks, setting aside those outside the window, not in the catalogue, or in no class.
    /// Each (product, period) is classified once; blocks, and the organisations in each, are numbered in the
    /// order the cells first meet them, and a block's cells keep their order. O(cells).
    static func classify(
        _ data: DispensingAggregate, classifier: any ProductClassifier, classes: inout ClassIndex, window: PeriodRange,
        books: inout Reconciliation
    ) -> [Block] {
        var blocks: [Block] = []
        var verdicts = IntMap()  // (product, period) → class id, −1 unknown, −2 in no class
        var blockOf = IntMap()  // (class id, period id) → block
        var blockOfCell = [Int32](repeating: -1, count: data.cells.count)
        var cellsInBlock: [Int] = []
        for (i, cell) in data.cells.enumerated() {
            let period = data.periods[Int(cell.period)]
            guard window.contains(period) else {
                books.setAside(.outsidePeriod, rows: cell.rows, cost: cell.cost)
                continue
            }
            let pair = UInt64(UInt32(bitPattern: cell.product)) << 32 | UInt64(UInt32(bitPattern: cell.period))
            let verdict = verdicts.value(pair) {
                switch classifier.classify(product: data.products[Int(cell.product)], period: period) {
                case .unknown: return -1
                case .unclassified: return -2
                case .member(let c): return classes.id(c)
                }
            }
            guard verdict >= 0 else {
                books.setAside(verdict == -1 ? .unknownProduct : .noClass, rows: cell.rows, cost: cell.cost)
                continue
            }
            let b = blockOf.value(UInt64(UInt32(bitPattern: verdict)) << 32 | UInt64(UInt32(bitPattern: cell.period))) {
                blocks.append(Block(equivalenceClass: classes.classes[Int(verdict)], classIndex: verdict, period: period))
                cellsInBlock.append(0)
                return Int32(blocks.count - 1)
            }
            blockOfCell[i] = b
            cellsInBlock[Int(b)] += 1
        }
        // The cells of each block, in cell order, then each block's organisations by first appearance.
        var start = [Int](repeating: 0, count: blocks.count + 1)
        for b in blocks.indices { start[b + 1] = start[b] + cellsInBlock[b] }
        var next = start
        var grouped = [Int](repeating: 0, count: start[blocks.count])
        for (i, b) in blockOfCell.enumerated() where b >= 0 {
            grouped[next[Int(b)]] = i
            next[Int(b)] += 1
        }
        var positionOf = [Int32](repeating: -1, count: data.organisations.count)
        for b in blocks.indices {
            let cells = grouped[start[b]..<start[b + 1]]
            var block = blocks[b]
            block.cells.reserveCapacity(cells.count)
            block.cellPositions.reserveCapacity(cells.count)
            for i in cells {
                let cell = data.cells[i]
                var p = Int(positionOf[Int(cell.organisation)])
                if p < 0 {
                    p = block.organisations.count
                    positionOf[Int(cell.organisation)] = Int32(p)
                    block.organisations.append(cell.organisation)
                    block.quantity.append(.zero)
                    block.cost.append(.zero)
                    block.blockedQuantity.append(.zero)
                    block.blockedCost.append(.zero)
                }
                block.quantity[p] += cell.quantity
                block.cost[p] += cell.cost
                block.blockedQuantity[p] += cell.blockedQuantity
                block.blockedCost[p] += cell.blockedCost
                block.cells.append(i)
                block.cellPositions.append(p)
            }
            for o in block.organisations { positionOf[Int(o)] = -1 }
            blocks[b] = block
        }
        return blocks
    }

    // MARK: - Targets

    struct Target {
        var price: Double
        var product: CatalogueEntry?
        var flags: [String]
    }

    /// T(g, m) for one block under `rule`, or nil when the class has no target that period. `peers`, when
    /// given, says (by organisation id) which organisations may set a percentile target.
    static func target(
        for block: Block, rule: TargetRule, classifier: any ProductClassifier, peers: [Bool]? = nil
    ) throws -> Target? {
        switch rule {
        case .pv, .cheapest:
            guard let members = classifier.pricedMembers(of: block.equivalenceClass, in: block.period) else { return nil }
            return listTarget(members, rule: rule)
        case .percentile(let p):
            var ppus: [Double] = []
            for (i, (q, c)) in zip(block.quantity, block.cost).enumerated() where q.raw > 0 {
                if let peers, !peers[Int(block.organisations[i])] { continue }
                ppus.append(c.doubleValue / q.doubleValue)
            }
            guard let t = percentile(ppus, p) else { return nil }
            return Target(price: t, product: nil, flags: ppus.count == 1 ? ["single-organisation"] : [])
        }
    }

    /// T under a rule that names a product (`pv`, `cheapest`), from a class's priced members in one period:
    /// for `pv` the PV (the cheapest if several), else the cheapest R1/R2 (flag `reserve-target`), else nil.
    /// Nil for percentile rules, which need the organisations' prices.
    static func listTarget(_ members: [CatalogueEntry], rule: TargetRule) -> Target? {
        let cheapest = cheapestEntry(members)
        switch rule {
        case .cheapest:
            return cheapest.map { Target(price: $0.unitPrice, product: $0, flags: []) }
        case .pv:
            if let pv = cheapestEntry(members.filter { $0.status == .pv }) {
                let flags = cheapest.map { $0.unitPrice < pv.unitPrice } == true ? ["pv-not-cheapest"] : []
                return Target(price: pv.unitPrice, product: pv, flags: flags)
            }
            if let reserve = cheapestEntry(members.filter { $0.status == .r1 || $0.status == .r2 }) {
                return Target(price: reserve.unitPrice, product: reserve, flags: ["reserve-target"])
            }
            return nil
        case .percentile:
            return nil
        }
    }

    /// The lowest unit price; ties go to the smallest product code, so the choice is deterministic.
    static func cheapestEntry(_ entries: [CatalogueEntry]) -> CatalogueEntry? {
        entries.min { ($0.unitPrice, $0.product) < ($1.unitPrice, $1.product) }
    }
}
