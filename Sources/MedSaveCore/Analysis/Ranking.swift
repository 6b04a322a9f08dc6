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

        let blocks = classify(data, classifier: classifier, window: configuration.periods, books: &books)
        var rows = RowTable(byPeriod: configuration.byPeriod, level: configuration.level)
        let peers = configuration.peers.map { peers in data.organisations.map { peers.contains($0) } }
        for block in blocks {
            guard let target = try Self.target(for: block, rule: configuration.target, classifier: classifier, peers: peers) else {
                for cell in block.cells { books.setAside(.noTarget, rows: data.cells[cell].rows, cost: data.cells[cell].cost) }
                continue
            }
            let q = block.quantity.map(\.doubleValue), c = block.cost.map(\.doubleValue)
            let savings = try SavingsKernel.savings(quantity: q, cost: c, target: target.price)
            for (position, organisation) in block.organisations.enumerated() {
                rows.add(
                    organisation: organisation, block: block, position: position, saving: savings[position],
                    target: target)
            }
            for (cell, position) in zip(block.cells, block.cellPositions) {
                let c = data.cells[cell]
                books.rowsUsed += c.rows
                books.costUsed += c.cost
                rows.addCell(cell, c, organisation: block.organisations[position], block: block)
            }
        }
        let window = rows.window.map { w in
            (from: max(w.from, configuration.periods.from ?? w.from), to: min(w.to, configuration.periods.to ?? w.to))
        }
        var opportunities = rows.opportunities(data: data, classifier: classifier, window: window)
        opportunities.sort(by: Self.rankOrder)
        let positive = opportunities.filter { $0.saving > 0 }
        let totalSaving = positive.reduce(0) { $0 + $1.saving }
        var listed = positive.filter { $0.saving >= configuration.minSaving }
        if let top = configuration.top { listed = Array(listed.prefix(top)) }
        for i in listed.indices { listed[i].rank = i + 1 }
        return RankResult(
            configuration: configuration, window: window, reconciliation: books, totalSaving: totalSaving,
            opportunityCount: positive.count, opportunities: listed)
    }

    /// Saving descending; ties by key, class and period so output never depends on input order.
    static func rankOrder(_ a: Opportunity, _ b: Opportunity) -> Bool {
        if a.saving != b.saving { return a.saving > b.saving }
        if a.key != b.key { return a.key < b.key }
        if a.equivalenceClass != b.equivalenceClass { return a.equivalenceClass < b.equivalenceClass }
        return a.periodFrom < b.periodFrom
    }

    // MARK: - Blocks: one class in one period, organisations dense

    /// The organisations that dispensed a class in a period, with their Q and C summed over the class's products.
    struct Block {
        var equivalenceClass: EquivalenceClass
        var period: Period
        var organisations: [Int32] = []
        var quantity: [FixedDecimal] = []
        var cost: [FixedDecimal] = []
        /// The aggregate cells in this block, and each one's organisation position.
        var cells: [Int] = []
        var cellPositions: [Int] = []
    }

    /// Sorts cells into blocks, setting aside those outside the window, not in the catalogue, or in no class.
    static func classify(
        _ data: DispensingAggregate, classifier: any ProductClassifier, window: PeriodRange, books: inout Reconciliation
    ) -> [Block] {
        var blocks: [Block] = []
        var blockIndex: [EquivalenceClass: [Period: Int]] = [:]
        var positions: [[Int32: Int]] = []
        for (i, cell) in data.cells.enumerated() {
            let period = data.periods[Int(cell.period)]
            guard window.contains(period) else {
                books.setAside(.outsidePeriod, rows: cell.rows, cost: cell.cost)
                continue
            }
            let cls: EquivalenceClass
            switch classifier.classify(product: data.products[Int(cell.product)], period: period) {
            case .unknown:
                books.setAside(.unknownProduct, rows: cell.rows, cost: cell.cost)
                continue
            case .unclassified:
                books.setAside(.noClass, rows: cell.rows, cost: cell.cost)
                continue
            case .member(let c):
                cls = c
            }
            let b: Int
            if let existing = blockIndex[cls]?[period] {
                b = existing
            } else {
                b = blocks.count
                blocks.append(Block(equivalenceClass: cls, period: period))
                positions.append([:])
                blockIndex[cls, default: [:]][period] = b
            }
            let p: Int
            if let existing = positions[b][cell.organisation] {
                p = existing
            } else {
                p = blocks[b].organisations.count
                positions[b][cell.organisation] = p
                blocks[b].organisations.append(cell.organisation)
                blocks[b].quantity.append(.zero)
                blocks[b].cost.append(.zero)
            }
            blocks[b].quantity[p] += cell.quantity
            blocks[b].cost[p] += cell.cost
            blocks[b].cells.append(i)
            blocks[b].cellPositions.append(p)
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
            let cheapest = cheapestEntry(members)
            guard rule == .pv else { return cheapest.map { Target(price: $0.unitPrice, product: $0, flags: []) } }
            if let pv = cheapestEntry(members.filter { $0.status == .pv }) {
                let flags = cheapest.map { $0.unitPrice < pv.unitPrice } == true ? ["pv-not-cheapest"] : []
                return Target(price: pv.unitPrice, product: pv, flags: flags)
            }
            if let reserve = cheapestEntry(members.filter { $0.status == .r1 || $0.status == .r2 }) {
                return Target(price: reserve.unitPrice, product: reserve, flags: ["reserve-target"])
            }
            return nil
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

    /// The lowest unit price; ties go to the smallest product code, so the choice is deterministic.
    static func cheapestEntry(_ entries: [CatalogueEntry]) -> CatalogueEntry? {
        entries.min { ($0.unitPrice, $0.product) < ($1.unitPrice, $1.product) }
    }
}
