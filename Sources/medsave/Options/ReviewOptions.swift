import ArgumentParser
import Foundation
import MedSaveCore

/// Where review decisions are kept; shared by `rank` and `review`.
struct ReviewOptions: ParsableArguments {
    @Option(
        name: .customLong("review-db"),
        help: ArgumentHelp(
            "Review database (SQLite), or 'none'. Default: $MEDSAVE_REVIEW_DB, else medsave-review.sqlite in the current folder.",
            valueName: "path"))
    var reviewDB: String?

    /// The path given, else the environment's, else the default in the current folder.
    var path: String {
        reviewDB ?? ProcessInfo.processInfo.environment["MEDSAVE_REVIEW_DB"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "medsave-review.sqlite"
    }

    /// The store, created when absent (for recording decisions).
    func open() throws -> ReviewStore {
        if reviewDB == "none" {
            throw InputError(location: nil, message: "--review-db none: recording decisions needs a database")
        }
        do { return try ReviewStore(path: path) } catch { throw InputError(location: nil, message: error.description) }
    }

    /// The store for reading (`review list`, `export`), opened read only; nil when there is none yet.
    func openForReading() throws -> ReviewStore? {
        if reviewDB == "none" { throw InputError(location: nil, message: "--review-db none: there is nothing to read") }
        do { return try ReviewStore.reading(path: path) } catch {
            throw InputError(location: nil, message: error.description)
        }
    }

    /// The current decisions for `rank` and `report`, read only: none when the database does not exist (ranking
    /// never creates one) or with `none`.
    func decisions() throws -> [String: ReviewRecord] {
        if reviewDB == "none" { return [:] }
        do { return try ReviewStore.reading(path: path)?.latest() ?? [:] } catch {
            throw InputError(location: nil, message: error.description)
        }
    }

    /// Records the opportunities a run showed in the review database, so that `review accept` can check ids and
    /// keep what a decision was made on, and re-keys decisions of the first id scheme. Only a database that
    /// exists is written (ranking never creates one); a read-only one is left as it is. Returns the summary line.
    func recordShown(_ opportunities: [Opportunity], level: RankLevel) -> String? {
        guard reviewDB != "none", !opportunities.isEmpty,
            let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0
        else { return nil }
        guard FileManager.default.isWritableFile(atPath: path) else {
            return "review: \(path) is read only; the opportunities shown are not recorded in it"
        }
        let shown = opportunities.map { o in
            ShownOpportunity(
                id: o.id, legacyID: o.legacyID, level: level.rawValue, key: o.key,
                equivalenceClass: o.equivalenceClass.description,
                context: DecisionContext(
                    saving: (o.saving * 100).rounded() / 100, window: "\(o.periodFrom)..\(o.periodTo)",
                    suggested: o.suggested?.code ?? ""))
        }
        do {
            let rekeyed = try ReviewStore(path: path).recordShown(shown)
            return "review: \(shown.count) opportunities shown recorded in \(path)"
                + (rekeyed > 0 ? "; \(rekeyed) decisions re-keyed from the first id scheme" : "")
        } catch {
            return "review: the opportunities shown could not be recorded in \(path): \(error.description)"
        }
    }

    /// The review database read, when it exists, for the manifest.
    var manifestInputs: [(role: String, path: String)] {
        reviewDB != "none" && FileManager.default.fileExists(atPath: path) ? [(role: "review-db", path: path)] : []
    }
}
