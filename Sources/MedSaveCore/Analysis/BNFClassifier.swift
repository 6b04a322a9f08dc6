/// Equivalence classes of English BNF presentation codes, as OpenPrescribing's price-per-unit analysis forms them.
///
/// The generic equivalent of a 15-character code b is b[0..<9] + "AA" + b[13..<15] + b[13..<15]; a code of
/// another length, or whose characters 14–15 are "A0", stands alone. Classes are then joined by the
/// formulation-swaps file (rows whose `Really equivalent?` is Y: tablet ↔ capsule and the like). A class is
/// named by the lexically smallest generic (AA) code in it.
public struct BNFClassifier: ProductClassifier {
    /// Class id by generic code, for the generic codes that swaps join; every other code's class is its own
    /// generic equivalent.
    private var joined: [String: String] = [:]
    private var names: [String: String] = [:]

    public init() {}

    /// Loads a swaps file (`Code`, `Alternative code`, `Really equivalent?`) and an NHSBSA BNF code table
    /// (zip or CSV, Latin-1) for names; both optional.
    public init(swapsPath: String?, codesPath: String?) throws(InputError) {
        if let swapsPath { try joinSwaps(TextTable.csv(path: swapsPath)) }
        if let codesPath { names = try Self.readNames(codesPath) }
    }

    /// The generic equivalent of `code`, or nil when it stands alone.
    public static func genericEquivalent(_ code: String) -> String? {
        let c = Array(code.utf8)
        guard c.count == 15, !(c[13] == UInt8(ascii: "A") && c[14] == UInt8(ascii: "0")) else { return nil }
        return String(decoding: c[0..<9] + Array("AA".utf8) + c[13..<15] + c[13..<15], as: UTF8.self)
    }

    /// The class id of `code`.
    public func classID(_ code: String) -> String {
        guard let generic = Self.genericEquivalent(code) else { return code }
        return joined[generic] ?? generic
    }

    public func classify(product: String, period: Period) -> ProductClassification {
        .member(EquivalenceClass(group: classID(product)))
    }

    public func name(product: String, period: Period) -> String? { names[product] }

    public func entry(product: String, period: Period) -> CatalogueEntry? { nil }

    public func pricedMembers(of equivalenceClass: EquivalenceClass, in period: Period) -> [CatalogueEntry]? { nil }

    /// Union-find over generic codes, then every member mapped to its set's smallest code.
    mutating func joinSwaps(_ table: TextTable) throws(InputError) {
        guard let (headerIndex, columns) = table.header(containing: ["Code", "Alternative code", "Really equivalent?"]) else {
            throw InputError(
                location: SourceLocation(file: table.path, line: 1, column: 1),
                message: "not a formulation-swaps file: expected columns \"Code\", \"Alternative code\", \"Really equivalent?\"")
        }
        var parent: [String: String] = [:]
        func find(_ x: String) -> String {
            var root = x
            while let p = parent[root], p != root { root = p }
            var y = x
            while let p = parent[y], p != root { parent[y] = root; y = p }
            return root
        }
        for (_, cells) in table.rows.dropFirst(headerIndex + 1) {
            func cell(_ name: String) -> String { columns[name].map { $0 < cells.count ? cells[$0] : "" } ?? "" }
            guard cell("Really equivalent?").uppercased() == "Y" else { continue }
            let a = Self.genericEquivalent(cell("Code")) ?? cell("Code")
            let b = Self.genericEquivalent(cell("Alternative code")) ?? cell("Alternative code")
            guard !a.isEmpty, !b.isEmpty else { continue }
            for x in [a, b] where parent[x] == nil { parent[x] = x }
            let (ra, rb) = (find(a), find(b))
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        // Roots are always the smaller code, so each set's root is its lexically smallest member.
        for code in parent.keys { joined[code] = find(code) }
    }

    /// Presentation code → name from the NHSBSA table (columns "BNF Presentation Code", "BNF Presentation").
    static func readNames(_ path: String) throws(InputError) -> [String: String] {
        let table: TextTable
        if path.lowercased().hasSuffix(".zip") {
            let zip = try ZipArchive(path: path)
            guard let entry = zip.entries.keys.sorted().first(where: { $0.lowercased().hasSuffix(".csv") }),
                let bytes = try zip.read(entry)
            else {
                throw InputError(location: nil, message: "\(path): the zip holds no .csv file")
            }
            table = try TextTable.csv(bytes: bytes, path: "\(path)/\(entry)")
        } else {
            table = try TextTable.csv(path: path)
        }
        guard let (headerIndex, columns) = table.header(containing: ["BNF Presentation Code", "BNF Presentation"]) else {
            throw InputError(
                location: SourceLocation(file: table.path, line: 1, column: 1),
                message: "not a BNF code table: expected columns \"BNF Presentation Code\" and \"BNF Presentation\"")
        }
        let code = columns["BNF Presentation Code"]!, name = columns["BNF Presentation"]!
        var names: [String: String] = [:]
        for (_, cells) in table.rows.dropFirst(headerIndex + 1) where code < cells.count && name < cells.count {
            names[cells[code]] = cells[name]
        }
        return names
    }
}
