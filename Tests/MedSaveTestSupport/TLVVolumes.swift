import Foundation
import MedSaveCore

/// Seeded dispensing over real TLV months: Swedish volumes are not public, so the tests make their own, shaped
/// like the market's rule. Each (unit, class) has a flat monthly volume; every month most of it goes to that
/// month's PV (as the pharmacy must dispense it) and the rest, the unit's seeded non-PV share, to one of the
/// month's other products (a prescriber's "do not substitute", a patient paying the difference).
public enum TLVVolumes {
    public struct Sample: Sendable {
        /// Dispensing in medsave's native CSV format.
        public var csv: String
        /// Σ over (unit, class, month) of max(0, C − Q · T_m) · T_last / T_m: the saving found in each month
        /// re-priced at the last month's PV.
        public var foundRepricedAtLast: Double
        public var found: Double
        public var classes: Int
    }

    /// The classes with a PV and at least one other product in every one of `months`, `classes` of them drawn
    /// with `seed`, each dispensed by `units` units.
    public static func sample(
        catalogue: Catalogue, months: [Period], classes wanted: Int, units: Int, seed: UInt64
    ) -> Sample {
        var g = SeededGenerator(seed: seed)
        func pv(_ cls: EquivalenceClass, _ m: Period) -> CatalogueEntry? {
            catalogue.members(of: cls, in: m).filter { $0.status == .pv }.min {
                ($0.unitPrice, $0.product) < ($1.unitPrice, $1.product)
            }
        }
        var candidates = Set<EquivalenceClass>()
        for e in catalogue.entries where e.period == months.last {
            if let c = e.equivalenceClass { candidates.insert(c) }
        }
        let eligible = candidates.sorted().filter { cls in
            months.allSatisfy { m in pv(cls, m) != nil && catalogue.members(of: cls, in: m).count >= 2 }
        }
        var chosen = eligible
        chosen.shuffle(using: &g)
        chosen = Array(chosen.prefix(wanted)).sorted()
        var csv = "period,unit,product,quantity,cost\n"
        var found = 0.0, repriced = 0.0
        for cls in chosen {
            let last = pv(cls, months.last!)!.unitPrice
            // Products of the class listed in every month: a unit's non-PV purchases stay with one of them
            // (the brand its prescriber named) while it is not the PV.
            let everyMonth = catalogue.members(of: cls, in: months.last!).map(\.product).filter { code in
                months.allSatisfy { m in catalogue.entry(product: code, period: m)?.equivalenceClass == cls }
            }.sorted()
            for u in 0..<units {
                let monthly = Double(Int.random(in: 30...600, using: &g))
                let otherShare = Double.random(in: 0.05...0.4, using: &g)
                let kept = everyMonth.isEmpty ? nil : everyMonth[Int.random(in: 0..<everyMonth.count, using: &g)]
                for m in months {
                    let target = pv(cls, m)!
                    let others = catalogue.members(of: cls, in: m).filter { $0.product != target.product }.sorted {
                        $0.product < $1.product
                    }
                    let other =
                        others.first { $0.product == kept } ?? others[Int.random(in: 0..<others.count, using: &g)]
                    let qOther = (monthly * otherShare).rounded(), qPV = monthly - qOther
                    var cost = 0.0
                    for (e, q) in [(target, qPV), (other, qOther)] where q > 0 {
                        let c = (q * e.unitPrice * 100).rounded() / 100
                        cost += c
                        csv += "\(m),U\(u),\(e.product),\(Int(q)),\(NumberFormat.fixed(c, decimals: 2))\n"
                    }
                    let saving = max(0, cost - monthly * target.unitPrice)
                    found += saving
                    repriced += saving * last / target.unitPrice
                }
            }
        }
        return Sample(csv: csv, foundRepricedAtLast: repriced, found: found, classes: chosen.count)
    }
}
