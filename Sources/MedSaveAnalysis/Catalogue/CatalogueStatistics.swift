import MedSaveModel

/// How a month's catalogue looks: how many products and classes, and how the PV is set in each class.
public struct CatalogueMonthStatistics: Sendable, Equatable {
    public var period: Period
    /// Rows read for the month, and distinct products after merging exact repeats.
    public var rows: Int
    public var products: Int
    /// Distinct equivalence classes with at least one product that month.
    public var classes: Int
    /// Products with status PV, R1, R2.
    public var pvProducts: Int
    public var r1Products: Int
    public var r2Products: Int
    /// Classes with exactly one PV product, with several, with none.
    public var classesWithOnePV: Int
    public var classesWithSeveralPV: Int
    public var classesWithoutPV: Int
    /// Classes with a PV whose (lowest) PV unit price is above the class's lowest unit price.
    public var classesWherePVIsNotCheapest: Int
}

public enum CatalogueStatistics {
    /// One row per period that has entries of its own, in period order. Products without a class count as
    /// products but not in any class figure. O(entries).
    public static func monthly(_ catalogue: Catalogue) -> [CatalogueMonthStatistics] {
        var byPeriod: [Period: [CatalogueEntry]] = [:]
        for e in catalogue.entries { if let p = e.period { byPeriod[p, default: []].append(e) } }
        return byPeriod.keys.sorted().map { period in
            let entries = byPeriod[period]!
            var classes: [EquivalenceClass: [CatalogueEntry]] = [:]
            for e in entries { if let c = e.equivalenceClass { classes[c, default: []].append(e) } }
            var one = 0, several = 0, none = 0, notCheapest = 0
            for members in classes.values {
                let pv = members.filter { $0.status == .pv }
                switch pv.count {
                case 0: none += 1
                case 1: one += 1
                default: several += 1
                }
                if let pvPrice = pv.map(\.unitPrice).min(), let cheapest = members.map(\.unitPrice).min(),
                    cheapest < pvPrice
                {
                    notCheapest += 1
                }
            }
            return CatalogueMonthStatistics(
                period: period, rows: entries.count + (catalogue.repeatedRows[period] ?? 0), products: entries.count,
                classes: classes.count, pvProducts: entries.filter { $0.status == .pv }.count,
                r1Products: entries.filter { $0.status == .r1 }.count,
                r2Products: entries.filter { $0.status == .r2 }.count,
                classesWithOnePV: one, classesWithSeveralPV: several, classesWithoutPV: none,
                classesWherePVIsNotCheapest: notCheapest)
        }
    }
}
