import MedSaveModel

/// Review decisions as CSV or JSON (the CSV is what `review import` reads back).
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
            return CSVField.line(columns)
                + records.map { r in
                    CSVField.line([
                        String(r.sequence), r.opportunityID, r.decision.rawValue, r.note, r.reviewer, r.decidedAt,
                    ])
                }.joined()
        }
    }
}
