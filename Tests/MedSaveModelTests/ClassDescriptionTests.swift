import MedSaveModel
import Testing

@Suite("Class descriptions from the catalogue")
struct ClassDescriptionTests {
    static let t23 = EquivalenceClass(group: "111026", sizeGroup: "T23")
    static let jan = Period(year: 2026, month: 1), feb = Period(year: 2026, month: 2)

    static func entry(
        _ product: String, _ period: Period?, size: Double?, cls: EquivalenceClass = t23, form: String = "Tablett"
    )
        -> CatalogueEntry
    {
        CatalogueEntry(
            period: period, product: product, name: "Hydroklortiazid \(product)", substance: "Hydroklortiazid",
            strength: "25 mg", form: form, packSize: size, unitPrice: 1, equivalenceClass: cls)
    }

    @Test func substanceStrengthFormAndTheRangeOfPackSizes() {
        let c = Catalogue(entries: [
            Self.entry("1", Self.feb, size: 100), Self.entry("2", Self.feb, size: 98),
            Self.entry("3", Self.feb, size: 100),
        ])
        #expect(c.describe(Self.t23, in: Self.feb) == "Hydroklortiazid 25 mg tablett, 98–100 st")
    }

    @Test func oneSizeMillilitresAndTheMostCommonForm() {
        let m = EquivalenceClass(group: "9", sizeGroup: "M5")
        let c = Catalogue(entries: [
            Self.entry("1", nil, size: 200, cls: m, form: "Oral lösning"),
            Self.entry("2", nil, size: 200, cls: m, form: "Oral lösning"),
            Self.entry("3", nil, size: 200, cls: m, form: "Oral suspension"),
        ])
        #expect(c.describe(m, in: Self.feb) == "Hydroklortiazid 25 mg oral lösning, 200 ml")
    }

    @Test func aMonthThatDoesNotListTheClassFallsBackToTheLatestThatDoes() {
        let c = Catalogue(entries: [
            Self.entry("1", Self.jan, size: 30), Self.entry("9", Self.feb, size: 10, cls: .init(group: "x")),
        ])
        #expect(c.describe(Self.t23, in: Self.feb) == "Hydroklortiazid 25 mg tablett, 30 st")
        #expect(c.describe(EquivalenceClass(group: "nowhere"), in: Self.feb) == nil)
    }

    @Test func aClassNamedInTextIsTheSameClass() {
        #expect(EquivalenceClass(text: "111026/T23") == Self.t23)
        #expect(EquivalenceClass(text: "0212000AAAAAAAA") == EquivalenceClass(group: "0212000AAAAAAAA"))
    }
}
