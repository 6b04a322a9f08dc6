import MedSaveCore
import MedSaveTestSupport
import Testing

@Suite("BLAS wrappers match plain reference loops")
struct BLASTests {
    static let seeds: [UInt64] = [1, 7, 2024, 99_991]

    @Test(arguments: seeds)
    func dotMatchesReference(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        for n in [0, 1, 3, 17, 1000] {
            let x = g.vector(n), y = g.vector(n)
            #expect(
                isClose(try BLAS.dot(x, y), ReferenceMaths.dot(x, y), relative: 1e-12, absolute: 1e-12),
                "seed \(seed) n \(n)")
        }
    }

    @Test(arguments: seeds)
    func axpyMatchesReference(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        for n in [0, 1, 5, 257] {
            let x = g.vector(n), y = g.vector(n), alpha = Double.random(in: -3...3, using: &g)
            var out = y
            try BLAS.axpy(alpha, x, &out)
            #expect(isClose(out, ReferenceMaths.axpy(alpha, x, y)), "seed \(seed) n \(n)")
        }
    }

    @Test(arguments: seeds)
    func gemvMatchesReference(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        for (m, n) in [(1, 1), (3, 5), (17, 4), (64, 33), (0, 3), (3, 0)] {
            for transposed in [false, true] {
                let a = ReferenceMaths.randomMatrix(m, n, using: &g)
                let x = g.vector(transposed ? m : n), y = g.vector(transposed ? n : m)
                let alpha = Double.random(in: -2...2, using: &g), beta = Double.random(in: -2...2, using: &g)
                var out = y
                try BLAS.gemv(alpha, a, transposed: transposed, x, beta, &out)
                let expected = ReferenceMaths.gemv(alpha, a, transposed: transposed, x, beta, y)
                #expect(
                    isClose(out, expected, relative: 1e-12, absolute: 1e-12), "seed \(seed) \(m)×\(n) T=\(transposed)")
            }
        }
    }

    @Test(arguments: seeds)
    func gemmMatchesReferenceForEveryTranspose(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        for (m, k, n) in [(1, 1, 1), (2, 3, 4), (13, 7, 5), (40, 31, 22), (0, 2, 2), (3, 0, 2)] {
            for ta in [false, true] {
                for tb in [false, true] {
                    let a =
                        ta ? ReferenceMaths.randomMatrix(k, m, using: &g) : ReferenceMaths.randomMatrix(m, k, using: &g)
                    let b =
                        tb ? ReferenceMaths.randomMatrix(n, k, using: &g) : ReferenceMaths.randomMatrix(k, n, using: &g)
                    let c = ReferenceMaths.randomMatrix(m, n, using: &g)
                    var out = c
                    try BLAS.gemm(1.5, a, transposeA: ta, b, transposeB: tb, -0.5, &out)
                    let expected = ReferenceMaths.gemm(1.5, a, transposeA: ta, b, transposeB: tb, -0.5, c)
                    #expect(isClose(out.elements, expected.elements), "seed \(seed) \(m)×\(k)×\(n) TA=\(ta) TB=\(tb)")
                }
            }
        }
    }

    @Test func shapeMismatchesThrowInsteadOfCallingBLAS() throws {
        #expect(throws: NumericError.self) { try BLAS.dot([1, 2], [1]) }
        var y = [0.0, 0.0, 0.0]
        #expect(throws: NumericError.self) { try BLAS.axpy(1, [1, 2], &y) }
        let a = Matrix(rows: 2, columns: 3, repeating: 1)
        #expect(throws: NumericError.self) { try BLAS.gemv(1, a, [1, 2], 0, &y) }
        var c = Matrix(rows: 2, columns: 2)
        #expect(throws: NumericError.self) { try BLAS.gemm(1, a, a, 0, &c) }
        #expect(throws: NumericError.self) { _ = try Matrix(rows: 2, columns: 2, elements: [1, 2, 3]) }
    }

    @Test func savingsKernelClampsAtZeroAndChargesZeroQuantity() throws {
        let s = try SavingsKernel.savings(quantity: [100, 100, 0, 50], cost: [100, 150, 40, 10], target: 1.1)
        #expect(isClose(s, [0, 40, 40, 0]))
    }

    /// An organisation's saving depends on its own quantity, cost and the target, not on where it sits in the
    /// block or how long the block is: rows in another order, or split between files or months, make the same
    /// blocks with their organisations elsewhere, and must rank to the same bits.
    @Test func savingDoesNotDependOnItsPlaceInTheBlock() throws {
        var random = SplitMix64(seed: 41)
        for _ in 0..<200 {
            let n = 1 + Int(random.next(below: 70))
            let q = (0..<n).map { _ in Double(random.next(below: 100_000)) / 100 }
            let c = (0..<n).map { _ in Double(random.next(below: 1_000_000)) / 100 }
            let target = Double(1 + random.next(below: 50_000)) / 10_000
            let together = try SavingsKernel.savings(quantity: q, cost: c, target: target)
            for i in 0..<n {
                let alone = try SavingsKernel.savings(quantity: [q[i]], cost: [c[i]], target: target)
                #expect(together[i].bitPattern == alone[0].bitPattern, "n \(n), place \(i)")
            }
        }
    }
}
