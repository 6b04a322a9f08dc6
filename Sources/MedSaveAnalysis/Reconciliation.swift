import Foundation
import MedSaveModel

/// Why rows were not used in the analysis.
public enum SetAsideReason: String, Sendable, CaseIterable, Codable, Comparable {
    /// The row could not be read (see the problems).
    case badRow = "bad_row"
    /// The product code is not in the catalogue of the row's period.
    case unknownProduct = "unknown_product"
    /// The row's month has no list of its own among the catalogues given (and the product no timeless entry):
    /// a missing price list, not an unknown product.
    case noCatalogueMonth = "no_catalogue_month"
    /// The product is in the catalogue but in no equivalence class (nothing to switch to).
    case noClass = "no_class"
    /// The class has no target price in that period (no PV nor reserve; no organisation with quantity).
    case noTarget = "no_target"
    /// The row's period is outside `--period`.
    case outsidePeriod = "outside_period"
    /// `impact`: the product has no price in one of the two price lists for that period.
    case noPrice = "no_price"

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Words for a person: "unknown product".
    public var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// Rows and money read, used and set aside. Exact: sums are fixed-point, so read = used + set aside holds
/// to the last öre or penny, which `isBalanced` checks.
public struct Reconciliation: Sendable, Equatable {
    public var rowsRead = 0
    public var costRead: FixedDecimal = .zero
    public var rowsUsed = 0
    public var costUsed: FixedDecimal = .zero
    public var rowsSetAside: [SetAsideReason: Int] = [:]
    public var costSetAside: [SetAsideReason: FixedDecimal] = [:]

    public init() {}

    public var rowsSetAsideTotal: Int { rowsSetAside.values.reduce(0, +) }
    public var costSetAsideTotal: FixedDecimal { costSetAside.values.reduce(.zero, +) }

    /// Rows read = used + set aside, and cost read = used + set aside, exactly.
    public var isBalanced: Bool {
        rowsRead == rowsUsed + rowsSetAsideTotal && costRead == costUsed + costSetAsideTotal
    }

    /// Adds the books of another part of the same data (another month, another file).
    public mutating func add(_ other: Reconciliation) {
        rowsRead += other.rowsRead
        costRead += other.costRead
        rowsUsed += other.rowsUsed
        costUsed += other.costUsed
        for (reason, rows) in other.rowsSetAside { rowsSetAside[reason, default: 0] += rows }
        for (reason, cost) in other.costSetAside { costSetAside[reason, default: .zero] += cost }
    }

    mutating func setAside(_ reason: SetAsideReason, rows: Int, cost: FixedDecimal) {
        guard rows > 0 else { return }
        rowsSetAside[reason, default: 0] += rows
        costSetAside[reason, default: .zero] += cost
    }
}
