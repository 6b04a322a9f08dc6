import Foundation
import MedSaveModel

/// The English side files: the formulation-swaps file and NHSBSA's BNF code table.
extension BNFClassifier {
    /// Loads a swaps file (`Code`, `Alternative code`, `Really equivalent?`) and an NHSBSA BNF code table
    /// (zip or CSV, Latin-1) for names; both optional.
    public init(swapsPath: String?, codesPath: String?) throws(InputError) {
        let joined = try swapsPath.map { path throws(InputError) in try Self.joinSwaps(TextTable.csv(path: path)) }
        let names = try codesPath.map { path throws(InputError) in try Self.readNames(path) }
        self.init(joined: joined ?? [:], names: names ?? [:])
    }

    /// Union-find over generic codes, then every member mapped to its set's smallest code.
    static func joinSwaps(_ table: TextTable) throws(InputError) -> [String: String] {
        guard let (headerIndex, columns) = table.header(containing: ["Code", "Alternative code", "Really equivalent?"])
        else {
            throw InputError(
                location: SourceLocation(file: table.path, line: 1, column: 1),
                message:
                    "not a formulation-swaps file: expected columns \"Code\", \"Alternative code\", \"Really equivalent?\""
            )
        }
        var parent: [String: String] = [:]
        func find(_ x: String) -> String {
            var root = x
            while let p = parent[root], p != root { root = p }
            var y = x
            while let p = parent[y], p != root {
                parent[y] = root
                y = p
            }
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
        var joined: [String: String] = [:]
        for code in parent.keys { joined[code] = find(code) }
        return joined
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
        guard let (headerIndex, columns) = table.header(containing: ["BNF Presentation Code", "BNF Presentation"])
        else {
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
