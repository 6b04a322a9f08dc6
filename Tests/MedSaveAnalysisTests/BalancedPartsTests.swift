import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

@testable import MedSaveAnalysis

/// The classes are split between the summing threads by their work (`Ranking.balancedParts`): every class in one
/// part, all of a class's blocks together, and the parts' work within the largest class's of each other (what
/// giving the largest first to the least loaded guarantees), the same split every time.
@Suite("Classes split between summing threads by their work")
struct BalancedPartsTests {
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func partsCarryAboutEqualWork(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        let classes = Int.random(in: 1..<400, using: &g)
        var blocks: [Ranking.Block] = []
        var start = 0
        for _ in 0..<Int.random(in: classes..<(classes * 8), using: &g) {
            // Skewed sizes: most classes small, a few large.
            let size = Int(pow(2, Double.random(in: 0..<12, using: &g)))
            var block = Ranking.Block(
                equivalenceClass: EquivalenceClass(group: "G"),
                classIndex: Int32.random(in: 0..<Int32(classes), using: &g),
                period: Period(index: 0))
            block.cells = start..<(start + size)
            start += size
            blocks.append(block)
        }
        var work = [Int](repeating: 0, count: classes)
        for block in blocks { work[Int(block.classIndex)] += block.cells.count + 16 }
        for parts in [1, 2, 3, 7] {
            let partOf = Ranking.balancedParts(blocks, parts: parts)
            #expect(partOf.count == work.count)
            #expect(partOf.allSatisfy { (0..<parts).contains($0) })
            var load = [Int](repeating: 0, count: parts)
            for (c, k) in partOf.enumerated() { load[k] += work[c] }
            #expect(load.max()! - load.min()! <= work.max()!, "seed \(seed), \(parts) parts: \(load)")
            #expect(Ranking.balancedParts(blocks, parts: parts) == partOf, "the same split every time")
        }
    }
}
