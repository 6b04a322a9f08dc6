import MedSaveModel

/// The product to switch to, per class, from the newest list: a pharmacist acts on today's list, so the
/// suggestion is the product that sets the target in the advice month whatever months a unit's own rows
/// cover, while savings still use each month's own target.
///
/// The advice month is `--as-of` when given; else the newest catalogue month not after the window's end when
/// `--period` ends it; else the newest catalogue month given; for a catalogue without months (or BNF classes),
/// the window's last month.
public struct CurrentAdvice: Sendable {
    /// The month the advice is taken from; nil when the target rule names no product (percentiles).
    public let month: Period?
    /// The catalogue month before `month`, whose advice `no-longer-pv` compares with.
    public let previousMonth: Period?
    private var current: [CatalogueEntry?]
    private var previous: [CatalogueEntry?]

    /// The advice for each of `classes` (by class index) under the configuration's rule and `asOf`. An `asOf`
    /// month the catalogue has no list for is refused, naming the months it has.
    init(
        classes: [EquivalenceClass], configuration: RankConfiguration, classifier: any ProductClassifier,
        dataEnd: Period?
    ) throws(TargetRuleError) {
        let listed = classifier.listedMonths
        let rule = configuration.target
        let month: Period?
        if !rule.namesProduct {
            month = nil
        } else if let asOf = configuration.asOf {
            if !listed.isEmpty && !listed.contains(asOf) {
                throw TargetRuleError(
                    description:
                        "--as-of \(asOf): the catalogue has no list for that month (it has \(Self.describe(listed)))")
            }
            month = asOf
        } else if let end = configuration.periods.to {
            month = listed.last(where: { $0 <= end }) ?? end
        } else {
            month = listed.last ?? dataEnd
        }
        self.month = month
        previousMonth = month.flatMap { m in listed.last(where: { $0 < m }) }
        func products(_ period: Period?) -> [CatalogueEntry?] {
            guard let period else { return Array(repeating: nil, count: classes.count) }
            return classes.map { Targets.listTarget(of: $0, in: period, rule: rule, classifier: classifier)?.product }
        }
        current = products(month)
        previous = products(previousMonth)
    }

    /// `2025-01…2026-02 (14 months)`, or the one month.
    static func describe(_ months: [Period]) -> String {
        guard let first = months.first, let last = months.last, first != last else {
            return months.first?.description ?? "none"
        }
        return "\(first)…\(last), \(months.count) months"
    }

    /// The number of classes the advice covers (class indices 0..<classCount).
    var classCount: Int { current.count }

    /// The product to switch to in class `classIndex` now; nil when the class has no target in the advice month.
    func product(ofClass classIndex: Int32) -> CatalogueEntry? { current[Int(classIndex)] }

    /// The flags the advice raises for a row of class `classIndex` that dispensed `dispensed`:
    /// - `not-in-current-list`: the class has no target product in the advice month;
    /// - `dearer-now`: every dispensed product priced in the advice month costs at most the suggestion;
    /// - `no-longer-pv`: the previous list's target product was another one.
    func flags(ofClass classIndex: Int32, dispensed: [String], classifier: any ProductClassifier) -> [String] {
        guard let month else { return [] }
        guard let now = current[Int(classIndex)] else { return ["not-in-current-list"] }
        var flags: [String] = []
        let prices = dispensed.compactMap { classifier.entry(product: $0, period: month)?.unitPrice }
        if !prices.isEmpty && prices.allSatisfy({ $0 <= now.unitPrice }) { flags.append("dearer-now") }
        if let before = previous[Int(classIndex)], before.product != now.product { flags.append("no-longer-pv") }
        return flags
    }
}
