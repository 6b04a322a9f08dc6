import Foundation
import MedSaveModel

/// Which header name in a file holds each native column. Unmapped native columns are looked up by their own name.
/// A column may have several candidate names (a preset for a dataset whose files differ); the first found is used.
public struct ColumnMapping: Sendable, Equatable, Codable {
    public var names: [DispensingColumn: [String]]
    /// Columns named by `--map`: these must exist even when optional.
    public var explicit: Set<DispensingColumn> = []
    /// Columns a file lacks, with the value every row takes (`--set unit=England`): only `period` and `unit`.
    public var constants: [DispensingColumn: String] = [:]
    /// Values for columns a file's header does not have (a month shard's month, from its folder's name); a
    /// file that has the column is read from it.
    public var defaults: [DispensingColumn: String] = [:]
    /// The columns that may be given a constant value.
    public static let settable: [DispensingColumn] = [.period, .unit]

    public init(_ names: [DispensingColumn: String] = [:]) {
        self.names = names.mapValues { [$0] }
        explicit = Set(names.keys)
    }

    /// Known layouts of other people's files.
    public enum Preset: String, Sendable, CaseIterable, Codable {
        /// NHS England's English Prescribing Dataset (one row per practice × presentation × month).
        case epd
        /// National monthly volumes of price-concession items (OpenPrescribing's `ncso_df.csv`: month,
        /// bnf_code, quantity, nic); every row is England's, the organisation `England`.
        case ncso
    }

    /// Which cost column of the English Prescribing Dataset is the cost: net ingredient cost or actual cost.
    public enum EPDCost: String, Sendable, CaseIterable, Codable {
        case nic, actual
    }

    /// The mapping of a preset, with `assignments` (`--map`) taking precedence.
    public init(preset: Preset, cost: EPDCost = .nic, assignments: [String] = [], constants: [String] = [])
        throws(InputError)
    {
        switch preset {
        case .epd:
            names = [
                .period: ["YEAR_MONTH", "MONTH", "PERIOD"], .unit: ["PRACTICE_CODE"],
                .product: ["BNF_CODE", "BNF_PRESENTATION_CODE"], .quantity: ["TOTAL_QUANTITY"],
                .cost: [cost == .nic ? "NIC" : "ACTUAL_COST"], .items: ["ITEMS"],
            ]
        case .ncso:
            names = [
                .period: ["month"], .product: ["bnf_code"], .quantity: ["quantity"],
                .cost: [cost == .nic ? "nic" : "actual_cost"],
            ]
            self.constants = [.unit: "England"]
        }
        let mapped = try ColumnMapping(assignments: assignments, constants: constants)
        for (column, candidates) in mapped.names {
            names[column] = candidates
            self.constants[column] = nil
        }
        for (column, value) in mapped.constants { self.constants[column] = value }
        explicit = mapped.explicit
    }

    /// Parses `native=Header` assignments such as `product=Varunummer`, and `native=value` constants
    /// (`--set period=2022-06`) for columns the files lack.
    public init(assignments: [String], constants: [String] = []) throws(InputError) {
        var names: [DispensingColumn: String] = [:]
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "=") else {
                throw InputError(
                    location: nil, message: "--map \(assignment): expected NATIVE=HEADER, such as product=Varunummer")
            }
            let key = String(assignment[..<eq]), value = String(assignment[assignment.index(after: eq)...])
            guard let column = DispensingColumn(rawValue: key) else {
                let known = DispensingColumn.allCases.map(\.rawValue).joined(separator: ", ")
                throw InputError(
                    location: nil, message: "--map \(assignment): unknown column \"\(key)\"; known columns: \(known)")
            }
            guard !value.isEmpty else {
                throw InputError(location: nil, message: "--map \(assignment): the header name is empty")
            }
            names[column] = value
        }
        self.names = names.mapValues { [$0] }
        explicit = Set(names.keys)
        for setting in constants {
            guard let eq = setting.firstIndex(of: "="), !setting[setting.index(after: eq)...].isEmpty else {
                throw InputError(
                    location: nil, message: "--set \(setting): expected COLUMN=VALUE, such as unit=England")
            }
            let key = String(setting[..<eq]), value = String(setting[setting.index(after: eq)...])
            guard let column = DispensingColumn(rawValue: key), Self.settable.contains(column) else {
                let known = Self.settable.map(\.rawValue).joined(separator: ", ")
                throw InputError(location: nil, message: "--set \(setting): only \(known) can be set for every row")
            }
            if column == .period && Period(text: value) == nil {
                throw InputError(location: nil, message: "--set \(setting): expected a period as YYYY-MM")
            }
            if self.names[column] != nil {
                throw InputError(location: nil, message: "--set \(setting): \(key) is also mapped with --map; give one")
            }
            self.constants[column] = value
        }
    }

    /// Finds each native column in `header`: exact match first, then ignoring case and surrounding spaces.
    /// Throws, naming the file and what it does have, when a required column is missing.
    func resolve(header: [String], file: String) throws(InputError) -> [DispensingColumn: Int] {
        var result: [DispensingColumn: Int] = [:]
        let normalised = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for column in DispensingColumn.allCases where constants[column] == nil {
            let candidates = names[column] ?? [column.rawValue]
            let found = candidates.lazy.compactMap { wanted in
                header.firstIndex(of: wanted)
                    ?? normalised.firstIndex(of: wanted.trimmingCharacters(in: .whitespaces).lowercased())
            }.first
            if let i = found {
                result[column] = i
            } else if (column.isRequired && defaults[column] == nil) || explicit.contains(column) {
                let found = header.map { "\"\($0)\"" }.joined(separator: ", ")
                let wanted = candidates.map { "\"\($0)\"" }.joined(separator: " or ")
                throw InputError(
                    location: SourceLocation(file: file, line: 1, column: 1),
                    message: "missing column \(wanted) for \(column.rawValue); the header has \(found)",
                    hint: explicit.contains(column) ? nil : "map it with --map \(column.rawValue)=NAME")
            }
        }
        return result
    }
}
