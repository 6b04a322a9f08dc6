import Foundation
import MedSaveCore

// The numeric core's matrix products against a plain dgemm of the same size, in GFLOP/s, in the same run.
//
//     swift run -c release medsave-blas-bench [--threads N] [--repeat R]
//
// Each case times medsave's own call (shape checks, the result matrix allocated and zeroed, and for the
// forecast the whole least-squares fit) and then cblas_dgemm on ready buffers, alternating, and reports the
// medians. The flop count of both is 2·m·n·k of the one product they share.
#if canImport(Accelerate)
    import Accelerate
#else
    import CBLAS
#endif

struct Case {
    var name: String
    var shape: String
    var flops: Double
    var ours: () throws -> Void
    var plain: () -> Void
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// A matrix of seeded values in -1…1.
func randomMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
    var g = SplitMix64(seed: seed)
    let values = (0..<(rows * columns)).map { _ in Double(g.next() >> 11) / Double(1 << 53) * 2 - 1 }
    return try! Matrix(rows: rows, columns: columns, elements: values)
}

/// C = A·B with cblas_dgemm on buffers allocated once.
func plainProduct(m: Int, n: Int, k: Int, seed: UInt64) -> () -> Void {
    let a = randomMatrix(m, k, seed: seed).elements, b = randomMatrix(k, n, seed: seed + 1).elements
    let c = UnsafeMutablePointer<Double>.allocate(capacity: m * n)
    return {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                cblas_dgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, ap.baseAddress,
                    Int32(k),
                    bp.baseAddress, Int32(n), 0, c, Int32(n))
            }
        }
    }
}

var threads = 0, repeats = 7
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let a = arguments.next() {
    switch a {
    case "--threads": threads = Int(arguments.next() ?? "") ?? 0
    case "--repeat": repeats = Int(arguments.next() ?? "") ?? 7
    default:
        FileHandle.standardError.write("usage: medsave-blas-bench [--threads N] [--repeat R]\n".data(using: .utf8)!)
        exit(64)
    }
}
if threads > 0 { BLAS.setThreads(threads) }

var cases: [Case] = []
// Scenario savings Q (organisations × products) · D (products × scenarios): a region, and national data.
for (label, m, k, n) in [("scenario, region", 300, 6_000, 12), ("scenario, national", 1_500, 20_000, 1_000)] {
    let q = randomMatrix(m, k, seed: 1), d = randomMatrix(k, n, seed: 2)
    cases.append(
        Case(
            name: label, shape: "\(m)×\(k) · \(k)×\(n)", flops: 2 * Double(m * n * k),
            ours: { _ = try BLAS.product(q, d) }, plain: plainProduct(m: m, n: n, k: k, seed: 1)))
}
// Forecast: every product's monthly series fitted at once, β = (XᵀX)⁻¹Xᵀ · Y; the GEMM is P (k × months) · Y.
for (label, months, series, seasonal) in [
    ("forecast fit, trend", 36, 20_000, false), ("forecast fit, seasonal", 36, 20_000, true),
] {
    let design = TrendDesign(seasonal: seasonal)
    let history = (0..<months).map { Period(index: Period(year: 2023, month: 1).index + Int32($0)) }
    let x = design.matrix(months: history, origin: history[0])
    let y = randomMatrix(months, series, seed: 3)
    let k = design.parameterCount
    cases.append(
        Case(
            name: label, shape: "\(k)×\(months) · \(months)×\(series)", flops: 2 * Double(k * months * series),
            ours: { _ = try LeastSquares.fit(design: x, series: y) },
            plain: plainProduct(m: k, n: series, k: months, seed: 3)))
}
// Bootstrap: a block of 64 replicates' weights W (64 × clusters) · V (clusters × rows·scenarios).
do {
    let clusters = 30_000, columns = 600
    let v = randomMatrix(clusters, columns, seed: 4)
    cases.append(
        Case(
            name: "bootstrap, 64 replicates", shape: "64×\(clusters) · \(clusters)×\(columns)",
            flops: 2 * Double(64 * clusters * columns),
            ours: { _ = try Bootstrap.replicates(v, count: 64, seed: 1) },
            plain: plainProduct(m: 64, n: columns, k: clusters, seed: 4)))
}

print("| product | shape | medsave GFLOP/s | plain dgemm GFLOP/s | ratio |")
print("| --- | --- | ---: | ---: | ---: |")
for c in cases {
    try c.ours()
    c.plain()  // warm up
    var ours: [Double] = [], plain: [Double] = []
    for _ in 0..<repeats {
        ours.append(try seconds(c.ours))
        plain.append(seconds(c.plain))
    }
    let o = c.flops / median(ours) / 1e9, p = c.flops / median(plain) / 1e9
    print(
        "| \(c.name) | \(c.shape) | \(String(format: "%.1f", o)) | \(String(format: "%.1f", p)) | \(String(format: "%.2f", o / p)) |"
    )
}
