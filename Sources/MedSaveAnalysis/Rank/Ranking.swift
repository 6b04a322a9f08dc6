import CMemory
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
        var classes = ClassIndex()
        let summed = try sum(
            data, classifier: classifier, configuration: configuration, classes: &classes, givesBackFreedMemory: true)
        return try finish(
            data, summed, classes: classes,
            used: configuration.rules.rules.isEmpty
                ? [] : SafetyCoverage.used(data, rowOfCell: summed.rows.rowOfCell).compactMap { $0 },
            classifier: classifier, configuration: configuration)
    }

    /// What summing an aggregate's blocks into rows leaves: the rows, the saving blocked per unit and
    /// prescriber, the books so far, each unknown product with its earliest period, and the rows' keys.
    struct Summed {
        var rows: RowTable
        var barriers: Barriers
        var books: Reconciliation
        var unknown: [Int32: Int32]
        var keys: RowKeys
        /// The keys of the cells `rows.rowOfCell` numbers; nil: the aggregate's cells.
        var cells: CellKeys? = nil
        /// The class id of each (product id · periods + period id) of the aggregate's cells (negative: in no
        /// class), when the rows were summed from them and the table is small enough; else empty.
        var classOfPair: [Int32] = []
        /// The catalogue entry of each of those pairs (−1: none), when the classifier is a catalogue; else empty.
        var entryOfPair: [Int32] = []
    }

    /// Classifies `data`'s cells into blocks (classes numbered in `classes`), sets each block's target and sums
    /// the savings into rows. `givesBackFreedMemory`: what reading left free is given back to the system before
    /// the rows are made (`sumBlocks`), for a run that reads its data once; not for a month of many, whose freed
    /// memory the next month's reading takes again at once (given back there, a national year took 96 s, not 63).
    static func sum(
        _ data: DispensingAggregate, classifier: any ProductClassifier, configuration: RankConfiguration,
        classes: inout ClassIndex, givesBackFreedMemory: Bool = false
    ) throws -> Summed {
        precondition(
            data.organisationColumn == configuration.level.organisationColumn,
            "the aggregate was read with organisations from the \(data.organisationColumn) column")
        try Targets.check(
            configuration.target, pricesKnown: classifier.knowsPrices, peerGroup: configuration.peers != nil)
        var books = Reconciliation()
        books.rowsRead = data.rowsRead
        books.costRead = data.costRead
        books.setAside(.badRow, rows: data.badRows, cost: data.badRowCost)

        var unknown: [Int32: Int32] = [:]
        let keys = try RowKeys(data, configuration)
        // The blocks and their cells (tens of bytes a cell) are let go before the parts' rows are joined.
        var (parts, classOfPair, entryOfPair, rowOfCell) = try sumBlocks(
            data, classifier: classifier, configuration: configuration, classes: &classes, keys: keys,
            books: &books, unknown: &unknown, givesBackFreedMemory: givesBackFreedMemory)
        MemoryTrace.mark("\(parts.count) parts' blocks summed")
        // The first part's table takes the others' rows after its own (the second part's list is kept as it is).
        var rows = parts[0].rows
        parts[0].rows = rows.empty(cellCount: 0)
        var barriers = Barriers()
        var firstRow: [Int32] = []
        for k in parts.indices {
            let part = parts[k]
            parts[k].rows = part.rows.empty(cellCount: 0)  // let go once joined
            firstRow.append(Int32(k == 0 ? 0 : rows.rows.count))
            if k > 0 { rows.append(part.rows) }
            barriers.append(part.barriers)
            books.rowsUsed += part.rowsUsed
            books.costUsed += part.costUsed
            books.setAside(.noTarget, rows: part.noTargetRows, cost: part.noTargetCost)
        }
        // Each cell's row, written by its part as row · parts + part, numbered in the joined table: a pass over
        // every cell, split between the parts' threads.
        if parts.count > 1 {
            let n = parts.count, p = Int32(n), count = rowOfCell.count, first = firstRow
            rowOfCell.withUnsafeMutableBufferPointer { buffer in
                let rows = Shared(base: buffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: n) { k in
                    for i in part(k, of: n, count: count) where rows.base[i] >= 0 {
                        rows.base[i] = first[Int(rows.base[i] % p)] + rows.base[i] / p
                    }
                }
            }
        }
        rows.rowOfCell = rowOfCell
        MemoryTrace.mark("rows joined: \(rows.rows.count) rows, \(rows.members.count) members")
        return Summed(
            rows: rows, barriers: barriers, books: books, unknown: unknown, keys: keys, classOfPair: classOfPair,
            entryOfPair: entryOfPair)
    }

    /// Classifies `data`'s cells into blocks and sums them into rows, the classes split between threads: one
    /// `BlockSums` per thread, in order, the class of each (product, period) (`classify`) and each cell's row in
    /// its part (row · parts + part; −1: set aside), written by the parts into one list (a cell is in one block,
    /// so in one part).
    private static func sumBlocks(
        _ data: DispensingAggregate, classifier: any ProductClassifier, configuration: RankConfiguration,
        classes: inout ClassIndex, keys: RowKeys, books: inout Reconciliation, unknown: inout [Int32: Int32],
        givesBackFreedMemory: Bool
    ) throws -> (parts: [BlockSums], classOfPair: [Int32], entryOfPair: [Int32], rowOfCell: [Int32]) {
        let (blocks, cells, classOfPair, entryOfPair, spare) = classify(
            data, classifier: classifier, classes: &classes, window: configuration.periods,
            threads: configuration.threads, books: &books, unknown: &unknown)
        MemoryTrace.mark("\(cells.count) cells classified into \(blocks.count) blocks")
        // The rows are the run's largest list, made in memory never touched (its room is reserved at once), so
        // what reading left free (the cell tables of every part, tens of megabytes on national data, in pieces
        // too small for the rows) would stay resident beside them to the end: given back here.
        if givesBackFreedMemory {
            medsave_release_freed_memory()
            MemoryTrace.mark("freed memory given back")
        }
        // With no prescriber named, each cell's blocked rows are its own blocked sums, under prescriber −1.
        let blockedOfCell = data.blockedByPrescriber.isEmpty ? nil : BlockedRows(data)
        let peers = configuration.peers.map { peers in data.organisations.map { peers.contains($0) } }
        let codeOrder = CodeOrder(data, level: configuration.level)
        // Blocks of different classes add to different rows, so the classes can be split between threads; each
        // row still sums its blocks in their order, so the result does not depend on the split.
        let empty = RowTable(
            byPeriod: configuration.byPeriod, level: configuration.level, groupOf: keys.groupOf, cellCount: 0)
        let parts = configuration.threads > 1 && blocks.count >= 256 ? configuration.threads : 1
        let partOfClass = balancedParts(blocks, parts: parts)
        // At most one row per organisation of each block: the bound of each part's rows.
        var rowBound = [Int](repeating: 0, count: parts)
        for block in blocks { rowBound[partOfClass[Int(block.classIndex)]] += block.organisationCount }
        let room = rowBound
        precondition(room.reduce(0, +) * parts < Int(Int32.max), "more rows than medsave numbers")
        let results = ConcurrentResults<BlockSums, Error>(count: parts)
        // Each cell's row, in the list of a number per cell `classify` is done with: tens of megabytes on national
        // data, touched already, where a new list would be as much memory never touched, dear to fault in.
        var rowOfCell = consume spare
        precondition(rowOfCell.count == data.cells.count, "classify leaves a number per cell")
        rowOfCell.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }
        rowOfCell.withUnsafeMutableBufferPointer { buffer in
            let rowOfCell = Shared(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                let mine = blocks.indices.filter { partOfClass[Int(blocks[$0].classIndex)] == k }
                results.store(
                    k,
                    Result {
                        try sum(
                            blocks: mine.map { blocks[$0] }, into: empty, cells: cells, blockedOfCell: blockedOfCell,
                            data: data, order: codeOrder, classifier: classifier, configuration: configuration,
                            peers: peers, rowOfCell: rowOfCell, part: (k, of: parts),
                            rowRoom: room[k])
                    })
            }
        }
        return (try (0..<parts).map { try results.take($0) }, classOfPair, entryOfPair, rowOfCell)
    }

    /// The part each class is summed in, so that the parts have about as much to do: the classes, most work
    /// first (their blocks' cells, and a little for each block), each given to the part with least so far. A
    /// class's blocks stay together, as they add to the same rows. The work is known before summing, so the
    /// split is the same on every run; where a class went changes no result (`sumBlocks`).
    static func balancedParts(_ blocks: [Block], parts: Int) -> [Int] {
        let classCount = (blocks.map { Int($0.classIndex) }.max() ?? -1) + 1
        guard parts > 1 else { return [Int](repeating: 0, count: classCount) }
        var work = [Int](repeating: 0, count: classCount)
        for block in blocks { work[Int(block.classIndex)] += block.cells.count + 16 }
        var partOf = [Int](repeating: 0, count: classCount), load = [Int](repeating: 0, count: parts)
        for c in work.indices.sorted(by: { (work[$0], $1) > (work[$1], $0) }) {
            let k = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            partOf[c] = k
            load[k] += work[c]
        }
        return partOf
    }

    /// Turns summed rows into the result: which rows rank and which rules exclude, the rows shown, the
    /// saving blocked, what the rules could not check (over the products `used`) and the books.
    static func finish(
        _ data: DispensingAggregate, _ summed: Summed, classes: ClassIndex, used: [SafetyCoverage.UsedProduct],
        classifier: any ProductClassifier, configuration: RankConfiguration
    ) throws -> RankResult {
        let rows = summed.rows, keys = summed.keys, barriers = summed.barriers, books = summed.books
        let window = rows.window.map { w in
            (from: max(w.from, configuration.periods.from ?? w.from), to: min(w.to, configuration.periods.to ?? w.to))
        }
        let advice = try CurrentAdvice(
            classes: classes.classes, configuration: configuration, classifier: classifier, dataEnd: window?.to)
        var opportunities = OpportunityBuilder(
            data: data, cells: summed.cells ?? CellKeys(data.cells), classifier: classifier, rows: rows, keys: keys,
            classes: classes.classes, window: window, classOfPair: summed.classOfPair, entryOfPair: summed.entryOfPair,
            advice: advice, configuration: configuration)
        MemoryTrace.mark("opportunities ready")
        let found = opportunities.candidates()
        MemoryTrace.mark("\(found.positive.count) candidates")
        let order = RankOrder(
            table: rows, keys: keys, data: data, classes: classes.classes,
            window: window?.from ?? Period(year: 1900, month: 1))
        MemoryTrace.mark("ranking order")
        var total = ExactSum()
        for r in found.positive { total.add(rows.rows[Int(r)].saving) }
        var listed = found.positive
        var matching: Int?
        if configuration.onlyClass != nil || configuration.onlyKey != nil || configuration.onlyID != nil {
            listed = listed.filter { opportunities.matches($0, configuration) }
            matching = listed.count
        }
        listed = listed.filter { rows.rows[Int($0)].saving >= configuration.minSaving }
        let beforeHiding = listed.count
        if configuration.hideDecided {
            if !configuration.decisions.isEmpty { opportunities.prepareCells(for: listed) }  // legacy ids name products
            listed.removeAll { opportunities.decision(of: $0)?.decision.isFinal == true }
        }
        let hidden = beforeHiding - listed.count
        listed = order.first(configuration.top, of: listed)
        opportunities.prepare(listed + found.excluded)
        MemoryTrace.mark("distinct patients and prescribers counted")
        var shown = listed.map { opportunities.opportunity($0) }
        for i in shown.indices { shown[i].rank = i + 1 }
        let excluded = order.sorted(found.excluded).map { opportunities.opportunity($0) }
        // What decided exclusion (`ExclusionCheck`) and the findings built for the rows shown must agree.
        assert(excluded.allSatisfy { $0.safetyAction == .exclude } && shown.allSatisfy { $0.safetyAction != .exclude })
        // What safety rules exclude is not "blocked" by prescribers as well: those rows are left out of the
        // blocked list (and so of its total), which would otherwise count them twice.
        // Barriers are per unit: at levels area and region an excluded row stands for each of its group's units.
        var unitsOf: [[Int32]] = []
        if let groupOf = keys.groupOf {
            unitsOf = Array(repeating: [], count: keys.names.count)
            for (unit, group) in groupOf.enumerated() { unitsOf[Int(group)].append(Int32(unit)) }
        }
        var excludedPairs = Set<UInt64>()
        for r in found.excluded + opportunities.excludedWithoutSaving() {
            let row = rows.rows[Int(r)]
            for unit in keys.groupOf == nil ? [row.key] : unitsOf[Int(row.key)] {
                excludedPairs.insert(
                    UInt64(UInt32(bitPattern: unit)) << 32 | UInt64(UInt32(bitPattern: row.classIndex)))
            }
        }
        MemoryTrace.mark("rows shown built")
        let blocked = barriers.blockedList(data, classes: classes.classes, excluded: excludedPairs)
        MemoryTrace.mark("blocked saving listed")
        return RankResult(
            configuration: configuration, window: window,
            dataMonths: data.periods.min().map { ($0, data.periods.max()!) },
            safetyCoverage: SafetyCoverage.measure(used, classifier: classifier, rules: configuration.rules),
            adviceMonth: advice.month,
            lostLeadingZeros: LostLeadingZeros.find(summed.unknown, data: data, classifier: classifier),
            reconciliation: books,
            totalSaving: total.value,
            opportunityCount: found.positive.count, matchingFilters: matching, hiddenDecided: hidden,
            opportunities: shown, excluded: excluded,
            blockedList: blocked)
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
    /// One block's sums, savings and blocked entries are worked in buffers kept from block to block: tens of
    /// thousands of blocks would otherwise each allocate a dozen arrays.
    static func sum(
        blocks: [Block], into empty: RowTable, cells: [Int32], blockedOfCell: BlockedRows?,
        data: DispensingAggregate, order: CodeOrder,
        classifier: any ProductClassifier, configuration: RankConfiguration, peers: [Bool]?,
        rowOfCell: Shared<Int32>, part: (index: Int, of: Int), rowRoom: Int
    ) throws -> BlockSums {
        var result = BlockSums(rows: empty.empty(cellCount: 0))
        // Room for `rowRoom` rows (a bound: at most one per organisation of each block), reserved once, so that
        // the table is not copied as it grows (nor when joined: `RowTable.RowList`).
        result.rows.reserve(rowRoom)
        let parts = Int32(part.of), partIndex = Int32(part.index)
        var positionOf = [Int32](repeating: -1, count: data.organisations.count)
        var blockedCells: [Int32] = [], positions: [Int32] = []
        let aggregate = data.cells
        var block = Block(equivalenceClass: EquivalenceClass(group: ""), classIndex: 0, period: Period(index: 0))
        var q: [Double] = [], c: [Double] = [], savings: [Double] = [], rowOf: [Int32] = []
        var blockedHere: [(key: UInt64, quantity: FixedDecimal, cost: FixedDecimal)] = []
        var merged: [(key: UInt64, quantity: FixedDecimal, cost: FixedDecimal)] = []
        var blockedQ: [Double] = [], blockedC: [Double] = [], blockedSavings: [Double] = []
        let lists = configuration.target.needsCataloguePrices ? ListTargets(classifier) : nil
        for (b, header) in blocks.enumerated() {
            // Summed here, each block's sums let go once it is used; its cells are then in cache for the rows.
            block.reset(to: header)
            cells.withUnsafeBufferPointer { cellBuffer in
                aggregate.withUnsafeBufferPointer {
                    if b + 1 < blocks.count { prefetchFirstCells(of: blocks[b + 1], cells: cellBuffer, aggregate: $0) }
                    sumBlock(
                        &block, cells: cellBuffer, aggregate: $0, positionOf: &positionOf, positions: &positions,
                        blocked: &blockedCells)
                }
            }
            // The rows marked "do not substitute" of the block's cells, by prescriber, looked up for all its
            // blocked cells at once: what each organisation's saving leaves out, and the entries of its barriers.
            blockedHere.removeAll(keepingCapacity: true)
            if let blockedOfCell, !blockedCells.isEmpty {
                blockedOfCell.forEachEntry(of: blockedCells) { i, entry in
                    let (prescriber, q, cost) = entry
                    let organisation = data.cells[Int(i)].organisation
                    let p = Int(positionOf[Int(organisation)])
                    block.blockedQuantity[p] += q
                    block.blockedCost[p] += cost
                    blockedHere.append(
                        (
                            UInt64(UInt32(bitPattern: organisation)) << 32 | UInt64(UInt32(bitPattern: prescriber)), q,
                            cost
                        ))
                }
            }
            guard
                let target = Targets.target(
                    for: block, rule: configuration.target, classifier: classifier, peers: peers, lists: lists)
            else {
                result.noTargetRows += block.rows
                result.noTargetCost += block.totalCost
                for organisation in block.organisations { positionOf[Int(organisation)] = -1 }
                continue
            }
            // The target uses every row (what each organisation paid); the saving only rows that may be substituted.
            let n = block.organisations.count
            q.removeAll(keepingCapacity: true)
            c.removeAll(keepingCapacity: true)
            q.append(contentsOf: repeatElement(0, count: n))
            c.append(contentsOf: repeatElement(0, count: n))
            q.withUnsafeMutableBufferPointer { q in
                c.withUnsafeMutableBufferPointer { c in
                    for p in 0..<n {
                        q[p] = (block.quantity[p] - block.blockedQuantity[p]).doubleValue
                        c[p] = (block.cost[p] - block.blockedCost[p]).doubleValue
                    }
                }
            }
            try SavingsKernel.savings(quantity: q, cost: c, target: target.price, into: &savings)
            let targetFlags = RowFlags(target.flags)
            rowOf.removeAll(keepingCapacity: true)
            rowOf.append(contentsOf: repeatElement(0, count: n))
            result.rows.begin(block)
            order.forEachPosition(block) { position in
                let organisation = block.organisations[position]
                rowOf[position] = result.rows.add(
                    organisation: organisation, quantity: block.quantity[position], cost: block.cost[position],
                    saving: savings[position], targetPrice: target.price,
                    flags: targetFlags.union(block.cellFlags[position]))
            }
            result.rowsUsed += block.rows
            result.costUsed += block.totalCost
            let start = block.cells.lowerBound
            for k in block.cells {
                // Each cell's row is written far from the last (see `sumBlock`): started a few cells ahead.
                if k + 16 < block.cells.upperBound { medsave_prefetch_write(rowOfCell.base + Int(cells[k + 16])) }
                rowOfCell.base[Int(cells[k])] = rowOf[Int(positions[k - start])] * parts + partIndex
            }
            if !blockedHere.isEmpty {
                // By organisation and prescriber code (no prescriber last), so that the sums keep one order.
                blockedHere.sort { order.blockedKey($0.key) < order.blockedKey($1.key) }
                merged.removeAll(keepingCapacity: true)
                for entry in blockedHere {
                    if merged.last?.key == entry.key {
                        merged[merged.count - 1].quantity += entry.quantity
                        merged[merged.count - 1].cost += entry.cost
                    } else {
                        merged.append(entry)
                    }
                }
                blockedQ.removeAll(keepingCapacity: true)
                blockedC.removeAll(keepingCapacity: true)
                for entry in merged {
                    blockedQ.append(entry.quantity.doubleValue)
                    blockedC.append(entry.cost.doubleValue)
                }
                try SavingsKernel.savings(
                    quantity: blockedQ, cost: blockedC, target: target.price, into: &blockedSavings)
                for (entry, saving) in zip(merged, blockedSavings) {
                    let organisation = Int32(bitPattern: UInt32(entry.key >> 32)),
                        prescriber = Int32(bitPattern: UInt32(entry.key & 0xFFFF_FFFF))
                    result.rows.addBlocked(row: rowOf[Int(positionOf[Int(organisation)])], saving: saving)
                    result.barriers.add(
                        organisation: organisation,
                        prescriber: data.organisationColumn == .prescriber ? organisation : prescriber,
                        classIndex: block.classIndex, quantity: entry.quantity, cost: entry.cost, saving: saving)
                }
            }
            result.rows.endBlock()
            for organisation in block.organisations { positionOf[Int(organisation)] = -1 }
        }
        return result
    }
}
