/// CSV for Excel with Swedish settings.
enum ExcelCSV {
    /// `rows` under `header` with `;`, CRLF and a UTF-8 byte-order mark. Values of `textColumns` are written as
    /// `="…"` (inner quotes doubled, so that a code cannot close the string and add a formula of its own) so that
    /// Excel keeps codes such as `012345` or `1e5a…` as text instead of turning them into numbers; any other
    /// text that Excel would take for a formula (`=`, `+`, `-`, `@` first) is made inert (`DisplayText`).
    static func render(header: [String], rows: [[String]], textColumns: Set<String>) -> String {
        let text = Set(header.indices.filter { textColumns.contains(header[$0]) })
        var out = "\u{FEFF}"
        for (r, row) in ([header] + rows).enumerated() {
            let cells = row.enumerated().map { i, raw in
                let v = DisplayText.neutralised(raw)
                if text.contains(i) && !v.isEmpty && r > 0 {
                    return "=\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                }
                return DisplayText.inertInSpreadsheet(v, decimalMark: ",")
            }
            out += CSVField.line(cells, delimiter: ";").dropLast() + "\r\n"
        }
        return out
    }
}
