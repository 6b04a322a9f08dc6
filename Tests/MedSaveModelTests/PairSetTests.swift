import MedSaveCore
import Testing

@Suite("The set of (cell, code) pairs")
struct PairSetTests {
    /// Seeded keys, many of them repeated, some at the edges (0 and `UInt64.max`, the value that marks an empty
    /// slot), inserted one at a time, in chunks, and from a lazy sequence: each set equals `Set<UInt64>`'s.
    @Test func holdsWhatASetHolds() {
        var random = SplitMix64(seed: 41)
        for round in 0..<20 {
            let n = Int(random.next() % 5_000) + round
            var keys: [UInt64] = (0..<n).map { _ in
                let cell = random.next() % UInt64(1 + n / 3), code = random.next() % 7
                return cell << 32 | code
            }
            if round % 3 == 0 { keys += [0, UInt64.max, UInt64.max, 0] }
            let expected = Set(keys)
            var one = PairSet()
            var news = 0
            for key in keys where one.insert(key) { news += 1 }
            var chunked = PairSet()
            chunked.formUnion(keys)
            var lazy = PairSet(minimumCapacity: 3)
            lazy.formUnion(keys.lazy.map { $0 })
            for set in [one, chunked, lazy, PairSet(keys)] {
                #expect(set.count == expected.count)
                #expect(Set(set) == expected)
                #expect(Array(set).count == expected.count)  // each key listed once
                #expect(keys.allSatisfy { set.contains($0) })
                #expect(!set.contains(UInt64(n) << 32 | 99))
                #expect(set == one)
            }
            #expect(news == expected.count)
        }
    }

    @Test func equalityIgnoresInsertionOrderAndRoom() {
        var a = PairSet(minimumCapacity: 1_000)
        a.formUnion([3, 1, 2])
        let b: PairSet = [1, 2, 3, 3]
        #expect(a == b)
        #expect(a != [1, 2])
        #expect(PairSet().isEmpty && !b.isEmpty)
    }
}
