import MedSaveNumeric
import MedSaveSupport

/// The nonparametric bootstrap of a sum over clusters: each replicate draws as many clusters as there are,
/// with replacement; W (replicates × clusters) counts the draws, and the replicates' sums of every column
/// of V (clusters × statistics) are W·V — a GEMM, done a block of replicates at a time so W stays small.
///
/// With strata, each replicate draws within every stratum as many clusters as it has (the stratified
/// bootstrap): a stratum's own sum then varies only with its own clusters.
public enum Bootstrap {
    /// W·V for `count` replicates from `seed` (replicates × statistics). `strata`, when given, names each
    /// cluster's stratum. The same seed gives the same result on every machine: the generator is SplitMix64
    /// and the draws are unbiased (Lemire's method).
    public static func replicates(
        _ v: Matrix, count: Int, seed: UInt64, strata: [Int]? = nil, block: Int = 64
    ) throws(EstimateError) -> Matrix {
        precondition(strata.map { $0.count == v.rows } ?? true, "one stratum per cluster")
        var members: [[Int]] = [Array(0..<v.rows)]
        if let strata {
            var byStratum: [Int: [Int]] = [:]
            for (cluster, s) in strata.enumerated() { byStratum[s, default: []].append(cluster) }
            members = byStratum.keys.sorted().map { byStratum[$0]! }
        }
        var generator = SplitMix64(seed: seed)
        var result = Matrix(rows: count, columns: v.columns)
        let n = v.rows
        var start = 0
        while start < count {
            let size = min(block, count - start)
            var w = Matrix(rows: size, columns: n)
            for b in 0..<size {
                for stratum in members where !stratum.isEmpty {
                    let k = UInt64(stratum.count)
                    for _ in 0..<stratum.count { w.elements[b * n + stratum[Int(generator.next(below: k))]] += 1 }
                }
            }
            let part: Matrix
            do { part = try BLAS.product(w, v) } catch { throw .numeric(error) }
            result.elements.replaceSubrange(
                (start * v.columns)..<((start + size) * v.columns), with: part.elements)
            start += size
        }
        return result
    }

    /// The 95% interval of each of `columns` of `replicates` (replicates × statistics): the 2.5th and 97.5th
    /// percentiles of the replicates.
    static func intervals(_ replicates: Matrix, columns: Range<Int>) -> (lower: [Double], upper: [Double]) {
        var lower: [Double] = [], upper: [Double] = []
        for j in columns {
            let column = (0..<replicates.rows).map { replicates[$0, j] }
            lower.append(percentile(column, 2.5)!)
            upper.append(percentile(column, 97.5)!)
        }
        return (lower, upper)
    }
}
