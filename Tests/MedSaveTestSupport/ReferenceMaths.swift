import MedSaveCore

/// Plain, obviously-correct loops that the BLAS-backed routines are checked against.
public enum ReferenceMaths {
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        var s = 0.0
        for i in x.indices { s += x[i] * y[i] }
        return s
    }

    public static func axpy(_ alpha: Double, _ x: [Double], _ y: [Double]) -> [Double] {
        var out = y
        for i in x.indices { out[i] += alpha * x[i] }
        return out
    }

    /// α·op(A)·x + β·y.
    public static func gemv(
        _ alpha: Double, _ a: Matrix, transposed: Bool, _ x: [Double], _ beta: Double, _ y: [Double]
    ) -> [Double] {
        let rows = transposed ? a.columns : a.rows, cols = transposed ? a.rows : a.columns
        var out = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var s = 0.0
            for j in 0..<cols { s += (transposed ? a[j, i] : a[i, j]) * x[j] }
            out[i] = alpha * s + beta * y[i]
        }
        return out
    }

    /// α·op(A)·op(B) + β·C.
    public static func gemm(
        _ alpha: Double, _ a: Matrix, transposeA: Bool, _ b: Matrix, transposeB: Bool, _ beta: Double, _ c: Matrix
    ) -> Matrix {
        let m = transposeA ? a.columns : a.rows, k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        var out = Matrix(rows: m, columns: n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for l in 0..<k { s += (transposeA ? a[l, i] : a[i, l]) * (transposeB ? b[j, l] : b[l, j]) }
                out[i, j] = alpha * s + beta * c[i, j]
            }
        }
        return out
    }

    /// A random `rows` × `columns` matrix with entries in -1...1.
    public static func randomMatrix(_ rows: Int, _ columns: Int, using g: inout SeededGenerator) -> Matrix {
        try! Matrix(rows: rows, columns: columns, elements: g.vector(rows * columns))
    }
}
