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

    /// The shapes that take each path: cells numbered in order with one code each (kept by cell), cells with
    /// several codes, a code no cell array can hold (0xFFFFFFFF), keys far past the cells so far (to the table)
    /// that the cells later reach (so that their cell's first code must not be taken as the only one), each way
    /// of adding, against `Set<UInt64>`.
    @Test func holdsWhatASetHoldsWhereverItsKeysAreKept() {
        var random = SplitMix64(seed: 7)
        for round in 0..<12 {
            var keys: [UInt64] = []
            let cells = 2_000 + Int(random.next(below: 20_000))
            for cell in 0..<cells {
                keys.append(UInt64(cell) << 32 | random.next(below: 50))
                if random.next(below: 5) == 0 { keys.append(UInt64(cell) << 32 | random.next(below: 50)) }
                if random.next(below: 97) == 0 { keys.append(UInt64(cell) << 32 | 0xFFFF_FFFF) }
                if random.next(below: 89) == 0 {
                    // A key far ahead, and later the same cell reached in order.
                    keys.append(UInt64(cell + 5_000 + Int(random.next(below: 90_000))) << 32 | random.next(below: 50))
                }
            }
            keys += keys.prefix(Int(random.next(below: 500)))  // repeats
            if round % 2 == 1 { keys.shuffle(using: &random) }
            let expected = Set(keys)
            var one = PairSet()
            var news = 0
            for key in keys where one.insert(key) { news += 1 }
            var union = PairSet(minimumCapacity: 16)
            union.formUnion(keys)
            var lazy = PairSet()
            lazy.formUnion(keys.lazy.map { $0 })
            #expect(news == expected.count, "round \(round)")
            for set in [one, union, lazy] {
                #expect(set.count == expected.count, "round \(round)")
                #expect(Array(set).count == expected.count && Set(set) == expected, "round \(round)")
                let missing = keys.filter { !set.contains($0) }.count
                let absent = (0..<200).map { _ in random.next(below: UInt64(cells + 100_000)) << 32 | 60 }
                let found = absent.filter { set.contains($0) }.count
                let equal = set == one
                #expect(missing == 0 && found == 0 && equal, "round \(round)")
            }
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
