import Foundation
import MedSaveModel

/// What a report is made from, beyond the data: the audience, the analyses' options, and how the inputs are
/// described in its assumptions.
public struct ReportConfiguration: Sendable {
    public var audience: Report.Audience
    public var target: TargetRule
    public var periods: PeriodRange = PeriodRange()
    /// The list month the suggestions come from; nil: the newest.
    public var asOf: Period?
    /// Opportunities listed.
    public var top: Int
    public var by: Breakdown
    /// The year the estimate projects; nil for the year after the data's last month.
    public var budgetYear: Int?
    public var uptakes: [Double] = [0.5, 0.8, 1]
    public var seasonal = false
    public var bootstrap = 1000
    public var seed: UInt64 = 1
    public var suppressBelow = 5
    public var rules: SafetyRules = .none
    public var decisions: [String: ReviewRecord] = [:]
    /// Leave accepted and rejected opportunities out of the list (the figures still count them).
    public var hideDecided = false
    public var threads = 1
    /// The catalogue arguments as given, the rules' source and the review database read, for the assumptions.
    public var priceLists: [String] = []
    public var rulesSource = "shipped with medsave"
    public var reviewSource: String?
    /// What `period` the user asked for, named in the assumptions when the data has none of it.
    public var periodAsked: String?

    public init(audience: Report.Audience, target: TargetRule, top: Int, by: Breakdown) {
        self.audience = audience
        self.target = target
        self.top = top
        self.by = by
    }
}

extension Report {
    /// The year a report estimates by default: the one after the window's last month.
    public static func defaultBudgetYear(_ ranking: RankResult) -> Int? { ranking.window.map { $0.to.year + 1 } }

    /// Builds a report: one ranking over the window (the top opportunities, with review status), one by month
    /// (every positive saving, for the charts), and a budget-year estimate when the classifier knows prices.
    /// Returns the report and the monthly ranking (whose reconciliation the caller reports).
    public static func build(
        _ data: DispensingAggregate, classifier: any ProductClassifier, catalogue: Catalogue,
        configuration c: ReportConfiguration
    ) throws -> (report: Report, byMonth: RankResult) {
        var ranked = RankConfiguration(
            target: c.target, level: .unit, periods: c.periods, byPeriod: false, minSaving: 0, top: c.top)
        ranked.rules = c.rules
        ranked.asOf = c.asOf
        ranked.decisions = c.decisions
        ranked.hideDecided = c.hideDecided
        ranked.threads = c.threads
        var monthly = ranked
        monthly.byPeriod = true
        monthly.top = nil
        monthly.decisions = [:]
        let ranking = try Ranking.rank(data, classifier: classifier, configuration: ranked)
        let byMonth = try Ranking.rank(data, classifier: classifier, configuration: monthly)
        let figures = ReportFigures(
            monthly: byMonth, costByMonth: ReportFigures.costByMonth(data, window: c.periods),
            group: ReportFigures.grouping(c.by, catalogue: catalogue))

        let year = c.budgetYear ?? defaultBudgetYear(ranking)
        var estimate: EstimateResult?
        var unavailable: String?
        if !classifier.knowsPrices {
            unavailable = "the budget-year estimate prices the year with catalogue prices, and --groups bnf has none"
        } else if let year {
            var e = EstimateConfiguration(budgetYear: year)
            e.periods = c.periods
            e.targets = [c.target]
            e.uptakes = c.uptakes
            e.by = c.by
            e.seasonal = c.seasonal
            e.bootstrap = c.bootstrap
            e.seed = c.seed
            e.suppressBelow = c.suppressBelow
            e.rules = c.rules
            e.monthly = true
            switch Result(catching: { () throws(EstimateError) in
                try BudgetEstimate.compute(data, catalogue: catalogue, configuration: e)
            }) {
            case .success(let result): estimate = result
            case .failure(let error): unavailable = error.description
            }
        } else {
            unavailable = "no dispensing in the window"
        }

        var names = c.by == .atc1 ? atcMainGroups : [:]
        for row in estimate?.rows ?? [] where !row.name.isEmpty { names[row.key] = row.name }
        let report = Report(
            audience: c.audience, ranking: ranking, figures: figures, groupTitle: groupTitle(of: c.by),
            groupNames: names,
            estimate: estimate, estimateUnavailable: unavailable,
            assumptions: assumptions(c, catalogue: catalogue, ranking: ranking, estimate: estimate))
        return (report, byMonth)
    }

    /// The assumptions a reader needs to judge the figures, in words.
    static func assumptions(
        _ c: ReportConfiguration, catalogue: Catalogue, ranking: RankResult, estimate: EstimateResult?
    ) -> [(name: String, value: String)] {
        var rows: [(name: String, value: String)] = [
            ("Target price rule", describe(ranking.configuration.target)),
            (
                "Periods",
                ranking.window.map { "\($0.from)..\($0.to)" } ?? "none"
                    + (c.periodAsked.map { " (asked: \($0))" } ?? "")
            ),
            (
                "Price lists",
                c.priceLists.isEmpty
                    ? "none (classes from BNF codes)"
                    : c.priceLists.joined(separator: ", ")
                        + " (periods "
                        + (catalogue.periods.first.map { "\($0)..\(catalogue.periods.last!)" } ?? "undated") + ")"
            ),
            ("Safety rules", c.rulesSource + " (\(ranking.configuration.rules.rules.count) rules)"),
            ("Review decisions", c.reviewSource ?? "none read"),
        ]
        if let e = estimate {
            let c = e.configuration
            rows += [
                (
                    "Uptake",
                    c.uptakes.map { NumberFormat.fixed(100 * $0, decimals: 0) + "%" }.joined(separator: ", ")
                        + " of the opportunity realised"
                ),
                ("Budget year", "\(c.budgetYear), at the prices of \(e.pricePeriod)"),
                (
                    "Volume model",
                    "\(e.fit.model), per \(e.fit.grain.rawValue), fitted on \(e.fit.historyMonths.count) months"
                ),
                (
                    "Interval",
                    c.bootstrap > 0
                        ? "95%, \(c.bootstrap) bootstrap replicates over \(e.clusters) \(c.resample.rawValue), seed \(c.seed)"
                        : "none"
                ),
                (
                    "Suppression",
                    e.disclosureApplied
                        ? "rows with fewer than \(c.suppressBelow) distinct patients suppressed, with secondary suppression"
                        : c.suppressBelow > 0 ? "none possible: the data has no patient ids" : "off"
                ),
            ]
        }
        return rows
    }

    /// A target rule in words, for the assumptions.
    static func describe(_ rule: TargetRule) -> String {
        switch rule {
        case .pv: "pv: the unit price of the period's product of the month (PV), else the cheapest reserve"
        case .cheapest: "cheapest: the lowest unit price in the class in the period's catalogue"
        case .percentile(50): "median: the median of the care units' price per unit in the class"
        case .percentile(let p):
            "\(rule): the \(NumberFormat.fixed(p, decimals: 0))th percentile of the care units' price per unit in the class"
        case .list(let l): "list: the region's own price per unit for the class and month, from \(l.path)"
        }
    }
}
