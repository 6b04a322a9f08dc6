import Foundation

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
    public static func read(paths: [String], strict: Bool = false) throws(InputError) -> (catalogue: Catalogue, problems: [InputProblem]) {
        try CatalogueLoader.load(paths.map { "native:" + $0 }, strict: strict)
    }

    /// The entries of one native catalogue file with the line each came from.
    static func entries(path: String, strict: Bool) throws(InputError) -> (entries: [(CatalogueEntry, Int)], problems: [InputProblem]) {
        var entries: [(CatalogueEntry, Int)] = []
        var problems: [InputProblem] = []
        do {
            do {
                try read(path: path, encoding: .utf8, strict: strict, into: &entries, problems: &problems)
            } catch NotUTF8.found {
                entries = []
                problems = []
                try read(path: path, encoding: .windows1252, strict: strict, into: &entries, problems: &problems)
            }
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(location: nil, message: "\(path): \(error)")
        }
        return (entries, problems)
    }

    private enum NotUTF8: Error { case found }

    static func read(
        path: String, encoding: TextEncoding, strict: Bool, into entries: inout [(CatalogueEntry, Int)],
        problems: inout [InputProblem]
    ) throws {
        let source = try openByteSource(path: path)
        var stream = CSVStreamReader(
            path: path, source: source, scanner: CSVScanner(delimiter: UInt8(ascii: ",")))
        var index: [String: Int]?
        var names: [String] = []
        let single = encoding == .windows1252
        var decimalComma = false
        do {
            try stream.forEachRecord(detectDelimiter: true) { record in
                if record.count == 1 && record.fields[0].start == record.fields[0].end { return }
                var fields: [String] = []
                for i in 0..<record.count {
                    let raw = record.fields[i].escaped ? record.unescapedBytes(i) : Array(record.bytes(i))
                    guard let text = raw.withUnsafeBufferPointer({ encoding.decode(trimmed($0)) }) else {
                        throw NotUTF8.found
                    }
                    fields.append(text)
                }
                guard let columns = index else {
                    let lower = fields.map { $0.lowercased() }
                    var found: [String: Int] = [:]
                    for name in columns { if let i = lower.firstIndex(of: name) { found[name] = i } }
                    for name in required.sorted() where found[name] == nil {
                        throw InputError(
                            location: SourceLocation(file: path, line: record.line, column: 1),
                            message: "missing column \"\(name)\" in the catalogue; the header has \(fields.map { "\"\($0)\"" }.joined(separator: ", "))",
                            hint: "the native catalogue columns are \(columns.joined(separator: ", "))")
                    }
                    index = found
                    names = fields
                    decimalComma = record.delimiter == UInt8(ascii: ";")
                    return
                }
                switch entry(fields, columns: columns, decimalComma: decimalComma) {
                case .success(let entry):
                    entries.append((entry, record.line))
                case .failure(let failure):
                    let i = columns[failure.column]!
                    let pos = record.position(ofField: i, singleByteEncoding: single)
                    let problem = InputProblem(
                        location: SourceLocation(file: path, line: pos.line, column: pos.column), field: names[i],
                        message: failure.message, expected: failure.expected, found: fields[i], hint: failure.hint)
                    if strict { throw InputError(problem: problem) }
                    problems.append(problem)
                }
            }
        }
        if index == nil {
            throw InputError(location: SourceLocation(file: path, line: 1, column: 1), message: "the catalogue is empty: expected a header line")
        }
    }

    struct Failure: Error {
        var column: String
        var message: String
        var expected: String?
        var hint: String?
    }

    static func entry(_ f: [String], columns: [String: Int], decimalComma: Bool) -> Result<CatalogueEntry, Failure> {
        func text(_ name: String) -> String { columns[name].map { f[$0] } ?? "" }
        func number(_ name: String) -> Result<Double?, Failure> {
            let raw = text(name)
            if raw.isEmpty { return .success(nil) }
            let bytes = Array(raw.utf8)
            switch bytes.withUnsafeBufferPointer({ NumberParsing.fixedDecimal($0, decimalComma: decimalComma) }) {
            case .success(let v): return .success(v.doubleValue)
            case .failure(.empty): return .success(nil)
            case .failure(.invalid(let expected, let hint)):
                return .failure(Failure(column: name, message: "not a number", expected: expected, hint: hint))
            }
        }
        let periodText = text("period")
        var period: Period?
        if !periodText.isEmpty {
            guard let p = Period(text: periodText) else {
                return .failure(Failure(column: "period", message: "not a period", expected: "YYYY-MM or empty for every period"))
            }
            period = p
        }
        let product = text("product")
        if product.isEmpty { return .failure(Failure(column: "product", message: "missing value", expected: "a product code")) }
        let price: Double
        switch number("unit_price") {
        case .success(let v?) where v >= 0: price = v
        case .success(nil): return .failure(Failure(column: "unit_price", message: "missing value", expected: "a unit price"))
        case .success: return .failure(Failure(column: "unit_price", message: "negative price", expected: "a unit price of 0 or more"))
        case .failure(let f): return .failure(f)
        }
        let packSize: Double?
        switch number("pack_size") {
        case .success(let v): packSize = v
        case .failure(let f): return .failure(f)
        }
        let statusText = text("status").uppercased()
        let status: ProductStatus
        switch statusText {
        case "PV": status = .pv
        case "R1": status = .r1
        case "R2": status = .r2
        case "", "NEJ", "-": status = .none
        default:
            return .failure(Failure(column: "status", message: "unknown status", expected: "PV, R1, R2 or empty"))
        }
        let group = text("group")
        return .success(
            CatalogueEntry(
                period: period, product: product, name: text("name"), substance: text("substance"), atc: text("atc"),
                strength: text("strength"), form: text("form"), packSize: packSize, unitPrice: price,
                equivalenceClass: group.isEmpty ? nil : EquivalenceClass(group: group, sizeGroup: text("size_group")),
                status: status, origin: text("origin"), company: text("company")))
    }
}
