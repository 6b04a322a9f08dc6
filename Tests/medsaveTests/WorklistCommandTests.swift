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

@Suite("Levels, thresholds and target lists, end to end")
struct LevelCommandTests {
    let base = ["rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "csv", "--rules", "none"]

    func column(_ csv: String, _ name: String) -> [String] {
        let lines = csv.split(separator: "\n").map { ReferenceRanking.split($0) }
        guard let i = lines.first?.firstIndex(of: name) else { return [] }
        return lines.dropFirst().map { $0[i] }
    }

    @Test func theDefaultThresholdDependsOnTheLevelAndIsSaid() throws {
        let unit = try BinaryRunner.run(base)
        #expect(column(unit.stdout, "saving") == ["80.00", "50.00"], "both pass the unit level's 10")
        #expect(unit.stderr.contains("(rows saving at least 10.00; --min-saving 0 lists all)"), "\(unit.stderr)")
        let byClass = try BinaryRunner.run(base + ["--level", "class"])
        #expect(column(byClass.stdout, "saving").isEmpty, "neither class saves the class level's 200")
        #expect(byClass.stderr.contains("saving: 130.00 SEK in 2 opportunities"), "the total counts every row")
        let all = try BinaryRunner.run(base + ["--level", "class", "--min-saving", "0"])
        #expect(column(all.stdout, "key") == ["all", "all"])
        #expect(column(all.stdout, "units") == ["2", "1"], "U1 and U2 bought G1/T23; only U2 bought G2")
        #expect(column(all.stdout, "top_units") == ["U1 80.00", "U2 50.00"])
        #expect(column(all.stdout, "latest_month_saving") == ["80.00", "0.00"], "G2 was bought in January only")
        #expect(!unit.stdout.contains("top_units"), "the unit level has no units columns")
    }

    @Test func areasAndRegionsSumTheirUnits() throws {
        let areas = Fixtures.write("unit,area,region\nU1,North,R\nU2,South,R\n", named: "areas.csv")
        let byArea = try BinaryRunner.run(base + ["--level", "area", "--areas", areas, "--min-saving", "0"])
        #expect(byArea.exitCode == 0, "\(byArea.stderr)")
        #expect(column(byArea.stdout, "key") == ["North", "South"])
        let byRegion = try BinaryRunner.run(
            base + ["--level", "region", "--areas", areas, "--format", "json", "--min-saving", "0"])
        #expect(byRegion.stdout.contains("\"key\": \"R\""))
        #expect(byRegion.stdout.contains("\"units\": 2"))
        let missing = try BinaryRunner.run(base + ["--level", "area"])
        #expect(missing.exitCode == 64 && missing.stderr.contains("--level area needs --areas PATH"))
        let noRegion = Fixtures.write("unit,area\nU1,North\n", named: "areas-only.csv")
        let refused = try BinaryRunner.run(base + ["--level", "region", "--areas", noRegion])
        #expect(refused.exitCode != 0 && refused.stderr.contains("needs a region column"), "\(refused.stderr)")
        let conflict = Fixtures.write("unit,area,region\nU1,North,R\nU2,North,S\n", named: "areas-bad.csv")
        let bad = try BinaryRunner.run(base + ["--level", "region", "--areas", conflict])
        #expect(bad.stderr.contains("areas-bad.csv:3:3"), "\(bad.stderr)")
    }

    @Test func aTargetListSetsTheTargetAndNamesItsProduct() throws {
        let list = Fixtures.write("class,unit_price,product\nG1/T23,0.45,100002\n", named: "targets.csv")
        let run = try BinaryRunner.run(base + ["--target", "list:\(list)"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(column(run.stdout, "suggested_code") == ["100002"])
        #expect(column(run.stdout, "target_ppu") == ["0.4500"])
        // U1, substitutable rows only: January 50 − 100 × 0.45 = 5; February 100 − 50 × 0.45 = 77.50.
        #expect(column(run.stdout, "saving") == ["82.50"])
        #expect(run.stderr.contains("no target 1)"), "G2 is not in the list: \(run.stderr)")
        let broken = Fixtures.write("class,unit_price\nG1/T23,abc\n", named: "targets-bad.csv")
        let bad = try BinaryRunner.run(base + ["--target", "list:\(broken)"])
        #expect(bad.exitCode != 0 && bad.stderr.contains("targets-bad.csv:2:2"), "\(bad.stderr)")
        let estimate = try BinaryRunner.run([
            "estimate", "--dispensing", dispensing, "--catalog", catalogue, "--target", "list:\(list)",
            "--budget-year", "2026",
        ])
        #expect(estimate.exitCode == 64 && estimate.stderr.contains("applies to rank and explain"))
        let overwrite = try BinaryRunner.run(base + ["--target", "list:\(list)", "--output", list])
        #expect(overwrite.exitCode != 0 && overwrite.stderr.contains("is one of this run's inputs"))
    }
}
