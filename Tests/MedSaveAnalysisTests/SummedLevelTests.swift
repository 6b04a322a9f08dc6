import Foundation
import MedSaveCore
import MedSaveSupport
import MedSaveTestSupport
import Testing

/// Levels whose rows sum care units (area, region, class): hand-checked sums, the units saving most, the
/// latest month's saving, and agreement with a plain regrouping of the unit level on seeded random data.
@Suite("Rows that sum care units (area, region, class)")
struct SummedLevelTests {
    static let catalogue =
        "period,product,unit_price,group,size_group\n"
        + "2025-01,A,1,G,T1\n2025-01,B,9,G,T1\n2025-02,A,1,G,T1\n2025-02,B,9,G,T1\n"
    // Against the cheapest price 1: U1 saves 80 (January only), U2 40 (January), U3 8 (February), U4 nothing.
    static let dispensing =
        header + "2025-01,U1,B,10,90\n2025-01,U2,B,5,45\n2025-02,U1,A,10,10\n2025-02,U3,B,1,9\n2025-01,U4,A,1,1\n"
    static let areas = AreaMap(
        ["U1": "North", "U2": "North", "U3": "South"], regionByArea: ["North": "R1", "South": "R1"])

    func ranked(_ level: RankLevel) throws -> RankResult {
        var c = RankConfiguration(target: .cheapest, level: level)
        c.areas = Self.areas
        return try rank(dispensing: Self.dispensing, catalogue: Self.catalogue, c)
    }

    @Test func unitsCarryTheLatestMonthsSaving() throws {
        let r = try ranked(.unit)
        #expect(r.opportunities.map(\.key) == ["U1", "U2", "U3"])
        #expect(r.opportunities.map(\.latestSaving) == [0, 0, 8], "U1 and U2 stopped paying more in February")
        #expect(r.opportunities.allSatisfy { $0.units == nil && $0.topUnits.isEmpty })
    }

    @Test func areasSumTheirUnits() throws {
        let r = try ranked(.area)
        #expect(r.opportunities.map(\.key) == ["North", "South"])
        let north = r.opportunities[0], south = r.opportunities[1]
        #expect(north.saving == 120 && north.latestSaving == 0 && north.units == 2)
        #expect(north.topUnits == [KeyedSaving(key: "U1", saving: 80), KeyedSaving(key: "U2", saving: 40)])
        #expect(south.saving == 8 && south.latestSaving == 8 && south.units == 1)
        #expect(r.totalSaving == 128)
        #expect(r.reconciliation.isBalanced && r.reconciliation.rowsUsed == 5, "U4 (no area) is still used")
    }

    @Test func regionsSumTheirAreasAndUnmappedUnitsFormTheirOwnRow() throws {
        let r = try ranked(.region)
        #expect(r.opportunities.map(\.key) == ["R1"])
        #expect(r.opportunities[0].saving == 128 && r.opportunities[0].units == 3)
        #expect(r.opportunities[0].topUnits.map(\.key) == ["U1", "U2", "U3"])
        var c = RankConfiguration(target: .cheapest, level: .region, minSaving: 0)
        c.areas = Self.areas
        let d = Self.dispensing + "2025-02,U4,B,1,9\n"
        let withU4 = try rank(dispensing: d, catalogue: Self.catalogue, c)
        #expect(withU4.opportunities.map(\.key) == ["R1", AreaMap.noRegion])
    }

    @Test func classLevelCountsEveryUnitWithRowsAndListsThoseSavingMost() throws {
        let r = try ranked(.all)
        let row = try #require(r.opportunities.first)
        #expect(row.key == "all" && row.saving == 128 && row.latestSaving == 8)
        #expect(row.units == 4, "U4 bought in the class without saving")
        #expect(row.topUnits.map(\.saving) == [80, 40, 8])
    }

    @Test func areaLevelWithoutAnAreaMapIsRefused() throws {
        #expect(throws: RankLevelError.self) {
            try rank(
                dispensing: Self.dispensing, catalogue: Self.catalogue,
                RankConfiguration(target: .cheapest, level: .area))
        }
        var c = RankConfiguration(target: .cheapest, level: .region)
        c.areas = AreaMap(["U1": "North"])
        #expect(throws: RankLevelError.self, "no region column") {
            try rank(dispensing: Self.dispensing, catalogue: Self.catalogue, c)
        }
    }

    /// Seeded random data: each area row is the plain sum of its units' rows of the class, for pv, cheapest
    /// and p10, with and without --by-period, at one and two threads.
    @Test(arguments: [TargetRule.pv, .cheapest, .percentile(10)])
    func areaRowsAreSumsOfUnitRows(rule: TargetRule) throws {
        var random = SplitMix64(seed: 17)
        var catalogue = "period,product,unit_price,group,size_group,status\n"
        for month in ["2025-01", "2025-02", "2025-03"] {
            for g in 0..<6 {
                for p in 0..<3 {
                    let price = 1 + Double(random.next(below: 900)) / 100
                    catalogue += "\(month),P\(g)\(p),\(price),G\(g),T1,\(p == 0 ? "PV" : "")\n"
                }
            }
        }
        var dispensing = header, areaOf: [String: String] = [:]
        for u in 0..<40 {
            areaOf["U\(u)"] = "A\(u % 7)"
            for _ in 0..<12 {
                let month = ["2025-01", "2025-02", "2025-03"][Int(random.next(below: 3))]
                let product = "P\(random.next(below: 6))\(random.next(below: 3))"
                let q = 1 + random.next(below: 200)
                dispensing += "\(month),U\(u),\(product),\(q),\(Double(q * (50 + random.next(below: 900))) / 100)\n"
            }
        }
        for byPeriod in [false, true] {
            for threads in [1, 2] {
                var unit = RankConfiguration(target: rule, level: .unit, byPeriod: byPeriod)
                unit.threads = threads
                var area = unit
                area.level = .area
                area.areas = AreaMap(areaOf)
                let units = try rank(dispensing: dispensing, catalogue: catalogue, unit)
                let areas = try rank(dispensing: dispensing, catalogue: catalogue, area)
                var expected: [String: Double] = [:]
                for o in units.opportunities {
                    expected["\(areaOf[o.key]!)|\(o.equivalenceClass)|\(o.periodFrom)", default: 0] += o.saving
                }
                var found: [String: Double] = [:]
                for o in areas.opportunities { found["\(o.key)|\(o.equivalenceClass)|\(o.periodFrom)"] = o.saving }
                #expect(Set(found.keys) == Set(expected.keys))
                for (key, saving) in expected {
                    #expect(isClose(found[key] ?? -1, saving, relative: 1e-9), "\(key)")
                }
                #expect(isClose(areas.totalSaving, units.totalSaving, relative: 1e-9))
                for o in areas.opportunities {
                    let top = try #require(o.topUnits.first)
                    #expect(areaOf[top.key] == o.key)
                    #expect(o.topUnits.map(\.saving) == o.topUnits.map(\.saving).sorted(by: >))
                }
            }
        }
    }
}

/// `--target list:FILE`: the region's own prices, hand-checked.
@Suite("Target lists as the target price")
struct ListTargetTests {
    @Test func savingsUseTheListedPriceOfEachMonthAndTheSuggestionItsProduct() throws {
        let catalogue =
            "period,product,name,unit_price,group,size_group,status\n"
            + "2025-01,A,Alfa,1,G,T1,PV\n2025-01,B,Beta,9,G,T1,\n2025-02,A,Alfa,1,G,T1,PV\n2025-02,B,Beta,9,G,T1,\n"
            + "2025-01,S,Sigma,2,H,T1,PV\n"
        let list = TargetList(
            path: "l.csv",
            prices: [
                EquivalenceClass(group: "G", sizeGroup: "T1"): [
                    .init(periods: PeriodRange(to: Period(year: 2025, month: 1)), unitPrice: 3),
                    .init(periods: PeriodRange(from: Period(year: 2025, month: 2)), unitPrice: 2, product: "B"),
                ]
            ])
        // U1: 10 × 9 in January against 3 → 60; 10 × 9 in February against 2 → 70. H has no listed price.
        let d = header + "2025-01,U1,B,10,90\n2025-02,U1,B,10,90\n2025-01,U1,S,10,50\n"
        let r = try rank(dispensing: d, catalogue: catalogue, RankConfiguration(target: .list(list)))
        let o = try #require(r.opportunities.first)
        #expect(r.opportunities.count == 1)
        #expect(o.saving == 130 && o.latestSaving == 70)
        #expect(isClose(o.targetPPU!, 2.5), "Σ Q·T / Σ Q = (30 + 20) / 20")
        #expect(o.suggested?.code == "B" && o.suggested?.name == "Beta", "the list's product, named by the catalogue")
        #expect(r.reconciliation.isBalanced)
        #expect(r.reconciliation.rowsUsed == 2, "class H is not in the list: no target")
        #expect(!o.flags.contains("not-in-current-list"))
    }
}

/// `--top k` picks the first k by a partial selection: it must list exactly the first k of the full order,
/// ties (equal savings, broken by key, class and period) included, at one and two threads.
@Suite("The first k of the ranking")
struct TopSelectionTests {
    @Test(arguments: [1, 7, 50, 400])
    func topKIsThePrefixOfTheFullOrder(k: Int) throws {
        var random = SplitMix64(seed: UInt64(k))
        var dispensing = header
        for u in 0..<60 {
            for g in 0..<5 {
                // Costs of whole units against a target of 1 per unit: many equal savings.
                let q = 10 * (1 + random.next(below: 3)), c = q + 10 * random.next(below: 4)
                dispensing += "2025-01,U\(u),B\(g),\(q),\(c)\n"
            }
        }
        let catalogue =
            "period,product,unit_price,group,size_group\n"
            + (0..<5).map { "2025-01,A\($0),1,G\($0),T1\n2025-01,B\($0),9,G\($0),T1\n" }.joined()
        for threads in [1, 2] {
            var all = RankConfiguration(target: .cheapest)
            all.threads = threads
            var top = all
            top.top = k
            let full = try rank(dispensing: dispensing, catalogue: catalogue, all)
            let first = try rank(dispensing: dispensing, catalogue: catalogue, top)
            #expect(first.opportunities.map(\.id) == full.opportunities.prefix(k).map(\.id))
            #expect(first.opportunities.map(\.rank) == Array(1...min(k, full.opportunities.count)))
            #expect(first.totalSaving == full.totalSaving)
        }
    }
}
