import Foundation
import MedSaveModel

extension AreaMap {
    /// Reads a `unit,area` CSV (any delimiter the catalogue reader detects), with an optional `region` column.
    /// A unit named twice with two different areas, or an area with two regions, is an error at the second line.
    public static func read(path: String) throws(InputError) -> AreaMap {
        let table = try TextTable.csv(path: path)
        let (headerIndex, columns) = try table.requireHeader(["unit", "area"], path: path, kind: "an area map")
        var map: [String: String] = [:], regions: [String: String] = [:]
        let regionColumn = columns["region"]
        for (line, cells) in table.rows.dropFirst(headerIndex + 1) where !cells.allSatisfy(\.isEmpty) {
            let unitColumn = columns["unit"]!, areaColumn = columns["area"]!
            let unit = unitColumn < cells.count ? cells[unitColumn].trimmingCharacters(in: .whitespaces) : ""
            let area = areaColumn < cells.count ? cells[areaColumn].trimmingCharacters(in: .whitespaces) : ""
            if unit.isEmpty || area.isEmpty {
                throw InputError(
                    location: SourceLocation(
                        file: path, line: line, column: (unit.isEmpty ? unitColumn : areaColumn) + 1),
                    message: "missing value: expected " + (unit.isEmpty ? "a unit code" : "an area name"))
            }
            if let known = map[unit], known != area {
                throw InputError(
                    location: SourceLocation(file: path, line: line, column: areaColumn + 1),
                    message: "unit \(unit) is already in area \"\(known)\", found \"\(area)\"")
            }
            map[unit] = area
            guard let regionColumn else { continue }
            let region = regionColumn < cells.count ? cells[regionColumn].trimmingCharacters(in: .whitespaces) : ""
            guard !region.isEmpty else { continue }
            if let known = regions[area], known != region {
                throw InputError(
                    location: SourceLocation(file: path, line: line, column: regionColumn + 1),
                    message: "area \"\(area)\" is already in region \"\(known)\", found \"\(region)\"")
            }
            regions[area] = region
        }
        return AreaMap(map, regionByArea: regions)
    }
}
