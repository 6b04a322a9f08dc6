/// CSV field quoting (RFC 4180): quoted when it holds the delimiter, a quote, or a line break.
enum CSVField {
    /// Control characters (but tab and line feed) and bidirectional overrides are neutralised first, so that a
    /// CSV printed to a terminal cannot send it escape sequences (`DisplayText`).
    static func quoted(_ field: String, delimiter: Character = ",") -> String {
        let field = DisplayText.neutralised(field)
        guard field.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func line(_ fields: [String], delimiter: Character = ",") -> String {
        fields.map { quoted($0, delimiter: delimiter) }.joined(separator: String(delimiter)) + "\n"
    }
}
