import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

@Suite("Review store")
struct ReviewStoreTests {
    func freshPath() -> String { Fixtures.temporaryDirectory().appendingPathComponent("review.sqlite").path }

    @Test func theLatestDecisionPerOpportunityIsCurrentAndHistoryIsKept() throws {
        let store = try ReviewStore(path: freshPath())
        let t = Date(timeIntervalSince1970: 1_760_000_000)
        try store.record(opportunityID: "aaaaaaaaaaaa", decision: .defer, note: "ask the unit", reviewer: "A", at: t)
        try store.record(opportunityID: "bbbbbbbbbbbb", decision: .reject, note: "", reviewer: "B", at: t)
        try store.record(
            opportunityID: "aaaaaaaaaaaa", decision: .accept, note: "agreed", reviewer: "A",
            at: t.addingTimeInterval(60))
        let latest = try store.latest()
        #expect(latest["aaaaaaaaaaaa"]?.decision == .accept)
        #expect(latest["aaaaaaaaaaaa"]?.decidedAt == "2025-10-09T08:54:20Z")
        #expect(latest["bbbbbbbbbbbb"]?.decision == .reject)
        #expect(try store.history().map(\.sequence) == [1, 2, 3])
    }

    @Test func reopeningKeepsDecisionsAndTheSchemaVersion() throws {
        let path = freshPath()
        try ReviewStore(path: path).record(opportunityID: "cccccccccccc", decision: .accept, note: "", reviewer: "C")
        #expect(try ReviewStore(path: path).history().count == 1)
        #expect(ReviewStore.schemaVersion == 2)
    }

    @Test func aGarbageFileIsAClearErrorNotACrash() throws {
        let path = Fixtures.write(
            "this is not a database, just text\n" + String(repeating: "x", count: 5000), named: "garbage.sqlite")
        do {
            _ = try ReviewStore(path: path).latest()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("\(path): not a medsave review database, or it is corrupt"))
        }
    }

    @Test func anotherApplicationsSQLiteFileIsRefusedAndLeftAlone() throws {
        let path = freshPath()
        try #require(
            try Fixtures.python(
                "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()",
                path) == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: ReviewStoreError.self) { _ = try ReviewStore(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    /// A reader looking while a store is being created sees no database, an empty one or a marked one, never
    /// tables without the mark (GRDB commits its `grdb_migrations` table before the first migration runs, and a
    /// reader then took the file for another application's): one thread reads in a loop while another creates,
    /// on 20 fresh files.
    @Test func aReaderWhileTheStoreIsCreatedNeverSeesAForeignDatabase() async throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for k in 0..<20 {
            let path = dir.appendingPathComponent("r\(k).sqlite").path
            let reader = Task.detached { () -> (reads: Int, errors: [String]) in
                var reads = 0, errors: [String] = []
                while !FileManager.default.fileExists(atPath: path + "-ready") {
                    do {
                        _ = try ReviewStore.reading(path: path)?.latest()
                    } catch {
                        errors.append("\(error)")
                    }
                    reads += 1
                }
                return (reads, errors)
            }
            _ = try ReviewStore(path: path)
            _ = FileManager.default.createFile(atPath: path + "-ready", contents: nil)
            let seen = await reader.value
            #expect(seen.errors.isEmpty, "file \(k), \(seen.reads) reads: \(Set(seen.errors).sorted())")
        }
    }
}
