import Foundation
import MedSaveCore
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

    /// Four reviewers at once, each recording 100 decisions with `review accept` (a process each), while a fifth
    /// process lists: all 400 are kept (they kept 340–363 when writers gave up after 0.1 s or raced the first
    /// migration), every list succeeds, and SQLite finds the file sound.
    @Test func fourWriterProcessesOf100DecisionsEachKeepAll400() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.sqlite").path
        let binary = BinaryRunner.binary.path
        var processes: [Process] = []
        for writer in 0..<4 {
            let script =
                "for i in $(seq 0 99); do \"$0\" review accept $(printf '%06x%06x' \(writer + 10) $i) "
                + "--reviewer W\(writer) --note \"n $i\" --review-db \"$1\" >/dev/null || exit 1; done"
            processes.append(try Self.shell(script, binary, db))
        }
        let lister = try Self.shell(
            "for i in $(seq 1 40); do \"$0\" review list --review-db \"$1\" >/dev/null 2>>\"$1.err\" || exit 1; done",
            binary, db)
        for p in processes + [lister] { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "every writer succeeded")
        #expect(
            lister.terminationStatus == 0,
            "every concurrent list succeeded: \((try? String(contentsOfFile: db + ".err", encoding: .utf8)) ?? "")")
        let store = try #require(try ReviewStore.reading(path: db))
        let history = try store.history()
        #expect(history.count == 400)
        #expect(Set(history.map(\.sequence)).count == 400 && Set(history.map(\.opportunityID)).count == 400)
        #expect(try store.integrityCheck() == "ok")
    }

    static func shell(_ script: String, _ arguments: String...) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script] + arguments
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Two imports of the same file record it once; a row that fails validation imports nothing at all.
    @Test func importIsOneTransactionAndIdempotent() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.sqlite").path
        let good = Fixtures.write(
            "id,decision,note,reviewer\naaaaaaaaaaa1,accept,ok,A\naaaaaaaaaaa2,reject,no,A\n", named: "good.csv")
        let first = try BinaryRunner.run(["review", "import", "--from", good, "--review-db", db])
        #expect(first.exitCode == 0 && first.stdout.hasPrefix("2 decisions recorded"), "\(first.stderr)")
        let again = try BinaryRunner.run(["review", "import", "--from", good, "--review-db", db])
        #expect(again.stdout.hasPrefix("0 decisions recorded") && again.stdout.contains("2 already recorded"))
        let bad = Fixtures.write(
            "id,decision,note,reviewer\naaaaaaaaaaa3,accept,ok,A\nnot-an-id,accept,x,A\naaaaaaaaaaa4,accept,,\n",
            named: "bad.csv")
        let refused = try BinaryRunner.run(["review", "import", "--from", bad, "--review-db", db])
        #expect(refused.exitCode == 1 && refused.stderr.contains("bad.csv:3:1"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing imported"))
        #expect(try ReviewStore.reading(path: db)?.history().count == 2)
    }

    /// `rank` and `report` read decisions but never create a database; `review list` neither.
    @Test func readingNeverCreatesADatabase() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("none-yet.sqlite").path
        #expect(
            try BinaryRunner.run(["rank", "--dispensing", dispensing, "--catalog", catalogue, "--review-db", db])
                .exitCode == 0)
        let list = try BinaryRunner.run(["review", "list", "--review-db", db])
        #expect(list.exitCode == 0 && list.stdout == "(no decisions)\n")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    /// A database whose schema is newer than this medsave knows is refused and left byte for byte as it was.
    @Test func aNewerSchemaIsRefusedUnchanged() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.sqlite").path
        _ = try ReviewStore(path: db)
        let bump =
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=9'); c.commit()"
        try #require(try Fixtures.python(bump, db) == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let run = try BinaryRunner.run(["review", "accept", "aaaaaaaaaaa1", "--reviewer", "A", "--review-db", db])
        #expect(run.exitCode == 1 && run.stderr.contains("written by a newer medsave (schema 9"), "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
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
    /// A `review import` killed with SIGKILL while it writes leaves all of its decisions or none (one
    /// transaction), a sound file, and the next writer carries on.
    @Test func killedDuringAnImportLeavesAllOrNothing() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.sqlite").path
        let csv = "id,decision,note,reviewer\n" + (0..<20000).map { String(format: "%012x,accept,n,K\n", $0) }.joined()
        let path = dir.appendingPathComponent("many.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        #expect(
            try BinaryRunner.run(["review", "accept", "ffffffffffff", "--reviewer", "Z", "--review-db", db]).exitCode
                == 0)
        let writer = Process()
        writer.executableURL = BinaryRunner.binary
        writer.arguments = ["review", "import", "--from", path, "--review-db", db]
        writer.standardOutput = FileHandle.nullDevice
        try writer.run()
        usleep(150_000)
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        let store = try #require(try ReviewStore.reading(path: db))
        let count = try store.history().count
        #expect(count == 1 || count == 20001, "all or nothing: \(count)")
        #expect(try store.integrityCheck() == "ok")
        let more = try BinaryRunner.run(["review", "accept", "fffffffffffe", "--reviewer", "Z", "--review-db", db])
        #expect(more.exitCode == 0, "\(more.stderr)")
    }
}
