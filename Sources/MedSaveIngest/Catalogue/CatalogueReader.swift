import Foundation
import MedSaveModel

/// Reads catalogues in medsave's native CSV schema (datasets/README.md):
/// `period, product, name, substance, atc, strength, form, pack_size, unit_price, group, size_group, status`
/// and optionally `origin`, `company`. Only `product` and `unit_price` are required; a row without `group`
/// is a product outside the exchange system. Rows with an empty period apply to every period.
public enum CatalogueReader {
    static let columns = [
        "period", "product", "name", "substance", "atc", "strength", "form", "pack_size", "unit_price", "group",
        "size_group", "status", "origin", "company",
    ]
    static let required: Set<String> = ["product", "unit_price"]

    /// Reads `paths` into one catalogue; bad rows become problems (or, with `strict`, an error).
    ///
    /// A catalogue is read in its own dialect, whatever the dispensing files use: the delimiter is detected
    /// from the header, a semicolon-separated file is taken to use decimal commas (as Swedish Excel writes it),
    /// and the text is UTF-8 unless it is not valid UTF-8, in which case it is read as Windows-1252.
    public static func read(paths: [String], strict: Bool = false) throws(InputError) -> (
        catalogue: Catalogue, problems: [InputProblem]
    ) {
        try CatalogueLoader.load(paths.map { "native:" + $0 }, strict: strict)
    }

    /// The entries of one native catalogue file with the line each came from.
    static func entries(path: String, strict: Bool) throws(InputError) -> (
        entries: [CatalogueEntry], lines: [Int], problems: [InputProblem]
    ) {
        let rows = CatalogueRows(listing: ())
        let problems = try read(path: path, strict: strict, into: rows)
        return (rows.list, rows.lines, problems)
    }

    /// Files the entries of one native catalogue file into `catalogue` as they are read, in order, as
    /// `Catalogue.add` would one by one: no list of them is made (a national year's is 240,000 entries of a
    /// dozen strings each, 48 MB). Returns the entries the catalogue refused (their product already has an
    /// entry for their period) with their lines, and the file's problems.
    static func file(path: String, strict: Bool, into catalogue: inout Catalogue) throws(InputError) -> (
        refused: [(entry: CatalogueEntry, line: Int)], problems: [InputProblem]
    ) {
        let rows = CatalogueRows(filingInto: catalogue)
        catalogue = Catalogue()  // the caller's copy let go: `rows` holds the catalogue while it is added to
        let problems = try read(path: path, strict: strict, into: rows)
        catalogue = rows.catalogue
        return (rows.refused, problems)
    }

    /// `read(path:encoding:strict:into:problems:)` in UTF-8, or again in Windows-1252 when the file is not
    /// valid UTF-8 (what was taken from the first reading let go).
    private static func read(path: String, strict: Bool, into rows: CatalogueRows) throws(InputError)
        -> [InputProblem]
    {
        var problems: [InputProblem] = []
        do {
            do {
                try read(path: path, encoding: .utf8, strict: strict, into: rows, problems: &problems)
            } catch NotUTF8.found {
                rows.restart()
                problems = []
                try read(path: path, encoding: .windows1252, strict: strict, into: rows, problems: &problems)
            }
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(location: nil, message: "\(path): \(error)")
        }
        return problems
    }

    private enum NotUTF8: Error { case found }

    static func read(
        path: String, encoding: TextEncoding, strict: Bool, into rows: CatalogueRows, problems: inout [InputProblem]
    ) throws {
        let source = try openByteSource(path: path)
        var stream = CSVStreamReader(
            path: path, source: source, scanner: CSVScanner(delimiter: UInt8(ascii: ",")))
        var fieldOf: [Int]?  // per name in `columns`: its field in the file, or -1
        var names: [String] = []
        let single = encoding == .windows1252
        var decimalComma = false
        // The fast path: records of one line of plain fields, as many as the header has, read from their bytes
        // (`entry(_:_:fieldOf:…)`); anything else, or a row it would refuse, goes to the scanner and `body`.
        var fieldCount = 0, delimiter: UInt8 = 0
        // Room for the entries the file will give, made once from the first run of rows read (their bytes a
        // row), so that the list is not copied into new memory each time it doubles (a national list has
        // hundreds of thousands of entries of a few hundred bytes each). Plain files only: a gzip file's size
        // says little of its rows.
        var sizeLeft = (source as? FileByteSource)?.size
        func fast(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ limit: Int, _ line: Int) throws -> (Int, Int) {
            // Locals only in the loop: captured variables are checked for exclusive access at every use.
            guard let fieldOf, fieldCount > 0, delimiter < 64 else { return (start, 0) }
            let (fieldCount, delimiter, decimalComma) = (fieldCount, delimiter, decimalComma)
            let special = FieldScan.specialBytes(delimiter: delimiter), delimiterWord = FieldScan.word(delimiter)
            var spans = [(Int, Int)](repeating: (0, 0), count: fieldCount)
            var i = start, taken = 0
            while i < limit {
                var j = i, field = 0, next = -1
                while field < fieldCount {
                    let end = FieldScan.end(buf, from: j, special: special, delimiterWord: delimiterWord)
                    guard end < buf.count else { break }
                    spans[field] = (j, end)
                    field += 1
                    if buf[end] == delimiter {
                        j = end + 1
                    } else if buf[end] == 0x0A {
                        next = end + 1
                        break
                    } else if buf[end] == 0x0D && end + 1 < buf.count && buf[end + 1] == 0x0A {
                        next = end + 2
                        break
                    } else {
                        break
                    }
                }
                guard next > 0, field == fieldCount else { break }
                let result = try spans.withUnsafeBufferPointer {
                    try entry(buf, $0, fieldOf: fieldOf, encoding: encoding, decimalComma: decimalComma)
                }
                guard case .success(let e) = result else { break }
                rows.take(e, line: line + taken)
                taken += 1
                i = next
            }
            if let size = sizeLeft, taken >= 64 {
                let bytesPerEntry = Double(i - start) / Double(taken)
                rows.reserveCapacity(Int(Double(size) / bytesPerEntry * 1.05))
                sizeLeft = nil
            }
            return (i, taken)
        }
        try stream.forEachRecord(detectDelimiter: true, fast: fast) { record in
            if record.count == 1 && record.fields[0].start == record.fields[0].end { return }
            /// Field `i` as text, trimmed; "" when the record is shorter. Not valid UTF-8: read the file again.
            func text(_ i: Int) throws -> String {
                guard i >= 0 && i < record.count else { return "" }
                let decoded: String?
                if record.fields[i].escaped {
                    decoded = record.unescapedBytes(i).withUnsafeBufferPointer { encoding.decode(trimmed($0)) }
                } else {
                    decoded = encoding.decode(trimmed(record.bytes(i)))
                }
                guard let decoded else { throw NotUTF8.found }
                return decoded
            }
            guard let fieldOf else {
                let header = try (0..<record.count).map(text)
                let lower = header.map { $0.lowercased() }
                let found = columns.map { lower.firstIndex(of: $0) ?? -1 }
                for name in required.sorted() where found[columns.firstIndex(of: name)!] < 0 {
                    throw InputError(
                        location: SourceLocation(file: path, line: record.line, column: 1),
                        message:
                            "missing column \"\(name)\" in the catalogue; the header has \(header.map { "\"\($0)\"" }.joined(separator: ", "))",
                        hint: "the native catalogue columns are \(columns.joined(separator: ", "))")
                }
                fieldOf = found
                names = header
                decimalComma = record.delimiter == UInt8(ascii: ";")
                (fieldCount, delimiter) = (record.count, record.delimiter)
                return
            }
            // A record without escaped quotes is read from its bytes (`entry(record:)`); the others as text.
            let read: Result<CatalogueEntry, Failure>
            if fieldOf.allSatisfy({ $0 < 0 || $0 >= record.count || !record.fields[$0].escaped }) {
                let fields = record.fields.map { ($0.start, $0.end) }
                read = try fields.withUnsafeBufferPointer {
                    try entry(record.buffer, $0, fieldOf: fieldOf, encoding: encoding, decimalComma: decimalComma)
                }
            } else {
                read = entry(try fieldOf.map(text), decimalComma: decimalComma)
            }
            switch read {
            case .success(let entry):
                rows.take(entry, line: record.line)
            case .failure(let failure):
                let fields = try fieldOf.map(text)
                let i = fieldOf[columns.firstIndex(of: failure.column)!]
                let pos = record.position(ofField: i, singleByteEncoding: single)
                let problem = InputProblem(
                    location: SourceLocation(file: path, line: pos.line, column: pos.column), field: names[i],
                    message: failure.message, expected: failure.expected,
                    found: fields[columns.firstIndex(of: failure.column)!],
                    hint: failure.hint)
                if strict { throw InputError(problem: problem) }
                problems.append(problem)
            }
        }
        if fieldOf == nil {
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message: "the catalogue is empty: expected a header line")
        }
    }

    /// `entry(_:decimalComma:)` of a record whose fields are plain bytes (none escaped), `fields` their
    /// (start, end) in `buffer`, without making a string of every field first: the same entry, or the same
    /// failure. Every field present is checked to be text in `encoding` first (throwing `NotUTF8.found` as
    /// `text` does); text fields become strings, the others are parsed from their bytes.
    static func entry(
        _ buffer: UnsafeBufferPointer<UInt8>, _ fields: UnsafeBufferPointer<(Int, Int)>, fieldOf: [Int],
        encoding: TextEncoding, decimalComma: Bool
    ) throws -> Result<CatalogueEntry, Failure> {
        func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8> {
            let i = fieldOf[column]
            guard i >= 0 && i < fields.count else { return UnsafeBufferPointer(start: nil, count: 0) }
            return trimmed(UnsafeBufferPointer(rebasing: buffer[fields[i].0..<fields[i].1]))
        }
        // Most records are ASCII from end to end: checked once, eight bytes at a time, rather than field by field.
        let allASCII =
            fields.isEmpty || isASCII(UnsafeBufferPointer(rebasing: buffer[fields[0].0..<fields[fields.count - 1].1]))
        if encoding == .utf8 && !allASCII {
            for column in fieldOf.indices where !isASCII(bytes(column)) {
                guard TextEncoding.isValidUTF8(bytes(column)) else { throw NotUTF8.found }
            }
        }
        func text(_ column: Int) -> String {
            let b = bytes(column)
            if b.isEmpty { return "" }
            return allASCII || isASCII(b) ? String(decoding: b, as: UTF8.self) : encoding.decode(b)!
        }
        /// A number in column `column`: from its bytes when it is a plain decimal they hold exactly, else as
        /// `entry(_:decimalComma:)` reads its text.
        func number(_ column: Int) -> Result<Double?, Failure> {
            let b = bytes(column)
            if b.isEmpty { return .success(nil) }
            if let exact = PriceText.parseExactly(b, decimalComma: decimalComma) { return .success(exact) }
            return numberText(text(column), columns[column], decimalComma: decimalComma)
        }
        var period: Period?
        let periodBytes = bytes(0)
        if !periodBytes.isEmpty {
            guard let p = Period.parse(periodBytes) else {
                return .failure(
                    Failure(column: "period", message: "not a period", expected: "YYYY-MM or empty for every period"))
            }
            period = p
        }
        if bytes(1).isEmpty {
            return .failure(Failure(column: "product", message: "missing value", expected: "a product code"))
        }
        let price: Double, packSize: Double?
        switch prices(unitPrice: number(8), packSize: number(7)) {
        case .success(let read): (price, packSize) = read
        case .failure(let failure): return .failure(failure)
        }
        guard let status = status(bytes(11)) else {
            return .failure(Failure(column: "status", message: "unknown status", expected: "PV, R1, R2 or empty"))
        }
        let group = text(9)
        return .success(
            CatalogueEntry(
                period: period, product: text(1), name: text(2), substance: text(3), atc: text(4),
                strength: text(5), form: text(6), packSize: packSize, unitPrice: price,
                equivalenceClass: group.isEmpty ? nil : EquivalenceClass(group: group, sizeGroup: text(10)),
                status: status, origin: text(12), company: text(13)))
    }

    /// The status a field's bytes name, ignoring case: PV, R1, R2, or none (empty, `Nej`, `-`); nil for
    /// anything else.
    private static func status(_ b: UnsafeBufferPointer<UInt8>) -> ProductStatus? {
        func upper(_ i: Int) -> UInt8 { b[i] >= 0x61 && b[i] <= 0x7A ? b[i] - 0x20 : b[i] }
        switch b.count {
        case 0: return ProductStatus.none
        case 1: return b[0] == UInt8(ascii: "-") ? ProductStatus.none : nil
        case 2:
            let (a, c) = (upper(0), upper(1))
            if a == UInt8(ascii: "P") && c == UInt8(ascii: "V") { return .pv }
            if a == UInt8(ascii: "R") && c == UInt8(ascii: "1") { return .r1 }
            if a == UInt8(ascii: "R") && c == UInt8(ascii: "2") { return .r2 }
            return nil
        case 3:
            return upper(0) == UInt8(ascii: "N") && upper(1) == UInt8(ascii: "E") && upper(2) == UInt8(ascii: "J")
                ? ProductStatus.none : nil
        default: return nil
        }
    }

    /// Whether every byte is below 0x80: eight bytes at a time, then the rest.
    private static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var words: UInt64 = 0, tail: UInt8 = 0, i = 0
        while i + 8 <= b.count {
            words |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < b.count {
            tail |= b[i]
            i += 1
        }
        return words & 0x8080_8080_8080_8080 == 0 && tail < 0x80
    }

    struct Failure: Error {
        var column: String
        var message: String
        var expected: String?
        var hint: String?
    }

    /// The number a field's text holds (nil: empty), or why it is not one.
    private static func numberText(_ raw: String, _ name: String, decimalComma: Bool) -> Result<Double?, Failure> {
        if raw.isEmpty { return .success(nil) }
        // Every digit given is kept (a unit price may have ten decimals); only plain decimals are numbers.
        if let exact = PriceText.parse(raw, decimalComma: decimalComma) { return .success(exact) }
        var raw = raw
        let parsed = raw.withUTF8 { NumberParsing.fixedDecimal($0, decimalComma: decimalComma) }
        switch parsed {
        case .success:
            return .failure(Failure(column: name, message: "not a plain decimal", expected: "a number such as 12.50"))
        case .failure(.empty): return .success(nil)
        case .failure(.invalid(let expected, let hint)):
            return .failure(Failure(column: name, message: "not a number", expected: expected, hint: hint))
        }
    }

    /// An entry's unit price and pack size from how their fields read: the price refused when it is missing or
    /// negative, a field that is not a number refused as it read (the price's first).
    private static func prices(
        unitPrice: Result<Double?, Failure>, packSize: Result<Double?, Failure>
    ) -> Result<(Double, Double?), Failure> {
        switch unitPrice {
        case .success(let v?) where v >= 0: packSize.map { (v, $0) }
        case .success(nil):
            .failure(Failure(column: "unit_price", message: "missing value", expected: "a unit price"))
        case .success:
            .failure(Failure(column: "unit_price", message: "negative price", expected: "a unit price of 0 or more"))
        case .failure(let failure): .failure(failure)
        }
    }

    /// An entry from the texts of `columns`, in that order ("" for an absent column).
    static func entry(_ f: [String], decimalComma: Bool) -> Result<CatalogueEntry, Failure> {
        // f: period, product, name, substance, atc, strength, form, pack_size, unit_price, group, size_group,
        // status, origin, company.
        func number(_ raw: String, _ name: String) -> Result<Double?, Failure> {
            numberText(raw, name, decimalComma: decimalComma)
        }
        var period: Period?
        if !f[0].isEmpty {
            guard let p = Period(text: f[0]) else {
                return .failure(
                    Failure(column: "period", message: "not a period", expected: "YYYY-MM or empty for every period"))
            }
            period = p
        }
        let product = f[1]
        if product.isEmpty {
            return .failure(Failure(column: "product", message: "missing value", expected: "a product code"))
        }
        let price: Double, packSize: Double?
        switch prices(unitPrice: number(f[8], "unit_price"), packSize: number(f[7], "pack_size")) {
        case .success(let read): (price, packSize) = read
        case .failure(let failure): return .failure(failure)
        }
        let status: ProductStatus
        switch f[11].uppercased() {
        case "PV": status = .pv
        case "R1": status = .r1
        case "R2": status = .r2
        case "", "NEJ", "-": status = .none
        default:
            return .failure(Failure(column: "status", message: "unknown status", expected: "PV, R1, R2 or empty"))
        }
        let group = f[9]
        return .success(
            CatalogueEntry(
                period: period, product: product, name: f[2], substance: f[3], atc: f[4], strength: f[5], form: f[6],
                packSize: packSize, unitPrice: price,
                equivalenceClass: group.isEmpty ? nil : EquivalenceClass(group: group, sizeGroup: f[10]),
                status: status, origin: f[12], company: f[13]))
    }
}

/// Where a catalogue reader puts each entry it reads, as it reads it: a list of the entries and their lines, or
/// a catalogue they are filed into at once (`CatalogueReader.file`), with those it refuses listed. A class: the
/// fast loop and the record callback of one reading both add to it, through one captured reference.
final class CatalogueRows {
    private(set) var list: [CatalogueEntry] = []
    private(set) var lines: [Int] = []
    /// Filing: the catalogue as it was before this file (`restart` goes back to it; for a file after the first,
    /// its storage is copied once as the file is added) and as it is now.
    private let before: Catalogue?
    private(set) var catalogue: Catalogue
    private(set) var refused: [(entry: CatalogueEntry, line: Int)] = []

    init(listing: Void) {
        before = nil
        catalogue = Catalogue()
    }

    init(filingInto catalogue: Catalogue) {
        before = catalogue
        self.catalogue = catalogue
    }

    @inline(__always)
    func take(_ entry: borrowing CatalogueEntry, line: Int) {
        if before == nil {
            list.append(copy entry)
            lines.append(line)
        } else if !catalogue.add(entry) {
            refused.append((copy entry, line))
        }
    }

    /// Room for `count` more entries.
    func reserveCapacity(_ count: Int) {
        if before == nil {
            list.reserveCapacity(list.count + count)
        } else {
            catalogue.reserveCapacity(count)
        }
    }

    /// Lets go of everything taken, to read the file again.
    func restart() {
        list = []
        lines = []
        refused = []
        if let before { catalogue = before }
    }
}
