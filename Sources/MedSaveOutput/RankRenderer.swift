import Foundation
import MedSaveAnalysis
import MedSaveModel

/// Renders a `RankResult` as table, CSV or JSON. The JSON schema (version 1) is documented in README.md.
public struct RankRenderer {
    public let result: RankResult
    /// List the opportunities safety rules excluded (after the ranked ones; JSON always has them).
    public var showExcluded = false
    /// CSV and table: the saving blocked by "do not substitute" flags, per unit and prescriber (JSON always has it).
    public var showBlocked = false
    /// The currency of every amount (ISO 4217: SEK, GBP), named in the summary, JSON and HTML.
    public var currency: String

    public init(_ result: RankResult, showExcluded: Bool = false, showBlocked: Bool = false, currency: String = "SEK") {
        self.result = result
        self.showExcluded = showExcluded
        self.showBlocked = showBlocked
        self.currency = currency
    }

    public static let schemaVersion = 1

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: table()
        case .csv: csv()
        case .json: json()
        case .excelCSV: excelCSV()
        case .html: html()
        }
    }

    /// CSV for Excel with Swedish settings; codes (ids, units, products) stay text.
    public func excelCSV() -> String {
        if showBlocked {
            return ExcelCSV.render(
                header: Self.blockedHeader,
                rows: result.blocked.map { b in
                    [
                        b.unit, b.prescriber ?? "", b.equivalenceClass.description,
                        NumberFormat.exact(b.quantity, decimalMark: ","),
                        NumberFormat.fixed(b.cost, decimals: Precision.money, decimalMark: ","),
                        NumberFormat.fixed(b.saving, decimals: Precision.money, decimalMark: ","),
                    ]
                },
                textColumns: ["unit", "prescriber", "class"])
        }
        return ExcelCSV.render(
            header: csvHeader, rows: csvRows(decimalMark: ","),
            textColumns: ["id", "key", "class", "products", "suggested_code"])
    }

    /// One page: the summary, then one section per key (care unit or prescriber) with a page break before
    /// each, then the excluded opportunities and the blocked savings.
    public func html() -> String {
        let c = result.configuration
        var page = HTMLPage(title: "Savings opportunities: target \(c.target), level \(c.level.shownName)")
        for line in summaryLines() { page.paragraph(line, cssClass: "note") }
        // At levels that sum units, the units (how many, those saving most) take the products' place.
        let header =
            ["#", "id", "class"] + (sumsUnits ? ["units", "units saving most"] : ["products"]) + [
                "suggested", "quantity", "cost (\(currency))", "ppu", "target", "saving (\(currency))", "latest month",
                "blocked", "flags", "safety", "review",
            ]
        func cells(_ o: Opportunity, rank: String) -> [String] {
            let described: String =
                o.equivalenceClass.description + (o.classDescription.isEmpty ? "" : " · " + o.classDescription)
                + (byPeriod ? " (\(o.periodFrom))" : "")
            let suggested: String =
                o.suggested.map { Self.label($0.code, $0.name) + " at " + Self.ppu($0.unitPrice) } ?? ""
            let figures: [String] = [
                NumberFormat.exact(o.quantity), Self.money(o.cost), Self.ppu(o.ppu), Self.ppu(o.targetPPU),
                Self.money(o.saving), Self.money(o.latestSaving), Self.money(o.blockedSaving),
            ]
            let products: [String] =
                sumsUnits
                ? [o.units.map(String.init) ?? "", Self.topUnits(o)]
                : [o.products.map { Self.label($0.code, $0.name) }.joined(separator: "; ")]
            let safety: String = o.safety.map { "\($0.action.rawValue): \($0.reason) (\($0.source))" }.joined(
                separator: "; ")
            let review: String =
                o.review.map { "\($0.decision.rawValue) by \($0.reviewer)" + ($0.note.isEmpty ? "" : ": \($0.note)") }
                ?? ""
            return [rank, o.id, described] + products + [suggested] + figures
                + [o.flags.joined(separator: ", "), safety, review]
        }
        let numeric: Set<Int> = Set((sumsUnits ? [0, 3, 6, 7, 8, 9, 10, 11, 12] : [0, 5, 6, 7, 8, 9, 10, 11]))
        var keys: [String] = []
        var byKey: [String: [Opportunity]] = [:]
        for o in result.opportunities {
            if byKey[o.key] == nil { keys.append(o.key) }
            byKey[o.key, default: []].append(o)
        }
        let noun =
            switch c.level {
            case .unit: "Care unit"
            case .prescriber: "Prescriber"
            case .area: "Care area"
            case .region: "Region"
            case .all: "All units"
            }
        for (i, key) in keys.enumerated() {
            page.beginSection(pageBreak: i > 0)
            page.heading(c.level == .all ? noun : "\(noun) \(key)")
            page.table(header: header, rows: byKey[key]!.map { cells($0, rank: String($0.rank)) }, numeric: numeric)
            page.endSection()
        }
        if keys.isEmpty { page.paragraph("No opportunities.") }
        if !result.excluded.isEmpty {
            page.beginSection(pageBreak: true)
            page.heading("Excluded by safety rules (not ranked)")
            page.table(
                header: ["key"] + header, rows: result.excluded.map { [$0.key] + cells($0, rank: "") },
                numeric: Set(numeric.map { $0 + 1 }))
            page.endSection()
        }
        if !result.blocked.isEmpty {
            page.beginSection(pageBreak: true)
            page.heading("Saving blocked by prescribers' do-not-substitute flags")
            page.table(
                header: ["unit", "prescriber", "class", "quantity", "cost", "blocked saving"],
                rows: result.blocked.map {
                    [
                        $0.unit, $0.prescriber ?? "", $0.equivalenceClass.description, NumberFormat.exact($0.quantity),
                        Self.money($0.cost), Self.money($0.saving),
                    ]
                }, numeric: [3, 4, 5])
            page.endSection()
        }
        return page.document
    }

    private var byPeriod: Bool { result.configuration.byPeriod }

    private static func money(_ x: Double) -> String { NumberFormat.fixed(x, decimals: Precision.money) }
    private static func money(_ x: FixedDecimal) -> String { NumberFormat.fixed(x, decimals: Precision.money) }
    private static func ppu(_ x: Double?) -> String {
        x.map { NumberFormat.fixed($0, decimals: Precision.pricePerUnit) } ?? ""
    }

    // MARK: CSV

    public var csvHeader: [String] {
        ["rank", "id", "status", "key", "class", "class_description"]
            + (byPeriod ? ["period"] : ["period_from", "period_to"]) + [
                "products", "product_names", "suggested_code", "suggested_name", "suggested_unit_price", "quantity",
                "cost",
                "ppu", "target_ppu", "saving", "latest_month_saving", "blocked_saving", "patients", "prescribers",
            ] + (sumsUnits ? ["units", "top_units"] : []) + ["flags", "safety", "decision"]
    }

    /// True at the levels whose rows sum care units (area, region, class), which list the units saving most.
    private var sumsUnits: Bool { result.configuration.level.sumsUnits }

    /// `U1 123.45; U2 67.00`: the units saving most, with their savings.
    static func topUnits(_ o: Opportunity, decimalMark: Character = ".", separator: String = "; ") -> String {
        o.topUnits.map {
            "\($0.key) \(NumberFormat.fixed($0.saving, decimals: Precision.money, decimalMark: decimalMark))"
        }.joined(separator: separator)
    }

    /// The blocked total as the listed rows add up: each rounded to the öre/penny as shown, then summed in
    /// whole öre, so that the summary and the rows agree exactly.
    public var blockedShown: Double {
        Double(result.blockedList.shownCents) / 100
    }

    public static let blockedHeader = ["unit", "prescriber", "class", "quantity", "cost", "blocked_saving"]

    public func csv() -> String {
        if showBlocked {
            return CSVField.line(Self.blockedHeader)
                + result.blocked.map { b in
                    CSVField.line([
                        b.unit, b.prescriber ?? "", b.equivalenceClass.description, NumberFormat.exact(b.quantity),
                        Self.money(b.cost), Self.money(b.saving),
                    ])
                }.joined()
        }
        return csvLines(csvHeader, decimalMark: ".")
    }

    /// The opportunity lines (and, with `showExcluded`, the excluded ones) with the given decimal mark.
    func csvRows(decimalMark: Character) -> [[String]] {
        func money(_ x: Double) -> String { NumberFormat.fixed(x, decimals: Precision.money, decimalMark: decimalMark) }
        func moneyFixed(_ x: FixedDecimal) -> String {
            NumberFormat.fixed(x, decimals: Precision.money, decimalMark: decimalMark)
        }
        func ppu(_ x: Double?) -> String {
            x.map { NumberFormat.fixed($0, decimals: Precision.pricePerUnit, decimalMark: decimalMark) } ?? ""
        }
        let listed =
            result.opportunities.map { ($0, "ranked") } + (showExcluded ? result.excluded.map { ($0, "excluded") } : [])
        return listed.map { o, status in
            let periods = byPeriod ? [o.periodFrom.description] : [o.periodFrom.description, o.periodTo.description]
            return [
                status == "ranked" ? String(o.rank) : "", o.id, status, o.key, o.equivalenceClass.description,
                o.classDescription,
            ]
                + periods + [
                    o.products.map(\.code).joined(separator: "|"), o.products.map(\.name).joined(separator: "|"),
                    o.suggested?.code ?? "", o.suggested?.name ?? "", o.suggested.map { ppu($0.unitPrice) } ?? "",
                    NumberFormat.exact(o.quantity, decimalMark: decimalMark), moneyFixed(o.cost), ppu(o.ppu),
                    ppu(o.targetPPU),
                    money(o.saving), money(o.latestSaving), money(o.blockedSaving), o.patients.map(String.init) ?? "",
                    o.prescribers.map(String.init) ?? "",
                ]
                + (sumsUnits
                    ? [o.units.map(String.init) ?? "", Self.topUnits(o, decimalMark: decimalMark, separator: "|")]
                    : []) + [
                    o.flags.joined(separator: "|"),
                    o.safety.map { "\($0.action.rawValue): \($0.reason)" }.joined(separator: "|"),
                    o.review?.decision.rawValue ?? "",
                ]
        }
    }

    private func csvLines(_ header: [String], decimalMark: Character) -> String {
        CSVField.line(header) + csvRows(decimalMark: decimalMark).map { CSVField.line($0) }.joined()
    }

    // MARK: JSON

    public func json() -> String {
        var w = JSONWriter()
        let c = result.configuration
        w.beginObject()
        w.field("schema_version", .int(Self.schemaVersion))
        w.field("currency", .string(currency))
        w.field("target", .string(c.target.description))
        w.field("level", .string(c.level.rawValue))
        w.field("by_period", .bool(c.byPeriod))
        w.field("period_from", result.window.map { .string($0.from.description) } ?? .null)
        w.field("period_to", result.window.map { .string($0.to.description) } ?? .null)
        w.field("min_saving", .number(Self.money(c.minSaving)))
        w.field("top", c.top.map { .int($0) } ?? .null)
        w.field("advice_month", result.adviceMonth.map { .string($0.description) } ?? .null)
        writeSummary(&w)
        w.beginArray("opportunities")
        for o in result.opportunities { writeOpportunity(o, ranked: true, &w) }
        w.endArray()
        w.beginArray("excluded")
        for o in result.excluded { writeOpportunity(o, ranked: false, &w) }
        w.endArray()
        w.beginArray("blocked")
        for b in result.blocked {
            w.beginObject()
            w.field("unit", .string(b.unit))
            w.field("prescriber", b.prescriber.map { .string($0) } ?? .null)
            w.field("class", .string(b.equivalenceClass.description))
            w.field("quantity", .number(NumberFormat.exact(b.quantity)))
            w.field("cost", .number(Self.money(b.cost)))
            w.field("blocked_saving", .number(Self.money(b.saving)))
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    private func writeOpportunity(_ o: Opportunity, ranked: Bool, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("rank", ranked ? .int(o.rank) : .null)
        w.field("id", .string(o.id))
        w.field("key", .string(o.key))
        w.field("class", .string(o.equivalenceClass.description))
        w.field("class_description", .string(o.classDescription))
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
        w.field("latest_month_saving", .number(Self.money(o.latestSaving)))
        w.field("blocked_saving", .number(Self.money(o.blockedSaving)))
        w.field("patients", o.patients.map { .int($0) } ?? .null)
        w.field("prescribers", o.prescribers.map { .int($0) } ?? .null)
        if sumsUnits {
            w.field("units", o.units.map { .int($0) } ?? .null)
            w.beginArray("top_units")
            for u in o.topUnits {
                w.beginObject()
                w.field("unit", .string(u.key))
                w.field("saving", .number(Self.money(u.saving)))
                w.endObject()
            }
            w.endArray()
        }
        w.beginArray("flags")
        for f in o.flags { w.element(.string(f)) }
        w.endArray()
        if let r = o.review {
            w.beginObject("review")
            w.field("decision", .string(r.decision.rawValue))
            w.field("reviewer", .string(r.reviewer))
            w.field("note", .string(r.note))
            w.field("decided_at", .string(r.decidedAt))
            w.endObject()
        } else {
            w.field("review", .null)
        }
        w.beginArray("safety")
        for f in o.safety {
            w.beginObject()
            w.field("action", .string(f.action.rawValue))
            w.field("reason", .string(f.reason))
            w.field("source", .string(f.source))
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    private func writeSummary(_ w: inout JSONWriter) {
        w.beginObject("summary")
        result.reconciliation.writeJSONFields(into: &w)
        w.field("opportunities", .int(result.opportunityCount))
        w.field("opportunities_listed", .int(result.opportunities.count))
        w.field("total_saving", .number(Self.money(result.totalSaving)))
        w.field("listed_saving", .number(Self.money(result.listedSaving)))
        w.field("hidden_decided", .int(result.hiddenDecided))
        w.field("excluded", .int(result.excluded.count))
        w.field("excluded_saving", .number(Self.money(result.excludedSaving)))
        w.field("blocked_saving", .number(Self.money(blockedShown)))
        if let g = result.safetyCoverage {
            w.beginObject("safety_unchecked")
            w.field("atc_rules", .int(g.atcRules))
            w.field("products_without_atc", .int(g.productsWithoutATC))
            w.field("cost_without_atc", .number(Self.money(g.costWithoutATC)))
            w.field("substance_rules", .int(g.substanceRules))
            w.field("products_without_substance", .int(g.productsWithoutSubstance))
            w.field("cost_without_substance", .number(Self.money(g.costWithoutSubstance)))
            w.endObject()
        } else {
            w.field("safety_unchecked", .null)
        }
        w.endObject()
    }

    // MARK: Table

    public func table() -> String {
        // At levels that sum units, the units (how many, and those saving most) take the products' place.
        let productsHeader = sumsUnits ? "units: saving most" : "products"
        let header = [
            "#", "id", "key", "class", "description", byPeriod ? "period" : productsHeader,
            byPeriod ? productsHeader : "suggested",
            byPeriod ? "suggested" : "", "quantity", "cost", "ppu", "target", "saving", "latest", "flags",
        ]
        var rows: [[String]] = []
        for o in result.opportunities {
            let products =
                sumsUnits
                ? Self.short("\(o.units ?? 0): " + Self.topUnits(o), 40)
                : (o.products.first.map { Self.short(Self.label($0.code, $0.name), 30) } ?? "")
                    + (o.products.count > 1 ? " +\(o.products.count - 1)" : "")
            let suggested = o.suggested.map { Self.short(Self.label($0.code, $0.name), 30) } ?? "–"
            rows.append(
                [String(o.rank), o.id, o.key, o.equivalenceClass.description, Self.short(o.classDescription, 36)]
                    + (byPeriod ? [o.periodFrom.description, products, suggested] : [products, suggested, ""])
                    + [
                        NumberFormat.fixed(o.quantity, decimals: 0), Self.money(o.cost), Self.ppu(o.ppu),
                        Self.ppu(o.targetPPU), Self.money(o.saving), Self.money(o.latestSaving),
                        (o.flags + (o.review.map { ["decision:\($0.decision.rawValue)"] } ?? [])).joined(
                            separator: ","),
                    ])
        }
        let keep = header.indices.filter { !header[$0].isEmpty }
        let numeric: Set<Int> = [0, 8, 9, 10, 11, 12, 13]
        var widths = keep.map { header[$0].count }
        for row in rows { for (k, i) in keep.enumerated() { widths[k] = max(widths[k], row[i].count) } }
        func line(_ cells: [String]) -> String {
            keep.enumerated().map { k, i in
                let pad = String(repeating: " ", count: widths[k] - cells[i].count)
                return numeric.contains(i) ? pad + cells[i] : cells[i] + pad
            }.joined(separator: "  ").replacingOccurrences(of: " +$", with: "", options: .regularExpression) + "\n"
        }
        var out = line(header)
        out += line(
            header.indices.map { i in
                keep.firstIndex(of: i).map { String(repeating: "─", count: widths[$0]) } ?? ""
            })
        for row in rows { out += line(row) }
        if rows.isEmpty {
            out += "(no opportunities" + (result.opportunityCount > 0 ? " above the threshold)\n" : ")\n")
        }
        if showExcluded && !result.excluded.isEmpty {
            out += "\nExcluded by safety rules (not ranked):\n"
            for o in result.excluded {
                let reasons = o.safety.filter { $0.action == .exclude }.map(\.reason).joined(separator: "; ")
                out += "\(o.id)  \(o.key)  \(o.equivalenceClass)  saving \(Self.money(o.saving))  \(reasons)\n"
            }
        }
        if showBlocked && !result.blocked.isEmpty {
            out += "\nSaving blocked by prescribers' do-not-substitute flags:\n"
            for b in result.blocked {
                out +=
                    "\(b.unit)  prescriber \(b.prescriber ?? "–")  \(b.equivalenceClass)  cost \(Self.money(b.cost))  blocked saving \(Self.money(b.saving))\n"
            }
        }
        return DisplayText.neutralised(out)  // what reaches a terminal carries no control sequence
    }

    /// `code name`, or the code alone when the name is unknown.
    private static func label(_ code: String, _ name: String) -> String { name.isEmpty ? code : "\(code) \(name)" }

    static func short(_ s: String, _ n: Int) -> String {
        s.count <= n ? s : String(s.prefix(n - 1)) + "…"
    }

    // MARK: Summary

    /// What the rules could not be checked on, so that "no opportunity excluded" never stands alone when rules
    /// lacked the fields they match.
    public static func coverageLines(_ coverage: SafetyCoverage?) -> [String] {
        guard let g = coverage else { return [] }
        var lines: [String] = []
        func money(_ x: FixedDecimal) -> String { NumberFormat.fixed(x, decimals: Precision.money) }
        if g.atcRules > 0 && g.productsWithoutATC > 0 {
            lines.append(
                "safety: the \(g.atcRules) ATC rules could not be checked on \(g.productsWithoutATC) products"
                    + " (cost \(money(g.costWithoutATC))) that have no ATC code"
                    + (g.substanceRules > 0 ? " (the substance rules were)" : "")
                    + "; give TLV's price list as well (--catalog tlv-prices:FILE) for their ATC codes")
        }
        if g.substanceRules > 0 && g.productsWithoutSubstance > 0 {
            lines.append(
                "safety: the \(g.substanceRules) substance rules could not be checked on \(g.productsWithoutSubstance)"
                    + " products (cost \(money(g.costWithoutSubstance))) that have no substance")
        }
        return lines
    }

    /// The reconciliation and totals as lines for a person (stderr for table and CSV output).
    public func summaryLines() -> [String] {
        var lines = result.reconciliation.summaryLines()
        let c = result.configuration
        let window = result.window.map { "\($0.from)..\($0.to)" } ?? "no periods"
        lines.append(
            "saving: \(Self.money(result.totalSaving)) \(currency) in \(result.opportunityCount) opportunities"
                + " (target \(c.target), level \(c.level.shownName), \(window)); listed \(result.opportunities.count)"
                + " with \(Self.money(result.listedSaving))"
                + (c.minSaving > 0
                    ? " (rows saving at least \(Self.money(c.minSaving)); --min-saving 0 lists all)" : ""))
        if result.window == nil, let covered = result.dataMonths, c.periods.from != nil || c.periods.to != nil {
            let asked = "\(c.periods.from?.description ?? "")..\(c.periods.to?.description ?? "")"
            lines.append(
                "period: no row falls in --period \(asked); the data covers \(covered.from)..\(covered.to)")
        }
        if let lost = result.lostLeadingZeros {
            lines.append(
                "products: \(lost.codes) unknown product codes are in the catalogue with leading zeros"
                    + " (\(lost.example.read) is \(lost.example.catalogue)): the file has probably been through a"
                    + " spreadsheet, which reads codes as numbers; export them as text")
        }
        if let matching = result.matchingFilters {
            lines.append(
                "filter: \(matching) of \(result.opportunityCount) opportunities match --class/--unit/--id; totals count all"
            )
        }
        if let month = result.adviceMonth {
            lines.append("advice: the suggested products are those of the \(month) list (--as-of chooses another)")
        }
        if result.hiddenDecided > 0 {
            lines.append("review: \(result.hiddenDecided) accepted or rejected opportunities hidden (--hide-decided)")
        }
        if !result.excluded.isEmpty {
            lines.append(
                "safety: \(result.excluded.count) opportunities excluded by rules, saving \(Self.money(result.excludedSaving))"
                    + " not counted (--show-excluded lists them)")
        } else if !c.rules.rules.isEmpty {
            lines.append("safety: \(c.rules.rules.count) rules applied, no opportunity excluded")
        }
        lines += Self.coverageLines(result.safetyCoverage)
        if blockedShown > 0 {
            lines.append(
                "blocked: \(Self.money(blockedShown)) of saving in rows marked do-not-substitute"
                    + (result.excluded.isEmpty ? "" : " (beyond what safety rules exclude)") + ", not counted"
                    + " (--show-blocked lists them by unit and prescriber)")
        }
        return lines
    }
}
