import Foundation
import MedSaveTestSupport
import Testing

let catalogue = "Tests/Fixtures/catalogue.csv"
let dispensing = "Tests/Fixtures/dispensing.csv"

@Suite("medsave rank, end to end")
struct RankCommandTests {
    @Test(arguments: ["table", "csv", "json"])
    func outputMatchesGoldenFile(format: String) throws {
        let run = try BinaryRunner.run(["rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", format])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(Golden.check(run.stdout, against: "rank-pv.\(format == "table" ? "txt" : format)") == nil)
        #expect(Golden.check(run.stderr, against: "rank-pv.stderr") == nil)
    }

    /// One row per class with its units, on the bundled data (table, CSV, JSON and HTML).
    @Test(arguments: ["table", "csv", "json", "html"])
    func classLevelMatchesGoldenFile(format: String) throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", "datasets/dispensing.csv.gz", "--catalog", "datasets/catalogue.csv", "--level",
            "class", "--top", "8", "--format", format,
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(Golden.check(run.stdout, against: "rank-class.\(format == "table" ? "txt" : format)") == nil)
    }

    @Test func byPeriodPercentileMatchesGoldenFile() throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--target", "p10", "--by-period", "--format",
            "json",
        ])
        #expect(run.exitCode == 0)
        #expect(Golden.check(run.stdout, against: "rank-p10-by-period.json") == nil)
    }

    @Test func sameInputsGiveTheSameBytes() throws {
        let args = [
            "rank", "--dispensing", "datasets/dispensing.csv.gz", "--catalog", "datasets/catalogue.csv", "--format",
            "json", "--top", "50",
        ]
        let a = try BinaryRunner.run(args), b = try BinaryRunner.run(args)
        #expect(a.exitCode == 0)
        #expect(a.stdout == b.stdout && a.stderr == b.stderr)
        #expect(a.stdout.contains("\"balanced\": true"))
    }

    @Test func swedishExcelExportWithOptions() throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", "Tests/Fixtures/dispensing-excel-sv.csv", "--catalog", catalogue, "--delimiter",
            ";",
            "--decimal-comma", "--encoding", "windows-1252", "--format", "csv",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains(",Vårdcentral Årsta,G1/T23,\"Simvastatin 20 mg tablett, 100 st\",2025-01,2025-02,"))
        #expect(run.stderr.contains("saving: 80.00 SEK in 1 opportunities"))
    }

    @Test func badRowsAreWarnedAboutWrittenOutAndReconciled() throws {
        let problems = Fixtures.temporaryDirectory().appendingPathComponent("problems.csv").path
        let run = try BinaryRunner.run([
            "rank", "--dispensing", "Tests/Fixtures/dispensing-bad-rows.csv", "--catalog", catalogue, "--format", "csv",
            "--problems", problems,
        ])
        #expect(run.exitCode == 0)
        #expect(
            run.stderr.contains(
                "Tests/Fixtures/dispensing-bad-rows.csv:3:24: warning: quantity: not a number: expected a decimal number, found \"10O\""
            ))
        #expect(run.stderr.contains("rows: 7 read = 2 used + 5 set aside (bad row 5)"))
        #expect(run.stderr.contains("cost: 245.00 read = 140.00 used + 105.00 set aside (bad row 105.00)"))
        let written = try String(contentsOfFile: problems, encoding: .utf8)
        #expect(written.split(separator: "\n").count == 6)
        #expect(written.hasPrefix("file,line,column,field,message,expected,found,hint\n"))
    }

    @Test func strictStopsWithExitCodeOne() throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", "Tests/Fixtures/dispensing-bad-rows.csv", "--catalog", catalogue, "--strict",
        ])
        #expect(run.exitCode == 1)
        #expect(run.stdout.isEmpty)
        #expect(
            run.stderr
                == "Tests/Fixtures/dispensing-bad-rows.csv:3:24: error: quantity: not a number: expected a decimal number, found \"10O\"\n"
        )
    }

    @Test func missingColumnIsADataError() throws {
        let path = Fixtures.write("period,unit,product,qty,cost\n2025-01,U1,100001,2,3\n", named: "missing.csv")
        let run = try BinaryRunner.run(["rank", "--dispensing", path, "--catalog", catalogue])
        #expect(run.exitCode == 1)
        #expect(run.stderr.hasPrefix("\(path):1:1: error: missing column \"quantity\" for quantity; the header has"))
        #expect(run.stderr.contains("(map it with --map quantity=NAME)"))
        let mapped = try BinaryRunner.run([
            "rank", "--dispensing", path, "--catalog", catalogue, "--map", "quantity=qty", "--format", "csv",
        ])
        #expect(mapped.exitCode == 0, "\(mapped.stderr)")
    }

    @Test(arguments: [
        ["rank", "--catalog", "Tests/Fixtures/catalogue.csv"],
        [
            "rank", "--dispensing", "Tests/Fixtures/dispensing.csv", "--catalog", "Tests/Fixtures/catalogue.csv",
            "--target", "p101",
        ],
        [
            "rank", "--dispensing", "Tests/Fixtures/dispensing.csv", "--catalog", "Tests/Fixtures/catalogue.csv",
            "--period", "2025-05..2025-01",
        ],
        [
            "rank", "--dispensing", "Tests/Fixtures/dispensing.csv", "--catalog", "Tests/Fixtures/catalogue.csv",
            "--delimiter", "|",
        ],
        [
            "rank", "--dispensing", "Tests/Fixtures/dispensing.csv", "--catalog", "Tests/Fixtures/catalogue.csv",
            "--map", "nonsense=x",
        ],
        [
            "rank", "--dispensing", "Tests/Fixtures/dispensing.csv", "--catalog", "Tests/Fixtures/catalogue.csv",
            "--level", "ward",
        ],
    ])
    func usageErrorsExitWith64(arguments: [String]) throws {
        let run = try BinaryRunner.run(arguments)
        #expect(run.exitCode == 64, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains("Error:"))
    }

    @Test func missingFileIsADataError() throws {
        let run = try BinaryRunner.run(["rank", "--dispensing", "no/such.csv", "--catalog", catalogue])
        #expect(run.exitCode == 1)
        #expect(run.stderr == "medsave: error: no/such.csv: cannot open: No such file or directory\n")
    }

    @Test func excludedAndBlockedAreListedApart() throws {
        let excluded = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "csv", "--show-excluded",
        ])
        #expect(excluded.stdout.contains(",excluded,U2,G2,"))
        #expect(excluded.stdout.contains("exclude: Warfarin: a brand switch needs INR follow-up"))
        let blocked = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "csv", "--show-blocked",
        ])
        #expect(
            blocked.stdout == "unit,prescriber,class,quantity,cost,blocked_saving\nU1,P2,G1/T23,100,200.00,150.00\n")
        let noRules = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "csv", "--rules", "none",
        ])
        #expect(noRules.stderr.contains("saving: 130.00 SEK in 2 opportunities"))
        #expect(!noRules.stderr.contains("safety:"))
    }

    @Test func outputFileReceivesTheResult() throws {
        let out = Fixtures.temporaryDirectory().appendingPathComponent("rank.json").path
        let run = try BinaryRunner.run(["rank", "--dispensing", dispensing, "--catalog", catalogue, "--output", out])
        #expect(run.exitCode == 0)
        #expect(run.stdout.isEmpty)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.hasPrefix("{\n  \"schema_version\": 1,"), "the format follows the .json extension")
    }

    @Test func topAndMinSavingLimitTheList() throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", "datasets/dispensing.csv.gz", "--catalog", "datasets/catalogue.csv", "--format",
            "csv",
            "--top", "3", "--min-saving", "1000",
        ])
        #expect(run.exitCode == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        let saving = try #require(ReferenceRanking.split(lines[0]).firstIndex(of: "saving"))
        #expect(lines.dropFirst().allSatisfy { Double(ReferenceRanking.split($0)[saving])! >= 1000 })
    }
}

@Suite("medsave catalog stats, end to end")
struct CatalogStatsCommandTests {
    @Test(arguments: ["csv", "json", "table"])
    func statsMatchGoldenFile(format: String) throws {
        let run = try BinaryRunner.run([
            "catalog", "stats", "--catalog", catalogue, "Tests/Fixtures/tlv-small.xlsx", "--format", format,
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(Golden.check(run.stdout, against: "catalog-stats.\(format == "table" ? "txt" : format)") == nil)
        #expect(
            run.stderr
                == "Tests/Fixtures/tlv-small.xlsx:5:8: warning: Ursprung: TLV's missing-value marker; the field is left empty and the row kept: found \"-2147483648\"\n"
        )
    }
}

@Suite("medsave rank on English Prescribing Dataset files, end to end")
struct EPDCommandTests {
    let base = [
        "rank", "--dispensing", "Tests/Fixtures/epd-small.csv", "--preset", "epd", "--groups", "bnf", "--swaps",
        "Tests/Fixtures/swaps-small.csv", "--target", "p10",
    ]

    @Test func p10WithSwapsMatchesGoldenFile() throws {
        let run = try BinaryRunner.run(base + ["--format", "csv", "--min-saving", "0"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(Golden.check(run.stdout, against: "rank-epd-p10.csv") == nil)
        #expect(run.stderr.contains("saving: 43.00 GBP in 4 opportunities (target p10, level unit, 2024-01..2024-01)"))
    }

    @Test func peersAndActualCost() throws {
        let peers = try BinaryRunner.run(base + ["--peers", "Tests/Fixtures/peers-small.txt", "--format", "csv"])
        #expect(peers.stderr.contains("saving: 25.00 GBP in 3 opportunities"), "\(peers.stderr)")
        let actual = try BinaryRunner.run(base + ["--cost", "actual", "--format", "csv"])
        #expect(actual.stderr.contains("saving: 38.70 GBP in 4 opportunities"), "\(actual.stderr)")
    }

    @Test func catalogueTargetsNeedACatalogue() throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", "Tests/Fixtures/epd-small.csv", "--preset", "epd", "--groups", "bnf",
        ])
        #expect(run.exitCode == 64)
        #expect(run.stderr.contains("--target pv needs catalogue prices; with --groups bnf use pNN or median"))
    }
}

@Suite("Formats for reviewers: excel-csv and html")
struct ReviewerFormatTests {
    @Test(arguments: [("excel-csv", "rank-pv.excel.csv"), ("html", "rank-pv.html")])
    func matchesGoldenFile(format: String, golden: String) throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", format, "--show-excluded",
            "--show-blocked",
        ])
        #expect(run.exitCode == 0)
        #expect(Golden.check(run.stdout, against: golden) == nil)
    }

    @Test func excelCSVHasBOMSemicolonsDecimalCommasCRLFAndTextCodes() throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "excel-csv",
        ])
        #expect(run.stdout.hasPrefix("\u{FEFF}rank;id;status;key;"))
        #expect(run.stdout.contains("\r\n") && !run.stdout.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(run.stdout.contains(";\"=\"\"100001\"\"\";Simvastatin Teva;0,4000;"))
    }

    @Test func htmlEscapesEverythingAndIsSelfContained() throws {
        let catalogue = """
            period,product,name,unit_price,group,size_group,status
            2025-01,A,<script>alert(1)</script>,1,G&H,T1,PV
            2025-01,B,"Brand ""B"" & Co",3,G&H,T1,

            """
        let dispensing = "period,unit,product,quantity,cost\n2025-01,<b>U1</b>,B,10,30\n"
        let run = try BinaryRunner.run([
            "rank", "--dispensing", Fixtures.write(dispensing, named: "d.csv"), "--catalog",
            Fixtures.write(catalogue, named: "c.csv"),
            "--format", "html",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let html = run.stdout
        #expect(!html.contains("<script") && !html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("Care unit &lt;b&gt;U1&lt;/b&gt;"))
        #expect(html.contains("Brand &quot;B&quot; &amp; Co"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("http"), "no external resources")
        #expect(html.contains("page-break-before:always"))
    }
}
