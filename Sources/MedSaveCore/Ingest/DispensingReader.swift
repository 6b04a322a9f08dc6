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
    /// Bytes read at a time. Only tests change it, to put record boundaries at every possible place.
    public var chunkSize = 1 << 20

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
public struct DispensingReader {
    public let options: DispensingReadOptions
    private var aggregate: DispensingAggregate
    private var organisations = ByteInterner()
    private var products = ByteInterner()
    private var patients = ByteInterner(capacity: 1 << 16)
    private var prescribers = ByteInterner()
    private var invalidText: [Set<Int32>] = [[], [], [], []]
    private var periodIDs: [Int32: Int32] = [:]
    private var cellIndex: [UInt64: Int32] = [:]

    public init(options: DispensingReadOptions) {
        self.options = options
        aggregate = DispensingAggregate(organisationColumn: options.organisation)
    }

    /// Reads every file in order and returns the aggregate. Throws on an unreadable file, a missing column,
    /// or (with `strict`) the first problem.
    public static func read(
        paths: [String], options: DispensingReadOptions, progress: ((ReadProgress) -> Void)? = nil
    ) throws(InputError) -> DispensingAggregate {
        var reader = DispensingReader(options: options)
        for (i, path) in paths.enumerated() {
            try reader.read(path: path) { bytes, size in
                progress?(ReadProgress(fileIndex: i, fileCount: paths.count, path: path, bytesRead: bytes, fileSize: size))
            }
        }
        return reader.finish()
    }

    /// Reads dispensing data already in memory (named `path` in messages): for standard input, tests and fuzzing.
    public static func read(bytes: [UInt8], path: String, options: DispensingReadOptions) throws(InputError) -> DispensingAggregate {
        var reader = DispensingReader(options: options)
        try reader.read(source: MemoryByteSource(bytes), path: path, size: bytes.count, progress: nil)
        return reader.finish()
    }

    /// Adds one file to the aggregate.
    public mutating func read(path: String, progress: ((Int, Int?) -> Void)? = nil) throws(InputError) {
        let source = try openByteSource(path: path)
        let size = (source as? FileByteSource)?.size ?? (try? FileByteSource(path: path))?.size
        try read(source: source, path: path, size: size, progress: progress)
    }

    private mutating func read(
        source: any ByteSource, path: String, size: Int?, progress: ((Int, Int?) -> Void)?
    ) throws(InputError) {
        var stream = CSVStreamReader(
            path: path, source: source,
            scanner: CSVScanner(delimiter: options.dialect.delimiter ?? UInt8(ascii: ","), limits: options.limits),
            chunkSize: options.chunkSize)
        var state = FileState(path: path)
        do {
            try stream.forEachRecord(
                detectDelimiter: options.dialect.delimiter == nil,
                progress: progress.map { p in { p($0, size) } }
            ) { record in
                if state.columns == nil {
                    try readHeader(record, &state)
                } else {
                    try readRow(record, &state)
                }
            }
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(location: nil, message: "\(path): \(error)")
        }
        if state.columns == nil {
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message: "the file is empty: expected a header line naming the columns")
        }
        var dialect = options.dialect
        dialect.delimiter = stream.scanner.delimiter
        aggregate.files.append((path, dialect))
    }

    /// The aggregate of everything read so far.
    public func finish() -> DispensingAggregate { aggregate }

    // MARK: - Per file

    private struct FileState {
        let path: String
        var header: [UInt8] = []
        var headerNames: [String] = []
        var columns: [DispensingColumn: Int]?
        var fieldCount = 0
        // Field indices, -1 when the column is absent.
        var period = -1, unit = -1, prescriber = -1, patient = -1, product = -1
        var quantity = -1, cost = -1, items = -1, substitution = -1
        // Ids of the values `--set` gives every row, for columns the file lacks.
        var constantPeriod: Int32?, constantUnit: Int32?
    }

    private var singleByte: Bool { options.dialect.encoding == .windows1252 }

    private mutating func readHeader(_ record: CSVRecord, _ state: inout FileState) throws {
        if record.count == 1 && record.fields[0].start == record.fields[0].end { return }  // leading blank line
        var names: [String] = []
        for i in 0..<record.count {
            let raw = record.unescapedBytes(i)
            guard let name = raw.withUnsafeBufferPointer({ options.dialect.encoding.decode($0) }) else {
                let pos = record.position(ofField: i, singleByteEncoding: singleByte)
                throw InputError(
                    location: SourceLocation(file: state.path, line: pos.line, column: pos.column),
                    message: "the header is not valid UTF-8", hint: "try --encoding windows-1252")
            }
            names.append(name)
        }
        let columns = try options.mapping.resolve(header: names, file: state.path)
        state.columns = columns
        state.headerNames = names
        state.header = Array(UnsafeBufferPointer(rebasing: record.buffer[record.start..<(record.fields.last!.end)]))
        state.fieldCount = record.count
        state.period = columns[.period] ?? -1
        state.unit = columns[.unit] ?? -1
        state.prescriber = columns[.prescriber] ?? -1
        state.patient = columns[.patient] ?? -1
        state.product = columns[.product] ?? -1
        state.quantity = columns[.quantity] ?? -1
        state.cost = columns[.cost] ?? -1
        state.items = columns[.items] ?? -1
        state.substitution = columns[.substitutionAllowed] ?? -1
        if let text = options.mapping.constants[.period], let period = Period(text: text) {
            state.constantPeriod = periodID(period)
        }
        if let text = options.mapping.constants[.unit], options.organisation == .unit {
            let bytes = Array(text.utf8)
            if case .ok(let id) = bytes.withUnsafeBufferPointer({ internCode($0, kind: 0) }) { state.constantUnit = id }
        }
        if options.organisation == .prescriber && state.prescriber < 0 {
            throw InputError(
                location: SourceLocation(file: state.path, line: record.line, column: 1),
                message: "organisations are prescribers, but the file has no prescriber column",
                hint: "map it with --map prescriber=NAME, or use the unit level")
        }
        aggregate.hasPatients = aggregate.hasPatients || state.patient >= 0
        aggregate.hasPrescribers = aggregate.hasPrescribers || state.prescriber >= 0
    }

    private mutating func readRow(_ record: CSVRecord, _ state: inout FileState) throws {
        if record.count == 1 && record.fields[0].start == record.fields[0].end && !record.fields[0].quoted {
            return  // blank line
        }
        aggregate.rowsRead += 1
        switch parseRow(record, state) {
        case .success(let row):
            aggregate.costRead += row.cost
            try add(row, record: record, path: state.path)
        case .failure(let failure):
            aggregate.badRows += 1
            if let cost = failure.cost {
                aggregate.costRead += cost
                aggregate.badRowCost += cost
            }
            if options.strict { throw InputError(problem: failure.problem) }
            aggregate.problems.append(failure.problem)
        }
    }

    private struct Row {
        var period: Int32, organisation: Int32, product: Int32
        var prescriber: Int32 = -1, patient: Int32 = -1
        var quantity: FixedDecimal, cost: FixedDecimal
        var items: Int64 = 0
        var blocked = false
    }

    private struct RowFailure: Error {
        var problem: InputProblem
        var cost: FixedDecimal?
    }

    private mutating func parseRow(_ record: CSVRecord, _ state: FileState) -> Result<Row, RowFailure> {
        func problem(
            _ field: Int?, _ message: String, expected: String? = nil, found: Bool = true, hint: String? = nil,
            cost: FixedDecimal? = nil
        ) -> Result<Row, RowFailure> {
            let pos = field.map { record.position(ofField: $0, singleByteEncoding: singleByte) } ?? (record.line, 1)
            let text = field.flatMap { f -> String? in
                guard found else { return nil }
                let raw = record.unescapedBytes(f)
                return raw.withUnsafeBufferPointer { options.dialect.encoding.decode($0) }
                    ?? String(decoding: raw, as: UTF8.self)
            }
            let p = InputProblem(
                location: SourceLocation(file: state.path, line: pos.0, column: pos.1),
                field: field.map { state.headerNames[$0] }, message: message, expected: expected, found: text, hint: hint)
            return .failure(RowFailure(problem: p, cost: cost))
        }

        guard record.count == state.fieldCount else {
            let moreFields = record.count > state.fieldCount
            let hint: String? =
                moreFields && !options.dialect.decimalComma && options.dialect.delimiter != UInt8(ascii: ";")
                ? "is there an unquoted decimal comma, or is the delimiter wrong?" : nil
            return problem(nil, "expected \(state.fieldCount) fields as in the header, found \(record.count)", hint: hint)
        }
        if let stray = record.strayAfterQuote {
            let pos = record.position(ofByte: stray, singleByteEncoding: singleByte)
            let p = InputProblem(
                location: SourceLocation(file: state.path, line: pos.line, column: pos.column),
                message: "text after a closing quote", hint: "a quote inside a quoted field is written as \"\"")
            return .failure(RowFailure(problem: p, cost: nil))
        }
        let span = record.fields[0].start..<record.fields.last!.end
        if span.count == state.header.count && record.buffer[record.start..<span.upperBound].elementsEqual(state.header) {
            return problem(nil, "the header line appears again inside the data", hint: "were two files joined?")
        }
        let decimalComma = options.dialect.decimalComma

        // Cost first, so that a row set aside for another reason still counts its cost.
        let cost: FixedDecimal
        switch NumberParsing.fixedDecimal(record.bytes(state.cost), decimalComma: decimalComma) {
        case .success(let v): cost = v
        case .failure(.empty): return problem(state.cost, "missing value", expected: "an amount", found: false)
        case .failure(.invalid(let expected, let hint)): return problem(state.cost, "not a number", expected: expected, hint: hint)
        }
        if let nul = record.buffer[record.start..<span.upperBound].firstIndex(of: 0) {
            let pos = record.position(ofByte: nul, singleByteEncoding: singleByte)
            let p = InputProblem(
                location: SourceLocation(file: state.path, line: pos.line, column: pos.column),
                message: "a NUL byte in the data", hint: "is the file UTF-16, or not text?")
            return .failure(RowFailure(problem: p, cost: cost))
        }
        let quantity: FixedDecimal
        switch NumberParsing.fixedDecimal(record.bytes(state.quantity), decimalComma: decimalComma) {
        case .success(let v): quantity = v
        case .failure(.empty):
            return problem(state.quantity, "missing value", expected: "a quantity", found: false, cost: cost)
        case .failure(.invalid(let expected, let hint)):
            return problem(state.quantity, "not a number", expected: expected, hint: hint, cost: cost)
        }
        let periodID: Int32
        if let constant = state.constantPeriod {
            periodID = constant
        } else if let period = Period.parse(trimmed(record.bytes(state.period))) {
            periodID = self.periodID(period)
        } else {
            return problem(state.period, "not a period", expected: "YYYY-MM, YYYY-MM-DD or YYYYMM", cost: cost)
        }
        var row = Row(period: periodID, organisation: 0, product: 0, quantity: quantity, cost: cost)

        if let constant = state.constantUnit {
            row.organisation = constant
        } else {
            let orgField = options.organisation == .unit ? state.unit : state.prescriber
            if orgField < 0 { return problem(nil, "no \(options.organisation.rawValue) column", cost: cost) }
            switch code(record, orgField, kind: 0) {
            case .ok(let id): row.organisation = id
            case .empty: return problem(orgField, "missing value", expected: "a code", found: false, cost: cost)
            case .invalidText: return problem(orgField, "not valid UTF-8", hint: "try --encoding windows-1252", cost: cost)
            }
        }
        switch code(record, state.product, kind: 1) {
        case .ok(let id): row.product = id
        case .empty: return problem(state.product, "missing value", expected: "a product code", found: false, cost: cost)
        case .invalidText: return problem(state.product, "not valid UTF-8", hint: "try --encoding windows-1252", cost: cost)
        }
        if state.patient >= 0 {
            switch code(record, state.patient, kind: 2) {
            case .ok(let id): row.patient = id
            case .empty: break
            case .invalidText: return problem(state.patient, "not valid UTF-8", hint: "try --encoding windows-1252", cost: cost)
            }
        }
        if state.prescriber >= 0 && options.organisation != .prescriber {
            switch code(record, state.prescriber, kind: 3) {
            case .ok(let id): row.prescriber = id
            case .empty: break
            case .invalidText: return problem(state.prescriber, "not valid UTF-8", hint: "try --encoding windows-1252", cost: cost)
            }
        }
        if state.items >= 0 {
            switch NumberParsing.integer(record.bytes(state.items)) {
            case .success(let v): row.items = v
            case .failure(.empty): break
            case .failure(.invalid(let expected, _)): return problem(state.items, "not a whole number", expected: expected, cost: cost)
            }
        }
        if state.substitution >= 0 {
            switch NumberParsing.flag(record.bytes(state.substitution)) {
            case .success(let allowed): row.blocked = !allowed
            case .failure(.empty): break
            case .failure(.invalid(let expected, _)): return problem(state.substitution, "not a flag", expected: expected, cost: cost)
            }
        }
        return .success(row)
    }

    private enum CodeResult { case ok(Int32), empty, invalidText }

    /// Interns the trimmed text of field `field` in interner `kind` (0 organisation, 1 product, 2 patient, 3 prescriber).
    private mutating func code(_ record: CSVRecord, _ field: Int, kind: Int) -> CodeResult {
        if record.fields[field].escaped {
            let raw = record.unescapedBytes(field)
            return raw.withUnsafeBufferPointer { internCode($0, kind: kind) }
        }
        return internCode(record.bytes(field), kind: kind)
    }

    private mutating func internCode(_ bytes: UnsafeBufferPointer<UInt8>, kind: Int) -> CodeResult {
        let key = trimmed(bytes)
        if key.isEmpty { return .empty }
        let (id, isNew): (Int32, Bool)
        switch kind {
        case 0: (id, isNew) = organisations.intern(key)
        case 1: (id, isNew) = products.intern(key)
        case 2: (id, isNew) = patients.intern(key)
        default: (id, isNew) = prescribers.intern(key)
        }
        if isNew {
            let text = options.dialect.encoding.decode(key)
            if text == nil { invalidText[kind].insert(id) }
            switch kind {
            case 0: aggregate.organisations.append(text ?? "")
            case 1: aggregate.products.append(text ?? "")
            case 3: aggregate.prescribers.append(text ?? "")
            default: break  // patient codes are only counted
            }
        }
        return invalidText[kind].contains(id) ? .invalidText : .ok(id)
    }

    private mutating func periodID(_ p: Period) -> Int32 {
        if let id = periodIDs[p.index] { return id }
        let id = Int32(aggregate.periods.count)
        aggregate.periods.append(p)
        periodIDs[p.index] = id
        return id
    }

    /// Cells are keyed by 28 bits of organisation, 24 of product and 12 of period: checked, never wrapped.
    static let limits = (organisations: 1 << 28, products: 1 << 24, periods: 1 << 12)

    private mutating func add(_ row: Row, record: CSVRecord, path: String) throws(InputError) {
        guard row.organisation < Self.limits.organisations, row.product < Self.limits.products,
            row.period < Self.limits.periods
        else {
            throw InputError(
                location: SourceLocation(file: path, line: record.line, column: 1),
                message: "more distinct codes than one run can hold (\(Self.limits.organisations) organisations, "
                    + "\(Self.limits.products) products, \(Self.limits.periods) periods)",
                hint: "split the input by period")
        }
        let key = UInt64(row.organisation) << 36 | UInt64(row.product) << 12 | UInt64(row.period)
        let index: Int
        if let i = cellIndex[key] {
            index = Int(i)
        } else {
            index = aggregate.cells.count
            cellIndex[key] = Int32(index)
            aggregate.cells.append(DispensingCell(organisation: row.organisation, product: row.product, period: row.period))
        }
        aggregate.cells[index].quantity += row.quantity
        aggregate.cells[index].cost += row.cost
        aggregate.cells[index].rows += 1
        aggregate.cells[index].items += row.items
        if row.quantity.raw < 0 || row.cost.raw < 0 { aggregate.cells[index].negativeRows += 1 }
        if row.blocked {
            aggregate.cells[index].blockedRows += 1
            aggregate.cells[index].blockedQuantity += row.quantity
            aggregate.cells[index].blockedCost += row.cost
            let prescriber = options.organisation == .prescriber ? row.organisation : row.prescriber
            let key = UInt64(index) << 32 | UInt64(UInt32(bitPattern: prescriber))
            let old = aggregate.blockedByPrescriber[key] ?? (.zero, .zero)
            aggregate.blockedByPrescriber[key] = (old.quantity + row.quantity, old.cost + row.cost)
        }
        if let cluster = options.cluster, !row.blocked {
            let id = cluster == .patient ? row.patient : row.prescriber
            aggregate.clusterQuantities[UInt64(index) << 32 | UInt64(UInt32(bitPattern: id)), default: .zero] += row.quantity
        }
        if row.patient >= 0 { aggregate.patientsByCell.insert(UInt64(index) << 32 | UInt64(row.patient)) }
        if row.prescriber >= 0 { aggregate.prescribersByCell.insert(UInt64(index) << 32 | UInt64(row.prescriber)) }
    }
}

/// The bytes without surrounding spaces and tabs.
func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var lo = 0, hi = b.count
    while lo < hi && (b[lo] == 0x20 || b[lo] == 0x09) { lo += 1 }
    while hi > lo && (b[hi - 1] == 0x20 || b[hi - 1] == 0x09) { hi -= 1 }
    return UnsafeBufferPointer(rebasing: b[lo..<hi])
}
