import CMemory
import Foundation
import MedSaveModel
import MedSaveNumeric
import MedSaveSupport

/// Blocks: one class in one period, organisations dense; the cells classified and grouped into them.
extension Ranking {
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
        /// How many organisations the cells are of (`organisations` is filled by `sumBlock`).
        var organisationCount = 0
        var rows = 0
        var totalCost: FixedDecimal = .zero

        /// Becomes `header` (a block as `classify` leaves it: its cells, none summed yet), keeping the room its
        /// arrays have, to be summed (`sumBlock`).
        mutating func reset(to header: Block) {
            equivalenceClass = header.equivalenceClass
            classIndex = header.classIndex
            period = header.period
            cells = header.cells
            organisationCount = header.organisationCount
            rows = header.rows
            totalCost = header.totalCost
            organisations.removeAll(keepingCapacity: true)
            quantity.removeAll(keepingCapacity: true)
            cost.removeAll(keepingCapacity: true)
            blockedQuantity.removeAll(keepingCapacity: true)
            blockedCost.removeAll(keepingCapacity: true)
            cellFlags.removeAll(keepingCapacity: true)
        }
    }

    /// Sums a block's cells (`cells[block.cells]`, indices into `aggregate`) per organisation, numbered by first
    /// appearance, just before the block is used (`Ranking.sum(blocks:)`, which then finds its cells in cache).
    /// `positionOf` is all −1 on entry; on return it gives the position of each of the block's organisations (the
    /// caller sets them back to −1 when done with the block).
    ///
    /// The cells are read where the aggregate has them, not copied into a list of their own: on national data
    /// that list would be hundreds of megabytes of fresh memory, dearer to touch than the reads it saves.
    ///
    /// Each cell's organisation's position in the block goes to `positions` (in the block's cell order), and the
    /// cells with blocked rows to `blocked`, so that the cells need not be read again once their rows are known.
    static func sumBlock(
        _ block: inout Block, cells: UnsafeBufferPointer<Int32>, aggregate: UnsafeBufferPointer<DispensingCell>,
        positionOf: inout [Int32], positions: inout [Int32], blocked: inout [Int32]
    ) {
        positions.removeAll(keepingCapacity: true)
        blocked.removeAll(keepingCapacity: true)
        // Exactly the block's organisations (`classify` counted them), zero to start with, filled in place below,
        // rather than an append per organisation to each of six lists, each checking its room and uniqueness.
        let distinct = block.organisationCount
        block.organisations.append(contentsOf: repeatElement(-1, count: distinct))
        block.quantity.append(contentsOf: repeatElement(.zero, count: distinct))
        block.cost.append(contentsOf: repeatElement(.zero, count: distinct))
        block.blockedQuantity.append(contentsOf: repeatElement(.zero, count: distinct))
        block.blockedCost.append(contentsOf: repeatElement(.zero, count: distinct))
        block.cellFlags.append(contentsOf: repeatElement([], count: distinct))
        positions.reserveCapacity(block.cells.count)
        // The cells are far apart in the aggregate (a block is one class in one month): each read is a miss, so
        // the reads of cells a few ahead are started early, and several misses wait at once (the block's first
        // ones were started by the block before: `prefetchFirstCells`).
        let base = UnsafeRawPointer(aggregate.baseAddress!)
        var made = 0, rows = 0, totalCost = FixedDecimal.zero
        block.organisations.withUnsafeMutableBufferPointer { organisations in
            block.quantity.withUnsafeMutableBufferPointer { quantity in
                block.cost.withUnsafeMutableBufferPointer { cost in
                    block.cellFlags.withUnsafeMutableBufferPointer { flags in
                        positionOf.withUnsafeMutableBufferPointer { positionOf in
                            for k in block.cells {
                                if k + cellsAhead < block.cells.upperBound {
                                    prefetchCell(base, cells[k + cellsAhead])
                                }
                                let c = aggregate[Int(cells[k])]
                                var p = Int(positionOf[Int(c.organisation)])
                                if p < 0 {
                                    precondition(made < distinct, "more organisations in a block than classify counted")
                                    p = made
                                    made += 1
                                    positionOf[Int(c.organisation)] = Int32(p)
                                    organisations[p] = c.organisation
                                }
                                positions.append(Int32(p))
                                if c.hasCorrectionRows { flags[p].insert(.correctionRows) }
                                if c.hasBlockedRows {
                                    flags[p].insert(.doNotSubstitute)
                                    blocked.append(cells[k])
                                }
                                rows += c.rows
                                totalCost += c.cost
                                quantity[p] += c.quantity
                                cost[p] += c.cost
                            }
                        }
                    }
                }
            }
        }
        precondition(made == distinct, "fewer organisations in a block than classify counted")
        block.rows += rows
        block.totalCost += totalCost
    }

    /// How many cells ahead `sumBlock` starts a cell's read.
    static let cellsAhead = 12

    /// Starts the reads of cell `cell`'s cache lines (a cell may straddle two).
    @inline(__always)
    static func prefetchCell(_ base: UnsafeRawPointer, _ cell: Int32) {
        let next = base + Int(cell) * MemoryLayout<DispensingCell>.stride
        medsave_prefetch(next)
        medsave_prefetch(next + MemoryLayout<DispensingCell>.stride - 1)
    }

    /// Starts the reads of a block's first cells, those `sumBlock` does not start itself: called for the next
    /// block while one is summed.
    static func prefetchFirstCells(
        of block: Block, cells: UnsafeBufferPointer<Int32>, aggregate: UnsafeBufferPointer<DispensingCell>
    ) {
        let base = UnsafeRawPointer(aggregate.baseAddress!)
        for k in block.cells.prefix(cellsAhead) { prefetchCell(base, cells[k]) }
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

    /// Sorts cells into blocks, setting aside those outside the window, not in the catalogue, or in no class.
    /// Each (product, period) is classified once; classes, and the organisations in each block, are numbered in
    /// the order the cells first meet them, a block's cells keep their order, and the blocks are returned by
    /// class and then month (the order rows sum them in). Returns the blocks and their cells, grouped by block,
    /// the class id of each (product id · periods + period id) dispensed in the window (negative: in none; empty
    /// when that table would be too large), a list of one number per cell no longer needed (each cell's block;
    /// the caller may reuse its memory, already touched), and in `unknown` each product the catalogue does not
    /// know with a period it was dispensed in. O(cells), reading the aggregate's cells in order, on `threads`
    /// threads when the (product, period) table is small enough to be dense; the result does not depend on the
    /// number of threads.
    static func classify(
        _ data: DispensingAggregate, classifier: any ProductClassifier, classes: inout ClassIndex, window: PeriodRange,
        threads: Int = 1, books: inout Reconciliation, unknown: inout [Int32: Int32],
        tuning: ClassifyTuning = ClassifyTuning()
    ) -> (blocks: [Block], cells: [Int32], classOfPair: [Int32], entryOfPair: [Int32], spare: [Int32]) {
        let dense = data.products.count * data.periods.count <= tuning.denseSlots
        var (blocks, blockOfCell, classOfPair, entryOfPair) =
            dense
            ? classifyDense(
                data, classifier: classifier, classes: &classes, window: window, threads: threads, books: &books,
                unknown: &unknown, cellsPerPart: tuning.cellsPerPart)
            : classifyByMaps(
                data, classifier: classifier, classes: &classes, window: window, books: &books, unknown: &unknown)
        let grouped = group(
            data, blocks: &blocks, blockOfCell: blockOfCell, threads: dense ? threads : 1,
            cellsPerPart: tuning.cellsPerPart)
        // A row sums its blocks in this order: by class, then month, whatever order the rows came in.
        blocks.sort { ($0.classIndex, $0.period) < ($1.classIndex, $1.period) }
        return (blocks, grouped, classOfPair, entryOfPair, blockOfCell)
    }

    /// When `classify` takes its dense path and splits the cells between threads (tests make both small).
    struct ClassifyTuning {
        /// The largest (product, period) table kept dense.
        var denseSlots = 1 << 24
        /// The fewest cells a thread is given.
        var cellsPerPart = 1 << 16
    }

    /// What a cell's (product, period) decides: a class id (≥ 0), or why the cell is set aside.
    private static let unknownProduct: Int32 = -1, noClass: Int32 = -2, notYetKnown: Int32 = -3,
        noCatalogueMonth: Int32 = -4, outsideWindow: Int32 = -5

    /// The verdict of a classification in `period`, a class id given in `classes` when it is new; an unknown
    /// product is noted in `unknown` with the earliest period it was dispensed in.
    private static func verdict(
        _ classification: ProductClassification, product: Int32, period: Int32, data: DispensingAggregate,
        listed: Set<Period>, classes: inout ClassIndex, unknown: inout [Int32: Int32]
    ) -> Int32 {
        switch classification {
        case .unknown:
            // A product unknown in a month that has no list at all is a missing list, not an unknown product.
            let month = data.periods[Int(period)]
            guard listed.isEmpty || listed.contains(month) else { return noCatalogueMonth }
            // Each unknown product with the earliest period it was dispensed in, whatever the rows' order.
            if unknown[product].map({ data.periods[Int($0)] > month }) ?? true { unknown[product] = period }
            return unknownProduct
        case .unclassified: return noClass
        case .member(let c): return classes.id(c)
        }
    }

    private static func setAsideReason(_ verdict: Int32) -> SetAsideReason {
        switch verdict {
        case unknownProduct: .unknownProduct
        case noCatalogueMonth: .noCatalogueMonth
        case outsideWindow: .outsidePeriod
        default: .noClass
        }
    }

    /// The `k`th of `parts` runs of `0..<count`.
    static func part(_ k: Int, of parts: Int, count: Int) -> Range<Int> {
        (count * k / parts)..<(count * (k + 1) / parts)
    }

    /// A buffer the threads of one step write at places of their own.
    struct Shared<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
    }

    /// `classify` with a dense (product, period) table: each part of the cells finds its (product, period)
    /// slots in order of first appearance, in parallel; the slots, in the order the whole list first meets
    /// them, are classified (in parallel) and then given class ids and blocks in that order — the order the
    /// cells first meet each class and block, so the numbering is the one-pass one — and each cell takes its
    /// slot's block, in parallel again. Returns the blocks, each cell's block (−1: set aside) and the verdict of
    /// each slot (`notYetKnown` for slots no cell in the window has).
    private static func classifyDense(
        _ data: DispensingAggregate, classifier: any ProductClassifier, classes: inout ClassIndex, window: PeriodRange,
        threads: Int, books: inout Reconciliation, unknown: inout [Int32: Int32], cellsPerPart: Int
    ) -> (blocks: [Block], blockOfCell: [Int32], classOfPair: [Int32], entryOfPair: [Int32]) {
        let periods = data.periods.count, slotCount = data.products.count * periods
        let cellCount = data.cells.count
        let parts = max(1, min(threads, cellCount / max(1, cellsPerPart)))
        let inWindow = data.periods.map(window.contains)
        var indexOfSlot = [Int32](repeating: -1, count: slotCount)
        var slots: [Int32] = []
        if !data.pairs.isEmpty {
            // The reader listed them as the cells first met them: no pass over the cells.
            for pair in data.pairs where inWindow[Int(pair & 0xFFFF_FFFF)] {
                let slot = Int(pair >> 32) * periods + Int(pair & 0xFFFF_FFFF)
                indexOfSlot[slot] = Int32(slots.count)
                slots.append(Int32(slot))
            }
        } else {
            (slots, indexOfSlot) = metSlots(data, inWindow: inWindow, parts: parts)
        }
        return classify(
            data, slots: slots, indexOfSlot: indexOfSlot, classifier: classifier, classes: &classes,
            inWindow: inWindow, threads: threads, parts: parts, books: &books, unknown: &unknown)
    }

    /// The (product, period) slots of the cells in the window, in the order the cells first meet them, found
    /// by `parts` threads each in its run of cells; and each slot's place in that list (−1: none).
    private static func metSlots(_ data: DispensingAggregate, inWindow: [Bool], parts: Int) -> (
        slots: [Int32], indexOfSlot: [Int32]
    ) {
        let periods = data.periods.count, slotCount = data.products.count * periods, cellCount = data.cells.count
        // The slots each part meets, in its order.
        let met = ConcurrentResults<[Int32], Never>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            var seen = [Bool](repeating: false, count: slotCount)
            var mine: [Int32] = []
            for i in part(k, of: parts, count: cellCount) {
                let cell = data.cells[i]
                guard inWindow[Int(cell.period)] else { continue }
                let slot = Int(cell.product) * periods + Int(cell.period)
                if !seen[slot] {
                    seen[slot] = true
                    mine.append(Int32(slot))
                }
            }
            met.store(k, .success(mine))
        }
        var indexOfSlot = [Int32](repeating: -1, count: slotCount)
        var slots: [Int32] = []
        for k in 0..<parts {
            for slot in met.get(k) where indexOfSlot[Int(slot)] < 0 {
                indexOfSlot[Int(slot)] = Int32(slots.count)
                slots.append(slot)
            }
        }
        return (slots, indexOfSlot)
    }

    /// `classifyDense` once its slots are listed: the slots classified (in parallel) and then given class ids
    /// and blocks in their order, and each cell its slot's block, in parallel again.
    private static func classify(
        _ data: DispensingAggregate, slots: [Int32], indexOfSlot: [Int32], classifier: any ProductClassifier,
        classes: inout ClassIndex, inWindow: [Bool], threads: Int, parts: Int, books: inout Reconciliation,
        unknown: inout [Int32: Int32]
    ) -> (blocks: [Block], blockOfCell: [Int32], classOfPair: [Int32], entryOfPair: [Int32]) {
        let periods = data.periods.count, slotCount = data.products.count * periods, cellCount = data.cells.count
        // Their classifications, then verdicts and blocks in slot order. From a catalogue, each product code is
        // numbered once (a string hash) and each slot's entry found by number, and kept (`entryOfPair`).
        let catalogue = classifier as? Catalogue
        let numberOf = catalogue.map { c in data.products.map { c.productNumber($0) ?? -1 } } ?? []
        let lookups = slots.count >= 1024 ? max(1, threads) : 1
        let classified = ConcurrentResults<[(ProductClassification, Int32)], Never>(count: lookups)
        let all = slots
        DispatchQueue.concurrentPerform(iterations: lookups) { k in
            let mine = all[part(k, of: lookups, count: all.count)]
            classified.store(
                k,
                .success(
                    mine.map { slot -> (ProductClassification, Int32) in
                        let product = Int(slot) / periods, period = data.periods[Int(slot) % periods]
                        guard let catalogue else {
                            return (classifier.classify(product: data.products[product], period: period), -1)
                        }
                        guard numberOf[product] >= 0,
                            let entry = catalogue.index(productNumber: numberOf[product], period: period)
                        else { return (.unknown, -1) }
                        return (
                            catalogue.entries.equivalenceClass(at: entry).map { .member($0) } ?? .unclassified,
                            Int32(entry)
                        )
                    }))
        }
        let classifications = (0..<lookups).flatMap { classified.get($0) }
        var entryOfPair = [Int32](repeating: -1, count: catalogue == nil ? 0 : slotCount)
        if catalogue != nil {
            for (k, slot) in slots.enumerated() { entryOfPair[Int(slot)] = classifications[k].1 }
        }
        let listed = Set(classifier.listedMonths)
        var classOfPair = [Int32](repeating: notYetKnown, count: slotCount)
        var blocks: [Block] = []
        // (class id, period id) → block, by class id · periods + period id; −1 none yet.
        var blockOf: [Int32] = []
        // Per slot index: its block, or its (negative) verdict.
        var blockOfIndex = [Int32](repeating: 0, count: slots.count)
        for (k, slot) in slots.enumerated() {
            let product = slot / Int32(periods), period = slot % Int32(periods)
            let v = verdict(
                classifications[k].0, product: product, period: period, data: data, listed: listed,
                classes: &classes, unknown: &unknown)
            classOfPair[Int(slot)] = v
            guard v >= 0 else {
                blockOfIndex[k] = v
                continue
            }
            let key = Int(v) * periods + Int(period)
            if key >= blockOf.count {
                blockOf += repeatElement(-1, count: max(key + 1, 2 * blockOf.count) - blockOf.count)
            }
            if blockOf[key] < 0 {
                blockOf[key] = Int32(blocks.count)
                blocks.append(
                    Block(
                        equivalenceClass: classes.classes[Int(v)], classIndex: v, period: data.periods[Int(period)]))
            }
            blockOfIndex[k] = blockOf[key]
        }
        // Each cell's block, and what each part sets aside: summed by verdict (−1 … −5 at 0 … 4), then booked.
        var blockOfCell = [Int32](repeating: -1, count: cellCount)
        let (blockOfSlotIndex, slotIndex) = (blockOfIndex, indexOfSlot)
        let setAside = ConcurrentResults<[(rows: Int, cost: FixedDecimal)], Never>(count: parts)
        blockOfCell.withUnsafeMutableBufferPointer { out in
            let out = Shared(base: out.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                var sums = [(rows: Int, cost: FixedDecimal)](repeating: (0, .zero), count: Int(-outsideWindow))
                for i in part(k, of: parts, count: cellCount) {
                    let cell = data.cells[i]
                    let b: Int32
                    if inWindow[Int(cell.period)] {
                        b = blockOfSlotIndex[Int(slotIndex[Int(cell.product) * periods + Int(cell.period)])]
                    } else {
                        b = outsideWindow
                    }
                    if b >= 0 {
                        out.base[i] = b
                    } else if cell.rows > 0 {  // as `Reconciliation.setAside` counts
                        sums[Int(-b - 1)].rows += cell.rows
                        sums[Int(-b - 1)].cost += cell.cost
                    }
                }
                setAside.store(k, .success(sums))
            }
        }
        for k in 0..<parts {
            for (index, sum) in setAside.get(k).enumerated() where Int32(-index - 1) != notYetKnown {
                books.setAside(setAsideReason(Int32(-index - 1)), rows: sum.rows, cost: sum.cost)
            }
        }
        return (blocks, blockOfCell, classOfPair, entryOfPair)
    }

    /// `classify` with hash maps, for aggregates whose (product, period) table would be too large to be dense:
    /// one pass over the cells in order. Returns the blocks and each cell's block (−1: set aside).
    private static func classifyByMaps(
        _ data: DispensingAggregate, classifier: any ProductClassifier, classes: inout ClassIndex, window: PeriodRange,
        books: inout Reconciliation, unknown: inout [Int32: Int32]
    ) -> (blocks: [Block], blockOfCell: [Int32], classOfPair: [Int32], entryOfPair: [Int32]) {
        var blocks: [Block] = []
        var verdicts = IntMap()
        var blockOfMap = IntMap()
        var blockOfCell = [Int32](repeating: -1, count: data.cells.count)
        let listed = Set(classifier.listedMonths)
        for (i, cell) in data.cells.enumerated() {
            let period = data.periods[Int(cell.period)]
            guard window.contains(period) else {
                books.setAside(.outsidePeriod, rows: cell.rows, cost: cell.cost)
                continue
            }
            let pair = UInt64(UInt32(bitPattern: cell.product)) << 32 | UInt64(UInt32(bitPattern: cell.period))
            var v = verdicts[pair] ?? notYetKnown
            if v == notYetKnown {
                v = verdict(
                    classifier.classify(product: data.products[Int(cell.product)], period: period),
                    product: cell.product, period: cell.period, data: data, listed: listed, classes: &classes,
                    unknown: &unknown)
                _ = verdicts.value(pair) { v }
            }
            guard v >= 0 else {
                books.setAside(setAsideReason(v), rows: cell.rows, cost: cell.cost)
                continue
            }
            let mapKey = UInt64(UInt32(bitPattern: v)) << 32 | UInt64(UInt32(bitPattern: cell.period))
            var b = blockOfMap[mapKey] ?? -1
            if b < 0 {
                b = Int32(blocks.count)
                blocks.append(Block(equivalenceClass: classes.classes[Int(v)], classIndex: v, period: period))
                _ = blockOfMap.value(mapKey) { b }
            }
            blockOfCell[i] = b
        }
        return (blocks, blockOfCell, [], [])
    }

    /// The cells of each block (`blockOfCell`, −1 for none), grouped by block in cell order, each block's range
    /// of them and its number of organisations set: from the cells' organisations, copied in block order as
    /// the cells are read in order. The sums are made as each block is used (`sumBlock`), with its cells read
    /// once there. In parallel over parts of the cells, each writing its own places of each block.
    private static func group(
        _ data: DispensingAggregate, blocks: inout [Block], blockOfCell: [Int32], threads: Int, cellsPerPart: Int
    ) -> [Int32] {
        let cellCount = data.cells.count, blockCount = blocks.count
        let parts = max(1, min(threads, cellCount / max(1, cellsPerPart)))
        let counted = ConcurrentResults<[Int32], Never>(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            var counts = [Int32](repeating: 0, count: blockCount)
            for i in part(k, of: parts, count: cellCount) where blockOfCell[i] >= 0 {
                counts[Int(blockOfCell[i])] += 1
            }
            counted.store(k, .success(counts))
        }
        // Part k's cells of block b go after those of the parts before it.
        var start = [Int](repeating: 0, count: blockCount + 1)
        var next = [[Int]](repeating: [], count: parts)
        for k in 0..<parts { next[k] = [Int](repeating: 0, count: blockCount) }
        for b in 0..<blockCount {
            var at = start[b]
            for k in 0..<parts {
                next[k][b] = at
                at += Int(counted.get(k)[b])
            }
            start[b + 1] = at
        }
        var grouped = [Int32](repeating: 0, count: start[blockCount])
        var organisationOfGrouped = [Int32](repeating: 0, count: start[blockCount])
        let places = next
        grouped.withUnsafeMutableBufferPointer { g in
            organisationOfGrouped.withUnsafeMutableBufferPointer { o in
                let (g, o) = (Shared(base: g.baseAddress!), Shared(base: o.baseAddress!))
                DispatchQueue.concurrentPerform(iterations: parts) { k in
                    var next = places[k]
                    for i in part(k, of: parts, count: cellCount) where blockOfCell[i] >= 0 {
                        let b = Int(blockOfCell[i])
                        g.base[next[b]] = Int32(i)
                        o.base[next[b]] = data.cells[i].organisation
                        next[b] += 1
                    }
                }
            }
        }
        // Each block's organisations, counted in parallel over runs of blocks.
        let distinct = ConcurrentResults<[Int], Never>(count: parts)
        let organisations = organisationOfGrouped, starts = start
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            var seen = [Bool](repeating: false, count: data.organisations.count)
            var counts: [Int] = []
            for b in part(k, of: parts, count: blockCount) {
                let range = starts[b]..<starts[b + 1]
                var n = 0
                for o in organisations[range] where !seen[Int(o)] {
                    seen[Int(o)] = true
                    n += 1
                }
                for o in organisations[range] { seen[Int(o)] = false }
                counts.append(n)
            }
            distinct.store(k, .success(counts))
        }
        let counts = (0..<parts).flatMap { distinct.get($0) }
        for b in 0..<blockCount {
            blocks[b].cells = start[b]..<start[b + 1]
            blocks[b].organisationCount = counts[b]
        }
        return grouped
    }
}
