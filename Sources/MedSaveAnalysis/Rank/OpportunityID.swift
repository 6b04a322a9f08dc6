import MedSaveModel
import MedSaveSupport

extension Opportunity {
    /// The id of an opportunity with these identifying parts (see `id`).
    public static func id(
        level: RankLevel, key: String, equivalenceClass: EquivalenceClass, products: [String], period: Period?
    ) -> String {
        let text = [
            level.rawValue, key, equivalenceClass.description, products.sorted().joined(separator: ","),
            period?.description ?? "",
        ]
        .joined(separator: "|")
        return String(SHA256.hex(Array(text.utf8)).prefix(12))
    }
}
