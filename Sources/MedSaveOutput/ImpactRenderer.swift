import MedSaveAnalysis
import MedSaveModel

/// Renders a price-change impact in every output format. JSON: `schema_version` 1, `command` "impact",
/// `rows`, `total`, `unpriced` and `summary` (README documents it).
public struct ImpactRenderer {
    public let result: ImpactResult
    /// How the two lists are named in headings: the paths as given.
    public let fromLabel: String, toLabel: String

    public init(_ result: ImpactResult, from: String, to: String) {
        self.result = result
        fromLabel = from
        toLabel = to
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .csv: rowsTable().csv()
        case .excelCSV: rowsTable().excelCSV()
        case .json: json()
        case .html: html()
        case .table: table()
        }
    }

    private var keyColumn: String { result.configuration.by.rawValue.replacingOccurrences(of: "-", with: "_") }

    /// What the figures are: one month, a monthly average over a window, or a monthly series.
    public var basis: String {
        guard let first = result.months.first, let last = result.months.last else { return "no months in the window" }
        if result.configuration.by == .period { return "per month, \(first)..\(last)" }
        if result.months.count == 1 { return "volumes of \(first)" }
        return "monthly average over \(result.months.count) months, \(first)..\(last)"
    }

    static func percent(_ row: ImpactRow) -> TabularValue {
        row.costBefore == 0 ? .empty : .number(100 * row.change / row.costBefore, decimals: 1)
    }

    /// Rows by product or substance carry a name; the other breakdowns are named by their key.
    private var hasNames: Bool { result.configuration.by == .product || result.configuration.by == .atc5 }

    func values(_ row: ImpactRow) -> [TabularValue] {
        [.text(row.key)] + (hasNames ? [.text(row.name)] : [])
            + [
                .number(row.quantity, decimals: 0), .money(row.costBefore), .money(row.costAfter), .money(row.change),
                Self.percent(row), .integer(row.products),
            ] + (result.followsPV ? [.money(row.changeNoSwitch)] : [])
    }

    /// With volume following the PV, `cost_after` and `change` follow it and `change_no_switch` is the change
    /// if no one switched.
    func rowsTable() -> Tabular {
        Tabular(
            columns: [keyColumn] + (hasNames ? ["name"] : [])
                + ["quantity", "cost_before", "cost_after", "change", "change_percent", "products"]
                + (result.followsPV ? ["change_no_switch"] : []),
            codeColumns: [keyColumn], rows: result.rows.map(values))
    }

    func unpricedTable() -> Tabular {
        Tabular(
            columns: ["product", "name", "missing_from", "periods", "rows", "quantity", "cost"],
            codeColumns: ["product"],
            rows: result.unpriced.map { u in
                [
                    .text(u.product), .text(u.name),
                    .text(u.missing == .from ? fromLabel : u.missing == .to ? toLabel : "both"),
                    .text(u.periods.map(\.description).joined(separator: " ")), .integer(u.rows),
                    .text(NumberFormat.exact(u.quantity)), .money(u.cost),
                ]
            })
    }

    public func unpricedCSV() -> String { unpricedTable().csv() }

    func table() -> String {
        var out =
            "Price change \(fromLabel) → \(toLabel), \(basis)"
            + (result.configuration.discount > 0
                ? ", less a discount of \(NumberFormat.fixed(100 * result.configuration.discount, decimals: 2))%" : "")
            + "\n\n"
        var rows = rowsTable()
        rows.rows.append(values(result.total))
        out += rows.table(
            headers: [keyColumn] + (hasNames ? ["name"] : []) + [
                "quantity", "before", "after", "change", "%", "products",
            ] + (result.followsPV ? ["if no one switches"] : []))
        if !result.unpriced.isEmpty {
            out += "\nProducts without a price in both lists (set aside, not priced):\n"
            out += unpricedTable().table()
        }
        return out
    }

    func html() -> String {
        var page = HTMLPage(title: "Price change \(fromLabel) → \(toLabel)")
        page.paragraph(
            "Figures: \(basis). "
                + (result.followsPV
                    ? "Volume follows the new PV: each unit keeps its premium over the PV, so a cell costs quantity × "
                        + "price in \(fromLabel) × PV in \(toLabel) ÷ PV in \(fromLabel); the last column is the change "
                        + "if no one switched, Σ quantity × (price in \(toLabel) − price in \(fromLabel))."
                    : "Change = Σ quantity × (price in \(toLabel) − price in \(fromLabel))."),
            cssClass: "note")
        var rows = rowsTable()
        rows.rows.append(values(result.total))
        rows.html(into: &page)
        if !result.unpriced.isEmpty {
            page.heading("Products without a price in both lists")
            unpricedTable().html(into: &page)
        }
        page.heading("Summary")
        for line in summaryLines() { page.paragraph(line, cssClass: "note") }
        return page.document
    }

    func json() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("schema_version", .int(1))
        w.field("command", .string("impact"))
        w.field("from", .string(fromLabel))
        w.field("to", .string(toLabel))
        w.field("by", .string(result.configuration.by.rawValue))
        w.field(
            "basis",
            .string(result.configuration.by == .period ? "month" : result.isAverage ? "monthly_average" : "month"))
        w.beginArray("months")
        for m in result.months { w.element(.string(m.description)) }
        w.endArray()
        w.field("discount", .number(NumberFormat.fixed(result.configuration.discount, decimals: 6)))
        w.field("volume", .string(result.followsPV ? "follows_pv" : "fixed"))
        rowsTable().json("rows", into: &w)
        w.beginObject("total")
        for (name, value) in zip(rowsTable().columns.dropFirst(), values(result.total).dropFirst()) {
            w.field(name, value.json)
        }
        w.endObject()
        unpricedTable().json("unpriced", into: &w)
        w.beginObject("summary")
        result.reconciliation.writeJSONFields(into: &w)
        w.endObject()
        w.endObject()
        return w.text
    }

    public func summaryLines() -> [String] {
        var lines = result.reconciliation.summaryLines()
        let t = result.total
        lines.append(
            "impact: \(NumberFormat.fixed(t.change, decimals: Precision.money)) (\(basis)): "
                + "\(NumberFormat.fixed(t.costBefore, decimals: Precision.money)) at \(fromLabel) → "
                + "\(NumberFormat.fixed(t.costAfter, decimals: Precision.money)) at \(toLabel), \(t.products) products"
                + (result.followsPV ? ", volume following the new PV" : ""))
        if result.followsPV {
            lines.append(
                "impact if no one switched: \(NumberFormat.fixed(t.changeNoSwitch, decimals: Precision.money)) "
                    + "(every product's volume kept, priced at \(toLabel))"
                    + (result.notFollowedCells > 0
                        ? "; \(result.notFollowedCells) cells of classes without a PV in a list priced that way too"
                        : ""))
        }
        if !result.unpriced.isEmpty {
            let cost = result.unpriced.reduce(FixedDecimal.zero) { $0 + $1.cost }
            lines.append(
                "unpriced: \(result.unpriced.count) products lack a price in one or both lists "
                    + "(cost \(NumberFormat.fixed(cost, decimals: Precision.money)) set aside); list them with --unpriced FILE"
            )
        }
        return lines
    }
}
