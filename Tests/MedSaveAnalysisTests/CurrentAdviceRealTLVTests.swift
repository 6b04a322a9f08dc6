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
