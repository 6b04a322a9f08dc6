import Foundation
import MedSaveModel

/// Reads TLV's price list of subsidised medicines ("MEDPrice": xlsx, or CSV with decimal commas): per
/// varunummer the ATC code, name, form, strength, pack size and AUP per unit. It has no exchange groups; its
/// products join the "Periodens varor" lists on varunummer.
public enum PriceListReader {
    static let required = ["Varunummer", "ATC-kod", "AUP per st"]

    public static func read(path: String) throws(InputError) -> (entries: [CatalogueEntry], problems: [InputProblem]) {
        let table =
            path.lowercased().hasSuffix(".xlsx") ? try TextTable.xlsx(path: path) : try TextTable.csv(path: path)
        guard let (headerIndex, columns) = table.header(containing: required) else {
            throw InputError(
                location: SourceLocation(file: table.path, line: 1, column: 1),
                message:
                    "not a TLV price list: no header row with \(required.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        var entries: [CatalogueEntry] = [], problems: [InputProblem] = []
        for (line, cells) in table.rows.dropFirst(headerIndex + 1) where !cells.allSatisfy(\.isEmpty) {
            func cell(_ name: String) -> String {
                columns[name].map { $0 < cells.count ? cells[$0].trimmingCharacters(in: .whitespaces) : "" } ?? ""
            }
            func problem(_ field: String, _ message: String, expected: String) {
                problems.append(
                    InputProblem(
                        location: SourceLocation(file: path, line: line, column: (columns[field] ?? 0) + 1),
                        field: field, message: message, expected: expected, found: cell(field)))
            }
            let product = TLVCode.normalise(cell("Varunummer"), digits: 6)
            guard !product.isEmpty else {
                problem(
                    "Varunummer", "no varunummer, so the row cannot be joined; row skipped", expected: "a varunummer")
                continue
            }
            // AUP ÷ Antal at full precision; the rounded "AUP per st" only where those are missing.
            let count = PriceText.parse(cell("Antal"))
            let price: Double
            if let pack = PriceText.parse(cell("AUP")), pack >= 0, let count, count > 0 {
                price = pack / count
            } else if let perUnit = PriceText.parse(cell("AUP per st")), perUnit >= 0 {
                price = perUnit
            } else {
                problem("AUP per st", "not a price; row skipped", expected: "a unit price of 0 or more")
                continue
            }
            entries.append(
                CatalogueEntry(
                    period: nil, product: product, name: cell("Produktnamn"), atc: cell("ATC-kod"),
                    strength: cell("Styrka"),
                    form: cell("Form"), packSize: count,
                    unitPrice: price, equivalenceClass: nil, company: cell("Företag")))
        }
        return (entries, problems)
    }
}
