import Foundation

/// Renders a `RankResult` as table, CSV or JSON. The JSON schema (version 1) is documented in README.md.
public struct RankRenderer {
    public let result: RankResult

    public init(_ result: RankResult) { self.result = result }

    public static let schemaVersion = 1

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: table()
        case .csv: csv()
        case .json: json()
        }
    }

    private var byPeriod: Bool { result.configuration.byPeriod }

    private static func money(_ x: Double) -> String { NumberFormat.fixed(x, decimals: Precision.money) }
    private static func money(_ x: FixedDecimal) -> String { NumberFormat.fixed(x, decimals: Precision.money) }
    private static func ppu(_ x: Double?) -> String { x.map { NumberFormat.fixed($0, decimals: Precision.pricePerUnit) } ?? "" }

    // MARK: CSV

    public var csvHeader: [String] {
        ["rank", "id", "key", "class"] + (byPeriod ? ["period"] : ["period_from", "period_to"]) + [
            "products", "product_names", "suggested_code", "suggested_name", "suggested_unit_price", "quantity", "cost",
            "ppu", "target_ppu", "saving", "patients", "prescribers", "flags",
        ]
    }

    public func csv() -> String {
        var out = CSVField.line(csvHeader)
        for o in result.opportunities {
            let periods = byPeriod ? [o.periodFrom.description] : [o.periodFrom.description, o.periodTo.description]
            out += CSVField.line(
                [String(o.rank), o.id, o.key, o.equivalenceClass.description] + periods + [
                    o.products.map(\.code).joined(separator: "|"), o.products.map(\.name).joined(separator: "|"),
                    o.suggested?.code ?? "", o.suggested?.name ?? "",
                    o.suggested.map { Self.ppu($0.unitPrice) } ?? "",
                    NumberFormat.exact(o.quantity), Self.money(o.cost), Self.ppu(o.ppu), Self.ppu(o.targetPPU),
                    Self.money(o.saving), o.patients.map(String.init) ?? "", o.prescribers.map(String.init) ?? "",
                    o.flags.joined(separator: "|"),
                ])
        }
        return out
    }

    // MARK: JSON

    public func json() -> String {
        var w = JSONWriter()
        let c = result.configuration
        w.beginObject()
        w.field("schema_version", .int(Self.schemaVersion))
        w.field("target", .string(c.target.description))
        w.field("level", .string(c.level.rawValue))
        w.field("by_period", .bool(c.byPeriod))
        w.field("period_from", result.window.map { .string($0.from.description) } ?? .null)
        w.field("period_to", result.window.map { .string($0.to.description) } ?? .null)
        w.field("min_saving", .number(Self.money(c.minSaving)))
        w.field("top", c.top.map { .int($0) } ?? .null)
        writeSummary(&w)
        w.beginArray("opportunities")
        for o in result.opportunities {
            w.beginObject()
            w.field("rank", .int(o.rank))
            w.field("id", .string(o.id))
            w.field("key", .string(o.key))
            w.field("class", .string(o.equivalenceClass.description))
            if byPeriod {
                w.field("period", .string(o.periodFrom.description))
            } else {
                w.field("period_from", .string(o.periodFrom.description))
                w.field("period_to", .string(o.periodTo.description))
            }
            w.beginArray("products")
            for p in o.products {
                w.beginObject()
                w.field("code", .string(p.code))
                w.field("name", .string(p.name))
                w.endObject()
            }
            w.endArray()
            if let s = o.suggested {
                w.beginObject("suggested")
                w.field("code", .string(s.code))
                w.field("name", .string(s.name))
                w.field("unit_price", .number(Self.ppu(s.unitPrice)))
                w.field("price_period", .string(s.period.description))
                w.endObject()
            } else {
                w.field("suggested", .null)
            }
            w.field("quantity", .number(NumberFormat.exact(o.quantity)))
            w.field("cost", .number(Self.money(o.cost)))
            w.field("ppu", .number(Self.ppu(o.ppu)))
            w.field("target_ppu", .number(Self.ppu(o.targetPPU)))
            w.field("saving", .number(Self.money(o.saving)))
            w.field("patients", o.patients.map { .int($0) } ?? .null)
            w.field("prescribers", o.prescribers.map { .int($0) } ?? .null)
            w.beginArray("flags")
            for f in o.flags { w.element(.string(f)) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    private func writeSummary(_ w: inout JSONWriter) {
        let r = result.reconciliation
        w.beginObject("summary")
        w.field("rows_read", .int(r.rowsRead))
        w.field("rows_used", .int(r.rowsUsed))
        w.beginObject("rows_set_aside")
        for reason in SetAsideReason.allCases { w.field(reason.rawValue, .int(r.rowsSetAside[reason] ?? 0)) }
        w.endObject()
        w.field("cost_read", .number(Self.money(r.costRead)))
        w.field("cost_used", .number(Self.money(r.costUsed)))
        w.field("cost_set_aside", .number(Self.money(r.costSetAsideTotal)))
        w.beginObject("cost_set_aside_by_reason")
        for reason in SetAsideReason.allCases {
            w.field(reason.rawValue, .number(Self.money(r.costSetAside[reason] ?? .zero)))
        }
        w.endObject()
        w.field("balanced", .bool(r.isBalanced))
        w.field("opportunities", .int(result.opportunityCount))
        w.field("opportunities_listed", .int(result.opportunities.count))
        w.field("total_saving", .number(Self.money(result.totalSaving)))
        w.field("listed_saving", .number(Self.money(result.listedSaving)))
        w.endObject()
    }

    // MARK: Table

    public func table() -> String {
        let header = ["#", "id", "key", "class", byPeriod ? "period" : "products", byPeriod ? "products" : "suggested",
                      byPeriod ? "suggested" : "", "quantity", "cost", "ppu", "target", "saving", "flags"]
        var rows: [[String]] = []
        for o in result.opportunities {
            let products = (o.products.first.map { Self.short(Self.label($0.code, $0.name), 30) } ?? "")
                + (o.products.count > 1 ? " +\(o.products.count - 1)" : "")
            let suggested = o.suggested.map { Self.short(Self.label($0.code, $0.name), 30) } ?? "–"
            rows.append(
                [String(o.rank), o.id, o.key, o.equivalenceClass.description]
                    + (byPeriod ? [o.periodFrom.description, products, suggested] : [products, suggested, ""])
                    + [NumberFormat.fixed(o.quantity, decimals: 0), Self.money(o.cost), Self.ppu(o.ppu),
                       Self.ppu(o.targetPPU), Self.money(o.saving), o.flags.joined(separator: ",")])
        }
        let keep = header.indices.filter { !header[$0].isEmpty }
        let numeric: Set<Int> = [0, 7, 8, 9, 10, 11]
        var widths = keep.map { header[$0].count }
        for row in rows { for (k, i) in keep.enumerated() { widths[k] = max(widths[k], row[i].count) } }
        func line(_ cells: [String]) -> String {
            keep.enumerated().map { k, i in
                let pad = String(repeating: " ", count: widths[k] - cells[i].count)
                return numeric.contains(i) ? pad + cells[i] : cells[i] + pad
            }.joined(separator: "  ").replacingOccurrences(of: " +$", with: "", options: .regularExpression) + "\n"
        }
        var out = line(header)
        out += line(header.indices.map { i in
            keep.firstIndex(of: i).map { String(repeating: "─", count: widths[$0]) } ?? ""
        })
        for row in rows { out += line(row) }
        if rows.isEmpty { out += "(no opportunities" + (result.opportunityCount > 0 ? " above the threshold)\n" : ")\n") }
        return out
    }

    /// `code name`, or the code alone when the name is unknown.
    private static func label(_ code: String, _ name: String) -> String { name.isEmpty ? code : "\(code) \(name)" }

    private static func short(_ s: String, _ n: Int) -> String {
        s.count <= n ? s : String(s.prefix(n - 1)) + "…"
    }

    // MARK: Summary

    /// The reconciliation and totals as lines for a person (stderr for table and CSV output).
    public func summaryLines() -> [String] {
        let r = result.reconciliation
        let reasons = SetAsideReason.allCases.filter { (r.rowsSetAside[$0] ?? 0) > 0 }
        let rowDetail = reasons.map { "\($0.words) \(r.rowsSetAside[$0]!)" }.joined(separator: ", ")
        let costDetail = reasons.map { "\($0.words) \(Self.money(r.costSetAside[$0]!))" }.joined(separator: ", ")
        var lines = [
            "rows: \(r.rowsRead) read = \(r.rowsUsed) used + \(r.rowsSetAsideTotal) set aside"
                + (rowDetail.isEmpty ? "" : " (\(rowDetail))"),
            "cost: \(Self.money(r.costRead)) read = \(Self.money(r.costUsed)) used + \(Self.money(r.costSetAsideTotal)) set aside"
                + (costDetail.isEmpty ? "" : " (\(costDetail))"),
        ]
        let c = result.configuration
        let window = result.window.map { "\($0.from)..\($0.to)" } ?? "no periods"
        lines.append(
            "saving: \(Self.money(result.totalSaving)) in \(result.opportunityCount) opportunities"
                + " (target \(c.target), level \(c.level.rawValue), \(window)); listed \(result.opportunities.count)"
                + " with \(Self.money(result.listedSaving))")
        return lines
    }
}
