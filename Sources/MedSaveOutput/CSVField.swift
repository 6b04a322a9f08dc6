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
