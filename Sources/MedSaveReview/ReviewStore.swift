import Foundation
import GRDB
import MedSaveModel

/// Why the review store could not be used.
public struct ReviewStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Review decisions in an embedded SQLite database (WAL mode: readers never block the writer, and several
/// processes may write at once; each waits up to `busyTimeout` for the others).
///
/// Schema version 2: table `decision(sequence, opportunity_id, decision, note, reviewer, decided_at, saving,
/// decided_window, suggested, legacy_id, id_scheme)`, append only but for re-keying, and table `shown` of the
/// opportunities runs have shown (id, the first scheme's id, level, key, class and what they showed). Version 1
/// had the first four columns of `decision` alone, with ids that also hashed the products dispensed (scheme 1);
/// its decisions keep their ids until a run shows the opportunity again and re-keys them. Migrations are GRDB's (`grdb_migrations`); `PRAGMA user_version` mirrors the schema version and
/// `PRAGMA application_id` marks the file as medsave's, so another SQLite file is refused, not altered.
public final class ReviewStore: Sendable {
    public static let schemaVersion = 2
    /// 'MDSV' in ASCII.
    public static let applicationID: Int32 = 0x4D44_5356
    public static let busyTimeout: TimeInterval = 30

    public let path: String
    private let reader: any DatabaseReader
    private let writer: DatabasePool?

    /// Opens the store at `path` for recording, creating and migrating it when needed. Opening is serialised
    /// between processes (an advisory lock on the file, apart from SQLite's own), so that two first-time
    /// writers cannot race the migration; a database of a newer schema is refused unchanged.
    public init(path: String) throws(ReviewStoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "medsave review store"
        do {
            let pool = try Self.withSetupLock(path) { () throws -> DatabasePool in
                // Look before touching: opening a pool switches the file to WAL, which would alter someone
                // else's database.
                if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 {
                    try Self.check(try Self.readOnlyQueue(path), path: path)
                }
                let pool = try DatabasePool(path: path, configuration: configuration)
                // A new file is marked as medsave's before the migrator runs: it commits its own table first,
                // and a reader (who takes no setup lock) would see a table without the mark, someone else's file.
                try pool.write { db in
                    if try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") == 0 {
                        try db.execute(sql: "PRAGMA application_id = \(Self.applicationID)")
                    }
                }
                try Self.migrator.migrate(pool)
                return pool
            }
            writer = pool
            reader = pool
        } catch let error as ReviewStoreError {
            throw error
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        } catch {
            throw ReviewStoreError(description: "\(path): cannot open the review database: \(error)")
        }
    }

    /// Opens an existing store for reading only: nothing is created, migrated or written, and a read-only file
    /// works. Nil when there is no file at `path`.
    public static func reading(path: String) throws(ReviewStoreError) -> ReviewStore? {
        do {
            // A database another process is creating at this moment may still be empty, or be switching to
            // WAL: treat the first as no decisions yet, and give the second a moment.
            for attempt in 1... {
                guard let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0
                else { return nil }
                do {
                    let queue = try readOnlyQueue(path)
                    try check(queue, path: path)
                    let ready = try queue.read { db in try db.tableExists("decision") }
                    return ready ? ReviewStore(path: path, reader: queue) : nil
                } catch let error as DatabaseError
                    where attempt < 20 && [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN].contains(error.resultCode)
                {
                    usleep(50_000)
                }
            }
            return nil
        } catch let error as ReviewStoreError {
            throw error
        } catch let error as DatabaseError {
            throw describe(error, path: path)
        } catch {
            throw ReviewStoreError(description: "\(path): cannot read the review database: \(error)")
        }
    }

    private init(path: String, reader: any DatabaseReader) {
        self.path = path
        self.reader = reader
        writer = nil
    }

    private static func readOnlyQueue(_ path: String) throws -> DatabaseQueue {
        var readOnly = Configuration()
        readOnly.readonly = true
        readOnly.busyMode = .timeout(busyTimeout)
        return try DatabaseQueue(path: path, configuration: readOnly)
    }

    /// Runs `body` holding an exclusive advisory lock on `path` + `-lock`, beside the database as SQLite's
    /// `-wal` and `-shm` are. Not on the database file itself: closing any descriptor of a file drops every
    /// POSIX lock the process holds on it, SQLite's included, which corrupts a database under concurrent writers.
    private static func withSetupLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path + "-lock", O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else {
            throw ReviewStoreError(
                description: "\(path): cannot open the review database (does its folder exist, and may it be written?)")
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { break }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    private static func describe(_ error: DatabaseError, path: String) -> ReviewStoreError {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            ReviewStoreError(
                description:
                    "\(path): not a medsave review database, or it is corrupt (\(error.message ?? "SQLite error \(error.resultCode)"))"
            )
        case .SQLITE_CANTOPEN:
            ReviewStoreError(
                description: "\(path): cannot open the review database (does its folder exist, and may it be written?)")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            ReviewStoreError(
                description: "\(path): the review database stayed locked by another process for \(Int(busyTimeout)) s")
        default:
            ReviewStoreError(description: "\(path): review database error: \(error.message ?? "\(error.resultCode)")")
        }
    }

    /// A file that already holds tables but is not marked as medsave's is someone else's database, and one of a
    /// newer schema than this medsave knows was written by a newer medsave: refuse both, unchanged.
    private static func check(_ queue: DatabaseQueue, path: String) throws {
        let (id, tables, version) = try queue.read { db in
            (
                try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0,
                try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            )
        }
        if id != applicationID && tables > 0 {
            throw ReviewStoreError(description: "\(path): an SQLite database, but not a medsave review database")
        }
        if version > schemaVersion {
            throw ReviewStoreError(
                description:
                    "\(path): written by a newer medsave (schema \(version); this one knows \(schemaVersion)); left unchanged"
            )
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: decisions") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(
                sql: """
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
                    """)
        }
        migrator.registerMigration("v2: identity without the product set, decision context, shown opportunities") {
            db in
            try db.execute(
                sql: """
                    ALTER TABLE decision ADD COLUMN saving REAL;
                    ALTER TABLE decision ADD COLUMN decided_window TEXT;
                    ALTER TABLE decision ADD COLUMN suggested TEXT;
                    ALTER TABLE decision ADD COLUMN legacy_id TEXT;
                    ALTER TABLE decision ADD COLUMN id_scheme INTEGER NOT NULL DEFAULT 1;
                    CREATE TABLE shown (
                        id TEXT PRIMARY KEY,
                        legacy_id TEXT NOT NULL,
                        level TEXT NOT NULL,
                        key TEXT NOT NULL,
                        class TEXT NOT NULL,
                        saving REAL NOT NULL,
                        decided_window TEXT NOT NULL,
                        suggested TEXT NOT NULL,
                        shown_at TEXT NOT NULL
                    );
                    CREATE INDEX shown_by_legacy_id ON shown(legacy_id);
                    PRAGMA user_version = 2;
                    """)
        }
        return migrator
    }

    /// Records what a run showed (one transaction), and re-keys decisions still filed under an opportunity's
    /// first-scheme id to its id, keeping the old id in `legacy_id`. Returns how many decisions were re-keyed.
    @discardableResult
    public func recordShown(_ shown: [ShownOpportunity], at date: Date = Date()) throws(ReviewStoreError) -> Int {
        guard let writer else { throw ReviewStoreError(description: "\(path): opened for reading only") }
        let stamp = Self.timestamp(date)
        do {
            return try writer.write { db in
                var rekeyed = 0
                for s in shown {
                    try db.execute(
                        sql: """
                            INSERT INTO shown (id, legacy_id, level, key, class, saving, decided_window, suggested, shown_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT(id) DO UPDATE SET legacy_id = excluded.legacy_id, saving = excluded.saving,
                              decided_window = excluded.decided_window, suggested = excluded.suggested,
                              shown_at = excluded.shown_at
                            """,
                        arguments: [
                            s.id, s.legacyID, s.level, s.key, s.equivalenceClass, s.context.saving, s.context.window,
                            s.context.suggested, stamp,
                        ])
                    try db.execute(
                        sql: """
                            UPDATE decision SET legacy_id = opportunity_id, opportunity_id = ?, id_scheme = 2
                            WHERE opportunity_id = ? AND id_scheme = 1
                            """, arguments: [s.id, s.legacyID])
                    rekeyed += db.changesCount
                }
                return rekeyed
            }
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        } catch {
            throw ReviewStoreError(description: "\(path): \(error)")
        }
    }

    /// The latest run's view of opportunity `id`; nil when no run recorded it.
    public func shown(id: String) throws(ReviewStoreError) -> ShownOpportunity? {
        do {
            return try reader.read { db in
                guard try db.tableExists("shown"),
                    let row = try Row.fetchOne(
                        db, sql: "SELECT * FROM shown WHERE id = ?", arguments: [id.lowercased()])
                else { return nil }
                return ShownOpportunity(
                    id: row["id"], legacyID: row["legacy_id"], level: row["level"], key: row["key"],
                    equivalenceClass: row["class"],
                    context: DecisionContext(
                        saving: row["saving"], window: row["decided_window"], suggested: row["suggested"]))
            }
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        } catch {
            throw ReviewStoreError(description: "\(path): \(error)")
        }
    }

    /// How many opportunities runs have recorded (0 before any `rank --review-db` on this database).
    public func shownCount() throws(ReviewStoreError) -> Int {
        do {
            return try reader.read { db in
                try db.tableExists("shown") ? Int.fetchOne(db, sql: "SELECT count(*) FROM shown") ?? 0 : 0
            }
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        } catch {
            throw ReviewStoreError(description: "\(path): \(error)")
        }
    }

    /// Records a decision in its own transaction and returns it.
    @discardableResult
    public func record(
        opportunityID: String, decision: ReviewDecision, note: String, reviewer: String, at date: Date = Date()
    ) throws(ReviewStoreError) -> ReviewRecord {
        let item = ReviewItem(id: opportunityID, decision: decision, note: note, reviewer: reviewer)
        return try record([item], skippingRepeats: false, at: date).first!
    }

    /// Records many decisions in one transaction: all or none. With `skippingRepeats`, a decision equal to the
    /// id's current one (decision, note, reviewer) is not recorded again, so importing a file twice changes
    /// nothing the second time. Returns the decisions recorded.
    public func record(
        _ items: [ReviewItem], skippingRepeats: Bool, at date: Date = Date()
    ) throws(ReviewStoreError) -> [ReviewRecord] {
        guard let writer else { throw ReviewStoreError(description: "\(path): opened for reading only") }
        let stamp = Self.timestamp(date)
        do {
            return try writer.write { db in
                var recorded: [ReviewRecord] = []
                for item in items {
                    if skippingRepeats,
                        let row = try Row.fetchOne(
                            db,
                            sql: "SELECT decision, note, reviewer FROM decision WHERE opportunity_id = ? "
                                + "ORDER BY sequence DESC LIMIT 1", arguments: [item.id]),
                        row["decision"] == item.decision.rawValue, row["note"] == item.note,
                        row["reviewer"] == item.reviewer
                    {
                        continue
                    }
                    // What the decision was made on: as given, else the latest run's view of the id.
                    var context = item.context
                    if context == nil,
                        let row = try Row.fetchOne(
                            db, sql: "SELECT saving, decided_window, suggested FROM shown WHERE id = ?",
                            arguments: [item.id])
                    {
                        context = DecisionContext(
                            saving: row["saving"], window: row["decided_window"], suggested: row["suggested"])
                    }
                    try db.execute(
                        sql: """
                            INSERT INTO decision (opportunity_id, decision, note, reviewer, decided_at, saving,
                              decided_window, suggested, id_scheme) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 2)
                            """,
                        arguments: [
                            item.id, item.decision.rawValue, item.note, item.reviewer, stamp, context?.saving,
                            context?.window, context?.suggested,
                        ])
                    recorded.append(
                        ReviewRecord(
                            sequence: db.lastInsertedRowID, opportunityID: item.id, decision: item.decision,
                            note: item.note, reviewer: item.reviewer, decidedAt: stamp, context: context))
                }
                return recorded
            }
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        } catch {
            throw ReviewStoreError(description: "\(path): \(error)")
        }
    }

    /// SQLite's own check of the file: "ok" when it is sound.
    public func integrityCheck() throws(ReviewStoreError) -> String {
        do {
            return try reader.read { db in
                try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            }
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        } catch {
            throw ReviewStoreError(description: "\(path): \(error)")
        }
    }

    /// Every decision, oldest first.
    public func history() throws(ReviewStoreError) -> [ReviewRecord] {
        try fetch("SELECT * FROM decision ORDER BY sequence")
    }

    /// The current decision per opportunity id.
    public func latest() throws(ReviewStoreError) -> [String: ReviewRecord] {
        let rows = try fetch(
            """
            SELECT d.* FROM decision d
            JOIN (SELECT opportunity_id, max(sequence) AS s FROM decision GROUP BY opportunity_id) m
              ON d.opportunity_id = m.opportunity_id AND d.sequence = m.s
            ORDER BY d.opportunity_id
            """)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.opportunityID, $0) })
    }

    private func fetch(_ sql: String) throws(ReviewStoreError) -> [ReviewRecord] {
        do {
            return try reader.read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    ReviewRecord(
                        sequence: row["sequence"], opportunityID: row["opportunity_id"],
                        decision: ReviewDecision(rawValue: row["decision"]) ?? .defer, note: row["note"],
                        reviewer: row["reviewer"], decidedAt: row["decided_at"],
                        context: (row["saving"] as Double?).map {
                            DecisionContext(
                                saving: $0, window: row["decided_window"] ?? "", suggested: row["suggested"] ?? "")
                        }, legacyID: row["legacy_id"])
                }
            }
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        } catch {
            throw ReviewStoreError(description: "\(path): \(error)")
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
