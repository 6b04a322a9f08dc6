import MedSaveModel
import MedSaveNumeric

/// Monthly volume series fitted by least squares on one shared design matrix and projected over a horizon.
///
/// For series j with monthly history yⱼ(t), the model is yⱼ(t) = β₀ⱼ + β₁ⱼ·t (+ month-of-year terms with
/// `seasonal`), t counted in months from the first month of history. Every series shares the design X, so
/// B = (XᵀX)⁻¹XᵀY is computed for all of them at once (GEMMs in `LeastSquares`), and the projection is
/// X_horizon·B, one more GEMM. A projected month below zero counts as zero volume.
public struct VolumeForecast: Sendable {
    public var design: TrendDesign
    /// The months fitted on (those with data; a month missing from the data is left out, not taken as zero).
    public var history: [Period]
    public var horizon: [Period]
    /// Fitted coefficients, parameters × series.
    public var coefficients: Matrix
    /// Projected volume, horizon months × series, each month floored at zero.
    public var projected: Matrix
    /// Series projected below zero in some month of the horizon.
    public var flooredSeries: Int

    /// Fits the columns of `series` (history months × series) and projects them over `horizon`.
    public static func fit(
        _ series: Matrix, history: [Period], horizon: [Period], design: TrendDesign
    ) throws(NumericError) -> VolumeForecast {
        guard let origin = history.first else {
            throw .shapeMismatch(operation: "volume forecast", detail: "no months of history")
        }
        let beta = try LeastSquares.fit(design: design.matrix(months: history, origin: origin), series: series)
        var projected = try LeastSquares.project(
            design: design.matrix(months: horizon, origin: origin), coefficients: beta)
        var floored = 0
        for j in 0..<projected.columns {
            var below = false
            for m in 0..<projected.rows where projected[m, j] < 0 {
                projected[m, j] = 0
                below = true
            }
            if below { floored += 1 }
        }
        return VolumeForecast(
            design: design, history: history, horizon: horizon, coefficients: beta, projected: projected,
            flooredSeries: floored)
    }

    /// Σ over the horizon of series `j`'s projection.
    public func horizonTotal(_ j: Int) -> Double {
        var s = 0.0
        for m in 0..<projected.rows { s += projected[m, j] }
        return s
    }
}
