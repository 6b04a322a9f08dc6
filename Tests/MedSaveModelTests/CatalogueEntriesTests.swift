import MedSaveModel
import MedSaveSupport
import Testing

/// A catalogue keeps each product's description (all but period, price and status) once while it stays the same
/// from entry to entry (`Catalogue.Entries`): every entry must still read back exactly as it was added, whole and
/// field by field, however often its product's fields change, and a description is shared only where the
/// fields are the same.
@Suite("A catalogue's entries read back as they were added")
struct CatalogueEntriesTests {
    /// Seeded monthly lists of products whose fields change now and then (one field at a time, any of them, at
    /// about one entry in five), whose prices and statuses change every month, with repeats the catalogue refuses
    /// and timeless entries: the entries kept are those a plain list of the accepted entries holds, and the
    /// descriptions are as many as a plain count of changes says.
    @Test(arguments: [0, 1, 2, 3])
    func entriesReadBackAsAdded(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed) + 700)
        var current = (0..<25).map { p in
            CatalogueEntry(
                period: nil, product: "P\(p)", name: "Name \(p)", substance: "S\(p % 7)", atc: "A0\(p % 3)",
                strength: "\(p) mg", form: "Tablett", packSize: Double(p % 4 * 25), unitPrice: 0,
                equivalenceClass: p % 5 == 0 ? nil : EquivalenceClass(group: "G\(p % 6)", sizeGroup: "T\(p % 2)"),
                origin: "Generics", company: "C\(p % 4)")
        }
        var catalogue = Catalogue()
        var kept: [CatalogueEntry] = []
        var lastDescribed: [String: CatalogueEntry] = [:]
        var descriptions = 0
        for _ in 0..<900 {
            let p = Int(random.next(below: 25))
            var e = current[p]
            switch random.next(below: 40) {
            case 0: e.name += "!"
            case 1: e.substance += "x"
            case 2: e.atc = "B0\(random.next(below: 3))"
            case 3: e.strength += "0"
            case 4: e.form = random.next(below: 2) == 0 ? "Kapsel" : "Tablett"
            case 5: e.packSize = random.next(below: 3) == 0 ? nil : Double(random.next(below: 100))
            case 6: e.equivalenceClass = random.next(below: 3) == 0 ? nil : EquivalenceClass(group: "H\(p)")
            case 7: e.origin = "Parallel"
            case 8: e.company += "b"
            default: break
            }
            current[p] = e
            let month = Int(random.next(below: 13))
            e.period = month == 0 ? nil : Period(year: 2025, month: month)
            e.unitPrice = Double(random.next(below: 1000)) / 8
            e.status = [.pv, .r1, .r2, .none][Int(random.next(below: 4))]
            guard catalogue.add(e) else { continue }
            kept.append(e)
            var description = e
            description.period = nil
            description.unitPrice = 0
            description.status = .none
            if lastDescribed[e.product] != description { descriptions += 1 }
            lastDescribed[e.product] = description
        }
        #expect(kept.count > 200 && kept.count < 900, "the seeded lists have repeats")
        #expect(Array(catalogue.entries) == kept)
        let entries = catalogue.entries
        for (i, e) in kept.enumerated() {
            #expect(entries.unitPrice(at: i) == e.unitPrice && entries.status(at: i) == e.status)
            #expect(entries.period(at: i) == e.period && entries.product(at: i) == e.product)
            #expect(entries.equivalenceClass(at: i) == e.equivalenceClass)
        }
        #expect(entries.descriptionCount == descriptions)
        #expect(descriptions < kept.count / 2, "most entries share their product's description")
        // Entries share a description only when all their fields but period, price and status are alike.
        for a in kept.indices {
            for b in [a + 1, a + 7, a + 31] where b < kept.count && entries.shareDescription(a, b) {
                var x = kept[a], y = kept[b]
                (x.period, x.unitPrice, x.status) = (nil, 0, .none)
                (y.period, y.unitPrice, y.status) = (nil, 0, .none)
                #expect(x == y)
            }
        }
    }

    /// A pack size that is not a number is kept as it came, in an entry of its own: it equals nothing, so it
    /// shares no description.
    @Test func aPackSizeThatIsNotANumberReadsBack() {
        var catalogue = Catalogue()
        for month in 1...3 {
            catalogue.add(
                CatalogueEntry(
                    period: Period(year: 2025, month: month), product: "P", packSize: .nan, unitPrice: Double(month),
                    equivalenceClass: nil))
        }
        #expect(catalogue.entries.count == 3 && catalogue.entries.descriptionCount == 3)
        #expect(catalogue.entries.allSatisfy { $0.packSize?.isNaN == true })
        #expect(catalogue.entries.map(\.unitPrice) == [1, 2, 3])
    }
}
