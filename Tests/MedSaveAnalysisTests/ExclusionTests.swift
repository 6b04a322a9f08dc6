import Foundation
import MedSaveCore
import MedSaveSupport
import MedSaveTestSupport
import Testing

/// Which rows a safety check excludes is decided per (product, period) up front, and a class none of whose
/// products can exclude is kept without reading its rows (`OpportunityBuilder.ExclusionCheck`). These tests try
/// to break that shortcut: an excluding product in one month only, beside products that never exclude, in one
/// class among others that cannot; checked by hand, against a plain reference on seeded data, at one and two
/// threads, and against the month-by-month fold (which decides row by row).
@Suite("Rows a rule excludes")
struct ExclusionTests {
    /// M2 is a depot tablet in January and listed as a plain tablet from February; the suggestion M1 is plain.
    static let catalogue = """
        period,product,name,form,pack_size,unit_price,group,size_group,status
        2025-01,M1,Met,Tablett,100,1.00,GM,T23,PV
        2025-01,M2,Met Depot,Depottablett,100,3.00,GM,T23,
        2025-01,M3,Met brand,Tablett,100,3.00,GM,T23,
        2025-01,P1,Plain,Tablett,100,1.00,GP,T23,PV
        2025-01,P2,Plain brand,Tablett,100,3.00,GP,T23,
        2025-02,M1,Met,Tablett,100,1.00,GM,T23,PV
        2025-02,M2,Met,Tablett,100,3.00,GM,T23,
        2025-02,M3,Met brand,Tablett,100,3.00,GM,T23,
        2025-02,P1,Plain,Tablett,100,1.00,GP,T23,PV
        2025-02,P2,Plain brand,Tablett,100,3.00,GP,T23,

        """

    @Test func aProductExcludesARowAtTheLatestMonthItWasDispensedInAndOnlyInItsClass() throws {
        let rows = [
            ("2025-01", "U1", "M3"), ("2025-01", "U2", "M2"), ("2025-01", "U3", "M2"), ("2025-02", "U3", "M2"),
            ("2025-01", "U4", "M2"), ("2025-02", "U4", "M3"),
        ]
        let dispensing =
            header + rows.map { "\($0.0),\($0.1),\($0.2),100,300\n" }.joined()
            + ["U1", "U2", "U3", "U4"].map { "2025-02,\($0),P2,100,300\n" }.joined()
        let r = try rank(dispensing: dispensing, catalogue: Self.catalogue, RankConfiguration(target: .pv))
        func keys(_ list: [Opportunity], _ group: String) -> [String] {
            list.filter { $0.equivalenceClass.group == group }.map(\.key).sorted()
        }
        // U2 had M2 only as a depot tablet; U3's latest M2 is a plain tablet; U4 had the depot M2 beside M3.
        #expect(keys(r.excluded, "GM") == ["U2", "U4"])
        #expect(keys(r.opportunities, "GM") == ["U1", "U3"])
        #expect(keys(r.opportunities, "GP") == ["U1", "U2", "U3", "U4"] && keys(r.excluded, "GP").isEmpty)
        #expect(
            r.excluded.allSatisfy {
                $0.safety.map(\.reason) == ["the switch would cross modified-release and immediate-release"]
            })
    }

    /// 100 classes of 4 products over 12 months (4,800 (product, period) pairs, enough for the lookups to be
    /// split between threads): in every fifth class one product is a depot tablet in odd months only, in every
    /// seventh the suggestion itself is, the rest never are.
    static func seeded(seed: UInt64) -> (catalogue: String, dispensing: String, months: [String]) {
        let months = (1...12).map { "2025-\($0 < 10 ? "0" : "")\($0)" }
        var catalogue = "period,product,name,form,pack_size,unit_price,group,size_group,status\n"
        for (m, month) in months.enumerated() {
            for c in 0..<100 {
                for p in 0..<4 {
                    let depot = (c % 5 == 0 && p == 3 && m % 2 == 0) || (c % 7 == 0 && p == 0)
                    catalogue +=
                        "\(month),C\(c)P\(p),Product \(c) \(p),\(depot ? "Depottablett" : "Tablett"),100,"
                        + "\(p == 0 ? "1.00" : "\(2 + p).00"),G\(c),T23,\(p == 0 ? "PV" : "")\n"
                }
            }
        }
        var random = SplitMix64(seed: seed)
        var dispensing = header
        for _ in 0..<4000 {
            let month = months[Int(random.next(below: 12))]
            let unit = "U\(random.next(below: 30))"
            let product = "C\(random.next(below: 100))P\(1 + random.next(below: 3))"
            dispensing += "\(month),\(unit),\(product),100,\(300 + random.next(below: 200)).00\n"
        }
        return (catalogue, dispensing, months)
    }

    /// The rows a plain reading of the rule excludes: a product dispensed (at the latest month it was dispensed
    /// in) that is a depot tablet where the class's suggestion (its PV product in December) is not, or the
    /// other way round.
    static func referenceExcluded(catalogue: String, dispensing: String) -> Set<String> {
        var depot: [String: Bool] = [:]  // "month|product"
        for line in catalogue.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            depot["\(f[0])|\(f[1])"] = f[3] == "Depottablett"
        }
        var latest: [String: [String: String]] = [:]  // "unit|class" → product → latest month
        for line in dispensing.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            let group = "G" + f[2].dropFirst().prefix { $0 != "P" }
            let row = "\(f[1])|\(group)"
            latest[row, default: [:]][f[2]] = max(latest[row]?[f[2]] ?? f[0], f[0])
        }
        return Set(
            latest.filter { row, products in
                let suggested = depot["2025-12|C\(row.split(separator: "|")[1].dropFirst())P0"]!
                return products.contains { product, month in depot["\(month)|\(product)"]! != suggested }
            }.keys)
    }

    @Test(arguments: [UInt64(7), 19, 101])
    func seededRowsAreExcludedAsAPlainReadingSaysAtAnyThreadCountAndMonthByMonth(seed: UInt64) throws {
        let (catalogueText, dispensingText, months) = Self.seeded(seed: seed)
        let expected = Self.referenceExcluded(catalogue: catalogueText, dispensing: dispensingText)
        let inputs = try LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: [Fixtures.write(dispensingText, named: "exclusion-d-\(seed).csv")],
                cataloguePaths: [Fixtures.write(catalogueText, named: "exclusion-c-\(seed).csv")],
                read: DispensingReadOptions()))
        var c = RankConfiguration(target: .pv)
        let one = try Ranking.rank(inputs.dispensing, catalogue: inputs.catalogue, configuration: c)
        let excluded = Set(one.excluded.map { "\($0.key)|\($0.equivalenceClass.group)" })
        let kept = Set(one.opportunities.map { "\($0.key)|\($0.equivalenceClass.group)" })
        #expect(excluded.count > 50 && kept.count > 50)
        #expect(excluded == expected, "every row here saves, so every row the reference excludes is listed")
        #expect(kept.isDisjoint(with: expected))
        #expect(excluded.contains { $0.hasSuffix("|G5") } && excluded.contains { $0.hasSuffix("|G7") })
        #expect(kept.contains { $0.hasSuffix("|G5") }, "a class with an excluding product keeps its other rows")

        c.threads = 2
        let two = try Ranking.rank(inputs.dispensing, catalogue: inputs.catalogue, configuration: c)
        #expect(two.excluded == one.excluded && two.opportunities == one.opportunities)

        c.threads = 1
        let monthly = try months.map { m in
            let lines = dispensingText.split(separator: "\n").dropFirst().filter { $0.hasPrefix(m) }
            let text = header + lines.joined(separator: "\n") + "\n"
            return try DispensingReader.read(
                paths: [Fixtures.write(text, named: "exclusion-\(seed)-\(m).csv")], options: DispensingReadOptions())
        }
        let folded = try Ranking.rank(
            months: monthly.map { m in { m } }, classifier: inputs.catalogue, configuration: c)
        #expect(folded.excluded == one.excluded && folded.opportunities == one.opportunities)
    }
}
