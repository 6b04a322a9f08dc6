import ArgumentParser
import MedSaveCore

/// Which safety rules apply; shared by `rank` and `estimate`.
struct SafetyOptions: ParsableArguments {
    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp(
            "Safety rules file (CSV; see 'medsave rules export'), or 'none'. Default: the rules shipped with medsave.",
            valueName: "path"))
    var path: String?

    /// The rules to apply.
    func rules() throws -> SafetyRules {
        switch path {
        case nil: return .shipped
        case "none": return .none
        case let path?: return try SafetyRules.read(path: path)
        }
    }

    /// The rules file read, for the manifest (none for the shipped rules or `none`).
    var manifestInputs: [(role: String, path: String)] {
        path.flatMap { $0 == "none" ? nil : [(role: "rules", path: $0)] } ?? []
    }
}
