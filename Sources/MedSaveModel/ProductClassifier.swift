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
}

extension Catalogue: ProductClassifier {
    public var knowsPrices: Bool { true }

    public func classify(product: String, period: Period) -> ProductClassification {
        guard let i = index(product: product, period: period) else { return .unknown }
        return entries[i].equivalenceClass.map { .member($0) } ?? .unclassified
    }

    public func name(product: String, period: Period) -> String? {
        entry(product: product, period: period)?.name
    }

    public func pricedMembers(of equivalenceClass: EquivalenceClass, in period: Period) -> [CatalogueEntry]? {
        members(of: equivalenceClass, in: period)
    }
}
