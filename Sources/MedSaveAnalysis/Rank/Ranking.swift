import Foundation
import MedSaveModel
import MedSaveNumeric
import MedSaveSupport

/// Ranks savings opportunities: classifies each aggregate cell by the catalogue of its own period, sets a
/// target per (class, period), computes each organisation's saving through the numeric core, and sums the
/// savings to the level shown.
///
/// Every cell ends up either used or set aside with a reason, so the reconciliation balances exactly.
/// Complexity: O(cells · log cells) for grouping plus O(organisations · log organisations) per block for
/// percentile targets.
public enum Ranking {
    /// Ranks against a catalogue (classes, names and prices by period).
    public static func rank(
        _ data: DispensingAggregate, catalogue: Catalogue, configuration: RankConfiguration
    ) throws -> RankResult {
        try rank(data, classifier: catalogue, configuration: configuration)
    }

    /// Ranks with any classifier: a catalogue, or BNF codes (percentile targets only).
    public static func rank(
        _ data: DispensingAggregate, classifier: any ProductClassifier, configuration: RankConfiguration
    ) throws -> RankResult {
        precondition(
            data.organisationColumn == configuration.level.organisationColumn,
            "the aggregate was read with organisations from the \(data.organisationColumn) column")
        try Targets.check(
            configuration.target, pricesKnown: classifier.knowsPrices, peerGroup: configuration.peers != nil)
        var books = Reconciliation()
        books.rowsRead = data.rowsRead
        books.costRead = data.costRead
        books.setAside(.badRow, rows: data.badRows, cost: data.badRowCost)

        var classes = ClassIndex()
        let (blocks, cells) = classify(
            data, classifier: classifier, classes: &classes, window: configuration.periods, threads: configuration.threads, books: &books)
        // With no prescriber named, each cell's blocked rows are its own blocked sums, under prescriber −1.
        let blockedOfCell = data.blockedByPrescriber.isEmpty ? nil : BlockedRows(data)
        let peers = configuration.peers.map { peers in data.organisations.map { peers.contains($0) } }
        // Blocks of different classes add to different rows, so the classes can be split between threads; each
        // row still sums its blocks in their order, so the result does not depend on the split.
        let parts = configuration.threads > 1 && blocks.count >= 256 ? configuration.threads : 1
        let results = ConcurrentResults<BlockSums, Error>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            let mine = blocks.indices.filter { Int(blocks[$0].classIndex) % parts == k }
            results.store(k, Result {
                try sum(
                    blocks: mine.map { blocks[$0] }, cells: cells, blockedOfCell: blockedOfCell, data: data, classifier: classifier,
                    configuration: configuration, peers: peers)
            })
        }
        var rows = RowTable(byPeriod: configuration.byPeriod, level: configuration.level, cellCount: data.cells.count)
        var barriers = Barriers()
        for k in 0..<parts {
            let part = try results.get(k)
            rows.append(part.rows)
            barriers.append(part.barriers)
            books.rowsUsed += part.rowsUsed
            books.costUsed += part.costUsed
            books.setAside(.noTarget, rows: part.noTargetRows, cost: part.noTargetCost)
        }
        let window = rows.window.map { w in
            (from: max(w.from, configuration.periods.from ?? w.from), to: min(w.to, configuration.periods.to ?? w.to))
        }
        var opportunities = OpportunityBuilder(
            data: data, classifier: classifier, rows: rows, classes: classes.classes, window: window,
            configuration: configuration)
        let ranked = opportunities.ranked()
        let totalSaving = ranked.positive.reduce(0) { $0 + rows.rows[Int($1)].saving }
        var listed = ranked.positive.filter { rows.rows[Int($0)].saving >= configuration.minSaving }
        let beforeHiding = listed.count
        if configuration.hideDecided {
            listed.removeAll { configuration.decisions[opportunities.id(of: $0)]?.decision.isFinal == true }
        }
        let hidden = beforeHiding - listed.count
        if let top = configuration.top { listed = Array(listed.prefix(top)) }
        var shown = listed.map { opportunities.opportunity($0) }
        for i in shown.indices { shown[i].rank = i + 1 }
        let excluded = ranked.excluded.map { opportunities.opportunity($0) }
        let blocked = barriers.list(data, classes: classes.classes)
        return RankResult(
            configuration: configuration, window: window, reconciliation: books, totalSaving: totalSaving,
            opportunityCount: ranked.positive.count, hiddenDecided: hidden, opportunities: shown, excluded: excluded,
            blocked: blocked)
    }

    /// What a set of blocks adds up to: rows, barriers, and the rows and cost used or without a target.
    struct BlockSums: Sendable {
        var rows: RowTable
        var barriers = Barriers()
        var rowsUsed = 0
        var costUsed: FixedDecimal = .zero
        var noTargetRows = 0
        var noTargetCost: FixedDecimal = .zero
    }

    /// Sets each block's target, computes its organisations' savings (and those blocked by "do not
    /// substitute" flags) through the numeric core, and adds them to their rows, block by block in order.
    static func sum(
        blocks: [Block], cells: [BlockCell], blockedOfCell: BlockedRows?, data: DispensingAggregate,
        classifier: any ProductClassifier, configuration: RankConfiguration, peers: [Bool]?
    ) throws -> BlockSums {
        var result = BlockSums(rows: RowTable(byPeriod: configuration.byPeriod, level: configuration.level, cellCount: data.cells.count))
        var positionOf = [Int32](repeating: -1, count: data.organisations.count)
        for block in blocks {
            guard let target = Targets.target(for: block, rule: configuration.target, classifier: classifier, peers: peers) else {
                result.noTargetRows += block.rows
                result.noTargetCost += block.totalCost
                continue
            }
            // The target uses every row (what each organisation paid); the saving only rows that may be substituted.
            let q = zip(block.quantity, block.blockedQuantity).map { ($0 - $1).doubleValue }
            let c = zip(block.cost, block.blockedCost).map { ($0 - $1).doubleValue }
            let savings = try SavingsKernel.savings(quantity: q, cost: c, target: target.price)
            let targetFlags = RowFlags(target.flags)
            let targetProduct = result.rows.targetProduct(target)
            var rowOf = [Int32](repeating: 0, count: block.organisations.count)
            for (position, organisation) in block.organisations.enumerated() {
                rowOf[position] = result.rows.add(
                    organisation: organisation, block: block, position: position, saving: savings[position],
                    target: target, product: targetProduct, flags: targetFlags.union(block.cellFlags[position]))
                positionOf[Int(organisation)] = Int32(position)
            }
            // Blocked rows per (organisation, prescriber) in this block, in key order.
            var blockedHere: [(key: UInt64, quantity: FixedDecimal, cost: FixedDecimal)] = []
            result.rowsUsed += block.rows
            result.costUsed += block.totalCost
            for c in cells[block.cells] {
                result.rows.rowOfCell[Int(c.index)] = rowOf[Int(c.position)]
                guard c.hasBlockedRows else { continue }
                let organisation = UInt64(UInt32(bitPattern: c.organisation)) << 32
                guard let blockedOfCell else {
                    blockedHere.append((organisation | 0xFFFF_FFFF, c.blockedQuantity, c.blockedCost))
                    continue
                }
                for e in blockedOfCell.range(Int(c.index)) {
                    let (prescriber, q, cost) = blockedOfCell.entries[e]
                    blockedHere.append((organisation | UInt64(UInt32(bitPattern: prescriber)), q, cost))
                }
            }
            blockedHere.sort { $0.key < $1.key }
            var merged: [(key: UInt64, quantity: FixedDecimal, cost: FixedDecimal)] = []
            for entry in blockedHere {
                if merged.last?.key == entry.key {
                    merged[merged.count - 1].quantity += entry.quantity
                    merged[merged.count - 1].cost += entry.cost
                } else {
                    merged.append(entry)
                }
            }
            let blockedSavings = try SavingsKernel.savings(
                quantity: merged.map(\.quantity.doubleValue), cost: merged.map(\.cost.doubleValue), target: target.price)
            for (entry, saving) in zip(merged, blockedSavings) {
                let organisation = Int32(bitPattern: UInt32(entry.key >> 32)), prescriber = Int32(bitPattern: UInt32(entry.key & 0xFFFF_FFFF))
                result.rows.addBlocked(row: rowOf[Int(positionOf[Int(organisation)])], saving: saving)
                result.barriers.add(
                    organisation: organisation, prescriber: data.organisationColumn == .prescriber ? organisation : prescriber,
                    classIndex: block.classIndex, quantity: entry.quantity, cost: entry.cost, saving: saving)
            }
            for organisation in block.organisations { positionOf[Int(organisation)] = -1 }
        }
        return result
    }

    /// The rows marked "do not substitute", summed per cell and prescriber (`blockedByPrescriber`, and the rest
    /// of each cell's blocked rows under prescriber −1), by cell.
    struct BlockedRows {
        private var start: [Int]
        private(set) var entries: [(Int32, FixedDecimal, FixedDecimal)]

        init(_ data: DispensingAggregate) {
            let n = data.cells.count
            var knownCount = [Int32](repeating: 0, count: n)
            var known = [(quantity: FixedDecimal, cost: FixedDecimal)](repeating: (.zero, .zero), count: data.blockedByPrescriber.isEmpty ? 0 : n)
            for (key, value) in data.blockedByPrescriber {
                let cell = Int(key >> 32)
                knownCount[cell] += 1
                known[cell].quantity += value.quantity
                known[cell].cost += value.cost
            }
            // A cell's blocked rows without a prescriber: its blocked sums less what the prescribers account for.
            func rest(_ i: Int) -> (quantity: FixedDecimal, cost: FixedDecimal)? {
                guard data.cells[i].blockedRows > 0 else { return nil }
                let r = data.blockedWithoutPrescriber(i, known: known.isEmpty ? (.zero, .zero) : known[i])
                return r.quantity != .zero || r.cost != .zero || knownCount[i] == 0 ? r : nil
            }
            start = Array(repeating: 0, count: n + 1)
            var rests = [(quantity: FixedDecimal, cost: FixedDecimal)?](repeating: nil, count: n)
            for i in 0..<n {
                rests[i] = rest(i)
                start[i + 1] = start[i] + Int(knownCount[i]) + (rests[i] == nil ? 0 : 1)
            }
            var next = start
            entries = Array(repeating: (0, .zero, .zero), count: start[n])
            for (key, value) in data.blockedByPrescriber {
                let cell = Int(key >> 32)
                entries[next[cell]] = (Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)), value.quantity, value.cost)
                next[cell] += 1
            }
            for i in 0..<n {
                if let r = rests[i] { entries[next[i]] = (-1, r.quantity, r.cost) }
            }
        }

        /// Where `cell`'s entries are in `entries`: (prescriber id or −1, quantity, cost) of each prescriber's
        /// blocked rows.
        func range(_ cell: Int) -> Range<Int> { start[cell]..<start[cell + 1] }
    }

    /// Saving blocked by "do not substitute" flags, summed per (organisation, prescriber, class).
    struct Barriers {
        /// (organisation, prescriber) → pair id; (pair id, class) → barrier id.
        private var pairs = IntMap()
        private var index = IntMap()
        private var keys: [(organisation: Int32, prescriber: Int32, classIndex: Int32)] = []
        private var sums: [(quantity: FixedDecimal, cost: FixedDecimal, saving: Double)] = []

        mutating func add(
            organisation: Int32, prescriber: Int32, classIndex: Int32, quantity: FixedDecimal, cost: FixedDecimal, saving: Double
        ) {
            let pairCount = Int32(pairs.count)
            let pair = pairs.value(UInt64(UInt32(bitPattern: organisation)) << 32 | UInt64(UInt32(bitPattern: prescriber))) { pairCount }
            let next = Int32(keys.count)
            let b = Int(index.value(UInt64(pair) << 24 | UInt64(classIndex)) { next })
            if b == keys.count {
                keys.append((organisation, prescriber, classIndex))
                sums.append((.zero, .zero, 0))
            }
            sums[b].quantity += quantity
            sums[b].cost += cost
            sums[b].saving += saving
        }

        /// Adds the barriers of `other`, of other classes (after the last `add`).
        mutating func append(_ other: Barriers) {
            keys += other.keys
            sums += other.sums
        }

        /// The barriers with a positive saving, largest first, ties by unit, prescriber and class.
        func list(_ data: DispensingAggregate, classes: [EquivalenceClass]) -> [BlockedSaving] {
            keys.indices.compactMap { b -> BlockedSaving? in
                guard sums[b].saving > 0 else { return nil }
                let key = keys[b]
                let unitOrPrescriber = data.organisations[Int(key.organisation)]
                return BlockedSaving(
                    unit: data.organisationColumn == .prescriber ? "" : unitOrPrescriber,
                    prescriber: data.organisationColumn == .prescriber
                        ? unitOrPrescriber : (key.prescriber >= 0 ? data.prescribers[Int(key.prescriber)] : nil),
                    equivalenceClass: classes[Int(key.classIndex)], quantity: sums[b].quantity, cost: sums[b].cost,
                    saving: sums[b].saving)
            }.sorted { a, b in
                a.saving != b.saving ? a.saving > b.saving
                    : (a.unit, a.prescriber ?? "", a.equivalenceClass.description) < (b.unit, b.prescriber ?? "", b.equivalenceClass.description)
            }
        }
    }

    // MARK: - Blocks: one class in one period, organisations dense

    /// The organisations that dispensed a class in a period, with their Q and C summed over the class's products.
    struct Block {
        var equivalenceClass: EquivalenceClass
        /// The class's index in `ClassIndex.classes`.
        var classIndex: Int32
        var period: Period
        var organisations: [Int32] = []
        var quantity: [FixedDecimal] = []
        var cost: [FixedDecimal] = []
        /// The part of `quantity` and `cost` in rows marked "do not substitute".
        var blockedQuantity: [FixedDecimal] = []
        var blockedCost: [FixedDecimal] = []
        /// Per organisation: the flags of its cells (corrections, do-not-substitute rows).
        var cellFlags: [RowFlags] = []
        /// The block's cells in `classify`'s list of cells, grouped by block, and their rows and cost.
        var cells: Range<Int> = 0..<0
        var rows = 0
        var totalCost: FixedDecimal = .zero
    }

    /// What the ranking needs of one aggregate cell, copied once into a list grouped by block so that each
    /// block's cells are read in order rather than scattered across the aggregate.
    struct BlockCell {
        /// The cell's index in the aggregate, and its organisation's position in the block.
        var index: Int32
        var position: Int32
        var organisation: Int32
        var rows: Int32
        var quantity: FixedDecimal
        var cost: FixedDecimal
        var blockedQuantity: FixedDecimal
        var blockedCost: FixedDecimal
        var hasCorrections: Bool
        var hasBlockedRows: Bool
    }

    /// Sums a block's cells per organisation (numbered by first appearance), and notes each cell's position.
    /// `positionOf` is all −1 on entry and on return.
    private static func sumBlock(_ block: inout Block, cells: UnsafeMutableBufferPointer<BlockCell>, positionOf: inout [Int32]) {
        block.organisations.reserveCapacity(block.cells.count)
        block.quantity.reserveCapacity(block.cells.count)
        block.cost.reserveCapacity(block.cells.count)
        block.blockedQuantity.reserveCapacity(block.cells.count)
        block.blockedCost.reserveCapacity(block.cells.count)
        block.cellFlags.reserveCapacity(block.cells.count)
        for k in block.cells {
            let c = cells[k]
            var p = Int(positionOf[Int(c.organisation)])
            if p < 0 {
                p = block.organisations.count
                positionOf[Int(c.organisation)] = Int32(p)
                block.organisations.append(c.organisation)
                block.quantity.append(.zero)
                block.cost.append(.zero)
                block.blockedQuantity.append(.zero)
                block.blockedCost.append(.zero)
                block.cellFlags.append([])
            }
            if c.hasCorrections { block.cellFlags[p].insert(.correctionRows) }
            if c.hasBlockedRows { block.cellFlags[p].insert(.doNotSubstitute) }
            block.rows += Int(c.rows)
            block.totalCost += c.cost
            block.quantity[p] += c.quantity
            block.cost[p] += c.cost
            block.blockedQuantity[p] += c.blockedQuantity
            block.blockedCost[p] += c.blockedCost
            cells[k].position = Int32(p)
        }
        for o in block.organisations { positionOf[Int(o)] = -1 }
    }

    /// Buffers that threads write at indices of their own.
    private struct SharedBuffers: @unchecked Sendable {
        let blocks: UnsafeMutableBufferPointer<Block>
        let cells: UnsafeMutableBufferPointer<BlockCell>
    }

    /// The classes met while classifying, numbered in order of first appearance.
    struct ClassIndex {
        var classes: [EquivalenceClass] = []
        var index: [EquivalenceClass: Int32] = [:]

        mutating func id(_ c: EquivalenceClass) -> Int32 {
            if let i = index[c] { return i }
            index[c] = Int32(classes.count)
            classes.append(c)
            return Int32(classes.count - 1)
        }
    }

    /// The classification of every (product, period) slot (product · periods + period) that a cell in `window`
    /// has, looked up on `threads` threads: `values[index[slot]]`, `index` −1 for the slots no cell has.
    static func preclassify(
        _ data: DispensingAggregate, classifier: any ProductClassifier, window: PeriodRange, threads: Int
    ) -> (index: [Int32], values: [ProductClassification]) {
        let periods = data.periods.count
        var index = [Int32](repeating: -1, count: data.products.count * periods)
        let inWindow = data.periods.map(window.contains)
        var slots: [Int] = []
        for cell in data.cells where inWindow[Int(cell.period)] {
            let slot = Int(cell.product) * periods + Int(cell.period)
            if index[slot] < 0 {
                index[slot] = Int32(slots.count)
                slots.append(slot)
            }
        }
        let parts = slots.count >= 1024 ? threads : 1
        let results = ConcurrentResults<[ProductClassification], Never>(count: parts)
        let all = slots
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            let mine = all[(all.count * k / parts)..<(all.count * (k + 1) / parts)]
            results.store(k, .success(mine.map {
                classifier.classify(product: data.products[$0 / periods], period: data.periods[$0 % periods])
            }))
        }
        return (index, (0..<parts).flatMap { results.get($0) })
    }

    /// Sorts cells into blocks, setting aside those outside the window, not in the catalogue, or in no class.
    /// Each (product, period) is classified once; blocks, and the organisations in each, are numbered in the
    /// order the cells first meet them, and a block's cells keep their order. Returns the blocks and their
    /// cells, grouped by block. O(cells), reading the aggregate's cells in order.
    static func classify(
        _ data: DispensingAggregate, classifier: any ProductClassifier, classes: inout ClassIndex, window: PeriodRange,
        threads: Int = 1, books: inout Reconciliation
    ) -> (blocks: [Block], cells: [BlockCell]) {
        var blocks: [Block] = []
        // (product, period) → class id, −1 unknown, −2 in no class, −3 not yet known: a dense table when it is
        // small enough, else a hash map.
        let periods = data.periods.count
        let dense = data.products.count * periods <= 1 << 24
        var denseVerdicts = [Int32](repeating: -3, count: dense ? data.products.count * periods : 0)
        var verdicts = IntMap()
        var blockOf = IntMap()  // (class id, period id) → block
        var blockOfCell = [Int32](repeating: -1, count: data.cells.count)
        var cellsInBlock: [Int] = []
        // With several threads, every (product, period) in the window is looked up in the classifier first, in
        // parallel (the lookups hash product codes); class ids are still given below in the cells' order.
        let known = dense && threads > 1 ? preclassify(data, classifier: classifier, window: window, threads: threads) : nil
        for (i, cell) in data.cells.enumerated() {
            let period = data.periods[Int(cell.period)]
            guard window.contains(period) else {
                books.setAside(.outsidePeriod, rows: cell.rows, cost: cell.cost)
                continue
            }
            let pair = UInt64(UInt32(bitPattern: cell.product)) << 32 | UInt64(UInt32(bitPattern: cell.period))
            let slot = dense ? Int(cell.product) * periods + Int(cell.period) : 0
            var verdict = dense ? denseVerdicts[slot] : verdicts[pair] ?? -3
            if verdict == -3 {
                let classification = known.map { $0.values[Int($0.index[slot])] }
                    ?? classifier.classify(product: data.products[Int(cell.product)], period: period)
                switch classification {
                case .unknown: verdict = -1
                case .unclassified: verdict = -2
                case .member(let c): verdict = classes.id(c)
                }
                if dense { denseVerdicts[slot] = verdict } else { _ = verdicts.value(pair) { verdict } }
            }
            guard verdict >= 0 else {
                books.setAside(verdict == -1 ? .unknownProduct : .noClass, rows: cell.rows, cost: cell.cost)
                continue
            }
            let blockKey = UInt64(UInt32(bitPattern: verdict)) << 32 | UInt64(UInt32(bitPattern: cell.period))
            let b: Int32
            if let known = blockOf[blockKey] {
                b = known
            } else {
                b = Int32(blocks.count)
                blocks.append(Block(equivalenceClass: classes.classes[Int(verdict)], classIndex: verdict, period: period))
                cellsInBlock.append(0)
                _ = blockOf.value(blockKey) { b }
            }
            blockOfCell[i] = b
            cellsInBlock[Int(b)] += 1
        }
        // Each block's cells, in cell order; then each block's organisations by first appearance.
        var start = [Int](repeating: 0, count: blocks.count + 1)
        for b in blocks.indices { start[b + 1] = start[b] + cellsInBlock[b] }
        var next = start
        var grouped = [BlockCell](
            repeating: BlockCell(
                index: 0, position: 0, organisation: 0, rows: 0, quantity: .zero, cost: .zero, blockedQuantity: .zero,
                blockedCost: .zero, hasCorrections: false, hasBlockedRows: false),
            count: start[blocks.count])
        for (i, cell) in data.cells.enumerated() where blockOfCell[i] >= 0 {
            let b = Int(blockOfCell[i])
            grouped[next[b]] = BlockCell(
                index: Int32(i), position: 0, organisation: cell.organisation, rows: Int32(clamping: cell.rows),
                quantity: cell.quantity, cost: cell.cost, blockedQuantity: cell.blockedQuantity, blockedCost: cell.blockedCost,
                hasCorrections: cell.negativeRows > 0, hasBlockedRows: cell.blockedRows > 0)
            next[b] += 1
        }
        // Each block's organisations and sums; blocks are independent, so threads take every n-th one.
        let parts = threads > 1 && blocks.count >= 256 ? threads : 1, organisations = data.organisations.count
        let bounds = start
        blocks.withUnsafeMutableBufferPointer { blockBuffer in
            grouped.withUnsafeMutableBufferPointer { cellBuffer in
                let shared = SharedBuffers(blocks: blockBuffer, cells: cellBuffer)
                DispatchQueue.concurrentPerform(iterations: parts) { k in
                    var positionOf = [Int32](repeating: -1, count: organisations)
                    for b in stride(from: k, to: shared.blocks.count, by: parts) {
                        shared.blocks[b].cells = bounds[b]..<bounds[b + 1]
                        sumBlock(&shared.blocks[b], cells: shared.cells, positionOf: &positionOf)
                    }
                }
            }
        }
        return (blocks, grouped)
    }
}
