/// Savings of one dense block: the organisations of one class in one period against one target price.
public enum SavingsKernel {
    /// S_o = max(0, C_o − Q_o·T) for every organisation o, computed as the BLAS update C − T·Q (`daxpy`)
    /// and clamped at zero. With Q_o = 0 and C_o > 0 the saving is C_o. Never negative. O(n).
    ///
    /// An excess within `relativeNoise` of the amounts compared (max(|C_o|, |Q_o·T|)) is floating-point
    /// rounding, not a saving: an organisation paying exactly the target (T = C/Q computed from its own
    /// figures) saves 0, not 3.5e-15.
    public static func savings(quantity: [Double], cost: [Double], target: Double) throws(NumericError) -> [Double] {
        var excess = cost
        try BLAS.axpy(-target, quantity, &excess)
        for i in excess.indices where !(excess[i] > relativeNoise * max(abs(cost[i]), abs(quantity[i] * target))) {
            excess[i] = 0
        }
        return excess
    }

    /// Relative size below which a difference of two amounts counts as rounding.
    public static let relativeNoise = 1e-12
}
