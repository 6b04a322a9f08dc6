import Foundation
import MedSaveTestSupport
import Testing

/// Every file of Tests/Corpus (made by make-corpus.py) run through the binary: exit code, the exact first
/// message with file, line and column, and the reconciling summary. Nothing may end by a signal.
@Suite("Malformed inputs, end to end")
struct MalformedInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var exitCode: Int32
        /// The first line on standard error, exactly (nil: only the summary notes).
        var message: String?
        /// The rows line of the summary, when the run gets that far.
        var rows: String?
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(
            file: "ragged.csv", exitCode: 0,
            message: "Tests/Corpus/ragged.csv:3:1: warning: expected 9 fields as in the header, found 7",
            rows: "rows: 2 read = 1 used + 1 set aside (bad row 1)"),
        Case(
            file: "unterminated-quote.csv", exitCode: 1,
            message:
                "Tests/Corpus/unterminated-quote.csv:3:9: error: a quoted field opens here and is never closed before the end of the file"
        ),
        Case(file: "quoted-newline.csv", exitCode: 0, message: nil, rows: "rows: 1 read = 1 used + 0 set aside"),
        Case(
            file: "invalid-utf8.csv", exitCode: 0,
            message:
                "Tests/Corpus/invalid-utf8.csv:2:9: warning: unit: not valid UTF-8: found \"U\u{FFFD}1\" (try --encoding windows-1252)",
            rows: "rows: 1 read = 0 used + 1 set aside (bad row 1)"),
        Case(
            file: "windows-1252-as-utf8.csv", exitCode: 0,
            message:
                "Tests/Corpus/windows-1252-as-utf8.csv:2:9: warning: unit: not valid UTF-8: found \"V\u{FFFD}rdcentral\" (try --encoding windows-1252)",
            rows: "rows: 1 read = 0 used + 1 set aside (bad row 1)"),
        Case(
            file: "decimal-comma.csv", exitCode: 0,
            message:
                "Tests/Corpus/decimal-comma.csv:2:28: warning: cost: not a number: expected a decimal number, found \"50,00\" (did you mean --decimal-comma?)",
            rows: "rows: 1 read = 0 used + 1 set aside (bad row 1)"),
        Case(
            file: "non-numeric-quantity.csv", exitCode: 0,
            message:
                "Tests/Corpus/non-numeric-quantity.csv:2:24: warning: quantity: not a number: expected a decimal number, found \"ten\"",
            rows: "rows: 1 read = 0 used + 1 set aside (bad row 1)"),
        Case(
            file: "nan-inf.csv", exitCode: 0,
            message:
                "Tests/Corpus/nan-inf.csv:2:24: warning: quantity: not a number: expected a decimal number, found \"NaN\"",
            rows: "rows: 2 read = 0 used + 2 set aside (bad row 2)"),
        Case(
            file: "huge-number.csv", exitCode: 0,
            message:
                "Tests/Corpus/huge-number.csv:2:24: warning: quantity: not a number: expected a decimal number, found \"1e308\"",
            rows: "rows: 1 read = 0 used + 1 set aside (bad row 1)"),
        Case(
            file: "empty.csv", exitCode: 1,
            message: "Tests/Corpus/empty.csv:1:1: error: the file is empty: expected a header line naming the columns"),
        Case(file: "header-only.csv", exitCode: 0, message: nil, rows: "rows: 0 read = 0 used + 0 set aside"),
        Case(
            file: "repeated-header.csv", exitCode: 0,
            message:
                "Tests/Corpus/repeated-header.csv:3:1: warning: the header line appears again inside the data (were two files joined?)",
            rows: "rows: 3 read = 2 used + 1 set aside (bad row 1)"),
        Case(
            file: "missing-column.csv", exitCode: 1,
            message:
                "Tests/Corpus/missing-column.csv:1:1: error: missing column \"cost\" for cost; the header has \"period\", \"unit\", \"prescriber\", \"patient\", \"product\", \"quantity\", \"items\" (map it with --map cost=NAME)"
        ),
        Case(file: "extra-column.csv", exitCode: 0, message: nil, rows: "rows: 1 read = 1 used + 0 set aside"),
        Case(
            file: "nul-bytes.csv", exitCode: 0,
            message:
                "Tests/Corpus/nul-bytes.csv:3:10: warning: a NUL byte in the data (is the file UTF-16, or not text?)",
            rows: "rows: 2 read = 1 used + 1 set aside (bad row 1)"),
        Case(file: "cr-only.csv", exitCode: 0, message: nil, rows: "rows: 1 read = 1 used + 0 set aside"),
        Case(file: "crlf.csv", exitCode: 0, message: nil, rows: "rows: 1 read = 1 used + 0 set aside"),
        Case(file: "bom.csv", exitCode: 0, message: nil, rows: "rows: 1 read = 1 used + 0 set aside"),
        Case(
            file: "truncated.csv.gz", exitCode: 1,
            message:
                "medsave: error: Tests/Corpus/truncated.csv.gz: the gzip data ends early (the file is truncated or was not fully copied)"
        ),
        Case(
            file: "unknown-product.csv", exitCode: 0, message: nil,
            rows: "rows: 2 read = 1 used + 1 set aside (unknown product 1)"),
        Case(file: "zero-quantity.csv", exitCode: 0, message: nil, rows: "rows: 1 read = 1 used + 0 set aside"),
        Case(
            file: "overshooting-correction.csv", exitCode: 0, message: nil, rows: "rows: 2 read = 2 used + 0 set aside"),
    ]

    @Test(arguments: cases)
    func corpusFile(c: Case) throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", "Tests/Corpus/\(c.file)", "--catalog", "Tests/Fixtures/catalogue.csv", "--format",
            "json",
            "--rules", "none",
        ])
        #expect(!run.signalled)
        #expect(run.exitCode == c.exitCode, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        if let message = c.message {
            #expect(lines.first == message)
        } else {
            #expect(lines.first?.hasPrefix("medsave: note: rows:") == true)
        }
        if let rows = c.rows {
            #expect(lines.contains("medsave: note: \(rows)"))
            #expect(run.stdout.contains("\"balanced\": true"))
        }
    }

    @Test func zeroQuantityWithCostSavesItsWholeCost() throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", "Tests/Corpus/zero-quantity.csv", "--catalog", "Tests/Fixtures/catalogue.csv",
            "--format", "csv", "--rules", "none",
        ])
        #expect(run.stdout.contains(",25.00,,0.5000,25.00,"))
        #expect(run.stdout.contains("zero-quantity"))
    }

    @Test func aTenMegabyteFieldIsRefusedNotBuffered() throws {
        let path = Fixtures.write(
            "period,unit,product,quantity,cost\n2025-01,U1," + String(repeating: "x", count: 10 << 20) + ",1,1\n",
            named: "big.csv")
        let run = try BinaryRunner.run(["rank", "--dispensing", path, "--catalog", "Tests/Fixtures/catalogue.csv"])
        #expect(run.exitCode == 1 && !run.signalled)
        #expect(
            run.stderr.hasPrefix(
                "\(path):2:12: error: a field longer than 1048576 bytes starts here; refusing to read it"))
    }

    @Test func tooManyColumnsAreRefused() throws {
        let header = (0..<2000).map { "c\($0)" }.joined(separator: ",")
        let path = Fixtures.write(header + "\n", named: "wide.csv")
        let run = try BinaryRunner.run(["rank", "--dispensing", path, "--catalog", "Tests/Fixtures/catalogue.csv"])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("error: more than 1024 fields in one record (is the delimiter right?)"))
    }

    @Test func aGzipBombIsRefused() throws {
        // 1 GiB of the same line compresses to about 1 MB: far beyond what any CSV compresses to.
        let dir = Fixtures.temporaryDirectory()
        let path = dir.appendingPathComponent("bomb.csv.gz").path
        let script = """
            import gzip,sys
            with gzip.open(sys.argv[1], 'wb', compresslevel=9) as f:
                f.write(b'period,unit,product,quantity,cost\\n')
                block = b'2025-01,U1,100001,1,1.00\\n' * 40000
                for _ in range(1100): f.write(block)
            """
        try #require(try Fixtures.python(script, path) == 0)
        let run = try BinaryRunner.run(["rank", "--dispensing", path, "--catalog", "Tests/Fixtures/catalogue.csv"])
        #expect(run.exitCode == 1 && !run.signalled)
        #expect(run.stderr.contains("expands more than 100-fold"), "\(run.stderr)")
        // It stops after 32 MiB of output rather than inflating the whole gigabyte (no timing asserted here:
        // speed is measured by benchmarks, not tests).
    }
}

@Suite("Output files are written whole or not at all")
struct AtomicOutputTests {
    @Test func aFailedWriteLeavesNoFileAndNoTemporary() throws {
        let dir = Fixtures.temporaryDirectory()
        let target = dir.appendingPathComponent("missing-folder/rank.csv").path
        let run = try BinaryRunner.run([
            "rank", "--dispensing", "Tests/Fixtures/dispensing.csv", "--catalog", "Tests/Fixtures/catalogue.csv",
            "--output", target,
        ])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("rank.csv: cannot write"))
        #expect(!FileManager.default.fileExists(atPath: target))
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func anExistingReportIsReplacedOnlyWhenTheNewOneIsComplete() throws {
        let dir = Fixtures.temporaryDirectory()
        let target = dir.appendingPathComponent("rank.csv").path
        try Data("old report\n".utf8).write(to: URL(fileURLWithPath: target))
        // A run that fails on its input must leave the old report as it was.
        let failed = try BinaryRunner.run([
            "rank", "--dispensing", "Tests/Corpus/empty.csv", "--catalog", "Tests/Fixtures/catalogue.csv", "--output",
            target,
        ])
        #expect(failed.exitCode == 1)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old report\n")
        let ok = try BinaryRunner.run([
            "rank", "--dispensing", "Tests/Fixtures/dispensing.csv", "--catalog", "Tests/Fixtures/catalogue.csv",
            "--output", target,
        ])
        #expect(ok.exitCode == 0)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("rank,id,status,"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["rank.csv"])
    }

    /// A report is an HTML file and its Markdown twin: written as a pair, both new or both old. Here the
    /// Markdown cannot be written (its name is taken by a folder), so the old HTML must stay as it was; then a
    /// run that can write both replaces both, and leaves no temporary file behind.
    @Test func aReportsHTMLAndMarkdownAreWrittenAsAPair() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("r.html").path, markdown = dir.appendingPathComponent("r.md").path
        try Data("old html\n".utf8).write(to: URL(fileURLWithPath: html))
        try FileManager.default.createDirectory(atPath: markdown, withIntermediateDirectories: false)
        let args = [
            "report", "--dispensing", "Tests/Fixtures/dispensing.csv", "--catalog", "Tests/Fixtures/catalogue.csv",
            "--output", html,
        ]
        let failed = try BinaryRunner.run(args)
        #expect(failed.exitCode == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("r.md: is a directory"), "\(failed.stderr)")
        #expect(try String(contentsOfFile: html, encoding: .utf8) == "old html\n", "the pair stays old")
        try FileManager.default.removeItem(atPath: markdown)
        try Data("old markdown\n".utf8).write(to: URL(fileURLWithPath: markdown))
        let ok = try BinaryRunner.run(args)
        #expect(ok.exitCode == 0, "\(ok.stderr)")
        #expect(try String(contentsOfFile: html, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        #expect(try String(contentsOfFile: markdown, encoding: .utf8) != "old markdown\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["r.html", "r.md"])
    }

    /// A run killed while it writes leaves no temporary file. The kill times are spread over the end of a run
    /// measured first (rendering and writing a large JSON ranking), so that some land while the staged file
    /// exists; which ones do varies from run to run, so a handler that failed would be caught often, not always.
    @Test func aKilledRunLeavesNoTemporaryFile() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("all.json").path
        let arguments = [
            "rank", "--dispensing", "datasets/dispensing.csv.gz", "--catalog", "datasets/catalogue.csv",
            "--min-saving", "0", "--by-period", "--output", target,
        ]
        let start = Date()
        _ = try BinaryRunner.run(arguments)
        let duration = Date().timeIntervalSince(start)
        try FileManager.default.removeItem(atPath: target)
        for fraction in [0.85, 0.93, 0.98] {
            let process = Process()
            process.executableURL = BinaryRunner.binary
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: duration * fraction)
            process.terminate()
            process.waitUntilExit()
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
                $0.hasSuffix(".tmp")
            }
            #expect(leftovers.isEmpty, "killed at \(fraction) of the run: \(leftovers)")
        }
    }
}

@Suite("Options a user gets wrong")
struct OptionMistakeTests {
    /// A Swedish Excel export (semicolons, decimal commas) read without `--decimal-comma` set aside every row
    /// and exited 0 with an empty ranking.
    @Test func aFileOfWhichAlmostNothingCanBeReadStopsWithTheHint() throws {
        let rows = (0..<200).map { "2025-01;U\($0);100001;10;4,50\n" }.joined()
        let path = Fixtures.write("period;unit;product;quantity;cost\n" + rows, named: "excel-export.csv")
        let run = try BinaryRunner.run(["rank", "--dispensing", path, "--catalog", catalogue, "--format", "csv"])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("200 of 200 rows could not be read"), "\(run.stderr)")
        #expect(run.stderr.contains("(did you mean --decimal-comma?)"))
        let fixed = try BinaryRunner.run([
            "rank", "--dispensing", path, "--catalog", catalogue, "--format", "csv", "--decimal-comma",
        ])
        #expect(fixed.exitCode == 0 && fixed.stderr.contains("rows: 200 read = 200 used"), "\(fixed.stderr)")
    }

    @Test func aThreadCountBeyondTheCapIsRefusedBeforeAnyWork() throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--threads", "100000",
        ])
        #expect(run.exitCode == 64)
        #expect(run.stderr.contains("--threads 100000: expected 1 to 256"), "\(run.stderr)")
    }

    @Test func aYearIsTheWholeYearAndAnImpossibleDateIsRefused() throws {
        let year = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--period", "2025", "--format", "csv",
        ])
        let months = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--period", "2025-01..2025-12", "--format",
            "csv",
        ])
        #expect(year.exitCode == 0 && year.stdout == months.stdout && year.stderr == months.stderr)
        let bad = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--period", "2025-02-30",
        ])
        #expect(bad.exitCode == 64 && bad.stderr.contains("--period 2025-02-30"), "\(bad.stderr)")
    }
}

@Suite("Standard output that cannot be written")
struct StandardOutputErrorTests {
    /// `rules export > /dev/full` and `rank > file` on a full disk exited 0 with the output truncated.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func aFullDeviceIsAnErrorNotASuccess() throws {
        for args in [
            ["rules", "export"], ["rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "csv"],
        ] {
            let run = try BinaryRunner.run(args, standardOutput: "/dev/full")
            #expect(run.exitCode == 1, "\(args)")
            #expect(run.stderr.contains("cannot write standard output: No space left on device"), "\(run.stderr)")
        }
    }
}

@Suite("Output files that are not plain new files")
struct OutputTargetTests {
    /// `--output` to a symlink replaced the link, to a device replaced the device (as root), and a file's mode
    /// was lost; a long valid name failed on the temporary name.
    @Test func linksAreFollowedDevicesWrittenThroughModesKeptLongNamesWork() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let real = dir.appendingPathComponent("real.csv").path, link = dir.appendingPathComponent("link.csv").path
        FileManager.default.createFile(atPath: real, contents: Data("old".utf8), attributes: [.posixPermissions: 0o640])
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        #expect(try BinaryRunner.run(["rules", "export", "--output", link]).exitCode == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == real)
        #expect(try String(contentsOfFile: real, encoding: .utf8).hasPrefix("match,pattern,action"))
        let mode = try FileManager.default.attributesOfItem(atPath: real)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(try BinaryRunner.run(["rules", "export", "--output", "/dev/null"]).exitCode == 0)
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        #expect(type == .typeCharacterSpecial)
        let long = dir.appendingPathComponent(String(repeating: "x", count: 250) + ".csv").path
        #expect(try BinaryRunner.run(["rules", "export", "--output", long]).exitCode == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }
}

@Suite("Outputs that would replace an input")
struct OutputIsInputTests {
    /// `--output` naming the catalogue, the dispensing file or the report's Markdown twin replaced it.
    @Test func anOutputThatIsAnInputIsRefusedAndTheInputKept() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("catalogue.csv").path
        try FileManager.default.copyItem(atPath: Fixtures.path("catalogue.csv"), toPath: copy)
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))
        let twin = dir.appendingPathComponent("r.md").path
        try FileManager.default.copyItem(atPath: copy, toPath: twin)
        for args in [
            ["rank", "--dispensing", dispensing, "--catalog", copy, "--output", copy],
            [
                "rank", "--dispensing", dispensing, "--catalog", "native:" + copy,
                "--output=" + dir.path + "/./catalogue.csv",
            ],
            ["catalog", "stats", "--catalog", copy, "--output", copy],
            [
                "report", "--dispensing", dispensing, "--catalog", twin, "--review-db", "none", "--output",
                dir.path + "/r.html",
            ],
        ] {
            let run = try BinaryRunner.run(args)
            #expect(run.exitCode == 1, "\(args): \(run.stderr)")
            #expect(run.stderr.contains("is one of this run's inputs; refusing to overwrite it"), "\(run.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: twin)) == before)
        #expect(
            !FileManager.default.fileExists(atPath: dir.path + "/r.html"), "the HTML is not written without its twin")
    }
}

@Suite("gzip framing")
struct GzipFramingTests {
    /// Writes gzip test files with Python's gzip module: `script` gets `out` (a folder) and `gzip`.
    static func make(_ script: String) throws -> URL {
        let dir = Fixtures.temporaryDirectory()
        try #require(try Fixtures.python("import gzip, sys\nout = sys.argv[1]\n" + script, dir.path) == 0)
        return dir
    }

    /// Forty gzip members, each within the expansion limit, added up to a 400-fold bomb: the counter restarted
    /// with every member.
    @Test func manySmallMembersStillCountAsOneFile() throws {
        let dir = try Self.make(
            """
            member = gzip.compress(b"2025-01,U1,A,1,1\\n" * 62000, 9)
            open(out + "/many.csv.gz", "wb").write(gzip.compress(b"period,unit,product,quantity,cost\\n") + member * 40)
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try BinaryRunner.run(["rank", "--dispensing", dir.path + "/many.csv.gz", "--catalog", catalogue])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("expands more than 100-fold"), "\(run.stderr)")
    }

    @Test func dataAfterTheLastMemberIsNamedAsSuch() throws {
        let dir = try Self.make(
            """
            body = gzip.compress(b"period,unit,product,quantity,cost\\n2025-01,U1,A,1,1\\n")
            open(out + "/trail.csv.gz", "wb").write(body + b"garbage")
            open(out + "/two.csv.gz", "wb").write(body + gzip.compress(b"2025-02,U1,A,1,1\\n"))
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let trail = try BinaryRunner.run(["rank", "--dispensing", dir.path + "/trail.csv.gz", "--catalog", catalogue])
        #expect(trail.exitCode == 1)
        #expect(trail.stderr.contains("data follows the end of the gzip data at byte"), "\(trail.stderr)")
        let two = try BinaryRunner.run(["rank", "--dispensing", dir.path + "/two.csv.gz", "--catalog", catalogue])
        #expect(two.exitCode == 0 && two.stderr.contains("rows: 2 read"), "\(two.stderr)")
    }
}

@Suite("Inputs that are not plain files")
struct NonRegularInputTests {
    /// A catalogue given as a FIFO hung: it was opened once just to size it, and a catalogue is read twice.
    @Test func aCatalogueFIFOIsRefusedAtOnce() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("catalogue.csv").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let run = try BinaryRunner.run(["rank", "--dispensing", dispensing, "--catalog", fifo])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("not a regular file (a pipe or a device)"), "\(run.stderr)")
    }

    /// Dispensing from a FIFO (as `<(zcat …)` gives) failed with "cannot seek": its first bytes were read to
    /// tell gzip from CSV and then sought back over. It is read once, plain or gzip, and ranks as the file does.
    @Test(arguments: [false, true])
    func dispensingFromAFIFOIsReadOnce(gzip: Bool) throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("dispensing").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: gzip ? "Tests/Fixtures/dispensing.csv.gz" : dispensing))
        let writer = Thread {
            // Opening for writing waits for medsave to open the FIFO for reading.
            if let handle = FileHandle(forWritingAtPath: fifo) {
                handle.write(bytes)
                try? handle.close()
            }
        }
        writer.start()
        let args = ["--catalog", catalogue, "--format", "csv", "--rules", "none", "--min-saving", "0"]
        let run = try BinaryRunner.run(["rank", "--dispensing", fifo] + args)
        let file = try BinaryRunner.run(["rank", "--dispensing", dispensing] + args)
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout == file.stdout)
        #expect(run.stderr.contains("rows: 9 read"), "\(run.stderr)")
    }
}

/// Sums never wrap or trap, and no row carries a negative price.
@Suite("Arithmetic on hostile amounts, end to end")
struct ArithmeticTests {
    let header = "period,unit,product,quantity,cost\n"

    func rank(_ body: String, _ more: [String] = []) throws -> BinaryRun {
        let path = Fixtures.write(header + body, named: "amounts.csv")
        return try BinaryRunner.run(
            ["rank", "--dispensing", path, "--catalog", catalogue, "--rules", "none", "--format", "csv"] + more)
    }

    @Test func aRowTooLargeToSumIsSetAsideAndTwoLargeRowsNoLongerWrap() throws {
        // Two rows of 9e12 once summed to a negative quantity and a saving of 2.2e11 on a cost of 2.00.
        let run = try rank("2025-01,U1,100003,9000000000000,1.00\n2025-01,U1,100003,9000000000000,1.00\n")
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stderr.contains("amounts.csv:2:"), "\(run.stderr)")
        #expect(run.stderr.contains("too large for one dispensing row"))
        #expect(run.stderr.contains("rows: 2 read = 0 used + 2 set aside (bad row 2)"), "\(run.stderr)")
        #expect(!run.stdout.contains("-"), "no negative quantity or saving anywhere: \(run.stdout)")
    }

    @Test func sumsPastTheExactRangeStopAtTheRowThatWouldPassIt() throws {
        let row = "2025-01,U1,100003,999999999999,1.00\n"
        let run = try rank(String(repeating: row, count: 10))
        #expect(run.exitCode == 1, "an error, not a trap: \(run.exitCode) \(run.stderr)")
        #expect(!run.signalled)
        // 9 rows of 999 999 999 999 fit below 9.22e12; the tenth, on line 11, would pass it.
        #expect(run.stderr.contains("amounts.csv:11:1"), "\(run.stderr)")
        #expect(run.stderr.contains("add up past ±9.2 × 10¹²"))
        let costs = try rank(String(repeating: "2025-01,U1,100003,1,999999999999.99\n", count: 10))
        #expect(costs.exitCode == 1 && costs.stderr.contains("amounts.csv:11:1"), "\(costs.stderr)")
    }

    @Test func oppositeSignsAreAProblemNeverANegativePrice() throws {
        let body = "2025-01,U1,100001,100,50.00\n2025-01,U2,100003,100,-200.00\n2025-01,U3,100003,-10,20.00\n"
        let run = try rank(body, ["--target", "p10"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stderr.contains("quantity and cost have opposite signs"))
        #expect(run.stderr.contains("rows: 3 read = 1 used + 2 set aside (bad row 2)"), "\(run.stderr)")
        #expect(run.stderr.contains("cost: -130.00 read = 50.00 used + -180.00 set aside"), "counted: \(run.stderr)")
        let strict = try rank(body, ["--strict"])
        #expect(strict.exitCode == 1 && strict.stderr.contains("amounts.csv:3:"), "\(strict.stderr)")
        // A correction that reverses both stays a correction.
        let correction = try rank("2025-01,U1,100003,100,200.00\n2025-01,U1,100003,-50,-100.00\n")
        #expect(correction.exitCode == 0 && correction.stderr.contains("rows: 2 read = 2 used"), "\(correction.stderr)")
    }
}

@Suite("A workbook given as dispensing, end to end")
struct WorkbookAsDispensingTests {
    @Test(arguments: ["tlv-small.xlsx", "renamed.csv"])
    func aWorkbookIsNamedAsOneWhateverItsName(name: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tlv-small.xlsx")))
        let path = Fixtures.write(bytes: [UInt8](bytes), named: name)
        let run = try BinaryRunner.run(["rank", "--dispensing", path, "--catalog", catalogue])
        #expect(run.exitCode == 1)
        #expect(
            run.stderr.contains("\(name):1:1: error: a zip file (an Excel workbook, xlsx?), not CSV text"),
            "\(run.stderr)")
        #expect(run.stderr.contains("save the sheet as CSV"))
    }
}

@Suite("Codes that lost their leading zeros, end to end")
struct LostLeadingZerosTests {
    @Test func unknownCodesThatMatchOncePaddedGetAHint() throws {
        let catalogue = Fixtures.write(
            "period,product,name,unit_price,group,size_group,status\n2025-01,038994,Alfa,1,G,T1,PV\n"
                + "2025-01,000123,Beta,2,G,T1,\n2025-01,555,Gamma,3,H,T1,PV\n",
            named: "zeros-catalogue.csv")
        let d = Fixtures.write(
            "period,unit,product,quantity,cost\n2025-01,U1,38994,10,20\n2025-01,U1,123,10,40\n"
                + "2025-01,U2,038994,10,10\n2025-01,U2,777,1,1\n",
            named: "zeros.csv")
        let run = try BinaryRunner.run([
            "rank", "--dispensing", d, "--catalog", catalogue, "--format", "csv", "--rules", "none",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "products: 2 unknown product codes are in the catalogue with leading zeros (123 is 000123)"),
            "\(run.stderr)")
        let clean = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", "Tests/Fixtures/catalogue.csv",
        ])
        #expect(!clean.stderr.contains("leading zeros"), "999999 is unknown however padded")
    }
}
