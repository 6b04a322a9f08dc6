import Foundation
import MedSaveModel

/// Safety rules read from CSV (`match,pattern,action,reason,source`; README documents it).
extension SafetyRules {
    /// The rules shipped with medsave (`DefaultRules.csv`).
    public static let shipped: SafetyRules = try! parse(DefaultRules.csv, path: "(shipped rules)")

    /// Reads a rules file.
    public static func read(path: String) throws(InputError) -> SafetyRules {
        let table = try TextTable.csv(path: path)
        return try parse(table)
    }

    static func parse(_ text: String, path: String) throws(InputError) -> SafetyRules {
        try parse(TextTable.csv(bytes: Array(text.utf8), path: path))
    }

    static func parse(_ table: TextTable) throws(InputError) -> SafetyRules {
        let required = ["match", "pattern", "action", "reason", "source"]
        guard let (headerIndex, columns) = table.header(containing: required) else {
            throw InputError(
                location: SourceLocation(file: table.path, line: 1, column: 1),
                message: "not a safety rules file: expected columns \(required.joined(separator: ", "))")
        }
        var rules: [SafetyRule] = []
        for (line, cells) in table.rows.dropFirst(headerIndex + 1) {
            func cell(_ name: String) -> String { columns[name]! < cells.count ? cells[columns[name]!] : "" }
            func fail(_ name: String, _ expected: String) -> InputError {
                InputError(
                    problem: InputProblem(
                        location: SourceLocation(file: table.path, line: line, column: columns[name]! + 1), field: name,
                        message: "not a valid rule", expected: expected, found: cell(name)))
            }
            if cell("match").hasPrefix("#") { continue }
            guard let match = SafetyMatch(rawValue: cell("match").lowercased()) else {
                throw fail("match", SafetyMatch.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let action = SafetyAction(rawValue: cell("action").lowercased()) else {
                throw fail("action", SafetyAction.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if match == .attribute && ProductAttribute(rawValue: cell("pattern").lowercased()) == nil {
                throw fail("pattern", ProductAttribute.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard !cell("pattern").isEmpty else { throw fail("pattern", "a pattern") }
            guard !cell("reason").isEmpty, !cell("source").isEmpty else {
                throw fail(cell("reason").isEmpty ? "reason" : "source", "every rule says why and cites a source")
            }
            rules.append(
                SafetyRule(
                    match: match, pattern: cell("pattern"), action: action, reason: cell("reason"),
                    source: cell("source")))
        }
        return SafetyRules(rules: rules)
    }
}
