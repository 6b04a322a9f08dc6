import Foundation
import MedSaveModel

/// What `rank` computes, validated once from the command line (or built directly by library users).
public struct RankConfiguration: Sendable, Equatable {
    public var target: TargetRule
    public var level: RankLevel
    public var periods: PeriodRange
    /// One row per period instead of one per window.
    public var byPeriod: Bool
    /// Rows with a smaller saving are not listed (they still count in the total).
    public var minSaving: Double
    /// List at most this many rows.
    public var top: Int?
    /// The organisations (codes) whose PPU sets a percentile target; nil: all of them. Every organisation is
    /// still ranked against that target.
    public var peers: Set<String>?
    /// Safety rules applied to every opportunity (none by default here; the command line ships a set).
    public var rules: SafetyRules = .none
    /// Current review decisions by opportunity id (from a `ReviewStore`).
    public var decisions: [String: ReviewRecord] = [:]
    /// Leave out opportunities accepted or rejected (deferred ones stay).
    public var hideDecided = false
    /// List only the rows of this class, of this unit or prescriber (`key`), or with this id (drill-down);
    /// totals still count every row.
    public var onlyClass: EquivalenceClass?
    public var onlyKey: String?
    public var onlyID: String?
    /// The list month the suggested products are taken from; nil: the newest one (see `CurrentAdvice`).
    public var asOf: Period?
    /// Care units grouped into areas and regions: needed at levels `area` and `region`.
    public var areas: AreaMap?
    /// Threads the classes may be split between; the result is the same for any number.
    public var threads = 1

    public init(
        target: TargetRule = .pv, level: RankLevel = .unit, periods: PeriodRange = PeriodRange(),
        byPeriod: Bool = false, minSaving: Double = 0, top: Int? = nil, peers: Set<String>? = nil
    ) {
        self.peers = peers
        self.target = target
        self.level = level
        self.periods = periods
        self.byPeriod = byPeriod
        self.minSaving = minSaving
        self.top = top
    }
}

/// What `rank` found.
public struct RankResult: Sendable {
    public var configuration: RankConfiguration
    /// The periods analysed: the requested window narrowed to the periods the data has. Nil when no row was used.
    public var window: (from: Period, to: Period)?
    /// The months the dispensing data covers, whatever the window (nil when no row could be read).
    public var dataMonths: (from: Period, to: Period)? = nil
    /// What the safety rules could not be checked on (nil without rules).
    public var safetyCoverage: SafetyCoverage? = nil
    /// The list month the suggestions come from (see `CurrentAdvice`); nil for percentile targets.
    public var adviceMonth: Period? = nil
    /// Unknown product codes that the catalogue knows once leading zeros are put back; nil when there are none.
    public var lostLeadingZeros: LostLeadingZeros? = nil
    public var reconciliation: Reconciliation
    /// Σ saving over every row with a positive saving, before `--min-saving` and `--top`.
    public var totalSaving: Double
    /// Rows with a positive saving, before `--min-saving` and `--top`.
    public var opportunityCount: Int
    /// Rows with a positive saving that the drill-down filters (`onlyClass`, `onlyKey`, `onlyID`) kept, before
    /// `--min-saving` and `--top`; nil without filters.
    public var matchingFilters: Int? = nil
    /// Opportunities left out because they were accepted or rejected (`hideDecided`).
    public var hiddenDecided = 0
    /// The rows listed, ranked.
    public var opportunities: [Opportunity]
    /// Opportunities a safety rule excluded, by saving; not ranked, not in `totalSaving`.
    public var excluded: [Opportunity] = []
    public var excludedSaving: Double { excluded.reduce(0) { $0 + $1.saving } }
    /// Saving blocked by prescribers' flags, per unit, prescriber and class, largest first; listed when first
    /// asked for (`BlockedList`).
    public var blocked: [BlockedSaving] {
        get { blockedList.rows }
        set { blockedList = BlockedList(newValue) }
    }
    public var blockedList = BlockedList([])
    public var blockedSaving: Double { blocked.reduce(0) { $0 + $1.saving } }
    /// Σ saving of the rows listed.
    public var listedSaving: Double { opportunities.reduce(0) { $0 + $1.saving } }
}

/// The saving blocked by prescribers' flags, listed when first asked for: on national data hundreds of
/// thousands of (unit, prescriber, class) barriers, which a ranking that prints only their total (CSV and
/// table output without `--show-blocked`) need not sort and name. The total as the list shows it is known
/// without the list.
public final class BlockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var listed: [BlockedSaving]?
    private var make: (() -> [BlockedSaving])?
    /// Σ of the listed savings each rounded to öre/pence (half away from zero), in hundredths.
    public let shownCents: Int64

    /// A list made now.
    public init(_ rows: [BlockedSaving]) {
        listed = rows
        shownCents = rows.reduce(0) { $0 + Self.cents($1.saving) }
    }

    /// A list made by `make` when first asked for, whose savings round to `shownCents` in all.
    init(shownCents: Int64, make: @escaping () -> [BlockedSaving]) {
        self.shownCents = shownCents
        self.make = make
    }

    /// A saving in hundredths, as shown.
    static func cents(_ saving: Double) -> Int64 { Int64((saving * 100).rounded(.toNearestOrAwayFromZero)) }

    public var rows: [BlockedSaving] {
        lock.lock()
        defer { lock.unlock() }
        if listed == nil {
            listed = make!()
            make = nil
        }
        return listed!
    }
}
