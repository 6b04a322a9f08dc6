import Foundation

/// The formats results can be written in.
public enum OutputFormat: String, Sendable, CaseIterable, Codable {
    /// Aligned columns for a person at a terminal.
    case table
    /// RFC 4180 CSV, comma, decimal point, LF line ends, UTF-8 without BOM.
    case csv
    /// One JSON object with `schema_version` (README documents the schema).
    case json
    /// CSV as Swedish Excel opens it: UTF-8 with BOM, `;`, decimal comma, CRLF, codes kept as text.
    case excelCSV = "excel-csv"
    /// One self-contained HTML page (inline CSS, no external resources), printable.
    case html
}

/// CSV for Excel with Swedish settings.
enum ExcelCSV {
    /// `rows` under `header` with `;`, CRLF and a UTF-8 byte-order mark. Values of `textColumns` are written as
    /// `="…"` so that Excel keeps codes such as `012345` or `1e5a…` as text instead of turning them into numbers.
    static func render(header: [String], rows: [[String]], textColumns: Set<String>) -> String {
        let text = Set(header.indices.filter { textColumns.contains(header[$0]) })
        var out = "\u{FEFF}"
        for row in [header] + rows {
            let cells = row.enumerated().map { i, v in
                text.contains(i) && !v.isEmpty && row != header ? "=\"" + v + "\"" : v
            }
            out += CSVField.line(cells, delimiter: ";").dropLast() + "\r\n"
        }
        return out
    }
}

/// CSV field quoting (RFC 4180): quoted when it holds the delimiter, a quote, or a line break.
enum CSVField {
    static func quoted(_ field: String, delimiter: Character = ",") -> String {
        guard field.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func line(_ fields: [String], delimiter: Character = ",") -> String {
        fields.map { quoted($0, delimiter: delimiter) }.joined(separator: String(delimiter)) + "\n"
    }
}
