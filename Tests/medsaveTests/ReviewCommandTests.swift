import Foundation
import MedSaveTestSupport
import Testing

@Suite("medsave review, end to end")
struct ReviewCommandTests {
    @Test func decisionsShowInRankAndHideDecidedLeavesThemOut() throws {
        let db = Fixtures.temporaryDirectory().appendingPathComponent("r.sqlite").path
        let base = [
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "json", "--rules", "none",
            "--review-db", db,
        ]
        let first = try BinaryRunner.run(base)
        #expect(first.exitCode == 0, "\(first.stderr)")
        let ids = first.stdout.components(separatedBy: "\"id\": \"").dropFirst().map { String($0.prefix(12)) }
        #expect(ids.count == 2)
        let accept = try BinaryRunner.run([
            "review", "accept", ids[0], "--reviewer", "A", "--note", "ok", "--review-db", db,
        ])
        #expect(accept.exitCode == 0 && accept.stdout.hasPrefix("\(ids[0]): accept by A at "))
        let deferred = try BinaryRunner.run(["review", "defer", ids[1], "--reviewer", "B", "--review-db", db])
        #expect(deferred.exitCode == 0)
        let shown = try BinaryRunner.run(base)
        #expect(shown.stdout.contains("\"decision\": \"accept\"") && shown.stdout.contains("\"decision\": \"defer\""))
        let hidden = try BinaryRunner.run(base + ["--hide-decided"])
        #expect(hidden.stdout.contains("\"opportunities_listed\": 1"), "the deferred one stays")
        #expect(hidden.stderr.contains("review: 1 accepted or rejected opportunities hidden"))
    }

    @Test func twoProcessesWriting200DecisionsEachLeave400() throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(try BinaryRunner.run(["review", "list", "--review-db", db]).exitCode == 0)
        var processes: [Process] = []
        for writer in ["A", "B"] {
            let csv =
                "id,decision,note,reviewer\n"
                + (0..<200).map { i in
                    let id = String(format: "%06x%06x", writer == "A" ? 0xA : 0xB, i)
                    return "\(id),\(["accept", "reject", "defer"][i % 3]),note \(i),\(writer)\n"
                }.joined()
            let path = dir.appendingPathComponent("\(writer).csv").path
            try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
            let p = Process()
            p.executableURL = BinaryRunner.binary
            p.arguments = ["review", "import", "--from", path, "--review-db", db]
            p.standardOutput = FileHandle.nullDevice
            processes.append(p)
        }
        for p in processes { try p.run() }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let export = try BinaryRunner.run(["review", "export", "--format", "csv", "--review-db", db])
        let lines = export.stdout.split(separator: "\n").dropFirst()
        #expect(lines.count == 400)
        #expect(Set(lines.map { $0.split(separator: ",")[0] }).count == 400, "sequence numbers are unique")
    }

    @Test func aGarbageDatabaseGivesAClearErrorAndExitCode1() throws {
        let path = Fixtures.write("garbage", named: "g.sqlite")
        let run = try BinaryRunner.run(["review", "list", "--review-db", path])
        #expect(run.exitCode == 1 && !run.signalled)
        #expect(run.stderr.hasPrefix("medsave: error: \(path): not a medsave review database, or it is corrupt"))
        let rank = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--review-db", path,
        ])
        #expect(rank.exitCode == 1 && rank.stderr.contains("not a medsave review database"))
    }

    @Test func badIdsAndMissingReviewersAreUsageErrors() throws {
        #expect(try BinaryRunner.run(["review", "accept", "nothex", "--reviewer", "A"]).exitCode == 64)
        #expect(try BinaryRunner.run(["review", "accept", "aaaaaaaaaaaa"]).exitCode == 64)
    }
}

@Suite("Review store survives a killed writer")
struct ReviewKillTests {
    /// A `review import` killed mid-way leaves a readable database holding whole decisions only, and the next
    /// writer carries on.
    @Test func killedDuringWritesLeavesAUsableDatabase() throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        let csv = "id,decision,note,reviewer\n" + (0..<20000).map { String(format: "%012x,accept,n,K\n", $0) }.joined()
        let path = dir.appendingPathComponent("many.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        #expect(try BinaryRunner.run(["review", "list", "--review-db", db]).exitCode == 0)
        let writer = Process()
        writer.executableURL = BinaryRunner.binary
        writer.arguments = ["review", "import", "--from", path, "--review-db", db]
        writer.standardOutput = FileHandle.nullDevice
        try writer.run()
        // Kill it once some decisions are in, while it is still writing.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let count =
                try BinaryRunner.run(["review", "export", "--review-db", db]).stdout.split(separator: "\n").count - 1
            if count >= 50 { break }
            usleep(20_000)
        }
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal, "the writer was still running when killed")
        let after = try BinaryRunner.run(["review", "export", "--review-db", db])
        #expect(after.exitCode == 0, "\(after.stderr)")
        let lines = after.stdout.split(separator: "\n").dropFirst()
        #expect(lines.count >= 50 && lines.count < 20000)
        #expect(lines.allSatisfy { $0.split(separator: ",").count == 6 }, "only whole decisions")
        let more = try BinaryRunner.run(["review", "accept", "ffffffffffff", "--reviewer", "Z", "--review-db", db])
        #expect(more.exitCode == 0, "\(more.stderr)")
    }
}
