/// A `--catalog` argument: a path, optionally prefixed with its kind (`tlv:lists/2602.xlsx`,
/// `uk-tariff:pc_df.csv`). Without a prefix the loader detects the kind from the file's header.
public struct CatalogueSpec: Sendable, Equatable {
    public var kind: CatalogueKind?
    public var path: String

    public init(_ argument: String) {
        for kind in CatalogueKind.allCases where argument.hasPrefix(kind.rawValue + ":") {
            self.kind = kind
            path = String(argument.dropFirst(kind.rawValue.count + 1))
            return
        }
        kind = nil
        path = argument
    }

    /// The list as headings name it: the kind prefix, when given, and the file name without its folders
    /// (`tlv:2602.xlsx`).
    public var label: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return (kind.map { $0.rawValue + ":" } ?? "") + name
    }
}
