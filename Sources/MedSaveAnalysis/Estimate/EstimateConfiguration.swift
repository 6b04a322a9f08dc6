import MedSaveModel
import MedSaveNumeric

/// What a bootstrap resamples: organisations (care units), patients or prescribers.
public enum ResampleUnit: String, Sendable, CaseIterable, Codable {
    case units, patients, prescribers
}

/// Which volumes are fitted: each equivalence class's (the default), or each product's.
///
/// In Sweden the product dispensed within a class follows the month's PV, which changes from month to month,
/// so a product's own series jumps between zero and most of its class; a trend through it says little. The
/// class's volume is the demand that persists. With `class`, each product's share of its class (per
/// organisation, over the history) carries into the budget year.
public enum FitGrain: String, Sendable, CaseIterable, Codable {
    case `class`, product
}

/// What an estimate carries forward into the budget year.
public enum EstimateModel: String, Sendable, CaseIterable, Codable {
    /// Each (organisation, class) keeps its observed premium over the target, r = ΣC / Σ(Q·T) with each month
    /// at its own list; volume follows the class, not the product. Right where the pharmacy dispenses each
    /// month's PV unless someone prevents it (Sweden).
    case behaviour
    /// Last year's product mix priced at the budget year's list: each product's projected quantity × max(0,
    /// price − target). Right only where nothing is substituted automatically (England).
    case productMix = "product-mix"
}

/// How the monthly volumes are projected.
public enum VolumeModel: String, Sendable, CaseIterable, Codable {
    /// A trend with at least `EstimateConfiguration.minimumTrendMonths` months of history, else a level.
    case auto
    /// The mean month, carried flat over the budget year.
    case level
    /// A linear trend (with `seasonal`, month-of-year terms too), however short the history.
    case trend
}

/// One scenario: a target rule and the share of the opportunity realised.
public struct Scenario: Sendable, Equatable, CustomStringConvertible {
    public var target: TargetRule
    public var uptake: Double

    public init(target: TargetRule, uptake: Double) {
        self.target = target
        self.uptake = uptake
    }

    /// `pv at 80% uptake`.
    public var description: String { "\(target) at \(NumberFormat.fixed(100 * uptake, decimals: 0))% uptake" }
}

/// How `estimate` projects savings over a budget year.
public struct EstimateConfiguration: Sendable {
    public var budgetYear: Int
    /// Add month-of-year terms to the linear trend.
    public var seasonal = false
    public var grain: FitGrain = .class
    /// The months of history the volumes are fitted on.
    public var periods = PeriodRange()
    /// The catalogue period whose prices and classes apply to the budget year; nil: the latest.
    public var pricePeriod: Period?
    public var targets: [TargetRule] = [.pv]
    public var uptakes: [Double] = [1]
    public var by: Breakdown = .total
    public var areas: AreaMap?
    /// Switches a rule excludes count in no scenario (their saving is reported apart).
    public var rules: SafetyRules = .none
    /// Bootstrap replicates; 0 for no interval.
    public var bootstrap = 1000
    public var seed: UInt64 = 1
    public var resample: ResampleUnit = .units
    /// Suppress rows based on fewer distinct patients than this; 0 turns disclosure control off.
    public var suppressBelow = 5
    /// Also project the total per budget month, each month with its own interval (`EstimateResult.monthly`).
    public var monthly = false
    public var model: EstimateModel = .behaviour
    /// Months at the end of the history whose premium over the target the behaviour model carries forward.
    public var behaviourWindow = 6
    public var volumeModel: VolumeModel = .auto

    /// Fewer months of history than this give a level, not a trend, unless a trend is asked for.
    public static let minimumTrendMonths = 6
    /// The budget year may end at most this many months after the last month of history.
    public static let maximumHorizonMonths = 24
    /// A projection (before volume and price effects) above this multiple of the saving found is flagged.
    public static let flagRatio = 1.5

    public init(budgetYear: Int) { self.budgetYear = budgetYear }

    /// Every target with every uptake, targets outermost.
    public var scenarios: [Scenario] { targets.flatMap { t in uptakes.map { Scenario(target: t, uptake: $0) } } }

    /// The twelve months of the budget year.
    public var budgetMonths: [Period] { (1...12).map { Period(year: budgetYear, month: $0) } }
}

/// One row of an estimate: a breakdown key with a projected saving per scenario.
public struct EstimateRow: Sendable, Equatable {
    public var key: String
    /// Product name (by product) or substance (by ATC substance); empty otherwise.
    public var name = ""
    /// Distinct patients behind the row in the history (nil when the data has no patient ids).
    public var patients: Int?
    /// Projected substitutable quantity over the budget year and its cost at the price period's prices.
    public var quantity = 0.0
    public var cost = 0.0
    /// Per scenario: the point estimate and, with a bootstrap, the 2.5th and 97.5th percentiles.
    /// With the behaviour model `cost` is the projected cost at unchanged behaviour, Σ Q̂ · T_budget · r.
    public var saving: [Double]
    public var lower: [Double]?
    public var upper: [Double]?
    /// Withheld by disclosure control: none of its figures may be shown.
    public var suppressed = false

    public init(key: String, name: String = "", patients: Int? = nil, scenarios: Int) {
        self.key = key
        self.name = name
        self.patients = patients
        saving = Array(repeating: 0, count: scenarios)
    }
}

/// How the volume model went.
public struct FitSummary: Sendable, Equatable {
    public var model: String
    /// The savings model (behaviour or product mix).
    public var savings: EstimateModel = .behaviour
    public var grain: FitGrain
    /// Months with data in the window, fitted on.
    public var historyMonths: [Period]
    /// Months between the first and last month of history that have no data.
    public var missingMonths: [Period] = []
    public var series = 0
    public var products = 0
    /// Series whose fitted volume fell below zero in some budget month (those months count as zero).
    public var flooredSeries = 0
    public var historyQuantity = 0.0
    public var projectedQuantity = 0.0
}

/// From the saving found in the history to the projected one, per target rule at full uptake, each step a
/// number (the behaviour model). For each (organisation, class) with premium ρ = (r − 1)⁺, history volume Q_H
/// in months with a target, Σ Q·T over those months (so T̄ = ΣQ·T / Q_H), projected volume Q̂ and budget-year
/// target T_b:
/// - `found`: Σ over months of max(0, C − Q·T), as `rank` finds it;
/// - `behaviour`: Σ ΣQ·T · ρ − found, carrying the recent window's premium instead of each month's own;
/// - `volume`: Σ (Q̂ − Q_H) · T̄ · ρ, the volume trend (and the scaling of the history to twelve months);
/// - `price`: Σ Q̂ · (T_b − T̄) · ρ, the change of the target price;
/// - `projected` = found + behaviour + volume + price = Σ Q̂ · T_b · ρ, the scenario saving at full uptake.
/// `cost` is the projected cost, Σ Q̂ · T_b · r; the saving can never exceed it.
public struct EstimateBridge: Sendable, Equatable {
    public var target: TargetRule
    public var found = 0.0
    public var behaviour = 0.0
    public var volume = 0.0
    public var price = 0.0
    public var projected = 0.0
    public var cost = 0.0

    public init(target: TargetRule) { self.target = target }
}

/// Budget-year savings by scenario, with how they were made.
public struct EstimateResult: Sendable {
    public var configuration: EstimateConfiguration
    public var scenarios: [Scenario]
    public var pricePeriod: Period
    public var budgetMonths: [Period]
    public var fit: FitSummary
    /// Rows of the breakdown, largest saving in the first scenario first; suppressed rows last, by key.
    public var rows: [EstimateRow]
    public var total: EstimateRow
    /// With `monthly`: the total per budget month (key `YYYY-MM`), summing to `total`; intervals from the
    /// same resampling as the total's; suppressed when the total is.
    public var monthly: [EstimateRow] = []
    /// Per scenario: saving in switches the safety rules exclude, and in rows marked "do not substitute";
    /// neither counts in `total`.
    public var excludedSaving: [Double]
    public var blockedSaving: [Double]
    /// Products (classes, under the behaviour model) whose switch a rule excludes under some target.
    public var excludedProducts = 0
    /// Per target rule: classes with history but no target at the price period (no PV nor reserve; no
    /// organisation with projected volume), which save nothing under that rule.
    public var classesWithoutTarget: [Int]
    /// Clusters resampled by the bootstrap.
    public var clusters = 0
    /// Disclosure control: rows withheld for too few patients, and more withheld so those cannot be recovered.
    public var primarySuppressed = 0
    public var secondarySuppressed = 0
    /// False when the data has no patient ids or suppression is off, so no disclosure control was applied.
    public var disclosureApplied = false
    public var reconciliation: Reconciliation
    /// The behaviour model's bridge from found to projected, one per target rule (empty for product-mix).
    public var bridge: [EstimateBridge] = []
    /// Months of history whose premium the behaviour model carried forward.
    public var behaviourMonths: [Period] = []
    /// What a reader must know before quoting the figure (a projection far above the saving found, say).
    public var warnings: [String] = []
}

public enum EstimateError: Error, CustomStringConvertible {
    case noHistory(String)
    case noPrices(String)
    case tooLarge(String)
    /// Figures that contradict each other (a saving above its cost): never output.
    case inconsistent(String)
    /// A projection the data cannot carry (a budget year too far ahead).
    case horizon(String)
    case numeric(NumericError)

    public var description: String {
        switch self {
        case .noHistory(let s), .noPrices(let s), .tooLarge(let s), .inconsistent(let s), .horizon(let s): s
        case .numeric(let e): e.description
        }
    }
}
