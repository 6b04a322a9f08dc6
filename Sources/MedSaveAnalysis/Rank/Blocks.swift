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
    }

    /// Sums a block's cells (`cells[block.cells]`, indices into `aggregate`) per organisation, numbered by first
    /// appearance, just before the block is used (`Ranking.sum(blocks:)`, which then finds its cells in cache).
    /// `positionOf` is all −1 on entry and on return.
    ///
    /// The cells are read where the aggregate has them, not copied into a list of their own: on national data
    /// that list would be hundreds of megabytes of fresh memory, dearer to touch than the reads it saves.
    static func sumBlock(
        _ block: inout Block, cells: UnsafeBufferPointer<Int32>, aggregate: UnsafeBufferPointer<DispensingCell>,
        positionOf: inout [Int32]
    ) {
        // Room for exactly the block's organisations (`classify` counted them).
        let distinct = block.organisationCount
        block.organisations.reserveCapacity(distinct)
        block.quantity.reserveCapacity(distinct)
        block.cost.reserveCapacity(distinct)
        block.blockedQuantity.reserveCapacity(distinct)
        block.blockedCost.reserveCapacity(distinct)
        block.cellFlags.reserveCapacity(distinct)
        // The cells are far apart in the aggregate (a block is one class in one month): each read is a miss, so
        // the reads of cells a few ahead are started early, and several misses wait at once.
        let ahead = 12
        let base = UnsafeRawPointer(aggregate.baseAddress!)
        for k in block.cells {
            if k + ahead < block.cells.upperBound {
                let next = base + Int(cells[k + ahead]) * MemoryLayout<DispensingCell>.stride
                medsave_prefetch(next)
                medsave_prefetch(next + MemoryLayout<DispensingCell>.stride - 1)
            }
            let c = aggregate[Int(cells[k])]
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
            if c.hasCorrectionRows { block.cellFlags[p].insert(.correctionRows) }
            if c.hasBlockedRows { block.cellFlags[p].insert(.doNotSubstitute) }
            block.rows += c.rows
            block.totalCost += c.cost
            block.quantity[p] += c.quantity
            block.cost[p] += c.cost
            block.blockedQuantity[p] += c.blockedQuantity
            block.blockedCost[p] += c.blockedCost
        }
        for o in block.organisations { positionOf[Int(o)] = -1 }
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
            results.store(
                k,
                .success(
                    mine.map {
                        classifier.classify(product: data.products[$0 / periods], period: data.periods[$0 % periods])
                    }))
        }
        return (index, (0..<parts).flatMap { results.get($0) })
    }

    /// Sorts cells into blocks, setting aside those outside the window, not in the catalogue, or in no class.
    /// Each (product, period) is classified once; classes, and the organisations in each block, are numbered in
    /// the order the cells first meet them, a block's cells keep their order, and the blocks are returned by
    /// class and then month (the order rows sum them in). Returns the blocks and their
    /// cells, grouped by block, the class id of each (product id · periods + period id) dispensed in the window
    /// (negative: in none; empty when that table would be too large), and in `unknown` each product the catalogue
    /// does not know with a period it was dispensed in. O(cells), reading the aggregate's cells in order.
    static func classify(
        _ data: DispensingAggregate, classifier: any ProductClassifier, classes: inout ClassIndex, window: PeriodRange,
        threads: Int = 1, books: inout Reconciliation, unknown: inout [Int32: Int32]
    ) -> (blocks: [Block], cells: [Int32], classOfPair: [Int32]) {
        var blocks: [Block] = []
        // (product, period) → class id, −1 unknown, −2 in no class, −3 not yet known: a dense table when it is
        // small enough, else a hash map.
        let periods = data.periods.count
        let dense = data.products.count * periods <= 1 << 24
        var denseVerdicts = [Int32](repeating: -3, count: dense ? data.products.count * periods : 0)
        var verdicts = IntMap()
        // (class id, period id) → block: with the dense table, an array by class id · periods + period id (class
        // ids are numbered as they are met, fewer than the products), −1 none yet; else a hash map.
        var blockOf: [Int32] = []
        var blockOfMap = IntMap()
        var blockOfCell = [Int32](repeating: -1, count: data.cells.count)
        var cellsInBlock: [Int] = []
        // With several threads, every (product, period) in the window is looked up in the classifier first, in
        // parallel (the lookups hash product codes); class ids are still given below in the cells' order.
        let known =
            dense && threads > 1 ? preclassify(data, classifier: classifier, window: window, threads: threads) : nil
        // A product unknown in a month that has no list at all is a missing list (verdict −4), not an unknown product.
        let listed = Set(classifier.listedMonths)
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
                let classification =
                    known.map { $0.values[Int($0.index[slot])] }
                    ?? classifier.classify(product: data.products[Int(cell.product)], period: period)
                switch classification {
                case .unknown:
                    verdict = listed.isEmpty || listed.contains(period) ? -1 : -4
                    // Each unknown product with the earliest period it was dispensed in, whatever the rows' order.
                    if verdict == -1, unknown[cell.product].map({ data.periods[Int($0)] > period }) ?? true {
                        unknown[cell.product] = cell.period
                    }
                case .unclassified: verdict = -2
                case .member(let c): verdict = classes.id(c)
                }
                if dense { denseVerdicts[slot] = verdict } else { _ = verdicts.value(pair) { verdict } }
            }
            guard verdict >= 0 else {
                let reason: SetAsideReason =
                    verdict == -1 ? .unknownProduct : verdict == -4 ? .noCatalogueMonth : .noClass
                books.setAside(reason, rows: cell.rows, cost: cell.cost)
                continue
            }
            let blockKey = Int(verdict) * periods + Int(cell.period)
            if dense && blockKey >= blockOf.count {
                blockOf += repeatElement(-1, count: max(blockKey + 1, 2 * blockOf.count) - blockOf.count)
            }
            let mapKey = UInt64(UInt32(bitPattern: verdict)) << 32 | UInt64(UInt32(bitPattern: cell.period))
            var b = dense ? blockOf[blockKey] : blockOfMap[mapKey] ?? -1
            if b < 0 {
                b = Int32(blocks.count)
                blocks.append(
                    Block(equivalenceClass: classes.classes[Int(verdict)], classIndex: verdict, period: period))
                cellsInBlock.append(0)
                if dense { blockOf[blockKey] = b } else { _ = blockOfMap.value(mapKey) { b } }
            }
            blockOfCell[i] = b
            cellsInBlock[Int(b)] += 1
        }
        // Each block's cells, in cell order, and how many organisations it has (from the cells' organisations,
        // copied in block order as the cells are read in order): the sums are made as each block is used
        // (`sumBlock`), with its cells read once there.
        var start = [Int](repeating: 0, count: blocks.count + 1)
        for b in blocks.indices { start[b + 1] = start[b] + cellsInBlock[b] }
        var next = start
        var grouped = [Int32](repeating: 0, count: start[blocks.count])
        var organisationOfGrouped = [Int32](repeating: 0, count: start[blocks.count])
        for (i, cell) in data.cells.enumerated() where blockOfCell[i] >= 0 {
            let b = Int(blockOfCell[i])
            grouped[next[b]] = Int32(i)
            organisationOfGrouped[next[b]] = cell.organisation
            next[b] += 1
        }
        var seen = [Bool](repeating: false, count: data.organisations.count)
        for b in blocks.indices {
            let range = start[b]..<start[b + 1]
            var distinct = 0
            for o in organisationOfGrouped[range] where !seen[Int(o)] {
                seen[Int(o)] = true
                distinct += 1
            }
            for o in organisationOfGrouped[range] { seen[Int(o)] = false }
            blocks[b].cells = range
            blocks[b].organisationCount = distinct
        }
        // A row sums its blocks in this order: by class, then month, whatever order the rows came in.
        blocks.sort { ($0.classIndex, $0.period) < ($1.classIndex, $1.period) }
        return (blocks, grouped, denseVerdicts)
    }
}
