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

        @OptionGroup var store: ReviewOptions

        func validate() throws {
            if let problem = ReviewRecord.problem(id: id, reviewer: reviewer) { throw ValidationError(problem) }
        }

        func record(_ decision: ReviewDecision) throws {
            try Runner.reportingInputErrors {
                let r = try store.open().record(opportunityID: id, decision: decision, note: note, reviewer: reviewer)
                Terminal.write(
                    "\(r.opportunityID): \(r.decision.rawValue) by \(r.reviewer) at \(r.decidedAt)\n",
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

        @Option(help: ArgumentHelp("The CSV file, with a header line id,decision,note,reviewer.", valueName: "path"))
        var from: String

        func run() throws {
            try Runner.reportingInputErrors {
                let items = try ReviewImportReader.read(path: from)
                let db = try store.open()
                let recorded: [ReviewRecord]
                do { recorded = try db.record(items, skippingRepeats: true) } catch let error as ReviewStoreError {
                    throw InputError(location: nil, message: error.description + "; nothing imported")
                }
                let repeats = items.count - recorded.count
                Terminal.write(
                    "\(recorded.count) decisions recorded in \(db.path)"
                        + (repeats > 0 ? " (\(repeats) already recorded, left as they were)" : "") + "\n",
                    to: .standardOutput)
            }
        }
    }
}
