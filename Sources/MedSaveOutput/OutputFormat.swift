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
