import Foundation
import MedSaveModel

/// The decisions `review import` reads: `review export`'s CSV (`id`, `decision`, `note`, `reviewer`), or a
/// ranking a pharmacist filled in — `rank`'s CSV or excel-csv (`;`, byte-order mark, codes as `="…"`, decimal
/// commas) with the `decision` column completed in a spreadsheet. A ranking's rows carry what the decision was
/// made on (`saving`, the window, `suggested_code`); rows whose decision is left empty are not decisions and are
/// skipped. Every row is checked as `review accept` checks it, before anything is recorded.
public enum ReviewImportReader {
    public struct Result: Sendable {
        public var items: [ReviewItem]
        /// Rows without a decision (a ranking's undecided opportunities), not imported.
        public var undecided: Int
    }

    /// The decisions in `path`; `reviewer` names whoever decided when the file has no `reviewer` column (or
    /// leaves it empty).
    public static func read(path: String, reviewer defaultReviewer: String? = nil) throws(InputError) -> Result {
        let table = try TextTable.csv(path: path)
        let rows = table.rows.map { line, cells in
            (line, cells.enumerated().map { i, c in unwrapped(c, first: i == 0) })
        }
        guard let headerIndex = rows.firstIndex(where: { $0.1.contains("id") && $0.1.contains("decision") }) else {
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message:
                    "expected columns id and decision (review export's CSV, or rank's CSV or excel-csv with its decision column filled in)"
            )
        }
        var columns: [String: Int] = [:]
        for (i, name) in rows[headerIndex].1.enumerated() where columns[name] == nil { columns[name] = i }
        if columns["reviewer"] == nil && defaultReviewer == nil {
            throw InputError(
                location: SourceLocation(file: path, line: rows[headerIndex].0, column: 1),
                message: "the file has no reviewer column: say who decided with --reviewer")
        }
        var result = Result(items: [], undecided: 0)
        for (line, cells) in rows.dropFirst(headerIndex + 1) {
            func cell(_ name: String) -> String {
                columns[name].map { $0 < cells.count ? cells[$0].trimmingCharacters(in: .whitespaces) : "" } ?? ""
            }
            if cell("decision").isEmpty && (cell("id").isEmpty || columns["rank"] != nil) {
                result.undecided += 1
                continue
            }
            guard let decision = ReviewDecision(rawValue: cell("decision").lowercased()) else {
                throw InputError(
                    problem: InputProblem(
                        location: SourceLocation(file: path, line: line, column: columns["decision"]! + 1),
                        field: "decision",
                        message: "not a decision; nothing imported", expected: "accept, reject or defer",
                        found: cell("decision")))
            }
            let reviewer = cell("reviewer").isEmpty ? defaultReviewer ?? "" : cell("reviewer")
            if let problem = ReviewRecord.problem(id: cell("id"), reviewer: reviewer) {
                throw InputError(
                    location: SourceLocation(file: path, line: line, column: (columns["id"] ?? 0) + 1),
                    message: problem + "; nothing imported")
            }
            var context: DecisionContext?
            if let saving = PriceText.parse(cell("saving").replacingOccurrences(of: ",", with: ".")) {
                let from = cell("period_from").isEmpty ? cell("period") : cell("period_from")
                let to = cell("period_to").isEmpty ? from : cell("period_to")
                context = DecisionContext(
                    saving: saving,
                    window: columns["decided_window"] != nil ? cell("decided_window") : "\(from)..\(to)",
                    suggested: columns["suggested"] != nil ? cell("suggested") : cell("suggested_code"))
            }
            result.items.append(
                ReviewItem(id: cell("id"), decision: decision, note: cell("note"), reviewer: reviewer, context: context)
            )
        }
        return result
    }

    /// A cell as a spreadsheet meant it: `="012345"` (excel-csv's text wrapper, inner quotes doubled) is
    /// `012345`, and the first cell loses a byte-order mark.
    static func unwrapped(_ cell: String, first: Bool) -> String {
        var c = first && cell.hasPrefix("\u{FEFF}") ? String(cell.dropFirst()) : cell
        if c.hasPrefix("=\""), c.hasSuffix("\""), c.count >= 3 {
            c = String(c.dropFirst(2).dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
        }
        return c
    }
}
