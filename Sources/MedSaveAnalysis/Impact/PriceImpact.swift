import MedSaveModel

/// How `impact` prices the dataset's volumes.
public struct ImpactConfiguration: Sendable {
    /// The months whose volumes are used.
    public var periods = PeriodRange()
    /// Rows of the result; `period` gives the monthly series, every other breakdown the monthly average.
    public var by: Breakdown = .product
    /// A share taken off both prices before they are compared: England's national average discount
    /// (OpenPrescribing uses 7.2%), 0 for Sweden.
    public var discount = 0.0
    /// Care areas, for `by: .area`.
    public var areas: AreaMap?
    /// Whether volume follows the new list's PV (`nil`: when both lists name PVs, as TLV's monthly lists do).
    public var followPV: Bool?
    /// The period of each list whose prices are used for every month (a list of several months, such as
    /// the bundled catalogue: this month's prices against next month's); nil to follow the rule below.
    public var fromPeriod: Period?, toPeriod: Period?

    public init(
        periods: PeriodRange = PeriodRange(), by: Breakdown = .product, discount: Double = 0, areas: AreaMap? = nil
    ) {
        self.periods = periods
        self.by = by
        self.discount = discount
        self.areas = areas
    }
}

/// One row of a price-change impact: the volumes of its products priced by both lists.
public struct ImpactRow: Sendable, Equatable {
    public var key: String
    /// Product name (by product) or substance (by ATC substance); empty otherwise.
    public var name = ""
    public var quantity = 0.0
    /// Σ quantity × price in the first list (less the discount).
    public var costBefore = 0.0
    /// Σ quantity × price in the second list (less the discount).
    public var costAfter = 0.0
    /// Distinct products priced in this row.
    public var products = 0
    /// With volume following the PV: what the second list would cost if no one switched, Σ quantity × price
    /// in the second list (`costAfter` is then the PV-following cost).
    public var costAfterNoSwitch = 0.0

    /// The change if no one switched.
    public var changeNoSwitch: Double { costAfterNoSwitch - costBefore }

    public var change: Double { costAfter - costBefore }
}

/// A product of the dataset that one or both lists do not price: reported, never dropped silently.
public struct UnpricedProduct: Sendable, Equatable {
    public enum Missing: String, Sendable { case from, to, both }
    public var product: String
    public var name: String
    public var missing: Missing
    public var periods: [Period]
    public var rows: Int
    public var quantity: FixedDecimal
    public var cost: FixedDecimal
}

/// What moving from one price list to another costs at the dataset's volumes.
public struct ImpactResult: Sendable {
    public var configuration: ImpactConfiguration
    /// The months whose volumes were priced, in order.
    public var months: [Period]
    /// By `period`: one row per month. Otherwise monthly averages over `months`, largest change first.
    public var rows: [ImpactRow]
    public var total: ImpactRow
    public var unpriced: [UnpricedProduct]
    public var reconciliation: Reconciliation
    /// True when volume followed the new list's PV; false for "no one switches" alone.
    public var followsPV = false
    /// With `followsPV`: cells priced without following (their class has no PV or reserve in a list), and
    /// their quantity.
    public var notFollowedCells = 0

    /// True when the figures are averages over several months.
    public var isAverage: Bool { configuration.by != .period && months.count > 1 }
}

/// Price-change impact, per product, ATC group, unit, area or month (README, `medsave impact`).
///
/// No one switching: Σ quantity × (unit price in B − unit price in A). Between TLV months the pharmacy moves
/// volume to the new month's PV, so by default when both lists name PVs the volume follows the PV: each
/// (organisation, class) keeps its observed premium over the PV, r = Σ Q·price_A / (Q · PV_A), and costs
/// Q · PV_B · r in B; per cell that is Q · price_A · PV_B / PV_A, so every breakdown adds up. A class with no PV
/// (nor reserve) in one of the lists is priced as if no one switched. Products missing from a list are set
/// aside and listed, never priced at the other list's price.
///
/// A list with one period (a TLV month, a price list) prices every month of the data; a list with several
/// periods (England's monthly tariff) prices each month by its own period.
public enum PriceImpact {
    public static func compute(
        _ data: DispensingAggregate, from: Catalogue, to: Catalogue, configuration: ImpactConfiguration
    ) -> ImpactResult {
        var books = Reconciliation()
        books.rowsRead = data.rowsRead
        books.costRead = data.costRead
        books.setAside(.badRow, rows: data.badRows, cost: data.badRowCost)
        let before = PriceLookup(from, fixed: configuration.fromPeriod),
            after = PriceLookup(to, fixed: configuration.toPeriod)
        let keep = 1 - configuration.discount

        let follow = configuration.followPV ?? (Self.namesPV(from) && Self.namesPV(to))
        var pvCache: [String: Double?] = [:]
        /// The PV (else reserve) unit price of a class in a list at a period.
        func pv(_ lookup: PriceLookup, _ list: String, _ cls: EquivalenceClass, _ period: Period) -> Double? {
            let at = lookup.fixed ?? period, key = "\(list)|\(cls)|\(at)"
            if let known = pvCache[key] { return known }
            let found = Targets.listTarget(
                lookup.catalogue, lookup.catalogue.memberIndices(of: cls, in: at), rule: .pv)?
                .price
            pvCache[key] = found
            return found
        }
        var notFollowed = 0
        var rows: [String: ImpactRow] = [:]
        var productsOfRow: [String: Set<Int32>] = [:]
        var unpriced: [Int32: UnpricedProduct] = [:]
        var months = Set<Period>()
        for cell in data.cells {
            let period = data.periods[Int(cell.period)]
            guard configuration.periods.contains(period) else {
                books.setAside(.outsidePeriod, rows: cell.rows, cost: cell.cost)
                continue
            }
            months.insert(period)
            let product = data.products[Int(cell.product)]
            let a = before.entry(product: product, period: period), b = after.entry(product: product, period: period)
            guard let a, let b else {
                books.setAside(.noPrice, rows: cell.rows, cost: cell.cost)
                let missing: UnpricedProduct.Missing = a == nil && b == nil ? .both : a == nil ? .from : .to
                var u =
                    unpriced[cell.product]
                    ?? UnpricedProduct(
                        product: product, name: (a ?? b)?.name ?? "", missing: missing, periods: [], rows: 0,
                        quantity: .zero, cost: .zero)
                if u.missing != missing { u.missing = .both }
                if u.periods.last != period && !u.periods.contains(period) { u.periods.append(period) }
                u.rows += cell.rows
                u.quantity += cell.quantity
                u.cost += cell.cost
                unpriced[cell.product] = u
                continue
            }
            books.rowsUsed += cell.rows
            books.costUsed += cell.cost
            let organisation = data.organisations[Int(cell.organisation)]
            let key: String
            var name = ""
            switch configuration.by {
            case .unit: key = organisation
            case .area: key = configuration.areas?.area(of: organisation) ?? Breakdown.noArea
            case .period: key = period.description
            case .product:
                key = product
                name = b.name.isEmpty ? a.name : b.name
            case .atc5:
                let atc = b.atc.isEmpty ? a.atc : b.atc
                key = configuration.by.key(product: product, atc: atc)
                if !atc.isEmpty { name = b.substance.isEmpty ? a.substance : b.substance }
            default: key = configuration.by.key(product: product, atc: b.atc.isEmpty ? a.atc : b.atc)
            }
            let q = cell.quantity.doubleValue
            var row = rows[key] ?? ImpactRow(key: key, name: name)
            row.quantity += q
            row.costBefore += q * a.unitPrice * keep
            row.costAfterNoSwitch += q * b.unitPrice * keep
            if follow, let cls = a.equivalenceClass ?? b.equivalenceClass, let pvA = pv(before, "a", cls, period),
                let pvB = pv(after, "b", b.equivalenceClass ?? cls, period), pvA > 0
            {
                row.costAfter += q * a.unitPrice * keep * pvB / pvA
            } else {
                row.costAfter += q * b.unitPrice * keep
                if follow { notFollowed += 1 }
            }
            rows[key] = row
            productsOfRow[key, default: []].insert(cell.product)
        }

        let sortedMonths = months.sorted()
        let divisor = configuration.by == .period ? 1 : Double(max(1, sortedMonths.count))
        var result = rows.values.map { row -> ImpactRow in
            var r = row
            r.quantity /= divisor
            r.costBefore /= divisor
            r.costAfter /= divisor
            r.costAfterNoSwitch /= divisor
            r.products = productsOfRow[row.key]?.count ?? 0
            return r
        }
        if configuration.by == .period {
            result.sort { $0.key < $1.key }
        } else {
            result.sort { (-abs($0.change), $0.key) < (-abs($1.change), $1.key) }
        }
        var total = ImpactRow(key: Breakdown.all)
        for r in result {
            total.quantity += r.quantity
            total.costBefore += r.costBefore
            total.costAfter += r.costAfter
            total.costAfterNoSwitch += r.costAfterNoSwitch
        }
        if configuration.by == .period {  // the total of a series is its monthly average too
            total.quantity /= Double(max(1, result.count))
            total.costBefore /= Double(max(1, result.count))
            total.costAfter /= Double(max(1, result.count))
            total.costAfterNoSwitch /= Double(max(1, result.count))
        }
        total.products = Set(productsOfRow.values.flatMap { $0 }).count
        let missing = unpriced.values.sorted { $0.cost != $1.cost ? $0.cost > $1.cost : $0.product < $1.product }
        var impact = ImpactResult(
            configuration: configuration, months: sortedMonths, rows: result, total: total,
            unpriced: missing, reconciliation: books)
        impact.followsPV = follow
        impact.notFollowedCells = notFollowed
        return impact
    }

    /// True when a list names PVs (TLV's monthly lists do; price lists and tariffs do not).
    static func namesPV(_ list: Catalogue) -> Bool { list.entries.contains { $0.status == .pv } }
}

/// Looks up prices in a list: in a chosen period, in the list's only period, or by the month of the volumes.
struct PriceLookup {
    let catalogue: Catalogue
    let fixed: Period?

    init(_ catalogue: Catalogue, fixed: Period? = nil) {
        self.catalogue = catalogue
        let periods = catalogue.periods
        self.fixed = fixed ?? (periods.count == 1 ? periods[0] : nil)
    }

    func entry(product: String, period: Period) -> CatalogueEntry? {
        catalogue.entry(product: product, period: fixed ?? period)
    }
}
