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
