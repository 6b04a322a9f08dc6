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
/// Schema version 1: table `decision(sequence, opportunity_id, decision, note, reviewer, decided_at)`, append
/// only. Migrations are GRDB's (`grdb_migrations`); `PRAGMA user_version` mirrors the schema version and
/// `PRAGMA application_id` marks the file as medsave's, so another SQLite file is refused, not altered.
public final class ReviewStore: Sendable {
    public static let schemaVersion = 1
    /// 'MDSV' in ASCII.
    public static let applicationID: Int32 = 0x4D44_5356
    public static let busyTimeout: TimeInterval = 30

    public let path: String
    private let pool: DatabasePool

    /// Opens the store at `path`, creating and migrating it when needed.
    public init(path: String) throws(ReviewStoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "medsave review store"
        do {
            // Look before touching: opening a pool switches the file to WAL, which would alter someone else's database.
            if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 {
                var readOnly = Configuration()
                readOnly.readonly = true
                try Self.checkOwnership(try DatabaseQueue(path: path, configuration: readOnly), path: path)
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch let error as ReviewStoreError {
            throw error
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        } catch {
            throw ReviewStoreError(description: "\(path): cannot open the review database: \(error)")
        }
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

    /// A file that already holds tables but is not marked as medsave's is someone else's database: refuse it.
    private static func checkOwnership(_ queue: DatabaseQueue, path: String) throws {
        let (id, tables) = try queue.read { db in
            (
                try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
            )
        }
        if id != applicationID && tables > 0 {
            throw ReviewStoreError(description: "\(path): an SQLite database, but not a medsave review database")
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
        return migrator
    }

    /// Records a decision in its own transaction and returns it.
    @discardableResult
    public func record(
        opportunityID: String, decision: ReviewDecision, note: String, reviewer: String, at date: Date = Date()
    ) throws(ReviewStoreError) -> ReviewRecord {
        let stamp = Self.timestamp(date)
        do {
            let sequence = try pool.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO decision (opportunity_id, decision, note, reviewer, decided_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [opportunityID, decision.rawValue, note, reviewer, stamp])
                return db.lastInsertedRowID
            }
            return ReviewRecord(
                sequence: sequence, opportunityID: opportunityID, decision: decision, note: note, reviewer: reviewer,
                decidedAt: stamp)
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
            return try pool.read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    ReviewRecord(
                        sequence: row["sequence"], opportunityID: row["opportunity_id"],
                        decision: ReviewDecision(rawValue: row["decision"]) ?? .defer, note: row["note"],
                        reviewer: row["reviewer"], decidedAt: row["decided_at"])
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
