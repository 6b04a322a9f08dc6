import Foundation
import MedSaveModel

extension TargetList {
    /// Reads a target list: a CSV (any delimiter the catalogue reader detects) with the columns `class` (as
    /// rank's class column writes it, e.g. `111026/T23`) and `unit_price`, and optionally `period` (`YYYY-MM`,
    /// a year, or `FROM..TO`; empty: every month) and `product` (the code of the product to switch to).
    /// Prices are plain decimals (a decimal comma too), finite and not negative; two lines of one class whose
    /// months overlap are an error at the second.
    public static func read(path: String) throws(InputError) -> TargetList {
        let table = try TextTable.csv(path: path)
        let (headerIndex, columns) = try table.requireHeader(
            ["class", "unit_price"], path: path, kind: "a target list")
        let classColumn = columns["class"]!, priceColumn = columns["unit_price"]!
        let periodColumn = columns["period"], productColumn = columns["product"]
        var prices: [EquivalenceClass: [Price]] = [:]
        for (line, cells) in table.rows.dropFirst(headerIndex + 1) where !cells.allSatisfy(\.isEmpty) {
            func cell(_ column: Int?) -> String {
                guard let column, column < cells.count else { return "" }
                return cells[column].trimmingCharacters(in: .whitespaces)
            }
            func fail(_ column: Int, _ message: String) -> InputError {
                InputError(location: SourceLocation(file: path, line: line, column: column + 1), message: message)
            }
            let classText = cell(classColumn)
            if classText.isEmpty { throw fail(classColumn, "missing value: expected a class such as 111026/T23") }
            let priceText = cell(priceColumn)
            guard let price = PriceText.parse(priceText) else {
                throw fail(priceColumn, "\"\(priceText)\" is not a price per unit (a plain decimal such as 0.2963)")
            }
            if price < 0 { throw fail(priceColumn, "negative price per unit \(priceText)") }
            var periods = PeriodRange()
            if let periodColumn, !cell(periodColumn).isEmpty {
                guard let range = PeriodRange(text: cell(periodColumn)) else {
                    throw fail(periodColumn, "\"\(cell(periodColumn))\" is not a month (YYYY-MM), a year or FROM..TO")
                }
                periods = range
            }
            let equivalenceClass = EquivalenceClass(text: classText)
            if let other = prices[equivalenceClass]?.first(where: { TargetList.overlap($0.periods, periods) }) {
                throw fail(
                    periodColumn ?? classColumn,
                    "class \(classText) already has a price for these months at line \(other.line)")
            }
            prices[equivalenceClass, default: []].append(
                Price(periods: periods, unitPrice: price, product: cell(productColumn), line: line))
        }
        if prices.isEmpty {
            throw InputError(location: nil, message: "\(path): the target list names no class")
        }
        return TargetList(path: path, prices: prices)
    }
}
