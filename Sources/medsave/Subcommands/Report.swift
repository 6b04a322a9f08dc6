import ArgumentParser
import Foundation
import MedSaveCore

/// `medsave report`: one self-contained HTML report with charts, and its Markdown twin, for pharmacists or
/// for the budget office.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an HTML report with charts (and a Markdown twin) for pharmacists or the budget office.",
        discussion: """
            The report ranks the opportunities over the window (as 'medsave rank'), charts the saving by ATC group, \
            its concentration in few classes and its course per month, and projects the budget year by scenario \
            with bootstrap intervals and disclosure control (as 'medsave estimate'). The HTML has no scripts and \
            no external resources; it embeds the run manifest. Same inputs and options give the same bytes.
            """)

    @OptionGroup var input: InputOptions

    @Option(help: ArgumentHelp("Who the report is for: pharmacist or budget.", valueName: "audience"))
    var audience: MedSaveCore.Report.Audience = .pharmacist

    @Option(
        help: ArgumentHelp(
            "The HTML file to write; the Markdown twin goes beside it with the extension .md.", valueName: "path.html"))
    var output: String

    @Option(
        help: ArgumentHelp(
            "Write the run manifest (inputs with SHA-256, options, versions, seed, output hashes) as JSON to this file.",
            valueName: "path"))
    var manifest: String?

    @OptionGroup var targeting: TargetOptions
    var target: String { targeting.target }
    var period: String? { targeting.period }
    var asOf: String? { targeting.asOf }

    @Option(
        help: ArgumentHelp(
            "Opportunities to list (default: 50 for pharmacists, 15 for the budget office).", valueName: "n"))
    var top: Int?

    @Option(
        help: ArgumentHelp(
            "Groups of the chart and the estimate: atc1…atc5 (bnf-chapter or bnf-section with --groups bnf).",
            valueName: "level"))
    var by: Breakdown?

    @Option(
        help: ArgumentHelp("The year to project (default: the year after the last month of data).", valueName: "YYYY"))
    var budgetYear: Int?

    @Option(
        help: ArgumentHelp(
            "Shares of the opportunity realised in the estimate, comma-separated.", valueName: "fractions"))
    var uptake = "0.5,0.8,1"

    @Flag(help: "Add month-of-year terms to the estimate's trend (needs 12 months of history).")
    var seasonal = false

    @Option(help: ArgumentHelp("Bootstrap replicates for the 95% intervals; 0 for none.", valueName: "n"))
    var bootstrap = 1000

    @Option(help: ArgumentHelp("Seed of the bootstrap's resampling.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(
        help: ArgumentHelp(
            "Suppress estimate rows based on fewer distinct patients than this (when the data has patient ids); 0 for none.",
            valueName: "n"))
    var suppressBelow = 5

    @Option(
        help: ArgumentHelp(
            "How money is written: si (1 234.56, default), sv (1 234,56) or en (1,234.56).", valueName: "locale"))
    var locale: ReportLocale = .si

    @OptionGroup var safety: SafetyOptions

    @OptionGroup var review: ReviewOptions

    @Flag(help: "Leave opportunities already accepted or rejected out of the list (deferred ones stay).")
    var hideDecided = false

    func validate() throws {
        guard output.hasSuffix(".html") || output.hasSuffix(".htm") else {
            throw ValidationError("--output \(output): the report is HTML; give a path ending in .html")
        }
        let rule = try OptionValues.target(target)
        try OptionValues.checkTarget(rule, groups: input.groups)
        try OptionValues.refuseList([rule], command: "report")
        let allowed: [Breakdown] =
            input.groups == .bnf ? [.bnfChapter, .bnfSection] : [.atc1, .atc2, .atc3, .atc4, .atc5]
        if let by, !allowed.contains(by) {
            throw ValidationError("--by \(by.rawValue): expected " + allowed.map(\.rawValue).joined(separator: ", "))
        }
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
        _ = try OptionValues.uptakes(uptake)
        try OptionValues.checkEstimate(budgetYear: budgetYear, bootstrap: bootstrap, suppressBelow: suppressBelow)
        _ = try PeriodOption.range(period)
    }

    private var groupBy: Breakdown { by ?? (input.groups == .bnf ? .bnfChapter : .atc1) }
    private var listed: Int { top ?? (audience == .pharmacist ? 50 : 15) }
    /// The Markdown twin's path: the HTML path with `.md` for its extension.
    var markdownPath: String { (output as NSString).deletingPathExtension + ".md" }

    /// Every option with the value it took, for the manifest.
    func manifestOptions(budgetYear year: Int?) -> [(name: String, value: String)] {
        [
            ("audience", audience.rawValue), ("target", target), ("period", period ?? "every period"),
            ("as-of", asOf ?? "the newest list"), ("locale", locale.rawValue),
            ("currency", input.resolvedCurrency), ("top", String(listed)), ("by", groupBy.rawValue),
            ("budget-year", year.map(String.init) ?? "none"),
            ("uptake", uptake), ("seasonal", String(seasonal)), ("bootstrap", String(bootstrap)),
            ("seed", String(seed)),
            ("suppress-below", String(suppressBelow)), ("rules", safety.path ?? "shipped"),
            ("review-db", review.reviewDB == "none" ? "none" : review.path), ("hide-decided", String(hideDecided)),
            ("output", output), ("markdown", markdownPath),
        ]
    }

    func run() throws {
        let rule = try OptionValues.target(target)
        let periods = try PeriodOption.range(period)
        let inputConfiguration = try input.configuration(organisation: .unit)
        try Runner.run(
            problemsPath: input.problems, threads: input.files.threads, output: output, manifestPath: manifest,
            load: {
                let inputs = try LoadedInputs.load(inputConfiguration, progress: Progress.report)
                return (inputs, inputs.problems)
            }
        ) { (inputs: LoadedInputs) in
            var c = ReportConfiguration(audience: audience, target: rule, top: listed, by: groupBy)
            c.periods = periods
            c.asOf = try PeriodOption.month(asOf, option: "as-of")
            c.budgetYear = budgetYear
            c.uptakes = try OptionValues.uptakes(uptake)
            c.seasonal = seasonal
            c.bootstrap = bootstrap
            c.seed = seed
            c.suppressBelow = suppressBelow
            c.rules = try safety.rules()
            c.decisions = try review.decisions()
            c.hideDecided = hideDecided
            c.threads = input.files.threads ?? ProcessInfo.processInfo.activeProcessorCount
            c.priceLists = input.catalog
            c.rulesSource = safety.path ?? "shipped with medsave"
            c.reviewSource = review.manifestInputs.first?.path
            c.periodAsked = period
            let (report, byMonth) = try MedSaveCore.Report.build(
                inputs.dispensing, classifier: inputs.classifier, catalogue: inputs.catalogue, configuration: c)
            let ranking = report.ranking, estimate = report.estimate
            let year = budgetYear ?? MedSaveCore.Report.defaultBudgetYear(ranking)
            let embedded = try RunManifest.make(
                command: "report", input: input, inputs: inputs, more: safety.manifestInputs + review.manifestInputs,
                options: manifestOptions(budgetYear: year), seed: estimate != nil && bootstrap > 0 ? seed : nil)
            let renderer = ReportRenderer(
                report, manifest: embedded, currency: input.resolvedCurrency, locale: locale)
            let html = renderer.html(), markdown = renderer.markdown()
            var summary = renderer.summaryLines()
            summary.append("report: \(audience.rawValue) report written to \(output) and \(markdownPath)")
            return Runner.Outcome(
                text: html, summary: summary,
                balanced: ranking.reconciliation.isBalanced && byMonth.reconciliation.isBalanced
                    && (estimate?.reconciliation.isBalanced ?? true),
                files: [(path: markdownPath, role: "markdown", text: markdown)], manifest: embedded)
        }
    }
}

extension MedSaveCore.Report.Audience: ExpressibleByArgument {}
