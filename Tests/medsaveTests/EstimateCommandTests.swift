import Foundation
import MedSaveTestSupport
import Testing

@Suite("medsave estimate, end to end")
struct EstimateCommandTests {
    static let byUnit = [
        "estimate", "--dispensing", "Tests/Fixtures/estimate-dispensing.csv", "--catalog", catalogue, "--budget-year",
        "2025",
        "--by", "unit", "--uptake", "0.5,1", "--bootstrap", "200", "--seed", "7", "--resample", "patients",
    ]

    @Test(arguments: [("table", "txt"), ("csv", "csv"), ("json", "json"), ("excel-csv", "excel.csv"), ("html", "html")])
    func outputMatchesGoldenFile(format: String, ext: String) throws {
        let run = try BinaryRunner.run(Self.byUnit + ["--format", format])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(Golden.check(run.stdout, against: "estimate-unit.\(ext)") == nil)
        if format == "csv" { #expect(Golden.check(run.stderr, against: "estimate-unit.stderr") == nil) }
        if format == "html" { #expect(try WellFormed.check(run.stdout) == nil) }
    }

    /// What a reader of the published table can work out: the total minus the shown rows is the sum of the
    /// suppressed ones. With two or more suppressed rows that sum does not give any one of them.
    @Test func suppressedRowsCannotBeRecoveredFromTheTotal() throws {
        let run = try BinaryRunner.run(Self.byUnit + ["--format", "csv"])
        let lines = run.stdout.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        for uptake in ["0.50", "1.00"] {
            let rows = lines.filter { $0[3] == uptake }
            let suppressed = rows.filter { $0.last == "suppressed" }
            let shown = rows.filter { $0.last == "shown" && $0[0] != "all" }.map { Double($0[7])! }.reduce(0, +)
            let total = Double(rows.first { $0[0] == "all" }![7])!
            #expect(suppressed.count >= 2, "one suppressed row would be the total minus the others")
            #expect(
                suppressed.allSatisfy { $0[5...10].allSatisfy(\.isEmpty) }, "no figure of a suppressed row is shown")
            #expect(total - shown > 0.005, "the suppressed rows' sum is all that can be worked out")
        }
        #expect(run.stderr.contains("disclosure: 1 rows under 5 patients suppressed, 1 more"))
    }

    @Test func sameInputsGiveTheSameBytes() throws {
        let args = [
            "estimate", "--dispensing", "datasets/dispensing.csv.gz", "--catalog", "datasets/catalogue.csv",
            "--budget-year", "2026",
            "--by", "atc1", "--target", "pv,p10", "--uptake", "0.5,1", "--resample", "prescribers", "--bootstrap",
            "100", "--format", "json",
        ]
        let a = try BinaryRunner.run(args), b = try BinaryRunner.run(args)
        #expect(a.exitCode == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout && a.stderr == b.stderr)
        #expect(a.stdout.contains("\"balanced\": true"))
    }

    @Test(arguments: [
        (["--uptake", "1.5"], "--uptake 1.5: expected a fraction from 0 to 1"),
        (["--target", "pv,pv"], "--target names pv twice"),
        (["--by", "period"], "--by period: estimate breaks down by total"),
        (["--bootstrap=-1"], "--bootstrap must be from 0 to 100000"),
        (["--by", "area"], "--by area needs --areas PATH"),
        (["--groups", "bnf"], "estimate prices the budget year with catalogue prices"),
    ])
    func usageErrors(extra: [String], message: String) throws {
        let run = try BinaryRunner.run(
            ["estimate", "--dispensing", dispensing, "--catalog", catalogue, "--budget-year", "2026"] + extra)
        #expect(run.exitCode == 64)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    @Test(arguments: [
        (["--seasonal"], "the seasonal model needs at least 12 months of history; the window has 2 (2025-01..2025-02)"),
        (
            ["--price-period", "2024-06"],
            "--price-period 2024-06: the catalogue has no such period; it has 2025-01, 2025-02"
        ),
        (
            ["--period", "2026-01.."],
            "no dispensing in the window can be priced and classed by the catalogue of 2025-02"
        ),
    ])
    func dataErrors(extra: [String], message: String) throws {
        let run = try BinaryRunner.run(
            ["estimate", "--dispensing", dispensing, "--catalog", catalogue, "--budget-year", "2026"] + extra)
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("medsave: error: " + message), "\(run.stderr)")
    }

    @Test func resamplingPatientsNeedsAPatientColumn() throws {
        let d = Fixtures.write(
            "period,unit,product,quantity,cost\n2025-01,U1,100003,10,20\n2025-02,U1,100003,10,20\n", named: "d.csv")
        let run = try BinaryRunner.run(
            ["estimate", "--dispensing", d, "--catalog", catalogue, "--budget-year", "2026", "--resample", "patients"])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("--resample patients: the dispensing files have no patient column"))
        let plain = try BinaryRunner.run([
            "estimate", "--dispensing", d, "--catalog", catalogue, "--budget-year", "2026", "--format", "csv",
        ])
        #expect(plain.exitCode == 0, "\(plain.stderr)")
        #expect(
            plain.stderr.contains(
                "disclosure: the data has no patient ids, so no row could be checked; none suppressed"))
    }

    @Test func areasGroupUnits() throws {
        let areas = Fixtures.write("unit,area\nU1,North\nU2,North\nU3,South\n", named: "areas.csv")
        let run = try BinaryRunner.run(
            [
                "estimate", "--dispensing", "Tests/Fixtures/estimate-dispensing.csv", "--catalog", catalogue,
                "--budget-year", "2025",
                "--by", "area", "--areas", areas, "--format", "csv", "--suppress-below", "0",
            ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\nNorth,,pv,1.00,2025,"))
        #expect(run.stdout.contains("\nSouth,,pv,1.00,2025,"))
        #expect(run.stderr.contains("bootstrap: units are drawn within each row (stratified)"))
    }
}
