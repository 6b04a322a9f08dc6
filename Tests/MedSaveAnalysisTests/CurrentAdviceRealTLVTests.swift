import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

/// The suggested product on TLV's real January and February 2026 lists, with seeded volumes in which some units
/// bought only in January: the advice must be February's, whatever months a unit's own rows cover.
@Suite(
    "Current advice on real TLV months",
    .enabled(if: Fixtures.hasSharedData, "../shared/data is not beside the checkout: real-data tests skipped"))
struct CurrentAdviceRealTLVTests {
    static let months = [Period(year: 2026, month: 1), Period(year: 2026, month: 2)]
    static let catalogue: Catalogue = {
        let folder = Fixtures.shared("se-tlv-periodens-varor") + "/xlsx"
        return try! CatalogueLoader.load(["tlv:\(folder)/2601.xlsx", "tlv:\(folder)/2602.xlsx"]).catalogue
    }()
    /// Units U0–U2 bought only in January; U3–U5 in both months.
    static let dispensing: DispensingAggregate = {
        let sample = TLVVolumes.sample(catalogue: catalogue, months: months, classes: 400, units: 6, seed: 2602)
        let lines = sample.csv.split(separator: "\n", omittingEmptySubsequences: true).filter { line in
            !(line.hasPrefix("2026-02,U0,") || line.hasPrefix("2026-02,U1,") || line.hasPrefix("2026-02,U2,"))
        }
        let path = Fixtures.write(lines.joined(separator: "\n") + "\n", named: "tlv-2601-2602.csv")
        return try! LoadedInputs.load(
            InputConfiguration(dispensingPaths: [path], cataloguePaths: [], read: DispensingReadOptions())
        ).dispensing
    }()

    /// The cheapest product of `cls` in `month` among those `keep` admits (ties to the smaller code).
    static func cheapest(_ cls: EquivalenceClass, _ month: Period, _ keep: (CatalogueEntry) -> Bool = { _ in true })
        -> CatalogueEntry?
    {
        catalogue.members(of: cls, in: month).filter(keep).min {
            ($0.unitPrice, $0.product) < ($1.unitPrice, $1.product)
        }
    }

    /// On the real lists: each class row (`--level class`) and each area row is the sum of its units' rows, its
    /// units and top units are those of the unit level, and the latest month's saving is February's.
    @Test(arguments: [TargetRule.pv, .cheapest, .percentile(10)])
    func classAndAreaRowsAreSumsOfTheUnitRows(rule: TargetRule) throws {
        let units = try Ranking.rank(
            Self.dispensing, catalogue: Self.catalogue, configuration: RankConfiguration(target: rule))
        var byClass: [EquivalenceClass: [(key: String, saving: Double)]] = [:]
        for o in units.opportunities { byClass[o.equivalenceClass, default: []].append((o.key, o.saving)) }
        let classes = try Ranking.rank(
            Self.dispensing, catalogue: Self.catalogue, configuration: RankConfiguration(target: rule, level: .all))
        try #require(classes.opportunities.count > 50)
        #expect(Set(classes.opportunities.map(\.equivalenceClass)) == Set(byClass.keys))
        for o in classes.opportunities {
            let members = try #require(byClass[o.equivalenceClass])
            #expect(isClose(o.saving, members.reduce(0) { $0 + $1.saving }, relative: 1e-9), "\(o.equivalenceClass)")
            let top = members.sorted { ($1.saving, $0.key) < ($0.saving, $1.key) }.prefix(3).map(\.key)
            #expect(o.topUnits.map(\.key) == Array(top), "\(o.equivalenceClass)")
            #expect(o.units! >= members.count)
        }
        #expect(isClose(classes.totalSaving, units.totalSaving, relative: 1e-9))
        var area = RankConfiguration(target: rule, level: .area)
        area.areas = AreaMap(["U0": "North", "U1": "North", "U2": "South", "U3": "South", "U4": "North"])
        let areas = try Ranking.rank(Self.dispensing, catalogue: Self.catalogue, configuration: area)
        let areaOf = ["U0": "North", "U1": "North", "U2": "South", "U3": "South", "U4": "North", "U5": AreaMap.noArea]
        var expected: [String: Double] = [:]
        for o in units.opportunities { expected["\(areaOf[o.key]!) \(o.equivalenceClass)", default: 0] += o.saving }
        #expect(areas.opportunities.count == expected.count)
        for o in areas.opportunities {
            #expect(isClose(o.saving, expected["\(o.key) \(o.equivalenceClass)"] ?? -1, relative: 1e-9))
        }
        // U0–U2 bought only in January: a row of theirs alone saves nothing in February.
        for o in units.opportunities where ["U0", "U1", "U2"].contains(o.key) { #expect(o.latestSaving == 0) }
    }

    @Test(arguments: [TargetRule.pv, .cheapest])
    func everySuggestionIsTheNewestMonthsTarget(rule: TargetRule) throws {
        let result = try Ranking.rank(
            Self.dispensing, catalogue: Self.catalogue, configuration: RankConfiguration(target: rule))
        let february = Self.months[1], january = Self.months[0]
        #expect(result.adviceMonth == february)
        let all = result.opportunities + result.excluded
        try #require(all.count > 100)
        var januaryOnly = 0, changed = 0
        for o in all {
            let keep: (CatalogueEntry) -> Bool = rule == .pv ? { $0.status == .pv } : { _ in true }
            let expected = try #require(Self.cheapest(o.equivalenceClass, february, keep))
            let suggested = try #require(o.suggested, "\(o.key) \(o.equivalenceClass) has no suggestion")
            #expect(suggested.code == expected.product, "\(o.key) \(o.equivalenceClass)")
            #expect(suggested.unitPrice == expected.unitPrice && suggested.period == february)
            let before = try #require(Self.cheapest(o.equivalenceClass, january, keep))
            #expect(o.flags.contains("no-longer-pv") == (before.product != expected.product))
            if ["U0", "U1", "U2"].contains(o.key) { januaryOnly += 1 }
            if before.product != expected.product { changed += 1 }
        }
        #expect(januaryOnly > 0, "units that bought only in January are ranked and get February's advice")
        #expect(changed > 0, "some classes changed their target between the months, so the test can tell")
        print(
            "current advice, \(rule): \(all.count) opportunities, \(januaryOnly) of units seen only in January, \(changed) whose target changed"
        )
    }

    @Test func asOfTakesTheAdviceFromAnEarlierList() throws {
        var c = RankConfiguration(target: .pv)
        c.asOf = Self.months[0]
        let result = try Ranking.rank(Self.dispensing, catalogue: Self.catalogue, configuration: c)
        #expect(result.adviceMonth == Self.months[0])
        for o in result.opportunities {
            let expected = Self.cheapest(o.equivalenceClass, Self.months[0]) { $0.status == .pv }
            #expect(o.suggested?.code == expected?.product)
        }
        c.asOf = Period(year: 2025, month: 6)
        #expect(throws: TargetRuleError.self) {
            try Ranking.rank(Self.dispensing, catalogue: Self.catalogue, configuration: c)
        }
    }
}
