/// A self-contained HTML page: inline CSS, no scripts, no external resources, printable. Every piece of
/// data goes through `escape`, so a product named `<script>` is shown as text.
struct HTMLPage {
    var title: String
    private var body = ""

    init(title: String) { self.title = title }

    /// Text with `& < > " '` escaped for use in element content and attribute values, controls and bidirectional
    /// overrides neutralised (`DisplayText`).
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in DisplayText.neutralised(s) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    mutating func heading(_ text: String, level: Int = 2) { body += "<h\(level)>\(Self.escape(text))</h\(level)>\n" }
    mutating func paragraph(_ text: String, cssClass: String? = nil) {
        body += "<p\(cssClass.map { " class=\"\($0)\"" } ?? "")>\(Self.escape(text))</p>\n"
    }
    mutating func beginSection(pageBreak: Bool) { body += pageBreak ? "<section class=\"break\">\n" : "<section>\n" }
    mutating func endSection() { body += "</section>\n" }

    /// Headline figures: label and value side by side, large.
    mutating func figures(_ rows: [(label: String, value: String)]) {
        body += "<table class=\"figures\">\n<tbody>\n"
        for r in rows {
            body += "<tr><th>\(Self.escape(r.label))</th><td class=\"n\">\(Self.escape(r.value))</td></tr>\n"
        }
        body += "</tbody>\n</table>\n"
    }

    /// A chart made by `SVGChart` (its text already escaped) with a caption.
    mutating func figure(svg: String, caption: String) {
        body += "<figure>\n\(svg)<figcaption>\(Self.escape(caption))</figcaption>\n</figure>\n"
    }

    /// A table; columns whose index is in `numeric` are right-aligned.
    mutating func table(header: [String], rows: [[String]], numeric: Set<Int> = []) {
        body += "<table>\n<thead><tr>"
        for (i, h) in header.enumerated() {
            body += "<th\(numeric.contains(i) ? " class=\"n\"" : "")>\(Self.escape(h))</th>"
        }
        body += "</tr></thead>\n<tbody>\n"
        for row in rows {
            body += "<tr>"
            for (i, cell) in row.enumerated() {
                body += "<td\(numeric.contains(i) ? " class=\"n\"" : "")>\(Self.escape(cell))</td>"
            }
            body += "</tr>\n"
        }
        body += "</tbody>\n</table>\n"
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1b1b1b;font-size:14px}
        h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #ccc}
        table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
        th,td{border-bottom:1px solid #e2e2e2;padding:.25rem .4rem;text-align:left;vertical-align:top}
        th{background:#f3f5f7;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        p.note{color:#555;font-size:.9em}
        table.figures{width:auto}table.figures th{background:none;font-weight:400;padding-right:2rem}
        table.figures td{font-size:1.15em;font-weight:600}
        figure{margin:.5rem 0 1.25rem}figcaption{color:#555;font-size:.9em;max-width:720px}
        svg.chart{display:block;max-width:100%;height:auto;font-family:inherit}
        section{break-inside:auto}figure,table.figures{break-inside:avoid;page-break-inside:avoid}
        @page{size:A4;margin:14mm}
        @media print{body{margin:0;font-size:10pt}section.break{page-break-before:always;break-before:page}
        h2,h3{page-break-after:avoid;break-after:avoid}
        thead{display:table-header-group}tr{page-break-inside:avoid}}
        """

    var document: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8" />
        <title>\(Self.escape(title))</title>
        <style>
        \(Self.style)
        </style>
        </head>
        <body>
        <h1>\(Self.escape(title))</h1>
        \(body)</body>
        </html>

        """
    }
}
