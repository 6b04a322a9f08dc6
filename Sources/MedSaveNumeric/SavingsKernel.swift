/// Savings of one dense block: the organisations of one class in one period against one target price.
public enum SavingsKernel {
    /// S_o = max(0, C_o − Q_o·T) for every organisation o, each C_o − T·Q_o one fused multiply-add (rounded
    /// once), clamped at zero. With Q_o = 0 and C_o > 0 the saving is C_o. Never negative. O(n).
    ///
    /// Each organisation's saving depends on its own figures only, not on its place in the block: rows in
    /// another order, or split between files, months and machines, put it elsewhere and must give the same
    /// bits. BLAS's `daxpy` does not promise that (OpenBLAS fuses the multiply-add in its vector body and not in
    /// the tail it leaves to scalar code, so the last bit depended on the place), hence the loop here.
    ///
    /// An excess within `relativeNoise` of the amounts compared (max(|C_o|, |Q_o·T|)) is floating-point
    /// rounding, not a saving: an organisation paying exactly the target (T = C/Q computed from its own
    /// figures) saves 0, not 3.5e-15.
    public static func savings(quantity: [Double], cost: [Double], target: Double) throws(NumericError) -> [Double] {
        var savings: [Double] = []
        try Self.savings(quantity: quantity, cost: cost, target: target, into: &savings)
        return savings
    }

    /// The same savings written into `savings` (its room kept from call to call).
    public static func savings(quantity: [Double], cost: [Double], target: Double, into savings: inout [Double])
        throws(NumericError)
    {
        guard quantity.count == cost.count else {
            throw NumericError.shapeMismatch(
                operation: "savings", detail: "\(quantity.count) quantities, \(cost.count) costs")
        }
        savings.removeAll(keepingCapacity: true)
        for i in cost.indices {
            let e = cost[i].addingProduct(-target, quantity[i])
            savings.append(e > relativeNoise * max(abs(cost[i]), abs(quantity[i] * target)) ? e : 0)
        }
    }

    /// Relative size below which a difference of two amounts counts as rounding.
    public static let relativeNoise = 1e-12
}
