/// Status of a product in TLV's monthly list for its class: periodens vara (PV), first or second reserve.
public enum ProductStatus: String, Sendable, Codable, Comparable {
    case pv = "PV"
    case r1 = "R1"
    case r2 = "R2"
    case none = ""

    /// PV before R1 before R2 before none.
    private var order: Int {
        switch self {
        case .pv: 0
        case .r1: 1
        case .r2: 2
        case .none: 3
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.order < b.order }
}

/// An equivalence class: products that may be dispensed in place of one another.
///
/// Sweden: exchange group × pack-size group. Named `group/size_group`, or `group` alone without a size group.
public struct EquivalenceClass: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var group: String
    public var sizeGroup: String

    public init(group: String, sizeGroup: String = "") {
        self.group = group
        self.sizeGroup = sizeGroup
    }

    public var description: String { sizeGroup.isEmpty ? group : "\(group)/\(sizeGroup)" }

    /// The class `description` names: `group/size_group`, or `group` alone.
    public init(text: String) {
        if let slash = text.firstIndex(of: "/") {
            self.init(group: String(text[..<slash]), sizeGroup: String(text[text.index(after: slash)...]))
        } else {
            self.init(group: text)
        }
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.group, a.sizeGroup) < (b.group, b.sizeGroup)
    }
}

/// One product (pack) in one period's catalogue.
public struct CatalogueEntry: Sendable, Equatable, Codable {
    /// The period this price applies to; nil for a row that applies to every period.
    public var period: Period?
    /// Pack code as text (varunummer, NPL pack id, BNF code): leading zeros matter.
    public var product: String
    public var name: String
    public var substance: String
    public var atc: String
    public var strength: String
    public var form: String
    public var packSize: Double?
    /// Price per unit (tablet, ml, g, dose) in the currency of the cost column.
    public var unitPrice: Double
    /// The equivalence class, or nil for a product outside the exchange system.
    public var equivalenceClass: EquivalenceClass?
    public var status: ProductStatus
    public var origin: String
    public var company: String

    public init(
        period: Period?, product: String, name: String = "", substance: String = "", atc: String = "",
        strength: String = "", form: String = "", packSize: Double? = nil, unitPrice: Double,
        equivalenceClass: EquivalenceClass?, status: ProductStatus = .none, origin: String = "", company: String = ""
    ) {
        self.period = period
        self.product = product
        self.name = name
        self.substance = substance
        self.atc = atc
        self.strength = strength
        self.form = form
        self.packSize = packSize
        self.unitPrice = unitPrice
        self.equivalenceClass = equivalenceClass
        self.status = status
        self.origin = origin
        self.company = company
    }
}

/// Products and prices by period. A record is classified and priced by the catalogue of its own period;
/// an entry without a period applies to every period that has no entry of its own for that product.
///
/// Entries are found through numbers: each product code and class is numbered once (one string hash), and an
/// entry by (product number, period) in a table keyed by integers, so that adding the hundreds of thousands of
/// rows of a national list, or looking up every dispensed product in every month, hashes a code once.
public struct Catalogue: Sendable {
    /// The entries, in the order added, each product's description shared by its entries (`Entries`).
    public private(set) var entries = Entries()
    /// Rows that repeated a product already listed for the same period, by period (nil: timeless): exact
    /// repeats are merged (TLV lists a varunummer once per NPL pack id), others are reported as problems.
    public package(set) var repeatedRows: [Period?: Int] = [:]
    /// Each product code's number, in order of first appearance.
    private var productNumbers: [String: Int32] = [:]
    /// Entry index by `key(product number, period)`.
    private var entryOf: [UInt64: Int32] = [:]
    /// Each class's number, in order of first appearance, and the indices of its entries in order.
    private var classNumbers: [EquivalenceClass: Int32] = [:]
    private var classEntries: [[Int32]] = []
    /// By product number: the class of the product's latest entry and its number. A product keeps its class from
    /// one month's list to the next, so most entries are numbered by comparing two strings, not hashing them.
    private var classOfProduct: [(equivalenceClass: EquivalenceClass, number: Int32)?] = []
    /// By product number: its latest entry, whose description the next may share.
    private var latestOfProduct: [Int32] = []
    /// The product number of each entry.
    private var productOfEntry: [Int32] = []
    /// The periods that have entries of their own.
    private var listed = Set<Period>()
    /// The period last added to `listed`: a list's entries come a period at a time, so most need no set lookup.
    private var lastListed: Period?

    public init() {}

    public init(entries: [CatalogueEntry]) {
        _ = add(contentsOf: entries)
    }

    /// An entry's key: product number and period (0 for an entry of every period).
    @inline(__always)
    private static func key(_ product: Int32, _ period: Period?) -> UInt64 {
        UInt64(UInt32(bitPattern: product)) << 32 | (period.map { UInt64(UInt32(bitPattern: $0.index)) + 1 } ?? 0)
    }

    /// Adds an entry. Returns false (and keeps the earlier entry) when the product already has one for that period.
    @discardableResult
    public mutating func add(_ entry: borrowing CatalogueEntry) -> Bool {
        let index = Int32(entries.count)
        guard
            let product = self.index(
                product: entry.product, period: entry.period, equivalenceClass: entry.equivalenceClass, as: index)
        else { return false }
        let latest = latestOfProduct[Int(product)]
        entries.append(entry, like: latest < 0 ? nil : Int(latest))
        latestOfProduct[Int(product)] = index
        return true
    }

    /// Room for `count` more entries without growing.
    public mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(entries.count + count)
        productOfEntry.reserveCapacity(productOfEntry.count + count)
        entryOf.reserveCapacity(entryOf.count + count)
    }

    /// Adds `list`'s entries in order, as `add` would one by one, and returns the offsets in `list` of those not
    /// added (a product already listed for that period).
    public mutating func add(contentsOf list: [CatalogueEntry]) -> [Int] {
        reserveCapacity(list.count)
        // Each entry read where it lies, not copied out (a dozen strings) to be filed.
        return list.withUnsafeBufferPointer { list in
            var refused: [Int] = []
            for k in list.indices where !add(list[k]) { refused.append(k) }
            return refused
        }
    }

    /// Numbers the product and class of an entry with this product, period and class, and files it as entry
    /// `index` (the next in `entries`, which the caller appends): its product's number; nil, changing nothing,
    /// when its product already has an entry for its period.
    private mutating func index(
        product code: String, period: Period?, equivalenceClass: EquivalenceClass?, as index: Int32
    ) -> Int32? {
        let product = productNumbers[code] ?? Int32(productNumbers.count)
        if product == productNumbers.count {
            productNumbers[code] = product
            latestOfProduct.append(-1)
        }
        let key = Self.key(product, period)
        if let earlier = entryOf.updateValue(index, forKey: key) {
            entryOf[key] = earlier
            return nil
        }
        productOfEntry.append(product)
        if let p = period, p != lastListed {
            listed.insert(p)
            lastListed = p
        }
        if let c = equivalenceClass {
            while classOfProduct.count <= product { classOfProduct.append(nil) }
            let number: Int32
            if let latest = classOfProduct[Int(product)], latest.equivalenceClass == c {
                number = latest.number
            } else {
                number = classNumbers[c] ?? Int32(classEntries.count)
                if number == classEntries.count {
                    classNumbers[c] = number
                    classEntries.append([])
                }
                classOfProduct[Int(product)] = (c, number)
            }
            classEntries[Int(number)].append(index)
        }
        return product
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The periods that have entries of their own, in order.
    public var periods: [Period] { listed.sorted() }

    /// The entry that prices `product` in `period`, if any.
    public func entry(product: String, period: Period) -> CatalogueEntry? {
        index(product: product, period: period).map { entries[$0] }
    }

    /// The entry for `product` filed under exactly `period` (nil: the timeless entry), without fallback.
    public func entry(product: String, exactPeriod period: Period?) -> CatalogueEntry? {
        guard let number = productNumbers[product], let i = entryOf[Self.key(number, period)] else { return nil }
        return entries[Int(i)]
    }

    public func index(product: String, period: Period) -> Int? {
        guard let number = productNumbers[product] else { return nil }
        return (entryOf[Self.key(number, period)] ?? entryOf[Self.key(number, nil)]).map { Int($0) }
    }

    /// A product code's number in this catalogue (the same for all its entries), nil when it has none.
    public func productNumber(_ product: String) -> Int32? { productNumbers[product] }

    /// How many product codes the catalogue numbers (`productNumber`).
    public var productCount: Int { productNumbers.count }

    /// The number of the product of entry `index`.
    public func productNumber(ofEntry index: Int) -> Int32 { productOfEntry[index] }

    /// The number of each entry's product, by entry index.
    public var productNumberOfEntries: [Int32] { productOfEntry }

    /// `index(product:period:)` of a product known by its number: no string hashed.
    public func index(productNumber number: Int32, period: Period) -> Int? {
        (entryOf[Self.key(number, period)] ?? entryOf[Self.key(number, nil)]).map { Int($0) }
    }

    /// A class's number in this catalogue, nil when it has no entry.
    public func classNumber(_ equivalenceClass: EquivalenceClass) -> Int32? { classNumbers[equivalenceClass] }

    /// `memberIndices(of:in:)` of a class known by its number: no class hashed.
    public func memberIndices(ofClassNumber number: Int32, in period: Period) -> [Int] {
        var result: [Int] = [], timeless: [Int] = []
        for i in classEntries[Int(number)] {
            switch entries.period(at: Int(i)) {
            case period: result.append(Int(i))
            case nil: timeless.append(Int(i))
            default: break
            }
        }
        for i in timeless where entryOf[Self.key(productOfEntry[i], period)] == nil { result.append(i) }
        return result
    }

    /// The entries of `equivalenceClass` that apply in `period`: its own entries, plus timeless entries of
    /// products without an entry for that period.
    public func members(of equivalenceClass: EquivalenceClass, in period: Period) -> [CatalogueEntry] {
        memberIndices(of: equivalenceClass, in: period).map { entries[$0] }
    }

    /// The same members as indices into `entries`: the class's entries of the period in the order they were
    /// added, then its timeless ones (of products without an entry of their own in the period).
    public func memberIndices(of equivalenceClass: EquivalenceClass, in period: Period) -> [Int] {
        guard let number = classNumbers[equivalenceClass] else { return [] }
        return memberIndices(ofClassNumber: number, in: period)
    }
}
