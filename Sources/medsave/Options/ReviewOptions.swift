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

    /// The review database read, when it exists, for the manifest.
    var manifestInputs: [(role: String, path: String)] {
        reviewDB != "none" && FileManager.default.fileExists(atPath: path) ? [(role: "review-db", path: path)] : []
    }
}
