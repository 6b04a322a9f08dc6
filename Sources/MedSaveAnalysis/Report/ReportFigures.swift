import MedSaveModel

/// The figures behind a report's charts, from one ranking with a row per (organisation, class, month):
/// saving per group (ATC group or BNF chapter), how concentrated the saving is in few classes, and cost and
/// saving per month. Every figure is a sum of the ranking's rows, so the groups, the classes and the months
/// each add up to the same total saving.
public struct ReportFigures: Sendable {
    /// Saving per group, largest first (ties by key).
    public struct Group: Sendable, Equatable {
        public var key: String
        public var saving: Double
        public var classes: Int
    }

    /// One month of history: the cost of every row used and the saving found in it.
    public struct Month: Sendable, Equatable {
        public var period: Period
        public var cost: Double
        public var saving: Double
    }

    public var groups: [Group]
    /// Each class's saving, largest first: the Pareto curve's steps.
    public var classSavings: [(equivalenceClass: EquivalenceClass, saving: Double)]
    public var months: [Month]
    public var totalSaving: Double
    /// Per class, the product its latest month's target names (nil for percentile targets), to say what to switch to.
    public var suggestedOfClass: [EquivalenceClass: SuggestedProduct] = [:]
    /// Per class, the (up to three) organisations saving most over the window, with their savings.
    public var topOrganisationsOfClass: [EquivalenceClass: [(key: String, saving: Double)]] = [:]
    /// Per class, its description from the catalogue (empty when unknown).
    public var descriptionOfClass: [EquivalenceClass: String] = [:]
    /// Per class, the organisations with a saving in some month.
    public var organisationsOfClass: [EquivalenceClass: Int] = [:]

    /// `monthly`: a ranking by period (`byPeriod`, no `top`, no `minSaving`), so that its rows are every
    /// positive saving; `group` names each row's group; `costByMonth` the cost used per month.
    public init(monthly: RankResult, costByMonth: [Period: Double], group: (Opportunity) -> String) {
        precondition(monthly.configuration.byPeriod, "the figures need a ranking with one row per month")
        var byGroup: [String: (saving: Double, classes: Set<EquivalenceClass>)] = [:]
        var byClass: [EquivalenceClass: Double] = [:]
        var savingByMonth: [Period: Double] = [:]
        var total = 0.0
        var latest: [EquivalenceClass: Period] = [:]
        var keys: [EquivalenceClass: Set<String>] = [:]
        var savingOfOrganisation: [EquivalenceClass: [String: Double]] = [:]
        for o in monthly.opportunities {
            keys[o.equivalenceClass, default: []].insert(o.key)
            descriptionOfClass[o.equivalenceClass] = o.classDescription
            savingOfOrganisation[o.equivalenceClass, default: [:]][o.key, default: 0] += o.saving
            if let suggested = o.suggested, latest[o.equivalenceClass].map({ $0 < o.periodFrom }) ?? true {
                latest[o.equivalenceClass] = o.periodFrom
                suggestedOfClass[o.equivalenceClass] = suggested
            }
            let g = group(o)
            byGroup[g, default: (0, [])].saving += o.saving
            byGroup[g]!.classes.insert(o.equivalenceClass)
            byClass[o.equivalenceClass, default: 0] += o.saving
            savingByMonth[o.periodFrom, default: 0] += o.saving
            total += o.saving
        }
        groups = byGroup.map { Group(key: $0.key, saving: $0.value.saving, classes: $0.value.classes.count) }
            .sorted { $0.saving != $1.saving ? $0.saving > $1.saving : $0.key < $1.key }
        for (c, savings) in savingOfOrganisation {
            topOrganisationsOfClass[c] = savings.map { (key: $0.key, saving: $0.value) }
                .sorted { $0.saving != $1.saving ? $0.saving > $1.saving : $0.key < $1.key }.prefix(3).map { $0 }
        }
        classSavings = byClass.map { ($0.key, $0.value) }
            .sorted { $0.saving != $1.saving ? $0.saving > $1.saving : $0.equivalenceClass < $1.equivalenceClass }
        months = Set(costByMonth.keys).union(savingByMonth.keys).sorted().map {
            Month(period: $0, cost: costByMonth[$0] ?? 0, saving: savingByMonth[$0] ?? 0)
        }
        totalSaving = total
        organisationsOfClass = keys.mapValues(\.count)
    }

    /// Figures of classes alone (for tests of the Pareto helpers).
    init(classSavings: [(EquivalenceClass, Double)]) {
        groups = []
        months = []
        self.classSavings = classSavings.map { (equivalenceClass: $0.0, saving: $0.1) }.sorted { $0.saving > $1.saving }
        totalSaving = classSavings.reduce(0) { $0 + $1.1 }
    }

    /// The share of the total saving in the `n` classes that save most.
    public func share(ofTop n: Int) -> Double {
        guard totalSaving > 0 else { return 0 }
        return classSavings.prefix(n).reduce(0) { $0 + $1.saving } / totalSaving
    }

    /// The fewest classes that hold at least `fraction` of the total saving.
    public func classes(holding fraction: Double) -> Int {
        guard totalSaving > 0 else { return 0 }
        var sum = 0.0
        for (i, c) in classSavings.enumerated() {
            sum += c.saving
            if sum >= fraction * totalSaving * (1 - 1e-12) { return i + 1 }
        }
        return classSavings.count
    }

    /// Cost per month of the aggregate's cells in `window`: what the organisation spent, every product.
    public static func costByMonth(_ data: DispensingAggregate, window: PeriodRange) -> [Period: Double] {
        var cost: [Int32: FixedDecimal] = [:]
        for cell in data.cells { cost[cell.period, default: .zero] += cell.cost }
        var result: [Period: Double] = [:]
        for (p, c) in cost where window.contains(data.periods[Int(p)]) { result[data.periods[Int(p)]] = c.doubleValue }
        return result
    }
}

extension ReportFigures {
    /// The group of an opportunity for a breakdown by ATC level (from the catalogue entry of its first product
    /// in its period) or by BNF chapter or section (from the product's BNF code).
    public static func grouping(_ by: Breakdown, catalogue: Catalogue) -> (Opportunity) -> String {
        { o in
            let code = o.products.first?.code ?? ""
            if by.atcLength == nil { return by.key(product: code, atc: "") }
            return by.key(product: code, atc: catalogue.entry(product: code, period: o.periodFrom)?.atc ?? "")
        }
    }
}
