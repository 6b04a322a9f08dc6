import Foundation
import MedSaveModel

/// Reads TLV's monthly "Periodens varor" list as published (xlsx) or as CSV, into catalogue entries.
///
/// The class is (Utbytesgrupps ID, Förpackningsstorleksgrupp); the unit price is AUP per pack ÷ pack size
/// ("Försäljningspris" ÷ "Storlek"; TLV's rounded "per minsta enhet" only where those are missing); status PV/R1/R2/Nej. Handles the quirks of the real files:
/// preamble rows and a `Rang` column instead of `Status` (March 2024, where no status is given), sheet names
/// `YYMMDD-YYMMDD` and `YYYYMMDD-YYYYMMDD`, pack sizes written as floats, and TLV's `-2147483648`
/// missing-value marker, which is reported as a problem while the rest of the row is kept.
public enum PeriodensVarorReader {
    static let keyColumns = ["Varunummer", "Förpackningsstorleksgrupp", "Utbytesgrupps ID"]
    static let priceColumn = "Försäljningspris per minsta enhet"
    /// AUP per pack: divided by `Storlek` it gives the unit price every digit of.
    static let packPriceColumn = "Försäljningspris"
    static let missingMarker = "-2147483648"

    public struct Result: Sendable {
        public var entries: [CatalogueEntry]
        /// The row number each entry came from.
        public var lines: [Int]
        public var problems: [InputProblem]
        /// Entries per period, in period order.
        public var rowsPerPeriod: [(period: Period, rows: Int)]
    }

    public static func read(path: String) throws(InputError) -> Result {
        let table =
            path.lowercased().hasSuffix(".xlsx") ? try TextTable.xlsx(path: path) : try TextTable.csv(path: path)
        return try read(table)
    }

    /// The price period named by a sheet: `260201-260228` or `20240401-20240430` → its first month.
    public static func period(sheetName: String) -> Period? {
        let start = sheetName.split(separator: "-").first.map(String.init) ?? ""
        switch start.count {
        case 6: return Period(text: "20" + start.prefix(4))
        case 8: return Period(text: String(start.prefix(6)))
        default: return nil
        }
    }

    static func read(_ table: TextTable) throws(InputError) -> Result {
        guard let (headerIndex, columns) = table.header(containing: keyColumns + [priceColumn]) else {
            throw InputError(
                location: SourceLocation(file: table.path, line: 1, column: 1),
                message:
                    "not a TLV \"Periodens varor\" list: no header row with \((keyColumns + [priceColumn]).map { "\"\($0)\"" }.joined(separator: ", "))"
            )
        }
        var sheetPeriod: Period?
        if let name = table.sheetName {
            guard let p = period(sheetName: name) else {
                throw InputError(
                    location: SourceLocation(file: table.path, line: 1, column: 1),
                    message: "the sheet name \"\(name)\" is not a price period",
                    hint: "expected YYMMDD-YYMMDD or YYYYMMDD-YYYYMMDD")
            }
            sheetPeriod = p
        }
        var result = Result(entries: [], lines: [], problems: [], rowsPerPeriod: [])
        var counts: [Period: Int] = [:]
        for (line, cells) in table.rows.dropFirst(headerIndex + 1) {
            func cell(_ name: String) -> String { columns[name].map { $0 < cells.count ? cells[$0] : "" } ?? "" }
            func problem(_ name: String, _ message: String, expected: String? = nil) {
                result.problems.append(
                    InputProblem(
                        location: SourceLocation(file: table.path, line: line, column: (columns[name] ?? 0) + 1),
                        field: name,
                        message: message, expected: expected, found: cell(name)))
            }
            if cells.allSatisfy(\.isEmpty) { continue }
            var period = sheetPeriod
            if period == nil {
                let text = cell("sheet_period").isEmpty ? cell("Period") : cell("sheet_period")
                period =
                    self.period(sheetName: text)
                    ?? (cell("file_month").count == 4 ? Period(text: "20" + cell("file_month")) : nil)
                guard period != nil else {
                    problem(
                        "sheet_period", "no price period for this row",
                        expected: "a sheet_period, Period or file_month column")
                    continue
                }
            }
            var clean: [String: String] = [:]
            for (name, c) in columns where c < cells.count {
                if cells[c] == missingMarker {
                    problem(name, "TLV's missing-value marker; the field is left empty and the row kept")
                    clean[name] = ""
                } else {
                    clean[name] = cells[c]
                }
            }
            func value(_ name: String) -> String { clean[name] ?? "" }
            let product = TLVCode.normalise(value("Varunummer"), digits: 6)
            guard !product.isEmpty else {
                problem("Varunummer", "missing varunummer; row skipped")
                continue
            }
            // Pack price ÷ pack size at full precision: TLV's own per-unit column is rounded to two decimals.
            let packSize = PriceText.parse(value("Storlek"))
            let price: Double
            if let pack = PriceText.parse(value(packPriceColumn)), pack >= 0, let size = packSize, size > 0 {
                price = pack / size
            } else if let perUnit = PriceText.parse(value(priceColumn)), perUnit >= 0 {
                price = perUnit
            } else {
                problem(priceColumn, "not a price; row skipped", expected: "a unit price of 0 or more")
                continue
            }
            let statusText = value("Status").uppercased()
            let status: ProductStatus =
                statusText == "PV" ? .pv : statusText == "R1" ? .r1 : statusText == "R2" ? .r2 : .none
            let group = TLVCode.normalise(value("Utbytesgrupps ID"))
            result.entries.append(
                CatalogueEntry(
                    period: period, product: product, name: value("Produktnamn"), substance: value("Substans"),
                    atc: "", strength: value("Styrka"), form: value("Beredningsform"),
                    packSize: packSize, unitPrice: price,
                    equivalenceClass: group.isEmpty
                        ? nil : EquivalenceClass(group: group, sizeGroup: value("Förpackningsstorleksgrupp")),
                    status: status, origin: value("Ursprung"), company: value("Företag")))
            result.lines.append(line)
            counts[period!, default: 0] += 1
        }
        result.rowsPerPeriod = counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return result
    }
}
