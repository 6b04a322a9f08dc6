/// One month of a ranking, exactly: what `rank --partial` writes and `medsave merge` folds into a window. Every
/// sum is kept as the ranking holds it (fixed-point quantities and costs, the savings and Σ Q·T as the doubles
/// they are), so that folding the months of separate runs gives the ranking of one run over all of them, byte
/// for byte. Patients are not carried: a distinct count does not add, and patient ids stay where they were read.
public struct RankPartial: Codable, Sendable, Equatable {
    public static let formatName = "medsave-partial-1"

    /// `formatName`: a file of another format is refused.
    public var format = RankPartial.formatName
    /// What the rows were computed with (target, level, rules, areas, peers, window, organisations): partials
    /// whose fingerprints differ are not merged.
    public var fingerprint: [String: String] = [:]
    public var month: Period
    public var organisations: [String] = []
    public var products: [String] = []
    public var prescribers: [String] = []
    public var classes: [String] = []
    /// At levels area and region: the groups' names, which rows' keys index.
    public var groups: [String] = []
    public var hasPrescribers = false
    public var hasPatients = false
    /// What was read (fixed-point raw values: millionths), the problems' count, and the files.
    public var rowsRead = 0
    public var costRead: Int64 = 0
    public var badRows = 0
    public var badRowCost: Int64 = 0
    public var problems = 0
    public var files: [String] = []
    /// Rows used, and set aside by reason (`SetAsideReason` raw values).
    public var rowsUsed = 0
    public var costUsed: Int64 = 0
    public var setAside: [String: SetAside] = [:]
    public var rows: [Row] = []
    public var members: [Member] = []
    public var cells: [Cell] = []
    /// (row, prescriber) for each prescriber seen in a row's cells.
    public var prescriberPairs: [[Int32]] = []
    public var barriers: [Barrier] = []
    /// Products not in the catalogue of the month.
    public var unknownProducts: [Int32] = []

    public init(month: Period) { self.month = month }

    public struct SetAside: Codable, Sendable, Equatable {
        public var rows: Int
        public var cost: Int64

        public init(rows: Int, cost: Int64) {
            self.rows = rows
            self.cost = cost
        }
    }

    /// One (key, class) row of the month: the key is an organisation, a group, or −1 (every unit).
    public struct Row: Codable, Sendable, Equatable {
        public var key: Int32
        public var classIndex: Int32
        public var quantity: Int64
        public var cost: Int64
        public var saving: Double
        public var blockedSaving: Double
        public var targetCost: Double
        public var targetQuantity: Double
        public var targetPrice: Double
        public var flags: UInt16

        public init(
            key: Int32, classIndex: Int32, quantity: Int64, cost: Int64, saving: Double, blockedSaving: Double,
            targetCost: Double, targetQuantity: Double, targetPrice: Double, flags: UInt16
        ) {
            self.key = key
            self.classIndex = classIndex
            self.quantity = quantity
            self.cost = cost
            self.saving = saving
            self.blockedSaving = blockedSaving
            self.targetCost = targetCost
            self.targetQuantity = targetQuantity
            self.targetPrice = targetPrice
            self.flags = flags
        }
    }

    /// A unit's saving in a row that sums units.
    public struct Member: Codable, Sendable, Equatable {
        public var row: Int32
        public var organisation: Int32
        public var saving: Double

        public init(row: Int32, organisation: Int32, saving: Double) {
            self.row = row
            self.organisation = organisation
            self.saving = saving
        }
    }

    /// A cell summed into a row: its organisation, product and cost.
    public struct Cell: Codable, Sendable, Equatable {
        public var row: Int32
        public var organisation: Int32
        public var product: Int32
        public var cost: Int64

        public init(row: Int32, organisation: Int32, product: Int32, cost: Int64) {
            self.row = row
            self.organisation = organisation
            self.product = product
            self.cost = cost
        }
    }

    /// The saving "do not substitute" flags block for one unit, prescriber (−1: none) and class.
    public struct Barrier: Codable, Sendable, Equatable {
        public var organisation: Int32
        public var prescriber: Int32
        public var classIndex: Int32
        public var quantity: Int64
        public var cost: Int64
        public var saving: Double

        public init(
            organisation: Int32, prescriber: Int32, classIndex: Int32, quantity: Int64, cost: Int64, saving: Double
        ) {
            self.organisation = organisation
            self.prescriber = prescriber
            self.classIndex = classIndex
            self.quantity = quantity
            self.cost = cost
            self.saving = saving
        }
    }
}

extension RankPartial {
    /// A partial file's first line: its format, fingerprint and months, so that files can be ordered and checked
    /// before any month is read.
    public struct Header: Codable, Sendable, Equatable {
        public var format = RankPartial.formatName
        public var fingerprint: [String: String]
        public var months: [String]

        public init(fingerprint: [String: String], months: [String]) {
            self.fingerprint = fingerprint
            self.months = months
        }
    }
}
