// The only file in medsave that calls BLAS. Every entry point checks shapes, converts dimensions to the
// 32-bit integers BLAS takes (throwing rather than trapping on overflow) and keeps pointers inside.
#if canImport(Accelerate)
    import Accelerate
#else
    import CBLAS
#endif

/// Level-1, -2 and -3 BLAS operations on `[Double]` and `Matrix`, shape-checked.
public enum BLAS {
    /// Threads BLAS may use for one operation (OpenBLAS; Accelerate decides for itself). At least 1.
    public static func setThreads(_ n: Int) {
        #if !canImport(Accelerate)
            openblas_set_num_threads(Int32(clamping: max(1, n)))
        #endif
    }

    /// Dot product Σᵢ xᵢ·yᵢ (`ddot`). Returns 0 for empty vectors. O(n).
    public static func dot(_ x: [Double], _ y: [Double]) throws(NumericError) -> Double {
        guard x.count == y.count else {
            throw .shapeMismatch(operation: "dot", detail: "x has \(x.count) elements, y has \(y.count)")
        }
        let n = try blasInt(x.count, "dot")
        if n == 0 { return 0 }
        return x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                cblas_ddot(n, xp.baseAddress, 1, yp.baseAddress, 1)
            }
        }
    }

    /// y ← α·x + y (`daxpy`). O(n).
    public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) throws(NumericError) {
        guard x.count == y.count else {
            throw .shapeMismatch(operation: "axpy", detail: "x has \(x.count) elements, y has \(y.count)")
        }
        let n = try blasInt(x.count, "axpy")
        if n == 0 { return }
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                cblas_daxpy(n, alpha, xp.baseAddress, 1, yp.baseAddress, 1)
            }
        }
    }

    /// y ← α·op(A)·x + β·y (`dgemv`), op(A) = A or Aᵀ. O(rows·columns).
    public static func gemv(
        _ alpha: Double, _ a: Matrix, transposed: Bool = false, _ x: [Double],
        _ beta: Double, _ y: inout [Double]
    ) throws(NumericError) {
        let (outRows, inCols) = transposed ? (a.columns, a.rows) : (a.rows, a.columns)
        guard x.count == inCols, y.count == outRows else {
            throw .shapeMismatch(
                operation: "gemv",
                detail: "op(A) is \(outRows)×\(inCols), x has \(x.count) elements, y has \(y.count)")
        }
        let m = try blasInt(a.rows, "gemv"), n = try blasInt(a.columns, "gemv")
        if outRows == 0 { return }
        if inCols == 0 {
            for i in y.indices { y[i] *= beta }
            return
        }
        let lda = max(n, 1)
        a.elements.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    cblas_dgemv(
                        CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, m, n, alpha,
                        ap.baseAddress, lda, xp.baseAddress, 1, beta, yp.baseAddress, 1)
                }
            }
        }
    }

    /// C ← α·op(A)·op(B) + β·C (`dgemm`). O(m·n·k).
    public static func gemm(
        _ alpha: Double, _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
        _ beta: Double, _ c: inout Matrix
    ) throws(NumericError) {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        guard k == kb, c.rows == m, c.columns == n else {
            throw .shapeMismatch(
                operation: "gemm",
                detail: "op(A) is \(m)×\(k), op(B) is \(kb)×\(n), C is \(c.rows)×\(c.columns)")
        }
        let m32 = try blasInt(m, "gemm"), n32 = try blasInt(n, "gemm"), k32 = try blasInt(k, "gemm")
        let lda = try blasInt(max(a.columns, 1), "gemm"), ldb = try blasInt(max(b.columns, 1), "gemm")
        let ldc = try blasInt(max(c.columns, 1), "gemm")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in c.elements.indices { c.elements[i] *= beta }
            return
        }
        a.elements.withUnsafeBufferPointer { ap in
            b.elements.withUnsafeBufferPointer { bp in
                c.elements.withUnsafeMutableBufferPointer { cp in
                    cblas_dgemm(
                        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans, m32, n32, k32, alpha,
                        ap.baseAddress, lda, bp.baseAddress, ldb, beta, cp.baseAddress, ldc)
                }
            }
        }
    }

    /// A matrix product op(A)·op(B) as a new matrix.
    public static func product(
        _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false
    ) throws(NumericError) -> Matrix {
        let m = transposeA ? a.columns : a.rows
        let n = transposeB ? b.rows : b.columns
        var c = Matrix(rows: m, columns: n)
        try gemm(1, a, transposeA: transposeA, b, transposeB: transposeB, 0, &c)
        return c
    }

    private static func blasInt(_ value: Int, _ operation: String) throws(NumericError) -> Int32 {
        guard let v = Int32(exactly: value) else { throw .dimensionTooLarge(operation: operation, value: value) }
        return v
    }
}
