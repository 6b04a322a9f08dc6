/// True when `a` and `b` agree to a relative tolerance (scaled by the larger magnitude, with an absolute
/// floor for values near zero). Never compare computed doubles with `==`.
public func isClose(_ a: Double, _ b: Double, relative: Double = 1e-12, absolute: Double = 1e-12) -> Bool {
    if a == b { return true }
    guard a.isFinite && b.isFinite else { return false }
    return abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}

/// Elementwise `isClose` for two vectors of the same length.
public func isClose(_ a: [Double], _ b: [Double], relative: Double = 1e-12, absolute: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, relative: relative, absolute: absolute) }
}
