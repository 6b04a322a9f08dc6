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

    /// Another set's pairs added with their cells and codes renumbered (`formUnion(_:cells:codes:)`, how a
    /// read part's pairs join the reader's): into an empty set and one with pairs of its own, the part's cells
    /// mapped to cells already there, to new ones past them in order, and out of order; codes of several a cell,
    /// 0xFFFFFFFF kept as it is; against the renumbered keys added one at a time.
    @Test func renumberedPairsOfAnotherSetAreAdded() {
        var random = SplitMix64(seed: 11)
        for round in 0..<12 {
            let theirCells = 1_000 + Int(random.next(below: 5_000)), ourCells = Int(random.next(below: 3_000))
            var theirs: [UInt64] = []
            for cell in 0..<theirCells {
                theirs.append(UInt64(cell) << 32 | random.next(below: 40))
                if random.next(below: 4) == 0 { theirs.append(UInt64(cell) << 32 | random.next(below: 40)) }
                if random.next(below: 50) == 0 { theirs.append(UInt64(cell) << 32 | 0xFFFF_FFFF) }
            }
            let other = PairSet(theirs)
            // Some of their cells are ours already; the others are new, numbered after ours in their order (or,
            // every other round, in any order).
            var cells = [Int32](repeating: 0, count: theirCells)
            var next = Int32(ourCells)
            for cell in 0..<theirCells {
                if ourCells > 0 && random.next(below: 3) == 0 {
                    cells[cell] = Int32(random.next(below: UInt64(ourCells)))
                } else {
                    cells[cell] = next
                    next += 1
                }
            }
            if round % 2 == 1 { cells.shuffle(using: &random) }
            let codes = (0..<40).map { _ in Int32(random.next(below: 1_000)) }
            let ours: [UInt64] = (0..<ourCells).flatMap { cell in
                (0..<Int(random.next(below: 3))).map { _ in UInt64(cell) << 32 | random.next(below: 1_000) }
            }
            var expected = PairSet(ours)
            for key in theirs {
                let code = key & 0xFFFF_FFFF
                expected.insert(
                    UInt64(UInt32(bitPattern: cells[Int(key >> 32)])) << 32
                        | (code == 0xFFFF_FFFF ? code : UInt64(UInt32(bitPattern: codes[Int(code)]))))
            }
            var merged = PairSet(ours)
            merged.formUnion(other, cells: cells, codes: codes)
            #expect(merged.count == expected.count && Set(merged) == Set(expected), "round \(round)")
            #expect(Set(expected).allSatisfy { merged.contains($0) }, "round \(round)")
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
