import MedSaveCore
import MedSaveTestSupport
import Testing

/// One test per fixed bug in the numeric core, named after what broke.
@Suite("Numeric regressions")
struct NumericRegressionTests {
    /// An organisation paying exactly the percentile target showed up as an opportunity saving 0.00,
    /// because 30 − 200 · (30 / 200) leaves 3.5e-15 in floating point (see the Analysis regression too).
    @Test func payingExactlyTheTargetSavesExactlyZero() throws {
        let t = 30.0 / 200.0
        #expect(try SavingsKernel.savings(quantity: [200, 3], cost: [30, 0.3], target: t) == [0, 0])
    }
}
