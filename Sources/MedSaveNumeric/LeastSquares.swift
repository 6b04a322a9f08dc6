import Foundation

/// Ordinary least squares for many series that share one design matrix: β = (XᵀX)⁻¹ XᵀY. The small k×k system
/// is solved once, by Cholesky, for P = (XᵀX)⁻¹Xᵀ (k × months); the coefficients of every series are then one
/// GEMM, β = P·Y, and the projection X₁β another.
public enum LeastSquares {
    /// Coefficients (k × series) of the series in the columns of `y` (months × series).
    public static func fit(design x: Matrix, series y: Matrix) throws(NumericError) -> Matrix {
        guard x.rows == y.rows else {
            throw .shapeMismatch(operation: "least squares", detail: "X has \(x.rows) rows, Y has \(y.rows)")
        }
        return try BLAS.product(try pseudoInverse(x), y)
    }

    /// P = (XᵀX)⁻¹Xᵀ (k × months), for a design of full column rank.
    public static func pseudoInverse(_ x: Matrix) throws(NumericError) -> Matrix {
        let gram = try BLAS.product(x, transposeA: true, x)  // k × k
        var p = Matrix(rows: x.columns, columns: x.rows)
        for i in 0..<x.rows {
            for j in 0..<x.columns { p[j, i] = x[i, j] }
        }
        solve(try cholesky(gram), &p)
        return p
    }

    /// Fitted values of the model at the rows of `design` (months × series).
    public static func project(design: Matrix, coefficients: Matrix) throws(NumericError) -> Matrix {
        try BLAS.product(design, coefficients)
    }

    /// Lower-triangular L with L·Lᵀ = A, for a symmetric positive definite A.
    static func cholesky(_ a: Matrix) throws(NumericError) -> Matrix {
        let n = a.rows
        var l = Matrix(rows: n, columns: n)
        for j in 0..<n {
            var d = a[j, j]
            for k in 0..<j { d -= l[j, k] * l[j, k] }
            // Relative to the diagonal: the columns of the design are not linearly independent.
            guard d > 1e-10 * max(1, a[j, j]) else { throw .singular(operation: "least squares") }
            l[j, j] = d.squareRoot()
            for i in (j + 1)..<n {
                var s = a[i, j]
                for k in 0..<j { s -= l[i, k] * l[j, k] }
                l[i, j] = s / l[j, j]
            }
        }
        return l
    }

    /// Solves L·Lᵀ·X = B in place, column by column of B.
    static func solve(_ l: Matrix, _ b: inout Matrix) {
        let n = l.rows
        for c in 0..<b.columns {
            for i in 0..<n {  // L·z = b
                var s = b[i, c]
                for k in 0..<i { s -= l[i, k] * b[k, c] }
                b[i, c] = s / l[i, i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {  // Lᵀ·x = z
                var s = b[i, c]
                for k in (i + 1)..<n { s -= l[k, i] * b[k, c] }
                b[i, c] = s / l[i, i]
            }
        }
    }
}
