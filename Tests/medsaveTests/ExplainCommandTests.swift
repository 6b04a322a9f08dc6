import Foundation
import MedSaveTestSupport
import Testing

/// `medsave explain`, end to end: goldens for a list target and a percentile target (HTML with its chart).
@Suite("medsave explain, end to end")
struct ExplainCommandTests {
    let pv = ["--dispensing", dispensing, "--catalog", catalogue, "--rules", "none"]
    let p10 = [
        "--dispensing", "Tests/Fixtures/epd-small.csv", "--preset", "epd", "--groups", "bnf", "--swaps",
        "Tests/Fixtures/swaps-small.csv", "--target", "p10",
    ]

    /// The id of rank's row `row` (1-based) for these options.
    func id(_ options: [String], row: Int) throws -> String {
        let run = try BinaryRunner.run(["rank"] + options + ["--format", "csv"])
        return String(run.stdout.split(separator: "\n")[row].split(separator: ",")[1])
    }

    @Test(arguments: [("table", "explain-pv.txt"), ("json", "explain-pv.json"), ("html", "explain-pv.html")])
    func aListTargetMatchesItsGoldenFile(format: String, golden: String) throws {
        let run = try BinaryRunner.run(["explain", try id(pv, row: 1)] + pv + ["--format", format])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(Golden.check(run.stdout, against: golden) == nil)
    }

    @Test(arguments: [("table", "explain-p10.txt"), ("html", "explain-p10.html")])
    func aPercentileTargetShowsThePeersAndMatchesItsGoldenFile(format: String, golden: String) throws {
        let run = try BinaryRunner.run(["explain", try id(p10, row: 2)] + p10 + ["--format", format])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(Golden.check(run.stdout, against: golden) == nil)
        if format == "html" {
            #expect(run.stdout.contains("<svg") && run.stdout.contains("Dot chart of 4 organisations"))
        } else {
            #expect(run.stdout.contains("this one (P4)"))
        }
    }

    @Test func anIdTheseInputsDoNotHaveIsAClearError() throws {
        let run = try BinaryRunner.run(["explain", "0123456789ab"] + pv)
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("0123456789ab: no opportunity with this id"), "\(run.stderr)")
        let malformed = try BinaryRunner.run(["explain", "xyz"] + pv)
        #expect(malformed.exitCode == 64)
    }
}
