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

    /// Over the cells summed into rows (`rowOfCell` ≥ 0), each product judged by its entry in the period it was
    /// first met in. Nil when there are no rules.
    static func measure(
        _ data: DispensingAggregate, rowOfCell: [Int32], classifier: any ProductClassifier, rules: SafetyRules
    ) -> SafetyCoverage? {
        guard !rules.rules.isEmpty else { return nil }
        var c = SafetyCoverage()
        c.atcRules =
            rules.rules.filter { $0.match == .atc || ($0.match == .attribute && $0.pattern == "biological") }
            .count
        c.substanceRules = rules.rules.filter { $0.match == .substance || $0.match == .substanceWithoutATC }.count
        guard c.atcRules + c.substanceRules > 0 else { return c }
        // Per product id: 0 not met yet, else 1 + (lacks ATC ? 2 : 0) + (lacks substance ? 4 : 0).
        var state = [UInt8](repeating: 0, count: data.products.count)
        for (i, cell) in data.cells.enumerated() where rowOfCell[i] >= 0 {
            let p = Int(cell.product)
            if state[p] == 0 {
                let entry = classifier.entry(product: data.products[p], period: data.periods[Int(cell.period)])
                state[p] = 1 | (entry?.atc.isEmpty ?? true ? 2 : 0) | (entry?.substance.isEmpty ?? true ? 4 : 0)
                if state[p] & 2 != 0 { c.productsWithoutATC += 1 }
                if state[p] & 4 != 0 { c.productsWithoutSubstance += 1 }
            }
            if state[p] & 2 != 0 { c.costWithoutATC += cell.cost }
            if state[p] & 4 != 0 { c.costWithoutSubstance += cell.cost }
        }
        return c
    }
}
