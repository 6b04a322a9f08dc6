import Foundation

/// What a safety rule does to an opportunity it matches, from least to most severe.
public enum SafetyAction: String, Sendable, Codable, CaseIterable, Comparable {
    /// Switch only within the same exchange group (medsave's classes always are); flagged for the reviewer.
    case sameGroupOnly = "same-group-only"
    /// Shown, flagged `review`, with the reason.
    case review
    /// Not ranked; listed with `--show-excluded` and counted in the summary.
    case exclude

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// What a rule looks at.
public enum SafetyMatch: String, Sendable, Codable, CaseIterable {
    /// ATC code prefix (`L04AD` matches `L04AD02`).
    case atc
    /// Substance name, ignoring case: the substance or one of its ` + ` components begins with the pattern.
    case substance
    /// The same, but only for a product without an ATC code: the stand-in for an ATC rule where the list has no
    /// codes (TLV's monthly workbook), which leaves the decision to the ATC rules wherever codes are known
    /// (substance `Takrolimus` also names the ointment, which ATC `L04AD02` does not).
    case substanceWithoutATC = "substance-without-atc"
    /// Product code, exactly.
    case product
    /// `modified-release`, `narcotic`, `biological` or `device` (see `ProductAttribute`).
    case attribute
}

/// A property of a product that rules can name, derived from its catalogue entry.
public enum ProductAttribute: String, Sendable, CaseIterable {
    case modifiedRelease = "modified-release"
    case narcotic
    case biological
    case device
}

/// One rule: what it matches, what it does, and why, with a source a pharmacist can check.
public struct SafetyRule: Sendable, Equatable {
    public var match: SafetyMatch
    public var pattern: String
    public var action: SafetyAction
    public var reason: String
    public var source: String

    public init(match: SafetyMatch, pattern: String, action: SafetyAction, reason: String, source: String) {
        self.match = match
        self.pattern = pattern
        self.action = action
        self.reason = reason
        self.source = source
    }
}

/// A rule that touched an opportunity, as reported with it.
public struct SafetyFinding: Sendable, Equatable, Codable {
    public var action: SafetyAction
    public var reason: String
    public var source: String

    public init(action: SafetyAction, reason: String, source: String) {
        self.action = action
        self.reason = reason
        self.source = source
    }
}

extension SafetyFinding: Hashable {}

/// A set of safety rules (the file format, `match,pattern,action,reason,source`, is read by Ingest).
public struct SafetyRules: Sendable, Equatable {
    public var rules: [SafetyRule]

    public init(rules: [SafetyRule]) { self.rules = rules }

    /// No rules at all (the library's default; the command line uses `shipped`).
    public static let none = SafetyRules(rules: [])
}
