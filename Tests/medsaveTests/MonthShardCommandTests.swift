import Foundation
import MedSaveTestSupport
import Testing

/// `--dispensing FOLDER` laid out by month (Spark's and Hive's `period=YYYY-MM/` partitions): ranked one month
/// at a time, with output and summary identical to one pass over the same rows; and the layouts refused.
@Suite("Month shards, end to end")
struct MonthShardCommandTests {
    static let bundled = "datasets/dispensing.csv.gz", bundledCatalogue = "datasets/catalogue.csv"

    /// The bundled data split by month: most months without their period column (as `partitionBy` writes
    /// them), two under `m=`, one month in two files of which one is gzip.
    static let shards: String = {
        let text = try! ReferenceRanking.gunzip(Fixtures.path("../../" + bundled))
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        let root = Fixtures.temporaryDirectory().appendingPathComponent("shards")
        var byMonth: [String: [String]] = [:]
        for line in lines { byMonth[String(line.prefix(7)), default: []].append(line) }
        for (i, (month, rows)) in byMonth.sorted(by: { $0.key < $1.key }).enumerated() {
            let folder = root.appendingPathComponent(i % 5 == 1 ? "m=\(month)" : "period=\(month)")
            try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let keepPeriod = i % 3 == 0
            let head = keepPeriod ? header : String(header.dropFirst("period,".count))
            let body = rows.map { keepPeriod ? $0 : String($0.dropFirst("2025-01,".count)) }
            if i == 2 {
                let half = body.count / 2
                try! ([head] + body[..<half]).joined(separator: "\n").appending("\n")
                    .write(to: folder.appendingPathComponent("part-00000.csv"), atomically: true, encoding: .utf8)
                let second = folder.appendingPathComponent("part-00001.csv")
                try! ([head] + body[half...]).joined(separator: "\n").appending("\n")
                    .write(to: second, atomically: true, encoding: .utf8)
                let gzip = Process()
                gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                gzip.arguments = ["gzip", second.path]
                try! gzip.run()
                gzip.waitUntilExit()
            } else {
                try! ([head] + body).joined(separator: "\n").appending("\n")
                    .write(to: folder.appendingPathComponent("part-00000.csv"), atomically: true, encoding: .utf8)
            }
            FileManager.default.createFile(
                atPath: folder.appendingPathComponent(".part-00000.csv.crc").path, contents: nil)
        }
        FileManager.default.createFile(atPath: root.appendingPathComponent("_SUCCESS").path, contents: nil)
        return root.path
    }()

    @Test(arguments: [
        ["--format", "json", "--min-saving", "0"], ["--format", "csv", "--level", "class", "--target", "p10"],
        ["--format", "csv", "--by-period", "--level", "prescriber", "--target", "cheapest", "--show-blocked"],
    ])
    func aFolderOfMonthsRanksAsOnePass(options: [String]) throws {
        let once = try BinaryRunner.run(
            ["rank", "--dispensing", Self.bundled, "--catalog", Self.bundledCatalogue] + options)
        let folded = try BinaryRunner.run(
            ["rank", "--dispensing", Self.shards, "--catalog", Self.bundledCatalogue] + options)
        #expect(once.exitCode == 0 && folded.exitCode == 0, "\(folded.stderr)")
        #expect(once.stdout.count > 1000)
        #expect(folded.stdout == once.stdout)
        #expect(folded.stderr == once.stderr, "the summary reconciles the same rows and money")
    }

    func refusal(_ layout: [String: String]) throws -> BinaryRun {
        let root = Fixtures.temporaryDirectory().appendingPathComponent("bad")
        for (path, text) in layout {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let run = try BinaryRunner.run(["rank", "--dispensing", root.path, "--catalog", catalogue, "--format", "csv"])
        #expect(run.exitCode == 1)
        #expect(run.stdout.isEmpty)
        return run
    }

    @Test func layoutsThatWouldLoseOrMisfileRowsAreRefused() throws {
        let rows = "unit,product,quantity,cost\nU1,100001,10,5.00\n"
        let stray = try refusal(["period=2025-01/a.csv": rows, "notes.txt": "x"])
        #expect(stray.stderr.contains("notes.txt: not a month's folder"))
        let other = try refusal(["period=2025-01/a.csv": rows, "period=2025-01/readme.md": "x"])
        #expect(other.stderr.contains("readme.md: not a dispensing file"))
        let twice = try refusal(["period=2025-01/a.csv": rows, "m=2025-01/a.csv": rows])
        #expect(twice.stderr.contains(": a second folder for 2025-01"))
        let misfiled = try refusal([
            "period=2025-01/a.csv": "period,unit,product,quantity,cost\n2025-02,U1,100001,10,5.00\n"
        ])
        #expect(misfiled.stderr.contains("period=2025-01: rows of 2025-02 in the folder of 2025-01"))
        let empty = try refusal(["period=2025-01/_SUCCESS": ""])
        #expect(empty.stderr.contains(": no .csv or .csv.gz file in the folder of 2025-01"))
        let mixed = try BinaryRunner.run([
            "rank", "--dispensing", Self.shards, dispensing, "--catalog", catalogue, "--format", "csv",
        ])
        #expect(mixed.exitCode != 0 && mixed.stderr.contains("give one folder laid out by month"))
    }
}
