import ArgumentParser
import MedSaveCore

/// `--period` as every subcommand takes it: FROM..TO, FROM.., ..TO or one period.
enum PeriodOption {
    /// The window `text` names; every period when nil.
    static func range(_ text: String?, option: String = "period") throws -> PeriodRange {
        guard let text else { return PeriodRange() }
        guard let range = PeriodRange(text: text) else {
            throw ValidationError(
                "--\(option) \(text): expected FROM..TO with periods as YYYY-MM (or a year, YYYY), FROM not after TO")
        }
        return range
    }

    /// One month, `YYYY-MM`; nil when not given.
    static func month(_ text: String?, option: String) throws -> Period? {
        guard let text else { return nil }
        guard text.count == 7, let month = Period(text: text) else {
            throw ValidationError("--\(option) \(text): expected a month, YYYY-MM")
        }
        return month
    }
}
