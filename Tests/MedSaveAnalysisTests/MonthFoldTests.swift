import Foundation
import MedSaveCore
import MedSaveSupport
import MedSaveTestSupport
import Testing

/// Month shards ranked one month at a time (`Ranking.rank(months:)`) give exactly the result of one pass over
/// the same rows, at every level and target, with and without --by-period; and a window's row is the sum of
/// its single-month runs' rows.
@Suite("Month by month, folded into the window")
struct MonthFoldTests {
    static let data = RandomDispensing(seed: 41, units: 24, rows: 1200, months: 4)

    static func read(_ lines: [String], organisation: OrganisationColumn, name: String) throws -> DispensingAggregate {
        var options = DispensingReadOptions(organisation: organisation)
        options.patientCodes = true
        return try DispensingReader.read(
            paths: [Fixtures.write(RandomDispensing.text(lines), named: name)], options: options)
    }

    static func catalogue() throws -> Catalogue {
        try LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: [], cataloguePaths: [Fixtures.write(data.catalogue, named: "fold-c.csv")],
                read: DispensingReadOptions(organisation: .unit))
        ).catalogue
    }

    static func configuration(_ level: RankLevel, _ rule: TargetRule, byPeriod: Bool) throws -> RankConfiguration {
        var c = RankConfiguration(target: rule, level: level, byPeriod: byPeriod)
        c.areas = try AreaMap.read(path: Fixtures.write(data.areas, named: "fold-areas.csv"))
        // A rule on a product excludes its rows; one that reads ATC codes (which the catalogue lacks) leaves gaps.
        c.rules = try SafetyRules.read(
            path: Fixtures.write(
                "match,pattern,action,reason,source\nproduct,P11,exclude,Not here,Test\nproduct,P21,review,Check,Test\n"
                    + "atc,N05AN,exclude,Exa,Test\n", named: "fold-rules.csv"))
        return c
    }

    @Test(arguments: [RankLevel.unit, .prescriber, .area, .all], [TargetRule.pv, .cheapest, .percentile(10)])
    func foldedMonthsEqualOnePass(level: RankLevel, rule: TargetRule) throws {
        let catalogue = try Self.catalogue()
        let organisation = level.organisationColumn
        let all = try Self.read(Self.data.lines, organisation: organisation, name: "fold-all.csv")
        let months = try Self.data.months.map { m in
            try Self.read(
                Self.data.lines.filter { RandomDispensing.month($0) == m }, organisation: organisation,
                name: "fold-\(m).csv")
        }
        // Two threads: the next month read while this one is folded.
        for (byPeriod, threads) in [(false, 1), (true, 1), (false, 2), (true, 2)] {
            var c = try Self.configuration(level, rule, byPeriod: byPeriod)
            c.threads = threads
            let once = try Ranking.rank(all, catalogue: catalogue, configuration: c)
            let folded = try Ranking.rank(months: months.map { m in { m } }, classifier: catalogue, configuration: c)
            #expect(once.opportunities.count > 5 && !once.blocked.isEmpty && !once.excluded.isEmpty)
            #expect(folded.opportunities == once.opportunities, "by period: \(byPeriod)")
            #expect(folded.excluded == once.excluded)
            #expect(folded.blocked == once.blocked)
            #expect(folded.totalSaving == once.totalSaving && folded.opportunityCount == once.opportunityCount)
            #expect(folded.reconciliation == once.reconciliation && folded.reconciliation.isBalanced)
            #expect(folded.safetyCoverage == once.safetyCoverage)
            #expect(folded.window?.from == once.window?.from && folded.window?.to == once.window?.to)
            #expect(folded.dataMonths?.from == once.dataMonths?.from && folded.dataMonths?.to == once.dataMonths?.to)
        }
    }

    /// A window's row is its single-month runs' rows added up, month after month: quantity, cost, saving
    /// and Σ Q·T exactly (the blended target is rebuilt from them).
    @Test func aWindowRowIsTheSumOfItsMonthsRuns() throws {
        let catalogue = try Self.catalogue()
        let all = try Self.read(Self.data.lines, organisation: .unit, name: "fold-all.csv")
        var c = RankConfiguration(target: .cheapest, level: .unit)
        let window = try Ranking.rank(all, catalogue: catalogue, configuration: c)
        var sums: [String: (q: FixedDecimal, cost: FixedDecimal, saving: Double, qt: Double)] = [:]
        for m in Self.data.months {
            c.periods = try #require(PeriodRange(text: m))
            for o in try Ranking.rank(all, catalogue: catalogue, configuration: c).opportunities {
                let key = "\(o.key)|\(o.equivalenceClass)"
                var s = sums[key] ?? (.zero, .zero, 0, 0)
                s.q += o.quantity
                s.cost += o.cost
                s.saving += o.saving
                s.qt += o.targetPPU! * o.quantity.doubleValue
                sums[key] = s
            }
        }
        #expect(window.opportunities.count > 20)
        for o in window.opportunities where o.products.count > 0 {
            let s = try #require(sums["\(o.key)|\(o.equivalenceClass)"])
            #expect(o.saving == s.saving, "\(o.key) \(o.equivalenceClass)")
            // Months without saving are not listed on their own: where every month saved, Q and C add up.
            if o.quantity == s.q {
                #expect(o.cost == s.cost)
                #expect(isClose(o.targetPPU!, s.qt / s.q.doubleValue, relative: 1e-12))
            }
        }
    }

    /// What the month reads do and which error a run meets, read ahead or not: the reads one at a time and in
    /// order (each starting after the one before returned), and the error a month at a time meets first — a
    /// fold's before the next month's read's, a read's before the months after it are read.
    @Test(arguments: [1, 2])
    func monthsAreReadInOrderAndTheFirstErrorWins(threads: Int) throws {
        struct Unreadable: Error {}
        final class Log: @unchecked Sendable {
            private let lock = NSLock()
            private var events: [String] = []
            func note(_ event: String) {
                lock.lock()
                events.append(event)
                lock.unlock()
            }
            var all: [String] {
                lock.lock()
                defer { lock.unlock() }
                return events
            }
        }
        let catalogue = try Self.catalogue()
        let months = try Self.data.months.map { m in
            try Self.read(
                Self.data.lines.filter { RandomDispensing.month($0) == m }, organisation: .unit, name: "fold-\(m).csv")
        }
        var c = RankConfiguration(target: .cheapest)
        c.threads = threads
        func reads(_ order: [Int?], _ log: Log) -> [@Sendable () throws -> DispensingAggregate] {
            order.enumerated().map { k, m in
                { @Sendable in
                    log.note("start \(k)")
                    Thread.sleep(forTimeInterval: 0.01)  // time for a read started too early to overlap
                    defer { log.note("end \(k)") }
                    guard let m else { throw Unreadable() }
                    return months[m]
                }
            }
        }
        let log = Log()
        let folded = try Ranking.rank(months: reads([0, 1, 2, 3], log), classifier: catalogue, configuration: c)
        #expect(log.all == (0..<4).flatMap { ["start \($0)", "end \($0)"] })
        var one = c
        one.threads = 1
        let plain = try Ranking.rank(months: months.map { m in { m } }, classifier: catalogue, configuration: one)
        #expect(folded.opportunities == plain.opportunities && folded.totalSaving == plain.totalSaving)

        // Month 0 folded after month 1: refused, though the read after it fails too.
        #expect(throws: MonthOrderError.self) {
            try Ranking.rank(months: reads([1, 0, nil], Log()), classifier: catalogue, configuration: c)
        }
        // A month that cannot be read stops the run there: the month after it is not read.
        let stopped = Log()
        #expect(throws: Unreadable.self) {
            try Ranking.rank(months: reads([0, nil, 2], stopped), classifier: catalogue, configuration: c)
        }
        #expect(!stopped.all.contains("start 2"))
    }

    @Test func monthsOutOfOrderAreRefused() throws {
        let catalogue = try Self.catalogue()
        let months = try Self.data.months.map { m in
            try Self.read(
                Self.data.lines.filter { RandomDispensing.month($0) == m }, organisation: .unit, name: "fold-\(m).csv")
        }
        #expect(throws: MonthOrderError.self) {
            try Ranking.rank(
                months: [months[1], months[0]].map { m in { m } }, classifier: catalogue,
                configuration: RankConfiguration(target: .cheapest))
        }
        #expect(throws: MonthOrderError.self) {
            try Ranking.rank(
                months: [months[0], months[0]].map { m in { m } }, classifier: catalogue,
                configuration: RankConfiguration(target: .cheapest))
        }
    }
}
