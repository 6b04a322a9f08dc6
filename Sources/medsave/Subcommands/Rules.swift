import ArgumentParser
import MedSaveCore

/// `medsave rules`: the safety rules that flag or exclude switches.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Safety rules: export the shipped set to edit, or check a rules file.",
        subcommands: [Export.self, Check.self])

    /// `medsave rules export`: the shipped rules as CSV, to edit and pass back with `rank --rules`.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the shipped safety rules as CSV.")

        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "path"))
        var output: String?

        func run() throws {
            let text = DefaultRules.csv + "\n"
            if let output { try OutputFile.write(text, to: output) } else { Terminal.write(text, to: .standardOutput) }
        }
    }

    /// `medsave rules check PATH`: reads a rules file and says how many rules of each action it has.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a rules file and report what it holds or what is wrong.")

        @Argument(help: "The rules file.")
        var path: String

        func run() throws {
            do {
                let rules = try SafetyRules.read(path: path)
                let counts = SafetyAction.allCases.map { a in
                    "\(rules.rules.filter { $0.action == a }.count) \(a.rawValue)"
                }
                Terminal.write(
                    "\(path): \(rules.rules.count) rules (\(counts.joined(separator: ", ")))\n", to: .standardOutput)
            } catch {
                Diagnostics.emit(error)  // `SafetyRules.read` throws only `InputError`
                throw ExitCode(1)
            }
        }
    }
}
