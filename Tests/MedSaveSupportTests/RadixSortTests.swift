import MedSaveSupport
import Testing

/// `RadixSort` against a plain reference: the keys sorted, and each carried value still beside its key with equal
/// keys in their first order (a sort of (key, index) pairs), on seeded keys of every shape the window gives —
/// all 64 bits random, a row number above a product number (high bits constant, digits skipped), many repeats —
/// and at the sizes around the insertion sort's threshold.
@Suite("Radix sort of 64-bit keys")
struct RadixSortTests {
    enum Shape: String, CaseIterable, CustomTestStringConvertible {
        case anyBits, rowAndProduct, fewDistinct, alreadySorted, descending
        var testDescription: String { rawValue }
    }

    static func keys(_ shape: Shape, count: Int, seed: UInt64) -> [UInt64] {
        var random = SplitMix64(seed: seed)
        switch shape {
        case .anyBits: return (0..<count).map { _ in random.next() }
        case .rowAndProduct:
            return (0..<count).map { _ in random.next(below: 1 << 22) << 32 | random.next(below: 20_000) }
        case .fewDistinct: return (0..<count).map { _ in random.next(below: 7) << 40 | 3 }
        case .alreadySorted: return (0..<UInt64(count)).map { $0 * 3 }
        case .descending: return (0..<UInt64(count)).map { UInt64.max - $0 * 5 }
        }
    }

    @Test(arguments: Shape.allCases, [0, 1, 2, 63, 64, 65, 1000, 50_000])
    func sortsAsAStableSortOfKeyAndIndexDoes(shape: Shape, count: Int) {
        let original = Self.keys(shape, count: count, seed: UInt64(count) &* 31 &+ 7)
        let reference = original.enumerated().map { ($1, Int32($0)) }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }

        var keys = original
        var values = (0..<Int32(count)).map { $0 }
        RadixSort.sort(&keys, carrying: &values)
        #expect(keys == reference.map(\.0))
        #expect(values == reference.map(\.1), "values stay with their keys, equal keys in their first order")

        var wide = original
        var wideValues = (0..<UInt64(count)).map { $0 << 32 | 0xFFFF_FFFF - $0 }
        RadixSort.sort(&wide, carrying: &wideValues)
        #expect(wide == reference.map(\.0))
        #expect(wideValues == reference.map { UInt64($0.1) << 32 | 0xFFFF_FFFF - UInt64($0.1) }, "64-bit values too")

        var alone = original
        RadixSort.sort(&alone)
        #expect(alone == reference.map(\.0))
    }
}
