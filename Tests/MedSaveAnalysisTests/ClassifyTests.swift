import Foundation
import MedSaveCore
import MedSaveSupport
import MedSaveTestSupport
import Testing

@testable import MedSaveAnalysis

/// Sorting cells into blocks (`Ranking.classify`) has two paths — a dense (product, period) table, split between
/// threads, and hash maps in one pass — and both must number classes and blocks as the cells first meet them,
/// keep each block's cells in cell order and set aside the same rows and money for the same reasons. Checked on
/// seeded data with every kind of cell (outside the window, unknown products, a month with no list, products
/// in no class) against a plain reference, with the work split into as many parts as the cells allow.
@Suite("Cells sorted into blocks")
struct ClassifyTests {
    /// Months 2025-01…07; lists for 01…05 only. P0…P47 in 12 classes, P48…P53 listed without a class, P54…P59
    /// never listed.
    static func inputs(seed: UInt64) throws -> LoadedInputs {
        var random = SplitMix64(seed: seed)
        var catalogue = "period,product,name,form,pack_size,unit_price,group,size_group,status\n"
        for month in 1...5 {
            for p in 0..<54 {
                // A product changes class in some months, so a (product, period) is what decides.
                let group = p >= 48 ? "" : "G\((p + (p % 5 == 0 ? month : 0)) % 12)"
                catalogue += "2025-0\(month),P\(p),Name \(p),Tablett,100,\(1 + p % 7).00,\(group),T1,\n"
            }
        }
        var dispensing = "period,unit,product,quantity,cost\n"
        for _ in 0..<4_000 {
            let month = 1 + random.next(below: 7), unit = random.next(below: 40), product = random.next(below: 60)
            dispensing += "2025-0\(month),U\(unit),P\(product),\(1 + random.next(below: 90)),"
            dispensing += "\(random.next(below: 900)).\(random.next(below: 100))\n"
        }
        return try LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: [Fixtures.write(dispensing, named: "classify-\(seed).csv")],
                cataloguePaths: [Fixtures.write(catalogue, named: "classify-\(seed)-catalogue.csv")],
                read: DispensingReadOptions()))
    }

    struct Outcome: Equatable {
        var blocks: [String]
        var cells: [Int32]
        var classes: [EquivalenceClass]
        var books: Reconciliation
        var unknown: [Int32: Int32]
    }

    static func classify(
        _ inputs: LoadedInputs, window: PeriodRange, threads: Int, tuning: Ranking.ClassifyTuning
    ) -> (Outcome, classOfPair: [Int32], entryOfPair: [Int32]) {
        var classes = Ranking.ClassIndex(), books = Reconciliation(), unknown: [Int32: Int32] = [:]
        let (blocks, cells, classOfPair, entryOfPair, spare) = Ranking.classify(
            inputs.dispensing, classifier: inputs.catalogue, classes: &classes, window: window, threads: threads,
            books: &books, unknown: &unknown, tuning: tuning)
        #expect(spare.count == inputs.dispensing.cells.count, "the list left for the caller has a place per cell")
        let described = blocks.map {
            "\($0.classIndex) \($0.period) \($0.cells) \($0.organisationCount) \($0.equivalenceClass)"
        }
        return (
            Outcome(blocks: described, cells: cells, classes: classes.classes, books: books, unknown: unknown),
            classOfPair, entryOfPair
        )
    }

    /// What `classify` must give, found the plain way: each cell in the window classified on its own.
    static func reference(_ inputs: LoadedInputs, window: PeriodRange) -> Outcome {
        let data = inputs.dispensing, catalogue = inputs.catalogue
        var classes: [EquivalenceClass] = []
        var books = Reconciliation()
        var unknown: [Int32: Int32] = [:]
        var cellsOf: [String: [Int32]] = [:]
        var keys: [(classIndex: Int, period: Period, key: String)] = []
        let listed = Set(catalogue.listedMonths)
        for (i, cell) in data.cells.enumerated() {
            let period = data.periods[Int(cell.period)]
            guard window.contains(period) else {
                books.setAside(.outsidePeriod, rows: cell.rows, cost: cell.cost)
                continue
            }
            switch catalogue.classify(product: data.products[Int(cell.product)], period: period) {
            case .unknown where !listed.contains(period):
                books.setAside(.noCatalogueMonth, rows: cell.rows, cost: cell.cost)
            case .unknown:
                books.setAside(.unknownProduct, rows: cell.rows, cost: cell.cost)
                if unknown[cell.product].map({ data.periods[Int($0)] > period }) ?? true {
                    unknown[cell.product] = cell.period
                }
            case .unclassified: books.setAside(.noClass, rows: cell.rows, cost: cell.cost)
            case .member(let c):
                if !classes.contains(c) { classes.append(c) }
                let classIndex = classes.firstIndex(of: c)!
                let key = "\(classIndex) \(period)"
                if cellsOf[key] == nil { keys.append((classIndex, period, key)) }
                cellsOf[key, default: []].append(Int32(i))
            }
        }
        // The cells grouped by block in the order the blocks were met; the blocks listed by class, then month.
        var blocks: [(classIndex: Int, period: Period, text: String)] = [], cells: [Int32] = []
        for k in keys {
            let mine = cellsOf[k.key]!
            let organisations = Set(mine.map { data.cells[Int($0)].organisation }).count
            let range = cells.count..<cells.count + mine.count
            blocks.append((k.classIndex, k.period, "\(k.key) \(range) \(organisations) \(classes[k.classIndex])"))
            cells += mine
        }
        blocks.sort { ($0.classIndex, $0.period) < ($1.classIndex, $1.period) }
        return Outcome(blocks: blocks.map(\.text), cells: cells, classes: classes, books: books, unknown: unknown)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func everyPathAndSplitSortsAsThePlainWayDoes(seed: UInt64) throws {
        let inputs = try Self.inputs(seed: seed)
        let window = PeriodRange(from: Period(year: 2025, month: 2), to: Period(year: 2025, month: 6))
        let expected = Self.reference(inputs, window: window)
        #expect(expected.books.rowsSetAside.count == 4, "every reason to set a cell aside is met")
        #expect(expected.blocks.count > 40)
        var tables: [[Int32]] = [], entryTables: [[Int32]] = []
        for threads in [1, 2, 3, 7] {
            for cellsPerPart in [1 << 16, 1, 500] {
                let (outcome, classOfPair, entryOfPair) = Self.classify(
                    inputs, window: window, threads: threads,
                    tuning: Ranking.ClassifyTuning(cellsPerPart: cellsPerPart))
                #expect(outcome == expected, "dense, \(threads) threads, \(cellsPerPart) cells a part")
                tables.append(classOfPair)
                entryTables.append(entryOfPair)
            }
        }
        #expect(Set(tables).count == 1, "the class of each (product, period) is the same however it is split")
        #expect(Set(entryTables).count == 1)
        // Each pair's catalogue entry, found by product number when it was classified, is the one its code finds.
        let data = inputs.dispensing, periods = data.periods.count
        for (slot, entry) in entryTables[0].enumerated() where tables[0][slot] != -3 {
            let product = data.products[slot / periods], period = data.periods[slot % periods]
            #expect(
                Int(entry) == (inputs.catalogue.index(product: product, period: period) ?? -1), "\(product) \(period)")
        }
        let (maps, none, noEntries) = Self.classify(
            inputs, window: window, threads: 2, tuning: Ranking.ClassifyTuning(denseSlots: 0))
        #expect(maps == expected, "hash maps")
        #expect(none.isEmpty && noEntries.isEmpty)
    }
}
