import Foundation
import MedSaveAnalysis
import MedSaveModel

/// Renders an `Explanation` as text (a table per month, and for percentile targets a quantile table of the
/// organisations' prices per unit), JSON, or HTML with a dot chart of those prices per month.
public struct ExplainRenderer {
    public let explanation: Explanation
    public var currency: String

    public init(_ explanation: Explanation, currency: String = "SEK") {
        self.explanation = explanation
        self.currency = currency
    }

    public static let schemaVersion = 1

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: json()
        case .html: html()
        case .table, .csv, .excelCSV: text()
        }
    }

    private var o: Opportunity { explanation.opportunity }
    private static func money(_ x: Double) -> String { NumberFormat.fixed(x, decimals: Precision.money) }
    private static func money(_ x: FixedDecimal) -> String { NumberFormat.fixed(x, decimals: Precision.money) }
    private static func ppu(_ x: Double?) -> String {
        x.map { NumberFormat.fixed($0, decimals: Precision.pricePerUnit) } ?? "–"
    }

    /// The lines above the months: what the opportunity is, its saving, the advice, the flags and the rules.
    var headline: [String] {
        var lines = [
            "opportunity \(o.id): \(o.key), class \(o.equivalenceClass)"
                + (o.classDescription.isEmpty ? "" : " (\(o.classDescription))") + ", \(o.periodFrom)..\(o.periodTo)",
            "target \(explanation.target); saving \(Self.money(o.saving)) \(currency) on cost \(Self.money(o.cost)),"
                + " quantity \(NumberFormat.exact(o.quantity)), ppu \(Self.ppu(o.ppu)) against \(Self.ppu(o.targetPPU))",
        ]
        if let s = o.suggested {
            lines.append("switch to \(s.code) \(s.name) at \(Self.ppu(s.unitPrice)) (\(s.period) list)")
        }
        if !o.flags.isEmpty { lines.append("flags: " + o.flags.joined(separator: ", ")) }
        for f in o.safety { lines.append("rule: \(f.action.rawValue): \(f.reason) (\(f.source))") }
        if let r = o.review {
            lines.append(
                "review: \(r.decision.rawValue) by \(r.reviewer) at \(r.decidedAt)"
                    + (r.note.isEmpty ? "" : ": \(r.note)"))
        }
        return lines
    }

    private static let productHeader = [
        "product", "name", "status", "list ppu", "quantity", "of which do-not-substitute", "cost", "ppu",
        "cost − quantity × target",
    ]

    private func productRows(_ m: Explanation.Month) -> [[String]] {
        m.products.map { p in
            [
                p.code, p.name, p.status.map { $0 == .none ? "–" : $0.rawValue } ?? "–", Self.ppu(p.listPrice),
                NumberFormat.exact(p.quantity), NumberFormat.exact(p.blockedQuantity), Self.money(p.cost),
                Self.ppu(p.ppu),
                p.excess.map(Self.money) ?? "no target",
            ]
        }
    }

    private static func quantileRows(_ d: Explanation.PeerDistribution) -> [[String]] {
        var rows = d.quantiles.map { [$0.p == 50 ? "median" : "p\(Int($0.p))", ppu($0.value)] }
        if let own = d.own {
            let below = d.organisations.prefix(own).count
            rows.append([
                "this one (\(d.organisations[own].key))",
                ppu(d.organisations[own].ppu) + " — \(below) of \(d.organisations.count) organisations pay less",
            ])
        }
        return rows
    }

    private func monthTitle(_ m: Explanation.Month) -> String {
        "\(m.period): target "
            + (m.target.map {
                Self.ppu($0) + (m.targetProduct.map { " (\($0.product) \($0.name), \($0.status.rawValue))" } ?? "")
            } ?? "none (rows set aside as no_target)") + ", saving \(Self.money(m.saving)) \(currency)"
    }

    // MARK: Text

    public func text() -> String {
        var out = headline.joined(separator: "\n") + "\n"
        for m in explanation.months {
            out += "\n" + monthTitle(m) + "\n"
            out += PlainTable.render(header: Self.productHeader, rows: productRows(m), numeric: [3, 4, 5, 6, 7, 8])
            if let d = m.peers {
                out += "price per unit across \(d.organisations.count) organisations:\n"
                out += PlainTable.render(header: ["quantile", "ppu"], rows: Self.quantileRows(d), numeric: [])
            }
        }
        out += "\nsaving over the months: \(Self.money(explanation.saving)) \(currency)\n"
        return DisplayText.neutralised(out)
    }

    // MARK: JSON

    public func json() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("schema_version", .int(Self.schemaVersion))
        w.field("command", .string("explain"))
        w.field("currency", .string(currency))
        w.field("id", .string(o.id))
        w.field("key", .string(o.key))
        w.field("class", .string(o.equivalenceClass.description))
        w.field("class_description", .string(o.classDescription))
        w.field("target", .string(explanation.target.description))
        w.field("period_from", .string(o.periodFrom.description))
        w.field("period_to", .string(o.periodTo.description))
        w.field("saving", .number(Self.money(o.saving)))
        w.beginArray("flags")
        for f in o.flags { w.element(.string(f)) }
        w.endArray()
        w.beginArray("safety")
        for f in o.safety {
            w.beginObject()
            w.field("action", .string(f.action.rawValue))
            w.field("reason", .string(f.reason))
            w.field("source", .string(f.source))
            w.endObject()
        }
        w.endArray()
        w.beginArray("months")
        for m in explanation.months {
            w.beginObject()
            w.field("period", .string(m.period.description))
            w.field("target_ppu", m.target.map { .number(Self.ppu($0)) } ?? .null)
            w.field("target_product", m.targetProduct.map { .string($0.product) } ?? .null)
            w.field("saving", .number(Self.money(m.saving)))
            w.beginArray("products")
            for p in m.products {
                w.beginObject()
                w.field("code", .string(p.code))
                w.field("name", .string(p.name))
                w.field("status", p.status.map { .string($0.rawValue) } ?? .null)
                w.field("list_ppu", p.listPrice.map { .number(Self.ppu($0)) } ?? .null)
                w.field("quantity", .number(NumberFormat.exact(p.quantity)))
                w.field("blocked_quantity", .number(NumberFormat.exact(p.blockedQuantity)))
                w.field("cost", .number(Self.money(p.cost)))
                w.field("ppu", p.ppu.map { .number(Self.ppu($0)) } ?? .null)
                w.field("excess", p.excess.map { .number(Self.money($0)) } ?? .null)
                w.endObject()
            }
            w.endArray()
            if let d = m.peers {
                w.beginObject("peers")
                w.field("organisations", .int(d.organisations.count))
                w.field("own_position", d.own.map { .int($0 + 1) } ?? .null)
                w.beginArray("quantiles")
                for q in d.quantiles {
                    w.beginObject()
                    w.field("p", .number(NumberFormat.fixed(q.p, decimals: 0)))
                    w.field("ppu", .number(Self.ppu(q.value)))
                    w.endObject()
                }
                w.endArray()
                w.beginArray("ppus")
                for p in d.organisations {
                    w.beginObject()
                    w.field("key", .string(p.key))
                    w.field("ppu", .number(Self.ppu(p.ppu)))
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            } else {
                w.field("peers", .null)
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    // MARK: HTML

    public func html() -> String {
        var page = HTMLPage(title: "Opportunity \(o.id): \(o.key), \(o.equivalenceClass)")
        for line in headline { page.paragraph(line, cssClass: "note") }
        for m in explanation.months {
            page.beginSection(pageBreak: false)
            page.heading(monthTitle(m))
            page.table(header: Self.productHeader, rows: productRows(m), numeric: [3, 4, 5, 6, 7, 8])
            if let d = m.peers {
                page.figure(
                    svg: SVGChart.peers(
                        d.organisations, own: d.own, target: m.target,
                        title:
                            "Price per unit of \(d.organisations.count) organisations, \(o.equivalenceClass), \(m.period)"
                    ),
                    caption: "Each dot is an organisation's price per unit in \(m.period) (area by quantity); "
                        + (d.own != nil ? "this one is marked; " : "")
                        + "the dashed line is the \(explanation.target) target.")
                page.table(header: ["quantile", "ppu"], rows: Self.quantileRows(d), numeric: [])
            }
            page.endSection()
        }
        page.paragraph("Saving over the months: \(Self.money(explanation.saving)) \(currency).")
        return page.document
    }
}
