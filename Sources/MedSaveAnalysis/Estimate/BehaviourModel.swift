import MedSaveModel
import MedSaveNumeric

/// The behaviour model of a budget-year estimate: behaviour, not product mix, is carried forward.
///
/// In Sweden the pharmacy dispenses each month's PV unless a prescriber, pharmacist or patient prevents it, so
/// the products a unit bought last year say little about what it will buy next year; how far its price per
/// unit sits above the class's target says more. For each organisation o, class g and target rule t:
///
/// - each history month m is priced at its own list: T(g, m) is the target of month m's catalogue (`pv`,
///   `cheapest`) or the percentile of the organisations' price per unit in (g, m) (`pNN`);
/// - the premium over the target in the behaviour window W (the last `behaviourWindow` months of history) is
///   r(o, g) = Σ_W C / Σ_W (Q · T), over months with a target and rows that may be substituted (when o has no
///   such row in W, its whole history is used);
/// - the projected volume Q̂(o, g) follows the class: the organisation's share of the class's history times
///   the class's projected volume;
/// - the unchanged-behaviour saving is S(o, g) = Q̂(o, g) · T_b(g) · (r(o, g) − 1)⁺, with T_b the target of
///   the price period's list (`pv`, `cheapest`) or the last month's percentile (`pNN`); uptake α saves α · S;
/// - the projected cost is Q̂(o, g) · T_b(g) · r(o, g), so the saving never exceeds it.
///
/// A product whose price jumps after it stopped being PV creates no saving: its units' volume is priced at
/// the class's target times their own premium, never at the product's new price.
///
/// For the numeric core the columns are (class, target) pairs: M (organisations × classes·targets) holds
/// Q̂ · T_b · ρ, the premium money at full uptake, and the scenario savings are M · D with D (classes·targets ×
/// scenarios) the uptake of each scenario in the columns of its target, one GEMM.
struct BehaviourModel {
    let classes: Int
    let organisations: Int
    let targetCount: Int
    let scenarios: [Scenario]
    /// Q̂ and projected cost per (organisation, class), organisations × classes.
    var quantity: Matrix
    var cost: Matrix
    /// Premium money per (organisation, class·targets + target); zero where a rule excludes the switch.
    var premium: Matrix
    /// D: classes·targets × scenarios.
    var selector: Matrix
    /// Per class and target: T_b, or nil when the class has none under that rule.
    var budgetTarget: [[Double?]]
    var excludedSaving: [Double]
    var blockedSaving: [Double]
    var excludedClasses: Int
    var bridge: [EstimateBridge]
    var behaviourMonths: [Period]

    /// The premium per unit of projected volume, T_b · ρ, of organisation `o` in class `g` under target `t`
    /// (zero where excluded), for resampling patients and prescribers.
    private var rate: [Double]

    func rate(organisation o: Int, class g: Int, target t: Int) -> Double {
        rate[(o * classes + g) * targetCount + t]
    }

    /// Sums per (organisation, class, month) of the substitutable and the blocked rows.
    private struct MonthSums {
        var quantity = 0.0, cost = 0.0, blockedQuantity = 0.0, blockedCost = 0.0
    }

    init(
        data: DispensingAggregate, history: PricedHistory, catalogue: Catalogue, configuration c: EstimateConfiguration,
        projected q: Matrix, blockedProjected: [Double]
    ) throws(EstimateError) {
        let classes = history.classes.count, organisations = data.organisations.count, targetCount = c.targets.count
        self.classes = classes
        self.organisations = organisations
        self.targetCount = targetCount
        scenarios = c.scenarios
        let months = history.months, monthCount = months.count
        let window = Set(months.suffix(max(1, c.behaviourWindow)))
        behaviourMonths = months.filter { window.contains($0) }
        let monthRow = Dictionary(uniqueKeysWithValues: months.enumerated().map { ($1, $0) })

        // Sums per (organisation, class, month), and the organisations of each (class, month).
        var sums: [Int: MonthSums] = [:]
        for (u, i) in history.cells.enumerated() {
            let cell = data.cells[i]
            let g = history.classOfProduct[history.productOfCell[u]]
            let m = monthRow[data.periods[Int(cell.period)]]!
            let key = (Int(cell.organisation) * classes + g) * monthCount + m
            var s = sums[key] ?? MonthSums()
            s.quantity += history.allowed[u]
            let blocked = history.blocked[u]
            s.cost += (cell.cost - blocked.cost).doubleValue
            s.blockedQuantity += blocked.quantity.doubleValue
            s.blockedCost += blocked.cost.doubleValue
            sums[key] = s
        }
        let keys = sums.keys.sorted()

        // T(g, m) per target: each month at its own list, or the month's percentile of organisations' PPU.
        var monthTarget = [[Double?]](
            repeating: [Double?](repeating: nil, count: classes * monthCount), count: targetCount)
        for (t, rule) in c.targets.enumerated() where rule.namesProduct {
            for g in 0..<classes {
                for (m, month) in months.enumerated() {
                    let members = catalogue.memberIndices(of: history.classes[g], in: month)
                    monthTarget[t][g * monthCount + m] = Targets.listTarget(catalogue, members, rule: rule)?.price
                }
            }
        }
        if c.targets.contains(where: { !$0.namesProduct }) {
            var ppus = [[Double]](repeating: [], count: classes * monthCount)
            // As `rank` does: every row of the organisation's month, substitutable or not, sets its price per unit.
            for key in keys {
                let s = sums[key]!, quantity = s.quantity + s.blockedQuantity
                guard quantity > 0 else { continue }
                ppus[key % (classes * monthCount)].append((s.cost + s.blockedCost) / quantity)
            }
            for (t, rule) in c.targets.enumerated() {
                guard case .percentile(let p) = rule else { continue }
                for gm in ppus.indices { monthTarget[t][gm] = Targets.peer(ppus[gm], percentile: p)?.price }
            }
        }

        // T_b: the price period's list target, or the last month's percentile.
        let budgetTarget: [[Double?]] = (0..<classes).map { g in
            c.targets.enumerated().map { t, rule in
                if rule.namesProduct { return history.listTargets[g][t]?.price }
                return (0..<monthCount).reversed().lazy.compactMap { monthTarget[t][g * monthCount + $0] }.first
            }
        }

        self.budgetTarget = budgetTarget

        // Per (organisation, class, target): the history's and the window's sums over months with a target.
        let cellsOG = organisations * classes
        var found = [Double](repeating: 0, count: cellsOG * targetCount)
        var qWithTarget = found, qt = found, cWithTarget = found, qtWindow = found, cWindow = found
        var blockedQT = [Double](repeating: 0, count: classes * targetCount), blockedC = blockedQT
        for key in keys {
            let s = sums[key]!
            let m = key % monthCount, og = key / monthCount, g = og % classes
            for t in 0..<targetCount {
                guard let target = monthTarget[t][g * monthCount + m] else { continue }
                let k = og * targetCount + t
                found[k] += max(0, s.cost - s.quantity * target)
                qWithTarget[k] += s.quantity
                qt[k] += s.quantity * target
                cWithTarget[k] += s.cost
                if window.contains(months[m]) {
                    qtWindow[k] += s.quantity * target
                    cWindow[k] += s.cost
                    blockedQT[g * targetCount + t] += s.blockedQuantity * target
                    blockedC[g * targetCount + t] += s.blockedCost
                }
            }
        }

        // Safety: a class is excluded under a target when a rule excludes the switch from any of its products
        // dispensed to the product that sets the budget-year target.
        let safety = SafetyEvaluator(c.rules)
        var membersOfClass = [[CatalogueEntry]](repeating: [], count: classes)
        for (p, g) in history.classOfProduct.enumerated() { membersOfClass[g].append(history.entries[p]) }
        let excluded: [[Bool]] = (0..<classes).map { g in
            (0..<targetCount).map { t in
                guard budgetTarget[g][t] != nil else { return false }
                let product = history.listTargets[g][t]?.product
                return safety.findings(dispensed: membersOfClass[g], suggested: product).contains {
                    $0.action == .exclude
                }
            }
        }
        excludedClasses = (0..<classes).filter { g in excluded[g].contains(true) }.count

        // Q̂ per (organisation, class): the products' projected quantities summed over the class.
        var quantity = Matrix(rows: organisations, columns: classes)
        for o in 0..<organisations {
            for p in 0..<q.columns where q[o, p] != 0 { quantity[o, history.classOfProduct[p]] += q[o, p] }
        }
        self.quantity = quantity

        cost = Matrix(rows: organisations, columns: classes)
        premium = Matrix(rows: organisations, columns: classes * targetCount)
        rate = [Double](repeating: 0, count: cellsOG * targetCount)
        excludedSaving = [Double](repeating: 0, count: targetCount)
        bridge = c.targets.map { EstimateBridge(target: $0) }
        var historyCost = Matrix(rows: organisations, columns: classes), historyQuantity = historyCost
        for key in keys {
            let s = sums[key]!, og = key / monthCount
            historyCost[og / classes, og % classes] += s.cost
            historyQuantity[og / classes, og % classes] += s.quantity
        }
        for o in 0..<organisations {
            for g in 0..<classes {
                let qHat = quantity[o, g]
                for t in 0..<targetCount {
                    let k = (o * classes + g) * targetCount + t
                    guard let tb = budgetTarget[g][t] else { continue }
                    // r over the window, else over the whole history; none without a target month.
                    let r: Double? =
                        qtWindow[k] > 0 ? cWindow[k] / qtWindow[k] : qt[k] > 0 ? cWithTarget[k] / qt[k] : nil
                    if t == 0, let r { cost[o, g] = qHat * tb * r }
                    guard let r, qWithTarget[k] > 0 else { continue }
                    let rho = max(0, r - 1)
                    let saving = qHat * tb * rho
                    if excluded[g][t] {
                        excludedSaving[t] += saving
                        continue
                    }
                    rate[k] = tb * rho
                    premium[o, g * targetCount + t] = saving
                    let meanTarget = qt[k] / qWithTarget[k]
                    bridge[t].found += found[k]
                    bridge[t].behaviour += qt[k] * rho - found[k]
                    bridge[t].volume += (qHat - qWithTarget[k]) * meanTarget * rho
                    bridge[t].price += qHat * (tb - meanTarget) * rho
                    bridge[t].projected += saving
                    bridge[t].cost += qHat * tb * r
                }
                // Without a premium under the first rule, the cost is the history's price per unit carried.
                if cost[o, g] == 0 && qHat > 0 && historyQuantity[o, g] > 0 {
                    cost[o, g] = qHat * historyCost[o, g] / historyQuantity[o, g]
                }
            }
        }
        for t in bridge.indices where bridge[t].projected > bridge[t].cost * (1 + 1e-9) + 0.005 {
            throw .inconsistent(
                "the projected saving under \(c.targets[t]) (\(bridge[t].projected)) exceeds the projected cost "
                    + "(\(bridge[t].cost)); this is a bug, please report it")
        }

        // Blocked: the rows marked "do not substitute", projected, at their own premium over the target.
        var blockedOfClass = [Double](repeating: 0, count: classes)
        for (p, g) in history.classOfProduct.enumerated() { blockedOfClass[g] += blockedProjected[p] }
        blockedSaving = (0..<targetCount).map { t in
            (0..<classes).reduce(0.0) { total, g in
                let k = g * targetCount + t
                guard let tb = budgetTarget[g][t], !excluded[g][t], blockedQT[k] > 0 else { return total }
                return total + blockedOfClass[g] * tb * max(0, blockedC[k] / blockedQT[k] - 1)
            }
        }

        var selector = Matrix(rows: classes * targetCount, columns: c.scenarios.count)
        for (s, scenario) in c.scenarios.enumerated() {
            let t = c.targets.firstIndex(of: scenario.target)!
            for g in 0..<classes { selector[g * targetCount + t, s] = scenario.uptake }
        }
        self.selector = selector
    }

    /// Per organisation and scenario: M · D.
    func byOrganisation() throws(EstimateError) -> Matrix {
        do { return try BLAS.product(premium, selector) } catch { throw .numeric(error) }
    }

    /// Per (class, scenario): Σ over organisations of the class's columns of M, times D.
    func savingOfClass() -> Matrix {
        var result = Matrix(rows: classes, columns: scenarios.count)
        for o in 0..<organisations {
            for g in 0..<classes {
                for t in 0..<targetCount {
                    let m = premium[o, g * targetCount + t]
                    guard m != 0 else { continue }
                    for s in 0..<scenarios.count { result[g, s] += m * selector[g * targetCount + t, s] }
                }
            }
        }
        return result
    }
}
