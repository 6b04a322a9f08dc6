import MedSaveSupport
import Testing

@testable import MedSaveAnalysis

/// Percentile targets are found by selection (`percentile(reordering:_:)`); the plain reference sorts. Every
/// target must be the same to the bit, however the values repeat and wherever the percentile falls.
@Suite("Percentile by selection equals percentile by sorting")
struct PercentileSelectionTests {
    /// Seeded lists of every size up to 160 and two large ones, values drawn from few distinct prices (many
    /// ties, as organisations paying list price give), from many, already sorted, reversed and all equal.
    @Test func selectionGivesTheSortedAnswerToTheBit() {
        var random = SplitMix64(seed: 18)
        let sizes = Array(1...160) + [1000, 4097]
        let percentiles: [Double] = [0, 1, 10, 25, 33.3, 50, 90, 99.9, 100]
        for n in sizes {
            for shape in 0..<5 {
                let distinct = UInt64(shape == 0 ? 3 : 1_000_000)
                var values = (0..<n).map { _ in Double(random.next(below: distinct) + 1) / 7 }
                if shape == 2 { values.sort() }
                if shape == 3 { values.sort(by: >) }
                if shape == 4 { values = Array(repeating: 0.25, count: n) }
                for p in percentiles {
                    var reordered = values
                    let selected = percentile(reordering: &reordered, p)
                    let sorted = percentile(values, p)
                    #expect(
                        selected?.bitPattern == sorted?.bitPattern,
                        "n \(n), shape \(shape), p \(p): \(selected!) vs \(sorted!)")
                    #expect(reordered.sorted() == values.sorted(), "selection only reorders")
                }
            }
        }
    }

    /// A pattern that makes a median-of-three pivot split badly every time still ends (the range is sorted
    /// once splitting stops paying) with the right answer.
    @Test func badlySplittingInputStillAnswers() {
        let n = 5000
        var values = (0..<n).map { Double(($0 % 2 == 0) ? $0 : n - $0) }
        let expected = percentile(values, 10)
        #expect(percentile(reordering: &values, 10) == expected)
    }

    @Test func unorderedValuesFallBackToSorting() {
        var values: [Double] = [3, .nan, 1, 2]
        let expected = percentile(values, 50)
        #expect(percentile(reordering: &values, 50)?.bitPattern == expected?.bitPattern)
        var empty: [Double] = []
        #expect(percentile(reordering: &empty, 10) == nil)
    }
}
