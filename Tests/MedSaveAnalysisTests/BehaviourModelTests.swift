import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

/// A class G/T1 whose PV A and non-PV B have the same prices in every month of `months`.
func flatCatalogue(_ months: [String], pv: String = "1.00", other: String = "1.50") -> String {
    "period,product,unit_price,group,size_group,status,atc\n"
        + months.map { "\($0),A,\(pv),G,T1,PV,C10AA01\n\($0),B,\(other),G,T1,,C10AA01\n" }.joined()
}

let firstHalf = (1...6).map { "2025-0\($0)" }

@Suite("Budget estimate: the behaviour model, hand-checked")
struct BehaviourModelTests {
    /// U1 buys 10 of the PV A (1.00) and 10 of B (1.50) every month of the first half of 2025.
    let steady = firstHalf.map { "\($0),U1,A,10,10\n\($0),U1,B,10,15\n" }.joined()

    func configuration() -> EstimateConfiguration {
        var c = EstimateConfiguration(budgetYear: 2026)
        c.bootstrap = 0
        c.suppressBelow = 0
        return c
    }

    @Test func thePremiumOverTheTargetIsCarriedForward() throws {
        let r = try estimate(dispensing: header + steady, catalogue: flatCatalogue(firstHalf), configuration())
        // r = 150 / (120 · 1.00) = 1.25; 20 a month, flat, is 240 in 2026: saving 240 · 1.00 · 0.25 = 60,
        // projected cost 240 · 1.00 · 1.25 = 300.
        #expect(r.fit.model == "linear trend")
        #expect(isClose(r.total.quantity, 240, relative: 1e-9))
        #expect(isClose(r.total.saving[0], 60, relative: 1e-9))
        #expect(isClose(r.total.cost, 300, relative: 1e-9))
        let b = try #require(r.bridge.first)
        // Found 6 · (25 − 20) = 30; the same premium every month, so no behaviour effect; the volume doubles
        // from six months to twelve: + 30; the target does not move.
        #expect(isClose(b.found, 30, relative: 1e-9) && abs(b.behaviour) < 1e-9)
        #expect(isClose(b.volume, 30, relative: 1e-9) && abs(b.price) < 1e-9)
        #expect(isClose(b.projected, 60, relative: 1e-9) && isClose(b.cost, 300, relative: 1e-9))
        #expect(r.warnings.isEmpty)
        #expect(r.reconciliation.isBalanced)
    }

    @Test func aNewListMovesTheTargetAndTheBridgeSaysBy() throws {
        // The budget year's list halves the PV: T_b = 0.50, saving 240 · 0.50 · 0.25 = 30, price effect −30.
        let catalogue = flatCatalogue(firstHalf) + "2026-01,A,0.50,G,T1,PV,C10AA01\n2026-01,B,1.50,G,T1,,C10AA01\n"
        let r = try estimate(dispensing: header + steady, catalogue: catalogue, configuration())
        #expect(r.pricePeriod == Period(year: 2026, month: 1))
        let b = try #require(r.bridge.first)
        #expect(isClose(r.total.saving[0], 30, relative: 1e-9) && isClose(b.price, -30, relative: 1e-9))
        #expect(isClose(b.found + b.behaviour + b.volume + b.price, b.projected, relative: 1e-12))
    }

    /// Real case (dasatinib 140 mg): a product PV at 38 a tablet in spring is "Nej" at 1,284 in the autumn,
    /// when another product is PV at 40. The units followed the PV, so nothing is to be saved.
    @Test func aFormerPVThatTurnedDearCreatesNoPhantomSaving() throws {
        let spring = firstHalf, autumn = (7...12).map { String(format: "2025-%02d", $0) }
        let catalogue =
            "period,product,unit_price,group,size_group,status\n"
            + spring.map { "\($0),A,38,D,T9,PV\n\($0),B,60,D,T9,\n" }.joined()
            + autumn.map { "\($0),A,1284,D,T9,\n\($0),B,40,D,T9,PV\n" }.joined()
        let dispensing =
            header + spring.map { "\($0),U1,A,30,1140\n" }.joined() + autumn.map { "\($0),U1,B,30,1200\n" }.joined()
        var c = configuration()
        let behaviour = try estimate(dispensing: dispensing, catalogue: catalogue, c)
        #expect(behaviour.total.saving[0] == 0)
        #expect(behaviour.bridge[0].found == 0 && behaviour.bridge[0].projected == 0)
        // The product-mix model prices spring's 180 tablets of A at December's 1,284: the phantom.
        c.model = .productMix
        let productMix = try estimate(dispensing: dispensing, catalogue: catalogue, c)
        #expect(isClose(productMix.total.saving[0], 180 * (1284 - 40), relative: 1e-9))
    }

    @Test func aShortHistoryGivesALevelNotATrend() throws {
        // 10, 20, 30 in January–March: a line would project 2,220 for 2026; the level is 20 a month, 240.
        let rising = "2025-01,U1,B,10,15\n2025-02,U1,B,20,30\n2025-03,U1,B,30,45\n"
        let catalogue = flatCatalogue(["2025-03"])
        let level = try estimate(dispensing: header + rising, catalogue: catalogue, configuration())
        #expect(level.fit.model == "level (mean month)")
        #expect(
            isClose(level.total.quantity, 240, relative: 1e-9) && isClose(level.total.saving[0], 120, relative: 1e-9))
        #expect(level.warnings.contains { $0.contains("3 months of history") })
        var c = configuration()
        c.volumeModel = .trend
        let trend = try estimate(dispensing: header + rising, catalogue: catalogue, c)
        #expect(isClose(trend.total.quantity, 2220, relative: 1e-9))
    }

    @Test func aBudgetYearMoreThan24MonthsAfterTheDataIsRefused() throws {
        var c = configuration()
        c.budgetYear = 2026
        _ = try estimate(dispensing: header + steady, catalogue: flatCatalogue(firstHalf), c)  // 18 months ahead
        c.budgetYear = 2027
        #expect {
            try estimate(dispensing: header + steady, catalogue: flatCatalogue(firstHalf), c)
        } throws: { error in
            "\(error)".contains("30 months after the last month of history (2025-06)")
        }
    }

    @Test func aRecentPremiumFarAboveTheHistorysIsFlagged() throws {
        // Months 1–5 at the PV only; in June U1 buys B only: the window's premium (1.5) is far above the year's.
        let dispensing =
            header + (1...5).map { "2025-0\($0),U1,A,20,20\n" }.joined() + "2025-06,U1,B,20,30\n"
        var c = configuration()
        c.behaviourWindow = 1
        let r = try estimate(dispensing: dispensing, catalogue: flatCatalogue(firstHalf), c)
        // Found 10 (June); carried: 120 · 1.00 · 0.5 = 60 before volume and price, 6 times what was found.
        #expect(isClose(r.bridge[0].found, 10, relative: 1e-9) && isClose(r.bridge[0].behaviour, 50, relative: 1e-9))
        #expect(r.warnings.contains { $0.contains("6.00× the saving found") })
    }

    /// On the bundled data, for each target rule: the bridge adds up to the projection, the saving stays below
    /// the cost, the months add up to the year, and uptake scales everything.
    @Test(arguments: [TargetRule.pv, .cheapest, .percentile(10)])
    func theBridgeAddsUpOnTheBundledData(rule: TargetRule) throws {
        var c = configuration()
        c.targets = [rule]
        c.uptakes = [0.5, 1]
        c.monthly = true
        c.by = .atc1
        let r = try BudgetEstimate.compute(
            BundledData.inputs.dispensing, catalogue: BundledData.inputs.catalogue, configuration: c)
        let b = r.bridge[0]
        #expect(isClose(b.found + b.behaviour + b.volume + b.price, b.projected, relative: 1e-9))
        #expect(isClose(b.projected, r.total.saving[1], relative: 1e-9))
        #expect(isClose(r.total.saving[0], 0.5 * r.total.saving[1], relative: 1e-12))
        #expect(r.total.saving[1] > 0 && r.total.saving[1] < r.total.cost)
        #expect(isClose(r.rows.reduce(0) { $0 + $1.saving[1] }, r.total.saving[1], relative: 1e-9))
        #expect(isClose(r.monthly.reduce(0) { $0 + $1.saving[1] }, r.total.saving[1], relative: 1e-9))
        #expect(isClose(r.monthly.reduce(0) { $0 + $1.cost }, r.total.cost, relative: 1e-9))
        for row in r.rows { #expect(row.saving[1] <= row.cost + 1e-6, "\(row.key)") }
        // The saving found is what rank finds over the same months and target at unit level, less the classes
        // that have no target in the budget year (the bundled data has a few without a PV in December).
        var rc = RankConfiguration(target: rule, level: .unit, periods: PeriodRange(), byPeriod: false, minSaving: 0)
        rc.rules = .none
        let ranked = try Ranking.rank(
            BundledData.inputs.dispensing, catalogue: BundledData.inputs.catalogue, configuration: rc)
        #expect(
            b.found <= ranked.totalSaving * (1 + 1e-9) && b.found >= 0.9 * ranked.totalSaving,
            "found \(b.found), rank \(ranked.totalSaving)")
    }
}
