/// A region's own target prices (`--target list:FILE`): negotiated or recommended prices per unit by class,
/// each for every month or for a range of months, optionally naming the product to switch to.
public struct TargetList: Sendable, Equatable {
    /// One line of the file: a class's price per unit over `periods` (open ends: every month that way).
    public struct Price: Sendable, Equatable {
        public var periods: PeriodRange
        public var unitPrice: Double
        /// The product the region recommends (its code); empty when the file names none.
        public var product: String
        /// The line of the file, for messages.
        public var line: Int

        public init(periods: PeriodRange, unitPrice: Double, product: String = "", line: Int = 0) {
            self.periods = periods
            self.unitPrice = unitPrice
            self.product = product
            self.line = line
        }
    }

    /// The file the prices were read from, as given (`list:PATH`).
    public var path: String
    public private(set) var prices: [EquivalenceClass: [Price]]

    public init(path: String, prices: [EquivalenceClass: [Price]] = [:]) {
        self.path = path
        self.prices = prices
    }

    /// The price of `equivalenceClass` in `period`: the line whose months contain it (lines of one class do
    /// not overlap; the reader refuses those that do); nil when no line does.
    public func price(of equivalenceClass: EquivalenceClass, in period: Period) -> Price? {
        prices[equivalenceClass]?.first { $0.periods.contains(period) }
    }

    /// Whether two month ranges share a month (an open end reaches every month that way).
    public static func overlap(_ a: PeriodRange, _ b: PeriodRange) -> Bool {
        func before(_ from: Period?, _ to: Period?) -> Bool {
            guard let from, let to else { return true }
            return from <= to
        }
        return before(a.from, b.to) && before(b.from, a.to)
    }
}
