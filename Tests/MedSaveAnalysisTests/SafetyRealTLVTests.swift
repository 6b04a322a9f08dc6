import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

/// The shipped safety rules on TLV's real February 2026 workbook alone, which carries substances but no ATC
/// codes: the substance rules must still flag and exclude, and the summary must say what ATC rules missed.
@Suite(
    "Safety rules on the real February 2026 list",
    .enabled(if: Fixtures.hasSharedData, "../shared/data is not beside the checkout: real-data tests skipped"))
struct SafetyRealTLVTests {
    static let month = Period(year: 2026, month: 2)
    static let catalogue: Catalogue = {
        let path = Fixtures.shared("se-tlv-periodens-varor") + "/xlsx/2602.xlsx"
        return try! CatalogueLoader.load(["tlv:\(path)"]).catalogue
    }()

    /// One unit buying 100 units of the dearest product of every class of these substances, and of a few
    /// classes of other substances.
    static func dispensing(substances: [String], others: Int) throws -> DispensingAggregate {
        var byClass: [EquivalenceClass: [CatalogueEntry]] = [:]
        for e in catalogue.entries where e.period == month {
            if let c = e.equivalenceClass { byClass[c, default: []].append(e) }
        }
        var chosen = byClass.keys.filter { c in byClass[c]!.contains { substances.contains($0.substance) } }.sorted()
        chosen += byClass.keys.filter { c in
            byClass[c]!.count > 1 && !byClass[c]!.contains { substances.contains($0.substance) }
        }.sorted().prefix(others)
        var csv = "period,unit,product,quantity,cost\n"
        for c in chosen {
            let dearest = byClass[c]!.max { ($0.unitPrice, $0.product) < ($1.unitPrice, $1.product) }!
            csv += "2026-02,U1,\(dearest.product),100,\(NumberFormat.fixed(dearest.unitPrice * 100, decimals: 2))\n"
        }
        let path = Fixtures.write(csv, named: "safety-2602.csv")
        return try LoadedInputs.load(
            InputConfiguration(dispensingPaths: [path], cataloguePaths: [], read: DispensingReadOptions())
        ).dispensing
    }

    @Test func lamotrigineIsFlaggedForReviewAndTacrolimusExcludedWithoutATCCodes() throws {
        try #require(Self.catalogue.entries.allSatisfy { $0.atc.isEmpty }, "the workbook alone has no ATC codes")
        let data = try Self.dispensing(substances: ["Lamotrigin", "Takrolimus"], others: 20)
        var c = RankConfiguration(target: .cheapest)
        c.rules = .shipped
        let result = try Ranking.rank(data, catalogue: Self.catalogue, configuration: c)
        let substanceOf = { (o: Opportunity) in
            Self.catalogue.entry(product: o.products[0].code, period: Self.month)!.substance
        }
        let lamotrigine = result.opportunities.filter { substanceOf($0) == "Lamotrigin" }
        let tacrolimus = result.excluded.filter { substanceOf($0) == "Takrolimus" }
        try #require(!lamotrigine.isEmpty && !tacrolimus.isEmpty)
        #expect(lamotrigine.allSatisfy { $0.flags.contains("review") && $0.safetyAction == .review })
        #expect(
            tacrolimus.allSatisfy { $0.safety.contains { $0.action == .exclude && $0.reason.hasPrefix("Tacrolimus") } })
        #expect(!result.opportunities.contains { substanceOf($0) == "Takrolimus" }, "tacrolimus is never ranked")
        let coverage = try #require(result.safetyCoverage)
        #expect(coverage.productsWithoutATC == data.products.count && coverage.atcRules > 0)
        #expect(coverage.productsWithoutSubstance == 0)
        let lines = RankRenderer(result).summaryLines()
        #expect(lines.contains { $0.contains("ATC rules could not be checked on \(data.products.count) products") })
    }

    @Test func withThePriceListJoinedTheATCRulesApplyToo() throws {
        let workbook = Fixtures.shared("se-tlv-periodens-varor") + "/xlsx/2602.xlsx"
        let prices = Fixtures.shared("se-tlv-prislista") + "/tlv_prislista_2026-01.csv"
        let joined = try CatalogueLoader.load(["tlv:\(workbook)", "tlv-prices:\(prices)"]).catalogue
        let listed = joined.entries.filter { $0.period == Self.month }
        let withATC = listed.filter { !$0.atc.isEmpty }.count
        print(
            "February 2026 workbook joined to the January price list: \(withATC) of \(listed.count) entries have an ATC code"
        )
        #expect(withATC * 2 > listed.count, "most of the workbook's products are on the price list")
        // February's only tacrolimus class is the ointment (D11AH01): excluded on the workbook alone (the substance
        // is all that is known), left to the ATC rules, which do not exclude it, once its code is joined. Capsules
        // (L04AD02) would stay excluded.
        let tacrolimus = listed.filter { $0.substance == "Takrolimus" && !$0.atc.isEmpty }
        try #require(!tacrolimus.isEmpty)
        for e in tacrolimus {
            let excluded = SafetyRules.shipped.findings(dispensed: [e], suggested: nil).contains {
                $0.action == .exclude
            }
            #expect(excluded == e.atc.hasPrefix("L04AD02"), "\(e.product) \(e.name) \(e.atc)")
        }
    }
}
