import MedSaveModel

/// Everything a report shows, computed before it is rendered: the ranking, the figures behind the charts,
/// the budget-year estimate and the assumptions (the renderer adds the run manifest).
public struct Report: Sendable {
    /// Who the report is for, which decides the order and depth of its sections.
    public enum Audience: String, Sendable, CaseIterable, Codable {
        /// Medicines-management teams: the switches to make first, with flags and review status.
        case pharmacist
        /// The budget office: the budget-year figure by scenario, with intervals and how it was made.
        case budget
    }

    public var audience: Audience
    /// The opportunities over the window at the ranking's level, ranked, at most as many as the report lists.
    public var ranking: RankResult
    public var figures: ReportFigures
    /// What the chart's groups are, e.g. "ATC main group", and a name for each key.
    public var groupTitle: String
    public var groupNames: [String: String]
    /// The budget-year estimate (with `monthly` rows), or why there is none.
    public var estimate: EstimateResult?
    public var estimateUnavailable: String?
    /// Named assumptions, in the order shown: target rule, uptake, periods, price lists, rules, suppression.
    public var assumptions: [(name: String, value: String)]

    public init(
        audience: Audience, ranking: RankResult, figures: ReportFigures, groupTitle: String,
        groupNames: [String: String],
        estimate: EstimateResult?, estimateUnavailable: String?, assumptions: [(name: String, value: String)]
    ) {
        self.audience = audience
        self.ranking = ranking
        self.figures = figures
        self.groupTitle = groupTitle
        self.groupNames = groupNames
        self.estimate = estimate
        self.estimateUnavailable = estimateUnavailable
        self.assumptions = assumptions
    }
}

extension Report {
    /// What the groups of a breakdown are called in a report.
    public static func groupTitle(of by: Breakdown) -> String {
        switch by {
        case .atc1: "ATC main group"
        case .atc2: "ATC therapeutic group"
        case .atc3: "ATC pharmacological group"
        case .atc4: "ATC chemical group"
        case .atc5: "ATC substance"
        case .bnfChapter: "BNF chapter"
        case .bnfSection: "BNF section"
        default: by.rawValue
        }
    }

    /// WHO's names of the ATC anatomical main groups, for labels.
    public static let atcMainGroups: [String: String] = [
        "A": "Alimentary tract and metabolism", "B": "Blood and blood forming organs", "C": "Cardiovascular system",
        "D": "Dermatologicals", "G": "Genito-urinary system and sex hormones",
        "H": "Systemic hormonal preparations", "J": "Anti-infectives for systemic use",
        "L": "Antineoplastic and immunomodulating agents", "M": "Musculo-skeletal system", "N": "Nervous system",
        "P": "Antiparasitic products", "R": "Respiratory system", "S": "Sensory organs", "V": "Various",
    ]
}
