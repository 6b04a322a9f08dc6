import MedSaveSupport
import Testing

/// `SortedKeys`, the window's tables grown a month at a time: against a plain dictionary on seeded batches with
/// repeats, keys already there and keys new, the values made once per new key, the keys kept sorted.
@Suite("Sorted keys merged a batch at a time")
struct SortedKeysTests {
    @Test(arguments: [1, 7, 1000])
    func batchesMergeAsADictionaryWould(batchSize: Int) {
        var random = SplitMix64(seed: UInt64(batchSize))
        var table = SortedKeys(), set = SortedKeys(values: false)
        var reference: [UInt64: Int32] = [:]
        for _ in 0..<20 {
            let batch = (0..<batchSize).map { _ in random.next(below: 3 * UInt64(batchSize)) }.sorted()
            var seen: [(Int32, Int)] = [], made: [Int] = []
            var expectedSeen: [(Int32, Int)] = []
            var fresh: [UInt64: Int32] = [:]
            for (i, key) in batch.enumerated() {
                if let v = reference[key] ?? fresh[key] {
                    expectedSeen.append((v, i))
                } else {
                    fresh[key] = Int32(reference.count + fresh.count)
                }
            }
            table.merge(
                sortedBatch: batch, existing: { seen.append(($0, $1)) },
                make: { i in
                    made.append(i)
                    return fresh[batch[i]]!
                })
            set.merge(sortedBatch: batch, existing: { _, _ in }, make: { _ in 0 })
            reference.merge(fresh) { a, _ in a }
            #expect(seen.map(\.0) == expectedSeen.map(\.0) && seen.map(\.1) == expectedSeen.map(\.1))
            #expect(made.count == fresh.count, "one value made per new key")
            #expect(table.keys == reference.keys.sorted())
            #expect(table.values == table.keys.map { reference[$0]! })
            #expect(set.keys == table.keys && set.values.isEmpty)
        }
    }

    /// `numbering` gives what a dictionary numbering keys by first appearance gives, batch after batch in any
    /// order with repeats, and leaves every key it met in the table.
    @Test(arguments: [1, 9, 2000])
    func numberingMatchesADictionaryNumberingByFirstAppearance(batchSize: Int) {
        var random = SplitMix64(seed: 7 + UInt64(batchSize))
        var table = SortedKeys()
        var reference: [UInt64: Int32] = [:]
        for _ in 0..<15 {
            let batch = (0..<batchSize).map { _ in random.next(below: 4 * UInt64(batchSize)) }
            let next = Int32(reference.count)
            let expected = batch.map { key -> Int32 in
                if let v = reference[key] { return v }
                reference[key] = Int32(reference.count)
                return reference[key]!
            }
            #expect(table.numbering(batch, next: next) == expected)
            #expect(table.keys == reference.keys.sorted())
            #expect(table.values == table.keys.map { reference[$0]! })
        }
    }
}
