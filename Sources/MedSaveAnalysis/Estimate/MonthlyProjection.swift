import MedSaveModel
import MedSaveNumeric

/// The budget-year total split by month, for a chart of the forecast with its band.
///
/// A series' projected volume in month m is its forecast share wₘ(s) = projectedₘ(s) / Σₘ projectedₘ(s) of
/// the year, so month m's saving under scenario k is Σₚ wₘ(series of p) · Q̂(p) · D(p, k), and the twelve
/// months sum to the year's total. The interval of each month comes from the same bootstrap as the total's:
/// V (clusters × months·scenarios) = Q̂ · Dₘ with Dₘ(p, m·S + k) = wₘ(series of p) · D(p, k), then W·V.
struct MonthlyProjection {
    let forecast: VolumeForecast
    let seriesOf: [Int]
    let q: Matrix
    let d: Matrix
    let quantityOfProduct: [Double]
    let prices: [Double]
    let months: [Period]

    /// wₘ(s) (months × series); zero for a series projected at zero over the whole year.
    private var shares: Matrix {
        var w = Matrix(rows: forecast.projected.rows, columns: forecast.projected.columns)
        for s in 0..<w.columns {
            let year = forecast.horizonTotal(s)
            guard year > 0 else { continue }
            for m in 0..<w.rows { w[m, s] = forecast.projected[m, s] / year }
        }
        return w
    }

    /// One row per month; with `bootstrap`, its replicates, seed and resampling give the intervals.
    func rows(bootstrap c: EstimateConfiguration?, table: BreakdownTable, growth: [Double]) throws(EstimateError)
        -> [EstimateRow]
    {
        let scenarios = d.columns, w = shares
        var spread = Matrix(rows: d.rows, columns: months.count * scenarios)
        var rows = months.map { EstimateRow(key: $0.description, scenarios: scenarios) }
        for p in 0..<d.rows {
            let s = seriesOf[p]
            for m in months.indices where w[m, s] != 0 {
                let quantity = w[m, s] * quantityOfProduct[p]
                rows[m].quantity += quantity
                rows[m].cost += quantity * prices[p]
                for k in 0..<scenarios {
                    spread[p, m * scenarios + k] = w[m, s] * d[p, k]
                    rows[m].saving[k] += quantity * d[p, k]
                }
            }
        }
        guard let c else { return rows }
        let v = try table.clusterSavings(spread: spread, q: q, growth: growth, seriesOf: seriesOf, resample: c.resample)
        let replicates = try Bootstrap.replicates(v, count: c.bootstrap, seed: c.seed)
        for m in months.indices {
            (rows[m].lower, rows[m].upper) = Bootstrap.intervals(
                replicates, columns: (m * scenarios)..<(m * scenarios + scenarios))
        }
        return rows
    }
}

extension MonthlyProjection {
    /// The behaviour model's budget-year total by month. A class's monthly share wₘ(g) is its products'
    /// shares weighted by their projected quantities (with classes fitted, the class's own share), so month
    /// m's saving under scenario k is Σ_g wₘ(g) · Σₒ M(o, g·) · D(g·, k), and its interval comes from
    /// V = M · Dₘ with Dₘ(g·t, m·S + k) = wₘ(g) · D(g·t, k), as for the total.
    static func rows(
        behaviour model: BehaviourModel, forecast: VolumeForecast, seriesOf: [Int], classOfProduct: [Int],
        quantityOfProduct: [Double], months: [Period], bootstrap c: EstimateConfiguration?, table: BreakdownTable,
        growth: [Double]
    ) throws(EstimateError) -> [EstimateRow] {
        let scenarios = model.scenarios.count
        var classShare = Matrix(rows: months.count, columns: model.classes)
        var classQuantity = [Double](repeating: 0, count: model.classes)
        for (p, g) in classOfProduct.enumerated() {
            let s = seriesOf[p], year = forecast.horizonTotal(s)
            classQuantity[g] += quantityOfProduct[p]
            guard year > 0 else { continue }
            for m in months.indices { classShare[m, g] += forecast.projected[m, s] / year * quantityOfProduct[p] }
        }
        for g in 0..<model.classes where classQuantity[g] > 0 {
            for m in months.indices { classShare[m, g] /= classQuantity[g] }
        }
        let ofClass = model.savingOfClass()
        var rows = months.map { EstimateRow(key: $0.description, scenarios: scenarios) }
        var spread = Matrix(rows: model.selector.rows, columns: months.count * scenarios)
        for g in 0..<model.classes {
            var quantity = 0.0, cost = 0.0
            for o in 0..<model.organisations {
                quantity += model.quantity[o, g]
                cost += model.cost[o, g]
            }
            for m in months.indices where classShare[m, g] != 0 {
                let w = classShare[m, g]
                rows[m].quantity += w * quantity
                rows[m].cost += w * cost
                for k in 0..<scenarios { rows[m].saving[k] += w * ofClass[g, k] }
                for t in 0..<model.targetCount {
                    let j = g * model.targetCount + t
                    for k in 0..<scenarios where model.selector[j, k] != 0 {
                        spread[j, m * scenarios + k] = w * model.selector[j, k]
                    }
                }
            }
        }
        guard let c else { return rows }
        let v = try table.clusterSavings(
            behaviour: model, spread: spread, growth: growth, seriesOf: seriesOf, resample: c.resample)
        let replicates = try Bootstrap.replicates(v, count: c.bootstrap, seed: c.seed)
        for m in months.indices {
            (rows[m].lower, rows[m].upper) = Bootstrap.intervals(
                replicates, columns: (m * scenarios)..<(m * scenarios + scenarios))
        }
        return rows
    }
}
