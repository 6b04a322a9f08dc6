import ArgumentParser
import MedSaveCore

/// `medsave catalog`: look at price lists before using them.
struct Catalog: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect catalogues and price lists.", subcommands: [Stats.self])

    /// `medsave catalog stats`: per month, products, classes and how the PV is set.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Per month: products, classes, and classes with one, several or no PV, or a PV that is not the cheapest."
        )

        @OptionGroup var catalogues: CatalogueOptions
        var catalog: [String] { catalogues.catalog }

        @Flag(help: "Stop at the first input problem.")
        var strict = false

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if catalog.isEmpty { throw ValidationError("give at least one catalogue with --catalog") }
        }

        func run() throws {
            try Runner.run(
                problemsPath: nil, threads: nil, output: output,
                load: { try CatalogueLoader.load(catalog, strict: strict) },
                manifest: { _ in
                    try RunManifest.make(
                        command: "catalog stats", dispensing: nil,
                        inputs: CatalogueOptions.inputs(catalog, role: "catalogue"),
                        options: [("strict", String(strict)), ("format", output.resolvedFormat.rawValue)])
                }
            ) { catalogue in
                (
                    CatalogueStatisticsRenderer.render(
                        CatalogueStatistics.monthly(catalogue), format: output.resolvedFormat), [], true
                )
            }
        }
    }
}
