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
}
