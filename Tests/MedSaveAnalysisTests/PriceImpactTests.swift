import MedSaveCore
import MedSaveTestSupport
import Testing

/// Reads dispensing text from memory.
func aggregate(_ text: String, options: DispensingReadOptions = DispensingReadOptions()) throws -> DispensingAggregate {
    try DispensingReader.read(bytes: Array(text.utf8), path: "d.csv", options: options)
}

func priceList(_ rows: [(String?, String, Double)]) -> Catalogue {
    Catalogue(
        entries: rows.map {
            CatalogueEntry(
                period: $0.0.flatMap { Period(text: $0) }, product: $0.1, name: "name " + $0.1, unitPrice: $0.2,
                equivalenceClass: nil)
        })
}

@Suite("Price-change impact, hand-checked")
struct PriceImpactTests {
    // A: 1.00 → 1.50, B: 2.00 → 1.00, C only in the old list.
    let from = priceList([("2025-01", "A", 1.0), ("2025-01", "B", 2.0), ("2025-01", "C", 3.0)])
    let to = priceList([("2025-02", "A", 1.5), ("2025-02", "B", 1.0)])
    let volumes = header + "2025-01,U1,A,10,10\n2025-01,U1,B,5,10\n2025-01,U1,C,3,9\n2025-02,U2,A,20,20\n"

    @Test func monthlyAverageByProductWithUnpricedReported() throws {
        let r = PriceImpact.compute(try aggregate(volumes), from: from, to: to, configuration: ImpactConfiguration())
        // A: 30 × 0.5 = 15 over two months → 7.5 a month; B: 5 × −1 → −2.5 a month.
        #expect(r.months.map(\.description) == ["2025-01", "2025-02"])
        #expect(r.rows.map(\.key) == ["A", "B"])
        #expect(isClose(r.rows[0].change, 7.5) && isClose(r.rows[1].change, -2.5))
        #expect(isClose(r.total.change, 5) && isClose(r.total.costBefore, 20) && isClose(r.total.costAfter, 25))
        #expect(r.unpriced.map(\.product) == ["C"] && r.unpriced[0].missing == .to)
        #expect(r.reconciliation.isBalanced)
        #expect(
            r.reconciliation.rowsSetAside[.noPrice] == 1 && r.reconciliation.costSetAside[.noPrice] == FixedDecimal(9))
    }

    @Test func seriesByPeriodAndDiscount() throws {
        let c = ImpactConfiguration(by: .period, discount: 0.1)
        let r = PriceImpact.compute(try aggregate(volumes), from: from, to: to, configuration: c)
        #expect(r.rows.map(\.key) == ["2025-01", "2025-02"])
        #expect(isClose(r.rows[0].change, 0))  // 10 × 0.5 − 5 × 1, less 10%
        #expect(isClose(r.rows[1].change, 9))  // 20 × 0.5 × 0.9
        #expect(isClose(r.total.change, 4.5), "the total of a series is its monthly average")
    }

    @Test func breakdownByUnitAreaAndWindow() throws {
        let data = try aggregate(volumes)
        let byUnit = PriceImpact.compute(data, from: from, to: to, configuration: ImpactConfiguration(by: .unit))
        #expect(byUnit.rows.map(\.key) == ["U2", "U1"])
        #expect(isClose(byUnit.rows[0].change, 5) && isClose(byUnit.rows[1].change, 0))
        let areas = AreaMap(["U1": "North"])
        let byArea = PriceImpact.compute(
            data, from: from, to: to, configuration: ImpactConfiguration(by: .area, areas: areas))
        #expect(Set(byArea.rows.map(\.key)) == ["North", Breakdown.noArea])
        let one = PriceImpact.compute(
            data, from: from, to: to, configuration: ImpactConfiguration(periods: PeriodRange(text: "2025-02")!))
        #expect(one.months.count == 1 && isClose(one.total.change, 10))
        #expect(one.reconciliation.rowsSetAside[.outsidePeriod] == 3 && one.reconciliation.isBalanced)
    }

    @Test func multiPeriodListsPriceEachMonthByItsOwnPeriod() throws {
        let before = priceList([("2025-01", "A", 1), ("2025-02", "A", 2)])
        let after = priceList([("2025-01", "A", 3), ("2025-02", "A", 3)])
        let r = PriceImpact.compute(
            try aggregate(volumes), from: before, to: after, configuration: ImpactConfiguration(by: .period))
        #expect(isClose(r.rows[0].change, 20) && isClose(r.rows[1].change, 20))  // 10 × 2 and 20 × 1
        var fixed = ImpactConfiguration(by: .period)
        fixed.fromPeriod = Period(text: "2025-01")
        let f = PriceImpact.compute(try aggregate(volumes), from: before, to: after, configuration: fixed)
        #expect(isClose(f.rows[1].change, 40), "--from-period prices every month at 2025-01")
    }

    @Test func seededRandomDataAgainstAPlainLoop() throws {
        var g = SeededGenerator(seed: 4242)
        let products = (0..<40).map { "P\($0)" }
        let months = ["2025-01", "2025-02", "2025-03"]
        var a: [(String?, String, Double)] = [], b: [(String?, String, Double)] = []
        var price: [String: (Double?, Double?)] = [:]
        for m in months {
            for p in products {
                let pa = Double(Int.random(in: 1...5000, using: &g)) / 1000,
                    pb = Double(Int.random(in: 1...5000, using: &g)) / 1000
                let inA = Int.random(in: 0..<20, using: &g) > 0, inB = Int.random(in: 0..<20, using: &g) > 0
                if inA { a.append((m, p, pa)) }
                if inB { b.append((m, p, pb)) }
                price[m + p] = (inA ? pa : nil, inB ? pb : nil)
            }
        }
        var text = header
        var expected: [String: Double] = [:], unpricedCost = 0.0
        for _ in 0..<2000 {
            let m = months.randomElement(using: &g)!, p = products.randomElement(using: &g)!
            // A correction (q < 0) reverses its cost too: opposite signs are a problem row, not dispensing.
            let q = Int.random(in: -5...200, using: &g)
            let cost = Double(Int.random(in: 0...100_000, using: &g)) / 100 * (q < 0 ? -1 : 1)
            text += "\(m),U\(Int.random(in: 1...7, using: &g)),\(p),\(q),\(cost)\n"
            if let pa = price[m + p]!.0, let pb = price[m + p]!.1 {
                expected[m, default: 0] += Double(q) * (pb - pa)
            } else {
                unpricedCost += cost
            }
        }
        let r = PriceImpact.compute(
            try aggregate(text), from: priceList(a), to: priceList(b), configuration: ImpactConfiguration(by: .period))
        #expect(r.rows.map(\.key) == months)
        for row in r.rows { #expect(isClose(row.change, expected[row.key]!)) }
        #expect(r.reconciliation.isBalanced)
        #expect(isClose(r.reconciliation.costSetAside[.noPrice]?.doubleValue ?? 0, unpricedCost))
        let byProduct = PriceImpact.compute(
            try aggregate(text), from: priceList(a), to: priceList(b), configuration: ImpactConfiguration())
        #expect(isClose(byProduct.rows.reduce(0) { $0 + $1.change }, expected.values.reduce(0, +) / 3))
    }
}

@Suite("Price-change impact between TLV months: volume follows the new PV, hand-checked")
struct PVFollowingImpactTests {
    /// Class G/T1. January: A is PV at 1.00, B 2.00, C 3.00. February: A is "Nej" at 5.00, B PV at 1.50, C 3.00.
    static func list(_ period: String, _ rows: [(String, Double, ProductStatus)]) -> Catalogue {
        Catalogue(
            entries: rows.map { product, price, status in
                CatalogueEntry(
                    period: Period(text: period), product: product, unitPrice: price,
                    equivalenceClass: EquivalenceClass(group: "G", sizeGroup: "T1"), status: status)
            })
    }
    static let january = list("2026-01", [("A", 1, .pv), ("B", 2, .none), ("C", 3, .none)])
    static let february = list("2026-02", [("A", 5, .none), ("B", 1.5, .pv), ("C", 3, .none)])
    /// U1 buys 100 of A and 10 of C; U2 buys 50 of B.
    static let volumes =
        "period,unit,product,quantity,cost\n2026-01,U1,A,100,100\n2026-01,U1,C,10,30\n2026-01,U2,B,50,100\n"

    @Test func volumeFollowsTheNewPVAndNoOneSwitchingIsPrintedBeside() throws {
        var c = ImpactConfiguration(by: .unit)
        let r = PriceImpact.compute(
            try aggregate(Self.volumes), from: Self.january, to: Self.february, configuration: c)
        #expect(r.followsPV)
        // Before: 100·1 + 10·3 + 50·2 = 230. Following the PV (1.00 → 1.50), each unit keeps its premium over it:
        // U1 130 → 195, U2 100 → 150, together 345: +115. No one switching: 100·5 + 10·3 + 50·1.5 = 605: +375.
        #expect(isClose(r.total.costBefore, 230, relative: 1e-12) && isClose(r.total.costAfter, 345, relative: 1e-12))
        #expect(isClose(r.total.change, 115, relative: 1e-12) && isClose(r.total.changeNoSwitch, 375, relative: 1e-12))
        let byUnit = Dictionary(uniqueKeysWithValues: r.rows.map { ($0.key, $0) })
        #expect(isClose(byUnit["U1"]!.costAfter, 195, relative: 1e-12))
        #expect(isClose(byUnit["U2"]!.costAfter, 150, relative: 1e-12))
        c.followPV = false
        let fixed = PriceImpact.compute(
            try aggregate(Self.volumes), from: Self.january, to: Self.february, configuration: c)
        #expect(!fixed.followsPV && isClose(fixed.total.change, 375, relative: 1e-12))
    }

    @Test func aProductMissingFromTheNewListIsSetAsideNotPricedAtTheOldPrice() throws {
        let february = Self.list("2026-02", [("B", 1.5, .pv), ("C", 3, .none)])
        let r = PriceImpact.compute(
            try aggregate(Self.volumes), from: Self.january, to: february, configuration: ImpactConfiguration())
        #expect(r.unpriced.map(\.product) == ["A"] && r.unpriced[0].missing == .to)
        #expect(r.reconciliation.isBalanced && r.reconciliation.rowsUsed == 2)
        // The remaining rows follow the PV: (30 + 100) · 1.5 = 195.
        #expect(isClose(r.total.costAfter, 195, relative: 1e-12))
    }
}

@Suite("Column constants (--set) and timestamps as periods")
struct ColumnConstantTests {
    @Test func setGivesEveryRowAPeriodAndUnit() throws {
        let mapping = try ColumnMapping(assignments: [], constants: ["period=2022-06", "unit=England"])
        let data = try aggregate(
            "product,quantity,cost\nA,10,5\nB,2,1\n", options: DispensingReadOptions(mapping: mapping))
        #expect(data.organisations == ["England"] && data.periods.map(\.description) == ["2022-06"])
        #expect(data.cells.count == 2 && data.badRows == 0)
    }

    @Test func badSettingsAreRefused() {
        #expect(throws: InputError.self) { try ColumnMapping(assignments: [], constants: ["product=A"]) }
        #expect(throws: InputError.self) { try ColumnMapping(assignments: [], constants: ["period=June"]) }
        #expect(throws: InputError.self) { try ColumnMapping(assignments: ["unit=U"], constants: ["unit=England"]) }
    }

    @Test func timestampsArePeriods() {
        #expect(Period(text: "2017-01-01 00:00:00+00:00")?.description == "2017-01")
        #expect(Period(text: "2017-01-01T00:00:00Z")?.description == "2017-01")
        #expect(Period(text: "2017-01-01x") == nil)
    }
}

@Suite(
    "Price-concession impact on OpenPrescribing's published figures",
    .enabled(if: Fixtures.hasSharedData, "../shared/data is not beside the checkout: real-data tests skipped"))
struct ConcessionImpactTests {
    static let folder = "uk-price-concessions/"

    /// The same totals through medsave's native catalogue, with the tariff and concession prices per unit
    /// written to ten decimals: every digit must survive reading for the totals to match to the penny.
    @Test(arguments: [("2022-06", "13389177.25"), ("2022-07", "20662241.78")])
    func thePublishedTotalsComeOutThroughTheNativeCatalogue(month: String, total: String) throws {
        let period = try #require(Period(text: month))
        func native(_ side: String) throws -> String {
            let (list, _) = try CatalogueLoader.load([side + ":" + Fixtures.shared(Self.folder + "pc_df.csv")])
            let rows = list.entries.filter { $0.period == period }.map { e in
                "\(month),\(e.product),\(NumberFormat.fixed(e.unitPrice, decimals: 10))\n"
            }
            return Fixtures.write("period,product,unit_price\n" + rows.joined(), named: "\(side)-\(month).csv")
        }
        let (from, _) = try CatalogueLoader.load(["native:" + native("uk-tariff")])
        let (to, _) = try CatalogueLoader.load(["native:" + native("uk-concession")])
        #expect(from.entries.contains { NumberFormat.fixed($0.unitPrice, decimals: 10).hasSuffix("0000") == false })
        let published = Fixtures.shared(Self.folder + "price-concessions-cost-nhs-england-\(month)-01.csv")
        let mapping = try ColumnMapping(
            assignments: ["product=BNF code", "quantity=Quantity", "cost=Normally costs"],
            constants: ["period=\(month)", "unit=England"])
        let data = try DispensingReader.read(paths: [published], options: DispensingReadOptions(mapping: mapping))
        let r = PriceImpact.compute(data, from: from, to: to, configuration: ImpactConfiguration(discount: 0.072))
        #expect(r.unpriced.isEmpty && r.reconciliation.isBalanced)
        #expect(NumberFormat.fixed(r.total.change, decimals: 2) == total)
    }

    /// OpenPrescribing's published national estimate for a month: Quantity × (concession − tariff) per unit,
    /// less the national average discount of 7.2%, per BNF code.
    @Test(arguments: ["2022-06", "2022-07"])
    func matchesThePublishedExtraCostToThePenny(month: String) throws {
        let (from, _) = try CatalogueLoader.load(["uk-tariff:" + Fixtures.shared(Self.folder + "pc_df.csv")])
        let (to, _) = try CatalogueLoader.load(["uk-concession:" + Fixtures.shared(Self.folder + "pc_df.csv")])
        let published = Fixtures.shared(Self.folder + "price-concessions-cost-nhs-england-\(month)-01.csv")
        let mapping = try ColumnMapping(
            assignments: ["product=BNF code", "quantity=Quantity", "cost=Normally costs"],
            constants: ["period=\(month)", "unit=England"])
        let data = try DispensingReader.read(paths: [published], options: DispensingReadOptions(mapping: mapping))
        let r = PriceImpact.compute(data, from: from, to: to, configuration: ImpactConfiguration(discount: 0.072))
        #expect(r.unpriced.isEmpty && r.reconciliation.isBalanced)
        let expected = ReferenceRanking.rows(try String(contentsOfFile: published, encoding: .utf8))
        #expect(r.rows.count == expected.count)
        let ours = Dictionary(uniqueKeysWithValues: r.rows.map { ($0.key, $0) })
        for row in expected {
            let mine = try #require(ours[row["BNF code"]!])
            #expect(
                NumberFormat.fixed(mine.change, decimals: 2)
                    == NumberFormat.fixed(Double(row["This month’s extra cost"]!)!, decimals: 2))
            #expect(
                NumberFormat.fixed(mine.costBefore, decimals: 2)
                    == NumberFormat.fixed(Double(row["Normally costs"]!)!, decimals: 2))
        }
    }
}
