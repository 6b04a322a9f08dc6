import ArgumentParser
import MedSaveCore

/// Option values that `rank`, `estimate` and `report` share, each parsed and checked in one place with one
/// message.
enum OptionValues {
    /// `--target`: pv, cheapest, median, pNN or list:FILE (the file is read by `loaded`, with the inputs).
    static func target(_ text: String) throws -> TargetRule {
        guard let rule = TargetRule(text: text) else {
            throw ValidationError(
                "--target \(text): expected pv, cheapest, median, pNN with NN from 0 to 100, or list:FILE")
        }
        return rule
    }

    /// `rule` with its target list read, for `list:FILE`; other rules as they are.
    static func loaded(_ rule: TargetRule) throws(InputError) -> TargetRule {
        guard let list = rule.targetList else { return rule }
        return .list(try TargetList.read(path: list.path))
    }

    /// The target list file as an input of the run, for the manifest and the output-is-an-input check.
    static func listInputs(_ rule: TargetRule?) -> [(role: String, path: String)] {
        rule?.targetList.map { [(role: "target list", path: $0.path)] } ?? []
    }

    /// Refuses a `list:` target where it is not supported yet (estimate and report, whose budget-year figures
    /// price the year from the catalogue), before any file is read.
    static func refuseList(_ rules: [TargetRule], command: String) throws {
        if rules.contains(where: { $0.targetList != nil }) {
            throw ValidationError(
                "--target list:FILE applies to rank and explain; \(command) takes pv, cheapest, median or pNN")
        }
    }

    /// The library's check that `rule` can be used with these inputs, as a usage error before any file is read.
    static func checkTarget(_ rule: TargetRule, groups: InputOptions.GroupSource, peers: Bool = false) throws {
        do {
            try Targets.check(rule, pricesKnown: groups != .bnf, peerGroup: peers)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// `--uptake`: fractions from 0 to 1, comma-separated.
    static func uptakes(_ text: String) throws -> [Double] {
        try list(text, option: "uptake") { item in
            guard let u = Double(item), u.isFinite, (0...1).contains(u) else {
                throw ValidationError("--uptake \(item): expected a fraction from 0 to 1, such as 0.8")
            }
            return u
        }
    }

    /// `--budget-year`, `--bootstrap` and `--suppress-below` within their ranges.
    static func checkEstimate(budgetYear: Int?, bootstrap: Int, suppressBelow: Int) throws {
        if let budgetYear, !(1900...2999).contains(budgetYear) {
            throw ValidationError("--budget-year \(budgetYear): expected a year such as 2026")
        }
        guard bootstrap >= 0, bootstrap <= 100_000 else {
            throw ValidationError("--bootstrap must be from 0 to 100000")
        }
        guard suppressBelow >= 0 else { throw ValidationError("--suppress-below must be 0 or more") }
    }

    /// A comma-separated option value, each item parsed by `parse`, without repeats.
    static func list<T: Equatable>(_ text: String, option: String, _ parse: (String) throws -> T) throws -> [T] {
        var values: [T] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let value = try parse(item.trimmingCharacters(in: .whitespaces))
            if values.contains(value) { throw ValidationError("--\(option) names \(item) twice") }
            values.append(value)
        }
        return values
    }
}
