/// Equivalence classes of English BNF presentation codes, as OpenPrescribing's price-per-unit analysis forms them.
///
/// The generic equivalent of a 15-character code b is b[0..<9] + "AA" + b[13..<15] + b[13..<15]; a code of
/// another length, or whose characters 14–15 are "A0", stands alone. Classes are then joined by the
/// formulation-swaps file (rows whose `Really equivalent?` is Y: tablet ↔ capsule and the like). A class is
/// named by the lexically smallest generic (AA) code in it.
public struct BNFClassifier: ProductClassifier {
    /// Class id by generic code, for the generic codes that swaps join; every other code's class is its own
    /// generic equivalent.
    private var joined: [String: String] = [:]
    private var names: [String: String] = [:]

    public init() {}

    /// Classes joined by `joined` (generic code → class id) and named by `names` (presentation code → name).
    public init(joined: [String: String], names: [String: String]) {
        self.joined = joined
        self.names = names
    }

    /// The generic equivalent of `code`, or nil when it stands alone.
    public static func genericEquivalent(_ code: String) -> String? {
        let c = Array(code.utf8)
        guard c.count == 15, !(c[13] == UInt8(ascii: "A") && c[14] == UInt8(ascii: "0")) else { return nil }
        return String(decoding: c[0..<9] + Array("AA".utf8) + c[13..<15] + c[13..<15], as: UTF8.self)
    }

    /// The class id of `code`.
    public func classID(_ code: String) -> String {
        guard let generic = Self.genericEquivalent(code) else { return code }
        return joined[generic] ?? generic
    }

    public func classify(product: String, period: Period) -> ProductClassification {
        .member(EquivalenceClass(group: classID(product)))
    }

    public func name(product: String, period: Period) -> String? { names[product] }

    public func entry(product: String, period: Period) -> CatalogueEntry? { nil }

    /// The name of the class's generic presentation, when the BNF code table has it.
    public func describe(_ equivalenceClass: EquivalenceClass, in period: Period) -> String? {
        names[equivalenceClass.group]
    }

    public var knowsPrices: Bool { false }

    public func pricedMembers(of equivalenceClass: EquivalenceClass, in period: Period) -> [CatalogueEntry]? { nil }
}
