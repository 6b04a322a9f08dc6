import Foundation

/// The formats results can be written in.
public enum OutputFormat: String, Sendable, CaseIterable, Codable {
    /// Aligned columns for a person at a terminal.
    case table
    /// RFC 4180 CSV, comma, decimal point, LF line ends, UTF-8 without BOM.
    case csv
    /// One JSON object with `schema_version` (README documents the schema).
    case json
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
