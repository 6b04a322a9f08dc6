import MedSaveCore
import MedSaveTestSupport
import Testing

/// An explanation is rebuilt from the aggregate apart from the ranking, so its months adding up to the ranked
/// saving, quantity and cost checks both.
@Suite("Explain: the months add up to the ranking")
struct ExplanationTests {
    @Test(arguments: [
        (TargetRule.pv, RankLevel.unit, false), (.percentile(10), .unit, false), (.cheapest, .all, false),
        (.pv, .unit, true), (.percentile(50), .all, true),
    ])
    func monthsAndProductsAddUpToTheRankedRow(rule: TargetRule, level: RankLevel, byPeriod: Bool) throws {
        let inputs = BundledData.inputs
        var c = RankConfiguration(target: rule, level: level, byPeriod: byPeriod, top: 3)
        c.rules = .shipped
        let ranked = try Ranking.rank(inputs.dispensing, catalogue: inputs.catalogue, configuration: c)
        try #require(ranked.opportunities.count == 3)
        for o in ranked.opportunities {
            let e = try #require(
                try Explanation.explain(
                    id: o.id, data: inputs.dispensing, classifier: inputs.catalogue, configuration: c))
            #expect(e.opportunity.id == o.id)
            #expect(isClose(e.saving, o.saving, relative: 1e-9), "\(o.id): \(e.saving) vs \(o.saving)")
            let quantity = e.months.reduce(FixedDecimal.zero) { $0 + $1.quantity }
            let cost = e.months.reduce(FixedDecimal.zero) { $0 + $1.cost }
            #expect(quantity == o.quantity && cost == o.cost, "\(o.id)")
            if case .percentile = rule {
                #expect(e.months.allSatisfy { $0.peers != nil })
                if level == .unit { #expect(e.months.allSatisfy { $0.peers?.own != nil }) }
            } else {
                #expect(e.months.allSatisfy { $0.peers == nil && $0.targetProduct != nil })
            }
        }
    }
}
