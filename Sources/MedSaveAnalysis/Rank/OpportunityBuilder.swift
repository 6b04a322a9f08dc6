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
        private(set) var source: RowSource
        private let rules: SafetyRules
        private var cache: SafetyCache
        /// What decides which rows a rule excludes, every dispensed (product, period) decided up front where the
        /// classes of the aggregate's pairs are known; each thread's `ExclusionCheck` starts from a copy.
        private let decided: ExclusionCheck.Decided
        let threads: Int
        private var findings: [Int32: [SafetyFinding]] = [:]
        /// Distinct patients and prescribers of the rows to be built (`prepare`), by row.
        private var patients: [Int32: Int] = [:]
        private var prescribers: [Int32: Int] = [:]
        private var counted = Set<Int32>()
        /// Class descriptions by class index, each built once.
        private var descriptions: [Int32: String] = [:]
        /// At levels that sum units, each row's units and their savings (built when the first row is shown).
        private var members: [[(organisation: Int32, saving: Double)]]?

        init(
            data: DispensingAggregate, cells: CellKeys, classifier: any ProductClassifier, rows: RowTable,
            keys: RowKeys, classes: [EquivalenceClass], window: (from: Period, to: Period)?, classOfPair: [Int32] = [],
            entryOfPair: [Int32] = [], advice: CurrentAdvice, configuration: RankConfiguration
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
            source = RowSource(
                data: data, cells: cells, classifier: classifier, table: rows, advice: advice, rowCells: RowCells())
            decided =
                ExclusionCheck.learned(
                    configuration.rules, source, classOfPair: classOfPair, entryOfPair: entryOfPair,
                    threads: configuration.threads
                ).decided
        }

        /// The rows with a positive saving, split into those that rank and those a rule excludes, each in row
        /// order (`RankOrder` orders them). Only whether a rule excludes a row is decided here, from facts looked
        /// up once per (product, period) (`ExclusionCheck`); the findings themselves are built for the rows shown.
        /// Only the rows whose exclusion depends on their products have their cells listed.
        mutating func candidates() -> (positive: [Int32], excluded: [Int32]) {
            let candidates = table.rows.numbers(where: { $0.saving > 0 }, threads: threads)
            prepareCells(for: candidates.lazy.filter(readsCells))
            // Split between threads, each with lookups of its own.
            let parts = threads > 1 && candidates.count >= 4096 ? threads : 1
            let results = ConcurrentResults<[Bool], Never>(count: parts)
            let source = self.source, rules = self.rules, decided = self.decided, all = candidates
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                var check = ExclusionCheck(rules, source, decided: decided)
                let mine = all[Ranking.part(k, of: parts, count: all.count)]
                results.store(k, .success(mine.map { check.excludes($0) }))
            }
            var positive: [Int32] = [], excluded: [Int32] = []
            positive.reserveCapacity(candidates.count)
            var i = 0
            for k in 0..<parts {
                for excludes in results.get(k) {
                    if excludes { excluded.append(candidates[i]) } else { positive.append(candidates[i]) }
                    i += 1
                }
            }
            return (positive, excluded)
        }

        /// Rows that save nothing themselves but carry blocked saving, which a rule excludes: left out of the
        /// blocked figure as the excluded opportunities are.
        mutating func excludedWithoutSaving() -> [Int32] {
            let rows = table.rows.numbers(where: { $0.saving <= 0 && $0.blockedSaving > 0 }, threads: threads)
            prepareCells(for: rows.lazy.filter(readsCells))
            var check = ExclusionCheck(rules, source, decided: decided)
            return rows.filter { check.excludes($0) }
        }

        /// Whether deciding row `r`'s exclusion may read its cells (`ExclusionCheck.Decided.readsCells`).
        private var readsCells: (Int32) -> Bool {
            let decided = self.decided, rows = table.rows
            return { decided.readsCells(ofClass: rows[Int($0)].classIndex) }
        }

        /// Lists the cells of `rows` (`RowCells`), which are about to be read.
        mutating func prepareCells(for rows: some Sequence<Int32>) {
            source.rowCells.prepare(rows, rowOfCell: table.rowOfCell, rowCount: table.rows.count)
        }

        /// Whether a safety rule excludes a row, as its findings would say (`SafetyRules.findings`: an `exclude`
        /// rule matching a dispensed product at its latest period or the suggested one, or a built-in check
        /// between them), decided per (product, period) once: a product in a period belongs to one class, so it
        /// meets one suggestion. No allocation per row.
        struct ExclusionCheck {
            let source: RowSource
            let evaluator: SafetyEvaluator
            /// The classifier's entries and their products' numbers, when it is a catalogue: entries found at
            /// classification are read by index. (Lists of their own: a check reads them for every pair, and a
            /// struct of many references copied out at each read costs more than the read.)
            let entries: Catalogue.Entries, productOfEntry: [Int32]
            /// The aggregate's periods.
            let periods: [Period]
            /// What is decided so far, which a check for another thread can start from.
            struct Decided: Sendable {
                /// Per product × period of the aggregate: 0 not yet known, 1 keeps, 2 excludes.
                fileprivate var state: [UInt8]
                /// Per class: 0 not yet known, 1 keeps, 2 the suggestion itself is excluded, 3 no rule and no
                /// suggestion (nothing can exclude).
                fileprivate var classState: [UInt8]
                fileprivate var suggestion: [SafetyRules.EntryFacts?]
                /// Per class, once every (product, period) dispensed is known (`learn`): whether any of the
                /// class's could exclude. A row of a class none of whose can is kept without reading its cells.
                fileprivate var mayExclude: [Bool] = []

                /// Whether deciding a row of the class may read its cells: not when the class alone decides it.
                func readsCells(ofClass classIndex: Int32) -> Bool {
                    switch classState[Int(classIndex)] {
                    case 2, 3: return false
                    default: return mayExclude.isEmpty || mayExclude[Int(classIndex)]
                    }
                }
            }
            private(set) var decided: Decided
            /// The latest period of each product met in the current row (-1: not met), and those met.
            private var latest: [Int32]
            private var touched: [Int32] = []

            init(_ rules: SafetyRules, _ source: RowSource, decided: Decided? = nil) {
                self.source = source
                evaluator = SafetyEvaluator(rules)
                let catalogue = source.classifier as? Catalogue
                entries = catalogue?.entries ?? Catalogue.Entries()
                productOfEntry = catalogue?.productNumberOfEntries ?? []
                periods = source.data.periods
                let products = source.data.products.count, periods = source.data.periods.count
                let classes = source.advice.classCount
                self.decided =
                    decided
                    ?? Decided(
                        state: [UInt8](repeating: 0, count: products * periods),
                        classState: [UInt8](repeating: 0, count: classes),
                        suggestion: [SafetyRules.EntryFacts?](repeating: nil, count: classes))
                latest = [Int32](repeating: -1, count: products)
            }

            private func excluding(_ facts: SafetyRules.EntryFacts) -> Bool {
                facts.rules.contains { evaluator.rules.rules[$0].action == .exclude }
            }

            /// A check with every (product, period) of `classOfPair` (the class id of each product id · periods +
            /// period id, negative: in none; `Ranking.classify`) decided up front, and so which classes may exclude
            /// at all: O(products × periods) lookups, split between threads, instead of reading every row's cells.
            static func learned(
                _ rules: SafetyRules, _ source: RowSource, classOfPair: [Int32], entryOfPair: [Int32] = [],
                threads: Int
            ) -> ExclusionCheck {
                let periods = source.data.periods.count
                guard !classOfPair.isEmpty, classOfPair.count == source.data.products.count * periods else {
                    return ExclusionCheck(rules, source)
                }
                let parts = threads > 1 && classOfPair.count >= 4096 ? threads : 1
                let results = ConcurrentResults<Decided, Never>(count: parts)
                DispatchQueue.concurrentPerform(iterations: parts) { k in
                    var check = ExclusionCheck(rules, source)
                    check.learn(
                        classOfPair, entryOfPair,
                        Ranking.part(k, of: parts, count: classOfPair.count))
                    results.store(k, .success(check.decided))
                }
                // Each part decided its own pairs; a class's state is the same whoever decided it.
                var decided = results.get(0)
                for k in 1..<parts {
                    let other = results.get(k)
                    for i in decided.state.indices where decided.state[i] == 0 { decided.state[i] = other.state[i] }
                    for c in decided.classState.indices where decided.classState[c] == 0 {
                        decided.classState[c] = other.classState[c]
                        decided.suggestion[c] = other.suggestion[c]
                    }
                    for c in decided.mayExclude.indices {
                        decided.mayExclude[c] = decided.mayExclude[c] || other.mayExclude[c]
                    }
                }
                return ExclusionCheck(rules, source, decided: decided)
            }

            /// Decides the pairs of `classOfPair` in `slots`, and which of their classes may exclude.
            private mutating func learn(_ classOfPair: [Int32], _ entryOfPair: [Int32], _ slots: Range<Int>) {
                let periods = source.data.periods.count
                var may = [Bool](repeating: false, count: decided.classState.count)
                for slot in slots where classOfPair[slot] >= 0 {
                    let classIndex = classOfPair[slot]
                    switch status(of: classIndex) {
                    case 3: continue
                    case 2: may[Int(classIndex)] = true
                    default:
                        let entry = entryOfPair.isEmpty ? nil : entryOfPair[slot]
                        if decide(
                            product: Int32(slot / periods), period: Int32(slot % periods), classIndex, entry: entry)
                        {
                            may[Int(classIndex)] = true
                        }
                    }
                }
                decided.mayExclude = may
            }

            /// The class's state (`classState`), looked up the first time.
            private mutating func status(of classIndex: Int32) -> UInt8 {
                if decided.classState[Int(classIndex)] == 0 {
                    let suggested = source.advice.product(ofClass: classIndex)
                    if evaluator.isEmpty && suggested == nil {
                        decided.classState[Int(classIndex)] = 3
                    } else {
                        let facts = suggested.map { evaluator.facts($0) }
                        decided.suggestion[Int(classIndex)] = facts
                        decided.classState[Int(classIndex)] = facts.map(excluding) == true ? 2 : 1
                    }
                }
                return decided.classState[Int(classIndex)]
            }

            /// Whether the product dispensed in the period excludes the switch to its class's suggestion, looked
            /// up the first time.
            /// `entry`, when known, is the pair's index in the classifier (a catalogue; −1: none), found when the
            /// pairs were classified: no code is looked up again.
            private mutating func decide(product: Int32, period: Int32, _ classIndex: Int32, entry: Int32? = nil)
                -> Bool
            {
                let at = Int(product) * periods.count + Int(period)
                if decided.state[at] == 0 {
                    let facts: SafetyRules.EntryFacts?
                    if let entry, !entries.isEmpty {
                        facts =
                            entry < 0
                            ? nil
                            : evaluator.facts(
                                ofEntry: Int(entry), in: entries, productNumber: Int(productOfEntry[Int(entry)]))
                    } else {
                        facts = source.classifier.entry(
                            product: source.data.products[Int(product)], period: periods[Int(period)]
                        ).map { evaluator.facts($0) }
                    }
                    decided.state[at] = facts.map { excludes($0, classIndex) } == true ? 2 : 1
                }
                return decided.state[at] == 2
            }

            mutating func excludes(_ r: Int32) -> Bool {
                let classIndex = source.table.rows[Int(r)].classIndex
                switch status(of: classIndex) {
                case 3: return false
                case 2: return true
                default: if !decided.readsCells(ofClass: classIndex) { return false }
                }
                for c in source.cells(of: r) {
                    let cell = source.cells[Int(c)]
                    let seen = latest[Int(cell.product)]
                    if seen < 0 {
                        touched.append(cell.product)
                        latest[Int(cell.product)] = cell.period
                    } else if periods[Int(seen)] < periods[Int(cell.period)] {
                        latest[Int(cell.product)] = cell.period
                    }
                }
                var excluded = false
                for product in touched {
                    let period = latest[Int(product)]
                    latest[Int(product)] = -1
                    if !excluded { excluded = decide(product: product, period: period, classIndex) }
                }
                touched.removeAll(keepingCapacity: true)
                return excluded
            }

            /// Whether a dispensed entry's facts exclude the switch to its class's suggestion.
            private func excludes(_ facts: SafetyRules.EntryFacts, _ classIndex: Int32) -> Bool {
                if excluding(facts) { return true }
                guard let s = decided.suggestion[Int(classIndex)] else { return false }
                return facts.modifiedRelease != s.modifiedRelease || (s.narcotic && facts.packSize != s.packSize)
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

        /// Distinct codes per row among the (cell << 32 | code) pairs of `cells` (each cell once; `wanted` has
        /// their bits), the rows being `rowOfCell`'s: from a pair set (its keys of those cells) or from the
        /// window's sorted pairs (each cell's run found by bisection).
        static func distinctCounts(
            _ set: PairSet?, sorted: [UInt64]?, cells: [Int32], wanted: [UInt64], _ rowOfCell: [Int32]
        ) -> [Int32: Int] {
            var seen = Set<UInt64>()
            var counts: [Int32: Int] = [:]
            func count(_ pair: UInt64) {
                let row = rowOfCell[Int(pair >> 32)]
                if seen.insert(UInt64(row) << 32 | (pair & 0xFFFF_FFFF)).inserted { counts[row, default: 0] += 1 }
            }
            if let sorted {
                for c in cells {
                    let low = UInt64(UInt32(bitPattern: c)) << 32
                    var (lo, hi) = (0, sorted.count)
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if sorted[mid] < low { lo = mid + 1 } else { hi = mid }
                    }
                    while lo < sorted.count && sorted[lo] >> 32 == low >> 32 {
                        count(sorted[lo])
                        lo += 1
                    }
                }
            } else if let set {
                set.forEachKey(ofCells: cells, isListed: { wanted[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 }, count)
            }
            return counts
        }

        /// Lists the cells of `rows`, the rows about to be built, and counts their distinct patients and
        /// prescribers.
        mutating func prepare(_ rows: [Int32]) {
            prepareCells(for: rows)
            let rows = rows.filter { !counted.contains($0) }
            guard !rows.isEmpty else { return }
            counted.formUnion(rows)
            guard data.hasPatients || data.hasPrescribers else { return }
            var wanted = [UInt64](repeating: 0, count: (table.rowOfCell.count + 63) / 64)
            var cells: [Int32] = []
            for r in rows {
                for c in source.cells(of: r) where wanted[Int(c) >> 6] & (1 << UInt64(c & 63)) == 0 {
                    wanted[Int(c) >> 6] |= 1 << UInt64(c & 63)
                    cells.append(c)
                }
            }
            if data.hasPatients {
                let counts = Self.distinctCounts(
                    data.patientsByCell, sorted: source.cells.patientPairs, cells: cells, wanted: wanted,
                    table.rowOfCell)
                patients.merge(counts) { $1 }
            }
            if data.hasPrescribers && data.organisationColumn != .prescriber {
                let counts = Self.distinctCounts(
                    data.prescribersByCell, sorted: source.cells.prescriberPairs, cells: cells, wanted: wanted,
                    table.rowOfCell)
                prescribers.merge(counts) { $1 }
            }
        }

        /// The whole opportunity of row `r` (rank 0; the caller numbers the ones it lists).
        mutating func opportunity(_ r: Int32) -> Opportunity {
            prepare([r])  // rows not prepared beforehand are listed and counted on their own
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
                let cells = source.cells(of: r)
                prescriberCount = Set(cells.map { source.cells[Int($0)].organisation }).count
            } else {
                prescriberCount = data.hasPrescribers ? prescribers[r] ?? 0 : nil
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
                saving: row.saving, blockedSaving: row.blockedSaving,
                patients: data.hasPatients ? patients[r] ?? 0 : nil,
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
