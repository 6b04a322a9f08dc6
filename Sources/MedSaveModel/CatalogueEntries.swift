extension Catalogue {
    /// A catalogue's entries, in the order they were added, kept compactly.
    ///
    /// A product's code, name, substance, ATC code, strength, form, pack size, class, origin and company are
    /// the same month after month of a list: only the price and the status move. So each entry keeps its
    /// period, price and status, and the number of its description (those other fields), which entries of a
    /// product share while it stays the same. A national year of monthly lists is 240,000 entries of 20,000
    /// descriptions: about 8 MB, where a list of whole entries (200 bytes each) is 48 MB.
    ///
    /// An entry is read whole (`subscript`), or by one field (`unitPrice(at:)` and the others) where a loop
    /// reads one field of many entries and building each whole would cost more than the read.
    public struct Entries: RandomAccessCollection, Sendable, Equatable {
        /// The descriptions: entries with no period, a price of 0 and no status.
        private var descriptions: [CatalogueEntry] = []
        /// By entry: its description's number, period (`Self.none`: none), price and status.
        private var descriptionOf: [Int32] = []
        private var periodIndex: [Int32] = []
        private var prices: [Double] = []
        private var statuses: [ProductStatus] = []
        private static let none = Int32.min

        public init() {}

        public var startIndex: Int { 0 }
        public var endIndex: Int { prices.count }

        public subscript(i: Int) -> CatalogueEntry {
            var entry = descriptions[Int(descriptionOf[i])]
            entry.period = period(at: i)
            entry.unitPrice = prices[i]
            entry.status = statuses[i]
            return entry
        }

        @inline(__always)
        public func unitPrice(at i: Int) -> Double { prices[i] }

        @inline(__always)
        public func status(at i: Int) -> ProductStatus { statuses[i] }

        @inline(__always)
        public func period(at i: Int) -> Period? {
            periodIndex[i] == Self.none ? nil : Period(index: periodIndex[i])
        }

        /// Entry `i`'s product code.
        public func product(at i: Int) -> String { descriptions[Int(descriptionOf[i])].product }

        /// Entry `i`'s class.
        public func equivalenceClass(at i: Int) -> EquivalenceClass? {
            descriptions[Int(descriptionOf[i])].equivalenceClass
        }

        /// Whether entries `a` and `b` have the same description (all but period, price and status) for
        /// certain: they share one. Entries that do not share one may still be alike.
        public func shareDescription(_ a: Int, _ b: Int) -> Bool { descriptionOf[a] == descriptionOf[b] }

        /// How many descriptions the entries share.
        public var descriptionCount: Int { descriptions.count }

        /// Adds `entry` after the last, sharing the description of entry `like` (an earlier entry of the same
        /// product) when it has the same one. Read in place: only a new description is copied.
        mutating func append(_ entry: borrowing CatalogueEntry, like: Int?) {
            precondition(entry.period?.index != Self.none, "a period medsave cannot number")
            if let like, Self.describes(descriptions[Int(descriptionOf[like])], entry) {
                descriptionOf.append(descriptionOf[like])
            } else {
                precondition(descriptions.count < Int(Int32.max), "more catalogue entries than medsave numbers")
                descriptionOf.append(Int32(descriptions.count))
                var description = copy entry
                description.period = nil
                description.unitPrice = 0
                description.status = .none
                descriptions.append(description)
            }
            periodIndex.append(entry.period?.index ?? Self.none)
            prices.append(entry.unitPrice)
            statuses.append(entry.status)
        }

        /// Whether `description` has `entry`'s fields but its period, price and status.
        @inline(__always)
        private static func describes(_ description: borrowing CatalogueEntry, _ entry: borrowing CatalogueEntry)
            -> Bool
        {
            description.product == entry.product && description.name == entry.name
                && description.substance == entry.substance && description.atc == entry.atc
                && description.strength == entry.strength && description.form == entry.form
                && description.packSize == entry.packSize && description.equivalenceClass == entry.equivalenceClass
                && description.origin == entry.origin && description.company == entry.company
        }

        /// Room for `count` entries without growing.
        mutating func reserveCapacity(_ count: Int) {
            descriptionOf.reserveCapacity(count)
            periodIndex.reserveCapacity(count)
            prices.reserveCapacity(count)
            statuses.reserveCapacity(count)
        }

        public static func == (a: Entries, b: Entries) -> Bool { a.count == b.count && a.elementsEqual(b) }
    }
}
