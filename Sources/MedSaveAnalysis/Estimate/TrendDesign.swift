import Foundation
import MedSaveModel
import MedSaveNumeric

/// The shared design matrix of a monthly volume model: an intercept (`level`: the mean month), a linear
/// trend, and with `seasonal` the month-of-year terms sin/cos(2π·k·month/12) for k = 1, 2 (a yearly and a
/// half-yearly cycle).
public struct TrendDesign: Sendable, Equatable {
    public var seasonal: Bool
    /// True for a level only (the mean of the months fitted), no trend.
    public var level: Bool

    public init(seasonal: Bool, level: Bool = false) {
        self.seasonal = seasonal && !level
        self.level = level
    }

    /// Coefficients per series.
    public var parameterCount: Int { level ? 1 : seasonal ? 6 : 2 }

    /// Months of history the model needs: one for a level, two for a line, a full year with seasonal terms.
    public var minimumMonths: Int { level ? 1 : seasonal ? 12 : 2 }

    /// How the model is named in outputs.
    public var name: String {
        level ? "level (mean month)" : seasonal ? "linear trend + month-of-year terms" : "linear trend"
    }

    /// One row per month; `t` counts months from the first month of history.
    public func matrix(months: [Period], origin: Period) -> Matrix {
        var x = Matrix(rows: months.count, columns: parameterCount)
        for (i, m) in months.enumerated() {
            x[i, 0] = 1
            if level { continue }
            x[i, 1] = Double(m.index - origin.index)
            if seasonal {
                let angle = 2 * Double.pi * Double(m.month - 1) / 12
                x[i, 2] = sin(angle)
                x[i, 3] = cos(angle)
                x[i, 4] = sin(2 * angle)
                x[i, 5] = cos(2 * angle)
            }
        }
        return x
    }
}
