import Foundation

/// An independent, plain-loop recomputation of `estimate`'s point estimates, written without MedSaveCore:
/// its own CSV reading (`ReferenceRanking.rows`), Double sums, least squares by Gaussian elimination on the
/// normal equations, its own percentile. No safety rules. Slow and simple on purpose.
public enum ReferenceEstimate {
    public enum Target: Sendable, Equatable {
        case pv, cheapest
        case percentile(Double)
    }

    public struct Options: Sendable {
        public var budgetYear: Int
        public var pricePeriod: String?  // YYYY-MM; nil: the latest dated period
        public var historyFrom: String?, historyTo: String?
        public var seasonal = false
        public var fitProducts = false
        public var targets: [Target] = [.pv]
        public var uptakes: [Double] = [1]
        /// `total`, `unit`, `area`, `product`, `atc1`…`atc5`.
        public var by = "total"
        public var areas: [String: String] = [:]

        public init(budgetYear: Int) { self.budgetYear = budgetYear }
    }

    /// Saving per scenario (targets outermost, then uptakes) for each row key, and for "all".
    public static func savings(dispensingCSV: String, catalogueCSV: String, _ o: Options) -> [String: [Double]] {
        savings(dispensing: ReferenceRanking.rows(dispensingCSV), catalogue: ReferenceRanking.rows(catalogueCSV), o)
    }

    /// The same, from CSV rows already split (`ReferenceRanking.rows`).
    public static func savings(dispensing: [[String: String]], catalogue: [[String: String]], _ o: Options) -> [String:
        [Double]]
    {
        struct Item {
            var product: String
            var price: Double
            var cls: String?
            var status: String
            var atc: String
        }
        var dated: [String: [String: Item]] = [:]  // period → product → item
        var timeless: [String: Item] = [:]
        for r in catalogue {
            let group = r["group"] ?? "", size = r["size_group"] ?? ""
            let item = Item(
                product: r["product"]!, price: Double(r["unit_price"]!)!,
                cls: group.isEmpty ? nil : size.isEmpty ? group : group + "/" + size, status: r["status"] ?? "",
                atc: r["atc"] ?? "")
            let period = r["period"] ?? ""
            if period.isEmpty {
                if timeless[item.product] == nil { timeless[item.product] = item }
            } else if dated[period]?[item.product] == nil {
                dated[period, default: [:]][item.product] = item
            }
        }
        let pricePeriod = o.pricePeriod ?? dated.keys.max() ?? String(format: "%04d-01", o.budgetYear)
        var priced = timeless
        for (product, item) in dated[pricePeriod] ?? [:] { priced[product] = item }
        var members: [String: [Item]] = [:]
        for item in priced.values { if let c = item.cls { members[c, default: []].append(item) } }

        func listTarget(_ cls: String, _ t: Target) -> Double? {
            let m = members[cls] ?? []
            switch t {
            case .cheapest: return m.map(\.price).min()
            case .pv:
                if let pv = m.filter({ $0.status == "PV" }).map(\.price).min() { return pv }
                return m.filter { $0.status == "R1" || $0.status == "R2" }.map(\.price).min()
            case .percentile: return nil
            }
        }
        let anyPercentile = o.targets.contains { if case .percentile = $0 { return true } else { return false } }

        // Substitutable quantity per (unit, product, month) of the usable history.
        var allowed: [String: [String: [String: Double]]] = [:]  // unit → product → month → quantity
        var months = Set<String>()
        for r in dispensing {
            let month = String(r["period"]!.prefix(7))
            if let f = o.historyFrom, month < f { continue }
            if let t = o.historyTo, month > t { continue }
            guard let item = priced[r["product"]!], let cls = item.cls else { continue }
            guard anyPercentile || o.targets.contains(where: { listTarget(cls, $0) != nil }) else { continue }
            months.insert(month)
            if r["substitution_allowed"] == "false" { continue }
            allowed[r["unit"]!, default: [:]][item.product, default: [:]][month, default: 0] += Double(r["quantity"]!)!
        }
        let history = months.sorted()
        func monthIndex(_ m: String) -> Int { Int(m.prefix(4))! * 12 + Int(m.suffix(2))! - 1 }
        let origin = monthIndex(history[0])
        func regressors(_ index: Int) -> [Double] {
            var x = [1.0, Double(index - origin)]
            if o.seasonal {
                let a = 2 * Double.pi * Double(index % 12) / 12
                x += [sin(a), cos(a), sin(2 * a), cos(2 * a)]
            }
            return x
        }

        // Growth per series: Σ projected (floored monthly) / Σ history.
        func series(_ product: String) -> String { o.fitProducts ? product : priced[product]!.cls! }
        var y: [String: [Double]] = [:]
        for (_, byProduct) in allowed {
            for (product, byMonth) in byProduct {
                for (month, q) in byMonth {
                    y[series(product), default: Array(repeating: 0, count: history.count)][
                        history.firstIndex(of: month)!] += q
                }
            }
        }
        var growth: [String: Double] = [:]
        for (key, values) in y {
            let beta = leastSquares(history.map { regressors(monthIndex($0)) }, values)
            var ahead = 0.0
            for m in 1...12 {
                let x = regressors(o.budgetYear * 12 + m - 1)
                ahead += max(0, zip(x, beta).map(*).reduce(0, +))
            }
            let observed = values.reduce(0, +)
            growth[key] = observed > 0 ? ahead / observed : 0
        }

        // Projected quantity per (unit, product), targets, and savings by row.
        var q: [String: [String: Double]] = [:]
        for (unit, byProduct) in allowed {
            for (product, byMonth) in byProduct {
                q[unit, default: [:]][product] = max(0, byMonth.values.reduce(0, +)) * growth[series(product)]!
            }
        }
        var targets: [String: [Double?]] = [:]
        for cls in Set(priced.values.compactMap(\.cls)) {
            targets[cls] = o.targets.map { t in
                guard case .percentile(let p) = t else { return listTarget(cls, t) }
                var ppus: [Double] = []
                for (_, byProduct) in q {
                    var quantity = 0.0, cost = 0.0
                    for (product, v) in byProduct where priced[product]!.cls == cls {
                        quantity += v
                        cost += v * priced[product]!.price
                    }
                    if quantity > 0 { ppus.append(cost / quantity) }
                }
                return ppus.isEmpty ? nil : ReferenceRanking.percentile(ppus, p)
            }
        }
        var result: [String: [Double]] = [:]
        let scenarios = o.targets.enumerated().flatMap { t, _ in o.uptakes.map { (t, $0) } }
        for (unit, byProduct) in q {
            for (product, quantity) in byProduct {
                let item = priced[product]!
                let key: String
                switch o.by {
                case "unit": key = unit
                case "area": key = o.areas[unit] ?? "(no area)"
                case "product": key = product
                case "atc1", "atc2", "atc3", "atc4", "atc5":
                    let n = ["atc1": 1, "atc2": 3, "atc3": 4, "atc4": 5, "atc5": 7][o.by]!
                    key = item.atc.isEmpty ? "(no ATC code)" : String(item.atc.prefix(n))
                default: key = "all"
                }
                for (s, (t, uptake)) in scenarios.enumerated() {
                    guard let target = targets[item.cls!]![t] else { continue }
                    let saving = uptake * quantity * max(0, item.price - target)
                    for k in Set([key, "all"]) {
                        result[k, default: Array(repeating: 0, count: scenarios.count)][s] += saving
                    }
                }
            }
        }
        return result
    }

    /// β minimising ‖Xβ − y‖², from the normal equations XᵀXβ = Xᵀy by Gaussian elimination with partial pivoting.
    public static func leastSquares(_ x: [[Double]], _ y: [Double]) -> [Double] {
        let k = x[0].count
        var a = [[Double]](repeating: [Double](repeating: 0, count: k + 1), count: k)
        for (row, value) in zip(x, y) {
            for i in 0..<k {
                for j in 0..<k { a[i][j] += row[i] * row[j] }
                a[i][k] += row[i] * value
            }
        }
        for col in 0..<k {
            let pivot = (col..<k).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            a.swapAt(col, pivot)
            for r in 0..<k where r != col {
                let f = a[r][col] / a[col][col]
                for c in col...k { a[r][c] -= f * a[col][c] }
            }
        }
        return (0..<k).map { a[$0][k] / a[$0][$0] }
    }
}
