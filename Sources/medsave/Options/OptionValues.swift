import ArgumentParser
import MedSaveCore

/// Option values that `rank`, `estimate` and `report` share, each parsed and checked in one place with one
/// message.
enum OptionValues {
    /// `--target`: pv, cheapest, median or pNN.
    static func target(_ text: String) throws -> TargetRule {
        guard let rule = TargetRule(text: text) else {
            throw ValidationError("--target \(text): expected pv, cheapest, median or pNN with NN from 0 to 100")
        }
        return rule
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
