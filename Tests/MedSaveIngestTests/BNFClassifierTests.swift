import MedSaveCore
import MedSaveTestSupport
import Testing

@Suite("English data: BNF classes and OpenPrescribing's price-per-unit savings, hand-checked")
struct BNFClassifierTests {
    @Test func genericEquivalentFollowsTheCodeStructure() {
        #expect(BNFClassifier.genericEquivalent("0101010I0BBABAB") == "0101010I0AAABAB")
        #expect(BNFClassifier.genericEquivalent("0212000AABBABAB") == "0212000AAAAABAB")
        #expect(BNFClassifier.genericEquivalent("0101010I0BBAAA0") == nil, "ending in A0: stands alone")
        #expect(BNFClassifier.genericEquivalent("21010000000") == nil, "not 15 characters: stands alone")
    }

    @Test func swapsJoinClassesNamedByTheSmallestGenericCode() throws {
        let bnf = try BNFClassifier(swapsPath: Fixtures.path("swaps-small.csv"), codesPath: nil)
        #expect(bnf.classID("0101010I0AAAEAE") == "0101010I0AAABAB")
        #expect(bnf.classID("0101010I0BBAEAE") == "0101010I0AAABAB", "a brand of the tablets joins through its generic")
        #expect(bnf.classID("0202020L0AAABAB") == "0202020L0AAABAB", "a swap marked N joins nothing")
        #expect(bnf.classID("0101010I0BBAAA0") == "0101010I0BBAAA0")
        #expect(BNFClassifier().classID("0101010I0AAAEAE") == "0101010I0AAAEAE", "without swaps, tablets stand apart")
    }

    func rank(_ options: DispensingReadOptions, swaps: Bool, peers: Set<String>? = nil) throws -> RankResult {
        let inputs = try LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: [Fixtures.path("epd-small.csv")], cataloguePaths: [], read: options,
                grouping: .bnf(swaps: swaps ? Fixtures.path("swaps-small.csv") : nil, codes: nil)))
        return try Ranking.rank(
            inputs.dispensing, classifier: inputs.classifier,
            configuration: RankConfiguration(target: .percentile(10), peers: peers))
    }

    func savings(_ r: RankResult) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: r.opportunities.map { ($0.key, $0.saving) })
    }

    @Test func p10SavingsPerPracticeWithTheSwap() throws {
        // PPUs with Q > 0: P1 0.10, P2 0.30, P3 0.15, P4 (5 + 20) / 100 = 0.25 → p10 at h = 0.3: 0.10 + 0.3·0.05 = 0.115.
        // Savings: P2 30 − 11.5 = 18.5, P3 30 − 23 = 7, P4 25 − 11.5 = 13.5, P5 (Q = 0) 4, P1 0.
        let r = try rank(DispensingReadOptions(mapping: try ColumnMapping(preset: .epd)), swaps: true)
        let s = savings(r)
        #expect(s.count == 4)
        #expect(isClose(s["P2"]!, 18.5) && isClose(s["P3"]!, 7) && isClose(s["P4"]!, 13.5) && isClose(s["P5"]!, 4))
        #expect(isClose(r.totalSaving, 43))
        #expect(r.opportunities.allSatisfy { $0.equivalenceClass.description == "0101010I0AAABAB" })
        #expect(isClose(r.opportunities[0].targetPPU!, 0.115))
        #expect(r.reconciliation.isBalanced && r.reconciliation.rowsUsed == 7)
    }

    @Test func withoutTheSwapTabletsAndCapsulesAreSeparate() throws {
        // Capsules: P1 0.10, P4 0.25, P2 0.30 → p10 = 0.13: P2 17, P4 12. Tablets: P3 alone → 0.15: P3 0, P5 4.
        let r = try rank(DispensingReadOptions(mapping: try ColumnMapping(preset: .epd)), swaps: false)
        let s = savings(r)
        #expect(s.count == 3)
        #expect(isClose(s["P2"]!, 17) && isClose(s["P4"]!, 12) && isClose(s["P5"]!, 4))
        #expect(isClose(r.totalSaving, 33))
    }

    @Test func actualCostInsteadOfNIC() throws {
        // ACTUAL_COST is 0.9 × NIC on every row, so every PPU, target and saving scales by 0.9.
        let r = try rank(DispensingReadOptions(mapping: try ColumnMapping(preset: .epd, cost: .actual)), swaps: true)
        #expect(isClose(r.totalSaving, 43 * 0.9))
    }

    @Test func peersSetTheTargetButEveryoneIsRanked() throws {
        // Peers P2, P3, P4: PPUs 0.15, 0.25, 0.30 → p10 = 0.17: P2 13, P4 8, P5 4; P1 and P3 nothing.
        let r = try rank(
            DispensingReadOptions(mapping: try ColumnMapping(preset: .epd)), swaps: true, peers: ["P2", "P3", "P4"])
        let s = savings(r)
        #expect(s.count == 3)
        #expect(isClose(s["P2"]!, 13) && isClose(s["P4"]!, 8) && isClose(s["P5"]!, 4))
    }
}

@Suite(
    "English reference files in ../shared/data",
    .enabled(if: Fixtures.hasSharedData, "../shared/data is not beside the checkout: real-data tests skipped"))
struct BNFRealDataTests {
    @Test func realSwapsAndCodeTable() throws {
        let folder = Fixtures.shared("uk-bnf-codes-2020-01")
        let bnf = try BNFClassifier(
            swapsPath: "\(folder)/openprescribing_formulation_swaps.csv",
            codesPath: "\(folder)/20200201_1580570906919_BNF_Code_Information.zip")
        #expect(bnf.classID("0101010I0AAAEAE") == "0101010I0AAABAB", "magnesium oxide 100mg tablets join the capsules")
        #expect(bnf.name(product: "0101010I0AAAHAH", period: Period(year: 2020, month: 1))?.isEmpty == false)
    }
}
