import Foundation
import MedSaveModel

/// Reads the English price-concession tables that OpenPrescribing's notebook publishes, as one of the two
/// price lists they hold: the Drug Tariff price or the concession price, per unit in pounds, per month.
///
/// Two shapes are read:
/// - `pc_df.csv`: `month, name, bnf_code, pc_price_pence, dt_price_pence, qtyval` (prices per pack in pence,
///   `qtyval` units in the pack), one pack per BNF code and month;
/// - `ncso_df.csv`: `month, bnf_name, bnf_code, normal_nic_per_unit, predicted_nic_per_unit` (pounds per unit).
///
/// The products are BNF presentation codes in no equivalence class: these lists are for `impact`.
public enum ConcessionPriceReader {
    /// Which of the two prices a row gives.
    public enum Side: String, Sendable {
        /// The Drug Tariff Part VIIIA price ("normally costs").
        case tariff
        /// The price concession granted that month.
        case concession
    }

    static let perPack = ["month", "bnf_code", "pc_price_pence", "dt_price_pence", "qtyval"]
    static let perUnit = ["month", "bnf_code", "normal_nic_per_unit", "predicted_nic_per_unit"]

    /// True when the header is one of the two shapes.
    static func recognises(_ text: String) -> Bool {
        text.contains("pc_price_pence") || text.contains("predicted_nic_per_unit")
    }

    public static func read(path: String, side: Side) throws(InputError) -> (
        entries: [CatalogueEntry], lines: [Int], problems: [InputProblem]
    ) {
        let table = try TextTable.csv(path: path)
        let shape: [String]
        let columns: [String: Int], headerIndex: Int
        if let (index, found) = table.header(containing: perPack) {
            (shape, columns, headerIndex) = (perPack, found, index)
        } else if let (index, found) = table.header(containing: perUnit) {
            (shape, columns, headerIndex) = (perUnit, found, index)
        } else {
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message: "not a price-concession table: expected the columns \(perPack.joined(separator: ", ")) "
                    + "or \(perUnit.joined(separator: ", "))")
        }
        var entries: [CatalogueEntry] = [], lines: [Int] = [], problems: [InputProblem] = []
        for (line, cells) in table.rows.dropFirst(headerIndex + 1) where !cells.allSatisfy(\.isEmpty) {
            func cell(_ name: String) -> String {
                columns[name].map { $0 < cells.count ? cells[$0].trimmingCharacters(in: .whitespaces) : "" } ?? ""
            }
            func problem(_ field: String, _ message: String, expected: String) {
                problems.append(
                    InputProblem(
                        location: SourceLocation(file: path, line: line, column: (columns[field] ?? 0) + 1),
                        field: field, message: message + "; row skipped", expected: expected, found: cell(field)))
            }
            guard let period = Period(text: cell("month")) else {
                problem("month", "not a month", expected: "YYYY-MM-DD or YYYY-MM")
                continue
            }
            let product = cell("bnf_code")
            guard !product.isEmpty else {
                problem("bnf_code", "no BNF code", expected: "a BNF presentation code")
                continue
            }
            let price: Double, packSize: Double?
            if shape == perPack {
                let field = side == .tariff ? "dt_price_pence" : "pc_price_pence"
                guard let pence = PriceText.parse(cell(field), decimalComma: false), pence >= 0 else {
                    problem(field, "not a price", expected: "a price in pence, 0 or more")
                    continue
                }
                guard let units = PriceText.parse(cell("qtyval"), decimalComma: false), units > 0 else {
                    problem("qtyval", "not a pack size", expected: "units in the pack, more than 0")
                    continue
                }
                price = pence / units / 100
                packSize = units
            } else {
                let field = side == .tariff ? "normal_nic_per_unit" : "predicted_nic_per_unit"
                guard let pounds = PriceText.parse(cell(field), decimalComma: false), pounds >= 0 else {
                    problem(field, "not a price", expected: "a price per unit in pounds, 0 or more")
                    continue
                }
                price = pounds
                packSize = nil
            }
            let name = cell("name").isEmpty ? cell("bnf_name") : cell("name")
            entries.append(
                CatalogueEntry(
                    period: period, product: product, name: name, packSize: packSize, unitPrice: price,
                    equivalenceClass: nil))
            lines.append(line)
        }
        return (entries, lines, problems)
    }
}
