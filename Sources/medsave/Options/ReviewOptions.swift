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

    /// The current decisions for `rank`: from the store named, or from the default one if it exists; none otherwise
    /// (ranking never creates a database).
    func decisions() throws -> [String: ReviewRecord] {
        if reviewDB == "none" { return [:] }
        if reviewDB == nil && !FileManager.default.fileExists(atPath: path) { return [:] }
        do { return try ReviewStore(path: path).latest() } catch {
            throw InputError(location: nil, message: error.description)
        }
    }

    /// The review database read, when it exists, for the manifest.
    var manifestInputs: [(role: String, path: String)] {
        reviewDB != "none" && FileManager.default.fileExists(atPath: path) ? [(role: "review-db", path: path)] : []
    }
}
