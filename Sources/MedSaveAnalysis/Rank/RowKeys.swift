import MedSaveModel

/// Why a ranking level cannot be used on these inputs.
public struct RankLevelError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension Ranking {
    /// What a row is keyed by at the configuration's level: the organisation (unit or prescriber), everyone
    /// (`all`), or the area or region the unit belongs to (from `RankConfiguration.areas`).
    struct RowKeys: Sendable {
        let level: RankLevel
        /// Area or region names, by the index `groupOf` gives; empty at other levels.
        let names: [String]
        /// Each organisation's group index at levels `area` and `region`; nil at the others.
        let groupOf: [Int32]?

        /// Keys named by `names` (at levels area and region), without the organisations' groups (rows that
        /// are summed already: a partial's).
        init(level: RankLevel, names: [String]) {
            self.level = level
            self.names = names
            groupOf = nil
        }

        init(_ data: DispensingAggregate, _ configuration: RankConfiguration) throws(RankLevelError) {
            level = configuration.level
            guard level == .area || level == .region else {
                names = []
                groupOf = nil
                return
            }
            guard let areas = configuration.areas else {
                throw RankLevelError(description: "--level \(level) needs --areas PATH (unit,area[,region])")
            }
            if level == .region && areas.regionByArea.isEmpty {
                throw RankLevelError(description: "--level region needs a region column in the --areas file")
            }
            var index: [String: Int32] = [:]
            var names: [String] = []
            let byArea = level == .area
            let groupOf = data.organisations.map { unit in
                let name = byArea ? areas.area(of: unit) : areas.region(of: unit)
                if let known = index[name] { return known }
                names.append(name)
                index[name] = Int32(names.count - 1)
                return Int32(names.count - 1)
            }
            self.names = names
            self.groupOf = groupOf
        }

        /// The code a row with key `key` is shown under: its unit or prescriber, area or region, or `all`.
        func name(_ key: Int32, _ data: DispensingAggregate) -> String {
            if key < 0 { return "all" }
            return groupOf == nil ? data.organisations[Int(key)] : names[Int(key)]
        }
    }
}
