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
        var blockedOfCell: [Int: [(Int32, FixedDecimal, FixedDecimal)]] = [:]
        for (key, value) in data.blockedByPrescriber {
            blockedOfCell[Int(key >> 32), default: []].append((Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)), value.quantity, value.cost))
        }
        var barriers: [BarrierKey: BlockedSaving] = [:]
        var rows = RowTable(byPeriod: configuration.byPeriod, level: configuration.level)
        let peers = configuration.peers.map { peers in data.organisations.map { peers.contains($0) } }
        for block in blocks {
            guard let target = try Self.target(for: block, rule: configuration.target, classifier: classifier, peers: peers) else {
                for cell in block.cells { books.setAside(.noTarget, rows: data.cells[cell].rows, cost: data.cells[cell].cost) }
                continue
            }
            // The target uses every row (what each organisation paid); the saving only rows that may be substituted.
            let q = zip(block.quantity, block.blockedQuantity).map { ($0 - $1).doubleValue }
            let c = zip(block.cost, block.blockedCost).map { ($0 - $1).doubleValue }
            let savings = try SavingsKernel.savings(quantity: q, cost: c, target: target.price)
            for (position, organisation) in block.organisations.enumerated() {
                rows.add(
                    organisation: organisation, block: block, position: position, saving: savings[position],
                    target: target)
            }
            var blockedHere: [UInt64: (quantity: FixedDecimal, cost: FixedDecimal)] = [:]
            for (cell, position) in zip(block.cells, block.cellPositions) {
                let c = data.cells[cell]
                books.rowsUsed += c.rows
                books.costUsed += c.cost
                rows.addCell(cell, c, organisation: block.organisations[position], block: block)
                for (prescriber, q, cost) in blockedOfCell[cell] ?? [] {
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
                rows.addBlocked(organisation: organisation, block: block, saving: saving)
                let unitOrPrescriber = data.organisations[Int(organisation)]
                let barrierKey = BarrierKey(
                    unit: unitOrPrescriber,
                    prescriber: data.organisationColumn == .prescriber
                        ? unitOrPrescriber : (prescriber >= 0 ? data.prescribers[Int(prescriber)] : nil),
                    equivalenceClass: block.equivalenceClass)
                var b = barriers[barrierKey] ?? BlockedSaving(
                    unit: data.organisationColumn == .prescriber ? "" : unitOrPrescriber, prescriber: barrierKey.prescriber,
                    equivalenceClass: block.equivalenceClass, quantity: .zero, cost: .zero, saving: 0)
                b.quantity += blockedHere[key]!.quantity
                b.cost += blockedHere[key]!.cost
                b.saving += saving
                barriers[barrierKey] = b
            }
        }
        let window = rows.window.map { w in
            (from: max(w.from, configuration.periods.from ?? w.from), to: min(w.to, configuration.periods.to ?? w.to))
        }
        var opportunities = rows.opportunities(data: data, classifier: classifier, window: window, rules: configuration.rules)
        opportunities.sort(by: Self.rankOrder)
        for i in opportunities.indices { opportunities[i].review = configuration.decisions[opportunities[i].id] }
        let excluded = opportunities.filter { $0.saving > 0 && $0.safetyAction == .exclude }
        let positive = opportunities.filter { $0.saving > 0 && $0.safetyAction != .exclude }
        let totalSaving = positive.reduce(0) { $0 + $1.saving }
        var listed = positive.filter { $0.saving >= configuration.minSaving }
        let beforeHiding = listed.count
        if configuration.hideDecided { listed.removeAll { $0.review?.decision.isFinal == true } }
        let hidden = beforeHiding - listed.count
        if let top = configuration.top { listed = Array(listed.prefix(top)) }
        for i in listed.indices { listed[i].rank = i + 1 }
        let blocked = barriers.values.filter { $0.saving > 0 }.sorted { a, b in
            a.saving != b.saving ? a.saving > b.saving
                : (a.unit, a.prescriber ?? "", a.equivalenceClass.description) < (b.unit, b.prescriber ?? "", b.equivalenceClass.description)
        }
        return RankResult(
            configuration: configuration, window: window, reconciliation: books, totalSaving: totalSaving,
            opportunityCount: positive.count, hiddenDecided: hidden, opportunities: listed, excluded: excluded,
            blocked: blocked)
    }

    struct BarrierKey: Hashable {
        var unit: String
        var prescriber: String?
        var equivalenceClass: EquivalenceClass
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
        /// The part of `quantity` and `cost` in rows marked "do not substitute".
        var blockedQuantity: [FixedDecimal] = []
        var blockedCost: [FixedDecimal] = []
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
                blocks[b].blockedQuantity.append(.zero)
                blocks[b].blockedCost.append(.zero)
            }
            blocks[b].quantity[p] += cell.quantity
            blocks[b].cost[p] += cell.cost
            blocks[b].blockedQuantity[p] += cell.blockedQuantity
            blocks[b].blockedCost[p] += cell.blockedCost
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
