import MedSaveAnalysis
import MedSaveModel

/// A value in a result table, formatted per output format (decimal mark, rounding) only when written.
enum TabularValue {
    case text(String)
    case number(Double, decimals: Int)
    case fixed(FixedDecimal, decimals: Int)
    case integer(Int)
    case empty

    func formatted(decimalMark: Character = ".") -> String {
        switch self {
        case .text(let s): s
        case .number(let x, let d): NumberFormat.fixed(x, decimals: d, decimalMark: decimalMark)
        case .fixed(let x, let d): NumberFormat.fixed(x, decimals: d, decimalMark: decimalMark)
        case .integer(let n): String(n)
        case .empty: ""
        }
    }

    var isNumeric: Bool {
        switch self {
        case .number, .fixed, .integer: true
        case .text, .empty: false
        }
    }

    /// The value for a JSON writer: numbers as numbers, empty as null.
    var json: JSONWriter.Value {
        switch self {
        case .text(let s): .string(s)
        case .integer(let n): .int(n)
        case .empty: .null
        default: .number(formatted())
        }
    }

    static func money(_ x: Double) -> TabularValue { .number(x, decimals: Precision.money) }
    static func money(_ x: FixedDecimal) -> TabularValue { .fixed(x, decimals: Precision.money) }
}

/// Rows under named columns, written as CSV, excel-csv, an aligned table or an HTML table: the one place
/// these layouts are made for `estimate` and `impact`.
struct Tabular {
    var columns: [String]
    /// Columns Excel must keep as text (codes with leading zeros).
    var codeColumns: Set<String> = []
    var rows: [[TabularValue]] = []

    /// Removes a column and its values.
    mutating func drop(column name: String) {
        guard let i = columns.firstIndex(of: name) else { return }
        columns.remove(at: i)
        for r in rows.indices { rows[r].remove(at: i) }
    }

    func csv() -> String {
        CSVField.line(columns) + rows.map { CSVField.line($0.map { $0.formatted() }) }.joined()
    }

    func excelCSV() -> String {
        ExcelCSV.render(
            header: columns, rows: rows.map { $0.map { $0.formatted(decimalMark: ",") } }, textColumns: codeColumns)
    }

    /// Aligned columns, numbers right-aligned, with a rule under the header; `headers` may rename columns.
    func table(headers: [String]? = nil) -> String {
        let header = headers ?? columns
        // One line per row, whatever the data holds: line feeds and tabs shown, controls neutralised.
        let cells = rows.map {
            $0.map {
                DisplayText.neutralised($0.formatted()).replacingOccurrences(of: "\n", with: "\u{240A}")
                    .replacingOccurrences(of: "\t", with: "\u{2409}")
            }
        }
        let numeric = Set(columns.indices.filter { i in rows.contains { $0[i].isNumeric } })
        return PlainTable.render(header: header, rows: cells, numeric: numeric)
    }

    func html(into page: inout HTMLPage) {
        let numeric = Set(columns.indices.filter { i in rows.contains { $0[i].isNumeric } })
        page.table(header: columns, rows: rows.map { $0.map { $0.formatted() } }, numeric: numeric)
    }

    /// Each row as a JSON object in the array `key`.
    func json(_ key: String, into w: inout JSONWriter) {
        w.beginArray(key)
        for row in rows {
            w.beginObject()
            for (name, value) in zip(columns, row) { w.field(name, value.json) }
            w.endObject()
        }
        w.endArray()
    }
}

extension Reconciliation {
    /// The two lines that show read = used + set aside, for rows and for cost, with the reasons.
    public func summaryLines() -> [String] {
        func money(_ x: FixedDecimal) -> String { NumberFormat.fixed(x, decimals: Precision.money) }
        let reasons = SetAsideReason.allCases.filter { (rowsSetAside[$0] ?? 0) > 0 }
        let rowDetail = reasons.map { "\($0.words) \(rowsSetAside[$0]!)" }.joined(separator: ", ")
        let costDetail = reasons.map { "\($0.words) \(money(costSetAside[$0]!))" }.joined(separator: ", ")
        return [
            "rows: \(rowsRead) read = \(rowsUsed) used + \(rowsSetAsideTotal) set aside"
                + (rowDetail.isEmpty ? "" : " (\(rowDetail))"),
            "cost: \(money(costRead)) read = \(money(costUsed)) used + \(money(costSetAsideTotal)) set aside"
                + (costDetail.isEmpty ? "" : " (\(costDetail))"),
        ]
    }

    /// The reconciliation as fields of a JSON `summary` object: rows and cost read, used and set aside by reason.
    func writeJSONFields(into w: inout JSONWriter) {
        func money(_ x: FixedDecimal) -> JSONWriter.Value { .number(NumberFormat.fixed(x, decimals: Precision.money)) }
        w.field("rows_read", .int(rowsRead))
        w.field("rows_used", .int(rowsUsed))
        w.beginObject("rows_set_aside")
        for reason in SetAsideReason.allCases { w.field(reason.rawValue, .int(rowsSetAside[reason] ?? 0)) }
        w.endObject()
        w.field("cost_read", money(costRead))
        w.field("cost_used", money(costUsed))
        w.field("cost_set_aside", money(costSetAsideTotal))
        w.beginObject("cost_set_aside_by_reason")
        for reason in SetAsideReason.allCases { w.field(reason.rawValue, money(costSetAside[reason] ?? .zero)) }
        w.endObject()
        w.field("balanced", .bool(isBalanced))
    }
}
