import MedSaveAnalysis
import MedSaveModel

/// One piece of a report, rendered alike as HTML and as Markdown.
enum ReportBlock {
    case heading(String)
    case paragraph(String)
    case note(String)
    /// Headline figures: a label and a value each.
    case figures([(label: String, value: String)])
    case table(header: [String], rows: [[String]], numeric: Set<Int>)
    /// A chart: SVG in HTML; in Markdown, the data it draws as a table.
    case chart(svg: String, caption: String, header: [String], rows: [[String]], numeric: Set<Int>)
    /// A new section, on a new page when printed.
    case section(String)
}

/// How a report writes money for its reader: `si` (default) groups digits with narrow spaces and a decimal
/// point (`1 234.56`), `sv` with a decimal comma (`1 234,56`), `en` with commas (`1,234.56`).
public enum ReportLocale: String, Sendable, CaseIterable {
    case si, sv, en

    public func money(_ x: Double) -> String {
        switch self {
        case .si: NumberFormat.grouped(x, decimals: Precision.money)
        case .sv: NumberFormat.grouped(x, decimals: Precision.money, separator: "\u{202F}", decimalMark: ",")
        case .en: NumberFormat.grouped(x, decimals: Precision.money, separator: ",")
        }
    }
}

/// Renders a `Report` as one self-contained HTML page (inline CSS and SVG, no scripts, no external
/// resources, printable) and as its Markdown twin. Both come from the same blocks, so they say the same.
public struct ReportRenderer {
    public let report: Report
    /// The run manifest, embedded without time or output hashes.
    public let runManifest: RunManifest

    /// The currency of every amount, named in the headline and headings.
    public var currency: String
    /// How numbers are written for the reader.
    public var locale: ReportLocale

    public init(_ report: Report, manifest: RunManifest, currency: String = "SEK", locale: ReportLocale = .si) {
        self.report = report
        runManifest = manifest
        self.currency = currency
        self.locale = locale
    }

    private var ranking: RankResult { report.ranking }
    private var estimate: EstimateResult? { report.estimate }

    public var title: String {
        switch report.audience {
        case .pharmacist: "Savings from lower-priced preparations: switches for pharmacists"
        case .budget: "Savings from lower-priced preparations: budget estimate"
        }
    }

    // MARK: Blocks

    func blocks() -> [ReportBlock] {
        var blocks: [ReportBlock] = [.paragraph(lede), .figures(headline)]
        switch report.audience {
        case .pharmacist:
            blocks +=
                opportunities(heading: "Switches to make first") + groupChart + pareto + safety + monthlyChart
                + estimateTable
        case .budget:
            blocks +=
                estimateTable + monthlyChart + groupChart + pareto
                + opportunities(heading: "Largest single opportunities")
                + safety
        }
        return blocks + assumptions + summary + manifest
    }

    /// Money as the reader's locale writes it.
    private func money(_ x: Double) -> String { locale.money(x) }
    private static func percent(_ x: Double) -> String { NumberFormat.fixed(100 * x, decimals: 1) + "%" }

    private var window: String { ranking.window.map { "\($0.from)..\($0.to)" } ?? "no periods" }

    private var lede: String {
        let c = ranking.configuration
        var text = "Dispensing \(window), target price rule \(c.target), saving per care unit, class and month as "
        text += "max(0, cost − quantity × target). "
        switch report.audience {
        case .pharmacist:
            text += "The switches are ranked by saving; each names the product to switch to, the flags and safety "
            text += "rules that apply, and its review status."
        case .budget:
            if let e = estimate {
                text +=
                    "The budget-year figure projects the volumes over \(e.configuration.budgetYear) at \(e.pricePeriod) "
                text += "prices, by scenario, with 95% bootstrap intervals."
            } else {
                text += "No budget-year figure: \(report.estimateUnavailable ?? "not computed")."
            }
        }
        return text
    }

    private var headline: [(label: String, value: String)] {
        var rows: [(label: String, value: String)] = [
            ("Saving found, \(window) (\(currency))", money(ranking.totalSaving)),
            ("Opportunities (unit × class)", String(ranking.opportunityCount)),
        ]
        let f = report.figures
        if !f.classSavings.isEmpty {
            let n = min(10, f.classSavings.count)
            rows.append(
                (
                    "Share of the saving in the top \(n) of \(f.classSavings.count) classes",
                    Self.percent(f.share(ofTop: n))
                ))
        }
        if let e = estimate {
            for (s, scenario) in e.scenarios.enumerated() {
                let label = "Budget year \(e.configuration.budgetYear), \(scenario) (\(currency))"
                if e.total.suppressed {
                    rows.append((label, "suppressed"))
                    continue
                }
                rows.append((label, money(e.total.saving[s]) + interval(e.total, s)))
            }
        }
        return rows
    }

    private func interval(_ row: EstimateRow, _ s: Int) -> String {
        guard let lower = row.lower, let upper = row.upper else { return "" }
        return " (95% " + money(lower[s]) + " – " + money(upper[s]) + ")"
    }

    private func opportunities(heading: String) -> [ReportBlock] {
        var blocks: [ReportBlock] = [.section(heading)]
        guard !ranking.opportunities.isEmpty else { return blocks + [.paragraph("No opportunities in the window.")] }
        blocks.append(
            .note(
                "The \(ranking.opportunities.count) largest of \(ranking.opportunityCount), "
                    + "saving \(money(ranking.listedSaving)) of \(money(ranking.totalSaving)). "
                    + "Review status from the review database; flags and safety rules as found."))
        func review(_ o: Opportunity) -> String {
            o.review.map { "\($0.decision.rawValue) by \($0.reviewer)" + ($0.note.isEmpty ? "" : ": \($0.note)") }
                ?? "not reviewed"
        }
        func flags(_ o: Opportunity) -> String {
            (o.flags + o.safety.map { "\($0.action.rawValue): \($0.reason)" }).joined(separator: "; ")
        }
        guard report.audience == .pharmacist else {
            let rows = ranking.opportunities.map { o -> [String] in
                [
                    String(o.rank), o.id, o.key, Self.classLabel(o.equivalenceClass, o.classDescription),
                    Self.dispensed(o.products), Self.switchTo(o.suggested), money(o.saving), flags(o), review(o),
                ]
            }
            blocks.append(
                .table(
                    header: [
                        "#", "id", "unit", "class", "dispensed", "switch to", "saving", "flags and safety", "review",
                    ],
                    rows: rows, numeric: [0, 6]))
            return blocks
        }
        // A pharmacist works class by class: first the classes that save most, then each listed class with its
        // units beneath.
        let f = report.figures
        blocks.append(.heading("Classes to work on first"))
        blocks.append(
            .table(
                header: ["#", "class", "switch to", "units", "saving (\(currency))", "units that save most"],
                rows: f.classSavings.prefix(15).enumerated().map { i, c in
                    let top = (f.topOrganisationsOfClass[c.equivalenceClass] ?? []).map {
                        "\($0.key) \(money($0.saving))"
                    }
                    return [
                        String(i + 1),
                        Self.classLabel(c.equivalenceClass, f.descriptionOfClass[c.equivalenceClass] ?? ""),
                        Self.switchTo(f.suggestedOfClass[c.equivalenceClass]),
                        String(f.organisationsOfClass[c.equivalenceClass] ?? 0), money(c.saving),
                        top.joined(separator: "; "),
                    ]
                }, numeric: [0, 3, 4]))
        let perClass = 5
        var order: [EquivalenceClass] = []
        var byClass: [EquivalenceClass: [Opportunity]] = [:]
        for o in ranking.opportunities {
            if byClass[o.equivalenceClass] == nil { order.append(o.equivalenceClass) }
            byClass[o.equivalenceClass, default: []].append(o)
        }
        let saving = { (c: EquivalenceClass) in byClass[c]!.reduce(0) { $0 + $1.saving } }
        order.sort { saving($0) != saving($1) ? saving($0) > saving($1) : $0 < $1 }
        for (i, c) in order.enumerated() {
            let units = byClass[c]!
            let first = units[0]
            blocks.append(
                .heading(
                    "\(i + 1). \(Self.classLabel(c, first.classDescription)): \(money(saving(c))) \(currency)"
                        + " in \(units.count) \(units.count == 1 ? "unit" : "units")"))
            blocks.append(
                .paragraph(
                    "Switch to \(Self.switchTo(first.suggested))."
                        + (units.count > perClass
                            ? " The \(perClass) units that save most; \"medsave rank --class \(c)\" lists all \(units.count)."
                            : "")))
            blocks.append(
                .table(
                    header: ["#", "id", "unit", "dispensed", "saving", "flags and safety", "review"],
                    rows: units.prefix(perClass).map {
                        [
                            String($0.rank), $0.id, $0.key, Self.dispensed($0.products), money($0.saving), flags($0),
                            review($0),
                        ]
                    }, numeric: [0, 4]))
        }
        return blocks
    }

    /// `111026/T23 · Hydroklortiazid 25 mg tablett, 98–100 st`, or the class alone without a description.
    static func classLabel(_ c: EquivalenceClass, _ description: String) -> String {
        description.isEmpty ? c.description : "\(c.description) · \(description)"
    }

    /// The suggested product with its price and list month.
    static func switchTo(_ s: SuggestedProduct?) -> String {
        s.map {
            "\($0.code) \($0.name) at \(NumberFormat.fixed($0.unitPrice, decimals: Precision.pricePerUnit)) (\($0.period) list)"
        } ?? "no current target product"
    }

    /// The first product dispensed, and how many more: the full list is in `medsave rank`'s output.
    static func dispensed(_ products: [ProductRef]) -> String {
        guard let first = products.first else { return "" }
        let label = first.name.isEmpty ? first.code : "\(first.code) \(first.name)"
        return products.count == 1 ? label : "\(label) and \(products.count - 1) more"
    }

    /// The scenario the charts draw: the largest uptake of the first target, the whole opportunity when given.
    private func chartScenario(_ e: EstimateResult) -> Int {
        let first = e.scenarios[0].target
        return e.scenarios.indices.filter { e.scenarios[$0].target == first }.max {
            e.scenarios[$0].uptake < e.scenarios[$1].uptake
        }!
    }

    private var groupChart: [ReportBlock] {
        var blocks: [ReportBlock] = [.section("Saving by \(report.groupTitle)")]
        let budget = report.audience == .budget ? estimate : nil
        let label = { (key: String) in report.groupNames[key].map { "\(key) \($0)" } ?? key }
        if let e = budget, e.configuration.by != .total {
            // The budget office sees the budget year's rows, with disclosure control applied.
            let k = chartScenario(e)
            let shown = e.rows.filter { !$0.suppressed }.sorted {
                $0.saving[k] != $1.saving[k] ? $0.saving[k] > $1.saving[k] : $0.key < $1.key
            }
            let items = shown.map { (label: label($0.key), value: $0.saving[k]) }
            let suppressed = e.rows.count - shown.count
            blocks.append(
                .chart(
                    svg: SVGChart.bars(
                        items, title: "Projected saving in \(e.configuration.budgetYear) by \(report.groupTitle)",
                        unit: "money"),
                    caption: "Projected saving in \(e.configuration.budgetYear), \(e.scenarios[k])"
                        + (suppressed > 0
                            ? "; \(suppressed) groups suppressed by disclosure control are not drawn." : "."),
                    header: [report.groupTitle, "saving"], rows: items.map { [$0.label, money($0.value)] },
                    numeric: [1]))
            return blocks
        }
        let groups = report.figures.groups
        let items = groups.map { (label: label($0.key), value: $0.saving) }
        blocks.append(
            .chart(
                svg: SVGChart.bars(items, title: "Saving found by \(report.groupTitle), \(window)", unit: "money"),
                caption: "Saving found \(window) by \(report.groupTitle), summed over care units, classes and months.",
                header: [report.groupTitle, "classes", "saving", "share"],
                rows: groups.map {
                    [
                        label($0.key), String($0.classes), money($0.saving),
                        Self.percent(report.figures.totalSaving > 0 ? $0.saving / report.figures.totalSaving : 0),
                    ]
                }, numeric: [1, 2, 3]))
        return blocks
    }

    private var pareto: [ReportBlock] {
        let f = report.figures
        guard !f.classSavings.isEmpty else { return [] }
        var cumulative: [Double] = []
        var sum = 0.0
        for c in f.classSavings {
            sum += c.saving
            cumulative.append(f.totalSaving > 0 ? sum / f.totalSaving : 0)
        }
        let marks = [1, 5, 10, 20, 50, 100].filter { $0 < f.classSavings.count } + [f.classSavings.count]
        return [
            .section("How concentrated the saving is"),
            .chart(
                svg: SVGChart.pareto(cumulativeShares: cumulative, title: "Share of the saving in the top classes"),
                caption: "\(f.classes(holding: 0.8)) of \(f.classSavings.count) classes hold 80% of the saving found; "
                    + "\(f.classes(holding: 0.5)) hold half. Work on those first.",
                header: ["top classes", "share of the saving"],
                rows: marks.map { [String($0), Self.percent(f.share(ofTop: $0))] }, numeric: [0, 1]),
            .heading("The ten classes that save most"),
            .table(
                header: ["#", "class", "switch to (latest month)", "units", "saving", "cumulative share"],
                rows: f.classSavings.prefix(10).enumerated().map { i, c in
                    [
                        String(i + 1),
                        Self.classLabel(c.equivalenceClass, f.descriptionOfClass[c.equivalenceClass] ?? ""),
                        f.suggestedOfClass[c.equivalenceClass].map { "\($0.code) \($0.name) (\($0.period))" } ?? "",
                        String(f.organisationsOfClass[c.equivalenceClass] ?? 0), money(c.saving),
                        Self.percent(cumulative[i]),
                    ]
                }, numeric: [0, 3, 4, 5]),
        ]
    }

    private var monthlyChart: [ReportBlock] {
        let months = report.figures.months
        var forecast: [SVGChart.Point] = []
        var caption = "Cost of all dispensing and saving found per month, \(window)."
        if let e = estimate, !e.total.suppressed {
            let k = chartScenario(e)
            forecast = e.monthly.map {
                .init(label: $0.key, value: $0.saving[k], lower: $0.lower?[k], upper: $0.upper?[k])
            }
            caption += " Dashed: the projected saving per month of \(e.configuration.budgetYear), \(e.scenarios[k]),"
            caption +=
                e.configuration.bootstrap > 0 ? " in its 95% interval band." : " without an interval (no bootstrap)."
            caption +=
                " History is priced at each month's own costs and list; the forecast at the \(e.pricePeriod) list,"
            caption += " on the substitutable volume (rows marked do-not-substitute left out) projected by the trend."
        }
        var rows = months.map { [$0.period.description, money($0.cost), money($0.saving), "", ""] }
        for p in forecast {
            rows.append([
                p.label + " (forecast)", "", money(p.value), p.lower.map(money) ?? "",
                p.upper.map(money) ?? "",
            ])
        }
        return [
            .section("Cost and saving per month"),
            .chart(
                svg: SVGChart.monthly(
                    cost: months.map { .init(label: $0.period.description, value: $0.cost) },
                    saving: months.map { .init(label: $0.period.description, value: $0.saving) }, forecast: forecast,
                    title: "Cost and saving per month", unit: "money"),
                caption: caption, header: ["month", "cost", "saving", "95% lower", "95% upper"], rows: rows,
                numeric: [1, 2, 3, 4]),
        ]
    }

    private var estimateTable: [ReportBlock] {
        var blocks: [ReportBlock] = [.section("Budget-year estimate by scenario")]
        guard let e = estimate else {
            return blocks + [.paragraph("No estimate: \(report.estimateUnavailable ?? "not computed").")]
        }
        blocks.append(.note(EstimateRenderer(e).heading() + "."))
        let scenarios = e.scenarios.map(\.description)
        blocks.append(
            .table(
                header: ["scenario", "saving", "95% lower", "95% upper"],
                rows: e.scenarios.indices.map { s in
                    [
                        scenarios[s], e.total.suppressed ? "suppressed" : money(e.total.saving[s]),
                        e.total.suppressed ? "" : e.total.lower.map { money($0[s]) } ?? "",
                        e.total.suppressed ? "" : e.total.upper.map { money($0[s]) } ?? "",
                    ]
                }, numeric: [1, 2, 3]))
        blocks.append(.note(EstimateRenderer(e).modelLine + "."))
        if !e.bridge.isEmpty && !e.total.suppressed {
            // From found to projected, at full uptake: why the figure is what it is.
            blocks.append(
                .table(
                    header: ["from found to projected (full uptake)"] + e.bridge.map { "\($0.target)" },
                    rows: [
                        ("saving found in the history", \EstimateBridge.found),
                        ("behaviour: the recent months' premium carried", \EstimateBridge.behaviour),
                        ("volume trend", \EstimateBridge.volume), ("target price change", \EstimateBridge.price),
                        ("projected saving", \EstimateBridge.projected), ("projected cost", \EstimateBridge.cost),
                    ].map { label, value in [label] + e.bridge.map { money($0[keyPath: value]) } },
                    numeric: Set(1...e.bridge.count)))
            blocks.append(
                .note(
                    "The saving found here counts the classes that have a target in the budget year and that no "
                        + "safety rule excludes, so it can be below the window's total above; the steps add up to the "
                        + "projection."))
        }
        for warning in e.warnings { blocks.append(.note("Warning: " + warning + ".")) }
        if e.configuration.by != .total && report.audience == .budget {
            let label = { (key: String) in report.groupNames[key].map { "\(key) \($0)" } ?? key }
            // Savings at every scenario, the interval at the charts' one (at one target, a scenario at uptake α is α
            // times the full one, its interval too), so that the table fits a page.
            let k = chartScenario(e), hasInterval = e.total.lower != nil
            let header = scenarios + (hasInterval ? ["95% interval, \(scenarios[k])"] : [])
            blocks.append(
                .table(
                    header: [report.groupTitle] + header,
                    rows: (e.rows + [e.total]).map { row in
                        if row.suppressed {
                            return [label(row.key), "suppressed"] + Array(repeating: "", count: header.count - 1)
                        }
                        var cells = [label(row.key)] + e.scenarios.indices.map { money(row.saving[$0]) }
                        if hasInterval { cells.append(money(row.lower![k]) + " – " + money(row.upper![k])) }
                        return cells
                    },
                    numeric: Set(1...header.count)))
        }
        if e.disclosureApplied {
            blocks.append(
                .note(
                    "Disclosure control: rows based on fewer than \(e.configuration.suppressBelow) distinct patients are suppressed "
                        + "(\(e.primarySuppressed)), with \(e.secondarySuppressed) more so that none can be recovered from the total."
                ))
        }
        return blocks
    }

    private var safety: [ReportBlock] {
        var lines: [String] = []
        if !ranking.excluded.isEmpty {
            lines.append(
                "\(ranking.excluded.count) opportunities, saving \(money(ranking.excludedSaving)), are excluded by safety "
                    + "rules and not counted; medsave rank --show-excluded lists them with the rule.")
        } else {
            lines.append("No opportunity is excluded by the \(ranking.configuration.rules.rules.count) safety rules.")
        }
        let blocked = RankRenderer(ranking, showExcluded: false, showBlocked: true).blockedShown
        if blocked > 0 {
            lines.append(
                "\(money(blocked)) more is in rows marked do-not-substitute and is not counted; "
                    + "medsave rank --show-blocked lists it by unit and prescriber.")
        }
        return [.section("What is not counted")] + lines.map(ReportBlock.paragraph)
    }

    private var assumptions: [ReportBlock] {
        [
            .section("Assumptions"),
            .table(
                header: ["assumption", "value"], rows: report.assumptions.map { [$0.name, $0.value] }, numeric: []),
        ]
    }

    private var summary: [ReportBlock] {
        var blocks: [ReportBlock] = [.section("Reconciliation"), .heading("Ranking")]
        blocks += RankRenderer(ranking).summaryLines().map(ReportBlock.note)
        if let e = estimate {
            blocks.append(.heading("Budget-year estimate"))
            blocks += EstimateRenderer(e).summaryLines().map(ReportBlock.note)
        }
        return blocks
    }

    /// The summary for standard error: the ranking's, then the estimate's (its reconciliation marked, since it
    /// prices the same rows at one period and so sets other rows aside), or why there is no estimate.
    public func summaryLines() -> [String] {
        var lines = RankRenderer(ranking).summaryLines()
        if let e = estimate {
            let books = e.reconciliation.summaryLines().count
            let estimateLines = EstimateRenderer(e).summaryLines()
            lines += estimateLines.prefix(books).map { "estimate history: " + $0 } + estimateLines.dropFirst(books)
        } else if let why = report.estimateUnavailable {
            lines.append("estimate: none, \(why)")
        }
        return lines
    }

    private var manifest: [ReportBlock] {
        let m = runManifest
        return [
            .section("Run manifest"),
            .paragraph("\(m.tool) \(m.version). Command: \(m.commandLine)"),
            .table(
                header: ["role", "file", "bytes", "SHA-256", "read as"],
                rows: m.inputs.map { [$0.role, $0.path, String($0.bytes), $0.sha256, $0.dialect ?? ""] }, numeric: [2]),
            .table(header: ["option", "value"], rows: m.options.map { [$0.name, $0.value] }, numeric: []),
        ]
    }

    // MARK: HTML

    public func html() -> String {
        var page = HTMLPage(title: title)
        var open = false
        for block in blocks() {
            switch block {
            case .heading(let s): page.heading(s, level: 3)
            case .paragraph(let s): page.paragraph(s)
            case .note(let s): page.paragraph(s, cssClass: "note")
            case .figures(let rows): page.figures(rows)
            case .table(let header, let rows, let numeric): page.table(header: header, rows: rows, numeric: numeric)
            case .chart(let svg, let caption, _, _, _): page.figure(svg: svg, caption: caption)
            case .section(let s):
                if open { page.endSection() }
                page.beginSection(pageBreak: false)
                page.heading(s)
                open = true
            }
        }
        if open { page.endSection() }
        return page.document
    }

    // MARK: Markdown

    public func markdown() -> String {
        var md = "# \(Markdown.escape(title))\n\n"
        for block in blocks() {
            switch block {
            case .heading(let s): md += "### \(Markdown.escape(s))\n\n"
            case .paragraph(let s): md += Markdown.escape(s) + "\n\n"
            case .note(let s): md += "_" + Markdown.escape(s) + "_\n\n"
            case .figures(let rows):
                md += Markdown.table(header: ["", ""], rows: rows.map { [$0.label, $0.value] }, numeric: [1])
            case .table(let header, let rows, let numeric):
                md += Markdown.table(header: header, rows: rows, numeric: numeric)
            case .chart(_, let caption, let header, let rows, let numeric):
                md += Markdown.escape(caption) + " (The HTML report draws this as a chart.)\n\n"
                md += Markdown.table(header: header, rows: rows, numeric: numeric)
            case .section(let s): md += "## \(Markdown.escape(s))\n\n"
            }
        }
        return md
    }
}

/// Markdown text that shows as written: characters with a meaning in Markdown are backslash-escaped, and
/// `<`, `>` and `&` become entities, so no data can turn into markup or HTML.
enum Markdown {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in DisplayText.neutralised(s) {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~": out += "\\" + String(c)
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    static func table(header: [String], rows: [[String]], numeric: Set<Int>) -> String {
        var md = "| " + header.map(escape).joined(separator: " | ") + " |\n"
        md += "|" + header.indices.map { numeric.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { md += "| " + row.map(escape).joined(separator: " | ") + " |\n" }
        return md + "\n"
    }
}
