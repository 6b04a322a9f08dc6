import MedSaveModel
import MedSaveNumeric

/// Budget-year savings (README, `medsave estimate`: scenarios, forecast, intervals, disclosure control).
///
/// 1. History: the cells in the window whose product the price period's catalogue prices and classes.
/// 2. Forecast: monthly substitutable volumes (rows marked "do not substitute" left out) per class — or per
///    product, `grain` — fitted by least squares on one shared design matrix and projected over the budget
///    year (`VolumeForecast`). Each series' growth g = projected / history spreads over its organisations and
///    products in proportion to their history: Q̂(o, p) = max(0, Q(o, p)) · g(series of p).
/// 3. Targets T(class, rule) at the price period: `pv`/`cheapest` from the catalogue, `pNN` the percentile of
///    the organisations' projected price per unit Σₚ Q̂(o, p)·priceₚ / Σₚ Q̂(o, p) over the class.
/// 4. D (products × scenarios) = uptake × max(0, priceₚ − T(class of p, rule)), zero where a safety rule
///    excludes the switch; the organisations' scenario savings are Q̂ (organisations × products) · D, one GEMM.
/// 5. Intervals: the bootstrap resamples clusters (units, patients or prescribers) with replacement; the
///    replicates' row savings are W (replicates × clusters) · V (clusters × rows·scenarios), the interval the
///    2.5th and 97.5th percentiles. Targets and growth are held fixed across replicates. Resampling units for
///    rows of units or areas draws within each row (stratified), so one unit's own interval is its point
///    estimate: resample patients or prescribers for that.
/// 6. Disclosure control on the rows (`Disclosure`), by distinct patients in the history; suppressed rows are
///    listed last, by key.
/// 7. With `monthly`, the total per budget month (`MonthlyProjection`).
///
/// Savings are in the currency of the catalogue's unit prices; the point estimate of a row is linear in the
/// uptake, so a scenario at uptake α is exactly α times the one at full uptake.
public enum BudgetEstimate {
    public static func compute(
        _ data: DispensingAggregate, catalogue: Catalogue, configuration c: EstimateConfiguration
    ) throws(EstimateError) -> EstimateResult {
        if let list = c.targets.first(where: { $0.targetList != nil }) {
            throw .noPrices("\(list): the budget-year estimate takes pv, cheapest, median or pNN, not a target list")
        }
        var books = Reconciliation()
        books.rowsRead = data.rowsRead
        books.costRead = data.costRead
        books.setAside(.badRow, rows: data.badRows, cost: data.badRowCost)
        let pricePeriod = c.pricePeriod ?? catalogue.periods.last ?? c.budgetMonths[0]
        let history = PricedHistory(
            data, catalogue: catalogue, pricePeriod: pricePeriod, configuration: c, books: &books)
        guard let first = history.months.first, let last = history.months.last else {
            throw .noHistory("no dispensing in the window can be priced and classed by the catalogue of \(pricePeriod)")
        }
        let ahead = c.budgetMonths.last!.index - last.index
        guard ahead <= EstimateConfiguration.maximumHorizonMonths else {
            throw .horizon(
                "the budget year \(c.budgetYear) ends \(ahead) months after the last month of history (\(last)); "
                    + "medsave projects at most \(EstimateConfiguration.maximumHorizonMonths) months ahead")
        }
        // A short history gives a level (the mean month), not a trend extrapolated far beyond it.
        let level =
            c.volumeModel == .level
            || (c.volumeModel == .auto && !c.seasonal
                && history.months.count < EstimateConfiguration.minimumTrendMonths)
        let design = TrendDesign(seasonal: c.seasonal, level: level)
        guard history.months.count >= design.minimumMonths else {
            throw .noHistory(
                "the \(c.seasonal ? "seasonal" : "trend") model needs at least \(design.minimumMonths) months of history; "
                    + "the window has \(history.months.count) (\(first)..\(last))")
        }
        if c.bootstrap > 0 && c.resample != .units && data.clusterQuantities.isEmpty {
            throw .noHistory(
                "--resample \(c.resample.rawValue): the dispensing was read without \(c.resample.rawValue) as clusters")
        }
        let products = history.entries.count, organisations = data.organisations.count

        // 2. Forecast, and the projected quantities Q̂ (organisations × products).
        let seriesOf = c.grain == .class ? history.classOfProduct : Array(0..<products)
        let seriesCount = c.grain == .class ? history.classes.count : products
        var y = Matrix(rows: history.months.count, columns: seriesCount)
        let monthRow = Dictionary(uniqueKeysWithValues: history.months.enumerated().map { ($1, $0) })
        for (u, i) in history.cells.enumerated() {
            let cell = data.cells[i]
            y[monthRow[data.periods[Int(cell.period)]]!, seriesOf[history.productOfCell[u]]] += history.allowed[u]
        }
        let forecast: VolumeForecast
        do {
            forecast = try VolumeForecast.fit(y, history: history.months, horizon: c.budgetMonths, design: design)
        } catch {
            throw .numeric(error)
        }
        var fit = FitSummary(model: design.name, grain: c.grain, historyMonths: history.months)
        fit.savings = c.model
        fit.missingMonths = (first.index...last.index).map { Period(index: $0) }.filter { monthRow[$0] == nil }
        fit.series = seriesCount
        fit.products = products
        fit.flooredSeries = forecast.flooredSeries
        var growth = [Double](repeating: 0, count: seriesCount)
        for s in 0..<seriesCount {
            var observed = 0.0
            for t in 0..<y.rows { observed += y[t, s] }
            let ahead = forecast.horizonTotal(s)
            fit.historyQuantity += observed
            fit.projectedQuantity += observed > 0 ? ahead : 0
            growth[s] = observed > 0 ? ahead / observed : 0
        }
        var q = Matrix(rows: organisations, columns: products)
        var blocked = [Double](repeating: 0, count: products)  // projected quantity in "do not substitute" rows
        for (u, i) in history.cells.enumerated() {
            let cell = data.cells[i], p = history.productOfCell[u]
            q[Int(cell.organisation), p] += history.allowed[u]
            blocked[p] += history.blocked[u].quantity.doubleValue * growth[seriesOf[p]]
        }
        for o in 0..<organisations {
            for p in 0..<products { q[o, p] = max(0, q[o, p]) * growth[seriesOf[p]] }
        }

        if c.model == .behaviour {
            return try behaviourEstimate(
                data, catalogue: catalogue, configuration: c, history: history, pricePeriod: pricePeriod, fit: fit,
                forecast: forecast, q: q, blocked: blocked, growth: growth, seriesOf: seriesOf, books: books)
        }

        // 3–4. Targets, safety, and D.
        let targets = history.targets(projected: q, rules: c.targets)
        let usedClasses = Set(history.classOfProduct)
        let scenarios = c.scenarios
        var d = Matrix(rows: products, columns: scenarios.count)
        var excludedD = Matrix(rows: products, columns: scenarios.count)
        let safety = SafetyEvaluator(c.rules)
        var excludedProducts = Set<Int>()
        for (p, entry) in history.entries.enumerated() {
            let g = history.classOfProduct[p]
            for (t, rule) in c.targets.enumerated() {
                guard let target = targets[g][t] else { continue }
                let excluded = safety.findings(dispensed: [entry], suggested: target.product).contains {
                    $0.action == .exclude
                }
                let gap = max(0, entry.unitPrice - target.price)
                if excluded && gap > 0 { excludedProducts.insert(p) }
                for (s, scenario) in scenarios.enumerated() where scenario.target == rule {
                    if excluded { excludedD[p, s] = scenario.uptake * gap } else { d[p, s] = scenario.uptake * gap }
                }
            }
        }
        let byOrganisation: Matrix
        var quantityOfProduct = [Double](repeating: 0, count: products)
        var excludedSaving = [Double](repeating: 0, count: scenarios.count)
        var blockedSaving = [Double](repeating: 0, count: scenarios.count)
        do {
            byOrganisation = try BLAS.product(q, d)
            try BLAS.gemv(1, q, transposed: true, [Double](repeating: 1, count: organisations), 0, &quantityOfProduct)
            try BLAS.gemv(1, excludedD, transposed: true, quantityOfProduct, 0, &excludedSaving)
            try BLAS.gemv(1, d, transposed: true, blocked, 0, &blockedSaving)
        } catch {
            throw .numeric(error)
        }

        // Rows of the breakdown, and the patients behind each.
        var table = BreakdownTable(data: data, history: history, configuration: c, scenarios: scenarios.count)
        table.addSavings(q: q, d: d, byOrganisation: byOrganisation, quantityOfProduct: quantityOfProduct)

        // 5. Bootstrap.
        let v =
            c.bootstrap > 0
            ? try table.clusterSavings(
                q: q, d: d, byOrganisation: byOrganisation, growth: growth, seriesOf: seriesOf, resample: c.resample)
            : nil
        let clusters = try table.bootstrap(c, savings: v)

        let monthly =
            c.monthly
            ? try MonthlyProjection(
                forecast: forecast, seriesOf: seriesOf, q: q, d: d, quantityOfProduct: quantityOfProduct,
                prices: history.entries.map(\.unitPrice),
                months: c.budgetMonths
            ).rows(bootstrap: c.bootstrap > 0 ? c : nil, table: table, growth: growth)
            : []

        // 6. Order and disclosure control.
        return finish(
            table: table,
            result: EstimateResult(
                configuration: c, scenarios: scenarios, pricePeriod: pricePeriod, budgetMonths: c.budgetMonths,
                fit: fit, rows: [], total: table.total, excludedSaving: excludedSaving, blockedSaving: blockedSaving,
                excludedProducts: excludedProducts.count,
                classesWithoutTarget: c.targets.indices.map { t in usedClasses.filter { targets[$0][t] == nil }.count },
                clusters: clusters, reconciliation: books),
            monthly: monthly, data: data)
    }
}

extension BudgetEstimate {
    /// The behaviour model's savings (`BehaviourModel`), rows, bootstrap, bridge and guards.
    fileprivate static func behaviourEstimate(
        _ data: DispensingAggregate, catalogue: Catalogue, configuration c: EstimateConfiguration,
        history: PricedHistory, pricePeriod: Period, fit: FitSummary, forecast: VolumeForecast, q: Matrix,
        blocked: [Double], growth: [Double], seriesOf: [Int], books: Reconciliation
    ) throws(EstimateError) -> EstimateResult {
        if c.by == .product {
            throw .noHistory(
                "--by product: under the behaviour model volumes follow the class, not the product; "
                    + "use --by atc5 (or --model product-mix)")
        }
        let model = try BehaviourModel(
            data: data, history: history, catalogue: catalogue, configuration: c, projected: q,
            blockedProjected: blocked)
        let byOrganisation = try model.byOrganisation()
        var table = BreakdownTable(data: data, history: history, configuration: c, scenarios: model.scenarios.count)
        table.addSavings(behaviour: model, byOrganisation: byOrganisation)
        var quantityOfProduct = [Double](repeating: 0, count: q.columns)
        for o in 0..<q.rows { for p in 0..<q.columns { quantityOfProduct[p] += q[o, p] } }

        let v =
            c.bootstrap > 0
            ? try table.clusterSavings(
                behaviour: model, byOrganisation: byOrganisation, growth: growth, seriesOf: seriesOf,
                resample: c.resample)
            : nil
        let clusters = try table.bootstrap(c, savings: v)
        let monthly =
            c.monthly
            ? try MonthlyProjection.rows(
                behaviour: model, forecast: forecast, seriesOf: seriesOf, classOfProduct: history.classOfProduct,
                quantityOfProduct: quantityOfProduct, months: c.budgetMonths, bootstrap: c.bootstrap > 0 ? c : nil,
                table: table, growth: growth)
            : []
        var result = EstimateResult(
            configuration: c, scenarios: model.scenarios, pricePeriod: pricePeriod, budgetMonths: c.budgetMonths,
            fit: fit, rows: [], total: table.total,
            excludedSaving: model.scenarios.map {
                $0.uptake * model.excludedSaving[c.targets.firstIndex(of: $0.target)!]
            },
            blockedSaving: model.scenarios.map {
                $0.uptake * model.blockedSaving[c.targets.firstIndex(of: $0.target)!]
            },
            excludedProducts: model.excludedClasses,
            classesWithoutTarget: c.targets.indices.map { t in model.budgetTarget.filter { $0[t] == nil }.count },
            clusters: clusters, reconciliation: books)
        result.bridge = model.bridge
        result.behaviourMonths = model.behaviourMonths
        for b in model.bridge where b.found > 0 && b.found + b.behaviour > EstimateConfiguration.flagRatio * b.found {
            result.warnings.append(
                "under \(b.target), the projection before volume and price effects is "
                    + "\(NumberFormat.fixed((b.found + b.behaviour) / b.found, decimals: 2))× the saving found in the "
                    + "history: the recent months' premium is far above the history's; check the behaviour window")
        }
        if fit.model != TrendDesign(seasonal: c.seasonal).name {
            result.warnings.append(
                "\(fit.historyMonths.count) months of history: volumes are projected at their mean month, not by a "
                    + "trend (ask for one with --volume-model trend)")
        }
        return finish(table: table, result: result, monthly: monthly, data: data)
    }

    /// Orders the rows, applies disclosure control and attaches the monthly rows.
    fileprivate static func finish(
        table: BreakdownTable, result: EstimateResult, monthly: [EstimateRow], data: DispensingAggregate
    ) -> EstimateResult {
        var table = table, result = result
        let c = result.configuration
        table.sort()
        result.rows = table.rows
        result.total = table.total
        if data.hasPatients && c.suppressBelow > 0 {
            let decision = Disclosure.decide(
                patients: table.rows.map { $0.patients ?? 0 }, values: table.rows.map { $0.saving.first ?? 0 },
                totalPatients: table.total.patients ?? 0, threshold: c.suppressBelow,
                distinctPatients: table.distinctPatients)
            for i in decision.suppressed { result.rows[i].suppressed = true }
            // Suppressed rows last, by key: their place in an order by saving would bound their values.
            result.rows =
                result.rows.filter { !$0.suppressed } + result.rows.filter(\.suppressed).sorted { $0.key < $1.key }
            result.total.suppressed = decision.totalSuppressed
            result.primarySuppressed = decision.primary.count + (decision.totalSuppressed ? 1 : 0)
            result.secondarySuppressed = decision.secondary.count
            result.disclosureApplied = true
        }
        result.monthly = monthly.map { month in
            var month = month
            month.suppressed = result.total.suppressed
            return month
        }
        return result
    }
}

/// The history an estimate rests on: the cells in the window that the price period's catalogue prices and
/// classes, with products and classes numbered densely. Every other cell is set aside with its reason.
struct PricedHistory {
    var entries: [CatalogueEntry] = []
    var classes: [EquivalenceClass] = []
    var classOfProduct: [Int] = []
    /// Per class, per target rule: the target when the rule names a product (`pv`, `cheapest`).
    var listTargets: [[Target?]] = []
    /// Used aggregate cells, each one's dense product and substitutable quantity, and the quantity and cost of
    /// its rows marked "do not substitute".
    var cells: [Int] = []
    var productOfCell: [Int] = []
    var allowed: [Double] = []
    var blocked: [(quantity: FixedDecimal, cost: FixedDecimal)] = []
    /// Months with used cells, ascending.
    var months: [Period] = []

    init(
        _ data: DispensingAggregate, catalogue: Catalogue, pricePeriod: Period, configuration c: EstimateConfiguration,
        books: inout Reconciliation
    ) {
        enum Verdict {
            case used(Int)
            case setAside(SetAsideReason)
        }
        // The product-mix model prices and classes every month by the price period's list; the behaviour model
        // classes each month's products by that month's own list (a product gone from the newest list still
        // counts in its class), falling back to the price period's.
        let byMonth = c.model == .behaviour
        var verdicts: [Int64: Verdict] = [:]
        var productOfEntry: [String: [EquivalenceClass?: Int]] = [:]
        var classIndex: [EquivalenceClass: Int] = [:]
        let anyPercentile = c.targets.contains { !$0.namesProduct }
        var monthSet = Set<Period>()
        let blockedOf = data.blockedByCell()
        for (i, cell) in data.cells.enumerated() {
            let period = data.periods[Int(cell.period)]
            guard c.periods.contains(period) else {
                books.setAside(.outsidePeriod, rows: cell.rows, cost: cell.cost)
                continue
            }
            let verdict: Verdict
            let verdictKey = byMonth ? Int64(cell.product) << 32 | Int64(cell.period) : Int64(cell.product)
            if let known = verdicts[verdictKey] {
                verdict = known
            } else {
                let code = data.products[Int(cell.product)]
                let own = byMonth ? catalogue.entry(product: code, period: period) : nil
                if let entry = own ?? catalogue.entry(product: code, period: pricePeriod) {
                    if let cls = entry.equivalenceClass {
                        if classIndex[cls] == nil {
                            classIndex[cls] = classes.count
                            classes.append(cls)
                            let members = catalogue.memberIndices(of: cls, in: pricePeriod)
                            listTargets.append(c.targets.map { Targets.listTarget(catalogue, members, rule: $0) })
                        }
                        let g = classIndex[cls]!
                        if anyPercentile || listTargets[g].contains(where: { $0 != nil }) {
                            // One dense product per (code, class): the entry first seen, the price period's when
                            // it has one.
                            if let known = productOfEntry[entry.product]?[cls] {
                                verdict = .used(known)
                            } else {
                                verdict = .used(entries.count)
                                productOfEntry[entry.product, default: [:]][cls] = entries.count
                                entries.append(
                                    catalogue.entry(product: code, period: pricePeriod).flatMap {
                                        $0.equivalenceClass == cls ? $0 : nil
                                    } ?? entry)
                                classOfProduct.append(g)
                            }
                        } else {
                            verdict = .setAside(.noTarget)
                        }
                    } else {
                        verdict = .setAside(.noClass)
                    }
                } else {
                    verdict = .setAside(.unknownProduct)
                }
                verdicts[verdictKey] = verdict
            }
            switch verdict {
            case .setAside(let reason):
                books.setAside(reason, rows: cell.rows, cost: cell.cost)
            case .used(let p):
                books.rowsUsed += cell.rows
                books.costUsed += cell.cost
                cells.append(i)
                productOfCell.append(p)
                let b = cell.hasBlockedRows ? blockedOf[Int32(i)] ?? (.zero, .zero) : (.zero, .zero)
                allowed.append((cell.quantity - b.quantity).doubleValue)
                blocked.append(b)
                monthSet.insert(period)
            }
        }
        months = monthSet.sorted()
    }

    /// T(class, rule) for every class and rule: list targets as found, percentile targets from the
    /// organisations' projected price per unit (`q`: organisations × products), each organisation with
    /// projected volume counted once.
    func targets(projected q: Matrix, rules: [TargetRule]) -> [[Target?]] {
        var result = listTargets
        var membersOfClass = [[Int]](repeating: [], count: classes.count)
        for (p, g) in classOfProduct.enumerated() { membersOfClass[g].append(p) }
        for (t, rule) in rules.enumerated() {
            guard case .percentile(let pct) = rule else { continue }
            for (g, members) in membersOfClass.enumerated() {
                var ppus: [Double] = []
                for o in 0..<q.rows {
                    var quantity = 0.0, cost = 0.0
                    for p in members {
                        quantity += q[o, p]
                        cost += q[o, p] * entries[p].unitPrice
                    }
                    if quantity > 0 { ppus.append(cost / quantity) }
                }
                result[g][t] = Targets.peer(ppus, percentile: pct)
            }
        }
        return result
    }
}
