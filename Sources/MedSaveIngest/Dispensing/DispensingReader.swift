import Foundation
import MedSaveModel
import MedSaveSupport

/// How to read dispensing files.
public struct DispensingReadOptions: Sendable {
    public var dialect: CSVDialect
    public var mapping: ColumnMapping
    public var organisation: OrganisationColumn
    /// Stop at the first problem instead of setting the row aside.
    public var strict: Bool
    /// Longest field and record, most columns: larger inputs are refused rather than buffered.
    public var limits: CSVLimits
    /// Also sum quantity per (cell, patient) or (cell, prescriber), for resampling those clusters
    /// (`estimate --resample`); nil keeps memory to the cells.
    public var cluster: ClusterColumn?
    /// Threads that parse one plain (not gzip) file in parallel, each its own part; 0 for every core.
    public var threads = 0
    /// Bytes read at a time. Only tests change it, to put record boundaries at every possible place.
    public var chunkSize = 1 << 20
    /// Files smaller than this are read by one thread. Only tests change it.
    public var parallelMinimumBytes = 8 << 20
    /// A thread done with its part of a file takes the back half of the part with most left unread while that
    /// is at least this many bytes (`PartEnd`): the half taken, 16 MB, is about a tenth of a second's reading of
    /// a national file, and a part of its own costs a reader and a merge (0.04 s for one of 430,000 cells on the
    /// VM the README's figures come from). Month shards turn it off (`MonthShards.read`); tests lower it.
    public var smallestPartTaken = 32 << 20
    /// Each thread takes half of a part before it reads its own, so that parts are taken on every read however
    /// fast the threads run. Only tests set it.
    public var takesAPartFirst = false
    /// Ordinary rows go through the fast path. Only tests turn it off, to check that it changes nothing.
    public var fastPath = true
    /// Keep the patient codes (`DispensingAggregate.patients`), in memory only, so that the patients of
    /// several months read apart can be told apart (month shards); otherwise patients are only counted.
    public var patientCodes = false
    /// The most rows one run reads: a cell counts its rows, and the reader numbers its cells, in 32 bits, so
    /// the row past this stops the run rather than wrap a count. Only tests lower it.
    public var maximumRows = Int(Int32.max)

    public init(
        dialect: CSVDialect = CSVDialect(), mapping: ColumnMapping = ColumnMapping(),
        organisation: OrganisationColumn = .unit, strict: Bool = false, limits: CSVLimits = CSVLimits()
    ) {
        self.dialect = dialect
        self.mapping = mapping
        self.organisation = organisation
        self.strict = strict
        self.limits = limits
    }

    /// The threads to parse with.
    var resolvedThreads: Int { threads > 0 ? threads : max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// How far a read has got: bytes of the current file consumed out of its size (when known).
public struct ReadProgress: Sendable {
    public var fileIndex: Int
    public var fileCount: Int
    public var path: String
    public var bytesRead: Int
    public var fileSize: Int?
}

/// Reads dispensing files in one streaming pass into a `DispensingAggregate`.
///
/// Each row is parsed from bytes, its codes interned to dense ids, and its quantity and cost added to the
/// (organisation, product, period) cell. A row that cannot be read becomes an `InputProblem` and is counted
/// as set aside (`bad_row`); negative correction rows are summed like any other.
///
/// A large plain file is split into parts at line ends, one per thread; each part is read into its own
/// aggregate and the parts are merged in file order, so the result is the same, id for id and cell for cell,
/// as reading the file from start to end (`DispensingReader+Parallel.swift`).
public struct DispensingReader {
    public let options: DispensingReadOptions
    var aggregate: DispensingAggregate
    var organisations = ByteInterner()
    var products = ByteInterner()
    /// Given room for many codes once a file has a patient column (`roomForPatients`).
    var patients = ByteInterner()
    var prescribers = ByteInterner()
    /// Period id by month index since 1900 (−1: not seen yet).
    var periodIDs = [Int32](repeating: -1, count: 1100 * 12)
    /// The last period field the fast path gave an id, as its bytes (up to 8, `shortField`), and that
    /// id: most files keep a month for many rows in a row, and those rows need neither parsing nor lookup.
    var recentPeriod: (bytes: UInt64, length: Int, id: Int32) = (0, -1, -1)
    var cellTable = CellTable()
    /// Per period id, a bit per product id: whether a cell has that (product, period) (`notePair`).
    var pairSeen: [[UInt64]] = []
    /// Later parts of a file read in parts, whose new cells stay in their parts' tables until `finish` lists
    /// them (after `cellTable`'s, in file order): merging them into one table would hold every cell twice.
    var deferred: [DeferredPart] = []
    /// The rows marked "do not substitute" read so far, as entries of `DispensingAggregate.blockedByPrescriber`
    /// in the order met, a key as often as its rows: summed by key when the aggregate is made (`finish`).
    var blockedRows: [BlockedSums.Entry] = []
    /// Rows read by the fast path and not yet added to their cells, with their cell keys' hashes.
    var batch: [Row] = []
    var batchHashes: [UInt64] = []
    /// The batch before, full, added to its cells when the next one fills (or at `flush`): its cells' index slots
    /// were asked for when it filled, and arrive while the next batch is read, not while the reader waits.
    var waiting: [Row] = []
    var waitingHashes: [UInt64] = []
    var batchPairs = PairBatch()
    /// The parts the last file was read in and merged from (0: read in one pass, or read again in one pass
    /// because a cut fell inside a quoted field).
    package internal(set) var partsRead = 0
    /// The current file's header as the fast path needs it.
    var plan = FastPlan()
    /// The bytes of the file (or part of one) being read, to size the cell index from the first of them
    /// (`sizeCellIndex`); 0: not known, or sized already.
    private var expectedBytes = 0
    /// Bytes of it the fast path has read, and the cells there were at the first checkpoint (`sizeCellIndex`).
    private var bytesSeen = 0
    private var cellsAtCheckpoint: (bytes: Int, cells: Int)?
    /// The bytes the cell list is sized for (`expect`).
    private var listedBytes = 0

    /// The next `bytes` of plain text read are a file or a part of one: the cell index is sized from its first
    /// 16th (`sizeCellIndex`), and the cell list for `listedBytes` of them (a read part whose list becomes the
    /// aggregate's makes room for all the parts).
    mutating func expect(bytes: Int, listedBytes: Int? = nil) {
        (expectedBytes, bytesSeen, cellsAtCheckpoint) = (bytes, 0, nil)
        self.listedBytes = listedBytes ?? bytes
    }

    /// Σ|quantity| and Σ|cost| of every row read (see `Magnitude`).
    var magnitude = Magnitude()

    /// The sums of absolute values read so far (amounts in millionths). While each stays within `Int64`'s
    /// range, every sum medsave forms of these rows — cells, rows of the ranking, totals, in any order — fits
    /// as well, so exact sums can neither wrap nor trap; the row that would pass the range stops the run instead.
    struct Magnitude {
        var quantity: UInt64 = 0
        var cost: UInt64 = 0

        /// Whether adding a row with these amounts keeps every sum in range (each term is below 2⁶³, so the
        /// unsigned sums themselves cannot wrap).
        func fits(quantity q: FixedDecimal, cost c: FixedDecimal) -> Bool {
            quantity + q.raw.magnitude <= UInt64(Int64.max) && cost + c.raw.magnitude <= UInt64(Int64.max)
        }

        /// Whether another reader's sums added to these stay in range.
        func fits(_ other: Magnitude) -> Bool {
            other.quantity <= UInt64(Int64.max) - quantity && other.cost <= UInt64(Int64.max) - cost
        }

        mutating func add(quantity q: FixedDecimal, cost c: FixedDecimal) {
            quantity += q.raw.magnitude
            cost += c.raw.magnitude
        }

        mutating func add(_ other: Magnitude) {
            quantity += other.quantity
            cost += other.cost
        }

        /// The message for a row (or file part) that would pass the range.
        static let overflow =
            "the quantities or costs read add up past ±9.2 × 10¹² (counting corrections by their size), more than "
            + "medsave sums exactly"
    }

    /// The message for the row past `DispensingReadOptions.maximumRows`.
    static func tooManyRows(_ limit: Int) -> String {
        "more than \(limit) rows in one run: medsave counts each cell's rows in 32 bits"
    }

    /// The largest amount one row may carry: 10¹² units, far beyond any real dispensing row.
    static let rowLimit = FixedDecimal(raw: 1_000_000_000_000 * FixedDecimal.scale)

    public init(options: DispensingReadOptions) {
        self.options = options
        aggregate = DispensingAggregate(organisationColumn: options.organisation)
        batch.reserveCapacity(Self.batchSize)
        batchHashes.reserveCapacity(Self.batchSize)
        waiting.reserveCapacity(Self.batchSize)
        waitingHashes.reserveCapacity(Self.batchSize)
    }

    /// Rows added to their cells at a time: enough for the cells' cache misses to overlap.
    static let batchSize = 64

    /// Other work to do on one of the reading threads (the catalogue, while the dispensing files are read),
    /// and its cost in bytes of dispensing data: that thread's part of the file is shorter by as much, so
    /// that the threads finish together. It runs exactly once, before `read(paths:)` returns or throws.
    public struct SideJob: Sendable {
        public var weight: Int
        public var run: @Sendable () -> Void

        public init(weight: Int, run: @escaping @Sendable () -> Void) {
            self.weight = weight
            self.run = run
        }
    }

    /// Reads every file in order and returns the aggregate. Throws on an unreadable file, a missing column,
    /// or (with `strict`) the first problem. `alongside` runs on one of the threads reading the first file
    /// when that file is read in parts, else before it.
    public static func read(
        paths: [String], options: DispensingReadOptions, progress: ((ReadProgress) -> Void)? = nil,
        alongside: SideJob? = nil
    ) throws(InputError) -> DispensingAggregate {
        var reader = DispensingReader(options: options)
        var side = alongside
        defer { side?.run() }
        for (i, path) in paths.enumerated() {
            try reader.read(path: path, alongside: &side) { bytes, size in
                progress?(
                    ReadProgress(fileIndex: i, fileCount: paths.count, path: path, bytesRead: bytes, fileSize: size))
            }
        }
        return reader.finish()
    }

    /// Reads dispensing data already in memory (named `path` in messages): for standard input, tests and fuzzing.
    public static func read(bytes: [UInt8], path: String, options: DispensingReadOptions) throws(InputError)
        -> DispensingAggregate
    {
        var reader = DispensingReader(options: options)
        try reader.read(source: MemoryByteSource(bytes), path: path, size: bytes.count, progress: nil)
        return reader.finish()
    }

    /// Adds one file to the aggregate: in parts on several threads when it is a large plain file, else in one pass.
    public mutating func read(path: String, progress: ((Int, Int?) -> Void)? = nil) throws(InputError) {
        var none: SideJob?
        try read(path: path, alongside: &none, progress: progress)
    }

    /// Adds one file; `side`, when given and the file is read in parts, runs alongside and is set to nil.
    mutating func read(path: String, alongside side: inout SideJob?, progress: ((Int, Int?) -> Void)?)
        throws(InputError)
    {
        consolidate()
        partsRead = 0
        let source = try openByteSource(path: path)
        // Never opened a second time: a FIFO has one reader, and its bytes come once.
        let size = (source as? FileByteSource)?.size ?? (source as? GzipByteSource)?.compressedSize
        if let file = source as? FileByteSource, let size, size >= options.parallelMinimumBytes,
            options.resolvedThreads > 1, !options.strict
        {
            try readInParts(file: file, path: path, size: size, alongside: &side, progress: progress)
        } else {
            side?.run()
            side = nil
            try read(source: source, path: path, size: size, progress: progress)
        }
    }

    mutating func read(
        source: any ByteSource, path: String, size: Int?, progress: ((Int, Int?) -> Void)?
    ) throws(InputError) {
        consolidate()

        var stream = CSVStreamReader(
            path: path, source: source,
            scanner: CSVScanner(delimiter: options.dialect.delimiter ?? UInt8(ascii: ","), limits: options.limits),
            chunkSize: options.chunkSize)
        var state = FileState(path: path)
        if source is FileByteSource, let size { expect(bytes: size) }  // not a gzip file's compressed size
        try records(
            of: &stream, state: &state, detectDelimiter: options.dialect.delimiter == nil,
            progress: progress.map { p in { p($0, size) } })
        if state.columns == nil {
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message: "the file is empty: expected a header line naming the columns")
        }
        var dialect = options.dialect
        dialect.delimiter = stream.scanner.delimiter
        aggregate.files.append((path, dialect))
    }

    /// Reads the records of `stream` into the aggregate: the header first when `state` has none, then rows,
    /// ordinary ones through the fast path. Returns where the last record ended and the lines read.
    @discardableResult
    mutating func records(
        of stream: inout CSVStreamReader, state: inout FileState, detectDelimiter: Bool, atFileStart: Bool = true,
        end: PartEnd? = nil, progress: ((Int) -> Void)?
    ) throws(InputError) -> (end: Int, lines: Int) {
        let result: (end: Int, lines: Int)
        let organisation = options.organisation
        let fastPath = options.fastPath, decimalComma = options.dialect.decimalComma
        func makePlan() -> FastPlan {
            fastPath && state.columns != nil
                ? FastPlan(state, organisation: organisation, decimalComma: decimalComma) : FastPlan()
        }
        plan = makePlan()
        roomForPatients(state)
        do {
            result = try stream.forEachRecord(
                detectDelimiter: detectDelimiter, atFileStart: atFileStart, end: end, progress: progress,
                fast: { buf, start, limit, _ in
                    let read = fastRows(buf, from: start, before: limit)
                    bytesSeen += read.next - start
                    if expectedBytes > 0 { sizeCellIndex() }
                    return read
                }
            ) { record in
                if state.columns == nil {
                    try readHeader(record, &state)
                    state.delimiter = record.delimiter
                    plan = makePlan()
                    roomForPatients(state)
                } else {
                    flush()
                    try readRow(record, &state)
                }
            }
            flush()
            plan = FastPlan()
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(location: nil, message: "\(state.path): \(error)")
        }
        return result
    }

    /// Makes room in the patient interner for many codes (there are about as many patients as rows) once a
    /// file has a patient column, before its first row: not at the start, as most files have none, and the
    /// room is megabytes of memory to clear in every reader of every part.
    private mutating func roomForPatients(_ state: FileState) {
        let room = 1 << 16
        if state.patient >= 0 && patients.count == 0 && patients.capacity < room {
            patients = ByteInterner(capacity: room)
        }
    }

    /// Sizes the cell index once for the cells the whole part will have, so that it is not doubled several
    /// times (a national file has a cell for about every row): from the new cells per byte between a 32nd and a
    /// 16th of the part. Where cells repeat (a region's data) that early rate overstates the cells to come, so
    /// the index is sized only for a million cells or more, where a doubling is tens of megabytes to touch
    /// again: the regional benchmark's parts keep growing by doubling, as they did.
    private mutating func sizeCellIndex() {
        guard expectedBytes >= 8 << 20 else {
            expectedBytes = 0
            return
        }
        guard let first = cellsAtCheckpoint else {
            if bytesSeen >= expectedBytes / 32 { cellsAtCheckpoint = (bytesSeen, cellTable.count) }
            return
        }
        guard bytesSeen >= expectedBytes / 16 else { return }
        let rate = Double(cellTable.count - first.cells) / Double(max(1, bytesSeen - first.bytes))
        // Cells already in the table from earlier files are counted as well: the index holds them all.
        let expected = Double(cellTable.count) + rate * Double(max(0, expectedBytes - bytesSeen))
        let listed = Double(cellTable.count) + rate * Double(max(0, listedBytes - bytesSeen))
        if expected >= 1e6 {
            cellTable.reserve(Int(expected * 1.05), listed: Int(listed * 1.05))
            // The pair sets keep a code for each cell, by cell (`PairSet`): room made with the list's, so that
            // they are not copied into new memory each time they double, nor when the parts are merged.
            if plan.hasPatient { aggregate.patientsByCell.reserveCapacity(Int(listed * 1.05)) }
            if plan.hasPrescriber { aggregate.prescribersByCell.reserveCapacity(Int(listed * 1.05)) }
        }
        expectedBytes = 0
    }

    /// The aggregate of everything read so far. The cells' tables are let go as they are listed.
    public mutating func finish() -> DispensingAggregate {
        var result = aggregate
        let total = cellCount
        // The table's own list becomes the aggregate's; the kept parts' new cells follow, in their places.
        for part in deferred { part.table.releaseIndex() }
        var cells = cellTable.takeCells()
        cellTable = CellTable(capacity: 0)
        cells.reserveCapacity(total)
        // The kept parts' cells fill room never touched: its pages are made first, split between the threads, not
        // faulted in one at a time as the cells reach them.
        if !deferred.isEmpty {
            let stride = MemoryLayout<DispensingCell>.stride
            cells.withUnsafeBufferPointer { list in
                guard let base = list.baseAddress else { return }
                FreshPages.make(base, bytes: (list.count * stride)..<(total * stride), threads: options.resolvedThreads)
            }
        }
        while !deferred.isEmpty {
            let part = deferred.removeFirst()
            let (o, p, t) = (part.organisations, part.products, part.periods)
            for (number, cell) in part.table.takeCells().enumerated() where part.place[number] >= 0 {
                assert(Int(part.place[number]) == cells.count, "a kept part's cells are placed in their order")
                var c = cell
                c.organisation = o[Int(cell.organisation)]
                c.product = p[Int(cell.product)]
                c.period = t[Int(cell.period)]
                cells.append(c)
            }
        }
        result.cells = cells
        MemoryTrace.mark("\(result.cells.count) cells listed")
        if options.patientCodes {
            let encoding = options.dialect.encoding
            result.patients = (0..<Int32(patients.count)).map { id in patients.withKey(id) { encoding.decode($0) ?? "" }
            }
        }
        result.blockedByPrescriber = Self.summed(blockedRows)
        return result
    }

    /// The blocked rows' entries summed by key, in key order. A cell's blocked rows without a prescriber that
    /// sum to nothing, beside rows that name one, say nothing the others do not: left out, so that a cell's
    /// entries are its prescribers' and the rest when any.
    static func summed(_ rows: [BlockedSums.Entry]) -> BlockedSums {
        var keys = rows.map(\.key), place = Array(0..<Int32(rows.count))
        RadixSort.sort(&keys, carrying: &place)
        var sums: [BlockedSums.Entry] = []
        sums.reserveCapacity(rows.count)
        for (key, at) in zip(keys, place) {
            let row = rows[Int(at)]
            if sums.last?.key == key {
                sums[sums.count - 1].quantity += row.quantity
                sums[sums.count - 1].cost += row.cost
                continue
            }
            // The entry before is complete: a cell's entry without a prescriber comes last in the cell.
            dropUnnamedZero(&sums)
            sums.append(row)
        }
        dropUnnamedZero(&sums)
        return BlockedSums(ascending: sums)
    }

    /// Drops the last entry when it names no prescriber, sums to zero and follows an entry of the same cell.
    private static func dropUnnamedZero(_ sums: inout [BlockedSums.Entry]) {
        guard sums.count >= 2, let last = sums.last, last.key & BlockedSums.noPrescriber == BlockedSums.noPrescriber,
            last.quantity == .zero, last.cost == .zero, sums[sums.count - 2].cell == last.cell
        else { return }
        sums.removeLast()
    }
}
