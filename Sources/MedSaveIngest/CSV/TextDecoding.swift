import Foundation
import MedSaveModel

/// Decoding input bytes in the encoding a file was declared or detected to be in.
extension TextEncoding {
    /// Decodes bytes; nil when they are not valid in this encoding (only UTF-8 can fail).
    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        switch self {
        case .utf8:
            // Checked here rather than by `String(validating:as:)`, whose generic path costs far more per call.
            return Self.isValidUTF8(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
        case .windows1252:
            var scalars = String.UnicodeScalarView()
            for b in bytes { scalars.append(Self.windows1252Scalar(b)) }
            return String(scalars)
        }
    }

    /// Whether `bytes` are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int, low: UInt8, high: UInt8  // bounds of the second byte
            switch b {
            case 0xC2...0xDF:
                length = 2
                low = 0x80
                high = 0xBF
            case 0xE0:
                length = 3
                low = 0xA0
                high = 0xBF
            case 0xE1...0xEC, 0xEE...0xEF:
                length = 3
                low = 0x80
                high = 0xBF
            case 0xED:
                length = 3
                low = 0x80
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
                high = 0xBF
            case 0xF1...0xF3:
                length = 4
                low = 0x80
                high = 0xBF
            case 0xF4:
                length = 4
                low = 0x80
                high = 0x8F
            default: return false
            }
            guard i + length <= n, bytes[i + 1] >= low, bytes[i + 1] <= high else { return false }
            for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
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
