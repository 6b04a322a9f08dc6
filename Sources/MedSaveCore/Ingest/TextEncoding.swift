import Foundation

/// The character encoding of a text input. Codes and numbers are ASCII in both; names may not be.
public enum TextEncoding: String, Sendable, CaseIterable, Codable {
    /// UTF-8, with or without a byte-order mark.
    case utf8 = "utf-8"
    /// Windows-1252 (what Swedish Excel saves as "CSV"), a superset of Latin-1's printable range.
    case windows1252 = "windows-1252"

    /// Accepts the usual spellings: `utf8`, `UTF-8`, `cp1252`, `windows-1252`, `latin1`, `iso-8859-1`.
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8": self = .utf8
        case "windows-1252", "cp1252", "win1252", "latin1", "latin-1", "iso-8859-1", "iso8859-1": self = .windows1252
        default: return nil
        }
    }

    /// Decodes bytes; nil when they are not valid in this encoding (only UTF-8 can fail).
    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        switch self {
        case .utf8:
            return String(validating: bytes, as: UTF8.self)
        case .windows1252:
            var scalars = String.UnicodeScalarView()
            for b in bytes { scalars.append(Self.windows1252Scalar(b)) }
            return String(scalars)
        }
    }

    /// Windows-1252 differs from Latin-1 only in 0x80–0x9F; its five unassigned bytes map to the C1 controls.
    private static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func windows1252Scalar(_ b: UInt8) -> Unicode.Scalar {
        if b >= 0x80 && b < 0xA0 { return Unicode.Scalar(high[Int(b) - 0x80])! }
        return Unicode.Scalar(b)
    }
}
