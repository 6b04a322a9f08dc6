import Foundation
import MedSaveCore
import MedSaveSupport
import MedSaveTestSupport
import Testing

/// The same rows in another order, or split between files, rank to exactly the same result: every sum that
/// takes several values at once adds them in one order (blocks by class and month, units and prescribers by
/// code), so that partial sums from another engine (`engines/`), month shards and merged runs can be compared
/// byte for byte.
@Suite("Row order and file splits change nothing")
struct RowOrderTests {
    static let data = RandomDispensing(seed: 29)

    static func ranked(_ files: [[String]], _ configuration: RankConfiguration) throws -> RankResult {
        let paths = files.enumerated().map { i, lines in
            Fixtures.write(RandomDispensing.text(lines), named: "order-\(i).csv")
        }
        let inputs = try LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: paths, cataloguePaths: [Fixtures.write(data.catalogue, named: "order-c.csv")],
                read: DispensingReadOptions(organisation: configuration.level.organisationColumn)))
        return try Ranking.rank(inputs.dispensing, catalogue: inputs.catalogue, configuration: configuration)
    }

    @Test(arguments: [RankLevel.unit, .prescriber, .area, .region, .all], [TargetRule.pv, .percentile(10)])
    func shuffledAndSplitRowsRankTheSame(level: RankLevel, rule: TargetRule) throws {
        var random = SplitMix64(seed: 5)
        var shuffled = Self.data.lines
        for i in shuffled.indices.reversed() {
            shuffled.swapAt(i, Int(random.next(below: UInt64(i + 1))))
        }
        let split = (0..<3).map { k in shuffled.enumerated().filter { $0.offset % 3 == k }.map(\.element) }
        for byPeriod in [false, true] {
            var c = RankConfiguration(target: rule, level: level, byPeriod: byPeriod)
            c.areas = try AreaMap.read(path: Fixtures.write(Self.data.areas, named: "order-areas.csv"))
            let original = try Self.ranked([Self.data.lines], c)
            #expect(original.opportunities.count >= 5 && !original.blocked.isEmpty)
            for (name, files) in [
                ("reversed", [Self.data.lines.reversed()]), ("shuffled", [shuffled]), ("split", split),
            ] {
                let other = try Self.ranked(files.map { Array($0) }, c)
                #expect(other.opportunities == original.opportunities, "\(name), by period: \(byPeriod)")
                #expect(other.blocked == original.blocked, "\(name)")
                #expect(other.totalSaving == original.totalSaving, "\(name)")
                #expect(other.reconciliation == original.reconciliation, "\(name)")
            }
        }
    }
}
