import MedSaveModel

/// Review decisions as CSV or JSON (the CSV is what `review import` reads back).
public enum ReviewRenderer {
    public static let columns = [
        "sequence", "id", "decision", "note", "reviewer", "decided_at", "saving", "decided_window", "suggested",
        "legacy_id",
    ]

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
                if let c = r.context {
                    w.beginObject("context")
                    w.field("saving", .number(NumberFormat.fixed(c.saving, decimals: Precision.money)))
                    w.field("window", .string(c.window))
                    w.field("suggested", .string(c.suggested))
                    w.endObject()
                } else {
                    w.field("context", .null)
                }
                w.field("legacy_id", r.legacyID.map { .string($0) } ?? .null)
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
                        r.context.map { NumberFormat.fixed($0.saving, decimals: Precision.money) } ?? "",
                        r.context?.window ?? "", r.context?.suggested ?? "", r.legacyID ?? "",
                    ])
                }.joined()
        }
    }
}
