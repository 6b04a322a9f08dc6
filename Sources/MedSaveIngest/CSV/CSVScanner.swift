import MedSaveModel

/// The span of one field inside the scanner's buffer. `escaped` means the field was quoted and holds `""`
/// pairs that must be collapsed before use.
struct FieldSpan {
    var start: Int
    var end: Int
    var quoted: Bool
    var escaped: Bool
}

/// One record as the scanner found it. Valid only inside the callback that receives it.
struct CSVRecord {
    let buffer: UnsafeBufferPointer<UInt8>
    let fields: [FieldSpan]
    /// 1-based physical line on which the record starts.
    let line: Int
    /// Offset of the record's first byte in `buffer`.
    let start: Int
    /// The offset just after a closing quote that was followed by something other than a delimiter, if any.
    let strayAfterQuote: Int?
    /// The delimiter the record was split on.
    let delimiter: UInt8

    var count: Int { fields.count }

    func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let f = fields[i]
        return UnsafeBufferPointer(rebasing: buffer[f.start..<f.end])
    }

    /// Field `i` with `""` collapsed to `"`, as raw bytes.
    func unescapedBytes(_ i: Int) -> [UInt8] {
        let f = fields[i]
        guard f.escaped else { return Array(bytes(i)) }
        var out: [UInt8] = []
        out.reserveCapacity(f.end - f.start)
        var j = f.start
        while j < f.end {
            out.append(buffer[j])
            j += (buffer[j] == UInt8(ascii: "\"") && j + 1 < f.end && buffer[j + 1] == UInt8(ascii: "\"")) ? 2 : 1
        }
        return out
    }

    /// 1-based line and column of byte `offset` of this record, counting characters as an editor does
    /// (UTF-8 continuation bytes do not start a column unless the encoding is single-byte).
    func position(ofByte offset: Int, singleByteEncoding: Bool) -> (line: Int, column: Int) {
        var line = self.line, column = 1
        var j = start
        while j < offset {
            let b = buffer[j]
            if b == 0x0A || (b == 0x0D && !(j + 1 < buffer.count && buffer[j + 1] == 0x0A)) {
                line += 1
                column = 1
            } else if b != 0x0D && (singleByteEncoding || b & 0xC0 != 0x80) {
                column += 1
            }
            j += 1
        }
        return (line, column)
    }

    /// Position of the first character of field `i` (the opening quote for a quoted field).
    func position(ofField i: Int, singleByteEncoding: Bool) -> (line: Int, column: Int) {
        let f = fields[i]
        return position(ofByte: f.quoted ? f.start - 1 : f.start, singleByteEncoding: singleByteEncoding)
    }
}

/// Sizes beyond which an input is refused rather than read: they protect memory from broken or hostile files.
public struct CSVLimits: Sendable, Equatable {
    /// Longest field, in bytes (a code, a number or a name is far shorter).
    public var maxFieldBytes: Int
    /// Longest record, in bytes.
    public var maxRecordBytes: Int
    /// Most fields in one record.
    public var maxColumns: Int

    public init(maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 4 << 20, maxColumns: Int = 1024) {
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
        self.maxColumns = maxColumns
    }
}

/// Splits a stream of bytes into CSV records (RFC 4180 with common leniencies), byte by byte, without
/// building strings. Quoted fields may hold delimiters, `""` and line breaks; lines may end in LF, CRLF or CR.
/// Memory: one chunk plus the longest record, capped by `limits`; a field is refused as soon as it passes
/// `maxFieldBytes`, before the rest of it is buffered.
struct CSVScanner {
    var delimiter: UInt8
    var limits = CSVLimits()

    init(delimiter: UInt8, limits: CSVLimits = CSVLimits()) {
        self.delimiter = delimiter
        self.limits = limits
    }

    var maxRecordBytes: Int { limits.maxRecordBytes }

    enum Outcome {
        /// A whole record; the next one starts at `next`; `lines` physical lines were consumed.
        case record(next: Int, lines: Int, strayAfterQuote: Int?)
        /// The record continues past the end of the buffer.
        case needMore
        /// End of input inside a quoted field that opened at `quoteAt`.
        case unterminatedQuote(quoteAt: Int)
        /// The field starting at `fieldStart` is longer than `limits.maxFieldBytes`.
        case fieldTooLong(fieldStart: Int)
        /// The record has more than `limits.maxColumns` fields; the first one too many starts at `fieldStart`.
        case tooManyColumns(fieldStart: Int)
    }

    private static let quote = UInt8(ascii: "\""), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    /// Scans one record starting at `start`. `isFinal` says no more bytes will follow the buffer.
    func scan(
        _ buf: UnsafeBufferPointer<UInt8>, from start: Int, isFinal: Bool, fields: inout [FieldSpan]
    ) -> Outcome {
        let n = buf.count
        fields.removeAll(keepingCapacity: true)
        var i = start
        var lines = 1
        var stray: Int?
        while true {
            if i < n && buf[i] == Self.quote {
                let open = i
                var j = i + 1
                var escaped = false
                while true {
                    if j - open > limits.maxFieldBytes { return .fieldTooLong(fieldStart: open) }
                    guard j < n else { return isFinal ? .unterminatedQuote(quoteAt: open) : .needMore }
                    let b = buf[j]
                    if b == Self.quote {
                        if j + 1 < n {
                            if buf[j + 1] == Self.quote {
                                escaped = true
                                j += 2
                                continue
                            }
                        } else if !isFinal {
                            return .needMore
                        }
                        break
                    }
                    if b == Self.lf || (b == Self.cr && !(j + 1 < n && buf[j + 1] == Self.lf)) { lines += 1 }
                    j += 1
                }
                fields.append(FieldSpan(start: open + 1, end: j, quoted: true, escaped: escaped))
                i = j + 1
                if i < n && buf[i] != delimiter && buf[i] != Self.lf && buf[i] != Self.cr {
                    // Text after a closing quote: keep the record, let the reader report it.
                    if stray == nil { stray = i }
                    while i < n && buf[i] != delimiter && buf[i] != Self.lf && buf[i] != Self.cr { i += 1 }
                }
            } else {
                var j = i
                while j < n {
                    let b = buf[j]
                    if b == delimiter || b == Self.lf || b == Self.cr { break }
                    j += 1
                }
                if j - i > limits.maxFieldBytes { return .fieldTooLong(fieldStart: i) }
                fields.append(FieldSpan(start: i, end: j, quoted: false, escaped: false))
                i = j
            }
            if fields.count > limits.maxColumns { return .tooManyColumns(fieldStart: fields[fields.count - 1].start) }
            if i - start > maxRecordBytes { return .needMore }
            guard i < n else {
                return isFinal ? .record(next: n, lines: lines - 1, strayAfterQuote: stray) : .needMore
            }
            let b = buf[i]
            if b == delimiter {
                i += 1
                continue
            }
            if b == Self.lf { return .record(next: i + 1, lines: lines, strayAfterQuote: stray) }
            // CR: CRLF or a lone CR (old Mac line ends).
            if i + 1 < n {
                return .record(next: buf[i + 1] == Self.lf ? i + 2 : i + 1, lines: lines, strayAfterQuote: stray)
            }
            return isFinal ? .record(next: n, lines: lines, strayAfterQuote: stray) : .needMore
        }
    }
}

/// Reads a whole byte source as CSV records, calling `body` for each, with the scanner's limits enforced.
struct CSVStreamReader {
    let path: String
    let source: any ByteSource
    var scanner: CSVScanner
    var chunkSize = 1 << 20

    /// Calls `body` with each record. The first bytes of a file (`atFileStart`) may hold a UTF-8 byte-order
    /// mark, skipped, and the header line the delimiter is detected from (`detectDelimiter`).
    ///
    /// `fast` is offered the records first: called with the buffer, the offset of the next record, the
    /// offset no record may start at or after and the next record's line, it takes as many records of one line
    /// each as it can and returns the offset after the last and how many it took (none: the scanner and `body`
    /// take the next record).
    /// With `end`, a part of a file starting at the source's first byte, no record starting at or after the
    /// part's end is read; the end is asked for again after each read, as another thread may move it back.
    /// Returns the offset just after the last record read and the number of lines read.
    @discardableResult
    mutating func forEachRecord(
        detectDelimiter: Bool,
        atFileStart: Bool = true,
        end: PartEnd? = nil,
        progress: ((Int) -> Void)? = nil,
        fast: (UnsafeBufferPointer<UInt8>, Int, Int, Int) throws -> (next: Int, records: Int) = { _, start, _, _ in
            (start, 0)
        },
        _ body: (CSVRecord) throws -> Void
    ) throws -> (end: Int, lines: Int) {
        var pending: [UInt8] = []
        pending.reserveCapacity(chunkSize * 2)
        var fields: [FieldSpan] = []
        var line = 1
        var base = 0  // offset in the source of pending[0]
        var atEnd = false, stopped = false
        var first = atFileStart
        var stopAt: Int?  // in the source's offsets
        while !atEnd && !stopped {
            if try source.read(into: &pending, maxCount: chunkSize) == 0 { atEnd = true }
            if let end { stopAt = end.claim(through: end.start + base + pending.count) - end.start }
            progress?(source.bytesConsumed)
            if first {
                if !atEnd && pending.count < 3 { continue }
                first = false
                if pending.starts(with: [0xEF, 0xBB, 0xBF]) {
                    pending.removeFirst(3)
                    base = 3
                }
                if detectDelimiter {
                    let headerEnd = pending.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) ?? pending.count
                    scanner.delimiter = CSVDialect.detectDelimiter(headerLine: pending[..<headerEnd])
                }
            }
            var consumed = 0
            try pending.withUnsafeBufferPointer { buf in
                /// Where byte `offset` of the record being scanned is, for a fatal error.
                func location(ofByte offset: Int) -> SourceLocation {
                    let record = CSVRecord(
                        buffer: buf, fields: [], line: line, start: consumed, strayAfterQuote: nil,
                        delimiter: scanner.delimiter)
                    let pos = record.position(ofByte: offset, singleByteEncoding: true)
                    return SourceLocation(file: path, line: pos.line, column: pos.column)
                }
                while consumed < buf.count {
                    let limit = stopAt.map { min(buf.count, $0 - base) } ?? buf.count
                    if consumed >= limit && stopAt != nil {
                        stopped = true
                        return
                    }
                    let (next, records) = try fast(buf, consumed, limit, line)
                    if records > 0 {
                        line += records
                        consumed = next
                        continue
                    }
                    switch scanner.scan(buf, from: consumed, isFinal: atEnd, fields: &fields) {
                    case .needMore:
                        if buf.count - consumed > scanner.maxRecordBytes {
                            throw InputError(
                                location: SourceLocation(file: path, line: line, column: 1),
                                message: "a record longer than \(scanner.maxRecordBytes) bytes starts here",
                                hint: "an unclosed quote, or not a CSV file?")
                        }
                        return
                    case .unterminatedQuote(let quoteAt):
                        throw InputError(
                            location: location(ofByte: quoteAt),
                            message: "a quoted field opens here and is never closed before the end of the file")
                    case .fieldTooLong(let fieldStart):
                        throw InputError(
                            location: location(ofByte: fieldStart),
                            message:
                                "a field longer than \(scanner.limits.maxFieldBytes) bytes starts here; refusing to read it",
                            hint: "an unclosed quote, or not a CSV file?")
                    case .tooManyColumns(let fieldStart):
                        throw InputError(
                            location: location(ofByte: fieldStart),
                            message: "more than \(scanner.limits.maxColumns) fields in one record",
                            hint: "is the delimiter right?")
                    case .record(let next, let lines, let stray):
                        let record = CSVRecord(
                            buffer: buf, fields: fields, line: line, start: consumed, strayAfterQuote: stray,
                            delimiter: scanner.delimiter)
                        line += lines
                        consumed = next
                        try body(record)
                    }
                }
            }
            pending.removeFirst(consumed)
            base += consumed
        }
        return (base, line - 1)
    }
}
