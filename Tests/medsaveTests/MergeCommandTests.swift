import Foundation
import MedSaveTestSupport
import Testing

/// `rank --partial` on separate months, then `medsave merge`: the ranking of one run over every row, byte for
/// byte; and the merges that cannot be exact refused.
@Suite("medsave merge, end to end")
struct MergeCommandTests {
    /// The bundled data without its patient column (partials do not carry patients), and its two halves.
    static let halves: (whole: String, first: String, second: String) = {
        let text = try! ReferenceRanking.gunzip(Fixtures.path("../../datasets/dispensing.csv.gz"))
        var lines = text.split(separator: "\n").map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { $0.offset != 3 }
                .map(\.element).joined(separator: ",")
        }
        let header = lines.removeFirst()
        #expect(header == "period,unit,prescriber,product,quantity,cost,items,substitution_allowed")
        func file(_ name: String, _ rows: [String]) -> String {
            Fixtures.write(([header] + rows).joined(separator: "\n") + "\n", named: name)
        }
        return (
            file("merge-whole.csv", lines), file("merge-first.csv", lines.filter { $0 < "2025-07" }),
            file("merge-second.csv", lines.filter { $0 >= "2025-07" })
        )
    }()

    static let catalogue = "datasets/catalogue.csv"

    func partial(_ dispensing: String, _ extra: [String] = []) throws -> String {
        let path = Fixtures.temporaryDirectory().appendingPathComponent("p.jsonl").path
        let run = try BinaryRunner.run(
            ["rank", "--partial", "--dispensing", dispensing, "--catalog", Self.catalogue, "--output", path] + extra)
        #expect(run.exitCode == 0, "\(run.stderr)")
        return path
    }

    /// What the rows are computed with (given to the runs and to the merge), and what only lists them.
    @Test(arguments: [
        (["--target", "pv"], [String]()), (["--target", "p10", "--level", "class"], ["--min-saving", "0"]),
        (["--target", "cheapest", "--level", "prescriber"], ["--by-period", "--show-blocked", "--top", "50"]),
    ])
    func partialsOfTwoHalvesMergeAsOneRun(computed: [String], listing: [String]) throws {
        let first = try partial(Self.halves.first, computed), second = try partial(Self.halves.second, computed)
        let options = computed + listing + ["--format", "csv"]
        let once = try BinaryRunner.run(
            ["rank", "--dispensing", Self.halves.whole, "--catalog", Self.catalogue] + options)
        let merged = try BinaryRunner.run(["merge", second, first, "--catalog", Self.catalogue] + options)
        #expect(merged.exitCode == 0, "\(merged.stderr)")
        #expect(once.stdout.count > 1000)
        #expect(merged.stdout == once.stdout)
        #expect(merged.stderr == "medsave: note: merged: 2 files, 12 months\n" + once.stderr, "the books add up")
    }

    @Test func mergesThatCannotBeExactAreRefused() throws {
        let first = try partial(Self.halves.first), whole = try partial(Self.halves.whole)
        let overlap = try BinaryRunner.run(["merge", first, whole, "--catalog", Self.catalogue, "--format", "csv"])
        #expect(overlap.exitCode == 1 && overlap.stdout.isEmpty)
        #expect(overlap.stderr.contains("both have 2025-01: each month of a merge is in one file"), "\(overlap.stderr)")
        let target = try BinaryRunner.run(["merge", first, "--catalog", Self.catalogue, "--target", "cheapest"])
        #expect(target.exitCode == 1 && target.stdout.isEmpty)
        #expect(target.stderr.contains("the partial of 2025-01 was made with target pv, merged with target cheapest"))
        let rules = try BinaryRunner.run(["merge", first, "--catalog", Self.catalogue, "--rules", "none"])
        #expect(rules.exitCode == 1 && rules.stderr.contains("was made with rules"))
        // A file cut short, and one whose line is not a partial.
        let text = try String(contentsOfFile: first, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let cut = Fixtures.write(lines.prefix(3).joined(separator: "\n") + "\n", named: "cut.jsonl")
        let short = try BinaryRunner.run(["merge", cut, "--catalog", Self.catalogue])
        #expect(short.exitCode == 1 && short.stderr.contains("ends after 2 of the 6 months its header names"))
        let broken = Fixtures.write(
            lines.prefix(2).joined(separator: "\n") + "\n{\"month\": 3}\n", named: "broken.jsonl")
        let bad = try BinaryRunner.run(["merge", broken, "--catalog", Self.catalogue])
        #expect(
            bad.exitCode == 1 && bad.stderr.contains("broken.jsonl:3:1: error: not a medsave partial"), "\(bad.stderr)")
        let csv = try BinaryRunner.run(["merge", Self.halves.first, "--catalog", Self.catalogue])
        #expect(csv.exitCode == 1 && csv.stderr.contains("merge-first.csv:1:1: error: not a medsave partial"))
    }
}
