import MedSaveCore
import MedSaveTestSupport
import Testing

@testable import MedSaveIngest

/// The rows marked "do not substitute" are listed as the reader meets them and summed by key once
/// (`DispensingReader.summed`): checked against a plain dictionary of sums, with the rule that a cell's entry
/// without a prescriber is left out when it sums to zero and the cell has a named one.
@Suite("Blocked rows summed by cell and prescriber")
struct BlockedSumsTests {
    /// The sums a dictionary keeps, in key order, the rule applied afterwards.
    static func reference(_ rows: [BlockedSums.Entry]) -> [BlockedSums.Entry] {
        var sums: [UInt64: (FixedDecimal, FixedDecimal)] = [:]
        for row in rows {
            let old = sums[row.key] ?? (.zero, .zero)
            sums[row.key] = (old.0 + row.quantity, old.1 + row.cost)
        }
        let named = Set(sums.keys.filter { $0 & BlockedSums.noPrescriber != BlockedSums.noPrescriber }.map { $0 >> 32 })
        return sums.keys.sorted().compactMap { key in
            let (quantity, cost) = sums[key]!
            let unnamedZero =
                key & BlockedSums.noPrescriber == BlockedSums.noPrescriber && quantity == .zero && cost == .zero
            if unnamedZero && named.contains(key >> 32) { return nil }
            return BlockedSums.Entry(key: key, quantity: quantity, cost: cost)
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func summedAsADictionarySumsThem(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        var rows: [BlockedSums.Entry] = []
        // Few cells and prescribers, so keys repeat; amounts that cancel, so some sums are zero.
        for _ in 0..<Int.random(in: 0..<3000, using: &g) {
            let cell = UInt64.random(in: 0..<200, using: &g)
            let prescriber: UInt64 =
                Bool.random(using: &g) ? BlockedSums.noPrescriber : UInt64.random(in: 0..<5, using: &g)
            let amount = FixedDecimal(raw: Int64.random(in: -3...3, using: &g) * 500_000)
            rows.append(BlockedSums.Entry(key: cell << 32 | prescriber, quantity: amount, cost: amount))
        }
        let summed = DispensingReader.summed(rows)
        #expect(Array(summed) == Self.reference(rows), "seed \(seed)")
        for entry in summed.prefix(50) { #expect(summed[key: entry.key] == entry) }
        #expect(summed[key: 1000 << 32] == nil)
    }

    @Test func anUnnamedZeroIsKeptOnlyWhereNothingIsNamed() {
        func entry(_ cell: UInt64, _ prescriber: UInt64, _ amount: Int) -> BlockedSums.Entry {
            BlockedSums.Entry(key: cell << 32 | prescriber, quantity: FixedDecimal(amount), cost: FixedDecimal(amount))
        }
        let none = BlockedSums.noPrescriber
        let rows = [entry(1, none, 5), entry(1, 7, 2), entry(1, none, -5), entry(2, none, 3), entry(2, none, -3)]
        #expect(Array(DispensingReader.summed(rows)) == [entry(1, 7, 2), entry(2, none, 0)])
    }
}
