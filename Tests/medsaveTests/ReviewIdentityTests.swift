import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

/// Decisions stay attached to their opportunity when the data is refreshed, databases of the first schema
/// migrate, and ids are checked against what runs showed.
@Suite("Review decisions across refreshes and schema versions, end to end")
struct ReviewIdentityTests {
    static let catalogueText = try! String(contentsOfFile: Fixtures.path("catalogue.csv"), encoding: .utf8)
    static let dispensingText = try! String(contentsOfFile: Fixtures.path("dispensing.csv"), encoding: .utf8)

    /// The fixture refreshed: a March list in which G1/T23 has a new product, and March dispensing of it.
    static let refreshed: (catalogue: String, dispensing: String) = {
        let march = catalogueText.split(separator: "\n").filter { $0.hasPrefix("2025-02,") }.map {
            "2025-03" + $0.dropFirst(7)
        }
        let catalogue =
            catalogueText + march.joined(separator: "\n") + "\n"
            + "2025-03,100004,Simvastatin Sandoz,Simvastatin,C10AA01,20 mg,Tablett,98,0.60,G1,T23,,Generics,Sandoz AS\n"
        let dispensing =
            dispensingText + "2025-03,U1,P1,a,100004,100,90.00,1,true\n2025-03,U2,P3,c,100003,50,100.00,1,true\n"
        return (catalogue, dispensing)
    }()

    func rank(_ dispensing: String, _ catalogue: String, db: String, _ more: [String] = []) throws -> BinaryRun {
        let dir = Fixtures.temporaryDirectory()
        let d = dir.appendingPathComponent("dispensing.csv"), c = dir.appendingPathComponent("catalogue.csv")
        try dispensing.write(to: d, atomically: true, encoding: .utf8)
        try catalogue.write(to: c, atomically: true, encoding: .utf8)
        return try BinaryRunner.run(
            ["rank", "--dispensing", d.path, "--catalog", c.path, "--rules", "none", "--review-db", db] + more)
    }

    /// The (key, class) → (id, decision) of a ranking's CSV.
    func decisions(_ csv: String) -> [String: (id: String, decision: String, flags: String)] {
        var out: [String: (String, String, String)] = [:]
        let lines = csv.split(separator: "\n").map { ReferenceRanking.split($0) }
        guard let header = lines.first else { return [:] }
        let col = { (name: String) in header.firstIndex(of: name)! }
        for f in lines.dropFirst() {
            out[f[col("key")] + " " + f[col("class")]] = (f[col("id")], f[col("decision")], f[col("flags")])
        }
        return out
    }

    @Test func decisionsImportedFromAFilledInExportSurviveANewMonthAndANewProduct() throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("review.sqlite").path
        _ = try BinaryRunner.run(["review", "list", "--review-db", db])
        // A database exists before the first run (here: made by a first decision recorded with --force).
        let seed = try BinaryRunner.run([
            "review", "defer", "ffffffffffff", "--reviewer", "X", "--force", "--review-db", db,
        ])
        #expect(seed.exitCode == 0, "\(seed.stderr)")
        let export = dir.appendingPathComponent("worklist.csv").path
        let first = try rank(
            Self.dispensingText, Self.catalogueText, db: db, ["--format", "excel-csv", "--output", export])
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stderr.contains("review: 2 opportunities shown recorded in"))
        // The pharmacist fills in the decision column in a spreadsheet and saves it as it came (;, BOM, ="…").
        var text = try String(contentsOfFile: export, encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n")
        text =
            ([lines[0]] + lines.dropFirst().filter { !$0.isEmpty }.map { $0 + "accept" }).joined(separator: "\r\n")
            + "\r\n"
        try text.write(toFile: export, atomically: true, encoding: .utf8)
        let imported = try BinaryRunner.run([
            "review", "import", "--from", export, "--reviewer", "Apotekare A", "--review-db", db,
        ])
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("2 decisions recorded"), "\(imported.stdout)")
        let store = try #require(try ReviewStore.reading(path: db))
        let made = try store.history().filter { $0.reviewer == "Apotekare A" }
        #expect(made.count == 2 && made.allSatisfy { $0.context?.window == "2025-01..2025-02" })
        #expect(made.contains { $0.context?.saving == 80 && $0.context?.suggested == "100001" })

        let before = decisions(try rank(Self.dispensingText, Self.catalogueText, db: db, ["--format", "csv"]).stdout)
        let after = decisions(
            try rank(Self.refreshed.dispensing, Self.refreshed.catalogue, db: db, ["--format", "csv"]).stdout)
        #expect(before.count == 2)
        for (opportunity, was) in before {
            let now = try #require(after[opportunity], "\(opportunity) is still ranked")
            #expect(now.id == was.id, "\(opportunity): the id did not change with a new product and month")
            #expect(now.decision == "accept", "\(opportunity): the decision is still attached")
            #expect(now.flags.contains("decided-on-other-data"), "\(opportunity): \(now.flags)")
        }
        #expect(after["U1 G1/T23"]!.flags.contains("saving-changed"))
    }

    @Test func aSchemaOneDatabaseMigratesAndItsDecisionsAreReKeyedWhenShownAgain() throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("v1.sqlite").path
        // Today's first schema, as medsave 1 wrote it, with a decision under the first scheme's id of U1/G1/T23
        // (which hashed the products dispensed).
        let legacy = Opportunity.legacyID(
            level: .unit, key: "U1", equivalenceClass: EquivalenceClass(group: "G1", sizeGroup: "T23"),
            products: ["100001", "100003"], period: nil)
        let status = try Fixtures.python(
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript('''
            PRAGMA application_id = \(ReviewStore.applicationID);
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1: decisions');
            CREATE TABLE decision (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                opportunity_id TEXT NOT NULL,
                decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'defer')),
                note TEXT NOT NULL DEFAULT '',
                reviewer TEXT NOT NULL,
                decided_at TEXT NOT NULL
            );
            CREATE INDEX decision_by_opportunity ON decision(opportunity_id, sequence);
            PRAGMA user_version = 1;
            ''')
            db.execute("INSERT INTO decision (opportunity_id, decision, note, reviewer, decided_at) VALUES (?, 'reject', 'brand', 'A', '2026-01-05T10:00:00Z')", (sys.argv[2],))
            db.commit()
            """, db, legacy)
        try #require(status == 0)
        let shownBefore = try BinaryRunner.run(["review", "list", "--review-db", db])
        #expect(shownBefore.stdout.hasPrefix(legacy), "a schema-1 database is read as it is")
        let run = try rank(Self.dispensingText, Self.catalogueText, db: db, ["--format", "csv"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stderr.contains("1 decisions re-keyed from the first id scheme"), "\(run.stderr)")
        let u1 = try #require(decisions(run.stdout)["U1 G1/T23"])
        #expect(u1.decision == "reject")
        let store = try #require(try ReviewStore.reading(path: db))
        let record = try #require(try store.history().first)
        #expect(record.opportunityID == u1.id && record.legacyID == legacy && record.note == "brand")
        #expect(try store.integrityCheck() == "ok")
        // And the refreshed data, whose product set differs, still finds it.
        let refreshed = try rank(Self.refreshed.dispensing, Self.refreshed.catalogue, db: db, ["--format", "csv"])
        #expect(decisions(refreshed.stdout)["U1 G1/T23"]?.decision == "reject")
    }

    @Test func anIdNoRunShowedIsRefusedUnlessForcedAndIdsAreCaseNormalised() throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("r.sqlite").path
        #expect(
            try BinaryRunner.run(["review", "defer", "ffffffffffff", "--reviewer", "X", "--force", "--review-db", db])
                .exitCode == 0)
        let run = try rank(Self.dispensingText, Self.catalogueText, db: db, ["--format", "csv"])
        let id = try #require(decisions(run.stdout)["U1 G1/T23"]?.id)
        let typo = try BinaryRunner.run(["review", "accept", "0123456789ab", "--reviewer", "A", "--review-db", db])
        #expect(typo.exitCode == 1 && typo.stderr.contains("no run recorded in"), "\(typo.stderr)")
        let upper = try BinaryRunner.run(["review", "accept", id.uppercased(), "--reviewer", "A", "--review-db", db])
        #expect(upper.exitCode == 0, "\(upper.stderr)")
        #expect(upper.stdout.hasPrefix("\(id): accept by A"), "stored in lower case: \(upper.stdout)")
        #expect(upper.stdout.contains("(saving 80.00, 2025-01..2025-02)"), "with what it was decided on")
    }
}
