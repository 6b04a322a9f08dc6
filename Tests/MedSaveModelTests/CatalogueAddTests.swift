import MedSaveModel
import MedSaveSupport
import Testing

/// `Catalogue.add(contentsOf:)` takes a whole list at once (the list itself becomes the entries when the
/// catalogue is empty); it must leave the catalogue exactly as adding the entries one by one does, refusing
/// the same repeats.
@Suite("A list added at once is the catalogue its entries added one by one make")
struct CatalogueAddTests {
    /// Seeded lists with repeats (the same product and period again, with the same or another price), timeless
    /// entries, entries outside any class, into an empty catalogue and into one that has entries already.
    @Test(arguments: [0, 1, 2, 3], [false, true])
    func addingAListEqualsAddingItsEntries(seed: Int, intoFilled: Bool) {
        var random = SplitMix64(seed: UInt64(seed))
        func entry() -> CatalogueEntry {
            let month = Int(random.next(below: 4))
            let group = random.next(below: 5)
            return CatalogueEntry(
                period: month == 0 ? nil : Period(year: 2025, month: month), product: "P\(random.next(below: 40))",
                name: "N\(random.next(below: 3))", unitPrice: Double(random.next(below: 3) + 1),
                equivalenceClass: group == 0 ? nil : EquivalenceClass(group: "G\(group)", sizeGroup: "T1"))
        }
        let before = (0..<(intoFilled ? 20 : 0)).map { _ in entry() }
        let list = (0..<300).map { _ in entry() }
        var one = Catalogue(), all = Catalogue()
        for e in before {
            one.add(e)
            all.add(e)
        }
        let refusedOneByOne = list.indices.filter { !one.add(list[$0]) }
        let refused = all.add(contentsOf: list)
        #expect(!refused.isEmpty, "the seeded list has repeats")
        #expect(refused == refusedOneByOne)
        #expect(all.entries == one.entries)
        #expect(all.periods == one.periods)
        #expect(all.productCount == one.productCount)
        for k in all.entries.indices { #expect(all.productNumber(ofEntry: k) == one.productNumber(ofEntry: k)) }
        for product in (0..<40).map({ "P\($0)" }) {
            #expect(all.productNumber(product) == one.productNumber(product))
            for month in 1...4 {
                let period = Period(year: 2025, month: month)
                #expect(all.index(product: product, period: period) == one.index(product: product, period: period))
            }
        }
        for group in 1..<5 {
            let c = EquivalenceClass(group: "G\(group)", sizeGroup: "T1")
            #expect(all.classNumber(c) == one.classNumber(c))
            for month in 1...4 {
                let period = Period(year: 2025, month: month)
                #expect(all.memberIndices(of: c, in: period) == one.memberIndices(of: c, in: period))
            }
        }
    }

    /// Each class's members and number against a plain filter of the entries, on seeded lists whose products
    /// move between classes from month to month (and in and out of none), as products' classes are numbered
    /// from the class their previous entry had.
    @Test(arguments: [0, 1, 2, 3])
    func classMembersAreThoseAPlainFilterFinds(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed) + 100)
        let list = (0..<400).map { _ -> CatalogueEntry in
            let month = Int(random.next(below: 5)), group = random.next(below: 6)
            return CatalogueEntry(
                period: month == 0 ? nil : Period(year: 2025, month: month), product: "P\(random.next(below: 30))",
                unitPrice: 1,
                equivalenceClass: group == 0 ? nil : EquivalenceClass(group: "G\(group)", sizeGroup: "T\(group % 2)"))
        }
        var catalogue = Catalogue()
        _ = catalogue.add(contentsOf: list)
        let entries = catalogue.entries
        var firstSeen: [EquivalenceClass] = []
        for e in entries { if let c = e.equivalenceClass, !firstSeen.contains(c) { firstSeen.append(c) } }
        #expect(firstSeen.count == 5)
        for (number, c) in firstSeen.enumerated() {
            #expect(catalogue.classNumber(c) == Int32(number))
            for month in 1...4 {
                let period = Period(year: 2025, month: month)
                let own = entries.indices.filter { entries[$0].period == period && entries[$0].equivalenceClass == c }
                let timeless = entries.indices.filter { i in
                    entries[i].period == nil && entries[i].equivalenceClass == c
                        && !entries.contains { $0.product == entries[i].product && $0.period == period }
                }
                #expect(catalogue.memberIndices(of: c, in: period) == own + timeless, "\(c) in \(period)")
            }
        }
    }
}
