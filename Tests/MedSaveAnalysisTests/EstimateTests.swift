import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

/// An estimate of CSV texts read from memory.
func estimate(
    dispensing: String, catalogue: String, _ configuration: EstimateConfiguration,
    options: DispensingReadOptions = DispensingReadOptions()
) throws -> EstimateResult {
    let inputs = try LoadedInputs.load(
        InputConfiguration(
            dispensingPaths: [Fixtures.write(dispensing, named: "d.csv")],
            cataloguePaths: [Fixtures.write(catalogue, named: "c.csv")], read: options))
    return try BudgetEstimate.compute(inputs.dispensing, catalogue: inputs.catalogue, configuration: configuration)
}

/// A class G/T1 with PV A at 1.00 and B at 1.50 (catalogue of 2025-03).
let trendCatalogue =
    "period,product,unit_price,group,size_group,status,atc\n"
    + "2025-03,A,1.00,G,T1,PV,C10AA01\n2025-03,B,1.50,G,T1,,C10AA01\n"

@Suite("Least squares: the GEMM-based fit equals closed-form solutions")
struct LeastSquaresTests {
    @Test func linearTrendEqualsTheClosedForm() throws {
        // slope = Σ(t − t̄)(y − ȳ) / Σ(t − t̄)², intercept = ȳ − slope·t̄, for each series.
        var g = SeededGenerator(seed: 31)
        let t = (0..<9).map(Double.init)
        let y = ReferenceMaths.randomMatrix(9, 5, using: &g)
        let months = (0..<9).map { Period(year: 2024, month: 1 + $0) }
        let design = TrendDesign(seasonal: false)
        let beta = try LeastSquares.fit(design: design.matrix(months: months, origin: months[0]), series: y)
        let tMean = t.reduce(0, +) / 9
        for j in 0..<5 {
            let column = (0..<9).map { y[$0, j] }
            let yMean = column.reduce(0, +) / 9
            var sxy = 0.0, sxx = 0.0
            for (ti, yi) in zip(t, column) {
                sxy += (ti - tMean) * (yi - yMean)
                sxx += (ti - tMean) * (ti - tMean)
            }
            let slope = sxy / sxx
            #expect(isClose(beta[1, j], slope, relative: 1e-10, absolute: 1e-12), "seed \(g.seed) series \(j)")
            #expect(
                isClose(beta[0, j], yMean - slope * tMean, relative: 1e-10, absolute: 1e-12),
                "seed \(g.seed) series \(j)")
        }
    }

    @Test(arguments: [UInt64(5), 77, 2026])
    func seasonalFitEqualsNormalEquationsSolvedByHand(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        let months = (0..<30).map { Period(index: Period(year: 2023, month: 3).index + Int32($0)) }
        let design = TrendDesign(seasonal: true)
        let x = design.matrix(months: months, origin: months[0])
        let y = ReferenceMaths.randomMatrix(30, 7, using: &g)
        let beta = try LeastSquares.fit(design: x, series: y)
        let rows = (0..<30).map { x.row($0) }
        for j in 0..<7 {
            let expected = ReferenceEstimate.leastSquares(rows, (0..<30).map { y[$0, j] })
            #expect(
                isClose((0..<6).map { beta[$0, j] }, expected, relative: 1e-9, absolute: 1e-11),
                "seed \(seed) series \(j)")
        }
    }

    @Test func anExactLineIsRecoveredAndProjected() throws {
        let months = (1...4).map { Period(year: 2025, month: $0) }
        let y = try Matrix(rows: 4, columns: 1, elements: [10, 20, 30, 40])
        let forecast = try VolumeForecast.fit(
            y, history: months, horizon: (1...12).map { Period(year: 2026, month: $0) },
            design: TrendDesign(seasonal: false))
        // y = 10 + 10t; 2026 is t = 12…23: Σ = 12·10 + 10·Σt = 120 + 10·210.
        #expect(isClose(forecast.horizonTotal(0), 2220, relative: 1e-12))
        #expect(forecast.flooredSeries == 0)
    }

    @Test func aFallingSeriesIsFlooredAtZero() throws {
        let months = (1...3).map { Period(year: 2025, month: $0) }
        let y = try Matrix(rows: 3, columns: 1, elements: [30, 20, 10])
        let forecast = try VolumeForecast.fit(
            y, history: months, horizon: (1...12).map { Period(year: 2025, month: $0) },
            design: TrendDesign(seasonal: false))
        // 30, 20, 10, 0, then below zero: counted as zero.
        #expect(isClose(forecast.horizonTotal(0), 60, relative: 1e-12))
        #expect(forecast.flooredSeries == 1)
    }

    @Test func tooFewDistinctMonthsIsSingular() throws {
        let months = [Period(year: 2025, month: 1), Period(year: 2025, month: 1)]
        let y = try Matrix(rows: 2, columns: 1, elements: [1, 2])
        #expect(throws: NumericError.singular(operation: "least squares")) {
            try LeastSquares.fit(
                design: TrendDesign(seasonal: false).matrix(months: months, origin: months[0]), series: y)
        }
    }
}

@Suite("Budget estimate, hand-checked")
struct EstimateHandCheckedTests {
    // U1 dispenses B (1.50; the PV A costs 1.00): 10, 20, 30 in January–March.
    let d =
        "period,unit,patient,product,quantity,cost\n"
        + "2025-01,U1,p1,B,10,15\n2025-02,U1,p1,B,20,30\n2025-03,U1,p2,B,30,45\n"

    @Test func trendProjectedOverTheBudgetYearAtTheLatestPrices() throws {
        var c = EstimateConfiguration(budgetYear: 2026)
        c.model = .productMix  // the product-mix model's arithmetic; BehaviourModelTests test the default
        c.volumeModel = .trend
        c.bootstrap = 0
        c.suppressBelow = 0
        let r = try estimate(dispensing: d, catalogue: trendCatalogue, c)
        // y = 10 + 10t, 2026 is t = 12…23: 2220 tablets; saving 2220 × (1.50 − 1.00) = 1110.
        #expect(r.pricePeriod == Period(year: 2025, month: 3))
        #expect(isClose(r.total.quantity, 2220, relative: 1e-12))
        #expect(isClose(r.total.cost, 3330, relative: 1e-12))
        #expect(isClose(r.total.saving[0], 1110, relative: 1e-12))
        #expect(r.reconciliation.isBalanced && r.reconciliation.rowsUsed == 3)
    }

    @Test func uptakeScalesTheSavingExactly() throws {
        var c = EstimateConfiguration(budgetYear: 2026)
        c.model = .productMix  // the product-mix model's arithmetic; BehaviourModelTests test the default
        c.volumeModel = .trend
        c.uptakes = [0.5, 0.8, 1]
        c.targets = [.pv, .cheapest]
        c.bootstrap = 0
        let r = try estimate(dispensing: d, catalogue: trendCatalogue, c)
        #expect(r.scenarios.count == 6)
        #expect(isClose(r.total.saving[0], 555, relative: 1e-12) && isClose(r.total.saving[1], 888, relative: 1e-12))
        #expect(isClose(r.total.saving[3], 555, relative: 1e-12), "cheapest is the PV here")
    }

    @Test func aFewPatientsSuppressTheTotal() throws {
        var c = EstimateConfiguration(budgetYear: 2026)
        c.model = .productMix  // the product-mix model's arithmetic; BehaviourModelTests test the default
        c.volumeModel = .trend
        c.bootstrap = 0
        let r = try estimate(dispensing: d, catalogue: trendCatalogue, c)
        #expect(r.total.patients == 2 && r.total.suppressed && r.disclosureApplied)
    }

    @Test func seasonalNeedsAYearOfHistory() throws {
        var c = EstimateConfiguration(budgetYear: 2026)
        c.model = .productMix  // the product-mix model's arithmetic; BehaviourModelTests test the default
        c.volumeModel = .trend
        c.seasonal = true
        #expect(throws: EstimateError.self) { try estimate(dispensing: d, catalogue: trendCatalogue, c) }
    }

    @Test func excludedSwitchesAndBlockedRowsAreReportedApart() throws {
        let rows =
            "period,unit,product,quantity,cost,substitution_allowed\n"
            + "2025-01,U1,B,10,15,true\n2025-02,U1,B,10,15,true\n2025-03,U1,B,10,15,false\n2025-03,U1,B,10,15,true\n"
        var c = EstimateConfiguration(budgetYear: 2026)
        c.model = .productMix  // the product-mix model's arithmetic; BehaviourModelTests test the default
        c.volumeModel = .trend
        c.bootstrap = 0
        let plain = try estimate(dispensing: rows, catalogue: trendCatalogue, c)
        // Substitutable 10 a month, flat: 120 in 2026, saving 60; the blocked 10 tablets grow with the class: 40 → 20.
        #expect(isClose(plain.total.saving[0], 60, relative: 1e-12))
        #expect(isClose(plain.blockedSaving[0], 20, relative: 1e-12))
        c.rules = SafetyRules(rules: [
            SafetyRule(match: .atc, pattern: "C10", action: .exclude, reason: "test", source: "test")
        ])
        let excluded = try estimate(dispensing: rows, catalogue: trendCatalogue, c)
        #expect(excluded.total.saving[0] == 0 && isClose(excluded.excludedSaving[0], 60, relative: 1e-12))
        #expect(excluded.excludedProducts == 1)
    }

    @Test func percentileTargetsUseTheOrganisationsProjectedPrices() throws {
        // U1 buys only A (PPU 1.00), U2 only B (1.50), U3 half and half (1.25): p50 = 1.25.
        let rows =
            "period,unit,product,quantity,cost\n"
            + (1...2).map { m in
                "2025-0\(m),U1,A,10,10\n2025-0\(m),U2,B,10,15\n2025-0\(m),U3,A,5,5\n2025-0\(m),U3,B,5,7.5\n"
            }.joined()
        var c = EstimateConfiguration(budgetYear: 2026)
        c.model = .productMix  // the product-mix model's arithmetic; BehaviourModelTests test the default
        c.volumeModel = .trend
        c.targets = [.percentile(50)]
        c.bootstrap = 0
        c.by = .unit
        let r = try estimate(
            dispensing: rows, catalogue: trendCatalogue.replacingOccurrences(of: "2025-03", with: "2025-02"), c)
        // Flat volumes, growth 360 / 60 = 6: U2's 20 tablets of B become 120, saving 120 × 0.25; U3's 10 become 60.
        #expect(r.rows.map(\.key) == ["U2", "U3", "U1"])
        #expect(isClose(r.rows[0].saving[0], 30, relative: 1e-12) && isClose(r.rows[1].saving[0], 15, relative: 1e-12))
        #expect(r.rows[2].saving[0] == 0)
    }
}

@Suite("Budget estimate against a plain-loop recomputation")
struct EstimateReferenceTests {
    static let inputs = BundledData.inputs
    static let dispensingRows = ReferenceRanking.rows(BundledData.dispensingText)
    static let catalogueRows = ReferenceRanking.rows(BundledData.catalogueText)

    static func configuration(_ by: Breakdown, targets: [TargetRule], grain: FitGrain = .class, seasonal: Bool = false)
        -> EstimateConfiguration
    {
        var c = EstimateConfiguration(budgetYear: 2026)
        c.model = .productMix  // the product-mix model's arithmetic; BehaviourModelTests test the default
        c.volumeModel = .trend
        c.by = by
        c.targets = targets
        c.uptakes = [0.6, 1]
        c.grain = grain
        c.seasonal = seasonal
        c.bootstrap = 0
        c.suppressBelow = 0
        return c
    }

    static func referenceTarget(_ rule: TargetRule) -> ReferenceEstimate.Target {
        switch rule {
        case .pv: .pv
        case .cheapest: .cheapest
        case .percentile(let p): .percentile(p)
        case .list: fatalError("estimate refuses list targets")
        }
    }

    static func compare(_ r: EstimateResult, _ expected: [String: [Double]], _ label: String) {
        let keys = Set((r.rows + [r.total]).map(\.key))
        #expect(expected.keys.allSatisfy(keys.contains), "\(label): rows the reference has")
        for row in r.rows + [r.total] {
            guard let e = expected[row.key] else {
                #expect(row.saving.allSatisfy { $0 == 0 }, "\(label): \(row.key) missing from the reference")
                continue
            }
            #expect(
                isClose(row.saving, e, relative: 1e-9, absolute: 1e-6), "\(label) \(row.key): \(row.saving) vs \(e)")
        }
    }

    @Test(arguments: [
        (Breakdown.total, FitGrain.class, false), (.atc1, .class, false), (.unit, .product, false),
        (.atc5, .class, true),
        (.product, .product, true),
    ])
    func bundledDataEqualsPlainLoop(by: Breakdown, grain: FitGrain, seasonal: Bool) throws {
        let targets: [TargetRule] = [.pv, .cheapest, .percentile(10)]
        let c = Self.configuration(by, targets: targets, grain: grain, seasonal: seasonal)
        let r = try BudgetEstimate.compute(Self.inputs.dispensing, catalogue: Self.inputs.catalogue, configuration: c)
        var o = ReferenceEstimate.Options(budgetYear: 2026)
        o.targets = targets.map(Self.referenceTarget)
        o.uptakes = c.uptakes
        o.by = by.rawValue
        o.seasonal = seasonal
        o.fitProducts = grain == .product
        let expected = ReferenceEstimate.savings(dispensing: Self.dispensingRows, catalogue: Self.catalogueRows, o)
        #expect(r.total.saving[1] > 100_000)
        Self.compare(r, expected, "\(by) \(grain) seasonal \(seasonal)")
        #expect(r.reconciliation.isBalanced)
    }

    /// Random catalogues and dispensing: several classes, a month missing, corrections, do-not-substitute rows,
    /// products without a class, a class without PV.
    @Test(arguments: [UInt64(3), 19, 404, 8128])
    func seededRandomDataEqualsPlainLoop(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        var catalogue = "period,product,unit_price,group,size_group,status,atc\n"
        let products = (0..<24).map { "P\($0)" }
        for (i, p) in products.enumerated() {
            let group = i % 7 == 6 ? "" : "G\(i % 4)"
            let status = i % 4 == 0 && i % 8 != 4 ? "PV" : i % 4 == 1 ? "R1" : ""
            let price = Double(Int.random(in: 10...900, using: &g)) / 100
            catalogue += "2025-06,\(p),\(price),\(group),T1,\(status),C0\(i % 3)AA0\(i % 5)\n"
        }
        var dispensing = "period,unit,product,quantity,cost,substitution_allowed\n"
        for m in [1, 2, 3, 5, 6] {
            for _ in 0..<150 {
                let unit = "U\(Int.random(in: 0..<9, using: &g))", product = products.randomElement(using: &g)!
                let q = Int.random(in: -5...120, using: &g), cost = Double(q) * Double.random(in: 0.1...9, using: &g)
                let allowed = Int.random(in: 0..<10, using: &g) > 0
                dispensing += "2025-0\(m),\(unit),\(product),\(q),\(String(format: "%.2f", cost)),\(allowed)\n"
            }
        }
        let targets: [TargetRule] = [.pv, .percentile(25)]
        for (by, grain) in [(Breakdown.unit, FitGrain.class), (.atc3, .product), (.total, .class)] {
            let c = Self.configuration(by, targets: targets, grain: grain)
            let r = try estimate(dispensing: dispensing, catalogue: catalogue, c)
            var o = ReferenceEstimate.Options(budgetYear: 2026)
            o.targets = targets.map(Self.referenceTarget)
            o.uptakes = c.uptakes
            o.by = by.rawValue
            o.fitProducts = grain == .product
            let expected = ReferenceEstimate.savings(dispensingCSV: dispensing, catalogueCSV: catalogue, o)
            Self.compare(r, expected, "seed \(seed) \(by) \(grain)")
            #expect(r.fit.missingMonths == [Period(year: 2025, month: 4)], "seed \(seed)")
            #expect(r.reconciliation.isBalanced, "seed \(seed)")
        }
    }

    @Test func scenarioSavingsAtUptakeAlphaAreAlphaTimesTheFullSaving() throws {
        var c = Self.configuration(.atc3, targets: [.pv, .percentile(10)])
        c.uptakes = [0.25, 0.5, 0.8, 1]
        let r = try BudgetEstimate.compute(Self.inputs.dispensing, catalogue: Self.inputs.catalogue, configuration: c)
        for row in r.rows + [r.total] {
            for t in 0..<2 {
                let full = row.saving[t * 4 + 3]
                for (k, alpha) in c.uptakes.enumerated() {
                    #expect(
                        isClose(row.saving[t * 4 + k], alpha * full, relative: 1e-12, absolute: 1e-9),
                        "\(row.key) α \(alpha)")
                }
            }
        }
    }
}

@Suite("Bootstrap intervals")
struct BootstrapTests {
    @Test func replicatesEqualAPlainLoopOverTheSameDraws() throws {
        var g = SeededGenerator(seed: 12)
        let v = ReferenceMaths.randomMatrix(37, 5, using: &g)
        let w = try Bootstrap.replicates(v, count: 150, seed: 99, block: 16)
        var draws = SplitMix64(seed: 99)
        for b in 0..<150 {
            var sums = [Double](repeating: 0, count: 5)
            for _ in 0..<37 {
                let i = Int(draws.next(below: 37))
                for j in 0..<5 { sums[j] += v[i, j] }
            }
            #expect(isClose(w.row(b), sums, relative: 1e-12, absolute: 1e-12), "replicate \(b)")
        }
    }

    @Test func stratifiedDrawsKeepEachStratumsSize() throws {
        // V's columns indicate the strata, so W·V counts each replicate's draws per stratum.
        let strata = [0, 1, 1, 2, 2, 2, 0, 1]
        var v = Matrix(rows: 8, columns: 3)
        for (i, s) in strata.enumerated() { v[i, s] = 1 }
        let w = try Bootstrap.replicates(v, count: 50, seed: 3, strata: strata)
        for b in 0..<50 { #expect(w.row(b) == [2, 3, 3], "replicate \(b)") }
        let free = try Bootstrap.replicates(v, count: 50, seed: 3)
        #expect((0..<50).contains { free.row($0) != [2, 3, 3] }, "without strata the sizes vary")
    }

    @Test func drawsAreUniformAndUnbiased() {
        var r = SplitMix64(seed: 7)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[Int(r.next(below: 6))] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 }, "\(counts)")
    }

    static func bundled(seed: UInt64, resample: ResampleUnit, by: Breakdown = .atc1) throws -> EstimateResult {
        var c = EstimateConfiguration(budgetYear: 2026)
        c.model = .productMix  // the product-mix model's arithmetic; BehaviourModelTests test the default
        c.volumeModel = .trend
        c.by = by
        c.uptakes = [0.5, 1]
        c.bootstrap = 400
        c.seed = seed
        c.resample = resample
        let options: DispensingReadOptions = {
            var o = DispensingReadOptions()
            o.cluster = resample == .patients ? .patient : resample == .prescribers ? .prescriber : nil
            return o
        }()
        let inputs =
            resample == .units
            ? BundledData.inputs
            : try LoadedInputs.load(
                InputConfiguration(
                    dispensingPaths: [Fixtures.dataset("dispensing.csv.gz")],
                    cataloguePaths: [Fixtures.dataset("catalogue.csv")],
                    read: options))
        return try BudgetEstimate.compute(inputs.dispensing, catalogue: inputs.catalogue, configuration: c)
    }

    @Test(arguments: [ResampleUnit.units, .patients, .prescribers])
    func reproducibleWithASeedAndContainingThePointEstimate(resample: ResampleUnit) throws {
        let a = try Self.bundled(seed: 2026, resample: resample), b = try Self.bundled(seed: 2026, resample: resample)
        let other = try Self.bundled(seed: 2027, resample: resample)
        #expect(a.rows == b.rows && a.total == b.total, "the same seed gives the same intervals")
        #expect(a.total.lower != other.total.lower, "another seed gives other draws")
        for row in a.rows + [a.total] {
            for s in 0..<2 {
                #expect(
                    row.lower![s] <= row.saving[s] && row.saving[s] <= row.upper![s],
                    "\(resample) \(row.key) scenario \(s)")
                #expect(row.lower![s] < row.upper![s], "\(resample) \(row.key): an interval with width")
            }
        }
        #expect(isClose(a.total.lower![0], a.total.lower![1] / 2, relative: 1e-9), "intervals scale with uptake too")
    }
}

@Suite("Disclosure control")
struct DisclosureTests {
    /// Rows as sets of patient ids.
    static func decide(_ rows: [Set<Int>], _ values: [Double], threshold: Int = 5) -> Disclosure.Decision {
        Disclosure.decide(
            patients: rows.map(\.count), values: values,
            totalPatients: rows.reduce(into: Set<Int>()) { $0.formUnion($1) }.count,
            threshold: threshold,
            distinctPatients: { set in set.reduce(into: Set<Int>()) { $0.formUnion(rows[$1]) }.count })
    }

    /// What someone holding the published table learns of each suppressed value: it lies in [0, S], S the total
    /// minus the shown rows (savings are never negative). Recovered when that interval is a point.
    static func recovered(_ values: [Double], suppressed: Set<Int>) -> [Int] {
        let shown = values.indices.filter { !suppressed.contains($0) }.map { values[$0] }.reduce(0, +)
        let rest = values.reduce(0, +) - shown
        if suppressed.count == 1 { return Array(suppressed) }
        return rest <= 1e-9 ? Array(suppressed) : []
    }

    @Test func oneSmallRowTakesTheSmallestOtherWithIt() {
        let rows: [Set<Int>] = [Set(0..<20), Set(20..<23), Set(23..<40), Set(40..<60)]
        let d = Self.decide(rows, [500, 80, 120, 900])
        #expect(d.primary == [1] && d.secondary == [2] && !d.totalSuppressed)
    }

    @Test func twoSmallRowsOnTooFewPatientsTogetherTakeAThird() {
        // Rows 1 and 2 rest on 2 + 2 patients: their sum would be a figure about 4 patients.
        let rows: [Set<Int>] = [Set(0..<20), [20, 21], [22, 23], Set(24..<40)]
        let d = Self.decide(rows, [500, 80, 40, 900])
        #expect(d.primary == [1, 2] && d.secondary == [0])
    }

    @Test func sharedPatientsAreCountedOnce() {
        // Two rows of 3 patients each, the same 3: together still 3.
        let rows: [Set<Int>] = [Set(0..<30), [30, 31, 32], [30, 31, 32], Set(33..<50)]
        let d = Self.decide(rows, [500, 10, 20, 900])
        #expect(d.suppressed == [0, 1, 2])
    }

    @Test func aZeroRowDoesNotHideAnother() {
        let rows: [Set<Int>] = [Set(0..<20), [20], Set(21..<40)]
        let d = Self.decide(rows, [300, 7, 0])
        #expect(d.secondary == [0], "pairing with a zero row would give the small row's value away")
    }

    @Test func aTotalOnTooFewPatientsWithholdsTheTable() {
        let d = Self.decide([[1, 2], [3]], [5, 6])
        #expect(d.totalSuppressed && d.suppressed == [0, 1])
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func noSuppressedValueCanBeRecoveredFromTheTotal(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            let n = Int.random(in: 2...12, using: &g)
            var rows: [Set<Int>] = []
            for _ in 0..<n {
                let size =
                    Int.random(in: 0...9, using: &g) < 4
                    ? Int.random(in: 0...4, using: &g) : Int.random(in: 5...40, using: &g)
                rows.append(Set((0..<size).map { _ in Int.random(in: 0..<200, using: &g) }))
            }
            let values = rows.map { _ in
                Int.random(in: 0..<5, using: &g) == 0 ? 0 : Double(Int.random(in: 1...10_000, using: &g))
            }
            let d = Self.decide(rows, values)
            if d.totalSuppressed { continue }
            #expect(d.primary == Set(rows.indices.filter { rows[$0].count < 5 }), "seed \(seed)")
            let union = d.suppressed.reduce(into: Set<Int>()) { $0.formUnion(rows[$1]) }
            if !d.suppressed.isEmpty {
                #expect(d.suppressed.count >= 2 && union.count >= 5, "seed \(seed): \(rows.map(\.count)) \(values)")
                if d.suppressed.contains(where: { values[$0] > 0 }) {
                    #expect(Self.recovered(values, suppressed: d.suppressed).isEmpty, "seed \(seed): \(values)")
                }
            }
        }
    }

    @Test func bundledDataByProductSuppressesSmallRows() throws {
        var c = EstimateConfiguration(budgetYear: 2026)
        c.model = .productMix  // the product-mix model's arithmetic; BehaviourModelTests test the default
        c.volumeModel = .trend
        c.by = .product
        c.bootstrap = 0
        let r = try BudgetEstimate.compute(
            BundledData.inputs.dispensing, catalogue: BundledData.inputs.catalogue, configuration: c)
        #expect(r.primarySuppressed > 0)
        let suppressed = Set(r.rows.indices.filter { r.rows[$0].suppressed })
        #expect(suppressed.count >= 2)
        for i in r.rows.indices where (r.rows[i].patients ?? 0) < 5 {
            #expect(r.rows[i].suppressed, "\(r.rows[i].key)")
        }
        #expect(Self.recovered(r.rows.map { $0.saving[0] }, suppressed: suppressed).isEmpty)
    }
}
