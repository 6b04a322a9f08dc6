/// Care units grouped into care areas (`--areas PATH`): a CSV with the columns `unit` and `area`.
public struct AreaMap: Sendable, Equatable {
    public private(set) var areaByUnit: [String: String]

    public init(_ areaByUnit: [String: String]) { self.areaByUnit = areaByUnit }

    /// The area of `unit`, or `AreaMap.noArea`.
    public func area(of unit: String) -> String { areaByUnit[unit] ?? AreaMap.noArea }

    /// The row of units the area map does not name.
    public static let noArea = "(no area)"
}
