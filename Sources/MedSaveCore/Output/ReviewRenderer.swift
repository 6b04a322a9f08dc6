/// Review decisions as CSV or JSON, and the CSV that `review import` reads.
public enum ReviewRenderer {
    public static let columns = ["sequence", "id", "decision", "note", "reviewer", "decided_at"]

    public static func render(_ records: [ReviewRecord], format: OutputFormat) -> String {
        switch format {
        case .json:
            var w = JSONWriter()
            w.beginObject()
            w.field("schema_version", .int(1))
            w.beginArray("decisions")
            for r in records {
                w.beginObject()
                w.field("sequence", .int(Int(r.sequence)))
                w.field("id", .string(r.opportunityID))
                w.field("decision", .string(r.decision.rawValue))
                w.field("note", .string(r.note))
                w.field("reviewer", .string(r.reviewer))
                w.field("decided_at", .string(r.decidedAt))
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return w.text
        default:
            return CSVField.line(columns) + records.map { r in
                CSVField.line([String(r.sequence), r.opportunityID, r.decision.rawValue, r.note, r.reviewer, r.decidedAt])
            }.joined()
        }
    }

    /// Decisions to import: CSV with `id`, `decision` (accept/reject/defer), `note`, `reviewer`.
    public static func parseImport(path: String) throws(InputError) -> [(id: String, decision: ReviewDecision, note: String, reviewer: String)] {
        let table = try TextTable.csv(path: path)
        guard let (headerIndex, columns) = table.header(containing: ["id", "decision", "reviewer"]) else {
            throw InputError(location: SourceLocation(file: path, line: 1, column: 1), message: "expected columns id, decision, note, reviewer")
        }
        return try table.rows.dropFirst(headerIndex + 1).map { (line, cells) throws(InputError) in
            func cell(_ name: String) -> String { columns[name].map { $0 < cells.count ? cells[$0] : "" } ?? "" }
            guard let decision = ReviewDecision(rawValue: cell("decision").lowercased()) else {
                throw InputError(problem: InputProblem(
                    location: SourceLocation(file: path, line: line, column: columns["decision"]! + 1), field: "decision",
                    message: "not a decision", expected: "accept, reject or defer", found: cell("decision")))
            }
            return (cell("id"), decision, cell("note"), cell("reviewer"))
        }
    }
}
