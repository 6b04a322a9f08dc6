import ArgumentParser
import Foundation
import MedSaveCore

/// What `rank` and `merge` share: the target, level and rules the rows are computed with, and what is listed
/// of them and how.
struct RankOptions: ParsableArguments {
    @OptionGroup var targeting: TargetOptions
    var target: String { targeting.target }
    var period: String? { targeting.period }
    var asOf: String? { targeting.asOf }

    @Option(
        help: ArgumentHelp(
            "Level of the rows: unit, prescriber, area, region or class (one row per class, with the units saving most).",
            valueName: "level"))
    var level: RankLevel = .unit

    @Option(
        help: ArgumentHelp(
            "With --level area or region: a CSV of unit,area (and region) grouping the care units.", valueName: "path"))
    var areas: String?

    @Option(
        name: .customLong("class"),
        help: ArgumentHelp("List only this class (as in the class column, e.g. 111026/T23).", valueName: "class"))
    var onlyClass: String?

    @Option(
        name: .customLong("unit"),
        help: ArgumentHelp("List only this care unit (or prescriber, or all).", valueName: "code"))
    var onlyKey: String?

    @Option(name: .customLong("id"), help: ArgumentHelp("List only the opportunity with this id.", valueName: "id"))
    var onlyID: String?

    @Flag(help: "One row per month instead of one per window.")
    var byPeriod = false

    @Option(
        help: ArgumentHelp(
            "List only rows saving at least this much (default 10 at levels unit and prescriber, 200 at area, region and class; totals count every row).",
            valueName: "amount"))
    var minSaving: Double?

    @Option(help: ArgumentHelp("List at most this many rows.", valueName: "n"))
    var top: Int?

    @Option(
        help: ArgumentHelp(
            "Only these organisations (one code a line) set a percentile target; all are still ranked.",
            valueName: "path"))
    var peers: String?

    @OptionGroup var safety: SafetyOptions

    @Flag(help: "Also list opportunities that safety rules exclude, with the reasons.")
    var showExcluded = false

    @Flag(help: "CSV and table: list the saving blocked by do-not-substitute flags, per unit and prescriber.")
    var showBlocked = false

    @OptionGroup var review: ReviewOptions

    @Flag(help: "Leave out opportunities already accepted or rejected in the review database (deferred ones stay).")
    var hideDecided = false

    @OptionGroup var output: OutputOptions

    /// The codes in the peers file, when one is given.
    func peerCodes() throws -> Set<String>? {
        try peers.map { path throws(InputError) in try PeerGroupReader.read(path: path) }
    }

    /// The options as a library-level configuration.
    func rankConfiguration() throws -> RankConfiguration {
        let rule = try OptionValues.target(target)
        let periods = try PeriodOption.range(period)
        let minSaving = self.minSaving ?? level.defaultMinSaving
        guard minSaving.isFinite, minSaving >= 0 else { throw ValidationError("--min-saving must be 0 or more") }
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
        if (level == .area || level == .region) && areas == nil {
            throw ValidationError("--level \(level) needs --areas PATH (unit,area[,region])")
        }
        if areas != nil && !(level == .area || level == .region) {
            throw ValidationError("--areas applies to --level area and --level region")
        }
        var configuration = RankConfiguration(
            target: rule, level: level, periods: periods, byPeriod: byPeriod, minSaving: minSaving, top: top)
        configuration.asOf = try PeriodOption.month(asOf, option: "as-of")
        configuration.onlyClass = onlyClass.map(EquivalenceClass.init(text:))
        configuration.onlyKey = onlyKey
        configuration.onlyID = onlyID
        return configuration
    }

    /// Every option with the value it took, for the manifest.
    var manifestOptions: [(name: String, value: String)] {
        [
            ("target", target), ("level", level.rawValue), ("period", period ?? "every period"),
            ("as-of", asOf ?? "the newest list"), ("class", onlyClass ?? "every class"),
            ("unit", onlyKey ?? "every unit"), ("id", onlyID ?? "every id"),
            ("by-period", String(byPeriod)),
            ("min-saving", minSaving.map { String($0) } ?? "\(level.defaultMinSaving) (default for the level)"),
            ("areas", areas ?? "none"), ("top", top.map(String.init) ?? "all"),
            ("peers", peers ?? "every organisation"),
            ("rules", safety.path ?? "shipped"), ("show-excluded", String(showExcluded)),
            ("show-blocked", String(showBlocked)),
            ("review-db", review.path), ("hide-decided", String(hideDecided)),
            ("format", output.resolvedFormat.rawValue),
        ]
    }

    /// Files beyond the dispensing files and catalogues that the run read.
    var manifestInputs: [(role: String, path: String)] {
        (peers.map { [(role: "peers", path: $0)] } ?? []) + (areas.map { [(role: "areas", path: $0)] } ?? [])
            + safety.manifestInputs + review.manifestInputs
    }

    /// Completes the configuration with what the side files say, to run on `threads` threads.
    func loaded(_ configuration: RankConfiguration, threads: Int?) throws -> RankConfiguration {
        var configuration = configuration
        configuration.target = try OptionValues.loaded(configuration.target)
        configuration.peers = try peerCodes()
        configuration.areas = try areas.map { path throws(InputError) in try AreaMap.read(path: path) }
        configuration.rules = try safety.rules()
        configuration.decisions = try review.decisions()
        configuration.hideDecided = hideDecided
        configuration.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        return configuration
    }

    /// The result as text in the chosen format, with the summary, and the rows shown recorded as seen.
    func rendered(_ result: RankResult, currency: String) -> (text: String, summary: [String], balanced: Bool) {
        let renderer = RankRenderer(result, showExcluded: showExcluded, showBlocked: showBlocked, currency: currency)
        let recorded = review.recordShown(result.opportunities + result.excluded, level: result.configuration.level)
        return (
            renderer.render(output.resolvedFormat), renderer.summaryLines() + (recorded.map { [$0] } ?? []),
            result.reconciliation.isBalanced
        )
    }
}
