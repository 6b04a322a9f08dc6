import Foundation
import MedSaveModel

extension ProductAttribute {
    /// Whether `entry` has this attribute.
    /// - modified-release: the form says so (`Depottablett`, `depotkapsel`, `modifierad`, `förlängd`, `retard`,
    ///   `prolonged`, `modified`), or the name ends in `Retard`/`Depot`/`ZOC`/`XL`/`SR`/`MR`.
    /// - narcotic: a narcotics pack-size group (`TN…`, `MN…`, `GN…`: identical pack sizes only).
    /// - biological: ATC L04AB/L04AC (TNF and interleukin inhibitors), L01F (monoclonal antibodies), A10A
    ///   (insulins), B01AB (heparins), H01C/H05AA, or a form naming a biosimilar.
    /// - device: inhalers and pens: ATC R03 with an inhalation form, or forms with `inhalation`, `penna`, `pen`.
    public func applies(to entry: CatalogueEntry) -> Bool {
        // Byte-level searches of the lowercased UTF-8: Foundation's string search costs microseconds a call.
        let form = Array(entry.form.lowercased().utf8), name = Array(entry.name.lowercased().utf8)
        switch self {
        case .modifiedRelease:
            let forms = ["depot", "modifierad", "förlängd", "retard", "prolonged", "modified", "extended"]
            let suffixes = [" retard", " depot", " zoc", " xl", " sr", " mr"]
            return forms.contains { Self.find($0, in: form) } || suffixes.contains { name.ends(with: Array($0.utf8)) }
        case .narcotic:
            let g = entry.equivalenceClass?.sizeGroup ?? ""
            return ["TN", "MN", "GN"].contains { g.hasPrefix($0) }
        case .biological:
            return ["L04AB", "L04AC", "L01F", "A10A", "B01AB", "H01C", "H05AA"].contains { entry.atc.hasPrefix($0) }
        case .device:
            return Self.find("inhalation", in: form) || Self.find("penna", in: form)
                || form.ends(with: Array(" pen".utf8))
                || (entry.atc.hasPrefix("R03") && Self.find("inhal", in: form))
        }
    }

    /// Whether the UTF-8 of `needle` occurs in `haystack`.
    private static func find(_ needle: String, in haystack: [UInt8]) -> Bool {
        let n = Array(needle.utf8)
        guard n.count <= haystack.count else { return false }
        for start in 0...(haystack.count - n.count) where haystack[start] == n[0] {
            if haystack[start..<(start + n.count)].elementsEqual(n) { return true }
        }
        return false
    }
}

extension SafetyRule {
    /// Whether a product's substance, or one of its ` + ` components (`Buprenorfin + Naloxon`), begins with
    /// `pattern`, ignoring case: `Levotyroxin` matches `Levotyroxinnatrium`, a salt named as one word.
    static func substance(_ substance: String, matches pattern: String) -> Bool {
        let p = pattern.trimmingCharacters(in: .whitespaces).lowercased()
        guard !p.isEmpty, !substance.isEmpty else { return false }
        return substance.lowercased().components(separatedBy: "+").contains {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix(p)
        }
    }

    func matches(_ entry: CatalogueEntry) -> Bool {
        switch match {
        case .atc: !pattern.isEmpty && entry.atc.uppercased().hasPrefix(pattern.uppercased())
        case .substance: Self.substance(entry.substance, matches: pattern)
        case .substanceWithoutATC: entry.atc.isEmpty && Self.substance(entry.substance, matches: pattern)
        case .product: entry.product == pattern
        case .attribute: ProductAttribute(rawValue: pattern.lowercased())?.applies(to: entry) ?? false
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}

extension SafetyRules {
    /// The findings for a switch from the `dispensed` products to `suggested` (nil for peer-group targets).
    /// Two checks are built in, whatever the file says: a switch never crosses modified-release ↔
    /// immediate-release, and a narcotic's pack size never changes.
    public func findings(dispensed: [CatalogueEntry], suggested: CatalogueEntry?) -> [SafetyFinding] {
        findings(dispensed: dispensed.map(facts), suggested: suggested.map(facts))
    }

    /// What the rules need to know of one catalogue entry.
    struct EntryFacts {
        /// Indices of the rules that match it.
        var rules: [Int]
        var modifiedRelease: Bool
        var narcotic: Bool
        var packSize: Double?
    }

    func facts(_ entry: CatalogueEntry) -> EntryFacts {
        EntryFacts(
            rules: rules.indices.filter { rules[$0].matches(entry) },
            modifiedRelease: ProductAttribute.modifiedRelease.applies(to: entry),
            narcotic: ProductAttribute.narcotic.applies(to: entry), packSize: entry.packSize)
    }

    /// The same, from the entries' facts (which callers may cache).
    func findings(dispensed: [EntryFacts], suggested: EntryFacts?) -> [SafetyFinding] {
        var matched = Set<Int>()
        for entry in dispensed { matched.formUnion(entry.rules) }
        if let suggested { matched.formUnion(suggested.rules) }
        var found: [SafetyFinding] = []
        for i in matched.sorted() {
            let finding = SafetyFinding(action: rules[i].action, reason: rules[i].reason, source: rules[i].source)
            if !found.contains(finding) { found.append(finding) }
        }
        if let s = suggested {
            if dispensed.contains(where: { $0.modifiedRelease != s.modifiedRelease }) {
                found.append(
                    SafetyFinding(
                        action: .exclude, reason: "the switch would cross modified-release and immediate-release",
                        source:
                            "medsave built-in rule; Läkemedelsverket: depot and immediate-release forms are not interchangeable"
                    ))
            }
            if s.narcotic, dispensed.contains(where: { $0.packSize != s.packSize }) {
                found.append(
                    SafetyFinding(
                        action: .exclude, reason: "a narcotic's pack size would change",
                        source: "medsave built-in rule; TLV: narcotics pack-size groups allow identical sizes only"))
            }
        }
        return found
    }
}

/// Evaluates rules for many opportunities, matching each product only once while its catalogue entry says
/// the same things: the facts depend on the product code, name, form, ATC code, substance, pack size and
/// pack-size group alone, which a product keeps from month to month.
final class SafetyEvaluator {
    let rules: SafetyRules
    /// What the facts of an entry are computed from.
    private struct Fields: Equatable {
        var name: String
        var form: String
        var atc: String
        var substance: String
        var packSize: Double?
        var sizeGroup: String?

        init(_ entry: CatalogueEntry) {
            name = entry.name
            form = entry.form
            atc = entry.atc
            substance = entry.substance
            packSize = entry.packSize
            sizeGroup = entry.equivalenceClass?.sizeGroup
        }
    }

    private var cache: [String: (fields: Fields, facts: SafetyRules.EntryFacts)] = [:]
    /// The same by a catalogue's product number (`facts(ofEntry:in:productNumber:)`), for one catalogue: the
    /// entry the facts were found for, compared field by field where it lies.
    private var cacheByNumber: [(entry: Int, facts: SafetyRules.EntryFacts)?] = []

    init(_ rules: SafetyRules) { self.rules = rules }

    /// The rules' view of `entry`, computed again only when its product's fields change.
    func facts(_ entry: CatalogueEntry) -> SafetyRules.EntryFacts {
        let fields = Fields(entry)
        if let hit = cache[entry.product], hit.fields == fields { return hit.facts }
        let found = rules.facts(entry)
        cache[entry.product] = (fields, found)
        return found
    }

    /// `facts` of a catalogue's entry, cached by its product's number in the catalogue rather than its code:
    /// no string hashed. One evaluator serves one catalogue's numbers this way.
    func facts(ofEntry index: Int, in entries: Catalogue.Entries, productNumber number: Int) -> SafetyRules.EntryFacts {
        if number >= cacheByNumber.count {
            cacheByNumber += repeatElement(nil, count: max(number + 1, 2 * cacheByNumber.count) - cacheByNumber.count)
        }
        if let hit = cacheByNumber[number], Self.sameFields(entries, index, hit.entry) { return hit.facts }
        let found = rules.facts(entries[index])
        cacheByNumber[number] = (index, found)
        return found
    }

    /// Whether entries `a` and `b` have the fields the facts depend on (`Fields`) alike: at once when they share
    /// a description (a product's entries of month after month), else field by field.
    private static func sameFields(_ entries: Catalogue.Entries, _ a: Int, _ b: Int) -> Bool {
        if a == b || entries.shareDescription(a, b) { return true }
        let x = entries[a], y = entries[b]
        return x.name == y.name && x.form == y.form && x.atc == y.atc && x.substance == y.substance
            && x.packSize == y.packSize && x.equivalenceClass?.sizeGroup == y.equivalenceClass?.sizeGroup
    }

    var isEmpty: Bool { rules.rules.isEmpty }

    func findings(dispensed: [CatalogueEntry], suggested: CatalogueEntry?) -> [SafetyFinding] {
        if rules.rules.isEmpty && suggested == nil { return [] }
        return rules.findings(dispensed: dispensed.map(facts), suggested: suggested.map(facts))
    }

    func findings(dispensed: [SafetyRules.EntryFacts], suggested: SafetyRules.EntryFacts?) -> [SafetyFinding] {
        if rules.rules.isEmpty && suggested == nil { return [] }
        return rules.findings(dispensed: dispensed, suggested: suggested)
    }
}
