/// Care units grouped into care areas (`--areas PATH`): a CSV with the columns `unit` and `area`.
/// An optional `region` column groups the areas into regions.
public struct AreaMap: Sendable, Equatable {
    public private(set) var areaByUnit: [String: String]
    /// The region of each area, when the file has a `region` column.
    public private(set) var regionByArea: [String: String]

    public init(_ areaByUnit: [String: String], regionByArea: [String: String] = [:]) {
        self.areaByUnit = areaByUnit
        self.regionByArea = regionByArea
    }

    /// The area of `unit`, or `AreaMap.noArea`.
    public func area(of unit: String) -> String { areaByUnit[unit] ?? AreaMap.noArea }

    /// The region of `unit`'s area, or `AreaMap.noRegion`.
    public func region(of unit: String) -> String { areaByUnit[unit].flatMap { regionByArea[$0] } ?? AreaMap.noRegion }

    /// The row of units the area map does not name.
    public static let noArea = "(no area)"
    /// The row of units whose area has no region.
    public static let noRegion = "(no region)"
}
