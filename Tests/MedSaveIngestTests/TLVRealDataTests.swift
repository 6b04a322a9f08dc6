import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

/// TLV's real published files in ../shared/data. Skipped, with this reason, where that folder is absent.
@Suite(
    "TLV's real lists and price list",
    .enabled(if: Fixtures.hasSharedData, "../shared/data is not beside the checkout: real-data tests skipped"))
struct TLVRealDataTests {
    static let folder = Fixtures.shared("se-tlv-periodens-varor")

    /// Rows per month as PROVENANCE.md states them ("2401 7296 · 2402 7256 · …").
    static let expectedRows: [String: Int] = {
        guard let text = try? String(contentsOfFile: folder + "/PROVENANCE.md", encoding: .utf8) else { return [:] }
        let pattern = try! NSRegularExpression(pattern: "\\b(2[0-9][01][0-9]) ([0-9]{4})\\b")
        var counts: [String: Int] = [:]
        for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            counts[String(text[Range(m.range(at: 1), in: text)!])] = Int(text[Range(m.range(at: 2), in: text)!])
        }
        return counts
    }()

    static let months: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/xlsx")) ?? []
        return files.filter { $0.hasSuffix(".xlsx") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func provenanceListsTwentyFiveMonths() {
        #expect(Self.expectedRows.count == 25)
        #expect(Self.months.count == 25)
    }

    @Test(arguments: months)
    func everyWorkbookLoadsWithItsPublishedRowCount(month: String) throws {
        let result = try PeriodensVarorReader.read(path: "\(Self.folder)/xlsx/\(month).xlsx")
        #expect(result.rowsPerPeriod.count == 1)
        #expect(result.rowsPerPeriod.first?.period.description == "20\(month.prefix(2))-\(month.suffix(2))")
        #expect(result.entries.count == Self.expectedRows[month], "\(month)")
        #expect(result.entries.allSatisfy { $0.product.count == 6 && $0.equivalenceClass != nil })
        #expect(
            result.problems.allSatisfy { $0.message.hasPrefix("TLV's missing-value marker") },
            "\(result.problems.prefix(3))")
    }

    @Test func february2026HasItsPublishedStatusCounts() throws {
        let entries = try PeriodensVarorReader.read(path: "\(Self.folder)/xlsx/2602.xlsx").entries
        #expect(entries.filter { $0.status == .pv }.count == 1637)
        #expect(entries.filter { $0.status == .r1 }.count == 1141)
        #expect(entries.filter { $0.status == .r2 }.count == 698)
        let abacavir = try #require(entries.first { $0.product == "381027" })
        #expect(abacavir.equivalenceClass?.description == "111603/T21")
        #expect(abacavir.packSize == 60)
    }

    @Test func march2024HasPreambleRowsAndRankInsteadOfStatus() throws {
        let result = try PeriodensVarorReader.read(path: "\(Self.folder)/xlsx/2403.xlsx")
        #expect(result.entries.count == 7211)
        #expect(result.entries.allSatisfy { $0.status == ProductStatus.none }, "no status was published that month")
        #expect(PeriodensVarorReader.period(sheetName: "20240301-20240331")?.description == "2024-03")
        #expect(PeriodensVarorReader.period(sheetName: "240101-240131")?.description == "2024-01")
    }

    @Test func missingValueMarkersAreProblemsAndTheRowsAreKept() throws {
        let result = try PeriodensVarorReader.read(path: "\(Self.folder)/periodens_varor_2401_2602.csv.gz")
        let markers = result.problems.filter { $0.message.hasPrefix("TLV's missing-value marker") }
        #expect(markers.count == 12)
        #expect(markers.allSatisfy { $0.field == "Ursprung" && $0.found == "-2147483648" })
        #expect(result.entries.count == 188_149, "the stacked CSV loads too, every row kept")
        for (period, rows) in result.rowsPerPeriod {
            let key = String(period.description.dropFirst(2)).replacingOccurrences(of: "-", with: "")
            #expect(rows == Self.expectedRows[key], "\(period)")
        }
    }

    @Test func priceListJoinsATCCodesOnVarunummer() throws {
        let prices = Fixtures.shared("se-tlv-prislista")
        for file in ["MEDPrice.xlsx", "tlv_prislista_2026-01.csv"] {
            let list = try PriceListReader.read(path: "\(prices)/\(file)")
            #expect(list.entries.count + list.problems.count == 14_202, "\(file): every row is used or reported")
            #expect(list.problems.count == 6)
            #expect(list.problems.allSatisfy { $0.field == "Varunummer" && $0.found == "" })
        }
        let (catalogue, _) = try CatalogueLoader.load([
            "\(Self.folder)/xlsx/2601.xlsx", "\(prices)/tlv_prislista_2026-01.csv",
        ])
        let jan = Period(year: 2026, month: 1)
        let abacavir = try #require(catalogue.entry(product: "178182", period: jan))
        #expect(abacavir.atc == "J05AF06")
        #expect(abacavir.equivalenceClass != nil)
        let inList = catalogue.entries.filter { $0.period == jan }
        #expect(Double(inList.filter { !$0.atc.isEmpty }.count) / Double(inList.count) > 0.9)
        #expect(
            catalogue.entries.contains { $0.period == nil && $0.equivalenceClass == nil && !$0.atc.isEmpty },
            "products outside the exchange system come from the price list")
    }
}

extension TLVRealDataTests {
    @Test func catalogueStatisticsForFebruary2026() throws {
        let (catalogue, _) = try CatalogueLoader.load(["\(Self.folder)/xlsx/2602.xlsx"])
        let stats = try #require(CatalogueStatistics.monthly(catalogue).first)
        #expect(stats.period.description == "2026-02")
        #expect(stats.rows == 7867)
        #expect(stats.classesWithOnePV + stats.classesWithSeveralPV + stats.classesWithoutPV == stats.classes)
        // About a fifth of cells have no PV, and in some the PV is not the cheapest.
        #expect((0.1...0.3).contains(Double(stats.classesWithoutPV) / Double(stats.classes)))
        #expect(stats.classesWherePVIsNotCheapest > 0)
    }
}

extension TLVRealDataTests {
    /// Sample dispensing over real varunummer and prices (datasets/generate.py --tlv-csv), ranked against TLV's
    /// workbook as published, equals the plain-loop reference over the generator's own native copy of that list.
    @Test func pvSavingsOnARealMonthEqualThePlainLoop() throws {
        let dir = Fixtures.temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Fixtures.dataset("generate.py"), "--tlv-csv", "\(Self.folder)/periodens_varor_2401_2602.csv.gz",
            "--tlv-month", "2602", "--rows-per-month", "5000", "--out", dir.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let dispensing = dir.appendingPathComponent("dispensing.csv.gz").path
        let inputs = try LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: [dispensing], cataloguePaths: ["tlv:\(Self.folder)/xlsx/2602.xlsx"],
                read: DispensingReadOptions()))
        let result = try Ranking.rank(
            inputs.dispensing, classifier: inputs.classifier, configuration: RankConfiguration(target: .pv))
        let reference = ReferenceRanking.totals(
            dispensingCSV: try ReferenceRanking.gunzip(dispensing),
            catalogueCSV: try String(contentsOf: dir.appendingPathComponent("catalogue.csv"), encoding: .utf8),
            target: .pv)
        #expect(result.totalSaving > 0)
        #expect(
            isClose(result.totalSaving, reference.saving, relative: 1e-9),
            "\(result.totalSaving) vs \(reference.saving)")
        #expect(result.reconciliation.isBalanced)
        #expect(result.reconciliation.rowsRead == reference.rows)
    }
}

@Suite(
    "Class descriptions on the real February 2026 list",
    .enabled(if: Fixtures.hasSharedData, "../shared/data is not beside the checkout: real-data tests skipped"))
struct ClassDescriptionRealTLVTests {
    @Test func everyClassIsDescribedWithItsSubstanceAndPackSizes() throws {
        let path = Fixtures.shared("se-tlv-periodens-varor") + "/xlsx/2602.xlsx"
        let catalogue = try CatalogueLoader.load(["tlv:\(path)"]).catalogue
        let month = Period(year: 2026, month: 2)
        let classes = Set(catalogue.entries.compactMap(\.equivalenceClass))
        try #require(classes.count > 1000)
        for c in classes {
            let text = try #require(catalogue.describe(c, in: month), "\(c)")
            let members = catalogue.members(of: c, in: month)
            #expect(members.contains { !$0.substance.isEmpty && text.hasPrefix($0.substance) }, "\(c): \(text)")
            #expect(text.hasSuffix(" st") || text.hasSuffix(" ml") || text.hasSuffix(" g"), "\(c): \(text)")
        }
    }
}
