import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

/// Ranks CSV texts written to temporary files.
func rank(dispensing: String, catalogue: String, _ configuration: RankConfiguration) throws -> RankResult {
    let inputs = try LoadedInputs.load(
        InputConfiguration(
            dispensingPaths: [Fixtures.write(dispensing, named: "d.csv")],
            cataloguePaths: [Fixtures.write(catalogue, named: "c.csv")],
            read: DispensingReadOptions(organisation: configuration.level.organisationColumn)))
    return try Ranking.rank(inputs.dispensing, catalogue: inputs.catalogue, configuration: configuration)
}

func rankFixture(_ configuration: RankConfiguration) throws -> RankResult {
    let inputs = try LoadedInputs.load(
        InputConfiguration(
            dispensingPaths: [Fixtures.path("dispensing.csv")], cataloguePaths: [Fixtures.path("catalogue.csv")],
            read: DispensingReadOptions(organisation: configuration.level.organisationColumn)))
    return try Ranking.rank(inputs.dispensing, catalogue: inputs.catalogue, configuration: configuration)
}

let header = "period,unit,product,quantity,cost\n"
let plainCatalogue =
    "period,product,unit_price,group,size_group\n2025-01,A,1,G,T1\n2025-01,B,9,G,T1\n2025-01,S,2,H,T1\n"

@Suite("Percentile targets (OpenPrescribing's price-per-unit method), hand-checked")
struct PercentileTargetTests {
    @Test func percentileFunctionInterpolatesLinearly() {
        #expect(percentile([3, 1, 2], 50) == 2)
        #expect(isClose(percentile([1, 1.5, 3], 10)!, 1.1))
        #expect(isClose(percentile(Array(1...10).map(Double.init), 10)!, 1.9))
        #expect(percentile([4], 10) == 4)
        #expect(percentile([], 10) == nil)
        #expect(percentile([1, 2], 100) == 2)
    }

    @Test func threeOrganisations() throws {
        // PPUs 1.0, 1.5, 3.0: p10 at h = 0.2 → 1.1; savings 0, 40, 190.
        let d = header + "2025-01,U1,A,100,100\n2025-01,U2,A,100,150\n2025-01,U3,B,100,300\n"
        let r = try rank(dispensing: d, catalogue: plainCatalogue, RankConfiguration(target: .percentile(10)))
        #expect(r.opportunities.map(\.key) == ["U3", "U2"])
        #expect(isClose(r.opportunities[0].saving, 190))
        #expect(isClose(r.opportunities[1].saving, 40))
        #expect(isClose(r.opportunities[0].targetPPU!, 1.1))
        #expect(isClose(r.totalSaving, 230))
        #expect(r.opportunities[0].suggested == nil, "a percentile target names no product")
    }

    @Test func tenOrganisationsInterpolate() throws {
        // PPUs 1…10 with Q = 10: p10 at h = 0.9 → 1.9; savings Σ_{k=2}^{10} (10k − 19) = 369.
        let d = header + (1...10).map { "2025-01,U\($0),A,10,\(10 * $0)\n" }.joined()
        let r = try rank(dispensing: d, catalogue: plainCatalogue, RankConfiguration(target: .percentile(10)))
        #expect(isClose(r.totalSaving, 369))
        #expect(r.opportunityCount == 9)
        let median = try rank(dispensing: d, catalogue: plainCatalogue, RankConfiguration(target: .percentile(50)))
        #expect(isClose(median.totalSaving, (6...10).reduce(0.0) { $0 + Double(10 * $1) - 55 }))
    }

    @Test func zeroQuantityWithCostIsIgnoredForTheTargetAndSavesItsWholeCost() throws {
        let d = header + "2025-01,U1,A,100,100\n2025-01,U2,A,100,150\n2025-01,U3,B,100,300\n2025-01,U4,A,0,50\n"
        let r = try rank(dispensing: d, catalogue: plainCatalogue, RankConfiguration(target: .percentile(10)))
        let u4 = try #require(r.opportunities.first { $0.key == "U4" })
        #expect(isClose(u4.saving, 50))
        #expect(u4.ppu == nil)
        #expect(u4.flags.contains("zero-quantity"))
        #expect(isClose(r.totalSaving, 280), "U4 does not move the target: still 1.1")
    }

    @Test func thresholdAppliesAtTheLevelShownButTheTotalKeepsEverything() throws {
        let d = header + "2025-01,U1,A,100,100\n2025-01,U2,A,100,150\n2025-01,U3,B,100,300\n"
        let r = try rank(
            dispensing: d, catalogue: plainCatalogue, RankConfiguration(target: .percentile(10), minSaving: 100))
        #expect(r.opportunities.map(\.key) == ["U3"])
        #expect(isClose(r.totalSaving, 230))
        let all = try rank(
            dispensing: d, catalogue: plainCatalogue,
            RankConfiguration(target: .percentile(10), level: .all, minSaving: 200))
        #expect(all.opportunities.map(\.key) == ["all"], "230 at level all passes a threshold no unit passes")
    }

    @Test func aSingleOrganisationSetsItsOwnTarget() throws {
        let d = header + "2025-01,U1,S,100,250\n"
        let r = try rank(dispensing: d, catalogue: plainCatalogue, RankConfiguration(target: .percentile(10)))
        #expect(r.opportunityCount == 0)
        #expect(r.totalSaving == 0)
        #expect(r.reconciliation.rowsUsed == 1)
    }
}

@Suite("Ranking against catalogue targets, hand-checked on the small fixture")
struct RankingTests {
    @Test func pvTargetsSavingsAndReconciliation() throws {
        let r = try rankFixture(RankConfiguration(target: .pv))
        // U1/G1, rows that may be substituted: January 50 − 100·0.50 = 0, February 100 − 50·0.40 = 80.
        // U1's January Zocord row is marked do-not-substitute: 200 − 100·0.50 = 150 blocked, not counted.
        // U2/G2 against the reserve: 150 − 100·1.00 = 50.
        #expect(r.opportunities.map(\.key) == ["U1", "U2"])
        #expect(r.opportunities.map(\.equivalenceClass.description) == ["G1/T23", "G2"])
        #expect(isClose(r.opportunities[0].saving, 80))
        #expect(isClose(r.opportunities[0].blockedSaving, 150))
        #expect(isClose(r.opportunities[1].saving, 50))
        #expect(isClose(r.totalSaving, 130))
        #expect(
            r.blocked == [
                BlockedSaving(
                    unit: "U1", prescriber: "P2", equivalenceClass: EquivalenceClass(group: "G1", sizeGroup: "T23"),
                    quantity: FixedDecimal(100), cost: FixedDecimal(200), saving: 150)
            ])
        // G2 is not on February's list: there is nothing current to suggest.
        #expect(r.opportunities[1].flags == ["not-in-current-list", "reserve-target"])
        #expect(r.opportunities[1].suggested == nil)
        #expect(
            r.opportunities[0].flags == ["blocked-saving", "correction-rows", "do-not-substitute", "pv-not-cheapest"])
        #expect(r.opportunities[0].suggested?.code == "100001")
        #expect(r.opportunities[0].suggested?.unitPrice == 0.40, "the suggestion comes from the newest list")
        #expect(r.opportunities[0].products.map(\.code) == ["100001", "100003"])
        #expect(r.opportunities[0].patients == 2 && r.opportunities[0].prescribers == 2)
        #expect(isClose(r.opportunities[0].targetPPU!, (200 * 0.5 + 50 * 0.4) / 250))
        let books = r.reconciliation
        #expect(books.isBalanced)
        #expect(books.rowsRead == 9 && books.rowsUsed == 7)
        #expect(books.rowsSetAside == [.noClass: 1, .unknownProduct: 1])
        #expect(books.costSetAside == [.noClass: FixedDecimal(990), .unknownProduct: FixedDecimal(10)])
        #expect(books.costUsed == FixedDecimal(630))
    }

    /// Without a prescriber column the blocked rows are the cells' own sums, listed under no prescriber; with
    /// one, a cell's blocked rows split by prescriber and the rest stays under none.
    @Test func blockedRowsWithAndWithoutPrescribers() throws {
        let catalogue = "period,product,unit_price,group,size_group,status\n2025-01,A,1,G,T1,PV\n2025-01,B,3,G,T1,\n"
        let rows = [
            ("U1", "P1", "B", "10", "30.00", "false"), ("U1", "", "B", "5", "15.00", "false"),
            ("U2", "", "B", "20", "60.00", "false"), ("U2", "P2", "B", "10", "30.00", "true"),
        ]
        let without =
            "period,unit,product,quantity,cost,substitution_allowed\n"
            + rows.map { "2025-01,\($0.0),\($0.2),\($0.3),\($0.4),\($0.5)\n" }.joined()
        let with =
            "period,unit,prescriber,product,quantity,cost,substitution_allowed\n"
            + rows.map { "2025-01,\($0.0),\($0.1),\($0.2),\($0.3),\($0.4),\($0.5)\n" }.joined()
        let g = EquivalenceClass(group: "G", sizeGroup: "T1")
        let a = try rank(dispensing: without, catalogue: catalogue, RankConfiguration(target: .pv))
        // Blocked: U1 15 units 45 − 15 = 30, U2 20 units 60 − 20 = 40; U2's P2 row saves 30 − 10 = 20.
        #expect(
            a.blocked == [
                BlockedSaving(
                    unit: "U2", prescriber: nil, equivalenceClass: g, quantity: FixedDecimal(20),
                    cost: FixedDecimal(60), saving: 40),
                BlockedSaving(
                    unit: "U1", prescriber: nil, equivalenceClass: g, quantity: FixedDecimal(15),
                    cost: FixedDecimal(45), saving: 30),
            ])
        #expect(isClose(a.totalSaving, 20) && isClose(a.blockedSaving, 70))
        let b = try rank(dispensing: with, catalogue: catalogue, RankConfiguration(target: .pv))
        #expect(
            b.blocked == [
                BlockedSaving(
                    unit: "U2", prescriber: nil, equivalenceClass: g, quantity: FixedDecimal(20),
                    cost: FixedDecimal(60), saving: 40),
                BlockedSaving(
                    unit: "U1", prescriber: "P1", equivalenceClass: g, quantity: FixedDecimal(10),
                    cost: FixedDecimal(30), saving: 20),
                BlockedSaving(
                    unit: "U1", prescriber: nil, equivalenceClass: g, quantity: FixedDecimal(5), cost: FixedDecimal(15),
                    saving: 10),
            ])
        #expect(isClose(b.totalSaving, 20) && isClose(b.blockedSaving, 70))
    }

    @Test func cheapestTarget() throws {
        let r = try rankFixture(RankConfiguration(target: .cheapest))
        // January G1 cheapest 0.45: U1 50 − 45 = 5 (and 200 − 45 = 155 blocked), U2 90 − 90 = 0;
        // February 0.40: U1 80; G2 cheapest 1.00: 50.
        #expect(isClose(r.totalSaving, 135))
        #expect(isClose(r.blockedSaving, 155))
        #expect(r.opportunities.first?.suggested?.code == "100001")
    }

    @Test func byPeriodSplitsWhatTheWindowSums() throws {
        let window = try rankFixture(RankConfiguration(target: .pv))
        let monthly = try rankFixture(RankConfiguration(target: .pv, byPeriod: true))
        #expect(isClose(window.totalSaving, monthly.totalSaving))
        #expect(isClose(window.blockedSaving, monthly.blockedSaving))
        let u1 = monthly.opportunities.filter { $0.key == "U1" }
        #expect(u1.map(\.periodFrom.description) == ["2025-02"], "January saves nothing outside the blocked row")
        #expect(u1.map(\.saving) == [80])
    }

    @Test func periodWindowSetsRowsAside() throws {
        let r = try rankFixture(RankConfiguration(target: .pv, periods: PeriodRange(text: "2025-02..2025-02")!))
        #expect(isClose(r.totalSaving, 80))
        #expect(r.reconciliation.rowsSetAside[.outsidePeriod] == 6)
        #expect(r.reconciliation.isBalanced)
        #expect(r.window?.from.description == "2025-02")
    }

    @Test func noConfirmedTargetIsSetAsideNotRanked() throws {
        let catalogue = "period,product,unit_price,group,status\n2025-01,A,1,G,\n2025-01,B,2,G,\n"
        let r = try rank(
            dispensing: header + "2025-01,U1,B,10,20\n", catalogue: catalogue, RankConfiguration(target: .pv))
        #expect(r.opportunities.isEmpty)
        #expect(r.reconciliation.rowsSetAside == [.noTarget: 1])
        #expect(r.reconciliation.isBalanced)
    }

    @Test func levelAllSumsUnitSavings() throws {
        let units = try rankFixture(RankConfiguration(target: .pv))
        let all = try rankFixture(RankConfiguration(target: .pv, level: .all))
        #expect(isClose(all.totalSaving, units.totalSaving))
        #expect(all.opportunities.allSatisfy { $0.key == "all" })
    }

    @Test func prescriberLevelComparesPrescribers() throws {
        let r = try rankFixture(RankConfiguration(target: .pv, level: .prescriber))
        // P2's January Zocord is do-not-substitute: 150 blocked; P1: January 50 − 50 = 0, February 80; P4 warfarin 50.
        #expect(r.opportunities.map(\.key) == ["P1", "P4"])
        #expect(r.opportunities.map(\.saving) == [80, 50])
        #expect(r.blocked.map(\.prescriber) == ["P2"] && r.blocked.map(\.saving) == [150])
        #expect(r.opportunities.allSatisfy { $0.prescribers == 1 })
    }

    @Test func inputOrderDoesNotChangeTheRanking() throws {
        let lines = try String(contentsOfFile: Fixtures.path("dispensing.csv"), encoding: .utf8).split(separator: "\n")
        var g = SeededGenerator(seed: 42)
        let shuffled = ([lines[0]] + lines.dropFirst().shuffled(using: &g)).joined(separator: "\n") + "\n"
        let catalogue = try String(contentsOfFile: Fixtures.path("catalogue.csv"), encoding: .utf8)
        let a = try rank(dispensing: shuffled, catalogue: catalogue, RankConfiguration(target: .pv))
        let b = try rankFixture(RankConfiguration(target: .pv))
        #expect(RankRenderer(a).json() == RankRenderer(b).json(), "seed \(g.seed)")
    }
}

@Suite("Opportunity ids")
struct OpportunityIDTests {
    @Test func idsDoNotChangeWhenAnUnrelatedMonthOrUnitIsAdded() throws {
        let before = try rankFixture(RankConfiguration(target: .pv))
        let extra = """
            2025-02,U3,P9,z,100003,100,200.00,1,true
            2025-03,U1,P1,a,999999,10,10.00,1,true

            """
        let dispensing = try String(contentsOfFile: Fixtures.path("dispensing.csv"), encoding: .utf8) + extra
        let catalogue = try String(contentsOfFile: Fixtures.path("catalogue.csv"), encoding: .utf8)
        let after = try rank(dispensing: dispensing, catalogue: catalogue, RankConfiguration(target: .pv))
        #expect(after.opportunities.count == before.opportunities.count + 1)
        for o in before.opportunities {
            #expect(
                after.opportunities.first { $0.key == o.key && $0.equivalenceClass == o.equivalenceClass }?.id == o.id)
        }
        #expect(Set(after.opportunities.map(\.id)).count == after.opportunities.count, "ids are distinct")
    }

    @Test func idDependsOnWhatIdentifiesTheOpportunity() {
        let g = EquivalenceClass(group: "G1", sizeGroup: "T23")
        let base = Opportunity.id(level: .unit, key: "U1", equivalenceClass: g, period: nil)
        #expect(base.count == 12 && base == base.lowercased())
        #expect(base != Opportunity.id(level: .prescriber, key: "U1", equivalenceClass: g, period: nil))
        #expect(base != Opportunity.id(level: .unit, key: "U2", equivalenceClass: g, period: nil))
        #expect(base != Opportunity.id(level: .unit, key: "U1", equivalenceClass: .init(group: "G1"), period: nil))
        #expect(
            base != Opportunity.id(level: .unit, key: "U1", equivalenceClass: g, period: Period(year: 2025, month: 1)))
        // The first scheme also hashed the products: kept only to find old decisions, and never equal to an id.
        let legacy = Opportunity.legacyID(
            level: .unit, key: "U1", equivalenceClass: g, products: ["2", "1"], period: nil)
        #expect(
            legacy
                == Opportunity.legacyID(
                    level: .unit, key: "U1", equivalenceClass: g, products: ["1", "2"], period: nil))
        #expect(legacy != base)
        #expect(legacy == "4dd90661885f", "the first scheme's ids as schema-1 databases hold them")
    }

}
