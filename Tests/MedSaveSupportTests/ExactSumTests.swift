import MedSaveSupport
import MedSaveTestSupport
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

    /// Against Shewchuk's partials (`ShewchukSum`, as `math.fsum`), bit for bit: values of every magnitude from
    /// subnormals to 10³⁰⁰, both signs, cancellations to nothing and to a last bit, and sums that fall half way
    /// between two doubles (ties go to the even one).
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func theSameAsShewchuksPartials(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        func value() -> Double {
            let kind = random.next(below: 6)
            let sign: Double = random.next(below: 3) == 0 ? -1 : 1
            switch kind {
            case 0: return sign * Double(bitPattern: random.next(below: 1 << 52))  // subnormal
            case 1:
                return sign
                    * Double(
                        sign: .plus, exponent: Int(random.next(below: 2_000)) - 1_000,
                        significand: 1 + Double(random.next(below: 1 << 52)) / Double(1 << 52))
            case 2: return sign * Double(random.next(below: 10_000_000)) / 100
            case 3: return sign * Double(random.next(below: 1_000)) * 1e-12
            default: return sign * Double(random.next(below: 1 << 53))
            }
        }
        for round in 0..<400 {
            var values = (0..<Int(random.next(below: 60))).map { _ in value() }
            if round % 5 == 0 { values += values.map { -$0 } }  // cancels to nothing
            if round % 7 == 0 { values += [9_007_199_254_740_992, 1, 1e-300] }  // 2⁵³ + 1: half way, then just past
            var exact = ExactSum(), reference = ShewchukSum()
            for v in values {
                exact.add(v)
                reference.add(v)
            }
            #expect(exact.value.bitPattern == reference.value.bitPattern, "seed \(seed) round \(round): \(values)")
        }
    }

    @Test func tiesGoToEven() {
        #expect(sum([9_007_199_254_740_992, 1]) == 9_007_199_254_740_992, "2⁵³ + 1 is half way: to the even 2⁵³")
        #expect(sum([9_007_199_254_740_992, 3]) == 9_007_199_254_740_996, "2⁵³ + 3 is half way: to the even 2⁵³ + 4")
        #expect(sum([9_007_199_254_740_992, 1, 1e-300]) == 9_007_199_254_740_994, "just past half way: up")
        #expect(sum([-0.5, 0.5]) == 0 && sum([5e-324, -5e-324]) == 0 && sum([5e-324]) == 5e-324)
        #expect(sum([.infinity, 1]) == .infinity && sum([.infinity, -.infinity]).isNaN)
    }
}
