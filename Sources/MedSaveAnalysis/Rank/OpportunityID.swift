import MedSaveModel
import MedSaveSupport

extension Opportunity {
    /// The id of the opportunity of `key` in `equivalenceClass` at `level` (and, with `--by-period`, in
    /// `period`): the first 12 hex digits (lower case) of SHA-256 over those parts. What was dispensed, prices,
    /// other rows and new months do not change it, so a decision stays attached when the data is refreshed.
    public static func id(level: RankLevel, key: String, equivalenceClass: EquivalenceClass, period: Period?) -> String
    {
        hash(["2", level.rawValue, key, equivalenceClass.description, period?.description ?? ""])
    }

    /// The id of the first scheme (review databases of schema 1), which also hashed the sorted codes of the
    /// products dispensed: a new product in the class changed it. Only used to find and re-key old decisions.
    public static func legacyID(
        level: RankLevel, key: String, equivalenceClass: EquivalenceClass, products: [String], period: Period?
    ) -> String {
        hash([
            level.rawValue, key, equivalenceClass.description, products.sorted().joined(separator: ","),
            period?.description ?? "",
        ])
    }

    private static func hash(_ parts: [String]) -> String {
        String(SHA256.hex(Array(parts.joined(separator: "|").utf8)).prefix(12))
    }
}
