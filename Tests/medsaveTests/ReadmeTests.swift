import Foundation
import MedSaveTestSupport
import Testing

/// Every `$ medsave …` command in a ```console block of README.md is run; it must exit 0 and print every line
/// the README shows after it (on standard output or standard error), so the documentation cannot rot.
@Suite("README examples run")
struct ReadmeTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var command: String
        var expected: [String]
        var testDescription: String { command }
    }

    static let examples: [Example] = {
        let text = try! String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var examples: [Example] = []
        var inConsole = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                inConsole = line == "```console"
                continue
            }
            guard inConsole else { continue }
            if line.hasPrefix("$ medsave ") {
                examples.append(Example(command: String(line.dropFirst(2)), expected: []))
            } else if !line.isEmpty, !examples.isEmpty {
                examples[examples.count - 1].expected.append(line)
            }
        }
        return examples
    }()

    @Test func readmeHasExamples() {
        #expect(examples.count >= 3)
    }

    @Test(arguments: examples)
    func exampleRunsAsShown(example: Example) throws {
        let arguments = example.command.split(separator: " ").dropFirst().map(String.init)
        let run = try BinaryRunner.run(arguments)
        #expect(run.exitCode == 0, "\(example.command)\n\(run.stderr)")
        let printed = Set((run.stdout + run.stderr).components(separatedBy: "\n"))
        for line in example.expected {
            #expect(printed.contains(line), "README shows a line the command did not print: \(line)")
        }
    }
}

extension ReadmeTests {
    var examples: [Example] { Self.examples }
}
