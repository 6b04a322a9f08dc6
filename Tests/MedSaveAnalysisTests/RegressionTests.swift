import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

/// One test per fixed bug in the analyses, named after what broke.
@Suite("Regressions")
struct RegressionTests {
    /// An organisation paying exactly the percentile target showed up as an opportunity saving 0.00,
    /// because 30 − 200 · (30 / 200) leaves 3.5e-15 in floating point.
    @Test func payingExactlyTheTargetIsNotAnOpportunity() throws {
        let d = "period,unit,product,quantity,cost\n2025-01,U1,A,200,30\n2025-01,U2,A,0,4\n"
        let r = try rank(dispensing: d, catalogue: plainCatalogue, RankConfiguration(target: .percentile(10)))
        #expect(r.opportunities.map(\.key) == ["U2"])
    }

    /// At level area, an excluded row left out the blocked saving of the unit whose id happened to equal the
    /// area's index, not of the area's own units: U2 (area Y) was listed although Y's row in the class was
    /// excluded, and which unit was wrongly left out depended on the rows' order.
    @Test func anExcludedAreaRowLeavesOutTheBlockedSavingOfItsOwnUnits() throws {
        let catalogue =
            "period,product,unit_price,group,size_group\n2025-01,A,1,G,T1\n2025-01,B,9,G,T1\n2025-01,C,5,G,T1\n"
        let d =
            "period,unit,prescriber,product,quantity,cost,substitution_allowed\n"
            + "2025-01,U0,D0,C,10,50,false\n2025-01,U1,D1,B,10,90,false\n2025-01,U2,D2,B,10,90,false\n"
            + "2025-01,U0,D0,A,10,10,true\n"
        var c = RankConfiguration(target: .cheapest, level: .area)
        c.areas = AreaMap(["U0": "X", "U1": "Y", "U2": "Y"])
        c.rules = try SafetyRules.read(
            path: Fixtures.write("match,pattern,action,reason,source\nproduct,B,exclude,Not B,Test\n", named: "b.csv"))
        let r = try rank(dispensing: d, catalogue: catalogue, c)
        // Y saves nothing itself (all of it is blocked), but the rule excludes its row, so its blocked saving goes.
        #expect(r.blocked.map(\.unit) == ["U0"], "U1 and U2 are in Y, whose row is excluded")
        #expect(r.blocked.first?.saving == 40)
    }

    /// The blocked figure counted tacrolimus and mycophenolate too (0.53 M of the bundled data's 2.83 M),
    /// which the safety rules exclude anyway: the same saving twice. And the listed rows, each rounded to the
    /// öre, did not add up to the total printed.
    @Test func blockedSavingLeavesOutWhatSafetyRulesExcludeAndAddsUp() throws {
        var c = RankConfiguration(target: .pv)
        c.rules = .shipped
        let r = try Ranking.rank(
            BundledData.inputs.dispensing, catalogue: BundledData.inputs.catalogue, configuration: c)
        let excludedClasses = Set(r.excluded.map(\.equivalenceClass))
        try #require(!excludedClasses.isEmpty)
        #expect(
            !r.blocked.contains { b in
                r.excluded.contains { $0.key == b.unit && $0.equivalenceClass == b.equivalenceClass }
            })
        let tacrolimus = r.blocked.filter { b in
            BundledData.inputs.catalogue.members(of: b.equivalenceClass, in: Period(year: 2025, month: 12))
                .contains { $0.atc.hasPrefix("L04AD02") || $0.atc.hasPrefix("L04AA06") }
        }
        #expect(tacrolimus.isEmpty)
        var none = c
        none.rules = .none
        let all = try Ranking.rank(
            BundledData.inputs.dispensing, catalogue: BundledData.inputs.catalogue, configuration: none)
        #expect(r.blockedSaving < all.blockedSaving)
        let shown = RankRenderer(r, showExcluded: false, showBlocked: true)
        let listed = shown.render(.csv).components(separatedBy: "\n").drop { !$0.hasPrefix("unit,prescriber") }
            .dropFirst().filter { !$0.isEmpty }.map { Decimal(string: String($0.split(separator: ",").last!))! }
        #expect(listed.count == r.blocked.count)
        let line = try #require(shown.summaryLines().first { $0.hasPrefix("blocked: ") })
        let total = Decimal(string: String(line.dropFirst("blocked: ".count).prefix { $0 != " " }))
        #expect(total == listed.reduce(0, +), "\(line)")
    }
}
