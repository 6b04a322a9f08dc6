/// The `p`-th percentile (0…100) of `values`, by linear interpolation between order statistics.
///
/// With the values sorted ascending as x₀ ≤ … ≤ xₙ₋₁, the position is h = (n − 1)·p/100 and the result
/// x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). This is NumPy's default ("linear") method, which OpenPrescribing uses
/// for its price-per-unit targets. Nil for an empty input; the single value for n = 1. O(n log n).
public func percentile(_ values: [Double], _ p: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    precondition((0...100).contains(p), "percentile must be within 0...100")
    let sorted = values.sorted()
    let (lo, hi, fraction) = percentilePosition(count: sorted.count, p)
    return sorted[lo] + fraction * (sorted[hi] - sorted[lo])
}

/// The same percentile, found by selection rather than by sorting, leaving `values` reordered: O(n) on
/// average, for a target per class and month over thousands of blocks. The two order statistics it uses are
/// the same numbers a sort puts there, so the result is the same to the bit; values that do not order (NaN)
/// are sorted as `percentile(_:_:)` does.
func percentile(reordering values: inout [Double], _ p: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    precondition((0...100).contains(p), "percentile must be within 0...100")
    if values.contains(where: \.isNaN) { return percentile(values, p) }
    let (lo, hi, fraction) = percentilePosition(count: values.count, p)
    return values.withUnsafeMutableBufferPointer { v in
        select(lo, in: v)
        // x⌊h⌋₊₁ is the least of the values after x⌊h⌋, which selection leaves at or above it.
        let upper = hi == lo ? v[lo] : v[(lo + 1)...].min()!
        return v[lo] + fraction * (upper - v[lo])
    }
}

/// The positions ⌊h⌋ and ⌊h⌋ + 1 (capped at n − 1) and h − ⌊h⌋, for h = (n − 1)·p/100.
private func percentilePosition(count: Int, _ p: Double) -> (lo: Int, hi: Int, fraction: Double) {
    let h = Double(count - 1) * p / 100
    let lo = Int(h.rounded(.down))
    return (lo, min(lo + 1, count - 1), h - Double(lo))
}

/// Reorders `v` so that `v[k]` is the value a sort puts there, none before it greater and none after it less
/// (Hoare's selection with a median-of-three pivot; short ranges, and ranges that keep splitting badly, are
/// sorted).
private func select(_ k: Int, in v: UnsafeMutableBufferPointer<Double>) {
    var lo = 0, hi = v.count - 1
    var budget = 2 * (Int.bitWidth - v.count.leadingZeroBitCount)
    while hi - lo > 16 {
        if budget == 0 { break }
        budget -= 1
        let mid = lo + (hi - lo) / 2
        if v[mid] < v[lo] { v.swapAt(mid, lo) }
        if v[hi] < v[lo] { v.swapAt(hi, lo) }
        if v[hi] < v[mid] { v.swapAt(hi, mid) }
        let pivot = v[mid]
        var i = lo, j = hi
        while i <= j {
            while v[i] < pivot { i += 1 }
            while pivot < v[j] { j -= 1 }
            if i <= j {
                v.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        // Now v[lo...j] ≤ pivot ≤ v[i...hi], and any values between j and i equal the pivot.
        if k <= j {
            hi = j
        } else if k >= i {
            lo = i
        } else {
            return
        }
    }
    var rest = UnsafeMutableBufferPointer(rebasing: v[lo...hi])
    rest.sort()
}
