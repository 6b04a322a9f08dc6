/// A product named in an opportunity: its code and, where the catalogue has it, its name.
public struct ProductRef: Sendable, Equatable, Codable {
    public var code: String
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// The product a target rule points to (`pv`, `cheapest`), with its unit price in the period it was taken from.
public struct SuggestedProduct: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    public var unitPrice: Double
    public var period: Period

    public init(code: String, name: String, unitPrice: Double, period: Period) {
        self.code = code
        self.name = name
        self.unitPrice = unitPrice
        self.period = period
    }
}

/// One ranked row: what an organisation (or everyone, at level `all`) spent in one class over the window
/// (or in one period with `--by-period`), the target, and the saving from switching.
public struct Opportunity: Sendable, Equatable {
    /// 1-based position in the ranking, by saving (descending), then key, class and period.
    public var rank: Int
    /// A stable id for review decisions: the first 12 hex digits of SHA-256 over level, key, class and, with
    /// `--by-period`, the period. Row order, other rows, prices, products and new months do not change it.
    public var id: String
    /// The id of the first scheme, which also hashed the products dispensed (see `Opportunity.legacyID`).
    public var legacyID = ""
    /// The care unit, prescriber, or `all`.
    public var key: String
    public var equivalenceClass: EquivalenceClass
    /// The class in words (substance, strength, form, pack sizes), from the catalogue; empty when unknown.
    public var classDescription = ""
    /// The period with `--by-period`; otherwise the window.
    public var periodFrom: Period
    public var periodTo: Period
    /// Products dispensed, ordered by code.
    public var products: [ProductRef]
    public var suggested: SuggestedProduct?
    /// Q = Σ quantity and C = Σ cost, exact.
    public var quantity: FixedDecimal
    public var cost: FixedDecimal
    /// C / Q; nil when Q = 0.
    public var ppu: Double?
    /// Σ Q·T / Σ Q over the periods summed (T itself for one period); the latest T when Σ Q = 0.
    public var targetPPU: Double?
    /// Σ over periods (and, at level `all`, over units) of max(0, C − Q·T), over the rows that may be
    /// substituted (`substitution_allowed` not false).
    public var saving: Double
    /// The saving in rows the prescriber marked "do not substitute", against the same target, summed per
    /// (unit, prescriber, month): what those flags block. Not part of `saving`.
    public var blockedSaving: Double
    /// Distinct patients and prescribers; nil when the input has no such column.
    public var patients: Int?
    public var prescribers: Int?
    /// Sorted markers such as `zero-quantity`, `do-not-substitute`, `reserve-target` (README lists them all).
    public var flags: [String]
    /// Safety rules that touched this opportunity (none when no rules apply).
    public var safety: [SafetyFinding]
    /// The current review decision, when a review store was given.
    public var review: ReviewRecord? = nil
    /// The saving in the window's last month (0 when the row bought nothing then), so that cases that have
    /// already stopped stand out; the saving itself with `--by-period`.
    public var latestSaving = 0.0
    /// At levels that sum care units (`area`, `region`, `all`): the units with rows in the class, and those
    /// that save most (up to three, largest first); nil and empty at the unit and prescriber levels.
    public var units: Int? = nil
    public var topUnits: [KeyedSaving] = []

    public init(
        rank: Int, id: String, key: String, equivalenceClass: EquivalenceClass, periodFrom: Period, periodTo: Period,
        products: [ProductRef], suggested: SuggestedProduct?, quantity: FixedDecimal, cost: FixedDecimal, ppu: Double?,
        targetPPU: Double?, saving: Double, blockedSaving: Double, patients: Int?, prescribers: Int?, flags: [String],
        safety: [SafetyFinding], review: ReviewRecord? = nil
    ) {
        self.rank = rank
        self.id = id
        self.key = key
        self.equivalenceClass = equivalenceClass
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.products = products
        self.suggested = suggested
        self.quantity = quantity
        self.cost = cost
        self.ppu = ppu
        self.targetPPU = targetPPU
        self.saving = saving
        self.blockedSaving = blockedSaving
        self.patients = patients
        self.prescribers = prescribers
        self.flags = flags
        self.safety = safety
        self.review = review
    }

    /// The most severe safety action, if any rule applied.
    public var safetyAction: SafetyAction? { safety.map(\.action).max() }
}

/// One care unit's part of a summed row: its code and its saving.
public struct KeyedSaving: Sendable, Equatable {
    public var key: String
    public var saving: Double

    public init(key: String, saving: Double) {
        self.key = key
        self.saving = saving
    }
}

/// Saving blocked by prescribers' "do not substitute" flags, per care unit, prescriber and class.
public struct BlockedSaving: Sendable, Equatable {
    public var unit: String
    /// Nil when the rows had no prescriber.
    public var prescriber: String?
    public var equivalenceClass: EquivalenceClass
    public var quantity: FixedDecimal
    public var cost: FixedDecimal
    public var saving: Double

    public init(
        unit: String, prescriber: String?, equivalenceClass: EquivalenceClass, quantity: FixedDecimal,
        cost: FixedDecimal,
        saving: Double
    ) {
        self.unit = unit
        self.prescriber = prescriber
        self.equivalenceClass = equivalenceClass
        self.quantity = quantity
        self.cost = cost
        self.saving = saving
    }
}

/// The level at which opportunities are shown.
public enum RankLevel: String, Sendable, CaseIterable, Codable {
    /// One row per care unit (practice) and class.
    case unit
    /// One row per prescriber and class; peer-group targets compare prescribers.
    case prescriber
    /// One row per care area and class, summing its units' savings (areas from `--areas`).
    case area
    /// One row per region and class, summing its areas' units (regions from the areas file's `region` column).
    case region
    /// One row per class, summing every unit's saving (`--level class` on the command line).
    case all

    /// The column that identifies the organisations whose PPU and saving are computed.
    public var organisationColumn: OrganisationColumn { self == .prescriber ? .prescriber : .unit }

    /// The level as the command line names it (`class` for `all`, whose rows' key is `all`).
    public var shownName: String { self == .all ? "class" : rawValue }

    /// True at the levels whose rows sum care units (area, region, all).
    public var sumsUnits: Bool { self == .area || self == .region || self == .all }

    /// The minimum saving a row needs to be listed when `--min-saving` is not given: as OpenPrescribing's
    /// £10 per practice and £200 per area, in the data's currency.
    public var defaultMinSaving: Double { sumsUnits ? 200 : 10 }
}
