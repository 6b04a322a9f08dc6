import MedSaveModel

/// What the safety rules could not be checked on: products used in the ranking whose catalogue entry lacks the
/// field a rule matches (an ATC code, a substance), with their cost. TLV's monthly workbook has no ATC codes,
/// so ATC rules alone would lapse there without a word; the summary says so instead.
public struct SafetyCoverage: Sendable, Equatable {
    /// Rules that match on ATC (`atc`, and the `biological` attribute, which reads ATC), and on substance.
    public var atcRules = 0
    public var substanceRules = 0
    /// Distinct products used without an ATC code (or without any catalogue entry), and their cost.
    public var productsWithoutATC = 0
    public var costWithoutATC: FixedDecimal = .zero
    public var productsWithoutSubstance = 0
    public var costWithoutSubstance: FixedDecimal = .zero

    public init() {}

    /// True when some rule could not be checked on some product.
    public var hasGaps: Bool {
        (atcRules > 0 && productsWithoutATC > 0) || (substanceRules > 0 && productsWithoutSubstance > 0)
    }

    /// A product used in the ranking: the earliest period it was used in, and its cost over every period.
    struct UsedProduct: Sendable {
        var code: String
        var period: Period
        var cost: FixedDecimal
    }

    /// The products of the cells summed into rows (`rowOfCell` ≥ 0), by product id (nil: not used).
    static func used(_ data: DispensingAggregate, rowOfCell: [Int32]) -> [UsedProduct?] {
        var used = [UsedProduct?](repeating: nil, count: data.products.count)
        for (i, cell) in data.cells.enumerated() where rowOfCell[i] >= 0 {
            let p = Int(cell.product), period = data.periods[Int(cell.period)]
            if used[p] == nil {
                used[p] = UsedProduct(code: data.products[p], period: period, cost: cell.cost)
            } else {
                used[p]!.cost += cell.cost
                if period < used[p]!.period { used[p]!.period = period }
            }
        }
        return used
    }

    /// Over the products used, each judged by its entry in the earliest period it was used in. Nil when there
    /// are no rules.
    static func measure(_ used: some Sequence<UsedProduct>, classifier: any ProductClassifier, rules: SafetyRules)
        -> SafetyCoverage?
    {
        guard !rules.rules.isEmpty else { return nil }
        var c = SafetyCoverage()
        c.atcRules =
            rules.rules.filter { $0.match == .atc || ($0.match == .attribute && $0.pattern == "biological") }
            .count
        c.substanceRules = rules.rules.filter { $0.match == .substance || $0.match == .substanceWithoutATC }.count
        guard c.atcRules + c.substanceRules > 0 else { return c }
        for product in used {
            let entry = classifier.entry(product: product.code, period: product.period)
            if entry?.atc.isEmpty ?? true {
                c.productsWithoutATC += 1
                c.costWithoutATC += product.cost
            }
            if entry?.substance.isEmpty ?? true {
                c.productsWithoutSubstance += 1
                c.costWithoutSubstance += product.cost
            }
        }
        return c
    }
}
