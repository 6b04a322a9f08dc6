import Foundation

/// What the rows of a budget figure are: the whole, or one row per product, ATC group, care unit, care
/// area, BNF chapter or section, or month.
///
/// ATC levels are WHO's: `atc1` the anatomical main group (`C`), `atc2` therapeutic (`C10`), `atc3`
/// pharmacological (`C10A`), `atc4` chemical (`C10AA`), `atc5` the substance (`C10AA05`). BNF chapters and
/// sections are the first 2 and 4 characters of a BNF code.
public enum Breakdown: String, Sendable, CaseIterable, Codable {
    case total, product, atc1, atc2, atc3, atc4, atc5, unit, area, period
    case bnfChapter = "bnf-chapter"
    case bnfSection = "bnf-section"

    /// How many leading characters of an ATC code the level keeps.
    var atcLength: Int? {
        switch self {
        case .atc1: 1
        case .atc2: 3
        case .atc3: 4
        case .atc4: 5
        case .atc5: 7
        default: nil
        }
    }

    /// True when the rows split the organisations rather than the products.
    public var splitsOrganisations: Bool { self == .unit || self == .area }

    /// The row a product belongs to, for breakdowns by product (ATC, BNF, product, total).
    func key(product: String, atc: String) -> String {
        if let n = atcLength { return atc.isEmpty ? Self.noATC : String(atc.prefix(n)) }
        switch self {
        case .bnfChapter: return String(product.prefix(2))
        case .bnfSection: return String(product.prefix(4))
        case .product: return product
        default: return Self.all
        }
    }

    /// The row of products without an ATC code.
    public static let noATC = "(no ATC code)"
    /// The row of units the area map does not name.
    public static let noArea = "(no area)"
    /// The one row of `total`.
    public static let all = "all"
}

/// Care units grouped into care areas (`--areas PATH`): a CSV with the columns `unit` and `area`.
public struct AreaMap: Sendable, Equatable {
    public private(set) var areaByUnit: [String: String]

    public init(_ areaByUnit: [String: String]) { self.areaByUnit = areaByUnit }

    /// The area of `unit`, or `Breakdown.noArea`.
    public func area(of unit: String) -> String { areaByUnit[unit] ?? Breakdown.noArea }

    /// Reads a `unit,area` CSV (any delimiter the catalogue reader detects). A unit named twice with two
    /// different areas is an error at the second line.
    public static func read(path: String) throws(InputError) -> AreaMap {
        let table = try TextTable.csv(path: path)
        guard let (headerIndex, columns) = table.header(containing: ["unit", "area"]) else {
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message: "not an area map: expected a header with the columns \"unit\" and \"area\"")
        }
        var map: [String: String] = [:]
        for (line, cells) in table.rows.dropFirst(headerIndex + 1) where !cells.allSatisfy(\.isEmpty) {
            let unitColumn = columns["unit"]!, areaColumn = columns["area"]!
            let unit = unitColumn < cells.count ? cells[unitColumn].trimmingCharacters(in: .whitespaces) : ""
            let area = areaColumn < cells.count ? cells[areaColumn].trimmingCharacters(in: .whitespaces) : ""
            if unit.isEmpty || area.isEmpty {
                throw InputError(
                    location: SourceLocation(file: path, line: line, column: (unit.isEmpty ? unitColumn : areaColumn) + 1),
                    message: "missing value: expected " + (unit.isEmpty ? "a unit code" : "an area name"))
            }
            if let known = map[unit], known != area {
                throw InputError(
                    location: SourceLocation(file: path, line: line, column: areaColumn + 1),
                    message: "unit \(unit) is already in area \"\(known)\", found \"\(area)\"")
            }
            map[unit] = area
        }
        return AreaMap(map)
    }
}
