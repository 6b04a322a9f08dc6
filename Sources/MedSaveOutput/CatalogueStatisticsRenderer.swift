import MedSaveAnalysis
import MedSaveModel

/// Renders monthly catalogue statistics as table, CSV or JSON (`schema_version` 1, an array `months`).
public enum CatalogueStatisticsRenderer {
    static let columns = [
        "period", "rows", "products", "classes", "pv_products", "r1_products", "r2_products", "classes_one_pv",
        "classes_several_pv", "classes_no_pv", "classes_pv_not_cheapest",
    ]

    static func values(_ s: CatalogueMonthStatistics) -> [String] {
        [s.period.description]
            + [
                s.rows, s.products, s.classes, s.pvProducts, s.r1Products, s.r2Products, s.classesWithOnePV,
                s.classesWithSeveralPV, s.classesWithoutPV, s.classesWherePVIsNotCheapest,
            ].map(String.init)
    }

    public static func render(_ months: [CatalogueMonthStatistics], format: OutputFormat) -> String {
        switch format {
        case .csv:
            return CSVField.line(columns) + months.map { CSVField.line(values($0)) }.joined()
        case .excelCSV:
            return ExcelCSV.render(header: columns, rows: months.map(values), textColumns: [])
        case .html:
            var page = HTMLPage(title: "Catalogue by month")
            page.table(header: columns, rows: months.map(values), numeric: Set(1..<columns.count))
            return page.document
        case .json:
            var w = JSONWriter()
            w.beginObject()
            w.field("schema_version", .int(1))
            w.beginArray("months")
            for m in months {
                w.beginObject()
                for (k, v) in zip(columns, values(m)) { w.field(k, k == "period" ? .string(v) : .number(v)) }
                w.endObject()
            }
            w.endArray()
            w.endObject()
            return w.text
        case .table:
            let header = [
                "period", "rows", "products", "classes", "PV", "R1", "R2", "1 PV", "2+ PV", "no PV", "PV not cheapest",
            ]
            let rows = months.map(values)
            let widths = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { i, c in
                    i == 0
                        ? c + String(repeating: " ", count: widths[i] - c.count)
                        : String(repeating: " ", count: widths[i] - c.count) + c
                }.joined(separator: "  ") + "\n"
            }
            return line(header) + rows.map(line).joined()
        }
    }
}
