import MedSaveModel

/// Renders input problems for `--problems FILE`.
public enum ProblemsRenderer {
    public static let header = ["file", "line", "column", "field", "message", "expected", "found", "hint"]

    /// All problems as CSV, one per line, in the order found.
    public static func csv(_ problems: [InputProblem]) -> String {
        var out = CSVField.line(header)
        for p in problems {
            out += CSVField.line([
                p.location.file, String(p.location.line), String(p.location.column), p.field ?? "", p.message,
                p.expected ?? "", p.found ?? "", p.hint ?? "",
            ])
        }
        return out
    }
}
