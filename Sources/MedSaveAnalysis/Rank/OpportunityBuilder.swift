import Foundation
import MedSaveModel
import MedSaveSupport

extension Ranking {
    /// Turns rows into opportunities: decides which rows rank and which the safety rules exclude, orders them,
    /// and builds the full `Opportunity` — products and names, ids, counts — only for the rows that are shown.
    struct OpportunityBuilder {
        let data: DispensingAggregate
        let classifier: any ProductClassifier
        let table: RowTable
        let classes: [EquivalenceClass]
        let window: (from: Period, to: Period)?
        let level: RankLevel
        let rowKeys: RowKeys
        let decisions: [String: ReviewRecord]
        let source: RowSource
        private let rules: SafetyRules
        private var cache: SafetyCache
        let threads: Int
        private var findings: [Int32: [SafetyFinding]] = [:]
        private var patients: [Int]?
        private var prescribers: [Int]?
        /// Class descriptions by class index, each built once.
        private var descriptions: [Int32: String] = [:]
        /// At levels that sum units, each row's units and their savings (built when the first row is shown).
        private var members: [[(organisation: Int32, saving: Double)]]?

        init(
            data: DispensingAggregate, classifier: any ProductClassifier, rows: RowTable, keys: RowKeys,
            classes: [EquivalenceClass], window: (from: Period, to: Period)?, advice: CurrentAdvice,
            configuration: RankConfiguration
        ) {
            self.data = data
            self.classifier = classifier
            self.classes = classes
            table = rows
            self.window = window
            level = configuration.level
            rowKeys = keys
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
            source = RowSource(
                data: data, classifier: classifier, table: rows, advice: advice, rowStart: counts,
                cellsByRow: cellsByRow)
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
                    if found.contains(where: { $0.action == .exclude }) {
                        excluded.append(r)
                    } else {
                        positive.append(r)
                    }
                }
            }
            return (positive, excluded)
        }

        /// Rows that save nothing themselves but carry blocked saving, which a rule excludes: left out of the
        /// blocked figure as the excluded opportunities are.
        func excludedWithoutSaving() -> [Int32] {
            var cache = SafetyCache(rules)
            return table.rows.indices.compactMap { r -> Int32? in
                let row = table.rows[r]
                guard row.saving <= 0, row.blockedSaving > 0 else { return nil }
                return cache.findings(Int32(r), of: source).contains { $0.action == .exclude } ? Int32(r) : nil
            }
        }

        /// Each product of row `r` with the latest period it was dispensed in, by code.
        private func products(of r: Int32) -> [(code: String, period: Period)] {
            source.productIDs(of: r).map { (data.products[Int($0.product)], data.periods[Int($0.period)]) }.sorted {
                $0.code < $1.code
            }
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
            /// The advice's facts by class index, once looked up.
            private var adviceFacts: [Int32: SafetyRules.EntryFacts] = [:]

            init(_ rules: SafetyRules) { evaluator = SafetyEvaluator(rules) }

            /// The findings for row `r` of `builder`: its dispensed products (each at its latest period) and the
            /// product the advice suggests for its class.
            mutating func findings(_ r: Int32, of builder: RowSource) -> [SafetyFinding] {
                let classIndex = builder.table.rows[Int(r)].classIndex
                let suggested = builder.advice.product(ofClass: classIndex)
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
                if let suggested {
                    if adviceFacts[classIndex] == nil { adviceFacts[classIndex] = evaluator.facts(suggested) }
                    suggestedFacts = adviceFacts[classIndex]
                }
                return evaluator.findings(dispensed: dispensed, suggested: suggestedFacts)
            }
        }

        /// The class in words, as listed in the advice month (the window's last month for percentile targets).
        private mutating func description(ofClass classIndex: Int32) -> String {
            if let known = descriptions[classIndex] { return known }
            let month = source.advice.month ?? window?.to
            let text = month.flatMap { classifier.describe(classes[Int(classIndex)], in: $0) } ?? ""
            descriptions[classIndex] = text
            return text
        }

        /// The code a row is keyed by: its unit or prescriber, or `all`.
        private func rowKeyName(_ key: Int32) -> String { rowKeys.name(key, data) }

        /// Whether row `r` passes the configuration's drill-down filters (class, key, id).
        func matches(_ r: Int32, _ c: RankConfiguration) -> Bool {
            let row = table.rows[Int(r)]
            if let only = c.onlyClass, classes[Int(row.classIndex)] != only { return false }
            if let only = c.onlyKey, rowKeyName(row.key) != only { return false }
            if let only = c.onlyID, id(of: r) != only.lowercased() { return false }
            return true
        }

        /// The stable id of row `r` (see `Opportunity.id`).
        func id(of r: Int32) -> String {
            let row = table.rows[Int(r)]
            return Opportunity.id(
                level: level, key: rowKeyName(row.key), equivalenceClass: classes[Int(row.classIndex)],
                period: row.period)
        }

        /// The decision on row `r` under its id, else under its first-scheme id (see `Opportunity.legacyID`).
        func decision(of r: Int32) -> ReviewRecord? {
            guard !decisions.isEmpty else { return nil }
            if let d = decisions[id(of: r)] { return d }
            let row = table.rows[Int(r)]
            return decisions[
                Opportunity.legacyID(
                    level: level, key: rowKeyName(row.key), equivalenceClass: classes[Int(row.classIndex)],
                    products: products(of: r).map(\.code), period: row.period)]
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
            let products = dispensed.map {
                ProductRef(code: $0.code, name: classifier.name(product: $0.code, period: $0.period) ?? "")
            }
            let safety = safetyFindings(r)
            var flags = row.flags.words
            if safety.contains(where: { $0.action == .review }) { flags.append("review") }
            if safety.contains(where: { $0.action == .sameGroupOnly }) { flags.append("same-group-only") }
            if row.blockedSaving > 0 { flags.append("blocked-saving") }
            let advice = source.advice
            flags += advice.flags(ofClass: row.classIndex, dispensed: dispensed.map(\.code), classifier: classifier)
            let suggested = advice.product(ofClass: row.classIndex).map {
                SuggestedProduct(code: $0.product, name: $0.name, unitPrice: $0.unitPrice, period: advice.month!)
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
                id: Opportunity.id(level: level, key: key, equivalenceClass: equivalenceClass, period: row.period),
                key: key,
                equivalenceClass: equivalenceClass,
                periodFrom: row.period ?? window!.from, periodTo: row.period ?? window!.to,
                products: products, suggested: suggested, quantity: row.quantity, cost: row.cost,
                ppu: row.quantity.raw == 0 ? nil : row.cost.doubleValue / row.quantity.doubleValue,
                targetPPU: row.targetQuantity == 0
                    ? row.lastTargetPeriod.map { _ in row.lastTargetPrice } : row.targetCost / row.targetQuantity,
                saving: row.saving, blockedSaving: row.blockedSaving, patients: patients?[Int(r)],
                prescribers: prescriberCount, flags: flags.sorted(), safety: safety)
            opportunity.classDescription = description(ofClass: row.classIndex)
            opportunity.latestSaving =
                row.period != nil ? row.saving : row.lastTargetPeriod == window?.to ? row.lastSaving : 0
            if level.sumsUnits {
                if members == nil { members = table.membersByRow() }
                let mine = members![Int(r)]
                opportunity.units = mine.count
                opportunity.topUnits = mine.filter { $0.saving > 0 }.map {
                    KeyedSaving(key: data.organisations[Int($0.organisation)], saving: $0.saving)
                }.sorted { ($1.saving, $0.key) < ($0.saving, $1.key) }.prefix(3).map { $0 }
            }
            opportunity.legacyID = Opportunity.legacyID(
                level: level, key: key, equivalenceClass: equivalenceClass, products: products.map(\.code),
                period: row.period)
            opportunity.review = decisions[opportunity.id] ?? decisions[opportunity.legacyID]
            if let context = opportunity.review?.context {
                // What has changed since the decision was made.
                let window = "\(opportunity.periodFrom)..\(opportunity.periodTo)"
                if context.window != window { opportunity.flags.append("decided-on-other-data") }
                if (context.saving * 100).rounded() != (opportunity.saving * 100).rounded() {
                    opportunity.flags.append("saving-changed")
                }
                if context.suggested != (opportunity.suggested?.code ?? "") {
                    opportunity.flags.append("suggestion-changed")
                }
                opportunity.flags.sort()
            }
            return opportunity
        }
    }
}
