import Foundation
import MedSaveModel

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
    public static let noArea = AreaMap.noArea
    /// The one row of `total`.
    public static let all = "all"
}
