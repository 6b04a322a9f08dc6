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
    /// What the decision was made on, when known: the saving shown, the window and the suggested product.
    public var context: DecisionContext?
    /// The id the decision was first recorded under, when that was an id of the first scheme (which hashed the
    /// products dispensed) and a run has since re-keyed it.
    public var legacyID: String?

    public init(
        sequence: Int64, opportunityID: String, decision: ReviewDecision, note: String, reviewer: String,
        decidedAt: String, context: DecisionContext? = nil, legacyID: String? = nil
    ) {
        self.sequence = sequence
        self.opportunityID = opportunityID
        self.decision = decision
        self.note = note
        self.reviewer = reviewer
        self.decidedAt = decidedAt
        self.context = context
        self.legacyID = legacyID
    }
}

/// The opportunity as it was when a decision was made on it, so that later runs can say what has changed.
public struct DecisionContext: Sendable, Equatable, Codable {
    /// The saving as shown, in money rounded to the öre/penny.
    public var saving: Double
    /// `FROM..TO`, the window the saving was summed over.
    public var window: String
    /// The suggested product's code; empty when none was suggested.
    public var suggested: String

    public init(saving: Double, window: String, suggested: String) {
        self.saving = saving
        self.window = window
        self.suggested = suggested
    }
}

/// A decision to record: `review accept` makes one, `review import` one per row.
public struct ReviewItem: Sendable, Equatable {
    public var id: String
    public var decision: ReviewDecision
    public var note: String
    public var reviewer: String
    /// What it was made on, when the caller knows (an imported rank export does); otherwise the store takes it
    /// from the latest run that showed the id.
    public var context: DecisionContext?

    public init(id: String, decision: ReviewDecision, note: String, reviewer: String, context: DecisionContext? = nil) {
        self.id = id.lowercased()
        self.decision = decision
        self.note = note
        self.reviewer = reviewer
        self.context = context
    }
}

/// An opportunity a run showed, as `rank --review-db` records it so that decisions can be checked against it.
public struct ShownOpportunity: Sendable, Equatable {
    public var id: String
    /// The id of the first scheme, which also hashed the products dispensed: decisions recorded under it are
    /// re-keyed to `id`.
    public var legacyID: String
    public var level: String
    public var key: String
    public var equivalenceClass: String
    public var context: DecisionContext

    public init(
        id: String, legacyID: String, level: String, key: String, equivalenceClass: String, context: DecisionContext
    ) {
        self.id = id
        self.legacyID = legacyID
        self.level = level
        self.key = key
        self.equivalenceClass = equivalenceClass
        self.context = context
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
