import MedSaveModel
import MedSaveNumeric

/// The rows of an estimate's breakdown: which row each organisation or product falls in, the figures summed
/// into each, the distinct patients behind each, and the bootstrap's view of the same rows.
struct BreakdownTable {
    let data: DispensingAggregate
    let history: PricedHistory
    let by: Breakdown
    let scenarios: Int
    var rows: [EstimateRow] = []
    var total: EstimateRow
    /// Row of each organisation (breakdowns by unit or area) or of each dense product (the others).
    private var rowOfOrganisation: [Int] = []
    private var rowOfProduct: [Int] = []
    /// Row of each class (the row of its first product), for the behaviour model's product-based breakdowns.
    private var rowOfClass: [Int] = []
    /// Distinct patient ids per row and in the total, when the data has patients.
    private var patientsOfRow: [Set<UInt32>] = []

    init(data: DispensingAggregate, history: PricedHistory, configuration c: EstimateConfiguration, scenarios: Int) {
        self.data = data
        self.history = history
        by = c.by
        self.scenarios = scenarios
        total = EstimateRow(key: Breakdown.all, scenarios: scenarios)
        var rowOf: [String: Int] = [:]
        func row(_ key: String, name: String = "") -> Int {
            if let r = rowOf[key] { return r }
            rowOf[key] = rows.count
            rows.append(EstimateRow(key: key, name: name, scenarios: scenarios))
            return rows.count - 1
        }
        if by.splitsOrganisations {
            rowOfOrganisation = data.organisations.map {
                row(by == .unit ? $0 : c.areas?.area(of: $0) ?? Breakdown.noArea)
            }
        } else if by != .total {
            rowOfProduct = history.entries.map { e in
                let key = by.key(product: e.product, atc: e.atc)
                let name = by == .product ? e.name : by == .atc5 && !e.atc.isEmpty ? e.substance : ""
                return row(key, name: name)
            }
            rowOfClass = [Int](repeating: 0, count: history.classes.count)
            for (p, g) in history.classOfProduct.enumerated().reversed() { rowOfClass[g] = rowOfProduct[p] }
        }
        if data.hasPatients { countPatients() }
    }

    /// The row of a used cell's figures; nil for the breakdown `total`, which has no rows.
    func row(organisation o: Int, product p: Int) -> Int? {
        by.splitsOrganisations ? rowOfOrganisation[o] : by == .total ? nil : rowOfProduct[p]
    }

    private mutating func countPatients() {
        patientsOfRow = Array(repeating: [], count: rows.count)
        var all = Set<UInt32>()
        var usedIndex: [Int: Int] = [:]
        for (u, i) in history.cells.enumerated() { usedIndex[i] = u }
        for key in data.patientsByCell {
            guard let u = usedIndex[Int(key >> 32)] else { continue }
            let patient = UInt32(truncatingIfNeeded: key)
            all.insert(patient)
            if let r = row(
                organisation: Int(data.cells[history.cells[u]].organisation), product: history.productOfCell[u])
            {
                patientsOfRow[r].insert(patient)
            }
        }
        for r in rows.indices { rows[r].patients = patientsOfRow[r].count }
        total.patients = all.count
    }

    /// Distinct patients behind a set of rows taken together.
    func distinctPatients(_ set: Set<Int>) -> Int {
        var union = Set<UInt32>()
        for r in set { union.formUnion(patientsOfRow[r]) }
        return union.count
    }

    /// Quantity, cost and saving per scenario into each row and the total.
    mutating func addSavings(q: Matrix, d: Matrix, byOrganisation: Matrix, quantityOfProduct: [Double]) {
        let prices = history.entries.map(\.unitPrice)
        for p in prices.indices {
            total.quantity += quantityOfProduct[p]
            total.cost += quantityOfProduct[p] * prices[p]
            for k in 0..<scenarios { total.saving[k] += quantityOfProduct[p] * d[p, k] }
        }
        if by.splitsOrganisations {
            for o in 0..<q.rows {
                let r = rowOfOrganisation[o]
                for p in prices.indices where q[o, p] != 0 {
                    rows[r].quantity += q[o, p]
                    rows[r].cost += q[o, p] * prices[p]
                }
                for k in 0..<scenarios { rows[r].saving[k] += byOrganisation[o, k] }
            }
        } else if by != .total {
            for p in prices.indices {
                let r = rowOfProduct[p]
                rows[r].quantity += quantityOfProduct[p]
                rows[r].cost += quantityOfProduct[p] * prices[p]
                for k in 0..<scenarios { rows[r].saving[k] += quantityOfProduct[p] * d[p, k] }
            }
        }
    }

    /// The behaviour model's quantity, cost and saving per scenario into each row and the total.
    mutating func addSavings(behaviour model: BehaviourModel, byOrganisation: Matrix) {
        let ofClass = model.savingOfClass()
        for g in 0..<model.classes {
            var quantity = 0.0, cost = 0.0
            for o in 0..<model.organisations {
                quantity += model.quantity[o, g]
                cost += model.cost[o, g]
            }
            total.quantity += quantity
            total.cost += cost
            for k in 0..<scenarios { total.saving[k] += ofClass[g, k] }
            if !by.splitsOrganisations && by != .total {
                let r = rowOfClass[g]
                rows[r].quantity += quantity
                rows[r].cost += cost
                for k in 0..<scenarios { rows[r].saving[k] += ofClass[g, k] }
            }
        }
        if by.splitsOrganisations {
            for o in 0..<model.organisations {
                let r = rowOfOrganisation[o]
                for g in 0..<model.classes {
                    rows[r].quantity += model.quantity[o, g]
                    rows[r].cost += model.cost[o, g]
                }
                for k in 0..<scenarios { rows[r].saving[k] += byOrganisation[o, k] }
            }
        }
    }

    /// V (clusters × (rows + 1)·scenarios) under the behaviour model, as `clusterSavings(q:d:…)` does for the
    /// product mix: units give M · D spread over each class's row and the total (one GEMM); patients and
    /// prescribers give each cluster's projected quantity times its organisation's premium rate.
    func clusterSavings(
        behaviour model: BehaviourModel, byOrganisation: Matrix, growth: [Double], seriesOf: [Int],
        resample: ResampleUnit
    ) throws(EstimateError) -> Matrix {
        let s = scenarios, totalColumn = rows.count * s, columns = (rows.count + 1) * s
        if resample == .units && (by.splitsOrganisations || by == .total) {
            guard model.organisations * columns <= Self.maxElements else {
                throw Self.tooLarge(model.organisations, columns)
            }
            return organisationSavings(byOrganisation)
        }
        var spread = Matrix(rows: model.selector.rows, columns: columns)
        for j in 0..<model.selector.rows {
            let g = j / model.targetCount
            for k in 0..<s where model.selector[j, k] != 0 {
                if by != .total && !by.splitsOrganisations { spread[j, rowOfClass[g] * s + k] = model.selector[j, k] }
                spread[j, totalColumn + k] = model.selector[j, k]
            }
        }
        return try clusterSavings(
            behaviour: model, spread: spread, growth: growth, seriesOf: seriesOf, resample: resample,
            rowOfCell: { o in by.splitsOrganisations ? rowOfOrganisation[o] : nil })
    }

    /// V (clusters × statistics) for statistics linear in the premium money of the (class, target) columns:
    /// each cluster's Σ M(cluster, column) · `spread`[column, ·]. With `rowOfCell`, a statistic's column block
    /// of the organisation's row also receives it (rows of units or areas).
    func clusterSavings(
        behaviour model: BehaviourModel, spread: Matrix, growth: [Double], seriesOf: [Int], resample: ResampleUnit,
        rowOfCell: ((Int) -> Int?)? = nil
    ) throws(EstimateError) -> Matrix {
        switch resample {
        case .units:
            guard model.organisations * spread.columns <= Self.maxElements else {
                throw Self.tooLarge(model.organisations, spread.columns)
            }
            do { return try BLAS.product(model.premium, spread) } catch { throw .numeric(error) }
        case .patients, .prescribers:
            let s = scenarios
            return try clusterMatrix(columns: spread.columns, growth: growth, seriesOf: seriesOf) {
                v, cluster, u, p, projected in
                let o = Int(data.cells[history.cells[u]].organisation), g = history.classOfProduct[p]
                for t in 0..<model.targetCount {
                    let rate = model.rate(organisation: o, class: g, target: t)
                    guard rate != 0 else { continue }
                    let j = g * model.targetCount + t
                    for c in 0..<spread.columns where spread[j, c] != 0 {
                        v[cluster, c] += projected * rate * spread[j, c]
                    }
                    if let r = rowOfCell?(o) {
                        for k in 0..<s where model.selector[j, k] != 0 {
                            v[cluster, r * s + k] += projected * rate * model.selector[j, k]
                        }
                    }
                }
            }
        }
    }

    /// V (clusters × (rows + 1)·scenarios): each cluster's saving in every row and in the total (the last
    /// block of columns), per scenario.
    func clusterSavings(
        q: Matrix, d: Matrix, byOrganisation: Matrix, growth: [Double], seriesOf: [Int], resample: ResampleUnit
    ) throws(EstimateError) -> Matrix {
        let s = scenarios, totalColumn = rows.count * s
        let columns = (rows.count + 1) * s
        switch resample {
        case .units:
            guard q.rows * columns <= Self.maxElements else { throw Self.tooLarge(q.rows, columns) }
            if by.splitsOrganisations || by == .total { return organisationSavings(byOrganisation) }
            // V = Q̂ · D_rows, with D_rows (products × columns) spreading D over each product's row and the total.
            var spread = Matrix(rows: d.rows, columns: columns)
            for p in 0..<d.rows {
                for k in 0..<s {
                    spread[p, rowOfProduct[p] * s + k] = d[p, k]
                    spread[p, totalColumn + k] = d[p, k]
                }
            }
            do { return try BLAS.product(q, spread) } catch { throw .numeric(error) }
        case .patients, .prescribers:
            return try clusterMatrix(columns: columns, growth: growth, seriesOf: seriesOf) {
                v, cluster, u, p, projected in
                let r = row(organisation: Int(data.cells[history.cells[u]].organisation), product: p)
                for k in 0..<s {
                    if let r { v[cluster, r * s + k] += projected * d[p, k] }
                    v[cluster, totalColumn + k] += projected * d[p, k]
                }
            }
        }
    }

    /// V (units × (rows + 1)·scenarios) when each unit's saving lands in one row (its own, or its area's) or
    /// only in the total.
    private func organisationSavings(_ byOrganisation: Matrix) -> Matrix {
        let s = scenarios, totalColumn = rows.count * s
        var v = Matrix(rows: byOrganisation.rows, columns: (rows.count + 1) * s)
        for o in 0..<byOrganisation.rows {
            for k in 0..<s {
                if by != .total { v[o, rowOfOrganisation[o] * s + k] = byOrganisation[o, k] }
                v[o, totalColumn + k] = byOrganisation[o, k]
            }
        }
        return v
    }

    /// V (clusters × statistics) for statistics linear in the products' projected quantities: each cluster's
    /// Σₚ Q̂(cluster, p) · `spread`[p, ·] (`spread`: products × statistics). Clusters are numbered as in
    /// `clusterSavings(q:d:…)`, so the same seed resamples them alike.
    func clusterSavings(
        spread: Matrix, q: Matrix, growth: [Double], seriesOf: [Int], resample: ResampleUnit
    ) throws(EstimateError) -> Matrix {
        switch resample {
        case .units:
            guard q.rows * spread.columns <= Self.maxElements else { throw Self.tooLarge(q.rows, spread.columns) }
            do { return try BLAS.product(q, spread) } catch { throw .numeric(error) }
        case .patients, .prescribers:
            return try clusterMatrix(columns: spread.columns, growth: growth, seriesOf: seriesOf) {
                v, cluster, _, p, projected in
                for j in 0..<spread.columns where spread[p, j] != 0 { v[cluster, j] += projected * spread[p, j] }
            }
        }
    }

    /// V (clusters × `columns`) for resampling patients or prescribers, filled by `add` with each cluster's
    /// projected substitutable quantity in each used cell (`add(&v, cluster, used cell, product, quantity)`).
    /// Clusters are numbered in id order and visited in key order, so neither the numbering (and so the seeded
    /// resample) nor the floating-point sums depend on hashing.
    private func clusterMatrix(
        columns: Int, growth: [Double], seriesOf: [Int],
        _ add: (inout Matrix, _ cluster: Int, _ used: Int, _ product: Int, _ projected: Double) -> Void
    ) throws(EstimateError) -> Matrix {
        var usedIndex: [Int: Int] = [:]
        for (u, i) in history.cells.enumerated() { usedIndex[i] = u }
        var ids = Set<UInt32>()
        for key in data.clusterQuantities.keys where usedIndex[Int(key >> 32)] != nil {
            ids.insert(UInt32(truncatingIfNeeded: key))
        }
        let clusterIndex = Dictionary(uniqueKeysWithValues: ids.sorted().enumerated().map { ($1, $0) })
        guard clusterIndex.count * columns <= Self.maxElements else { throw Self.tooLarge(clusterIndex.count, columns) }
        var v = Matrix(rows: clusterIndex.count, columns: columns)
        for key in data.clusterQuantities.keys.sorted() {
            let quantity = data.clusterQuantities[key]!
            guard let u = usedIndex[Int(key >> 32)], quantity.raw > 0 else { continue }
            let p = history.productOfCell[u]
            add(&v, clusterIndex[UInt32(truncatingIfNeeded: key)]!, u, p, quantity.doubleValue * growth[seriesOf[p]])
        }
        return v
    }

    /// With `c.bootstrap` replicates: resamples the clusters of `savings` (clusters × (rows + 1)·scenarios) and
    /// sets every row's interval. Returns the number of clusters (0 without a bootstrap).
    mutating func bootstrap(_ c: EstimateConfiguration, savings: Matrix?) throws(EstimateError) -> Int {
        guard c.bootstrap > 0, let savings else { return 0 }
        setIntervals(
            try Bootstrap.replicates(savings, count: c.bootstrap, seed: c.seed, strata: strata(resample: c.resample)))
        return savings.rows
    }

    /// Strata for the bootstrap: resampling units for rows of units or areas, each row's units are drawn
    /// among themselves (so a row's interval reflects its own units); nil otherwise.
    func strata(resample: ResampleUnit) -> [Int]? {
        resample == .units && by.splitsOrganisations ? rowOfOrganisation : nil
    }

    /// The 2.5th and 97.5th percentiles of the replicates (replicates × (rows + 1)·scenarios) as intervals.
    mutating func setIntervals(_ replicates: Matrix) {
        let s = scenarios
        for r in 0...rows.count {
            let (lower, upper) = Bootstrap.intervals(replicates, columns: (r * s)..<(r * s + s))
            if r < rows.count {
                rows[r].lower = lower
                rows[r].upper = upper
            } else {
                total.lower = lower
                total.upper = upper
            }
        }
    }

    /// Largest saving in the first scenario first, ties by key; patient sets follow their rows.
    mutating func sort() {
        let order = rows.indices.sorted { a, b in
            let x = rows[a].saving.first ?? 0, y = rows[b].saving.first ?? 0
            return x != y ? x > y : rows[a].key < rows[b].key
        }
        rows = order.map { rows[$0] }
        if !patientsOfRow.isEmpty { patientsOfRow = order.map { patientsOfRow[$0] } }
    }

    /// V is held dense: beyond this many elements a run would need gigabytes.
    static let maxElements = 100_000_000

    static func tooLarge(_ clusters: Int, _ columns: Int) -> EstimateError {
        .tooLarge(
            "the bootstrap would hold \(clusters) clusters × \(columns) row-scenario columns; "
                + "use a coarser --by, fewer scenarios, or --resample units")
    }
}
