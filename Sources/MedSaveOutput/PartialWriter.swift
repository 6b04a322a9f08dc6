import Foundation
import MedSaveModel

/// `rank --partial`: a header line (format, fingerprint, months), then each month's `RankPartial` as one line of
/// JSON (keys sorted, doubles as the shortest text that reads back as the same double), for `medsave merge`.
public enum PartialWriter {
    public static func jsonLines(_ partials: [RankPartial]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = RankPartial.Header(
            fingerprint: partials.first?.fingerprint ?? [:], months: partials.map(\.month.description))
        // Encoding plain values (strings, integers, finite doubles) cannot fail.
        var text = String(decoding: try! encoder.encode(header), as: UTF8.self) + "\n"
        for partial in partials {
            text += String(decoding: try! encoder.encode(partial), as: UTF8.self) + "\n"
        }
        return text
    }
}
