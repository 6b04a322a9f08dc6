import Foundation
import MedSaveTestSupport
import Testing

/// The pharmacist's worklist from the command line: current advice, drill-down filters, currency.
@Suite("medsave rank as a worklist, end to end")
struct WorklistCommandTests {
    let base = ["rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "csv", "--rules", "none"]

    /// The CSV's rows (header dropped), split into fields (the fixture has no quoted commas in these columns).
    func rows(_ csv: String) -> [[String]] {
        csv.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test func filtersNarrowTheListButNotTheTotals() throws {
        let all = try BinaryRunner.run(base)
        let both = rows(all.stdout)
        try #require(both.count == 2)
        let byClass = try BinaryRunner.run(base + ["--class", "G1/T23"])
        #expect(byClass.exitCode == 0, "\(byClass.stderr)")
        #expect(rows(byClass.stdout).map { $0[4] } == ["G1/T23"])
        #expect(byClass.stderr.contains("filter: 1 of 2 opportunities match"))
        #expect(byClass.stderr.contains("saving: 130.00 SEK in 2 opportunities"), "totals still count all")
        let byUnit = try BinaryRunner.run(base + ["--unit", "U2"])
        #expect(rows(byUnit.stdout).map { $0[3] } == ["U2"])
        let id = both[1][1]
        let byID = try BinaryRunner.run(base + ["--id", id.uppercased()])
        #expect(rows(byID.stdout).map { $0[1] } == [id], "ids are matched whatever their case")
        let none = try BinaryRunner.run(base + ["--class", "nowhere"])
        #expect(none.exitCode == 0 && rows(none.stdout).isEmpty)
        #expect(none.stderr.contains("filter: 0 of 2 opportunities match"))
    }

    @Test func asOfChoosesTheListOfTheAdviceAndRefusesAMonthWithoutOne() throws {
        let newest = try BinaryRunner.run(base + ["--class", "G1/T23"])
        #expect(newest.stdout.contains(",100001,Simvastatin Teva,0.4000,"))
        #expect(newest.stderr.contains("advice: the suggested products are those of the 2025-02 list"))
        let january = try BinaryRunner.run(base + ["--class", "G1/T23", "--as-of", "2025-01"])
        #expect(january.stdout.contains(",100001,Simvastatin Teva,0.5000,"))
        #expect(january.stdout.contains("no-longer-pv") == false, "nothing before January to compare with")
        let missing = try BinaryRunner.run(base + ["--as-of", "2024-05"])
        #expect(missing.exitCode == 1)
        #expect(
            missing.stderr.contains(
                "--as-of 2024-05: the catalogue has no list for that month (it has 2025-01…2025-02, 2 months)"),
            "\(missing.stderr)")
        let malformed = try BinaryRunner.run(base + ["--as-of", "2025"])
        #expect(malformed.exitCode == 64)
    }

    @Test func theCurrencyIsNamedAndCanBeGiven() throws {
        let json = try BinaryRunner.run(base + ["--format", "json", "--currency", "nok"])
        #expect(json.stdout.contains("\"currency\": \"NOK\""))
        #expect(json.stderr.contains("saving: 130.00 NOK in"))
        let bad = try BinaryRunner.run(base + ["--currency", "kronor"])
        #expect(bad.exitCode == 64 && bad.stderr.contains("three-letter code"))
    }
}

@Suite("A window outside the data, end to end")
struct PeriodOutsideDataTests {
    @Test func theSummarySaysWhatTheDataCovers() throws {
        let run = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "csv", "--period",
            "2024-01..2024-06",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(
            run.stderr.contains("period: no row falls in --period 2024-01..2024-06; the data covers 2025-01..2025-02"),
            "\(run.stderr)")
        let inside = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "csv", "--period", "2025-02",
        ])
        #expect(!inside.stderr.contains("the data covers"))
    }
}

@Suite("A month without a list, end to end")
struct MonthWithoutListTests {
    @Test func rowsOfAMonthNoCatalogueListsAreSetAsideAsSuchNotAsUnknownProducts() throws {
        let path = Fixtures.write(
            "period,unit,product,quantity,cost\n2025-01,U1,100003,100,200.00\n2025-03,U1,100003,100,200.00\n",
            named: "march.csv")
        let run = try BinaryRunner.run([
            "rank", "--dispensing", path, "--catalog", catalogue, "--format", "csv", "--rules", "none",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stderr.contains("rows: 2 read = 1 used + 1 set aside (no catalogue month 1)"), "\(run.stderr)")
        let json = try BinaryRunner.run([
            "rank", "--dispensing", path, "--catalog", catalogue, "--format", "json", "--rules", "none",
        ])
        #expect(json.stdout.contains("\"no_catalogue_month\""), "\(json.stdout.prefix(600))")
    }
}
