import Foundation
import MedSaveModel

/// One month of a dispensing folder laid out by month: the month, from its folder's name, and its files.
public struct MonthShard: Sendable, Equatable {
    public var period: Period
    /// The folder, and the `.csv` / `.csv.gz` files in it, by name.
    public var folder: String
    public var files: [String]
}

/// A dispensing folder laid out by month, as Spark and Hive write partitions: `period=YYYY-MM/` (or
/// `m=YYYY-MM/`, or the month as `YYYYMM`), each holding `*.csv` or `*.csv.gz` files. Names starting with `.` or
/// `_` (`_SUCCESS`, `.part-….crc`) are bookkeeping and skipped; anything else is refused, so that a file is never
/// left out without a word.
public enum MonthShards {
    /// The months of the folder `path`, oldest first; nil when `path` is not a folder.
    public static func find(_ path: String) throws(InputError) -> [MonthShard]? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            return nil
        }
        var shards: [MonthShard] = []
        for name in try names(in: path) {
            let folder = (path as NSString).appendingPathComponent(name)
            guard let month = month(ofFolder: name), isDirectory(folder) else {
                throw InputError(
                    location: nil,
                    message: "\(folder): not a month's folder: a dispensing folder holds one folder per month",
                    hint: "name them period=YYYY-MM (or m=YYYY-MM), as Spark's partitionBy(\"period\") writes them")
            }
            if let other = shards.first(where: { $0.period == month }) {
                throw InputError(
                    location: nil,
                    message: "\(folder): a second folder for \(month), after \(other.folder)",
                    hint: "put each month's files in one folder")
            }
            var files: [String] = []
            for file in try names(in: folder) {
                let full = (folder as NSString).appendingPathComponent(file)
                guard (file.hasSuffix(".csv") || file.hasSuffix(".csv.gz")) && !isDirectory(full) else {
                    throw InputError(
                        location: nil,
                        message: "\(full): not a dispensing file: a month's folder holds .csv or .csv.gz files",
                        hint: "move it out of the folder, or give it a name starting with _ to have it skipped")
                }
                files.append(full)
            }
            guard !files.isEmpty else {
                throw InputError(
                    location: nil,
                    message: "\(folder): no .csv or .csv.gz file in the folder of \(month)", hint: nil)
            }
            shards.append(MonthShard(period: month, folder: folder, files: files))
        }
        guard !shards.isEmpty else {
            throw InputError(
                location: nil,
                message: "\(path): the folder has no month folders (period=YYYY-MM)", hint: nil)
        }
        return shards.sorted { $0.period < $1.period }
    }

    /// The month a folder's name gives: `period=2025-01`, `m=2025-01`, `period=202501`.
    public static func month(ofFolder name: String) -> Period? {
        for prefix in ["period=", "m="] where name.hasPrefix(prefix) {
            let value = name.dropFirst(prefix.count)
            guard value.count == 7 || value.count == 6 else { return nil }
            return Period(text: value)
        }
        return nil
    }

    /// The entries of a folder that are not bookkeeping, by name.
    private static func names(in folder: String) throws(InputError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder)
                .filter { !$0.hasPrefix(".") && !$0.hasPrefix("_") }.sorted()
        } catch {
            throw InputError(
                location: nil, message: "\(folder): cannot list the folder",
                hint: nil)
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// Reads one month's files with `options`, the month given to files without a period column; refuses rows
    /// of another month (a file in the wrong folder), naming the file.
    public static func read(
        _ shard: MonthShard, options: DispensingReadOptions, progress: ((ReadProgress) -> Void)? = nil
    ) throws(InputError) -> DispensingAggregate {
        var options = options
        options.mapping.defaults[.period] = shard.period.description
        options.patientCodes = true
        // A month is read while the month before is folded into the window (`Ranking.rank(months:)`), and the
        // fold is what the next month waits for: a reading thread done with its part leaves its core to the fold
        // rather than take half of another's part (a national year took 7-14 s longer, the folds that much slower).
        options.smallestPartTaken = Int.max
        let aggregate = try DispensingReader.read(paths: shard.files, options: options, progress: progress)
        if let other = aggregate.periods.first(where: { $0 != shard.period }) {
            throw InputError(
                location: nil, message: "\(shard.folder): rows of \(other) in the folder of \(shard.period)",
                hint: "each month's rows go in that month's folder, here period=\(other)")
        }
        try LoadedInputs.refuseMostlyUnreadable(aggregate)
        return aggregate
    }
}
