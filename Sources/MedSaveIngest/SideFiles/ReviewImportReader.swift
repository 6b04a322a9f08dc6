import MedSaveModel

/// The CSV of decisions that `review import` reads (the columns `ReviewRenderer` writes).
public enum ReviewImportReader {
    /// Decisions to import: CSV with `id`, `decision` (accept/reject/defer), `note`, `reviewer`.
    public static func read(path: String) throws(InputError) -> [(
        id: String, decision: ReviewDecision, note: String, reviewer: String
    )] {
        let table = try TextTable.csv(path: path)
        guard let (headerIndex, columns) = table.header(containing: ["id", "decision", "reviewer"]) else {
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message: "expected columns id, decision, note, reviewer")
        }
        return try table.rows.dropFirst(headerIndex + 1).map { (line, cells) throws(InputError) in
            func cell(_ name: String) -> String { columns[name].map { $0 < cells.count ? cells[$0] : "" } ?? "" }
            guard let decision = ReviewDecision(rawValue: cell("decision").lowercased()) else {
                throw InputError(
                    problem: InputProblem(
                        location: SourceLocation(file: path, line: line, column: columns["decision"]! + 1),
                        field: "decision",
                        message: "not a decision", expected: "accept, reject or defer", found: cell("decision")))
            }
            // Checked as `review accept` checks them, before anything is recorded.
            if let problem = ReviewRecord.problem(id: cell("id"), reviewer: cell("reviewer")) {
                throw InputError(
                    location: SourceLocation(file: path, line: line, column: 1), message: problem + "; nothing imported"
                )
            }
            return (cell("id"), decision, cell("note"), cell("reviewer"))
        }
    }
}
