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
            if by.splitsOrganisations || by == .total {
                var v = Matrix(rows: q.rows, columns: columns)
                for o in 0..<q.rows {
                    for k in 0..<s {
                        if by != .total { v[o, rowOfOrganisation[o] * s + k] = byOrganisation[o, k] }
                        v[o, totalColumn + k] = byOrganisation[o, k]
                    }
                }
                return v
            }
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
