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
        var entries: [CatalogueEntry] = []
        var lines: [Int] = []
        var problems: [InputProblem] = []
        do {
            do {
                try read(
                    path: path, encoding: .utf8, strict: strict, into: &entries, lines: &lines, problems: &problems)
            } catch NotUTF8.found {
                entries = []
                lines = []
                problems = []
                try read(
                    path: path, encoding: .windows1252, strict: strict, into: &entries, lines: &lines,
                    problems: &problems)
            }
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(location: nil, message: "\(path): \(error)")
        }
        return (entries, lines, problems)
    }

    private enum NotUTF8: Error { case found }

    static func read(
        path: String, encoding: TextEncoding, strict: Bool, into entries: inout [CatalogueEntry], lines: inout [Int],
        problems: inout [InputProblem]
    ) throws {
        let source = try openByteSource(path: path)
        var stream = CSVStreamReader(
            path: path, source: source, scanner: CSVScanner(delimiter: UInt8(ascii: ",")))
        var fieldOf: [Int]?  // per name in `columns`: its field in the file, or -1
        var names: [String] = []
        let single = encoding == .windows1252
        var decimalComma = false
        try stream.forEachRecord(detectDelimiter: true) { record in
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
                return
            }
            let fields = try fieldOf.map(text)
            switch entry(fields, decimalComma: decimalComma) {
            case .success(let entry):
                entries.append(entry)
                lines.append(record.line)
            case .failure(let failure):
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

    struct Failure: Error {
        var column: String
        var message: String
        var expected: String?
        var hint: String?
    }

    /// An entry from the texts of `columns`, in that order ("" for an absent column).
    static func entry(_ f: [String], decimalComma: Bool) -> Result<CatalogueEntry, Failure> {
        // f: period, product, name, substance, atc, strength, form, pack_size, unit_price, group, size_group,
        // status, origin, company.
        func number(_ raw: String, _ name: String) -> Result<Double?, Failure> {
            if raw.isEmpty { return .success(nil) }
            // Every digit given is kept (a unit price may have ten decimals); only plain decimals are numbers.
            if let exact = PriceText.parse(raw, decimalComma: decimalComma) { return .success(exact) }
            var raw = raw
            let parsed = raw.withUTF8 { NumberParsing.fixedDecimal($0, decimalComma: decimalComma) }
            switch parsed {
            case .success:
                return .failure(
                    Failure(column: name, message: "not a plain decimal", expected: "a number such as 12.50"))
            case .failure(.empty): return .success(nil)
            case .failure(.invalid(let expected, let hint)):
                return .failure(Failure(column: name, message: "not a number", expected: expected, hint: hint))
            }
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
        let price: Double
        switch number(f[8], "unit_price") {
        case .success(let v?) where v >= 0: price = v
        case .success(nil):
            return .failure(Failure(column: "unit_price", message: "missing value", expected: "a unit price"))
        case .success:
            return .failure(
                Failure(column: "unit_price", message: "negative price", expected: "a unit price of 0 or more"))
        case .failure(let failure): return .failure(failure)
        }
        let packSize: Double?
        switch number(f[7], "pack_size") {
        case .success(let v): packSize = v
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
