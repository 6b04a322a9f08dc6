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
}
