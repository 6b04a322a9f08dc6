import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

@testable import MedSaveAnalysis
@testable import MedSaveOutput

/// The figures behind the report's charts, the estimate's monthly split, and the pieces the report is made of.
@Suite("Report: figures, monthly projection, charts, escaping")
struct ReportTests {
    static let inputs = BundledData.inputs

    static func monthlyRanking(_ rule: String = "pv") throws -> RankResult {
        var c = RankConfiguration(target: TargetRule(text: rule)!, byPeriod: true)
        c.rules = .shipped
        return try Ranking.rank(inputs.dispensing, catalogue: inputs.catalogue, configuration: c)
    }

    // MARK: Figures

    @Test(arguments: ["pv", "p10"])
    func groupsClassesAndMonthsEachAddUpToTheWindowsSaving(rule: String) throws {
        let monthly = try Self.monthlyRanking(rule)
        var c = RankConfiguration(target: TargetRule(text: rule)!)
        c.rules = .shipped
        let window = try Ranking.rank(Self.inputs.dispensing, catalogue: Self.inputs.catalogue, configuration: c)
        let f = ReportFigures(
            monthly: monthly, costByMonth: ReportFigures.costByMonth(Self.inputs.dispensing, window: PeriodRange()),
            group: ReportFigures.grouping(.atc1, catalogue: Self.inputs.catalogue))
        // Saving per window is the sum of the monthly savings, so every split sums to it.
        #expect(isClose(f.totalSaving, window.totalSaving, relative: 1e-9), "\(f.totalSaving) vs \(window.totalSaving)")
        #expect(isClose(f.groups.reduce(0) { $0 + $1.saving }, window.totalSaving, relative: 1e-9))
        #expect(isClose(f.classSavings.reduce(0) { $0 + $1.saving }, window.totalSaving, relative: 1e-9))
        #expect(isClose(f.months.reduce(0) { $0 + $1.saving }, window.totalSaving, relative: 1e-9))
        #expect(f.months.count == 12)
        #expect(zip(f.classSavings, f.classSavings.dropFirst()).allSatisfy { $0.saving >= $1.saving })
        #expect(zip(f.groups, f.groups.dropFirst()).allSatisfy { $0.saving >= $1.saving })
        #expect(isClose(f.share(ofTop: f.classSavings.count), 1, relative: 1e-12))
        // Monthly cost is every cell's cost, so it adds up to the cost read less the unreadable rows.
        let cost = f.months.reduce(0) { $0 + $1.cost }
        let read = Self.inputs.dispensing.costRead - Self.inputs.dispensing.badRowCost
        #expect(isClose(cost, read.doubleValue, relative: 1e-12))
    }

    @Test func paretoHelpersOnAHandCheckedCase() throws {
        // Classes saving 50, 30, 15 and 5 of 100.
        let f = ReportFigures(
            classSavings: [("A", 50), ("B", 30), ("C", 15), ("D", 5)].map { (EquivalenceClass(group: $0.0), $0.1) })
        #expect(f.share(ofTop: 1) == 0.5)
        #expect(isClose(f.share(ofTop: 2), 0.8))
        #expect(f.classes(holding: 0.5) == 1)
        #expect(f.classes(holding: 0.8) == 2)
        #expect(f.classes(holding: 0.81) == 3)
        #expect(f.classes(holding: 1) == 4)
    }

    // MARK: Monthly projection

    /// The bundled data read with patients as the bootstrap's clusters.
    static let byPatient: LoadedInputs = {
        var read = DispensingReadOptions()
        read.cluster = .patient
        return try! LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: [Fixtures.dataset("dispensing.csv.gz")],
                cataloguePaths: [Fixtures.dataset("catalogue.csv")],
                read: read))
    }()

    static func estimate(_ c: (inout EstimateConfiguration) -> Void) throws -> EstimateResult {
        var configuration = EstimateConfiguration(budgetYear: 2026)
        configuration.by = .atc1
        configuration.uptakes = [0.5, 1]
        configuration.bootstrap = 200
        configuration.monthly = true
        c(&configuration)
        let inputs = configuration.resample == .units ? Self.inputs : Self.byPatient
        return try BudgetEstimate.compute(inputs.dispensing, catalogue: inputs.catalogue, configuration: configuration)
    }

    @Test(arguments: [ResampleUnit.units, .patients])
    func monthsSumToTheYearAndFollowTheLinearTrend(resample: ResampleUnit) throws {
        let e = try Self.estimate { $0.resample = resample }
        #expect(e.monthly.map(\.key) == (1...12).map { String(format: "2026-%02d", $0) })
        for s in e.scenarios.indices {
            let sum = e.monthly.reduce(0) { $0 + $1.saving[s] }
            #expect(isClose(sum, e.total.saving[s], relative: 1e-9), "scenario \(s): \(sum) vs \(e.total.saving[s])")
            for m in e.monthly {
                #expect(
                    m.lower![s] <= m.saving[s] + 1e-6 && m.saving[s] <= m.upper![s] + 1e-6,
                    "\(m.key): point outside its interval")
            }
        }
        #expect(isClose(e.monthly.reduce(0) { $0 + $1.cost }, e.total.cost, relative: 1e-9))
        // Each series' volume is linear in the month, so with no series floored at zero the saving is too.
        try #require(e.fit.flooredSeries == 0)
        let saving = e.monthly.map { $0.saving[1] }
        let step = saving[1] - saving[0]
        for m in 1..<12 { #expect(abs(saving[m] - saving[m - 1] - step) <= 1e-6 * saving[m], "month \(m + 1)") }
        // At uptake α the month's saving and interval are α times the full ones.
        for m in e.monthly {
            #expect(isClose(m.saving[0], 0.5 * m.saving[1], relative: 1e-12))
            #expect(isClose(m.lower![0], 0.5 * m.lower![1], relative: 1e-9))
        }
    }

    @Test func withoutABootstrapTheMonthsAreTheSamePointsWithoutIntervals() throws {
        let with = try Self.estimate { $0.by = .total }
        let without = try Self.estimate {
            $0.by = .total
            $0.bootstrap = 0
        }
        #expect(without.monthly.map(\.saving) == with.monthly.map(\.saving))
        #expect(without.monthly.allSatisfy { $0.lower == nil && $0.upper == nil })
    }

    @Test func resamplingClustersThatWereNotReadIsAnError() throws {
        var c = EstimateConfiguration(budgetYear: 2026)
        c.resample = .patients
        #expect(throws: EstimateError.self) {
            try BudgetEstimate.compute(Self.inputs.dispensing, catalogue: Self.inputs.catalogue, configuration: c)
        }
    }

    @Test func noMonthlyRowsUnlessAsked() throws {
        let e = try Self.estimate { $0.monthly = false }
        #expect(e.monthly.isEmpty)
    }

    // MARK: Pieces

    @Test func svgTicksAreRoundAndCoverTheMaximum() {
        #expect(SVGChart.ticks(upTo: 1_827_057, count: 4) == [0, 500_000, 1_000_000, 1_500_000])
        #expect(SVGChart.axisMaximum([1_827_057]) == 2_000_000)
        #expect(SVGChart.axisMaximum([0.7]) == 0.8)
        #expect(SVGChart.axisMaximum([]) == 1)
        #expect(SVGChart.compact(979_940.85) == "979.9k")
        #expect(SVGChart.compact(500_000) == "500k")
        #expect(SVGChart.compact(2_000_000) == "2M")
        #expect(SVGChart.compact(1_230_914) == "1.23M")
        #expect(SVGChart.compact(42) == "42")
    }

    @Test func chartsEscapeTheirLabels() throws {
        let svg = SVGChart.bars([("<script>alert(1)</script> & \"co\"", 10), ("B", 5)], title: "T <b>", unit: "money")
        #expect(!svg.contains("<script"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;"))
        #expect(svg.contains("<title>T &lt;b&gt;</title>"))
        #expect(try WellFormed.check(svg) == nil)
    }

    @Test func markdownEscapesMarkupAndTableSeparators() {
        #expect(Markdown.escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(Markdown.escape("a|b *c* _d_ [e](f) `g` #h") == "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\` \\#h")
        #expect(Markdown.escape("two\nlines") == "two lines")
        let table = Markdown.table(header: ["a", "n"], rows: [["x|y", "1"]], numeric: [1])
        #expect(table == "| a | n |\n| --- | ---: |\n| x\\|y | 1 |\n\n")
    }

    @Test func groupedNumbersUseNarrowSpaces() {
        let nb = "\u{202F}"
        #expect(NumberFormat.grouped(2_461_828.17, decimals: 2) == "2\(nb)461\(nb)828.17")
        #expect(NumberFormat.grouped(-1234.5, decimals: 2) == "-1\(nb)234.50")
        #expect(NumberFormat.grouped(999, decimals: 0) == "999")
        #expect(NumberFormat.grouped(0.004, decimals: 2) == "0.00")
    }
}

@Suite("SHA-256 in pieces")
struct SHA256PiecesTests {
    @Test func piecesGiveTheDigestOfTheWhole() {
        var g = SeededGenerator(seed: 11)
        for length in [0, 1, 55, 56, 63, 64, 65, 1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            var hasher = SHA256.Hasher()
            var start = 0
            while start < bytes.count {
                let n = min(bytes.count - start, Int(g.next() % 70))
                hasher.update(bytes[start..<(start + n)])
                start += n
            }
            #expect(hasher.finalize() == SHA256.digest(bytes), "length \(length)")
        }
    }

    @Test func aFileHashesAsItsBytes() throws {
        var g = SeededGenerator(seed: 5)
        let bytes = (0..<(3 << 20) + 17).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        let path = Fixtures.write(bytes: bytes, named: "sha-file.bin")
        let result = try #require(SHA256.file(path))
        #expect(result.bytes == bytes.count)
        #expect(result.digest == SHA256.digest(bytes))
        #expect(SHA256.file("/nonexistent/file") == nil)
    }
}
