import Foundation
import MedSaveTestSupport
import Testing

@Suite("medsave impact, end to end")
struct ImpactCommandTests {
    static let lists = [
        "--from-catalog", catalogue, "--from-period", "2025-01", "--to-catalog", catalogue, "--to-period", "2025-02",
    ]

    @Test(arguments: [("table", "txt"), ("csv", "csv"), ("json", "json"), ("excel-csv", "excel.csv"), ("html", "html")])
    func outputMatchesGoldenFile(format: String, ext: String) throws {
        let run = try BinaryRunner.run(["impact", "--dispensing", dispensing] + Self.lists + ["--format", format])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(Golden.check(run.stdout, against: "impact-product.\(ext)") == nil)
        if format == "csv" { #expect(Golden.check(run.stderr, against: "impact-product.stderr") == nil) }
        if format == "html" { #expect(try WellFormed.check(run.stdout) == nil) }
    }

    @Test func monthlySeriesAndUnpricedFile() throws {
        let unpriced = Fixtures.temporaryDirectory().appendingPathComponent("unpriced.csv").path
        let run = try BinaryRunner.run(
            [
                "impact", "--dispensing", dispensing, "--from-catalog", catalogue, "--to-catalog", catalogue,
                "--to-period", "2025-02",
                "--by", "period", "--format", "csv", "--unpriced", unpriced,
            ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(Golden.check(run.stdout, against: "impact-period.csv") == nil)
        #expect(FileManager.default.fileExists(atPath: unpriced))
    }

    @Test func aPeriodTheListLacksIsAnError() throws {
        let run = try BinaryRunner.run(
            [
                "impact", "--dispensing", dispensing, "--from-catalog", catalogue, "--from-period", "2024-12",
                "--to-catalog", catalogue,
            ])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("--from-period 2024-12: the list has no such period; it has 2025-01, 2025-02"))
    }

    @Test func areasNeedAnAreaFile() throws {
        let run = try BinaryRunner.run(["impact", "--dispensing", dispensing] + Self.lists + ["--by", "area"])
        #expect(run.exitCode == 64)
        #expect(run.stderr.contains("--by area needs --areas PATH"))
    }

    @Test(.enabled(if: Fixtures.hasSharedData, "../shared/data is not beside the checkout"))
    func nationalConcessionSeries() throws {
        let folder = Fixtures.shared("uk-price-concessions")
        let run = try BinaryRunner.run([
            "impact", "--dispensing", folder + "/ncso_df.csv", "--preset", "ncso",
            "--from-catalog", "uk-tariff:" + folder + "/pc_df.csv", "--to-catalog",
            "uk-concession:" + folder + "/pc_df.csv",
            "--by", "period", "--period", "2022-01..2022-09", "--format", "csv",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        // Checked against a plain Python loop over the same two files (README, "Price concessions").
        #expect(run.stdout.contains("2022-06,260066268,19612644.66,34032657.20,14420012.54,73.5,105\n"))
        #expect(run.stderr.contains("unpriced: 1 products"))
    }
}
