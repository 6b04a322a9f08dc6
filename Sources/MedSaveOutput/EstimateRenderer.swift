import MedSaveAnalysis
import MedSaveModel

/// Renders a budget-year estimate. Every figure carries its scenario (target, uptake) and period (the budget
/// year); rows withheld by disclosure control show no figures, only `status` "suppressed".
///
/// CSV, excel-csv, HTML and JSON `rows[]` have one line per row and scenario: the breakdown key, `name`,
/// `target`, `uptake`, `period`, `quantity`, `cost`, `saving`, `ci_lower`, `ci_upper`, `patients`, `status`;
/// the total is the row `all`; under the behaviour model the bridge follows, one row per step and scenario
/// (key `bridge`, `name` the step, `status` "bridge"). JSON (`schema_version` 1, `command` "estimate") adds
/// `model`, `scenarios`, `fit`, `bridge`, `warnings`, `bootstrap`, `safety`, `disclosure` and the reconciling
/// `summary`.
public struct EstimateRenderer {
    public let result: EstimateResult

    public init(_ result: EstimateResult) { self.result = result }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .csv: tabular().csv()
        case .excelCSV: tabular().excelCSV()
        case .json: json()
        case .html: html()
        case .table: table()
        }
    }

    private var keyColumn: String {
        result.configuration.by == .total ? "total" : result.configuration.by.rawValue
    }

    private var period: String { String(result.configuration.budgetYear) }

    private var hasInterval: Bool { result.configuration.bootstrap > 0 }

    /// The rows, then the total.
    private var allRows: [EstimateRow] { result.rows + [result.total] }

    func values(_ row: EstimateRow, scenario s: Int) -> [TabularValue] {
        let scenario = result.scenarios[s]
        let head: [TabularValue] = [
            .text(row.key), .text(row.name), .text(scenario.target.description), .number(scenario.uptake, decimals: 2),
            .text(period),
        ]
        if row.suppressed { return head + Array(repeating: .empty, count: 6) + [.text("suppressed")] }
        return head + [
            .number(row.quantity, decimals: 0), .money(row.cost), .money(row.saving[s]),
            row.lower.map { .money($0[s]) } ?? .empty, row.upper.map { .money($0[s]) } ?? .empty,
            row.patients.map { .integer($0) } ?? .empty, .text("shown"),
        ]
    }

    func tabular() -> Tabular {
        var t = Tabular(
            columns: [
                keyColumn, "name", "target", "uptake", "period", "quantity", "cost", "saving", "ci_lower", "ci_upper",
                "patients", "status",
            ],
            codeColumns: [keyColumn])
        for row in allRows {
            for s in result.scenarios.indices { t.rows.append(values(row, scenario: s)) }
        }
        for (step, value) in bridgeSteps {
            for scenario in result.scenarios {
                guard let b = bridge(of: scenario) else { continue }
                t.rows.append([
                    .text("bridge"), .text(step), .text(scenario.target.description),
                    .number(scenario.uptake, decimals: 2), .text(period), .empty,
                    step == "projected" ? .money(scenario.uptake * b.cost) : .empty,
                    .money(scenario.uptake * value(b)), .empty, .empty, .empty, .text("bridge"),
                ])
            }
        }
        return t
    }

    /// The bridge's steps, in order, and how to read each from a bridge.
    private var bridgeSteps: [(String, (EstimateBridge) -> Double)] {
        result.bridge.isEmpty || result.total.suppressed
            ? []
            : [
                ("found", \.found), ("behaviour", \.behaviour), ("volume", \.volume), ("price", \.price),
                ("projected", \.projected),
            ]
    }

    private func bridge(of scenario: Scenario) -> EstimateBridge? {
        result.bridge.first { $0.target == scenario.target }
    }

    /// One line per target: found → behaviour → volume → price → projected, at full uptake.
    public func bridgeLines() -> [String] {
        guard !bridgeSteps.isEmpty else { return [] }
        func signed(_ x: Double) -> String { (x < 0 ? "− " : "+ ") + money(abs(x)) }
        let months = result.behaviourMonths
        let window = months.isEmpty ? "" : " \(months.first!)..\(months.last!)"
        return result.bridge.map { b in
            "bridge (\(b.target), full uptake): found \(money(b.found)) \(signed(b.behaviour)) behaviour (premium of"
                + "\(window)) \(signed(b.volume)) volume \(signed(b.price)) target price = projected "
                + "\(money(b.projected)) of a projected cost of \(money(b.cost))"
        }
    }

    /// For a person at a terminal: the heading, then one line per row and scenario.
    func table() -> String {
        var t = Tabular(columns: [
            keyColumn, "name", "target", "uptake", "quantity", "saving", "95% interval", "patients",
        ])
        for row in allRows {
            for s in result.scenarios.indices {
                let v = values(row, scenario: s)
                let interval: TabularValue =
                    row.suppressed || row.lower == nil ? .empty : .text(v[8].formatted() + " – " + v[9].formatted())
                t.rows.append([
                    v[0], .text(RankRenderer.short(row.name, 24)), v[2], v[3], v[5],
                    row.suppressed ? .text("suppressed") : v[7], interval, v[10],
                ])
            }
        }
        if !hasInterval { t.drop(column: "95% interval") }
        if allRows.allSatisfy(\.name.isEmpty) { t.drop(column: "name") }
        return heading() + "\n\n" + t.table()
    }

    /// Which savings model ran, in words.
    var modelLine: String {
        switch result.configuration.model {
        case .behaviour:
            let m = result.behaviourMonths
            return "model: behaviour: each unit's premium over the target"
                + (m.isEmpty ? "" : " in \(m.first!)..\(m.last!)")
                + " carried forward at the \(result.pricePeriod) targets; volumes follow the class"
        case .productMix:
            return "model: product mix: the history's products priced at the \(result.pricePeriod) list "
                + "(right only where nothing is substituted automatically)"
        }
    }

    /// One line saying what the figures are.
    func heading() -> String {
        let f = result.fit
        var text =
            "Projected saving in \(period) at \(result.pricePeriod) prices; volumes per \(f.grain.rawValue) fitted "
        text += "(\(f.model)) on \(f.historyMonths.count) months \(f.historyMonths.first!)..\(f.historyMonths.last!)"
        if hasInterval {
            text += "; 95% intervals from \(result.configuration.bootstrap) bootstrap replicates over "
            text += "\(result.clusters) \(result.configuration.resample.rawValue)"
        }
        return text
    }

    func html() -> String {
        var page = HTMLPage(title: "Budget estimate \(period)")
        page.paragraph(heading(), cssClass: "note")
        tabular().html(into: &page)
        page.heading("Summary")
        for line in summaryLines() { page.paragraph(line, cssClass: "note") }
        return page.document
    }

    func json() -> String {
        let c = result.configuration, f = result.fit
        func money(_ x: Double) -> JSONWriter.Value { .number(NumberFormat.fixed(x, decimals: Precision.money)) }
        var w = JSONWriter()
        w.beginObject()
        w.field("schema_version", .int(1))
        w.field("command", .string("estimate"))
        w.field("budget_year", .int(c.budgetYear))
        w.field("price_period", .string(result.pricePeriod.description))
        w.field("by", .string(c.by.rawValue))
        w.field("model", .string(c.model.rawValue))
        if !result.behaviourMonths.isEmpty {
            w.field("behaviour_from", .string(result.behaviourMonths.first!.description))
            w.field("behaviour_to", .string(result.behaviourMonths.last!.description))
        }
        w.beginArray("scenarios")
        for s in result.scenarios {
            w.beginObject()
            w.field("target", .string(s.target.description))
            w.field("uptake", .number(NumberFormat.fixed(s.uptake, decimals: 2)))
            w.endObject()
        }
        w.endArray()
        w.beginObject("fit")
        w.field("model", .string(f.model))
        w.field("grain", .string(f.grain.rawValue))
        w.field("history_from", .string(f.historyMonths.first!.description))
        w.field("history_to", .string(f.historyMonths.last!.description))
        w.field("history_months", .int(f.historyMonths.count))
        w.beginArray("missing_months")
        for m in f.missingMonths { w.element(.string(m.description)) }
        w.endArray()
        w.field("series", .int(f.series))
        w.field("products", .int(f.products))
        w.field("floored_series", .int(f.flooredSeries))
        w.field("history_quantity", .number(NumberFormat.fixed(f.historyQuantity, decimals: 0)))
        w.field("projected_quantity", .number(NumberFormat.fixed(f.projectedQuantity, decimals: 0)))
        w.endObject()
        w.beginArray("bridge")
        if !bridgeSteps.isEmpty {
            for b in result.bridge {
                w.beginObject()
                w.field("target", .string(b.target.description))
                for (step, value) in bridgeSteps { w.field(step, money(value(b))) }
                w.field("projected_cost", money(b.cost))
                w.endObject()
            }
        }
        w.endArray()
        w.beginArray("warnings")
        for warning in result.warnings { w.element(.string(warning)) }
        w.endArray()
        w.beginObject("bootstrap")
        w.field("replicates", .int(c.bootstrap))
        w.field("seed", .string(String(c.seed)))
        w.field("resample", .string(c.resample.rawValue))
        w.field("clusters", .int(result.clusters))
        w.field("stratified", .bool(c.bootstrap > 0 && c.resample == .units && c.by.splitsOrganisations))
        w.endObject()
        w.beginObject("safety")
        w.field("rules", .int(c.rules.rules.count))
        w.field("excluded_products", .int(result.excludedProducts))
        w.beginArray("excluded_saving")
        for x in result.excludedSaving { w.element(money(x)) }
        w.endArray()
        w.beginArray("blocked_saving")
        for x in result.blockedSaving { w.element(money(x)) }
        w.endArray()
        w.endObject()
        w.beginObject("disclosure")
        w.field("applied", .bool(result.disclosureApplied))
        w.field("suppress_below", .int(c.suppressBelow))
        w.field("primary", .int(result.primarySuppressed))
        w.field("secondary", .int(result.secondarySuppressed))
        w.endObject()
        tabular().json("rows", into: &w)
        w.beginObject("summary")
        result.reconciliation.writeJSONFields(into: &w)
        w.endObject()
        w.endObject()
        return w.text
    }

    private func money(_ x: Double) -> String { NumberFormat.fixed(x, decimals: Precision.money) }

    public func summaryLines() -> [String] {
        var lines = result.reconciliation.summaryLines()
        lines.append(modelLine)
        let t = result.total
        for (s, scenario) in result.scenarios.enumerated() {
            if t.suppressed {
                lines.append(
                    "estimate \(period), \(scenario): suppressed (fewer than \(result.configuration.suppressBelow) patients)"
                )
                continue
            }
            let interval = t.lower.map { " (95% \(money($0[s])) – \(money(t.upper![s])))" } ?? ""
            lines.append("estimate \(period), \(scenario): \(money(t.saving[s]))\(interval)")
        }
        lines += bridgeLines()
        lines += result.warnings.map { "warning: " + $0 }
        let f = result.fit
        var volumes =
            "volumes: \(NumberFormat.fixed(f.historyQuantity, decimals: 0)) units in \(f.historyMonths.count) months → "
        volumes += "\(NumberFormat.fixed(f.projectedQuantity, decimals: 0)) projected for \(period) "
        let noun = f.grain == .class ? (f.series == 1 ? "class" : "classes") : (f.series == 1 ? "product" : "products")
        volumes += "(\(f.series) \(noun), \(f.model)"
        if f.flooredSeries > 0 { volumes += "; \(f.flooredSeries) projected below zero in some month, counted as zero" }
        if !f.missingMonths.isEmpty {
            volumes += "; no data in \(f.missingMonths.map(\.description).joined(separator: ", "))"
        }
        lines.append(volumes + ")")
        for (i, rule) in result.configuration.targets.enumerated() where result.classesWithoutTarget[i] > 0 {
            lines.append(
                "target: \(result.classesWithoutTarget[i]) classes have no \(rule) target at \(result.pricePeriod) and save nothing under it"
            )
        }
        if let first = result.scenarios.first {
            if result.excludedProducts > 0 {
                lines.append(
                    "safety: switches of \(result.excludedProducts) "
                        + (result.configuration.model == .behaviour ? "classes" : "products")
                        + " excluded by rules, not counted: "
                        + "\(money(result.excludedSaving[0])) (\(first))")
            } else {
                lines.append("safety: \(result.configuration.rules.rules.count) rules applied, no switch excluded")
            }
            if result.blockedSaving[0] > 0 {
                lines.append(
                    "blocked: \(money(result.blockedSaving[0])) more in rows marked do-not-substitute, not counted (\(first))"
                )
            }
        }
        let c = result.configuration
        if c.bootstrap > 0 && c.resample == .units && c.by.splitsOrganisations {
            lines.append(
                "bootstrap: units are drawn within each row (stratified)"
                    + (c.by == .unit
                        ? ", so a unit's own interval is its point estimate; --resample patients or prescribers gives intervals per unit"
                        : ""))
        }
        if result.disclosureApplied {
            lines.append(
                "disclosure: \(result.primarySuppressed) rows under \(result.configuration.suppressBelow) patients suppressed, "
                    + "\(result.secondarySuppressed) more so that they cannot be recovered from the total")
        } else if result.configuration.suppressBelow > 0 {
            lines.append("disclosure: the data has no patient ids, so no row could be checked; none suppressed")
        }
        return lines
    }
}
