import Foundation
import MedSaveCore
import MedSaveSupport
import MedSaveTestSupport
import Testing

/// `medsave merge`: runs over separate months, each written as partials (`Ranking.partials`) and read back,
/// merge into the window's ranking exactly; overlapping months and other configurations are refused.
@Suite("Partials of separate runs, merged")
struct MergeTests {
    static let data = MonthFoldTests.data

    /// Through JSON and back, as `rank --partial` writes and `merge` reads them.
    static func roundTrip(_ partials: [RankPartial]) throws -> [RankPartial] {
        let encoder = JSONEncoder()
        return try partials.map { try JSONDecoder().decode(RankPartial.self, from: encoder.encode($0)) }
    }

    /// The opportunities without their patient counts, which partials do not carry.
    static func withoutPatients(_ r: RankResult) -> [Opportunity] {
        r.opportunities.map {
            var o = $0
            o.patients = nil
            return o
        }
    }

    @Test(arguments: [RankLevel.unit, .prescriber, .area, .all], [TargetRule.pv, .percentile(10)])
    func runsOverSeparateMonthsMergeAsOneRun(level: RankLevel, rule: TargetRule) throws {
        let catalogue = try MonthFoldTests.catalogue()
        let organisation = level.organisationColumn
        let all = try MonthFoldTests.read(Self.data.lines, organisation: organisation, name: "merge-all.csv")
        // Two runs: the first two months, and the last two (read, summed and written apart).
        let runs = try [Array(Self.data.months.prefix(2)), Array(Self.data.months.suffix(2))].map { months in
            try MonthFoldTests.read(
                Self.data.lines.filter { months.contains(RandomDispensing.month($0)) }, organisation: organisation,
                name: "merge-\(months[0]).csv")
        }
        for byPeriod in [false, true] {
            let c = try MonthFoldTests.configuration(level, rule, byPeriod: byPeriod)
            let once = try Ranking.rank(all, catalogue: catalogue, configuration: c)
            let partials = try runs.flatMap {
                try Self.roundTrip(Ranking.partials($0, classifier: catalogue, configuration: c))
            }
            #expect(partials.map(\.month.description) == Self.data.months)
            let merged = try Ranking.merge(partials.map { p in { p } }, classifier: catalogue, configuration: c)
            #expect(Self.withoutPatients(merged) == Self.withoutPatients(once), "by period: \(byPeriod)")
            #expect(merged.excluded.count == once.excluded.count)
            #expect(merged.blocked == once.blocked)
            #expect(merged.totalSaving == once.totalSaving)
            #expect(merged.reconciliation == once.reconciliation && merged.reconciliation.isBalanced)
        }
    }

    /// Hand-checked: January 10 units for 90 against the cheapest price 1 saves 80; February 30 units for 90
    /// against 2 saves 30. The window: Q 40, C 180, saving 110, blended target (10·1 + 30·2) / 40 = 1.75, the
    /// latest month's saving 30 and February's suggestion.
    @Test func twoMonthlyRunsRebuildTheBlendedTarget() throws {
        let catalogue = try LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: [],
                cataloguePaths: [
                    Fixtures.write(
                        "period,product,name,unit_price,group,size_group\n2025-01,A,Alfa,1,G,T1\n2025-01,B,Beta,9,G,T1\n"
                            + "2025-02,A,Alfa,3,G,T1\n2025-02,C,Gamma,2,G,T1\n2025-02,B,Beta,9,G,T1\n",
                        named: "merge-c.csv")
                ], read: DispensingReadOptions(organisation: .unit))
        ).catalogue
        let c = RankConfiguration(target: .cheapest)
        let january = try DispensingReader.read(
            paths: [Fixtures.write("period,unit,product,quantity,cost\n2025-01,U1,B,10,90\n", named: "m-jan.csv")],
            options: DispensingReadOptions(organisation: .unit))
        let february = try DispensingReader.read(
            paths: [Fixtures.write("period,unit,product,quantity,cost\n2025-02,U1,B,30,90\n", named: "m-feb.csv")],
            options: DispensingReadOptions(organisation: .unit))
        let partials = try [january, february].flatMap {
            try Self.roundTrip(Ranking.partials($0, classifier: catalogue, configuration: c))
        }
        let merged = try Ranking.merge(partials.map { p in { p } }, classifier: catalogue, configuration: c)
        let o = try #require(merged.opportunities.first)
        #expect(merged.opportunities.count == 1)
        #expect(o.quantity == FixedDecimal(40) && o.cost == FixedDecimal(180))
        #expect(o.saving == 110 && o.latestSaving == 30)
        #expect(o.targetPPU == 1.75)
        #expect(o.suggested?.code == "C" && o.suggested?.name == "Gamma", "the newest month's cheapest")
        #expect("\(o.periodFrom)..\(o.periodTo)" == "2025-01..2025-02")
        #expect(merged.reconciliation.rowsRead == 2 && merged.reconciliation.isBalanced)
    }

    @Test func overlappingMonthsAndOtherConfigurationsAreRefused() throws {
        let catalogue = try MonthFoldTests.catalogue()
        let c = RankConfiguration(target: .cheapest)
        let first = try MonthFoldTests.read(
            Self.data.lines.filter { Self.data.months.prefix(2).contains(RandomDispensing.month($0)) },
            organisation: .unit, name: "merge-a.csv")
        let second = try MonthFoldTests.read(
            Self.data.lines.filter { Self.data.months.dropFirst().prefix(2).contains(RandomDispensing.month($0)) },
            organisation: .unit, name: "merge-b.csv")
        let a = try Ranking.partials(first, classifier: catalogue, configuration: c)
        let b = try Ranking.partials(second, classifier: catalogue, configuration: c)
        #expect(throws: MonthOrderError.self, "both runs have the second month") {
            try Ranking.merge((a + b).map { p in { p } }, classifier: catalogue, configuration: c)
        }
        for other in [
            RankConfiguration(target: .pv), RankConfiguration(target: .cheapest, level: .prescriber),
            RankConfiguration(target: .cheapest, periods: PeriodRange(text: "2025-01")!),
        ] {
            #expect(throws: MergeError.self) {
                try Ranking.merge(a.map { p in { p } }, classifier: catalogue, configuration: other)
            }
        }
        var ruled = c
        ruled.rules = .shipped
        #expect(throws: MergeError.self, "other rules") {
            try Ranking.merge(a.map { p in { p } }, classifier: catalogue, configuration: ruled)
        }
    }
}
