/// A pharmacist's decision on an opportunity.
public enum ReviewDecision: String, Sendable, Codable, CaseIterable {
    case accept, reject
    /// Look again later: a deferred opportunity stays in the ranking even with `--hide-decided`.
    case `defer`

    /// Accepted or rejected: nothing left to decide.
    public var isFinal: Bool { self != .defer }
}

/// One recorded decision. The store keeps every decision ever made; the latest per opportunity is current.
public struct ReviewRecord: Sendable, Equatable, Codable {
    /// Order of recording, 1, 2, 3, … across the whole store.
    public var sequence: Int64
    public var opportunityID: String
    public var decision: ReviewDecision
    public var note: String
    public var reviewer: String
    /// UTC, ISO 8601 to the second.
    public var decidedAt: String

    public init(
        sequence: Int64, opportunityID: String, decision: ReviewDecision, note: String, reviewer: String,
        decidedAt: String
    ) {
        self.sequence = sequence
        self.opportunityID = opportunityID
        self.decision = decision
        self.note = note
        self.reviewer = reviewer
        self.decidedAt = decidedAt
    }
}

extension ReviewRecord {
    /// What `accept` checks of an id and a reviewer, and `import` of every row; nil when both are fine.
    public static func problem(id: String, reviewer: String) -> String? {
        guard id.count == 12, id.allSatisfy(\.isHexDigit) else {
            return "\(id): an opportunity id is 12 hex digits, as in rank's id column"
        }
        if reviewer.trimmingCharacters(in: .whitespaces).isEmpty { return "the reviewer must name someone" }
        return nil
    }
}
