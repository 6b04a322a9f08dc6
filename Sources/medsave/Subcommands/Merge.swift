import ArgumentParser
import Foundation
import MedSaveCore

/// `medsave merge`: the partials of separate runs (other months, other machines) folded into one window's
/// ranking, exactly as one run over all their rows would rank it.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the partials of separate rank runs (rank --partial) into one ranking.",
        discussion: """
            Each partial holds every row of its months exactly (quantity, cost, saving, blocked saving, Σ Q·T, \
            flags); the months of all the files are folded oldest first, so the result is the ranking of one run \
            over every row, byte for byte (patient counts aside: partials do not carry patients). Give the same \
            --target, --level, --rules, --areas, --peers and --period as the runs: partials made otherwise, and \
            files with a month in common, are refused. The catalogue names the products and gives the advice.
            """)

    @Argument(
        help: ArgumentHelp("Partial files written by 'medsave rank --partial' (plain or gzip).", valueName: "path"))
    var partials: [String] = []

    @OptionGroup var catalogues: CatalogueOptions

    @Option(
        help: ArgumentHelp(
            "As for rank: classes from the catalogue (default) or from BNF codes (bnf).", valueName: "source"))
    var groups: InputOptions.GroupSource = .catalog

    @Option(help: ArgumentHelp("With --groups bnf: the formulation-swaps CSV the runs used.", valueName: "path"))
    var swaps: String?

    @Option(
        name: .customLong("bnf-codes"), help: ArgumentHelp("With --groups bnf: the BNF code table.", valueName: "path"))
    var bnfCodes: String?

    @Option(
        help: ArgumentHelp("The currency of the costs (default: GBP with --groups bnf, else SEK).", valueName: "code"))
    var currency: String?

    @Option(help: ArgumentHelp("Threads for the numeric core (default: every core).", valueName: "n"))
    var threads: Int?

    @OptionGroup var options: RankOptions

    func validate() throws {
        if partials.isEmpty { throw ValidationError("give the partial files to merge") }
        if catalogues.catalog.isEmpty && groups == .catalog {
            throw ValidationError("give the catalogue the runs used with --catalog, or --groups bnf")
        }
        let configuration = try options.rankConfiguration()
        try OptionValues.checkTarget(configuration.target, groups: groups, peers: options.peers != nil)
    }

    func run() throws {
        let configuration = try options.rankConfiguration()
        let readers = try Runner.reportingInputErrors { try Self.ordered(partials) }
        let inputs = InputConfiguration(
            dispensingPaths: [], cataloguePaths: catalogues.catalog,
            read: DispensingReadOptions(organisation: configuration.level.organisationColumn),
            grouping: groups == .bnf ? .bnf(swaps: swaps, codes: bnfCodes) : .catalogue)
        try Runner.run(
            problemsPath: nil, threads: threads, output: options.output.output, manifestPath: options.output.manifest,
            load: {
                let loaded = try LoadedInputs.load(inputs, progress: Progress.report)
                return (loaded, loaded.problems)
            }
        ) { loaded in
            var months: [() throws -> RankPartial] = []
            for reader in readers {
                for _ in reader.months {
                    months.append {
                        guard let partial = try reader.next() else {
                            preconditionFailure("the header's months were counted")
                        }
                        return partial
                    }
                }
            }
            let result = try Ranking.merge(
                months, classifier: loaded.classifier,
                configuration: try options.loaded(configuration, threads: threads))
            let (text, summary, balanced) = options.rendered(
                result, currency: currency?.uppercased() ?? (groups == .bnf ? "GBP" : "SEK"))
            let manifest =
                options.output.manifest == nil
                ? nil
                : try RunManifest.make(
                    command: "merge", dispensing: nil,
                    inputs: partials.map { (role: "partial", path: $0) }
                        + CatalogueOptions.inputs(catalogues.catalog, role: "catalogue") + options.manifestInputs,
                    options: options.manifestOptions)
            return Runner.Outcome(
                text: text, summary: ["merged: \(partials.count) files, \(months.count) months"] + summary,
                balanced: balanced, manifest: manifest)
        }
    }

    /// The files opened and ordered by their first month; two files with a month in common are refused.
    static func ordered(_ paths: [String]) throws(InputError) -> [PartialReader] {
        var readers: [PartialReader] = []
        for path in paths { readers.append(try PartialReader(path: path)) }
        readers.sort { $0.months[0] < $1.months[0] }
        for (a, b) in zip(readers, readers.dropFirst()) where a.months.last! >= b.months.first! {
            let overlap =
                Set(a.months).intersection(b.months).min().map { "both have \($0)" }
                ?? "have months between each other's (\(a.months.first!)..\(a.months.last!))"
            throw InputError(
                location: nil, message: "\(b.path) and \(a.path) \(overlap): each month of a merge is in one file",
                hint: "merge runs over different months")
        }
        return readers
    }
}
