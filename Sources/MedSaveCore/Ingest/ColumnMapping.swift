import Foundation

/// Which header name in a file holds each native column. Unmapped native columns are looked up by their own name.
public struct ColumnMapping: Sendable, Equatable, Codable {
    public var names: [DispensingColumn: String]

    public init(_ names: [DispensingColumn: String] = [:]) { self.names = names }

    /// Parses `native=Header` assignments such as `product=Varunummer`.
    public init(assignments: [String]) throws(InputError) {
        var names: [DispensingColumn: String] = [:]
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "=") else {
                throw InputError(location: nil, message: "--map \(assignment): expected NATIVE=HEADER, such as product=Varunummer")
            }
            let key = String(assignment[..<eq]), value = String(assignment[assignment.index(after: eq)...])
            guard let column = DispensingColumn(rawValue: key) else {
                let known = DispensingColumn.allCases.map(\.rawValue).joined(separator: ", ")
                throw InputError(location: nil, message: "--map \(assignment): unknown column \"\(key)\"; known columns: \(known)")
            }
            guard !value.isEmpty else { throw InputError(location: nil, message: "--map \(assignment): the header name is empty") }
            names[column] = value
        }
        self.names = names
    }

    /// Finds each native column in `header`: exact match first, then ignoring case and surrounding spaces.
    /// Throws, naming the file and what it does have, when a required column is missing.
    func resolve(header: [String], file: String) throws(InputError) -> [DispensingColumn: Int] {
        var result: [DispensingColumn: Int] = [:]
        let normalised = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for column in DispensingColumn.allCases {
            let wanted = names[column] ?? column.rawValue
            if let i = header.firstIndex(of: wanted)
                ?? normalised.firstIndex(of: wanted.trimmingCharacters(in: .whitespaces).lowercased())
            {
                result[column] = i
            } else if column.isRequired || names[column] != nil {
                let found = header.map { "\"\($0)\"" }.joined(separator: ", ")
                throw InputError(
                    location: SourceLocation(file: file, line: 1, column: 1),
                    message: "missing column \"\(wanted)\" for \(column.rawValue); the header has \(found)",
                    hint: names[column] == nil ? "map it with --map \(column.rawValue)=NAME" : nil)
            }
        }
        return result
    }
}
