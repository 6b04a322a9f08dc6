import MedSaveModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Rows of a dispensing file: the header, the fast path for ordinary rows, the general path that reports
/// problems, and the cells rows are added to.
///
/// The fast path (`fastRow`) takes a record that is one line of unquoted fields, all readable; anything else —
/// quotes, a wrong field count, a number it does not know at a glance, a missing or undecodable code, a NUL
/// byte, the header repeated — it leaves to the general path (`readRow`), which reads the same record again
/// and reports what is wrong. Both give the same row, so the fast path changes speed, never results.
extension DispensingReader {
    /// What each field of a record is for.
    enum FieldRole: UInt8 {
        case ignored, period, organisation, product, patient, prescriber, quantity, cost, items, substitution
    }

    struct FileState {
        let path: String
        var header: [UInt8] = []
        var headerNames: [String] = []
        var columns: [DispensingColumn: Int]?
        var fieldCount = 0
        var delimiter = UInt8(ascii: ",")
        // Field indices, -1 when the column is absent.
        var period = -1, unit = -1, prescriber = -1, patient = -1, product = -1
        var quantity = -1, cost = -1, items = -1, substitution = -1
        /// The role of each field, for the fast path.
        var roles: [FieldRole] = []
        // Ids of the values `--set` gives every row, for columns the file lacks.
        var constantPeriod: Int32?, constantUnit: Int32?

        init(path: String) { self.path = path }
    }

    /// What the fast path needs of a file's header, kept in the reader so that reading it costs nothing per row.
    struct FastPlan {
        var ready = false
        var fieldCount = 0
        var delimiter = UInt8(ascii: ",")
        var roles: [FieldRole] = []
        var header: [UInt8] = []
        var hasPatient = false, hasPrescriber = false
        var constantPeriod: Int32?, constantUnit: Int32?
        /// Bit b set for each byte b < 64 that ends or spoils a field: the delimiter, LF, CR, quote and NUL.
        var specialBytes: UInt64 = 0

        init() {}

        init(_ state: FileState, organisation: OrganisationColumn, decimalComma: Bool) {
            // A decimal comma in a comma-separated file can only be read by the general path.
            ready = state.delimiter < 64 && !(decimalComma && state.delimiter == UInt8(ascii: ","))
            fieldCount = state.fieldCount
            delimiter = state.delimiter
            roles = state.roles
            header = state.header
            hasPatient = state.patient >= 0
            hasPrescriber = state.prescriber >= 0 && organisation != .prescriber
            constantPeriod = state.constantPeriod
            constantUnit = state.constantUnit
            specialBytes = FieldScan.specialBytes(delimiter: delimiter)
        }
    }

    struct Row {
        var period: Int32, organisation: Int32, product: Int32
        /// The prescriber's id, when it has been looked up (`PrescriberCode`), else −1.
        var prescriber: Int32 = -1, patient: Int32 = -1
        var quantity: FixedDecimal, cost: FixedDecimal
        var blocked = false
        /// What stands for the prescriber in the pairs: its own code or its id (`PrescriberCode`); `noCode`
        /// without one.
        var prescriberCode = Row.noCode

        static let noCode = UInt32.max
    }

    private var singleByte: Bool { options.dialect.encoding == .windows1252 }

    // MARK: - Header

    mutating func readHeader(_ record: CSVRecord, _ state: inout FileState) throws {
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
        state.roles = Array(repeating: .ignored, count: record.count)
        func role(_ index: Int, _ r: FieldRole) { if index >= 0 { state.roles[index] = r } }
        role(state.period, .period)
        role(options.organisation == .unit ? state.unit : state.prescriber, .organisation)
        role(state.product, .product)
        role(state.patient, .patient)
        if options.organisation != .prescriber { role(state.prescriber, .prescriber) }
        role(state.quantity, .quantity)
        role(state.cost, .cost)
        role(state.items, .items)
        role(state.substitution, .substitution)
        internConstants(&state)
        if options.organisation == .prescriber && state.prescriber < 0 {
            throw InputError(
                location: SourceLocation(file: state.path, line: record.line, column: 1),
                message: "organisations are prescribers, but the file has no prescriber column",
                hint: "map it with --map prescriber=NAME, or use the unit level")
        }
        aggregate.hasPatients = aggregate.hasPatients || state.patient >= 0
        aggregate.hasPrescribers = aggregate.hasPrescribers || state.prescriber >= 0
    }

    /// The ids of the `--set` values in this reader's interners.
    mutating func internConstants(_ state: inout FileState) {
        state.constantPeriod = nil
        state.constantUnit = nil
        let period = options.mapping.constants[.period] ?? (state.period < 0 ? options.mapping.defaults[.period] : nil)
        if let text = period, let period = Period(text: text) {
            state.constantPeriod = periodID(period)
        }
        if let text = options.mapping.constants[.unit], options.organisation == .unit {
            let bytes = Array(text.utf8)
            if case .ok(let id) = bytes.withUnsafeBufferPointer({ internCode($0, kind: .organisation) }) {
                state.constantUnit = id
            }
        }
    }

    // MARK: - Fast path

    private static let quote = UInt8(ascii: "\""), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    /// Reads ordinary records from `start` on, none starting at or after `limit`, until one is not ordinary:
    /// returns the offset after the last read and how many were read.
    mutating func fastRows(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, before limit: Int) -> (
        next: Int, records: Int
    ) {
        var i = start, records = 0
        while i < limit, let next = fastRow(buf, from: i) {
            i = next
            records += 1
        }
        return (i, records)
    }

    /// Reads the record at `start` if it is an ordinary one (see the type's comment), adding it to the batch;
    /// returns the offset after it, or nil to leave the record to the general path. Uses `plan`.
    @inline(__always)
    mutating func fastRow(_ buf: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard plan.ready else { return nil }
        let n = buf.count, delimiter = plan.delimiter, fieldCount = plan.fieldCount
        let maxField = options.limits.maxFieldBytes
        let decimalMark = options.dialect.decimalComma ? UInt8(ascii: ",") : UInt8(ascii: ".")
        let special = plan.specialBytes, mark = UInt64(decimalMark)
        let delimiterWord = FieldScan.word(delimiter)
        var i = start, field = 0
        var quantity: FixedDecimal?, cost: FixedDecimal?, period: Period?, periodID: Int32?
        var blocked = false
        var organisation = 0..<0, product = 0..<0, patient = 0..<0, prescriber = 0..<0, periodField = 0..<0
        var hasOrganisation = false
        var b: UInt8 = 0
        while true {
            guard field < fieldCount else { return nil }
            let role = plan.roles[field]
            let fieldStart = i
            switch role {
            case .quantity, .cost, .items:
                // -123.45: parsed as it is scanned.
                var j = i
                let negative = j < n && buf[j] == UInt8(ascii: "-")
                if negative { j += 1 }
                var whole: Int64 = 0
                let digits = j
                while j < n {
                    let d = buf[j] &- 48
                    guard d < 10 else { break }
                    whole = whole &* 10 &+ Int64(d)
                    j += 1
                }
                guard j < n, j > digits || (role == .items && j == i), j - digits <= 12 else { return nil }
                var frac: Int64 = 0, scale = FixedDecimal.scale
                if UInt64(buf[j]) == mark && j > digits {
                    j += 1
                    while j < n {
                        let d = buf[j] &- 48
                        guard d < 10 else { break }
                        guard scale > 1 else { return nil }
                        scale /= 10
                        frac = frac &+ Int64(d) &* scale
                        j += 1
                    }
                    guard j < n else { return nil }
                }
                b = buf[j]
                guard b < 64 && (special >> UInt64(b)) & 1 != 0 else { return nil }
                let raw = whole &* FixedDecimal.scale &+ frac
                let value = FixedDecimal(raw: negative ? -raw : raw)
                switch role {
                case .quantity: quantity = value
                case .cost: cost = value
                default:  // items: checked to be a whole number, not summed (nothing uses them)
                    guard value.raw % FixedDecimal.scale == 0 else { return nil }
                }
                i = j
            default:
                let j = FieldScan.end(buf, from: i, special: special, delimiterWord: delimiterWord)
                guard j < n, j - i <= maxField else { return nil }
                b = buf[j]
                switch role {
                case .period:
                    if plan.constantPeriod == nil {
                        periodField = i..<j
                        // The same bytes as the last period given an id: the same id (set below, after the checks).
                        if j - i == recentPeriod.length && Self.shortField(buf, from: i, to: j) == recentPeriod.bytes {
                            periodID = recentPeriod.id
                        } else {
                            guard let p = Period.parse(trimmed(UnsafeBufferPointer(rebasing: buf[i..<j]))) else {
                                return nil
                            }
                            period = p
                        }
                    }
                case .organisation:
                    organisation = i..<j
                    hasOrganisation = true
                case .product: product = i..<j
                case .patient: patient = i..<j
                case .prescriber: prescriber = i..<j
                case .substitution:
                    switch j - i {
                    case 0: blocked = false
                    case 4
                    where buf[i] == UInt8(ascii: "t") && buf[i + 1] == UInt8(ascii: "r")
                        && buf[i + 2] == UInt8(ascii: "u") && buf[i + 3] == UInt8(ascii: "e"):
                        blocked = false
                    case 5
                    where buf[i] == UInt8(ascii: "f") && buf[i + 1] == UInt8(ascii: "a")
                        && buf[i + 2] == UInt8(ascii: "l") && buf[i + 3] == UInt8(ascii: "s")
                        && buf[i + 4] == UInt8(ascii: "e"):
                        blocked = true
                    default: return nil
                    }
                default: break
                }
                i = j
            }
            // b, at i, ends the field: a delimiter, LF or CR; a quote or NUL goes the general way.
            guard b != Self.quote && b != 0, i - fieldStart <= maxField else { return nil }
            field += 1
            if b == delimiter {
                i += 1
                continue
            }
            break
        }
        // The record ends at i (LF, or CR LF); a lone CR, a wrong field count or the header repeated go the general way.
        guard field == fieldCount, i - start <= options.limits.maxRecordBytes else { return nil }
        let next: Int
        if buf[i] == Self.lf {
            next = i + 1
        } else if i + 1 < n && buf[i + 1] == Self.lf {
            next = i + 2
        } else {
            return nil
        }
        let repeatsHeader =
            i - start == plan.header.count
            && plan.header.withUnsafeBufferPointer { h in memcmp(h.baseAddress!, buf.baseAddress! + start, h.count) == 0
            }
        if repeatsHeader { return nil }
        guard let quantity, let cost, plan.constantPeriod != nil || period != nil || periodID != nil,
            !Self.oppositeSigns(quantity, cost)
        else { return nil }
        // The period, then the codes, in the general path's order, so that a row it would refuse leaves the
        // periods and interners as it would.
        if plan.constantPeriod == nil && periodID == nil {
            let id = self.periodID(period!)
            periodID = id
            let field = periodField
            if field.count <= 8 {
                recentPeriod = (Self.shortField(buf, from: field.lowerBound, to: field.upperBound), field.count, id)
            }
        }
        var row = Row(
            period: plan.constantPeriod ?? periodID!, organisation: 0, product: 0, quantity: quantity, cost: cost,
            blocked: blocked)
        if let constant = plan.constantUnit {
            row.organisation = constant
        } else {
            guard hasOrganisation,
                case .ok(let id) = internCode(UnsafeBufferPointer(rebasing: buf[organisation]), kind: .organisation)
            else { return nil }
            row.organisation = id
        }
        guard case .ok(let p) = internCode(UnsafeBufferPointer(rebasing: buf[product]), kind: .product) else {
            return nil
        }
        row.product = p
        if plan.hasPatient {
            switch internCode(UnsafeBufferPointer(rebasing: buf[patient]), kind: .patient) {
            case .ok(let id): row.patient = id
            case .empty: break
            case .invalidText: return nil
            }
        }
        if plan.hasPrescriber {
            let key = trimmed(UnsafeBufferPointer(rebasing: buf[prescriber]))
            if let own = PrescriberCode.own(key) {
                row.prescriberCode = own
                if blocked || options.cluster == .prescriber { row.prescriber = internID(key, kind: .prescriber) }
            } else {
                switch internCode(key, kind: .prescriber) {
                case .ok(let id): (row.prescriber, row.prescriberCode) = (id, UInt32(id))
                case .empty: break
                case .invalidText: return nil
                }
            }
        }
        guard Self.fitsKey(row), magnitude.fits(quantity: row.quantity, cost: row.cost),
            aggregate.rowsRead < options.maximumRows
        else { return nil }
        magnitude.add(quantity: row.quantity, cost: row.cost)
        aggregate.rowsRead += 1
        aggregate.costRead += row.cost
        batch.append(row)
        if batch.count == Self.batchSize { batchFilled() }
        return next
    }

    /// Bytes `start..<end` of `buf` (at most 8) as one word, the first in the lowest byte and zeros above the last.
    @inline(__always)
    static func shortField(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt64 {
        let length = end - start
        if start + 8 <= buf.count, let base = buf.baseAddress {
            let word = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
            return length >= 8 ? word : word & ((1 << UInt64(length * 8)) &- 1)
        }
        var word: UInt64 = 0
        for k in 0..<length { word |= UInt64(buf[start + k]) << UInt64(8 * k) }
        return word
    }

    // MARK: - General path

    mutating func readRow(_ record: CSVRecord, _ state: inout FileState) throws {
        if record.count == 1 && record.fields[0].start == record.fields[0].end && !record.fields[0].quoted {
            return  // blank line
        }
        guard aggregate.rowsRead < options.maximumRows else {
            throw InputError(
                location: SourceLocation(file: state.path, line: record.line, column: 1),
                message: Self.tooManyRows(options.maximumRows),
                hint: "split the input (by period or unit) into runs of their own")
        }
        aggregate.rowsRead += 1
        switch parseRow(record, state) {
        case .success(let row):
            guard magnitude.fits(quantity: row.quantity, cost: row.cost) else {
                throw InputError(
                    location: SourceLocation(file: state.path, line: record.line, column: 1),
                    message: Magnitude.overflow, hint: "split the input (by period or unit) into runs of their own")
            }
            magnitude.add(quantity: row.quantity, cost: row.cost)
            aggregate.costRead += row.cost
            try add(row, record: record, path: state.path)
        case .failure(let failure):
            aggregate.badRows += 1
            if let cost = failure.cost {
                guard magnitude.fits(quantity: .zero, cost: cost) else {
                    throw InputError(
                        location: SourceLocation(file: state.path, line: record.line, column: 1),
                        message: Magnitude.overflow, hint: "split the input (by period or unit) into runs of their own")
                }
                magnitude.add(quantity: .zero, cost: cost)
                aggregate.costRead += cost
                aggregate.badRowCost += cost
            }
            if options.strict { throw InputError(problem: failure.problem) }
            aggregate.problems.append(failure.problem)
        }
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
                field: field.map { state.headerNames[$0] }, message: message, expected: expected, found: text,
                hint: hint)
            return .failure(RowFailure(problem: p, cost: cost))
        }

        guard record.count == state.fieldCount else {
            let moreFields = record.count > state.fieldCount
            let hint: String? =
                moreFields && !options.dialect.decimalComma && options.dialect.delimiter != UInt8(ascii: ";")
                ? "is there an unquoted decimal comma, or is the delimiter wrong?" : nil
            return problem(
                nil, "expected \(state.fieldCount) fields as in the header, found \(record.count)", hint: hint)
        }
        if let stray = record.strayAfterQuote {
            let pos = record.position(ofByte: stray, singleByteEncoding: singleByte)
            let p = InputProblem(
                location: SourceLocation(file: state.path, line: pos.line, column: pos.column),
                message: "text after a closing quote", hint: "a quote inside a quoted field is written as \"\"")
            return .failure(RowFailure(problem: p, cost: nil))
        }
        let span = record.fields[0].start..<record.fields.last!.end
        if span.count == state.header.count && record.buffer[record.start..<span.upperBound].elementsEqual(state.header)
        {
            return problem(nil, "the header line appears again inside the data", hint: "were two files joined?")
        }
        let decimalComma = options.dialect.decimalComma

        // Cost first, so that a row set aside for another reason still counts its cost.
        let cost: FixedDecimal
        switch NumberParsing.fixedDecimal(record.bytes(state.cost), decimalComma: decimalComma) {
        case .success(let v): cost = v
        case .failure(.empty): return problem(state.cost, "missing value", expected: "an amount", found: false)
        case .failure(.invalid(let expected, let hint)):
            return problem(state.cost, "not a number", expected: expected, hint: hint)
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
        for (value, field, name) in [(cost, state.cost, "cost"), (quantity, state.quantity, "quantity")]
        where value.raw.magnitude >= Self.rowLimit.raw.magnitude {
            return problem(
                field, "too large for one dispensing row", expected: "a \(name) below 1 000 000 000 000",
                cost: name == "cost" ? nil : cost)
        }
        if Self.oppositeSigns(quantity, cost) {
            return problem(
                state.cost, "quantity and cost have opposite signs", expected: "a cost of the quantity's sign",
                hint: "a correction reverses both; a negative price would pull targets below zero", cost: cost)
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
            switch code(record, orgField, kind: .organisation) {
            case .ok(let id): row.organisation = id
            case .empty: return problem(orgField, "missing value", expected: "a code", found: false, cost: cost)
            case .invalidText:
                return problem(orgField, "not valid UTF-8", hint: "try --encoding windows-1252", cost: cost)
            }
        }
        switch code(record, state.product, kind: .product) {
        case .ok(let id): row.product = id
        case .empty:
            return problem(state.product, "missing value", expected: "a product code", found: false, cost: cost)
        case .invalidText:
            return problem(state.product, "not valid UTF-8", hint: "try --encoding windows-1252", cost: cost)
        }
        if state.patient >= 0 {
            switch code(record, state.patient, kind: .patient) {
            case .ok(let id): row.patient = id
            case .empty: break
            case .invalidText:
                return problem(state.patient, "not valid UTF-8", hint: "try --encoding windows-1252", cost: cost)
            }
        }
        // A code of digits is looked up only once the row is known to need its id (as in `fastRow`).
        var ownPrescriber = false
        if state.prescriber >= 0 && options.organisation != .prescriber {
            if let own = Self.withField(record, state.prescriber, { PrescriberCode.own(trimmed($0)) }) {
                row.prescriberCode = own
                ownPrescriber = true
            } else {
                switch code(record, state.prescriber, kind: .prescriber) {
                case .ok(let id): (row.prescriber, row.prescriberCode) = (id, UInt32(id))
                case .empty: break
                case .invalidText:
                    return problem(state.prescriber, "not valid UTF-8", hint: "try --encoding windows-1252", cost: cost)
                }
            }
        }
        if state.items >= 0 {
            switch NumberParsing.integer(record.bytes(state.items)) {
            case .success, .failure(.empty): break  // checked, not summed (nothing uses the items)
            case .failure(.invalid(let expected, _)):
                return problem(state.items, "not a whole number", expected: expected, cost: cost)
            }
        }
        if state.substitution >= 0 {
            switch NumberParsing.flag(record.bytes(state.substitution)) {
            case .success(let allowed): row.blocked = !allowed
            case .failure(.empty): break
            case .failure(.invalid(let expected, _)):
                return problem(state.substitution, "not a flag", expected: expected, cost: cost)
            }
        }
        if ownPrescriber && (row.blocked || options.cluster == .prescriber) {
            row.prescriber = Self.withField(record, state.prescriber) { internID(trimmed($0), kind: .prescriber) }
        }
        return .success(row)
    }

    enum CodeResult {
        case ok(Int32)
        case empty, invalidText
    }

    /// Which interner a code goes to: one per code column.
    enum CodeKind { case organisation, product, patient, prescriber }

    /// Interns the trimmed text of field `field` in the interner of `kind`.
    private mutating func code(_ record: CSVRecord, _ field: Int, kind: CodeKind) -> CodeResult {
        Self.withField(record, field) { internCode($0, kind: kind) }
    }

    /// Calls `body` with the bytes of field `field`, unescaped.
    private static func withField<R>(
        _ record: CSVRecord, _ field: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        if record.fields[field].escaped {
            return record.unescapedBytes(field).withUnsafeBufferPointer(body)
        }
        return body(record.bytes(field))
    }

    @inline(__always)
    mutating func internCode(_ bytes: UnsafeBufferPointer<UInt8>, kind: CodeKind) -> CodeResult {
        let key = trimmed(bytes)
        if key.isEmpty { return .empty }
        let id = internID(key, kind: kind)
        let invalid: Bool
        switch kind {
        case .organisation: invalid = organisations.isInvalid(id)
        case .product: invalid = products.isInvalid(id)
        case .patient: invalid = patients.isInvalid(id)
        case .prescriber: invalid = prescribers.isInvalid(id)
        }
        return invalid ? .invalidText : .ok(id)
    }

    /// The id of `key` in interner `kind`; a new key's text is decoded once, and kept (or marked as invalid).
    @inline(__always)
    mutating func internID(_ key: UnsafeBufferPointer<UInt8>, kind: CodeKind) -> Int32 {
        let (id, isNew): (Int32, Bool)
        switch kind {
        case .organisation: (id, isNew) = organisations.intern(key)
        case .product: (id, isNew) = products.intern(key)
        case .patient: (id, isNew) = patients.intern(key)
        case .prescriber: (id, isNew) = prescribers.intern(key)
        }
        if isNew { noteNewCode(key, id: id, kind: kind) }
        return id
    }

    /// Decodes a code seen for the first time: kept as text, or marked as invalid in the encoding.
    private mutating func noteNewCode(_ key: UnsafeBufferPointer<UInt8>, id: Int32, kind: CodeKind) {
        let text = options.dialect.encoding.decode(key)
        if text == nil {
            switch kind {
            case .organisation: organisations.markInvalid(id)
            case .product: products.markInvalid(id)
            case .patient: patients.markInvalid(id)
            case .prescriber: prescribers.markInvalid(id)
            }
        }
        switch kind {
        case .organisation: aggregate.organisations.append(text ?? "")
        case .product: aggregate.products.append(text ?? "")
        case .prescriber: aggregate.prescribers.append(text ?? "")
        case .patient: break  // patient codes are only counted
        }
    }

    @inline(__always)
    mutating func periodID(_ p: Period) -> Int32 {
        let slot = Int(p.index) - 1900 * 12
        if periodIDs[slot] >= 0 { return periodIDs[slot] }
        let id = Int32(aggregate.periods.count)
        aggregate.periods.append(p)
        periodIDs[slot] = id
        return id
    }

    // MARK: - Cells

    /// Cells are keyed by 28 bits of organisation, 24 of product and 12 of period: checked, never wrapped.
    static let limits = (organisations: 1 << 28, products: 1 << 24, periods: 1 << 12)

    @inline(__always)
    static func fitsKey(_ row: Row) -> Bool {
        row.organisation < limits.organisations && row.product < limits.products && row.period < limits.periods
    }

    /// A positive quantity at a negative cost, or the reverse: a negative price, which no row may carry.
    @inline(__always)
    static func oppositeSigns(_ quantity: FixedDecimal, _ cost: FixedDecimal) -> Bool {
        (quantity.raw > 0 && cost.raw < 0) || (quantity.raw < 0 && cost.raw > 0)
    }

    @inline(__always)
    static func key(_ row: Row) -> UInt64 {
        key(organisation: row.organisation, product: row.product, period: row.period)
    }

    static func key(organisation: Int32, product: Int32, period: Int32) -> UInt64 {
        UInt64(organisation) << 36 | UInt64(product) << 12 | UInt64(period)
    }

    /// The ids a cell key is made of.
    static func ids(_ key: UInt64) -> (organisation: Int32, product: Int32, period: Int32) {
        (Int32(key >> 36), Int32((key >> 12) & 0xFF_FFFF), Int32(key & 0xFFF))
    }

    /// Adds a row read by the general path.
    private mutating func add(_ row: Row, record: CSVRecord, path: String) throws(InputError) {
        guard Self.fitsKey(row) else {
            throw InputError(
                location: SourceLocation(file: path, line: record.line, column: 1),
                message: "more distinct codes than one run can hold (\(Self.limits.organisations) organisations, "
                    + "\(Self.limits.products) products, \(Self.limits.periods) periods)",
                hint: "split the input by period")
        }
        var pairs = PairBatch()
        accumulate(row, pairs: &pairs)
        addPairs(&pairs)
    }

    /// The (cell, patient) and (cell, prescriber) pairs of rows added to their cells, not yet in the aggregate's
    /// sets: a batch's go in together, so that their cache misses overlap (`PairSet.formUnion`).
    struct PairBatch {
        var patients: [UInt64] = []
        var prescribers: [UInt64] = []
    }

    /// Adds `pairs` to the aggregate's sets and empties it.
    mutating func addPairs(_ pairs: inout PairBatch) {
        if !pairs.patients.isEmpty {
            aggregate.patientsByCell.formUnion(pairs.patients)
            pairs.patients.removeAll(keepingCapacity: true)
        }
        if !pairs.prescribers.isEmpty {
            aggregate.prescribersByCell.formUnion(pairs.prescribers)
            pairs.prescribers.removeAll(keepingCapacity: true)
        }
    }

    /// Lists a new cell's (product, period) the first time a cell has it (`DispensingAggregate.pairs`).
    @inline(__always)
    mutating func notePair(product: Int32, period: Int32) {
        if Int(period) >= pairSeen.count { pairSeen += repeatElement([], count: Int(period) + 1 - pairSeen.count) }
        let word = Int(product) >> 6, bit = UInt64(1) << UInt64(product & 63)
        if word >= pairSeen[Int(period)].count {
            pairSeen[Int(period)] += repeatElement(
                0, count: max(word + 1, 2 * pairSeen[Int(period)].count) - pairSeen[Int(period)].count)
        }
        if pairSeen[Int(period)][word] & bit == 0 {
            pairSeen[Int(period)][word] |= bit
            aggregate.pairs.append(UInt64(UInt32(bitPattern: product)) << 32 | UInt64(UInt32(bitPattern: period)))
        }
    }

    /// A full batch: its cells' index slots are asked for (`CellTable.prefetch`), and the batch before, whose
    /// slots were asked for when it filled, is added to its cells; the new batch waits for the next. Rows are
    /// added in the order they were read, one batch late.
    mutating func batchFilled() {
        hashBatch()
        batchHashes.withUnsafeBufferPointer { cellTable.prefetch($0) }
        addWaiting()
        swap(&batch, &waiting)
        swap(&batchHashes, &waitingHashes)
    }

    /// Adds every row read to its cell, in order: the batch waiting, then the one being filled, whose slots are
    /// loaded all at once first (`CellTable.touch`).
    mutating func flush() {
        addWaiting()
        if batch.isEmpty { return }
        hashBatch()
        batchHashes.withUnsafeBufferPointer { cellTable.touch($0) }
        swap(&batch, &waiting)
        swap(&batchHashes, &waitingHashes)
        addWaiting()
    }

    private mutating func hashBatch() {
        batchHashes.removeAll(keepingCapacity: true)
        for row in batch { batchHashes.append(CellTable.hash(Self.key(row))) }
    }

    /// Adds the waiting batch's rows to their cells, in order, after loading the cells their slots name.
    private mutating func addWaiting() {
        if waiting.isEmpty { return }
        waitingHashes.withUnsafeBufferPointer { cellTable.touchCells($0) }
        var pairs = PairBatch()
        swap(&pairs, &batchPairs)  // its arrays' room kept from batch to batch
        for (row, hash) in zip(waiting, waitingHashes) { accumulate(row, hash: hash, pairs: &pairs) }
        waiting.removeAll(keepingCapacity: true)
        addPairs(&pairs)
        batchPairs = pairs
    }

    /// Adds a row to its cell (made when new) and to the per-prescriber and cluster tables; its (cell, patient)
    /// and (cell, prescriber) pairs go to `pairs`.
    @inline(__always)
    mutating func accumulate(_ row: Row, hash: UInt64? = nil, pairs: inout PairBatch) {
        let key = Self.key(row)
        let made = cellTable.count
        let number = cellTable.number(key, hash: hash ?? CellTable.hash(key))
        if number == made { notePair(product: row.product, period: row.period) }
        cellTable.update(number) { cell in
            // Sums that cannot pass their range (`Magnitude`, `DispensingReadOptions.maximumRows`), so unchecked.
            cell.quantity.raw &+= row.quantity.raw
            cell.cost.raw &+= row.cost.raw
            cell.rowCount &+= 1
            if row.quantity.raw < 0 || row.cost.raw < 0 { cell.hasCorrectionRows = true }
            if row.blocked { cell.hasBlockedRows = true }
        }
        let index = UInt64(UInt32(bitPattern: number)) << 32
        if row.blocked {
            // Summed per prescriber (rows without one under 0xFFFFFFFF), not in the cell: listed as met, and
            // summed by key once the read is done (`finish`).
            let prescriber = options.organisation == .prescriber ? row.organisation : row.prescriber
            blockedRows.append(
                BlockedSums.Entry(
                    key: index | UInt64(UInt32(bitPattern: prescriber)), quantity: row.quantity, cost: row.cost))
        }
        if let cluster = options.cluster, !row.blocked {
            let id = cluster == .patient ? row.patient : row.prescriber
            aggregate.clusterQuantities[index | UInt64(UInt32(bitPattern: id)), default: .zero] += row.quantity
        }
        if row.patient >= 0 { pairs.patients.append(index | UInt64(row.patient)) }
        if row.prescriberCode != Row.noCode { pairs.prescribers.append(index | UInt64(row.prescriberCode)) }
    }
}

/// The bytes without surrounding spaces and tabs.
@inline(__always)
func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var lo = 0, hi = b.count
    while lo < hi && (b[lo] == 0x20 || b[lo] == 0x09) { lo += 1 }
    while hi > lo && (b[hi - 1] == 0x20 || b[hi - 1] == 0x09) { hi -= 1 }
    return UnsafeBufferPointer(rebasing: b[lo..<hi])
}
