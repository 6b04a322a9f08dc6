import MedSaveSupport
import Testing

@Suite("Exact sums whatever the order")
struct ExactSumTests {
    func sum(_ values: [Double]) -> Double {
        var s = ExactSum()
        for v in values { s.add(v) }
        return s.value
    }

    @Test func handCheckedCases() {
        #expect(sum([]) == 0)
        #expect(sum([0.1, 0.2, 0.3]) == 0.6, "naive left-to-right gives 0.6000000000000001")
        #expect(sum([1e100, 1, -1e100]) == 1, "the 1 is not lost")
        #expect(sum([1, 1e-16, 1e-16]) == 1.0000000000000002)
        #expect(sum(Array(repeating: 0.1, count: 10)) == 1)
    }

    @Test func theSumDoesNotDependOnTheOrder() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<50 {
            let values = (0..<500).map { _ in
                Double(random.next(below: 10_000_000)) / 100 * (random.next(below: 5) == 0 ? 1e-6 : 1)
            }
            var shuffled = values
            shuffled.shuffle(using: &random)
            #expect(sum(values) == sum(shuffled))
            #expect(sum(values) == sum(values.reversed()))
        }
    }
}
