import Foundation
import MedSaveModel

/// Charts as inline SVG for self-contained reports: no scripts, no external resources, text escaped, sizes
/// fixed so that the same figures always give the same bytes. Each chart has a `<title>` and a
/// `<desc>` for screen readers, and prints in black on white as well as in colour.
enum SVGChart {
    static let width = 720.0
    static let ink = "#1b1b1b", grid = "#d9dde2", bar = "#2f6f9f", accent = "#c0562b", band = "#f0c9b8"

    /// Horizontal bars, one per item, largest first as given; each bar labelled with its value.
    static func bars(_ items: [(label: String, value: Double)], title: String, unit: String) -> String {
        let labelWidth = 250.0, valueWidth = 110.0, rowHeight = 22.0, top = 8.0
        let plotWidth = width - labelWidth - valueWidth
        let height = top + Double(items.count) * rowHeight + 8
        let maximum = items.map(\.value).max() ?? 0
        var svg = open(title: title, description: "Bar chart, \(items.count) bars, in \(unit).", height: height)
        for (i, item) in items.enumerated() {
            let y = top + Double(i) * rowHeight
            let length = maximum > 0 ? max(0, item.value) / maximum * plotWidth : 0
            svg += text(x: labelWidth - 8, y: y + 15, anchor: "end", truncated(item.label, 38))
            svg +=
                "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 3))\" width=\"\(f(length))\" height=\"\(f(rowHeight - 6))\" fill=\"\(bar)\" />\n"
            svg += text(x: labelWidth + length + 6, y: y + 15, anchor: "start", compact(item.value))
        }
        return svg + "</svg>\n"
    }

    /// The Pareto curve: the share of the total saving in the top n classes against n, with where it
    /// crosses 80% marked.
    static func pareto(cumulativeShares shares: [Double], title: String) -> String {
        let left = 56.0, right = 24.0, top = 12.0, bottom = 40.0, height = 300.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let n = shares.count
        var svg = open(
            title: title,
            description:
                "Line chart of the cumulative share of the saving against the number of classes, \(n) classes.",
            height: height)
        func x(_ k: Double) -> Double { left + (n > 1 ? (k - 1) / Double(n - 1) : 0) * plotWidth }
        func y(_ share: Double) -> Double { top + (1 - share) * plotHeight }
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg += line(x1: left, y1: y(tick), x2: left + plotWidth, y2: y(tick), stroke: grid)
            svg += text(x: left - 6, y: y(tick) + 4, anchor: "end", "\(Int(tick * 100))%")
        }
        for k in ticks(upTo: Double(n), count: 6) where k >= 1 {
            svg += line(x1: x(k), y1: top + plotHeight, x2: x(k), y2: top + plotHeight + 4, stroke: ink)
            svg += text(x: x(k), y: top + plotHeight + 18, anchor: "middle", NumberFormat.fixed(k, decimals: 0))
        }
        svg += text(x: left + plotWidth / 2, y: height - 4, anchor: "middle", "classes, largest saving first")
        if n > 0 {
            let points = shares.enumerated().map { "\(f(x(Double($0.offset + 1)))),\(f(y($0.element)))" }.joined(
                separator: " ")
            svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(bar)\" stroke-width=\"2\" />\n"
            if let k = shares.firstIndex(where: { $0 >= 0.8 * (1 - 1e-12) }) {
                let cx = x(Double(k + 1)), cy = y(shares[k])
                svg += line(x1: left, y1: cy, x2: cx, y2: cy, stroke: accent, dashed: true)
                svg += line(x1: cx, y1: cy, x2: cx, y2: top + plotHeight, stroke: accent, dashed: true)
                svg += "<circle cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"3.5\" fill=\"\(accent)\" />\n"
                let label = "\(k + 1) of \(n) classes hold 80% of the saving"
                let anchor = cx > left + plotWidth * 0.6 ? "end" : "start"
                svg += text(x: cx + (anchor == "end" ? -8 : 8), y: cy + 16, anchor: anchor, label, fill: accent)
            }
        }
        return svg + "</svg>\n"
    }

    /// One month of the monthly chart: a value of history, or a forecast with its interval.
    struct Point {
        var label: String
        var value: Double
        var lower: Double? = nil
        var upper: Double? = nil
    }

    /// Two panels over the same months: cost per month of history (bars), and saving per month, history as
    /// a solid line and the budget-year forecast as a dashed line in its interval band.
    static func monthly(cost: [Point], saving: [Point], forecast: [Point], title: String, unit: String) -> String {
        let left = 72.0, right = 16.0, top = 14.0, panel = 150.0, gap = 44.0, bottom = 34.0
        let months = cost.count + forecast.count
        let height = top + panel + gap + panel + bottom
        let plotWidth = width - left - right
        let step = months > 0 ? plotWidth / Double(months) : plotWidth
        func x(_ i: Int) -> Double { left + (Double(i) + 0.5) * step }
        var svg = open(
            title: title,
            description:
                "Cost per month (\(cost.count) months of history) and saving per month with \(forecast.count) months of forecast, in \(unit).",
            height: height)

        // Panel 1: cost.
        let costMax = axisMaximum(cost.map(\.value))
        svg += axis(top: top, height: panel, left: left, width: plotWidth, maximum: costMax, caption: "cost per month")
        for (i, p) in cost.enumerated() {
            let h = costMax > 0 ? max(0, p.value) / costMax * panel : 0
            svg +=
                "<rect x=\"\(f(x(i) - step * 0.35))\" y=\"\(f(top + panel - h))\" width=\"\(f(step * 0.7))\" height=\"\(f(h))\" fill=\"\(bar)\" />\n"
        }

        // Panel 2: saving, history and forecast.
        let top2 = top + panel + gap
        let savingMax = axisMaximum(saving.map(\.value) + forecast.map { $0.upper ?? $0.value })
        svg += axis(
            top: top2, height: panel, left: left, width: plotWidth, maximum: savingMax, caption: "saving per month")
        func y(_ v: Double) -> Double { top2 + panel - (savingMax > 0 ? max(0, v) / savingMax * panel : 0) }
        let offset = cost.count
        if forecast.contains(where: { $0.lower != nil }) {
            let upper = forecast.enumerated().map {
                "\(f(x(offset + $0.offset))),\(f(y($0.element.upper ?? $0.element.value)))"
            }
            let lower = forecast.enumerated().reversed().map {
                "\(f(x(offset + $0.offset))),\(f(y($0.element.lower ?? $0.element.value)))"
            }
            svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(band)\" stroke=\"none\" />\n"
        }
        svg += polyline(saving.enumerated().map { (x($0.offset), y($0.element.value)) }, stroke: bar, dashed: false)
        svg += polyline(
            forecast.enumerated().map { (x(offset + $0.offset), y($0.element.value)) }, stroke: accent, dashed: true)
        if offset > 0 && !forecast.isEmpty {
            let boundary = left + Double(offset) * step
            svg += line(x1: boundary, y1: top, x2: boundary, y2: top2 + panel, stroke: ink, dashed: true)
            svg += text(x: boundary + 4, y: top2 + 12, anchor: "start", "forecast", fill: accent)
        }

        // Month labels under the second panel: every month when they fit, else every third.
        let labels = cost.map(\.label) + forecast.map(\.label)
        let every = months > 18 ? 3 : 1
        for (i, label) in labels.enumerated() where i % every == 0 {
            svg += text(x: x(i), y: top2 + panel + 16, anchor: "middle", label, size: 10)
        }
        return svg + "</svg>\n"
    }

    // MARK: Pieces

    /// Every organisation's price per unit as a dot on one axis (area by quantity), the one explained in the
    /// accent colour and labelled, the target as a dashed line: OpenPrescribing's bubble chart, on one row.
    static func peers(
        _ points: [(key: String, ppu: Double, quantity: Double)], own: Int?, target: Double?, title: String
    ) -> String {
        let left = 40.0, right = 40.0, top = 28.0, rowHeight = 60.0
        let plotWidth = width - left - right
        let height = top + rowHeight + 34
        let maximum = max(points.map(\.ppu).max() ?? 0, target ?? 0) * 1.05
        let largest = points.map(\.quantity).max() ?? 1
        func x(_ v: Double) -> Double { left + (maximum > 0 ? v / maximum * plotWidth : 0) }
        var svg = open(
            title: title,
            description:
                "Dot chart of \(points.count) organisations' price per unit"
                + (own.map { "; \(points[$0].key) marked at \(NumberFormat.fixed(points[$0].ppu, decimals: 4))" } ?? "")
                + (target.map { "; target \(NumberFormat.fixed($0, decimals: 4))" } ?? "") + ".",
            height: height)
        let y = top + rowHeight / 2
        svg +=
            "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" stroke=\"\(grid)\" />\n"
        for tick in ticks(upTo: maximum, count: 6) {
            svg += text(x: x(tick), y: top + rowHeight + 16, anchor: "middle", NumberFormat.fixed(tick, decimals: 2))
        }
        for (i, p) in points.enumerated() where i != own {
            let r = 2 + 8 * (p.quantity / largest).squareRoot()
            svg +=
                "<circle cx=\"\(f(x(p.ppu)))\" cy=\"\(f(y))\" r=\"\(f(r))\" fill=\"\(bar)\" fill-opacity=\"0.35\" stroke=\"\(bar)\" />\n"
        }
        if let t = target {
            svg +=
                "<line x1=\"\(f(x(t)))\" y1=\"\(f(top))\" x2=\"\(f(x(t)))\" y2=\"\(f(top + rowHeight))\" stroke=\"\(ink)\" stroke-dasharray=\"4 3\" />\n"
            svg += text(x: x(t), y: top - 6, anchor: "middle", "target " + NumberFormat.fixed(t, decimals: 4))
        }
        if let own {
            let p = points[own]
            let r = 2 + 8 * (p.quantity / largest).squareRoot()
            svg +=
                "<circle cx=\"\(f(x(p.ppu)))\" cy=\"\(f(y))\" r=\"\(f(r))\" fill=\"\(accent)\" stroke=\"\(ink)\" />\n"
            svg += text(x: x(p.ppu), y: y + r + 12, anchor: "middle", truncated(p.key, 24), fill: accent)
        }
        svg += text(x: left + plotWidth, y: height - 2, anchor: "end", "price per unit", size: 10)
        return svg + "</svg>\n"
    }

    private static func open(title: String, description: String, height: Double) -> String {
        "<svg class=\"chart\" role=\"img\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\">\n"
            + "<title>\(HTMLPage.escape(title))</title>\n<desc>\(HTMLPage.escape(description))</desc>\n"
    }

    private static func axis(
        top: Double, height: Double, left: Double, width plotWidth: Double, maximum: Double, caption: String
    ) -> String {
        var svg = ""
        for tick in ticks(upTo: maximum, count: 4) {
            let y = top + height - (maximum > 0 ? tick / maximum * height : 0)
            svg += line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: grid)
            svg += text(x: left - 6, y: y + 4, anchor: "end", compact(tick), size: 10)
        }
        svg += text(x: left, y: top - 4, anchor: "start", caption, size: 11)
        return svg
    }

    private static func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, dashed: Bool = false)
        -> String
    {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\""
            + (dashed ? " stroke-dasharray=\"4 3\"" : "") + " />\n"
    }

    private static func polyline(_ points: [(Double, Double)], stroke: String, dashed: Bool) -> String {
        guard !points.isEmpty else { return "" }
        let list = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
        var svg = "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"2\""
        svg += (dashed ? " stroke-dasharray=\"6 4\"" : "") + " />\n"
        for (x, y) in points { svg += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"2.5\" fill=\"\(stroke)\" />\n" }
        return svg
    }

    private static func text(
        x: Double, y: Double, anchor: String, _ content: String, fill: String = ink, size: Int = 11
    ) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" fill=\"\(fill)\">\(HTMLPage.escape(content))</text>\n"
    }

    /// A coordinate with one decimal: enough for the eye, and the same bytes on every machine.
    static func f(_ x: Double) -> String { NumberFormat.fixed(x, decimals: 1) }

    /// 1 234 567 as `1.23M`, 45 600 as `45.6k`: axis and bar labels.
    static func compact(_ x: Double) -> String {
        let a = abs(x)
        func trimmed(_ v: Double, _ decimals: Int) -> String {
            var t = NumberFormat.fixed(v, decimals: decimals)
            while t.contains("."), t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
            return t
        }
        if a >= 1e9 { return trimmed(x / 1e9, 2) + "G" }
        if a >= 1e6 { return trimmed(x / 1e6, 2) + "M" }
        if a >= 1e3 { return trimmed(x / 1e3, 1) + "k" }
        return NumberFormat.fixed(x, decimals: 0)
    }

    static func truncated(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    /// A round step (1, 2 or 5 × 10ᵏ) giving about `count` ticks from 0 to `maximum`, and the ticks.
    static func ticks(upTo maximum: Double, count: Int) -> [Double] {
        guard maximum > 0, maximum.isFinite else { return [0] }
        let step = roundStep(maximum / Double(count))
        return stride(from: 0.0, through: maximum * (1 + 1e-9), by: step).map { $0 }
    }

    /// The top of an axis: the largest value rounded up to a tick, so the tallest mark stays inside.
    static func axisMaximum(_ values: [Double]) -> Double {
        let m = values.filter(\.isFinite).max() ?? 0
        guard m > 0 else { return 1 }
        let step = roundStep(m / 4)
        return (m / step).rounded(.up) * step
    }

    /// The smallest of 1, 2 or 5 × 10ᵏ that is at least `raw`.
    private static func roundStep(_ raw: Double) -> Double {
        let magnitude = pow10(floor(log10(raw)))
        return [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    }

    private static func pow10(_ e: Double) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<Int(e) { r *= 10 } } else { for _ in 0..<Int(-e) { r /= 10 } }
        return r
    }
}
