import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

/// The budget estimate on TLV's real 2025 lists, with volumes from the seeded generator in test support.
@Suite(
    "Budget estimate on real TLV months",
    .enabled(if: Fixtures.hasSharedData, "../shared/data is not beside the checkout: real-data tests skipped"))
struct BehaviourRealTLVTests {
    static let months = (1...12).map { Period(year: 2025, month: $0) }
    static let catalogue: Catalogue = {
        let folder = Fixtures.shared("se-tlv-periodens-varor") + "/xlsx"
        let specs = months.map { "tlv:\(folder)/25\(String(format: "%02d", $0.month)).xlsx" }
        return try! CatalogueLoader.load(specs).catalogue
    }()
    static let sample = TLVVolumes.sample(catalogue: catalogue, months: months, classes: 300, units: 6, seed: 2025)

    static func estimate(_ model: EstimateModel) throws -> EstimateResult {
        let inputs = try LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: [Fixtures.write(sample.csv, named: "tlv-2025.csv")], cataloguePaths: [],
                read: DispensingReadOptions()))
        var c = EstimateConfiguration(budgetYear: 2026)
        c.model = model
        c.bootstrap = 0
        c.suppressBelow = 0
        return try BudgetEstimate.compute(inputs.dispensing, catalogue: catalogue, configuration: c)
    }

    /// Flat volumes, each unit keeping its non-PV share: 2026 at full uptake should be 2025's saving found,
    /// re-priced at December's targets. The product-mix model prices the year's products at December's list
    /// and lands far off; its figure is printed for comparison.
    @Test func theProjectionIsTheYearFoundRepricedAtDecember() throws {
        let s = Self.sample
        try #require(s.classes == 300)
        let behaviour = try Self.estimate(.behaviour)
        let projected = behaviour.total.saving[0], expected = s.foundRepricedAtLast
        print("real TLV 2025, 300 classes × 6 units, flat volumes: found \(s.found), re-priced at 2025-12 \(expected);")
        print("  behaviour model 2026: \(projected) (\(projected / expected)×); bridge \(behaviour.bridge[0])")
        #expect(abs(projected / expected - 1) <= 0.2, "projected \(projected), expected \(expected)")
        #expect(behaviour.warnings.isEmpty, "\(behaviour.warnings)")
        let productMix = try Self.estimate(.productMix)
        print("  product-mix model 2026: \(productMix.total.saving[0]) (\(productMix.total.saving[0] / expected)×)")
        #expect(behaviour.reconciliation.isBalanced && productMix.reconciliation.isBalanced)
    }
}
