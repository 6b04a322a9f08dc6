import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

/// The engine on the bundled datasets/ against the independent plain-loop recomputation in test support.
@Suite("Bundled datasets: totals equal a plain-loop recomputation, and the books balance")
struct BundledDataTests {
    static let inputs = BundledData.inputs
    static let dispensingText = BundledData.dispensingText
    static let catalogueText = BundledData.catalogueText

    @Test(arguments: [
        ("pv", ReferenceRanking.Target.pv), ("p10", .percentile(10)), ("cheapest", .cheapest),
        ("median", .percentile(50)),
    ])
    func totalSavingEqualsPlainLoop(rule: String, reference: ReferenceRanking.Target) throws {
        let result = try Ranking.rank(
            Self.inputs.dispensing, catalogue: Self.inputs.catalogue,
            configuration: RankConfiguration(target: TargetRule(text: rule)!))
        let expected = ReferenceRanking.totals(
            dispensingCSV: Self.dispensingText, catalogueCSV: Self.catalogueText, target: reference)
        #expect(result.totalSaving > 0)
        #expect(
            isClose(result.totalSaving, expected.saving, relative: 1e-9),
            "\(rule): \(result.totalSaving) vs \(expected.saving)")
        #expect(result.blockedSaving > 0)
        #expect(
            isClose(result.blockedSaving, expected.blockedSaving, relative: 1e-9),
            "\(rule) blocked: \(result.blockedSaving) vs \(expected.blockedSaving)")
        #expect(result.reconciliation.rowsRead == expected.rows)
        #expect(isClose(result.reconciliation.costRead.doubleValue, expected.cost, relative: 1e-12))
    }

    @Test(arguments: [("pv", RankLevel.unit, false), ("p10", .prescriber, false), ("cheapest", .all, true)])
    func rankingOnSeveralThreadsGivesTheSameResult(rule: String, level: RankLevel, byPeriod: Bool) throws {
        let inputs =
            level == .prescriber
            ? try LoadedInputs.load(
                InputConfiguration(
                    dispensingPaths: [Fixtures.dataset("dispensing.csv.gz")],
                    cataloguePaths: [Fixtures.dataset("catalogue.csv")],
                    read: DispensingReadOptions(organisation: .prescriber)))
            : Self.inputs
        var c = RankConfiguration(target: TargetRule(text: rule)!, level: level, byPeriod: byPeriod)
        c.rules = .shipped
        let one = try Ranking.rank(inputs.dispensing, catalogue: inputs.catalogue, configuration: c)
        c.threads = 3
        let three = try Ranking.rank(inputs.dispensing, catalogue: inputs.catalogue, configuration: c)
        #expect(one.opportunities.count > 100)
        #expect(
            one.opportunities == three.opportunities && one.excluded == three.excluded && one.blocked == three.blocked)
        #expect(one.totalSaving == three.totalSaving && one.reconciliation == three.reconciliation)
    }

    @Test func summaryReconcilesToTheOre() throws {
        let r = try Ranking.rank(
            Self.inputs.dispensing, catalogue: Self.inputs.catalogue, configuration: RankConfiguration())
        let books = r.reconciliation
        #expect(books.isBalanced)
        #expect(books.rowsRead == books.rowsUsed + books.rowsSetAsideTotal)
        #expect(books.costRead.raw == books.costUsed.raw + books.costSetAsideTotal.raw, "exact in millionths")
        // Every reason the generator produces shows up, so none is silently folded into another.
        #expect(Set(books.rowsSetAside.keys) == [.unknownProduct, .noClass, .noTarget])
        #expect(books.rowsRead >= 200_000)
    }

    @Test func datasetHasTheShapeTheIssueAsksFor() throws {
        let d = Self.inputs.dispensing, c = Self.inputs.catalogue
        #expect(d.periods.count == 12)
        #expect(d.organisations.count >= 40)
        let products = Set(c.entries.map(\.product))
        let groups = Set(c.entries.compactMap { $0.equivalenceClass?.group })
        #expect(products.count >= 300 && groups.count >= 60)
        #expect(Set(c.entries.map(\.status)) == [.pv, .r1, .r2, .none])
        #expect(d.cells.contains { $0.hasCorrectionRows })
        let blocked = d.blockedByPrescriber.reduce(0.0) { $0 + $1.quantity.doubleValue }
        let quantity = d.cells.reduce(0.0) { $0 + $1.quantity.doubleValue }
        #expect((0.03...0.07).contains(blocked / quantity), "about 5% do-not-substitute rows (by quantity)")
        // Prices change month to month.
        let first = c.periods.first!, last = c.periods.last!
        let changed = c.entries.filter { $0.period == first }.filter { e in
            c.entry(product: e.product, period: last).map { $0.unitPrice != e.unitPrice } ?? false
        }
        #expect(changed.count > 100)
    }

    @Test func generatorReproducesTheCommittedData() throws {
        // The committed files are exactly what the committed generator makes with its default seed.
        let dir = Fixtures.temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.dataset("generate.py"), "--out", dir.path]
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else {
            print("skipping: python3 is not available to rerun datasets/generate.py")
            return
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let catalogue = try Data(contentsOf: dir.appendingPathComponent("catalogue.csv"))
        #expect(catalogue == (try Data(contentsOf: URL(fileURLWithPath: Fixtures.dataset("catalogue.csv")))))
        let dispensing = try ReferenceRanking.gunzip(dir.appendingPathComponent("dispensing.csv.gz").path)
        #expect(dispensing == Self.dispensingText)
    }
}
