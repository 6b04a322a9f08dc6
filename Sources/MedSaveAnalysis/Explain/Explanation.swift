import MedSaveModel
import MedSaveNumeric

/// One opportunity taken apart (`medsave explain ID`): per month and product what was dispensed, at what price
/// per unit, against which target, and what it saves; for percentile targets, the distribution of every
/// organisation's price per unit that set the target, with this one marked.
///
/// Built from the aggregate independently of the ranking's internals, so that its monthly savings adding up to
/// the ranked saving is a check, not a tautology.
public struct Explanation: Sendable {
    public var opportunity: Opportunity
    public var target: TargetRule
    public var months: [Month]
    /// The ranking's books: rows and cost read, used and set aside.
    public var reconciliation = Reconciliation()

    /// One product in one month: its totals for the organisation (or everyone, at level `all`).
    public struct ProductLine: Sendable {
        public var code: String
        public var name: String
        /// The product's status and unit price in the month's list; nil when the list does not price it.
        public var status: ProductStatus?
        public var listPrice: Double?
        public var quantity: FixedDecimal
        public var cost: FixedDecimal
        /// Of which marked "do not substitute".
        public var blockedQuantity: FixedDecimal
        public var blockedCost: FixedDecimal
        public var ppu: Double? { quantity.raw > 0 ? cost.doubleValue / quantity.doubleValue : nil }
        /// C − Q·T of the rows that may be substituted: what this product adds to (or takes from) the saving.
        public var excess: Double?
    }

    /// Every organisation's price per unit in the class and month, sorted, with the one explained marked.
    public struct PeerDistribution: Sendable {
        public var organisations: [(key: String, ppu: Double, quantity: Double)]
        /// The index in `organisations` of the one explained (nil at level `all`, or when its Q = 0).
        public var own: Int?
        /// (p, value) for p = 0, 10, 25, 50, 75, 90, 100.
        public var quantiles: [(p: Double, value: Double)]
    }

    public struct Month: Sendable {
        public var period: Period
        /// T(g, m); nil when the class has no target that month (its rows were set aside).
        public var target: Double?
        /// The product setting T, for `pv` and `cheapest`.
        public var targetProduct: CatalogueEntry?
        public var products: [ProductLine]
        /// Σ over the organisations summed of max(0, C − Q·T) on the rows that may be substituted.
        public var saving: Double
        public var peers: PeerDistribution?
        public var quantity: FixedDecimal { products.reduce(.zero) { $0 + $1.quantity } }
        public var cost: FixedDecimal { products.reduce(.zero) { $0 + $1.cost } }
    }

    /// Σ of the monthly savings: equal to the ranked saving.
    public var saving: Double { months.reduce(0) { $0 + $1.saving } }

    /// Explains the opportunity `id` of a ranking under `configuration` (whose filters are replaced by the id).
    /// Nil when no row with a positive saving has that id.
    public static func explain(
        id: String, data: DispensingAggregate, classifier: any ProductClassifier, configuration: RankConfiguration
    ) throws -> Explanation? {
        var c = configuration
        c.onlyID = id
        c.onlyClass = nil
        c.onlyKey = nil
        c.minSaving = 0
        c.top = nil
        c.hideDecided = false
        let ranked = try Ranking.rank(data, classifier: classifier, configuration: c)
        guard let o = ranked.opportunities.first ?? ranked.excluded.first(where: { $0.id == id.lowercased() }) else {
            return nil
        }
        var explanation = try explain(o, data: data, classifier: classifier, configuration: c)
        explanation.reconciliation = ranked.reconciliation
        return explanation
    }

    /// The months and products of `opportunity`, from the aggregate.
    static func explain(
        _ opportunity: Opportunity, data: DispensingAggregate, classifier: any ProductClassifier,
        configuration: RankConfiguration
    ) throws -> Explanation {
        let cls = opportunity.equivalenceClass
        let all = opportunity.key == "all"
        let own = all ? nil : data.organisations.firstIndex(of: opportunity.key).map(Int32.init)
        // The cells of the class in the window, every organisation's (a percentile needs them all).
        var cellsByMonth: [Int32: [Int]] = [:]
        var memberOf: [Int64: Bool] = [:]
        let blockedOf = data.blockedByCell()
        func blocked(_ i: Int) -> (quantity: FixedDecimal, cost: FixedDecimal) {
            data.cells[i].hasBlockedRows ? blockedOf[Int32(i)] ?? (.zero, .zero) : (.zero, .zero)
        }
        for (i, cell) in data.cells.enumerated() {
            let period = data.periods[Int(cell.period)]
            guard period >= opportunity.periodFrom, period <= opportunity.periodTo else { continue }
            let key = Int64(cell.product) << 32 | Int64(cell.period)
            let member: Bool
            if let known = memberOf[key] {
                member = known
            } else {
                member = classifier.classify(product: data.products[Int(cell.product)], period: period) == .member(cls)
                memberOf[key] = member
            }
            if member { cellsByMonth[cell.period, default: []].append(i) }
        }
        let peers = configuration.peers
        var months: [Month] = []
        for (periodID, cells) in cellsByMonth.sorted(by: { data.periods[Int($0.key)] < data.periods[Int($1.key)] }) {
            let period = data.periods[Int(periodID)]
            // Per organisation: all rows (for its PPU) and those that may be substituted (for its saving).
            var byOrganisation: [Int32: (q: FixedDecimal, c: FixedDecimal, sq: FixedDecimal, sc: FixedDecimal)] = [:]
            for i in cells {
                let cell = data.cells[i]
                var s = byOrganisation[cell.organisation] ?? (.zero, .zero, .zero, .zero)
                s.q += cell.quantity
                s.c += cell.cost
                s.sq += cell.quantity - blocked(i).quantity
                s.sc += cell.cost - blocked(i).cost
                byOrganisation[cell.organisation] = s
            }
            var target: Double?
            var targetProduct: CatalogueEntry?
            var distribution: PeerDistribution?
            switch configuration.target {
            case .pv, .cheapest, .list:
                let t = Targets.listTarget(of: cls, in: period, rule: configuration.target, classifier: classifier)
                target = t?.price
                targetProduct = t?.product
            case .percentile(let p):
                var points: [(key: String, ppu: Double, quantity: Double)] = []
                for (organisation, s) in byOrganisation where s.q.raw > 0 {
                    let key = data.organisations[Int(organisation)]
                    if let peers, !peers.contains(key) { continue }
                    points.append((key, s.c.doubleValue / s.q.doubleValue, s.q.doubleValue))
                }
                points.sort { ($0.ppu, $0.key) < ($1.ppu, $1.key) }
                target = percentile(points.map(\.ppu), p)
                if !points.isEmpty {
                    let values = points.map(\.ppu)
                    distribution = PeerDistribution(
                        organisations: points, own: points.firstIndex { $0.key == opportunity.key },
                        quantiles: [0, 10, 25, 50, 75, 90, 100].map { ($0, percentile(values, $0)!) })
                }
            }
            // The products of the organisation explained (of everyone at level `all`).
            var lines: [Int32: ProductLine] = [:]
            for i in cells {
                let cell = data.cells[i]
                guard all || cell.organisation == own else { continue }
                let code = data.products[Int(cell.product)]
                var line =
                    lines[cell.product]
                    ?? {
                        let entry = classifier.entry(product: code, period: period)
                        return ProductLine(
                            code: code, name: classifier.name(product: code, period: period) ?? "",
                            status: entry?.status, listPrice: entry?.unitPrice, quantity: .zero, cost: .zero,
                            blockedQuantity: .zero, blockedCost: .zero, excess: nil)
                    }()
                line.quantity += cell.quantity
                line.cost += cell.cost
                line.blockedQuantity += blocked(i).quantity
                line.blockedCost += blocked(i).cost
                lines[cell.product] = line
            }
            var products = lines.values.sorted { $0.code < $1.code }
            var saving = 0.0
            if let t = target {
                var q: [Double] = [], c: [Double] = []
                for (organisation, s) in byOrganisation where all || organisation == own {
                    q.append(s.sq.doubleValue)
                    c.append(s.sc.doubleValue)
                }
                saving = try SavingsKernel.savings(quantity: q, cost: c, target: t).reduce(0, +)
                for k in products.indices {
                    let p = products[k]
                    products[k].excess =
                        (p.cost - p.blockedCost).doubleValue - (p.quantity - p.blockedQuantity).doubleValue * t
                }
            }
            guard !products.isEmpty else { continue }
            months.append(
                Month(
                    period: period, target: target, targetProduct: targetProduct, products: products, saving: saving,
                    peers: distribution))
        }
        return Explanation(opportunity: opportunity, target: configuration.target, months: months)
    }
}
