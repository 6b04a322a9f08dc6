import MedSaveModel

/// A target price per unit T(g, m) of a class in a period and, for rules that name a product, the product
/// that sets it, with the flags the choice raises (`pv-not-cheapest`, `reserve-target`, `single-organisation`).
struct Target {
    var price: Double
    var product: CatalogueEntry?
    var flags: [String]
}

/// Why a target rule cannot be used on these inputs.
public struct TargetRuleError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Where every target price is chosen, for `rank` and `estimate` alike (README, `medsave rank`):
/// - `pv`: the period's PV unit price (the cheapest if several), else the cheapest R1/R2 (`reserve-target`),
///   else none;
/// - `cheapest`: the lowest unit price of any product of the class in the period;
/// - `pNN`: the NN-th percentile of the organisations' price per unit C/Q, each organisation once, those with
///   Q = 0 left out, linear interpolation between order statistics (OpenPrescribing's method).
public enum Targets {
    /// Refuses a rule the inputs cannot give a target for: one that names a product (`pv`, `cheapest`) needs
    /// catalogue prices, which BNF classes do not have; a peer group applies to percentile targets only.
    public static func check(_ rule: TargetRule, pricesKnown: Bool, peerGroup: Bool = false) throws(TargetRuleError) {
        if rule.needsCataloguePrices && !pricesKnown {
            throw TargetRuleError(
                description: "--target \(rule) needs catalogue prices; with --groups bnf use pNN or median")
        }
        if rule.namesProduct && peerGroup {
            throw TargetRuleError(description: "--peers applies to percentile targets (pNN, median)")
        }
    }

    /// The percentile target of organisations' prices per unit (`ppus`, one per organisation with Q > 0);
    /// nil when there are none. A class-month with one organisation is flagged `single-organisation`.
    static func peer(_ ppus: [Double], percentile p: Double) -> Target? {
        var values = ppus
        return peer(reordering: &values, percentile: p)
    }

    /// The same, leaving `ppus` reordered (found by selection, not by sorting).
    static func peer(reordering ppus: inout [Double], percentile p: Double) -> Target? {
        percentile(reordering: &ppus, p).map {
            Target(price: $0, product: nil, flags: ppus.count == 1 ? ["single-organisation"] : [])
        }
    }

    /// T(g, m) for one block under `rule`, or nil when the class has no target that period. `peers`, when
    /// given, says (by organisation id) which organisations may set a percentile target.
    static func target(
        for block: Ranking.Block, rule: TargetRule, classifier: any ProductClassifier, peers: [Bool]? = nil,
        lists: ListTargets? = nil
    ) -> Target? {
        if let lists, rule.needsCataloguePrices {
            return lists.target(block.equivalenceClass, in: block.period, rule: rule)
        }
        switch rule {
        case .pv, .cheapest, .list:
            return listTarget(of: block.equivalenceClass, in: block.period, rule: rule, classifier: classifier)
        case .percentile(let p):
            var ppus: [Double] = []
            for (i, (q, c)) in zip(block.quantity, block.cost).enumerated() where q.raw > 0 {
                if let peers, !peers[Int(block.organisations[i])] { continue }
                ppus.append(c.doubleValue / q.doubleValue)
            }
            return peer(reordering: &ppus, percentile: p)
        }
    }

    /// T of `equivalenceClass` in `period` under a rule that names a product (`pv`, `cheapest`), from the
    /// classifier's priced members; nil when it has none there, or for percentile rules.
    static func listTarget(
        of equivalenceClass: EquivalenceClass, in period: Period, rule: TargetRule, classifier: any ProductClassifier
    ) -> Target? {
        if let list = rule.targetList {
            guard let price = list.price(of: equivalenceClass, in: period) else { return nil }
            let product =
                price.product.isEmpty
                ? nil
                : classifier.entry(product: price.product, period: period)
                    ?? CatalogueEntry(
                        period: period, product: price.product, unitPrice: price.unitPrice,
                        equivalenceClass: equivalenceClass)
            return Target(price: price.unitPrice, product: product, flags: [])
        }
        if let catalogue = classifier as? Catalogue {
            return listTarget(catalogue, catalogue.memberIndices(of: equivalenceClass, in: period), rule: rule)
        }
        guard let members = classifier.pricedMembers(of: equivalenceClass, in: period) else { return nil }
        return listTarget(members, rule: rule)
    }

    /// T under a rule that names a product (`pv`, `cheapest`), from a class's priced members in one period:
    /// for `pv` the PV (the cheapest if several), else the cheapest R1/R2 (flag `reserve-target`), else nil.
    /// Nil for percentile rules, which need the organisations' prices.
    static func listTarget(_ members: [CatalogueEntry], rule: TargetRule) -> Target? {
        let catalogue = Catalogue(entries: members)
        return listTarget(catalogue, Array(catalogue.entries.indices), rule: rule)
    }

    /// `listTarget` over the catalogue entries at `members`, read in place; ties go to the smallest product code.
    static func listTarget(_ catalogue: Catalogue, _ members: [Int], rule: TargetRule) -> Target? {
        let entries = catalogue.entries
        func cheapest(_ keep: (ProductStatus) -> Bool) -> Int? {
            var best: Int?
            for i in members where keep(entries.status(at: i)) {
                if let b = best {
                    // The prices first, the codes only for equal prices: no entry built.
                    let price = entries.unitPrice(at: i), bestPrice = entries.unitPrice(at: b)
                    if price < bestPrice || (price == bestPrice && entries.product(at: i) < entries.product(at: b)) {
                        best = i
                    }
                } else {
                    best = i
                }
            }
            return best
        }
        let all = cheapest { _ in true }
        switch rule {
        case .cheapest:
            return all.map { Target(price: entries.unitPrice(at: $0), product: entries[$0], flags: []) }
        case .pv:
            if let pv = cheapest({ $0 == .pv }) {
                let flags =
                    all.map { entries.unitPrice(at: $0) < entries.unitPrice(at: pv) } == true ? ["pv-not-cheapest"] : []
                return Target(price: entries.unitPrice(at: pv), product: entries[pv], flags: flags)
            }
            if let reserve = cheapest({ $0 == .r1 || $0 == .r2 }) {
                return Target(
                    price: entries.unitPrice(at: reserve), product: entries[reserve], flags: ["reserve-target"])
            }
            return nil
        case .percentile, .list:
            return nil
        }
    }
}

/// The `pv` and `cheapest` targets of a ranking's blocks from one catalogue, taken out of the classifier once
/// (each block's a pass over its class's entries, nothing copied but the target's own entry).
struct ListTargets {
    let catalogue: Catalogue

    init?(_ classifier: any ProductClassifier) {
        guard let catalogue = classifier as? Catalogue else { return nil }
        self.catalogue = catalogue
    }

    /// T of the class in `period` under `rule` (`pv` or `cheapest`).
    func target(_ equivalenceClass: EquivalenceClass, in period: Period, rule: TargetRule) -> Target? {
        guard let number = catalogue.classNumber(equivalenceClass) else {
            return Targets.listTarget(catalogue, [], rule: rule)
        }
        return Targets.listTarget(catalogue, catalogue.memberIndices(ofClassNumber: number, in: period), rule: rule)
    }
}
