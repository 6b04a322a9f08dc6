/// The native columns of a dispensing file (datasets/README.md).
public enum DispensingColumn: String, Sendable, CaseIterable, Codable {
    case period, unit, prescriber, patient, product, quantity, cost, items
    case substitutionAllowed = "substitution_allowed"

    public var isRequired: Bool {
        switch self {
        case .period, .unit, .product, .quantity, .cost: true
        case .prescriber, .patient, .items, .substitutionAllowed: false
        }
    }
}

/// Which column identifies the organisation whose spending is compared: the care unit (practice) or the prescriber.
public enum OrganisationColumn: String, Sendable, Codable {
    case unit, prescriber
}

/// What a bootstrap may resample besides organisations: patients or prescribers.
public enum ClusterColumn: String, Sendable, Codable {
    case patient, prescriber
}

/// Quantity and cost summed over the rows of one (organisation, product, period).
///
/// 32 bytes: the period index in 16 bits (a read numbers at most 2¹² periods, `DispensingReader.fitsKey`), the
/// row count in 32 (a run reads at most `Int32.max` rows, `DispensingReadOptions.maximumRows`), whether any row
/// was a correction or marked "do not substitute" as flags beside the period, and the fields ordered so that
/// none is padded. The sums of the rows marked "do not substitute" (a few in a hundred) are not kept here but in
/// `DispensingAggregate.blockedByPrescriber`. National files have a cell for about every row, so each byte here
/// is ten megabytes there, and summing reads the cells of a (class, month) from all over the list.
public struct DispensingCell: Sendable, Equatable {
    public var organisation: Int32
    public var product: Int32
    private var periodIndex: UInt16
    private var flags: UInt16 = 0
    package var rowCount: Int32 = 0
    public var quantity: FixedDecimal = .zero
    public var cost: FixedDecimal = .zero

    /// Index into `DispensingAggregate.periods`.
    public var period: Int32 {
        get { Int32(periodIndex) }
        set { periodIndex = UInt16(newValue) }
    }

    public var rows: Int {
        get { Int(rowCount) }
        set { rowCount = Int32(newValue) }
    }

    private static let correctionFlag: UInt16 = 1
    private static let blockedFlag: UInt16 = 2

    /// Whether any of the cell's rows is a correction (negative quantity or cost), summed into the totals like
    /// any other row.
    public var hasCorrectionRows: Bool {
        get { flags & Self.correctionFlag != 0 }
        set { flags = newValue ? flags | Self.correctionFlag : flags & ~Self.correctionFlag }
    }

    /// Whether any of the cell's rows was marked "do not substitute" (`substitution_allowed` false); those rows'
    /// totals are in `DispensingAggregate.blockedByPrescriber` (`blockedByCell`).
    public var hasBlockedRows: Bool {
        get { flags & Self.blockedFlag != 0 }
        set { flags = newValue ? flags | Self.blockedFlag : flags & ~Self.blockedFlag }
    }

    /// Adds another cell's sums and flags (a cell with the same key read elsewhere).
    @inline(__always)
    public mutating func add(_ other: DispensingCell) {
        quantity.raw += other.quantity.raw
        cost.raw += other.cost.raw
        rowCount += other.rowCount
        flags |= other.flags
    }

    public init(organisation: Int32, product: Int32, period: Int32) {
        self.organisation = organisation
        self.product = product
        periodIndex = UInt16(period)
    }
}

/// What one pass over the dispensing files leaves: totals per (organisation, product, period), the codes
/// behind the dense ids, distinct patients and prescribers per cell, and everything read or set aside.
/// Its size grows with the number of distinct cells, never with the number of rows.
public struct DispensingAggregate: Sendable {
    public var organisationColumn: OrganisationColumn
    public package(set) var organisations: [String] = []
    public package(set) var products: [String] = []
    public package(set) var periods: [Period] = []
    /// Prescriber codes by id, when the file has a prescriber column: those given an id (a code of digits is
    /// given one only where its text is needed, `PrescriberCode`).
    public package(set) var prescribers: [String] = []
    /// Patient codes by id, only when asked for (`DispensingReadOptions.patientCodes`): never written anywhere.
    public package(set) var patients: [String] = []
    public package(set) var cells: [DispensingCell] = []
    /// The (product id << 32 | period id) pairs of the cells, each once, in the order the cells first meet
    /// them (as a pass over `cells` would list them), when the reader kept them; empty otherwise.
    public package(set) var pairs: [UInt64] = []
    /// (cell index << 32 | patient id) for every distinct patient seen in a cell.
    public package(set) var patientsByCell = PairSet()
    /// (cell index << 32 | prescriber code: a code's own or its id, `PrescriberCode`), when the organisation is
    /// not the prescriber.
    public package(set) var prescribersByCell = PairSet()
    /// Rows marked "do not substitute", summed per (cell index << 32 | prescriber id, 0xFFFFFFFF for rows that
    /// name none), so that blocked savings can be reported per prescriber: every blocked row is here, so a
    /// cell's blocked sums are those of its entries (`blockedByCell`). A cell's entry without a prescriber is
    /// left out when it sums to zero and the cell has others.
    public package(set) var blockedByPrescriber = BlockedSums()
    /// With `DispensingReadOptions.cluster`: substitutable quantity (rows not marked "do not substitute") per
    /// (cell index << 32 | cluster id), the id 0xFFFFFFFF for rows without one.
    public package(set) var clusterQuantities: [UInt64: FixedDecimal] = [:]
    /// The quantity and cost of the rows marked "do not substitute" of each cell that has any, by cell index.
    /// O(entries of `blockedByPrescriber`).
    public func blockedByCell() -> [Int32: (quantity: FixedDecimal, cost: FixedDecimal)] {
        var sums: [Int32: (quantity: FixedDecimal, cost: FixedDecimal)] = [:]
        sums.reserveCapacity(blockedByPrescriber.count)
        for entry in blockedByPrescriber {
            let old = sums[entry.cell] ?? (.zero, .zero)
            sums[entry.cell] = (old.quantity + entry.quantity, old.cost + entry.cost)
        }
        return sums
    }

    public package(set) var hasPatients = false
    public package(set) var hasPrescribers = false

    /// Data rows read (blank lines and header lines excluded), and the cost column summed over every row
    /// whose cost could be read.
    public package(set) var rowsRead = 0
    public package(set) var costRead: FixedDecimal = .zero
    /// Rows set aside because they could not be read as a record; their readable cost.
    public package(set) var badRows = 0
    public package(set) var badRowCost: FixedDecimal = .zero
    /// Problems, in the order found.
    public package(set) var problems: [InputProblem] = []
    /// Input files with the dialect they were read with (delimiter detected where not given).
    public package(set) var files: [(path: String, dialect: CSVDialect)] = []

    public init(organisationColumn: OrganisationColumn) {
        self.organisationColumn = organisationColumn
    }
}
