extension Ranking {
    /// Accumulates per-organisation block results into the rows shown at the chosen level.
    struct RowTable {
        let byPeriod: Bool
        let level: RankLevel

        struct Row {
            var key: Int32  // organisation id; -1 at level `all`
            var equivalenceClass: EquivalenceClass
            var period: Period?  // with byPeriod
            var quantity: FixedDecimal = .zero
            var cost: FixedDecimal = .zero
            var saving = 0.0
            var blockedSaving = 0.0
            var targetCost = 0.0
            var targetQuantity = 0.0
            var lastTarget: (period: Period, price: Double, product: CatalogueEntry?)?
            /// Each product's latest period in the row, to name it from the right catalogue.
            var products: [Int32: Period] = [:]
            var flags: Set<String> = []
            var cells: [Int] = []
            var organisations: Set<Int32> = []
        }

        struct RowKey: Hashable {
            var key: Int32
            var equivalenceClass: EquivalenceClass
            var period: Period?
        }

        var rows: [Row] = []
        var index: [RowKey: Int] = [:]
        var window: (from: Period, to: Period)?

        init(byPeriod: Bool, level: RankLevel) {
            self.byPeriod = byPeriod
            self.level = level
        }

        private mutating func row(organisation: Int32, block: Block) -> Int {
            let key = RowKey(
                key: level == .all ? -1 : organisation, equivalenceClass: block.equivalenceClass,
                period: byPeriod ? block.period : nil)
            if let i = index[key] { return i }
            rows.append(Row(key: key.key, equivalenceClass: key.equivalenceClass, period: key.period))
            index[key] = rows.count - 1
            return rows.count - 1
        }

        /// Adds one organisation's result in one block.
        mutating func add(organisation: Int32, block: Block, position: Int, saving: Double, target: Target) {
            let i = row(organisation: organisation, block: block)
            let q = block.quantity[position], c = block.cost[position]
            rows[i].quantity += q
            rows[i].cost += c
            rows[i].saving += saving
            rows[i].targetCost += q.doubleValue * target.price
            rows[i].targetQuantity += q.doubleValue
            rows[i].organisations.insert(organisation)
            if rows[i].lastTarget.map({ $0.period < block.period }) ?? true {
                rows[i].lastTarget = (block.period, target.price, target.product)
            }
            rows[i].flags.formUnion(target.flags)
            if q.raw == 0 && c.raw > 0 { rows[i].flags.insert("zero-quantity") }
            if q.raw < 0 { rows[i].flags.insert("negative-quantity") }
            window = window.map { (min($0.from, block.period), max($0.to, block.period)) } ?? (block.period, block.period)
        }

        /// Adds the saving blocked by "do not substitute" flags for one organisation in one block.
        mutating func addBlocked(organisation: Int32, block: Block, saving: Double) {
            rows[row(organisation: organisation, block: block)].blockedSaving += saving
        }

        /// Records an aggregate cell as part of its row (products, flags, patients).
        mutating func addCell(_ index: Int, _ cell: DispensingCell, organisation: Int32, block: Block) {
            let i = row(organisation: organisation, block: block)
            rows[i].cells.append(index)
            if rows[i].products[cell.product].map({ $0 < block.period }) ?? true {
                rows[i].products[cell.product] = block.period
            }
            if cell.negativeRows > 0 { rows[i].flags.insert("correction-rows") }
            if cell.blockedRows > 0 { rows[i].flags.insert("do-not-substitute") }
        }

        /// The rows as opportunities (unranked), with distinct patient and prescriber counts.
        func opportunities(
            data: DispensingAggregate, classifier: any ProductClassifier, window: (from: Period, to: Period)?,
            rules: SafetyRules
        ) -> [Opportunity] {
            var rowOfCell = [Int32](repeating: -1, count: data.cells.count)
            for (r, row) in rows.enumerated() { for c in row.cells { rowOfCell[c] = Int32(r) } }
            let safety = SafetyEvaluator(rules)
            let patients = data.hasPatients ? Self.distinctCounts(data.patientsByCell, rowOfCell, rows.count) : nil
            let prescribers: [Int]?
            if data.organisationColumn == .prescriber {
                prescribers = rows.map(\.organisations.count)
            } else {
                prescribers = data.hasPrescribers ? Self.distinctCounts(data.prescribersByCell, rowOfCell, rows.count) : nil
            }
            return rows.enumerated().map { r, row in
                let products = row.products.map { product, period in
                    let code = data.products[Int(product)]
                    return ProductRef(code: code, name: classifier.name(product: code, period: period) ?? "")
                }.sorted { $0.code < $1.code }
                let dispensedEntries = row.products.compactMap { product, period in
                    classifier.entry(product: data.products[Int(product)], period: period)
                }.sorted { $0.product < $1.product }
                let safety = safety.findings(dispensed: dispensedEntries, suggested: row.lastTarget?.product)
                var flags = row.flags
                if safety.contains(where: { $0.action == .review }) { flags.insert("review") }
                if safety.contains(where: { $0.action == .sameGroupOnly }) { flags.insert("same-group-only") }
                if row.blockedSaving > 0 { flags.insert("blocked-saving") }
                let suggested = row.lastTarget.flatMap { t in
                    t.product.map { SuggestedProduct(code: $0.product, name: $0.name, unitPrice: $0.unitPrice, period: t.period) }
                }
                let q = row.quantity.doubleValue
                let key = row.key < 0 ? "all" : data.organisations[Int(row.key)]
                return Opportunity(
                    rank: 0,
                    id: Opportunity.id(
                        level: level, key: key, equivalenceClass: row.equivalenceClass, products: products.map(\.code),
                        period: row.period),
                    key: key,
                    equivalenceClass: row.equivalenceClass,
                    periodFrom: row.period ?? window!.from, periodTo: row.period ?? window!.to,
                    products: products, suggested: suggested, quantity: row.quantity, cost: row.cost,
                    ppu: row.quantity.raw == 0 ? nil : row.cost.doubleValue / q,
                    targetPPU: row.targetQuantity == 0 ? row.lastTarget?.price : row.targetCost / row.targetQuantity,
                    saving: row.saving, blockedSaving: row.blockedSaving, patients: patients?[r],
                    prescribers: prescribers?[r], flags: flags.sorted(), safety: safety)
            }
        }

        /// Distinct ids per row, from (cell << 32 | id) pairs.
        static func distinctCounts(_ pairs: Set<UInt64>, _ rowOfCell: [Int32], _ rowCount: Int) -> [Int] {
            var seen = Set<UInt64>()
            seen.reserveCapacity(pairs.count)
            var counts = [Int](repeating: 0, count: rowCount)
            for pair in pairs {
                let row = rowOfCell[Int(pair >> 32)]
                guard row >= 0 else { continue }
                if seen.insert(UInt64(row) << 32 | (pair & 0xFFFF_FFFF)).inserted { counts[Int(row)] += 1 }
            }
            return counts
        }
    }
}
