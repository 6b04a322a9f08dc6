import MedSaveModel
import MedSaveSupport
import Testing

@testable import MedSaveAnalysis

/// The window's tables, kept small for a national year: barriers folded a month at a time hold what adding them
/// one at a time holds, a row stays 88 bytes, and tables summed apart are joined without copying their rows.
@Suite("The window's tables")
struct WindowTablesTests {
    typealias Key = Ranking.Barriers.Key

    static func contents(_ b: Ranking.Barriers) -> [String] {
        var out: [String] = []
        b.each { key, sums in
            out.append(
                "\(key.organisation) \(key.prescriber) \(key.classIndex) \(sums.quantity) \(sums.cost) \(sums.saving)")
        }
        return out
    }

    @Test func barriersFoldedByMonthEqualBarriersAddedOneByOne() {
        var random = SplitMix64(seed: 13)
        var added = Ranking.Barriers(), folded = Ranking.Barriers()
        for _ in 0..<6 {
            // A month's barriers, with its own ids; the window's ids are the month's shifted and scrambled.
            var month = Ranking.Barriers()
            for _ in 0..<400 {
                month.add(
                    organisation: Int32(random.next(below: 30)), prescriber: Int32(random.next(below: 9)) - 1,
                    classIndex: Int32(random.next(below: 12)),
                    quantity: FixedDecimal(raw: Int64(random.next(below: 10_000))),
                    cost: FixedDecimal(raw: Int64(random.next(below: 90_000))),
                    saving: Double(random.next(below: 500)) / 8)
            }
            func map(_ k: Key) -> Key {
                (k.organisation * 7 % 31 + 100, k.prescriber < 0 ? -1 : k.prescriber + 5, k.classIndex)
            }
            month.each { key, sums in
                let k = map(key)
                added.add(
                    organisation: k.organisation, prescriber: k.prescriber, classIndex: k.classIndex,
                    quantity: sums.quantity, cost: sums.cost, saving: sums.saving)
            }
            folded.fold(month, map: map)
            #expect(Self.contents(folded) == Self.contents(added))
        }
        #expect(added.count > 500 && added.count < 2400, "barriers recur across months")
    }

    /// Barriers found by the current class's map, whether a class's barriers come together (as from a ranking)
    /// or a class is met again later: the same as a plain dictionary of (unit, prescriber, class).
    @Test(arguments: [false, true]) func barriersAddedEqualAPlainDictionary(classesTogether: Bool) {
        var random = SplitMix64(seed: 29)
        var entries: [(key: Key, quantity: Int64, cost: Int64, saving: Double)] = (0..<3000).map { _ in
            (
                (Int32(random.next(below: 40)), Int32(random.next(below: 6)) - 1, Int32(random.next(below: 25))),
                Int64(random.next(below: 10_000)), Int64(random.next(below: 90_000)),
                Double(random.next(below: 500)) / 8
            )
        }
        if classesTogether { entries.sort { $0.key.classIndex < $1.key.classIndex } }
        var table = Ranking.Barriers()
        var order: [String] = [], sums: [String: (quantity: Int64, cost: Int64, saving: Double)] = [:]
        for e in entries {
            table.add(
                organisation: e.key.organisation, prescriber: e.key.prescriber, classIndex: e.key.classIndex,
                quantity: FixedDecimal(raw: e.quantity), cost: FixedDecimal(raw: e.cost), saving: e.saving)
            let name = "\(e.key.organisation) \(e.key.prescriber) \(e.key.classIndex)"
            if sums[name] == nil {
                order.append(name)
                sums[name] = (0, 0, 0)
            }
            sums[name]!.quantity += e.quantity
            sums[name]!.cost += e.cost
            sums[name]!.saving += e.saving
        }
        let expected = order.map { name in
            let s = sums[name]!
            return "\(name) \(FixedDecimal(raw: s.quantity)) \(FixedDecimal(raw: s.cost)) \(s.saving)"
        }
        #expect(Self.contents(table) == expected)
        #expect(table.count < entries.count, "barriers recur")
    }

    @Test func aRowIsEightyBytes() {
        #expect(MemoryLayout<Ranking.RowTable.Row>.stride == 80)
    }

    /// A row keeps its two periods in 16 bits each: every period the data can have (1900 to 2999) comes back
    /// as it went in, and none stays none, whichever of the two is set.
    @Test func aRowKeepsEveryPeriodOfTheData() {
        for period in [Period(year: 1900, month: 1), Period(year: 2025, month: 7), Period(year: 2999, month: 12), nil] {
            var row = Ranking.RowTable.Row(key: 1, classIndex: 2, period: period)
            #expect(row.period == period && row.lastTargetPeriod == nil)
            row.lastTargetPeriod = period
            row.flags = [.reserveTarget]
            #expect(row.period == period && row.lastTargetPeriod == period && row.flags == [.reserveTarget])
            row.period = nil
            #expect(row.period == nil && row.lastTargetPeriod == period)
        }
    }

    /// A row table finds a row only among its current class's (and period's) rows, so blocks must come by
    /// class and then period: in that order every row is made once; out of it the run stops rather than make
    /// a row twice.
    static func add(_ table: inout Ranking.RowTable, classIndex: Int32, month: Int) -> Int32 {
        var block = Ranking.Block(
            equivalenceClass: EquivalenceClass(group: "G\(classIndex)"), classIndex: classIndex,
            period: Period(year: 2025, month: month))
        block.organisations = [3]
        table.begin(block)
        return table.add(
            organisation: 3, quantity: FixedDecimal(10), cost: FixedDecimal(20), saving: 1, targetPrice: 1, flags: [])
    }

    @Test func blocksInClassThenPeriodOrderMakeEachRowOnce() {
        var table = Ranking.RowTable(byPeriod: false, level: .unit, groupOf: nil, cellCount: 0)
        let a = Self.add(&table, classIndex: 0, month: 1), b = Self.add(&table, classIndex: 0, month: 2)
        let c = Self.add(&table, classIndex: 1, month: 1)
        #expect(a == b && a != c && table.rows.count == 2)
        #expect(table.rows[Int(a)].quantity == FixedDecimal(20))
    }

    /// Tables summed apart (as the threads of `Ranking.sum` do) and joined number their rows one after another,
    /// read and changed across the join, and the first one joined is kept, not copied.
    @Test func joinedTablesNumberTheirRowsInTurnWithoutCopying() {
        func table(_ classes: [Int32]) -> Ranking.RowTable {
            var t = Ranking.RowTable(byPeriod: false, level: .unit, groupOf: nil, cellCount: 0)
            for c in classes { _ = Self.add(&t, classIndex: c, month: 1) }
            return t
        }
        var joined = table([0, 1])
        let second = table([2, 3, 4]), third = table([5])
        let secondStorage = second.rows.head.withUnsafeBufferPointer { $0.baseAddress }
        joined.append(second)
        #expect(joined.rows.tail.withUnsafeBufferPointer { $0.baseAddress } == secondStorage)
        joined.append(third)
        joined.append(table([]))
        #expect(joined.rows.map(\.classIndex) == [0, 1, 2, 3, 4, 5])
        #expect(joined.rows.count == 6 && joined.rows.indices == 0..<6)
        joined.rows[1].saving = 7
        joined.rows[4].saving = 9
        joined.rows.append(Ranking.RowTable.Row(key: 3, classIndex: 6, period: nil))
        #expect(joined.rows.map(\.saving) == [1, 7, 1, 1, 9, 1, 0])
        #expect(second.rows[2].saving == 1, "the table joined is not changed through the joined one")
        var empty = table([])
        empty.append(second)
        #expect(empty.rows.map(\.classIndex) == [2, 3, 4] && empty.rows.tail.isEmpty)
    }

    /// The rows a predicate keeps, found by several threads over a joined table (head and tail, split where a
    /// thread's run crosses from one to the other), are those one pass finds, in row order.
    @Test func rowsFoundOnSeveralThreadsAreThoseOnePassFinds() {
        var random = SplitMix64(seed: 18)
        func list(_ count: Int) -> Ranking.RowTable.RowList {
            var rows = Ranking.RowTable.RowList()
            for r in 0..<count {
                var row = Ranking.RowTable.Row(key: Int32(r % 97), classIndex: Int32(r % 13), period: nil)
                row.saving = Double(Int(random.next() % 7)) - 3
                row.blockedSaving = random.next() % 3 == 0 ? 1 : 0
                rows.append(row)
            }
            return rows
        }
        var rows = list(70_001)
        rows.join(list(29_999))
        let kept: @Sendable (Ranking.RowTable.Row) -> Bool = { $0.saving > 0 }
        let blockedOnly: @Sendable (Ranking.RowTable.Row) -> Bool = { $0.saving <= 0 && $0.blockedSaving > 0 }
        for predicate in [kept, blockedOnly] {
            let plain = rows.indices.filter { predicate(rows[$0]) }.map { Int32($0) }
            #expect(plain.count > 10_000)
            for threads in [1, 2, 3, 7] {
                let found = rows.numbers(where: predicate, threads: threads), same = found == plain
                #expect(same, "\(threads) threads: \(found.count) rows, one pass \(plain.count)")
            }
        }
    }

    @Test func aJoinedTableIsNotSummedInto() async {
        await #expect(processExitsWith: .failure) {
            var table = Ranking.RowTable(byPeriod: false, level: .unit, groupOf: nil, cellCount: 0)
            _ = Self.add(&table, classIndex: 0, month: 1)
            var other = Ranking.RowTable(byPeriod: false, level: .unit, groupOf: nil, cellCount: 0)
            _ = Self.add(&other, classIndex: 1, month: 1)
            table.append(other)
            _ = Self.add(&table, classIndex: 2, month: 1)
        }
    }

    @Test func aBlockOfAClassAlreadyLeftStopsTheRun() async {
        await #expect(processExitsWith: .failure) {
            var table = Ranking.RowTable(byPeriod: false, level: .unit, groupOf: nil, cellCount: 0)
            _ = Self.add(&table, classIndex: 1, month: 1)
            _ = Self.add(&table, classIndex: 0, month: 1)
        }
        await #expect(processExitsWith: .failure) {
            var table = Ranking.RowTable(byPeriod: true, level: .unit, groupOf: nil, cellCount: 0)
            _ = Self.add(&table, classIndex: 0, month: 2)
            _ = Self.add(&table, classIndex: 0, month: 1)
        }
    }
}
