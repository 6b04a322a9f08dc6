import MedSaveModel
import MedSaveSupport
import Testing

@testable import MedSaveIngest

/// The cell table numbers cells in order of first appearance and finds them by key however its index has
/// grown: by doubling as cells come, or sized at once part-way (`reserve`, which a large part's reader calls
/// once it has seen a 16th of its bytes, and which puts the tables in one arena of large pages). Checked
/// against a dictionary over keys that share ids and spread over all 64 of the index's tables, with
/// reservations larger and smaller than the index already is, and tables grown out of an arena before the next.
@Suite("Cell table")
struct CellTableTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func numbersAreFirstAppearanceWhereverTheIndexIsSized(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let table = CellTable(capacity: 16)
        var reference: [UInt64: Int32] = [:]
        var order: [UInt64] = []
        for step in 0..<260_000 {
            // Sized into one 2 MiB arena; past that reservation the tables grow out of it one by one; sized
            // again into a new arena from a mix of both; and a reservation smaller than it is moves nothing.
            if step == 5_000 { table.reserve(100_000) }
            if step == 60_000 { table.reserve(10) }
            if step == 230_000 { table.reserve(2_000_000) }
            let key = DispensingReader.key(
                organisation: Int32(random.next(below: 3_000)), product: Int32(random.next(below: 400)),
                period: Int32(random.next(below: 12)))
            let expected = reference[key] ?? Int32(order.count)
            if reference[key] == nil {
                #expect(table.existingNumber(key, hash: CellTable.hash(key)) == nil)
                reference[key] = expected
                order.append(key)
            }
            let number = table.number(key, hash: CellTable.hash(key))
            #expect(number == expected)
            if number != expected { return }
        }
        #expect(table.count == order.count && order.count > 200_000)
        for (number, key) in order.enumerated() {
            #expect(table.existingNumber(key, hash: CellTable.hash(key)) == Int32(number))
            #expect(CellTable.key(of: table.cells[number]) == key)
        }
        // The list handed over is the cells by number, the table then empty.
        let taken = table.takeCells()
        #expect(taken.count == order.count && taken.map { CellTable.key(of: $0) } == order && table.count == 0)
    }

    /// A slot keeps a cell's number + 1 in its low bits and the key's tag above them; each time the cells
    /// outgrow those bits (4,095 cells, 8,191, …) every slot gives a tag bit to the number, in place. Right
    /// after each such step, every key met so far must still be found as its own cell, and no new key as an old
    /// one. (The check that fails when a slot keeps its old tag bit: numbers read past 2^bits point elsewhere.)
    @Test func everyCellIsFoundAgainEachTimeTheNumbersTakeAnotherBit() {
        var random = SplitMix64(seed: 7)
        let table = CellTable(capacity: 16)
        var keys: [UInt64] = []
        var seen = Set<UInt64>()
        while keys.count < 70_000 {
            let key = DispensingReader.key(
                organisation: Int32(random.next(below: 5_000)), product: Int32(random.next(below: 2_000)),
                period: Int32(random.next(below: 12)))
            guard seen.insert(key).inserted else { continue }
            #expect(table.existingNumber(key, hash: CellTable.hash(key)) == nil)
            #expect(table.number(key, hash: CellTable.hash(key)) == Int32(keys.count))
            keys.append(key)
            // Just past a step: 4,095 cells fill 12 bits of numbers + 1, so the 4,096th widened them.
            if (keys.count - 1) & keys.count == 0 && keys.count >= 4_096 {
                for (number, old) in keys.enumerated()
                where table.existingNumber(old, hash: CellTable.hash(old)) != Int32(number) {
                    Issue.record("cell \(number) not found after the table reached \(keys.count) cells")
                    return
                }
            }
        }
    }
}
