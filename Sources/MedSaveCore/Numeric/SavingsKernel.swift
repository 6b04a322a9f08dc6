/// Savings of one dense block: the organisations of one class in one period against one target price.
public enum SavingsKernel {
    /// S_o = max(0, C_o − Q_o·T) for every organisation o, computed as the BLAS update C − T·Q (`daxpy`)
    /// and clamped at zero. With Q_o = 0 and C_o > 0 the saving is C_o. Never negative. O(n).
    public static func savings(quantity: [Double], cost: [Double], target: Double) throws(NumericError) -> [Double] {
        var excess = cost
        try BLAS.axpy(-target, quantity, &excess)
        for i in excess.indices where !(excess[i] > 0) { excess[i] = 0 }
        return excess
    }
}
