/// The correctly rounded sum of doubles by Shewchuk's non-overlapping partials (as Python's `math.fsum`): the
/// plain reference `ExactSum` is checked against.
public struct ShewchukSum {
    /// Non-overlapping partial sums, increasing in magnitude: the first `count` of `storage` (which keeps its
    /// room, so that adding a value allocates nothing); their exact sum is the sum so far.
    private var storage: [Double] = []
    private var count = 0

    public init() {}

    public mutating func add(_ value: Double) {
        var x = value
        var kept = 0
        let count = self.count
        storage.withUnsafeMutableBufferPointer { partials in
            for i in 0..<count {
                var y = partials[i]
                if abs(x) < abs(y) { swap(&x, &y) }
                let high = x + y
                let low = y - (high - x)
                if low != 0 {
                    partials[kept] = low
                    kept += 1
                }
                x = high
            }
        }
        if kept == storage.count { storage.append(x) } else { storage[kept] = x }
        self.count = kept + 1
    }

    private var partials: ArraySlice<Double> { storage[0..<count] }

    /// The sum, rounded once.
    public var value: Double {
        let partials = self.partials
        guard var i = partials.indices.last else { return 0 }
        var high = partials[i]
        var low = 0.0
        while i > 0 {
            i -= 1
            let x = high, y = partials[i]
            high = x + y
            low = y - (high - x)
            if low != 0 { break }
        }
        // Round half-even correctly when the rest would tip the rounding (as fsum does).
        if i > 0 && ((low < 0 && partials[i - 1] < 0) || (low > 0 && partials[i - 1] > 0)) {
            let y = low * 2, x = high + y
            if y == x - high { high = x }
        }
        return high
    }
}
