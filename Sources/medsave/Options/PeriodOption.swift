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
}
