import MedSaveCore
import MedSaveTestSupport
import Testing

@testable import MedSaveIngest

@Suite("Safety rules")
struct SafetyRulesTests {
    static let catalogue = """
        period,product,name,substance,atc,form,pack_size,unit_price,group,size_group,status
        2025-01,E1,Exa generic,Exa,N05AN01,Tablett,100,1.00,GE,T23,PV
        2025-01,E2,Exa brand,Exa,N05AN01,Tablett,100,3.00,GE,T23,
        2025-01,R1,Rev generic,Rev,H03AA01,Tablett,100,1.00,GR,T23,PV
        2025-01,R2,Rev brand,Rev,H03AA01,Tablett,100,3.00,GR,T23,
        2025-01,S1,Sam generic,Sam,C10AA01,Tablett,100,1.00,GS,T23,PV
        2025-01,S2,Sam brand,Sam,C10AA01,Tablett,100,3.00,GS,T23,
        2025-01,M1,Met IR,Met,C07AB02,Tablett,100,1.00,GM,T23,PV
        2025-01,M2,Met Depot,Met,C07AB02,Depottablett,100,3.00,GM,T23,
        2025-01,N1,Oxy 28,Oxy,N02AA05,Depottablett,28,1.00,GN,TN28,PV
        2025-01,N2,Oxy 30,Oxy,N02AA05,Depottablett,30,3.00,GN,TN28,
        2025-01,P1,Plain generic,Plain,A02BC01,Tablett,100,1.00,GP,T23,PV
        2025-01,P2,Plain brand,Plain,A02BC01,Tablett,100,3.00,GP,T23,

        """
    static let dispensing =
        "period,unit,product,quantity,cost\n"
        + ["E2", "R2", "S2", "M2", "N2", "P2"].map { "2025-01,U1,\($0),100,300\n" }.joined()
    static let rulesText = """
        match,pattern,action,reason,source
        atc,N05AN,exclude,Exa is not interchangeable,Test source A
        substance,rev,review,Rev needs a check,Test source B
        product,S2,same-group-only,Sam only within its group,Test source C

        """

    func rank(_ rules: SafetyRules) throws -> RankResult {
        let inputs = try LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: [Fixtures.write(Self.dispensing, named: "d.csv")],
                cataloguePaths: [Fixtures.write(Self.catalogue, named: "c.csv")], read: DispensingReadOptions()))
        var configuration = RankConfiguration(target: .pv)
        configuration.rules = rules
        return try Ranking.rank(inputs.dispensing, classifier: inputs.classifier, configuration: configuration)
    }

    @Test func eachActionOfARulesFile() throws {
        let rules = try SafetyRules.read(path: Fixtures.write(Self.rulesText, named: "rules.csv"))
        #expect(rules.rules.map(\.action) == [.exclude, .review, .sameGroupOnly])
        let r = try rank(rules)
        let byClass = Dictionary(
            uniqueKeysWithValues: (r.opportunities + r.excluded).map { ($0.equivalenceClass.group, $0) })
        #expect(r.excluded.map(\.equivalenceClass.group).sorted() == ["GE", "GM", "GN"])
        #expect(
            byClass["GE"]!.safety == [
                SafetyFinding(action: .exclude, reason: "Exa is not interchangeable", source: "Test source A")
            ])
        #expect(byClass["GR"]!.flags.contains("review"))
        #expect(byClass["GR"]!.safety.map(\.reason) == ["Rev needs a check"])
        #expect(byClass["GS"]!.flags.contains("same-group-only"))
        #expect(byClass["GP"]!.safety.isEmpty && !byClass["GP"]!.flags.contains("review"))
        #expect(r.opportunities.map(\.equivalenceClass.group).sorted() == ["GP", "GR", "GS"])
        #expect(isClose(r.totalSaving, 3 * 200), "excluded savings are not in the total")
        #expect(isClose(r.excludedSaving, 3 * 200))
    }

    @Test func aModifiedReleaseProductIsNeverSwitchedToAnImmediateReleaseOne() throws {
        let r = try rank(.none)
        let met = try #require(r.excluded.first { $0.equivalenceClass.group == "GM" })
        #expect(met.suggested?.code == "M1")
        #expect(met.safety.map(\.reason) == ["the switch would cross modified-release and immediate-release"])
        #expect(!r.opportunities.contains { $0.equivalenceClass.group == "GM" })
    }

    @Test func aNarcoticsPackSizeNeverChanges() throws {
        let r = try rank(.none)
        let oxy = try #require(r.excluded.first { $0.equivalenceClass.group == "GN" })
        #expect(oxy.safety.map(\.reason) == ["a narcotic's pack size would change"])
    }

    @Test func shippedRulesCiteASourceForEveryRule() throws {
        #expect(SafetyRules.shipped.rules.count >= 15)
        #expect(SafetyRules.shipped.rules.allSatisfy { !$0.reason.isEmpty && !$0.source.isEmpty })
        let r = try rank(.shipped)
        #expect(r.excluded.contains { $0.equivalenceClass.group == "GE" }, "lithium is excluded by the shipped rules")
        #expect(
            r.opportunities.first { $0.equivalenceClass.group == "GR" }?.flags.contains("review") == true,
            "levothyroxine is flagged for review")
    }

    @Test func attributesAreReadFromTheCatalogue() {
        let depot = CatalogueEntry(period: nil, product: "1", form: "Depottablett", unitPrice: 1, equivalenceClass: nil)
        let tablet = CatalogueEntry(period: nil, product: "2", form: "Tablett", unitPrice: 1, equivalenceClass: nil)
        let narcotic = CatalogueEntry(
            period: nil, product: "3", unitPrice: 1, equivalenceClass: EquivalenceClass(group: "G", sizeGroup: "TN28"))
        let insulin = CatalogueEntry(period: nil, product: "4", atc: "A10AB05", unitPrice: 1, equivalenceClass: nil)
        #expect(
            ProductAttribute.modifiedRelease.applies(to: depot) && !ProductAttribute.modifiedRelease.applies(to: tablet)
        )
        #expect(ProductAttribute.narcotic.applies(to: narcotic) && !ProductAttribute.narcotic.applies(to: tablet))
        #expect(ProductAttribute.biological.applies(to: insulin))
    }

    @Test func aBadRulesFileSaysWhereAndWhat() throws {
        let path = Fixtures.write("match,pattern,action,reason,source\natc,N05,forbid,x,y\n", named: "bad.csv")
        do {
            _ = try SafetyRules.read(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(
                error.description
                    == "\(path):2:3: action: not a valid rule: expected same-group-only, review, exclude, found \"forbid\""
            )
        }
        let noSource = Fixtures.write("match,pattern,action,reason,source\natc,N05,review,x,\n", named: "nosource.csv")
        #expect(throws: InputError.self) { try SafetyRules.read(path: noSource) }
    }
}

@Suite("Safety rules on substances")
struct SubstanceRulesTests {
    static func entry(_ substance: String, atc: String) -> CatalogueEntry {
        CatalogueEntry(
            period: nil, product: "1", substance: substance, atc: atc, form: "Kapsel", unitPrice: 1,
            equivalenceClass: EquivalenceClass(group: "g"))
    }

    static func action(_ e: CatalogueEntry) -> SafetyAction? {
        SafetyRules.shipped.findings(dispensed: [e], suggested: nil).map(\.action).max()
    }

    @Test func theShippedSubstanceTwinsStandInForATCOnlyWhereTheCodeIsMissing() {
        #expect(Self.action(Self.entry("Takrolimus", atc: "")) == .exclude)
        #expect(Self.action(Self.entry("Takrolimus", atc: "L04AD02")) == .exclude)
        #expect(Self.action(Self.entry("Takrolimus", atc: "D11AH01")) == nil, "the ointment is not excluded")
        #expect(Self.action(Self.entry("Lamotrigin", atc: "")) == .review)
        #expect(Self.action(Self.entry("Levotyroxinnatrium", atc: "")) == .review, "a salt written as one word")
        #expect(Self.action(Self.entry("Paracetamol + kodein", atc: "")) == nil)
        #expect(Self.action(Self.entry("Simvastatin", atc: "")) == nil)
    }

    @Test func aSubstanceRuleMatchesAComponentOfACombinationFromItsStart() throws {
        let rules = try SafetyRules.parse(
            "match,pattern,action,reason,source\nsubstance,naloxon,review,r,s\n", path: "rules.csv")
        func hit(_ s: String) -> Bool { !rules.findings(dispensed: [Self.entry(s, atc: "X")], suggested: nil).isEmpty }
        #expect(hit("Buprenorfin + Naloxon") && hit("Naloxonhydroklorid") && hit("NALOXON"))
        #expect(!hit("Buprenorfin") && !hit("Metylnaltrexon"))
    }
}
