/// The `p`-th percentile (0…100) of `values`, by linear interpolation between order statistics.
///
/// With the values sorted ascending as x₀ ≤ … ≤ xₙ₋₁, the position is h = (n − 1)·p/100 and the result
/// x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). This is NumPy's default ("linear") method, which OpenPrescribing uses
/// for its price-per-unit targets. Nil for an empty input; the single value for n = 1. O(n log n).
public func percentile(_ values: [Double], _ p: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    precondition((0...100).contains(p), "percentile must be within 0...100")
    let sorted = values.sorted()
    let h = Double(sorted.count - 1) * p / 100
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
}
