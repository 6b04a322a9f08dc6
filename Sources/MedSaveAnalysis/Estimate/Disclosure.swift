/// Disclosure control for tables of figures about patients (README, "Disclosure control").
///
/// A table is a set of rows that add up to a shown total. A row based on fewer than `threshold` distinct
/// patients is suppressed (primary). Suppressed rows could still be recovered from the total: one suppressed
/// row is the total minus the others, and several suppressed rows give away their sum. So more rows are
/// suppressed (secondary) until at least two are and, together, they rest on at least `threshold` distinct
/// patients; each secondary row is the one with the smallest value left (preferring a non-zero one, since a
/// group of zeros gives itself away). A table whose total rests on too few patients is withheld whole.
///
/// The rule protects one table against its own total. Two tables of the same data at different levels
/// (units and care areas) published side by side are not checked against each other.
public enum Disclosure {
    public struct Decision: Sendable, Equatable {
        public var primary: Set<Int>
        public var secondary: Set<Int>
        /// The total is withheld too (it rests on fewer than `threshold` patients).
        public var totalSuppressed: Bool

        public var suppressed: Set<Int> { primary.union(secondary) }
    }

    /// Which rows of one table to suppress.
    /// - Parameters:
    ///   - patients: distinct patients behind each row.
    ///   - values: each row's value (the saving of the table's first scenario), to choose secondary rows by.
    ///   - totalPatients: distinct patients behind the total.
    ///   - distinctPatients: distinct patients behind a set of rows taken together (rows may share patients).
    /// Complexity: O(rows²) calls of `distinctPatients` at worst.
    public static func decide(
        patients: [Int], values: [Double], totalPatients: Int, threshold: Int, distinctPatients: (Set<Int>) -> Int
    ) -> Decision {
        precondition(patients.count == values.count, "one patient count per value")
        let primary = Set(patients.indices.filter { patients[$0] < threshold })
        if totalPatients < threshold {
            return Decision(
                primary: primary, secondary: Set(patients.indices).subtracting(primary), totalSuppressed: true)
        }
        var suppressed = primary
        while !suppressed.isEmpty, suppressed.count < values.count,
            suppressed.count == 1 || distinctPatients(suppressed) < threshold
        {
            let candidates = values.indices.filter { !suppressed.contains($0) }
            let positive = candidates.filter { values[$0] > 0 }
            let pool = positive.isEmpty ? candidates : positive
            let smallest = pool.min { (values[$0], $0) < (values[$1], $1) }!
            suppressed.insert(smallest)
        }
        return Decision(primary: primary, secondary: suppressed.subtracting(primary), totalSuppressed: false)
    }
}
