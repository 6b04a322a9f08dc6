import ArgumentParser

/// The root command only lists the subcommands; each lives in its own file under Subcommands/.
@main
struct MedSave: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "medsave",
        abstract: "Find where switching to a cheaper interchangeable medicine would save money, and how much.",
        discussion: """
            Exit codes: 0 success (recoverable input problems are reported and reconciled), \
            1 a data problem stopped the run, 64 wrong usage.
            """,
        version: version,
        subcommands: [
            Rank.self, Merge.self, Explain.self, Estimate.self, Impact.self, Report.self, Review.self, Catalog.self,
            Rules.self,
        ]
    )
}
