import Foundation

/// What a safety rule does to an opportunity it matches, from least to most severe.
public enum SafetyAction: String, Sendable, Codable, CaseIterable, Comparable {
    /// Switch only within the same exchange group (medsave's classes always are); flagged for the reviewer.
    case sameGroupOnly = "same-group-only"
    /// Shown, flagged `review`, with the reason.
    case review
    /// Not ranked; listed with `--show-excluded` and counted in the summary.
    case exclude

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// What a rule looks at.
public enum SafetyMatch: String, Sendable, Codable, CaseIterable {
    /// ATC code prefix (`L04AD` matches `L04AD02`).
    case atc
    /// Substance name, ignoring case.
    case substance
    /// Product code, exactly.
    case product
    /// `modified-release`, `narcotic`, `biological` or `device` (see `ProductAttribute`).
    case attribute
}

/// A property of a product that rules can name, derived from its catalogue entry.
public enum ProductAttribute: String, Sendable, CaseIterable {
    case modifiedRelease = "modified-release"
    case narcotic
    case biological
    case device

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
            return Self.find("inhalation", in: form) || Self.find("penna", in: form) || form.ends(with: Array(" pen".utf8))
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

/// One rule: what it matches, what it does, and why, with a source a pharmacist can check.
public struct SafetyRule: Sendable, Equatable {
    public var match: SafetyMatch
    public var pattern: String
    public var action: SafetyAction
    public var reason: String
    public var source: String

    public init(match: SafetyMatch, pattern: String, action: SafetyAction, reason: String, source: String) {
        self.match = match
        self.pattern = pattern
        self.action = action
        self.reason = reason
        self.source = source
    }

    func matches(_ entry: CatalogueEntry) -> Bool {
        switch match {
        case .atc: !pattern.isEmpty && entry.atc.uppercased().hasPrefix(pattern.uppercased())
        case .substance: entry.substance.caseInsensitiveCompare(pattern) == .orderedSame
        case .product: entry.product == pattern
        case .attribute: ProductAttribute(rawValue: pattern.lowercased())?.applies(to: entry) ?? false
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix) }
}

/// A rule that touched an opportunity, as reported with it.
public struct SafetyFinding: Sendable, Equatable, Codable {
    public var action: SafetyAction
    public var reason: String
    public var source: String

    public init(action: SafetyAction, reason: String, source: String) {
        self.action = action
        self.reason = reason
        self.source = source
    }
}

/// A set of safety rules, read from CSV (`match,pattern,action,reason,source`; README documents it).
public struct SafetyRules: Sendable, Equatable {
    public var rules: [SafetyRule]

    public init(rules: [SafetyRule]) { self.rules = rules }

    /// No rules at all (the library's default; the command line uses `shipped`).
    public static let none = SafetyRules(rules: [])

    /// The rules shipped with medsave (`DefaultRules.csv`).
    public static let shipped: SafetyRules = try! parse(DefaultRules.csv, path: "(shipped rules)")

    /// Reads a rules file.
    public static func read(path: String) throws(InputError) -> SafetyRules {
        let table = try TextTable.csv(path: path)
        return try parse(table)
    }

    static func parse(_ text: String, path: String) throws(InputError) -> SafetyRules {
        try parse(TextTable.csv(bytes: Array(text.utf8), path: path))
    }

    static func parse(_ table: TextTable) throws(InputError) -> SafetyRules {
        let required = ["match", "pattern", "action", "reason", "source"]
        guard let (headerIndex, columns) = table.header(containing: required) else {
            throw InputError(
                location: SourceLocation(file: table.path, line: 1, column: 1),
                message: "not a safety rules file: expected columns \(required.joined(separator: ", "))")
        }
        var rules: [SafetyRule] = []
        for (line, cells) in table.rows.dropFirst(headerIndex + 1) {
            func cell(_ name: String) -> String { columns[name]! < cells.count ? cells[columns[name]!] : "" }
            func fail(_ name: String, _ expected: String) -> InputError {
                InputError(problem: InputProblem(
                    location: SourceLocation(file: table.path, line: line, column: columns[name]! + 1), field: name,
                    message: "not a valid rule", expected: expected, found: cell(name)))
            }
            if cell("match").hasPrefix("#") { continue }
            guard let match = SafetyMatch(rawValue: cell("match").lowercased()) else {
                throw fail("match", SafetyMatch.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let action = SafetyAction(rawValue: cell("action").lowercased()) else {
                throw fail("action", SafetyAction.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if match == .attribute && ProductAttribute(rawValue: cell("pattern").lowercased()) == nil {
                throw fail("pattern", ProductAttribute.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard !cell("pattern").isEmpty else { throw fail("pattern", "a pattern") }
            guard !cell("reason").isEmpty, !cell("source").isEmpty else {
                throw fail(cell("reason").isEmpty ? "reason" : "source", "every rule says why and cites a source")
            }
            rules.append(SafetyRule(match: match, pattern: cell("pattern"), action: action, reason: cell("reason"), source: cell("source")))
        }
        return SafetyRules(rules: rules)
    }

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
                found.append(SafetyFinding(
                    action: .exclude, reason: "the switch would cross modified-release and immediate-release",
                    source: "medsave built-in rule; Läkemedelsverket: depot and immediate-release forms are not interchangeable"))
            }
            if s.narcotic, dispensed.contains(where: { $0.packSize != s.packSize }) {
                found.append(SafetyFinding(
                    action: .exclude, reason: "a narcotic's pack size would change",
                    source: "medsave built-in rule; TLV: narcotics pack-size groups allow identical sizes only"))
            }
        }
        return found
    }
}

extension SafetyFinding: Hashable {}

/// Evaluates rules for many opportunities, matching each catalogue entry (product, period) only once.
final class SafetyEvaluator {
    let rules: SafetyRules
    private struct Key: Hashable {
        var product: String
        var period: Int32
    }

    private var cache: [Key: SafetyRules.EntryFacts] = [:]

    init(_ rules: SafetyRules) { self.rules = rules }

    /// The rules' view of `entry`, computed once per (product, period).
    func facts(_ entry: CatalogueEntry) -> SafetyRules.EntryFacts {
        let key = Key(product: entry.product, period: entry.period?.index ?? -1)
        if let hit = cache[key] { return hit }
        let found = rules.facts(entry)
        cache[key] = found
        return found
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
