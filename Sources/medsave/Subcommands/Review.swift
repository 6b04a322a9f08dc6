import ArgumentParser
import Foundation
import MedSaveCore

/// `medsave review`: record and look up pharmacists' decisions on opportunities (by the ids `rank` prints).
struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record, list and export review decisions on opportunities.",
        subcommands: [Accept.self, Reject.self, Defer.self, List.self, Export.self, Import.self])

    struct DecisionArguments: ParsableArguments {
        @Argument(help: "The opportunity id, as rank prints it.")
        var id: String

        @Option(help: "Why, in a few words.")
        var note = ""

        @Option(help: "Who decided.")
        var reviewer: String

        @Flag(help: "Record it even though no run recorded in this database has shown the id.")
        var force = false

        @OptionGroup var store: ReviewOptions

        func validate() throws {
            if let problem = ReviewRecord.problem(id: id, reviewer: reviewer) { throw ValidationError(problem) }
        }

        /// Records the decision, with what the latest run showed of the id. An id that no run recorded here has
        /// shown is refused without `--force` (a typo, or an id from another database); when no run has recorded
        /// anything yet, it is recorded with a warning.
        func record(_ decision: ReviewDecision) throws {
            try Runner.reportingInputErrors {
                let db = try store.open()
                let shown = try db.shown(id: id)
                if shown == nil && !force {
                    if try db.shownCount() > 0 {
                        throw InputError(
                            location: nil,
                            message:
                                "\(id.lowercased()): no run recorded in \(db.path) has shown this opportunity; check the id (rank --review-db \(db.path) records what it shows), or record it anyway with --force"
                        )
                    }
                    Diagnostics.emit(
                        .warning,
                        "\(id.lowercased()): not checked against a run, as none is recorded in \(db.path) yet "
                            + "(rank --review-db \(db.path) records what it shows)")
                }
                let r = try db.record(opportunityID: id, decision: decision, note: note, reviewer: reviewer)
                let context =
                    r.context.map { " (saving \(NumberFormat.fixed($0.saving, decimals: 2)), \($0.window))" } ?? ""
                Terminal.write(
                    "\(r.opportunityID): \(r.decision.rawValue) by \(r.reviewer) at \(r.decidedAt)\(context)\n",
                    to: .standardOutput)
            }
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept the switch an opportunity suggests.")
        @OptionGroup var arguments: DecisionArguments
        func run() throws { try arguments.record(.accept) }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject it: the next runs can hide it.")
        @OptionGroup var arguments: DecisionArguments
        func run() throws { try arguments.record(.reject) }
    }

    struct Defer: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Look at it again later: it stays in the ranking.")
        @OptionGroup var arguments: DecisionArguments
        func run() throws { try arguments.record(.defer) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The current decision for each opportunity.")
        @OptionGroup var store: ReviewOptions

        func run() throws {
            try Runner.reportingInputErrors {
                let latest = try (store.openForReading()?.latest() ?? [:]).values.sorted {
                    $0.opportunityID < $1.opportunityID
                }
                var out = ""
                for r in latest {
                    out +=
                        "\(r.opportunityID)  \(r.decision.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0))  \(r.decidedAt)  \(r.reviewer)"
                        + (r.note.isEmpty ? "" : "  \(r.note)") + "\n"
                }
                Terminal.write(latest.isEmpty ? "(no decisions)\n" : out, to: .standardOutput)
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every decision ever recorded, oldest first.")
        @OptionGroup var store: ReviewOptions

        @Option(help: "csv or json.")
        var format: OutputFormat = .csv

        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "path"))
        var output: String?

        func validate() throws {
            guard format == .csv || format == .json else { throw ValidationError("--format: csv or json") }
        }

        func run() throws {
            try Runner.reportingInputErrors {
                let text = ReviewRenderer.render(try store.openForReading()?.history() ?? [], format: format)
                if let output {
                    try OutputFile.write(text, to: output)
                } else {
                    Terminal.write(text, to: .standardOutput)
                }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Record many decisions from a CSV file (id, decision, note, reviewer) in one transaction: all or none; "
                + "rows equal to an id's current decision are not recorded again.")
        @OptionGroup var store: ReviewOptions

        @Option(
            help: ArgumentHelp(
                "The CSV file: review export's, or rank's CSV or excel-csv with the decision column filled in.",
                valueName: "path"))
        var from: String

        @Option(help: ArgumentHelp("Who decided, for rows without a reviewer.", valueName: "name"))
        var reviewer: String?

        func run() throws {
            try Runner.reportingInputErrors {
                let read = try ReviewImportReader.read(path: from, reviewer: reviewer)
                let items = read.items
                let db = try store.open()
                let recorded: [ReviewRecord]
                do { recorded = try db.record(items, skippingRepeats: true) } catch let error as ReviewStoreError {
                    throw InputError(location: nil, message: error.description + "; nothing imported")
                }
                let repeats = items.count - recorded.count
                Terminal.write(
                    "\(recorded.count) decisions recorded in \(db.path)"
                        + (repeats > 0 ? " (\(repeats) already recorded, left as they were)" : "")
                        + (read.undecided > 0 ? "; \(read.undecided) rows without a decision skipped" : "") + "\n",
                    to: .standardOutput)
            }
        }
    }
}
