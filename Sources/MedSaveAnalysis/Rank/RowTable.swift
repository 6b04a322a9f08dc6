import Foundation
import MedSaveModel
import MedSaveSupport

extension Ranking {
    /// Flags a row collects while it is summed (README, "Flags"); the safety and barrier flags are added when
    /// the row becomes an opportunity.
    struct RowFlags: OptionSet {
        let rawValue: UInt16

        static let pvNotCheapest = RowFlags(rawValue: 1 << 0)
        static let reserveTarget = RowFlags(rawValue: 1 << 1)
        static let singleOrganisation = RowFlags(rawValue: 1 << 2)
        static let zeroQuantity = RowFlags(rawValue: 1 << 3)
        static let negativeQuantity = RowFlags(rawValue: 1 << 4)
        static let correctionRows = RowFlags(rawValue: 1 << 5)
        static let doNotSubstitute = RowFlags(rawValue: 1 << 6)

        static let names: [(RowFlags, String)] = [
            (.pvNotCheapest, "pv-not-cheapest"), (.reserveTarget, "reserve-target"),
            (.singleOrganisation, "single-organisation"), (.zeroQuantity, "zero-quantity"),
            (.negativeQuantity, "negative-quantity"), (.correctionRows, "correction-rows"),
            (.doNotSubstitute, "do-not-substitute"),
        ]

        init(rawValue: UInt16) { self.rawValue = rawValue }

        /// The flags a target names (`Target.flags`).
        init(_ words: [String]) {
            self = []
            for (flag, name) in Self.names where words.contains(name) { insert(flag) }
        }

        var words: [String] { Self.names.filter { contains($0.0) }.map(\.1) }
    }

    /// Accumulates per-organisation block results into the rows shown at the chosen level.
    struct RowTable {
        let byPeriod: Bool
        let level: RankLevel

        /// One row's sums; plain values only, so that adding to a row copies no references.
        struct Row {
            var key: Int32  // organisation id; -1 at level `all`
            var classIndex: Int32
            var period: Period?  // with byPeriod
            var quantity: FixedDecimal = .zero
            var cost: FixedDecimal = .zero
            var saving = 0.0
            var blockedSaving = 0.0
            var targetCost = 0.0
            var targetQuantity = 0.0
            /// The target of the row's latest period: when, its price, and the product setting it (an index
            /// into `targetProducts`, −1 for none).
            var lastTargetPeriod: Period?
            var lastTargetPrice = 0.0
            var lastTargetProduct: Int32 = -1
            var flags: RowFlags = []
        }

        var rows: [Row] = []
        /// The products that set targets, referred to by rows.
        var targetProducts: [CatalogueEntry] = []
        /// Row by (key, class, period): key << 32 | class << 14 | (month index since 1900 + 1, or 0 without byPeriod).
        var index = IntMap(capacity: 1 << 12)
        /// The row each aggregate cell was summed into (for its products, patients and prescribers); -1 for
        /// cells set aside.
        var rowOfCell: [Int32]
        var window: (from: Period, to: Period)?

        init(byPeriod: Bool, level: RankLevel, cellCount: Int) {
            self.byPeriod = byPeriod
            self.level = level
            rowOfCell = Array(repeating: -1, count: cellCount)
        }

        private mutating func row(organisation: Int32, block: Block) -> Int32 {
            let key = level == .all ? -1 : organisation
            let month = byPeriod ? UInt64(Int(block.period.index) - 1900 * 12 + 1) : 0
            let packed = UInt64(UInt32(bitPattern: key)) << 32 | UInt64(block.classIndex) << 14 | month
            if let r = index[packed] { return r }
            rows.append(Row(key: key, classIndex: block.classIndex, period: byPeriod ? block.period : nil))
            let r = Int32(rows.count - 1)
            _ = index.value(packed) { r }
            return r
        }

        /// Notes the product setting a block's target, for `add`; −1 when the target names none.
        mutating func targetProduct(_ target: Target) -> Int32 {
            guard let product = target.product else { return -1 }
            targetProducts.append(product)
            return Int32(targetProducts.count - 1)
        }

        /// Adds one organisation's result in one block; returns its row. `product` is `targetProduct(target)`.
        mutating func add(
            organisation: Int32, block: Block, position: Int, saving: Double, target: Target, product: Int32, flags: RowFlags
        ) -> Int32 {
            let r = row(organisation: organisation, block: block)
            let q = block.quantity[position], c = block.cost[position]
            var row = rows[Int(r)]
            row.quantity += q
            row.cost += c
            row.saving += saving
            row.targetCost += q.doubleValue * target.price
            row.targetQuantity += q.doubleValue
            if row.lastTargetPeriod.map({ $0 < block.period }) ?? true {
                row.lastTargetPeriod = block.period
                row.lastTargetPrice = target.price
                row.lastTargetProduct = product
            }
            row.flags.formUnion(flags)
            if q.raw == 0 && c.raw > 0 { row.flags.insert(.zeroQuantity) }
            if q.raw < 0 { row.flags.insert(.negativeQuantity) }
            rows[Int(r)] = row
            window = window.map { (min($0.from, block.period), max($0.to, block.period)) } ?? (block.period, block.period)
            return r
        }

        /// Adds the rows of `other`, of other classes (the rows' ids in `other` move on by the rows already here).
        mutating func append(_ other: RowTable) {
            let rowOffset = Int32(rows.count), productOffset = Int32(targetProducts.count)
            rows += other.rows.map { row in
                var r = row
                if r.lastTargetProduct >= 0 { r.lastTargetProduct += productOffset }
                return r
            }
            targetProducts += other.targetProducts
            for (cell, r) in other.rowOfCell.enumerated() where r >= 0 { rowOfCell[cell] = r + rowOffset }
            if let w = other.window {
                window = window.map { (min($0.from, w.from), max($0.to, w.to)) } ?? w
            }
            index = IntMap()  // the rows are complete; no more are looked up
        }

        /// The product setting row `r`'s latest target, if any.
        func suggestedEntry(_ r: Int) -> CatalogueEntry? {
            let i = rows[r].lastTargetProduct
            return i < 0 ? nil : targetProducts[Int(i)]
        }

        /// Adds the saving blocked by "do not substitute" flags for one organisation in one block.
        mutating func addBlocked(row: Int32, saving: Double) {
            rows[Int(row)].blockedSaving += saving
        }


    }

    /// What the rows were summed from, read by several threads at once.
    struct RowSource: Sendable {
        let data: DispensingAggregate
        let classifier: any ProductClassifier
        let table: RowTable
        /// Cells by row: the cells of row r are `cellsByRow[rowStart[r]..<rowStart[r + 1]]`, in cell order.
        let rowStart: [Int]
        let cellsByRow: [Int32]

        /// Each product of row `r` (by id) with the latest period (by id) it was dispensed in, unordered.
        func productIDs(of r: Int32) -> [(product: Int32, period: Int32)] {
            var latest: [(product: Int32, period: Int32)] = []
            for c in cellsByRow[rowStart[Int(r)]..<rowStart[Int(r) + 1]] {
                let cell = data.cells[Int(c)]
                if let i = latest.firstIndex(where: { $0.product == cell.product }) {
                    if data.periods[Int(latest[i].period)] < data.periods[Int(cell.period)] { latest[i].period = cell.period }
                } else {
                    latest.append((cell.product, cell.period))
                }
            }
            return latest
        }

    }

    /// Turns rows into opportunities: decides which rows rank and which the safety rules exclude, orders them,
    /// and builds the full `Opportunity` — products and names, ids, counts — only for the rows that are shown.
    struct OpportunityBuilder {
        let data: DispensingAggregate
        let classifier: any ProductClassifier
        let table: RowTable
        let classes: [EquivalenceClass]
        let window: (from: Period, to: Period)?
        let level: RankLevel
        let decisions: [String: ReviewRecord]
        let source: RowSource
        private let rules: SafetyRules
        private var cache: SafetyCache
        let threads: Int
        private var findings: [Int32: [SafetyFinding]] = [:]
        private var patients: [Int]?
        private var prescribers: [Int]?

        init(
            data: DispensingAggregate, classifier: any ProductClassifier, rows: RowTable, classes: [EquivalenceClass],
            window: (from: Period, to: Period)?, configuration: RankConfiguration
        ) {
            self.data = data
            self.classifier = classifier
            self.classes = classes
            table = rows
            self.window = window
            level = configuration.level
            decisions = configuration.decisions
            rules = configuration.rules
            cache = SafetyCache(configuration.rules)
            threads = configuration.threads
            var counts = [Int](repeating: 0, count: rows.rows.count + 1)
            for r in rows.rowOfCell where r >= 0 { counts[Int(r) + 1] += 1 }
            for r in 0..<rows.rows.count { counts[r + 1] += counts[r] }
            var next = counts
            var cellsByRow = [Int32](repeating: 0, count: counts[rows.rows.count])
            for (cell, r) in rows.rowOfCell.enumerated() where r >= 0 {
                cellsByRow[next[Int(r)]] = Int32(cell)
                next[Int(r)] += 1
            }
            source = RowSource(data: data, classifier: classifier, table: rows, rowStart: counts, cellsByRow: cellsByRow)
        }

        /// The rows with a positive saving in rank order — saving descending, then key, class and period, so
        /// that the order never depends on the input's — split into those that rank and those a rule excludes.
        mutating func ranked() -> (positive: [Int32], excluded: [Int32]) {
            var candidates: [Int32] = []
            for (r, row) in table.rows.enumerated() where row.saving > 0 { candidates.append(Int32(r)) }
            let rows = table.rows
            let keys = rows.map { rowKeyName($0.key) }
            candidates.sort { a, b in
                let x = rows[Int(a)], y = rows[Int(b)]
                if x.saving != y.saving { return x.saving > y.saving }
                let kx = keys[Int(a)], ky = keys[Int(b)]
                if kx != ky { return kx < ky }
                if x.classIndex != y.classIndex { return classes[Int(x.classIndex)] < classes[Int(y.classIndex)] }
                return (x.period ?? window!.from) < (y.period ?? window!.from)
            }
            // The safety rules' findings for every candidate, split between threads (each with caches of its own).
            let parts = threads > 1 && candidates.count >= 4096 ? threads : 1
            let results = ConcurrentResults<[[SafetyFinding]], Never>(count: parts)
            let source = self.source, rules = self.rules, all = candidates
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                var cache = SafetyCache(rules)
                let mine = all[(all.count * k / parts)..<(all.count * (k + 1) / parts)]
                results.store(k, .success(mine.map { cache.findings($0, of: source) }))
            }
            var positive: [Int32] = [], excluded: [Int32] = []
            var i = 0
            for k in 0..<parts {
                for found in results.get(k) {
                    let r = candidates[i]
                    i += 1
                    findings[r] = found
                    if found.contains(where: { $0.action == .exclude }) { excluded.append(r) } else { positive.append(r) }
                }
            }
            return (positive, excluded)
        }

        /// Each product of row `r` with the latest period it was dispensed in, by code.
        private func products(of r: Int32) -> [(code: String, period: Period)] {
            source.productIDs(of: r).map { (data.products[Int($0.product)], data.periods[Int($0.period)]) }.sorted { $0.code < $1.code }
        }

        private mutating func safetyFindings(_ r: Int32) -> [SafetyFinding] {
            if let known = findings[r] { return known }
            let found = cache.findings(r, of: source)
            findings[r] = found
            return found
        }

        /// The rules and what they know of the entries met so far: each dispensed (product, period) and each
        /// target product looked up once.
        struct SafetyCache {
            let evaluator: SafetyEvaluator
            private var factsIndex = IntMap()
            private var facts: [SafetyRules.EntryFacts?] = []  // nil when the classifier has no entry
            private var targetFacts: [SafetyRules.EntryFacts?] = []

            init(_ rules: SafetyRules) { evaluator = SafetyEvaluator(rules) }

            /// The findings for row `r` of `builder`: its dispensed products (each at its latest period) and the
            /// product of its latest target.
            mutating func findings(_ r: Int32, of builder: RowSource) -> [SafetyFinding] {
                let table = builder.table
                let suggested = table.suggestedEntry(Int(r))
                if evaluator.isEmpty && suggested == nil { return [] }
                var dispensed: [SafetyRules.EntryFacts] = []
                for (product, period) in builder.productIDs(of: r) {
                    let key = UInt64(UInt32(bitPattern: product)) << 32 | UInt64(UInt32(bitPattern: period))
                    let i: Int32
                    if let known = factsIndex[key] {
                        i = known
                    } else {
                        let entry = builder.classifier.entry(
                            product: builder.data.products[Int(product)], period: builder.data.periods[Int(period)])
                        facts.append(entry.map { evaluator.facts($0) })
                        i = Int32(facts.count - 1)
                        _ = factsIndex.value(key) { i }
                    }
                    if let f = facts[Int(i)] { dispensed.append(f) }
                }
                var suggestedFacts: SafetyRules.EntryFacts?
                if suggested != nil {
                    let t = Int(table.rows[Int(r)].lastTargetProduct)
                    if targetFacts.isEmpty { targetFacts = Array(repeating: nil, count: table.targetProducts.count) }
                    if targetFacts[t] == nil { targetFacts[t] = evaluator.facts(table.targetProducts[t]) }
                    suggestedFacts = targetFacts[t]
                }
                return evaluator.findings(dispensed: dispensed, suggested: suggestedFacts)
            }
        }

        /// The code a row is keyed by: its unit or prescriber, or `all`.
        private func rowKeyName(_ key: Int32) -> String { key < 0 ? "all" : data.organisations[Int(key)] }

        /// The stable id of row `r` (see `Opportunity.id`).
        func id(of r: Int32) -> String {
            let row = table.rows[Int(r)]
            return Opportunity.id(
                level: level, key: rowKeyName(row.key), equivalenceClass: classes[Int(row.classIndex)],
                products: products(of: r).map(\.code), period: row.period)
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

        /// The whole opportunity of row `r` (rank 0; the caller numbers the ones it lists).
        mutating func opportunity(_ r: Int32) -> Opportunity {
            if patients == nil && data.hasPatients {
                patients = Self.distinctCounts(data.patientsByCell, table.rowOfCell, table.rows.count)
            }
            if prescribers == nil && data.hasPrescribers && data.organisationColumn != .prescriber {
                prescribers = Self.distinctCounts(data.prescribersByCell, table.rowOfCell, table.rows.count)
            }
            let row = table.rows[Int(r)]
            let dispensed = products(of: r)
            let products = dispensed.map { ProductRef(code: $0.code, name: classifier.name(product: $0.code, period: $0.period) ?? "") }
            let safety = safetyFindings(r)
            var flags = row.flags.words
            if safety.contains(where: { $0.action == .review }) { flags.append("review") }
            if safety.contains(where: { $0.action == .sameGroupOnly }) { flags.append("same-group-only") }
            if row.blockedSaving > 0 { flags.append("blocked-saving") }
            let suggested = table.suggestedEntry(Int(r)).map {
                SuggestedProduct(code: $0.product, name: $0.name, unitPrice: $0.unitPrice, period: row.lastTargetPeriod!)
            }
            let equivalenceClass = classes[Int(row.classIndex)]
            let prescriberCount: Int?
            if data.organisationColumn == .prescriber {
                let cells = source.cellsByRow[source.rowStart[Int(r)]..<source.rowStart[Int(r) + 1]]
                prescriberCount = Set(cells.map { data.cells[Int($0)].organisation }).count
            } else {
                prescriberCount = prescribers?[Int(r)]
            }
            let key = rowKeyName(row.key)
            var opportunity = Opportunity(
                rank: 0,
                id: Opportunity.id(
                    level: level, key: key, equivalenceClass: equivalenceClass, products: products.map(\.code),
                    period: row.period),
                key: key,
                equivalenceClass: equivalenceClass,
                periodFrom: row.period ?? window!.from, periodTo: row.period ?? window!.to,
                products: products, suggested: suggested, quantity: row.quantity, cost: row.cost,
                ppu: row.quantity.raw == 0 ? nil : row.cost.doubleValue / row.quantity.doubleValue,
                targetPPU: row.targetQuantity == 0 ? row.lastTargetPeriod.map { _ in row.lastTargetPrice } : row.targetCost / row.targetQuantity,
                saving: row.saving, blockedSaving: row.blockedSaving, patients: patients?[Int(r)],
                prescribers: prescriberCount, flags: flags.sorted(), safety: safety)
            opportunity.review = decisions[opportunity.id]
            return opportunity
        }
    }
}
