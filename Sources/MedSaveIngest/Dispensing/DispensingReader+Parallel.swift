import Foundation
import MedSaveModel
import MedSaveSupport

/// Reading one large plain file on several threads.
///
/// The header is read first; the rest of the file is cut into one part per thread, each starting just after a
/// line end. Each part is read by its own `DispensingReader` into its own aggregate, the last record of a part
/// read to its end wherever that is. A thread done with its part takes the back half of the part with most
/// left unread, as a part of its own (`PartEnd`): threads run at different speeds on a shared machine (the two
/// halves of a national file ended up to 0.8 s apart), and this way they end about together. A cut can fall
/// inside a quoted field that holds a line break: then the part before it ends somewhere other than where the
/// next part began, the parts are thrown away and the file is read again in one pass. Otherwise the parts are merged in file order — codes interned, periods and cells
/// added as a single pass would have met them, problems' line numbers moved on — so the aggregate is the same
/// as one pass gives, whatever the number of threads.
extension DispensingReader {
    mutating func readInParts(
        file: FileByteSource, path: String, size: Int, alongside side: inout SideJob?, progress: ((Int, Int?) -> Void)?
    ) throws(InputError) {
        guard let (state, dataStart, dataLine) = try header(of: file, path: path, size: size) else {
            side?.run()
            side = nil
            try file.rewind()
            return try read(source: file, path: path, size: size, progress: progress)
        }
        let cuts = try cut(
            path: path, from: dataStart, to: size, into: options.resolvedThreads, lastShorterBy: side?.weight ?? 0)
        let plan = PartPlan(cuts, path: path, smallest: options.smallestPartTaken, maximumCount: cuts.count * 8)
        let results = PartResults(count: plan.maximumCount, fileSize: size, progress: progress)
        let options = self.options, job = side
        side = nil
        // Each thread reads its part, then takes the back half of the part with the most left, until none has
        // much left: the parts end about together however fast each thread happens to run.
        DispatchQueue.concurrentPerform(iterations: cuts.count) { k in
            if k == cuts.count - 1 { job?.run() }
            var next: Int? = k
            var taken = options.takesAPartFirst ? plan.takeHalf() : nil
            while let index = next {
                let end = plan.end(index)
                results.store(
                    index,
                    Self.readPart(
                        path: path, end: end, state: state, options: options,
                        // The first part's list becomes the aggregate's: room for every part's cells.
                        listedBytes: index == 0 ? size - dataStart : end.state.end - end.start
                    ) { bytes in
                        results.report(part: index, bytes: bytes + (index == 0 ? dataStart : 0))
                    })
                end.finish()
                next = taken ?? plan.takeHalf()
                taken = nil
            }
        }
        // The parts in file order.
        let order = plan.order()
        let parts = order.map { plan.end($0).start..<plan.end($0).state.end }
        MemoryTrace.mark("\(parts.count) parts of \(path) read")
        // Each part must begin where the one before it ended; the first error in file order stops the run.
        var lineOffset = dataLine - 1
        var readers: [(DispensingReader, Int)] = []
        for k in parts.indices {
            if k > 0 {
                guard case .success(let before) = results.outcomes.result(order[k - 1])!,
                    parts[k - 1].lowerBound + before.end == parts[k].lowerBound
                else {
                    try file.rewind()
                    return try read(source: file, path: path, size: size, progress: progress)
                }
            }
            switch results.outcomes.result(order[k])! {
            case .failure(var error):
                if error.location?.file == path { error.location!.line += lineOffset }
                throw error
            case .success(let part):
                readers.append((part.reader, lineOffset))
                lineOffset += part.lines
            }
        }
        // The readers are held here alone, and each is let go once taken in: a part's pair sets and maps, adopted
        // and then added to, would otherwise be copied whole (copy on write) while the part still held them.
        for k in order { _ = try? results.outcomes.take(k) }
        var remaining: [(DispensingReader, Int)?] = readers
        readers = []
        // The first part read into an empty reader becomes its table, and the other parts' new cells stay in
        // theirs (`deferred`); into a reader that has read before, every part is merged into its table.
        var adopted = false
        for k in remaining.indices {
            let (reader, offset) = remaining[k]!
            remaining[k] = nil
            // Each part stayed in range; together they must too, or the cells merged below could pass it.
            guard magnitude.fits(reader.magnitude) else {
                throw InputError(
                    location: SourceLocation(file: path, line: offset + 1, column: 1),
                    message: DispensingReader.Magnitude.overflow,
                    hint: "split the input (by period or unit) into runs of their own")
            }
            guard reader.aggregate.rowsRead <= options.maximumRows - aggregate.rowsRead else {
                throw InputError(
                    location: SourceLocation(file: path, line: offset + 1, column: 1),
                    message: Self.tooManyRows(options.maximumRows),
                    hint: "split the input (by period or unit) into runs of their own")
            }
            magnitude.add(reader.magnitude)
            if k == 0 && cellTable.count == 0 && aggregate.rowsRead == 0 && aggregate.problems.isEmpty {
                adopt(reader, lineOffset: offset)
                adopted = true
            } else {
                merge(reader, lineOffset: offset, deferring: adopted)
            }
        }
        partsRead = parts.count
        MemoryTrace.mark("parts merged, \(cellTable.count) cells")
        var dialect = options.dialect
        dialect.delimiter = state.delimiter
        aggregate.files.append((path, dialect))
    }

    /// Reads the header at the start of `file` into this reader: the file state, the offset where the data
    /// begins and its line. Nil when the header is not in the first megabyte or is unusual in any way; the
    /// file is then read in one pass, which reports what is wrong.
    private mutating func header(
        of file: FileByteSource, path: String, size: Int
    ) throws(InputError) -> (FileState, Int, Int)? {
        var head: [UInt8] = []
        _ = try file.read(into: &head, maxCount: min(size, 1 << 20))
        return try head.withUnsafeBufferPointer { buf throws(InputError) -> (FileState, Int, Int)? in
            var offset = buf.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let lineEnd = buf[offset...].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) ?? buf.count
            let delimiter = options.dialect.delimiter ?? CSVDialect.detectDelimiter(headerLine: buf[offset..<lineEnd])
            let scanner = CSVScanner(delimiter: delimiter, limits: options.limits)
            var state = FileState(path: path)
            var fields: [FieldSpan] = []
            var line = 1
            while state.columns == nil {
                guard
                    case .record(let next, let lines, let stray) = scanner.scan(
                        buf, from: offset, isFinal: buf.count == size, fields: &fields),
                    next < buf.count
                else { return nil }
                let record = CSVRecord(
                    buffer: buf, fields: fields, line: line, start: offset, strayAfterQuote: stray, delimiter: delimiter
                )
                do { try readHeader(record, &state) } catch let error as InputError { throw error } catch { return nil }
                line += lines
                offset = next
            }
            state.delimiter = delimiter
            return (state, offset, line)
        }
    }

    /// `count` ranges covering `start..<end`, each after the first beginning just after a line feed; the last
    /// `shorter` bytes shorter than the others (its thread has other work too).
    private func cut(path: String, from start: Int, to end: Int, into count: Int, lastShorterBy shorter: Int)
        throws(InputError) -> [Range<Int>]
    {
        var bounds = [start]
        let length = end - start + max(0, shorter)
        for k in 1..<count {
            let nominal = max(bounds[bounds.count - 1], start + min(end - start, length * k / count))
            bounds.append(try Self.lineStart(path: path, from: max(nominal, start + 1), before: end))
        }
        bounds.append(end)
        return (0..<count).map { bounds[$0]..<max(bounds[$0], bounds[$0 + 1]) }
    }

    /// The offset just after the first line feed at or after `offset − 1` in the file at `path`, or `end` when
    /// there is none before it: where a record starts, unless the line feed is inside a quoted field (which the
    /// parts' check finds: `readInParts`).
    static func lineStart(path: String, from offset: Int, before end: Int) throws(InputError) -> Int {
        let probe = try FileByteSource(path: path)
        var at = offset - 1
        try probe.seek(to: at)
        var window: [UInt8] = []
        while at < end, try probe.read(into: &window, maxCount: 1 << 16) > 0 {
            if let lf = window.firstIndex(of: 0x0A) { return min(at + lf + 1, end) }
            at += window.count
            window.removeAll(keepingCapacity: true)
        }
        return end
    }

    /// What one part's reader got: the reader, where its last record ended (from the part's start) and the
    /// lines it read.
    struct Part: @unchecked Sendable {
        var reader: DispensingReader
        var end: Int
        var lines: Int
    }

    /// Reads the records starting in the part from `end.start` to `end` (the last one to its end, wherever
    /// that is) with a reader of its own.
    private static func readPart(
        path: String, end: PartEnd, state: FileState, options: DispensingReadOptions, listedBytes: Int,
        progress: @escaping (Int) -> Void
    ) -> Result<Part, InputError> {
        do throws(InputError) {
            var reader = DispensingReader(options: options)
            let bytes = end.state.end - end.start
            // Room for a cell per eight rows of about 64 bytes, so that a large part's table rarely grows.
            reader.cellTable = CellTable(capacity: min(bytes / 512, 1 << 22))
            reader.expect(bytes: bytes, listedBytes: listedBytes)
            var state = state
            reader.internConstants(&state)
            let file = try FileByteSource(path: path)
            try file.seek(to: end.start)
            var stream = CSVStreamReader(
                path: path, source: file, scanner: CSVScanner(delimiter: state.delimiter, limits: options.limits),
                chunkSize: options.chunkSize)
            let (last, lines) = try reader.records(
                of: &stream, state: &state, detectDelimiter: false, atFileStart: false, end: end, progress: progress)
            return .success(Part(reader: reader, end: last, lines: lines))
        } catch {
            return .failure(error)
        }
    }

    /// Takes over what `first` read, when this reader has read no row yet (it has the same codes and periods
    /// as `first` started with: those of the header's `--set` values).
    private mutating func adopt(_ first: DispensingReader, lineOffset: Int) {
        organisations = first.organisations
        products = first.products
        patients = first.patients
        prescribers = first.prescribers
        periodIDs = first.periodIDs
        recentPeriod = first.recentPeriod
        cellTable = first.cellTable
        pairSeen = first.pairSeen
        let o = first.aggregate
        aggregate.organisations = o.organisations
        aggregate.products = o.products
        aggregate.prescribers = o.prescribers
        aggregate.periods = o.periods
        blockedRows = first.blockedRows
        aggregate.clusterQuantities = o.clusterQuantities
        aggregate.patientsByCell = o.patientsByCell
        aggregate.prescribersByCell = o.prescribersByCell
        aggregate.pairs = o.pairs
        aggregate.rowsRead = o.rowsRead
        aggregate.costRead = o.costRead
        aggregate.badRows = o.badRows
        aggregate.badRowCost = o.badRowCost
        aggregate.problems = Self.shifted(o.problems, by: lineOffset)
    }

    /// Problems with their lines moved on by `offset`.
    private static func shifted(_ problems: [InputProblem], by offset: Int) -> [InputProblem] {
        problems.map { p in
            var shifted = p
            shifted.location.line += offset
            return shifted
        }
    }

    /// A later part of a file read in parts, its cells that earlier parts did not have left in its own table
    /// (those they had are summed into theirs): its ids mapped to the reader's and back, and where each of its
    /// cells goes among the reader's cells.
    struct DeferredPart {
        let table: CellTable
        /// The reader's ids of the part's organisations, products and periods, by the part's ids.
        let organisations: [Int32], products: [Int32], periods: [Int32]
        /// The part's ids by the reader's ids (−1: not in the part).
        let organisationOf: [Int32], productOf: [Int32], periodOf: [Int32]
        /// Each cell's index among the reader's cells, by its order in the part; −1: summed into an earlier cell.
        let place: [Int32]
        let freshCount: Int

        /// The number in this part of the cell with the reader's ids in `key`, and its index among the reader's
        /// cells, if this part made that cell.
        func cell(readerKey key: UInt64) -> (Int32, Int32)? {
            let ids = DispensingReader.ids(key)
            func mine(_ id: Int32, _ table: [Int32]) -> Int32 { Int(id) < table.count ? table[Int(id)] : -1 }
            let o = mine(ids.organisation, organisationOf), p = mine(ids.product, productOf)
            let t = mine(ids.period, periodOf)
            guard o >= 0, p >= 0, t >= 0 else { return nil }
            let own = DispensingReader.key(organisation: o, product: p, period: t)
            guard let number = table.existingNumber(own, hash: CellTable.hash(own)) else { return nil }
            let at = place[Int(number)]
            return at >= 0 ? (number, at) : nil
        }
    }

    /// The kept part that made the cell with the reader's ids in `key`: its place in `deferred`, the cell's
    /// number there and its index among the reader's cells.
    func deferredCell(_ key: UInt64) -> (part: Int, number: Int32, at: Int32)? {
        for (k, part) in deferred.enumerated() {
            if let (number, at) = part.cell(readerKey: key) { return (k, number, at) }
        }
        return nil
    }

    /// Cells listed so far: the table's and the deferred parts' new ones.
    var cellCount: Int { cellTable.count + deferred.reduce(0) { $0 + $1.freshCount } }

    /// Moves the deferred parts' cells into the table, in their places, before rows are added to it directly.
    mutating func consolidate() {
        guard !deferred.isEmpty else { return }
        for part in deferred {
            // A part's cells are in its order, and so are their places.
            part.table.forEachCell { number, c in
                let at = part.place[Int(number)]
                guard at >= 0 else { return }
                let key = Self.key(
                    organisation: part.organisations[Int(c.organisation)], product: part.products[Int(c.product)],
                    period: part.periods[Int(c.period)])
                let made = cellTable.number(key, hash: CellTable.hash(key))
                precondition(made == at, "a deferred cell's place is the order it is made in")
                cellTable.add(c, to: made)
            }
        }
        deferred = []
    }

    /// Adds what `other` read — the part of a file after everything this reader has read — as if this reader
    /// had read it: codes and periods interned in `other`'s order, cells added or created in `other`'s order,
    /// problems' lines moved on by `lineOffset`. `deferring`: the cells new here stay in `other`'s table, listed
    /// after those before them (`deferred`).
    mutating func merge(_ other: DispensingReader, lineOffset: Int, deferring: Bool = false) {
        precondition(deferring || deferred.isEmpty, "parts are merged into a table only when none is deferred")
        func map(_ interner: ByteInterner, kind: CodeKind) -> [Int32] {
            (0..<Int32(interner.count)).map { id in interner.withKey(id) { internID($0, kind: kind) } }
        }
        let organisationMap = map(other.organisations, kind: .organisation),
            productMap = map(other.products, kind: .product)
        let patientMap = map(other.patients, kind: .patient), prescriberMap = map(other.prescribers, kind: .prescriber)
        // A cell of a period this reader had not met (neither in its own cells nor a kept part's) is new here
        // without a lookup: a file in month order, split in parts, shares at most a month between two of them.
        let knownPeriods = Int32(aggregate.periods.count)
        let periodMap = other.aggregate.periods.map { periodID($0) }
        let o = other.aggregate
        // Cells this reader has are summed here in `other`'s order, in batches whose cells are touched first
        // (as rows are, `flush`); cells new here are then made in `other`'s order, as one pass would have made
        // them, or left where they are and placed in that order (`deferring`). A cell of a period new here is
        // new without a lookup. (Plain loops over locals: closures over these variables would have every use
        // checked for exclusive access.)
        let otherCount = other.cellTable.count
        var cellMap = [Int32](repeating: -1, count: otherCount)
        var newCount = 0
        var batch: [(key: UInt64, number: Int32)] = [], hashes: [UInt64] = []
        batch.reserveCapacity(Self.batchSize)
        hashes.reserveCapacity(Self.batchSize)
        var next = 0
        while next < otherCount {
            batch.removeAll(keepingCapacity: true)
            while next < otherCount && batch.count < Self.batchSize {
                let number = Int32(next)
                next += 1
                let c = other.cellTable.cells[Int(number)]
                let period = periodMap[Int(c.period)]
                guard period < knownPeriods else {
                    newCount += 1
                    continue
                }
                let key = Self.key(
                    organisation: organisationMap[Int(c.organisation)], product: productMap[Int(c.product)],
                    period: period)
                batch.append((key, number))
            }
            hashes.removeAll(keepingCapacity: true)
            for (key, _) in batch { hashes.append(CellTable.hash(key)) }
            hashes.withUnsafeBufferPointer { cellTable.touch($0) }
            for ((key, number), hash) in zip(batch, hashes) {
                let c = other.cellTable.cells[Int(number)]
                if let mine = cellTable.existingNumber(key, hash: hash) {
                    cellTable.add(c, to: mine)
                    cellMap[Int(number)] = mine
                } else if let (k, theirs, at) = deferredCell(key) {
                    deferred[k].table.add(c, to: theirs)
                    cellMap[Int(number)] = at
                } else {
                    newCount += 1
                }
            }
        }
        // A part whose cells the reader mostly has (a regional file's parts) is cheaper merged than kept: its few
        // new cells are made here and its table goes (possible only while no part is kept, for their places).
        let keep = deferring && (!deferred.isEmpty || newCount * 4 > otherCount)
        if keep {
            var place = [Int32](repeating: -1, count: cellMap.count)
            var next = Int32(cellCount)
            for i in cellMap.indices where cellMap[i] < 0 {
                (cellMap[i], place[i]) = (next, next)
                next += 1
            }
            func inverse(_ map: [Int32], _ count: Int) -> [Int32] {
                var of = [Int32](repeating: -1, count: count)
                for (mine, theirs) in map.enumerated() { of[Int(theirs)] = Int32(mine) }
                return of
            }
            deferred.append(
                DeferredPart(
                    table: other.cellTable, organisations: organisationMap, products: productMap, periods: periodMap,
                    organisationOf: inverse(organisationMap, organisations.count),
                    productOf: inverse(productMap, products.count),
                    periodOf: inverse(periodMap, aggregate.periods.count),
                    place: place, freshCount: Int(next) - cellCount))
        } else {
            // The cells new here, made in `other`'s order, the order one pass would have made them in.
            for number in 0..<Int32(otherCount) where cellMap[Int(number)] < 0 {
                let c = other.cellTable.cells[Int(number)]
                let key = Self.key(
                    organisation: organisationMap[Int(c.organisation)], product: productMap[Int(c.product)],
                    period: periodMap[Int(c.period)])
                let mine = cellTable.number(key, hash: CellTable.hash(key))
                cellTable.add(c, to: mine)
                cellMap[Int(number)] = mine
            }
        }
        // Its (product, period) pairs that no cell here had, in its order: its cells with them come after all of
        // this reader's.
        for pair in o.pairs {
            notePair(product: productMap[Int(pair >> 32)], period: periodMap[Int(pair & 0xFFFF_FFFF)])
        }
        // The sums by (cell, prescriber) and the (cell, code) pairs, in the reader's ids: two independent jobs,
        // run side by side when reading has more than one thread (each takes its tables from the aggregate, so
        // that they are changed in place, not copied).
        let cells = cellMap, organisation = options.organisation, cluster = options.cluster
        let theirBlocked = other.blockedRows
        let sums = Moved<KeyedSums>((blockedRows, aggregate.clusterQuantities))
        let pairs = Moved((patients: aggregate.patientsByCell, prescribers: aggregate.prescribersByCell))
        (blockedRows, aggregate.clusterQuantities) = ([], [:])
        (aggregate.patientsByCell, aggregate.prescribersByCell) = (PairSet(), PairSet())
        let jobs = options.resolvedThreads > 1 ? 2 : 1
        DispatchQueue.concurrentPerform(iterations: jobs) { k in
            if k == 0 {
                Self.addSums(
                    blocked: theirBlocked, cluster: o.clusterQuantities, into: &sums.value, cells: cells,
                    blockedOwner: organisation == .prescriber ? organisationMap : prescriberMap,
                    clusterOwner: cluster == .patient ? patientMap : prescriberMap)
            }
            if k == jobs - 1 {
                pairs.value.patients.formUnion(o.patientsByCell, cells: cells, codes: patientMap)
                pairs.value.prescribers.formUnion(o.prescribersByCell, cells: cells, codes: prescriberMap)
            }
        }
        (blockedRows, aggregate.clusterQuantities) = sums.value
        (aggregate.patientsByCell, aggregate.prescribersByCell) = pairs.value
        aggregate.rowsRead += o.rowsRead
        aggregate.costRead += o.costRead
        aggregate.badRows += o.badRows
        aggregate.badRowCost += o.badRowCost
        aggregate.problems += Self.shifted(o.problems, by: lineOffset)
    }
}

extension DispensingReader {
    /// A reader's blocked rows (`blockedRows`) and sums by (cell, cluster code).
    fileprivate typealias KeyedSums = (blocked: [BlockedSums.Entry], cluster: [UInt64: FixedDecimal])

    /// Adds a part's blocked rows and sums by (cell, cluster code) to `sums`, its cells and codes mapped to the
    /// reader's (`cells`; `blockedOwner` and `clusterOwner` by the part's code ids).
    fileprivate static func addSums(
        blocked: [BlockedSums.Entry], cluster: [UInt64: FixedDecimal], into sums: inout KeyedSums, cells: [Int32],
        blockedOwner: [Int32], clusterOwner: [Int32]
    ) {
        func cell(_ key: UInt64) -> UInt64 { UInt64(UInt32(bitPattern: cells[Int(key >> 32)])) << 32 }
        func mapped(_ id: UInt64, _ table: [Int32]) -> UInt64 {
            id == 0xFFFF_FFFF ? id : UInt64(UInt32(bitPattern: table[Int(id)]))
        }
        sums.blocked.reserveCapacity(sums.blocked.count + blocked.count)
        for var row in blocked {
            row.key = cell(row.key) | mapped(row.key & 0xFFFF_FFFF, blockedOwner)
            sums.blocked.append(row)
        }
        for (key, quantity) in cluster {
            sums.cluster[cell(key) | mapped(key & 0xFFFF_FFFF, clusterOwner), default: .zero] += quantity
        }
    }
}

/// The parts of a file being read on several threads: those it was cut into at the start, and those taken since
/// from the back of others (`PartEnd`), numbered in the order they were made.
private final class PartPlan: @unchecked Sendable {
    let maximumCount: Int
    private let path: String
    private var ends: [PartEnd]
    private let lock = NSLock()
    /// A part is halved only while this much of it is left unclaimed (`DispensingReadOptions.smallestPartTaken`).
    let smallest: Int

    init(_ ranges: [Range<Int>], path: String, smallest: Int, maximumCount: Int) {
        ends = ranges.map { PartEnd(start: $0.lowerBound, end: $0.upperBound) }
        self.path = path
        self.smallest = max(1, smallest)
        self.maximumCount = maximumCount
    }

    func end(_ k: Int) -> PartEnd {
        lock.lock()
        defer { lock.unlock() }
        return ends[k]
    }

    /// Takes the back half of what the part with the most left has not claimed, from a line start, as a new
    /// part: its number, or nil when no part has enough left (or the plan is full).
    func takeHalf() -> Int? {
        // The part's reader may claim past the line start found meanwhile: then the part is looked at again.
        for _ in 0..<4 {
            lock.lock()
            let full = ends.count >= maximumCount
            let states = ends.map(\.state)
            lock.unlock()
            guard !full,
                let (k, part) = states.enumerated().max(by: { $0.element.unclaimed < $1.element.unclaimed }),
                part.unclaimed >= smallest,
                let at = try? DispensingReader.lineStart(
                    path: path, from: part.end - part.unclaimed / 2, before: part.end)
            else { return nil }
            guard let old = end(k).cut(at: at) else { continue }
            lock.lock()
            defer { lock.unlock() }
            ends.append(PartEnd(start: at, end: old))
            return ends.count - 1
        }
        return nil
    }

    /// The parts' numbers in file order (an empty part cut at the start before the part starting where it does).
    func order() -> [Int] {
        lock.lock()
        defer { lock.unlock() }
        return ends.indices.sorted { (ends[$0].start, $0) < (ends[$1].start, $1) }
    }
}

/// A value handed to the threads of one step, changed in place by the one thread that owns it there.
private final class Moved<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// The parts' outcomes, each written by its own thread, and their progress summed for one progress line.
private final class PartResults: @unchecked Sendable {
    let outcomes: ConcurrentResults<DispensingReader.Part, InputError>
    private var bytes: [Int]
    private let lock = NSLock()
    private let fileSize: Int
    private let progress: ((Int, Int?) -> Void)?

    init(count: Int, fileSize: Int, progress: ((Int, Int?) -> Void)?) {
        outcomes = ConcurrentResults(count: count)
        bytes = Array(repeating: 0, count: count)
        self.fileSize = fileSize
        self.progress = progress
    }

    func store(_ k: Int, _ outcome: Result<DispensingReader.Part, InputError>) { outcomes.store(k, outcome) }

    func report(part k: Int, bytes n: Int) {
        guard let progress else { return }
        lock.lock()
        bytes[k] = n
        progress(min(fileSize, bytes.reduce(0, +)), fileSize)
        lock.unlock()
    }
}
