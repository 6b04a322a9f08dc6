/// What a classifier says about a product in a period.
public enum ProductClassification: Sendable, Equatable {
    /// The product is not known (not in the catalogue of that period).
    case unknown
    /// Known, but in no equivalence class: there is nothing to switch to.
    case unclassified
    case member(EquivalenceClass)
}

/// Decides which equivalence class a product belongs to, what it is called and, where prices are known,
/// which priced products its class has. A catalogue (Sweden: exchange group × pack-size group) and the BNF
/// code structure (England) are the two kinds.
public protocol ProductClassifier: Sendable {
    func classify(product: String, period: Period) -> ProductClassification
    func name(product: String, period: Period) -> String?
    /// The catalogue entry behind a product, for safety rules; nil when the classifier has none.
    func entry(product: String, period: Period) -> CatalogueEntry?
    /// The class's priced members in the period, for `pv` and `cheapest` targets; nil when the classifier
    /// knows no prices, so only peer-group (percentile) targets apply.
    func pricedMembers(of equivalenceClass: EquivalenceClass, in period: Period) -> [CatalogueEntry]?
    /// True when the classifier knows prices, so that rules naming a product (`pv`, `cheapest`) apply.
    var knowsPrices: Bool { get }
    /// The months that have lists of their own, in order (none for a list without months, or BNF classes).
    var listedMonths: [Period] { get }
    /// The class in words for a reader (substance, strength, form, pack sizes), as listed in `period`; nil
    /// when the classifier cannot say.
    func describe(_ equivalenceClass: EquivalenceClass, in period: Period) -> String?
}

extension ProductClassifier {
    public var listedMonths: [Period] { [] }
    public func describe(_ equivalenceClass: EquivalenceClass, in period: Period) -> String? { nil }
}

extension Catalogue: ProductClassifier {
    public var knowsPrices: Bool { true }
    public var listedMonths: [Period] { periods }

    public func classify(product: String, period: Period) -> ProductClassification {
        guard let i = index(product: product, period: period) else { return .unknown }
        return entries.equivalenceClass(at: i).map { .member($0) } ?? .unclassified
    }

    public func name(product: String, period: Period) -> String? {
        entry(product: product, period: period)?.name
    }

    public func pricedMembers(of equivalenceClass: EquivalenceClass, in period: Period) -> [CatalogueEntry]? {
        members(of: equivalenceClass, in: period)
    }
}

extension Catalogue {
    /// A class as a reader knows it, from its members' catalogue fields: substance, strength and form (the most
    /// common of each among the members), then the range of pack sizes, e.g. "Hydroklortiazid 25 mg tablett,
    /// 98–100 st". From the members listed in `period`, or in the latest month before it that lists the class
    /// (the earliest after it when none does); nil for a class the catalogue does not list.
    public func describe(_ equivalenceClass: EquivalenceClass, in period: Period) -> String? {
        var members = self.members(of: equivalenceClass, in: period)
        if members.isEmpty {
            let months = periods.filter { !memberIndices(of: equivalenceClass, in: $0).isEmpty }
            guard let other = months.last(where: { $0 < period }) ?? months.first else { return nil }
            members = self.members(of: equivalenceClass, in: other)
        }
        guard !members.isEmpty else { return nil }
        func mostCommon(_ values: [String]) -> String {
            var counts: [String: Int] = [:]
            for v in values where !v.isEmpty { counts[v, default: 0] += 1 }
            return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
        }
        let substance = mostCommon(members.map(\.substance))
        var words = [
            substance.isEmpty ? mostCommon(members.map(\.name)) : substance, mostCommon(members.map(\.strength)),
            mostCommon(members.map(\.form)).lowercased(),
        ]
        words.removeAll(where: \.isEmpty)
        var text = words.joined(separator: " ")
        let sizes = members.compactMap(\.packSize).filter { $0 > 0 }
        if let low = sizes.min(), let high = sizes.max() {
            let unit =
                equivalenceClass.sizeGroup.hasPrefix("M")
                ? "ml" : equivalenceClass.sizeGroup.hasPrefix("G") ? "g" : "st"
            let range = low == high ? Self.size(low) : "\(Self.size(low))–\(Self.size(high))"
            text += (text.isEmpty ? "" : ", ") + "\(range) \(unit)"
        }
        return text.isEmpty ? nil : text
    }

    private static func size(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}
