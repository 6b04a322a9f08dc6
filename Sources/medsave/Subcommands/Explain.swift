import ArgumentParser
import Foundation
import MedSaveCore

/// `medsave explain ID`: one opportunity taken apart, month by month and product by product.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take one opportunity apart: per month and product, what was dispensed, the target and the saving.",
        discussion: """
            Give the same inputs and options as the rank that printed the id. For percentile targets it shows \
            every organisation's price per unit in the class and month (a quantile table; a dot chart in HTML), \
            this one marked. The months add up to the ranked saving.
            """)

    @Argument(help: "The opportunity id, as rank prints it.")
    var id: String

    @OptionGroup var input: InputOptions

    @OptionGroup var targeting: TargetOptions
    var target: String { targeting.target }
    var period: String? { targeting.period }
    var asOf: String? { targeting.asOf }

    @Option(help: "Level of the rows: unit, prescriber or class.")
    var level: RankLevel = .unit

    @Flag(help: "The id is of a --by-period row.")
    var byPeriod = false

    @Option(
        help: ArgumentHelp(
            "Only these organisations (one code a line) set a percentile target; all are still ranked.",
            valueName: "path"))
    var peers: String?

    @OptionGroup var safety: SafetyOptions

    @OptionGroup var review: ReviewOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard id.count == 12, id.allSatisfy(\.isHexDigit) else {
            throw ValidationError("\(id): an opportunity id is 12 hex digits, as in rank's id column")
        }
        if level == .area || level == .region {
            throw ValidationError(
                "explain works at levels unit, prescriber and class; explain one of the area's units instead")
        }
        try OptionValues.checkTarget(try OptionValues.target(target), groups: input.groups, peers: peers != nil)
    }

    func run() throws {
        var configuration = RankConfiguration(
            target: try OptionValues.target(target), level: level, periods: try PeriodOption.range(period),
            byPeriod: byPeriod)
        configuration.asOf = try PeriodOption.month(asOf, option: "as-of")
        try Runner.run(
            input: input, organisation: level.organisationColumn, output: output,
            manifest: { inputs in
                try RunManifest.make(
                    command: "explain", input: input, inputs: inputs,
                    more: (peers.map { [(role: "peers", path: $0)] } ?? []) + safety.manifestInputs
                        + review.manifestInputs,
                    options: [
                        ("id", id), ("target", target), ("level", level.rawValue), ("period", period ?? "every period"),
                        ("as-of", asOf ?? "the newest list"), ("by-period", String(byPeriod)),
                        ("peers", peers ?? "every organisation"), ("rules", safety.path ?? "shipped"),
                        ("format", output.resolvedFormat.rawValue),
                    ])
            }
        ) { inputs in
            configuration.target = try OptionValues.loaded(configuration.target)
            configuration.peers = try peers.map { path throws(InputError) in try PeerGroupReader.read(path: path) }
            configuration.rules = try safety.rules()
            configuration.decisions = try review.decisions()
            configuration.threads = input.files.threads ?? ProcessInfo.processInfo.activeProcessorCount
            guard
                let explanation = try Explanation.explain(
                    id: id, data: inputs.dispensing, classifier: inputs.classifier, configuration: configuration)
            else {
                throw InputError(
                    location: nil,
                    message:
                        "\(id.lowercased()): no opportunity with this id and a positive saving in these inputs; give the same inputs and options (--target, --level, --period, --by-period) as the rank that printed it"
                )
            }
            let renderer = ExplainRenderer(explanation, currency: input.resolvedCurrency)
            return (
                renderer.render(output.resolvedFormat), explanation.reconciliation.summaryLines(),
                explanation.reconciliation.isBalanced
            )
        }
    }
}
