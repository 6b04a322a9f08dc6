import Foundation

/// Prices and pack sizes as catalogues write them: plain decimals only (`12.50`, `12,50` with a decimal
/// comma, `1 234,50` with spaces grouping thousands), every digit kept at Double precision. Exponents, hex,
/// `inf`, `nan`, and values past Double's range are not prices; a sign is accepted so that the caller can say
/// "negative price" rather than "not a number".
enum PriceText {
    /// The value of `text`, or nil when it is not a plain decimal.
    static func parse(_ text: String, decimalComma: Bool) -> Double? {
        if let plain = plainASCII(text, decimalComma: decimalComma) { return plain }
        var digits = ""
        var seenSeparator = false, seenDigit = false
        for (i, ch) in text.trimmingCharacters(in: .whitespaces).enumerated() {
            switch ch {
            case "0"..."9":
                digits.append(ch)
                seenDigit = true
            case "-",
                "+" where i == 0:
                digits.append(ch)
            case ".", ",":
                // With a decimal comma, a point never separates decimals; without one, a comma never does.
                guard (ch == ",") == decimalComma, !seenSeparator else { return nil }
                seenSeparator = true
                digits.append(".")
            case " ", "\u{00A0}",
                "\u{202F}" where decimalComma:
                continue
            default: return nil
            }
        }
        guard seenDigit, let value = Double(digits), value.isFinite else { return nil }
        return value
    }

    /// The common case without a scan through Foundation: digits with at most one decimal point (or, with a
    /// decimal comma, no separator at all) and an optional leading sign; nil for anything else, which the full
    /// parse then reads or refuses.
    private static func plainASCII(_ text: String, decimalComma: Bool) -> Double? {
        var seenPoint = false, seenDigit = false, first = true
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): seenDigit = true
            case UInt8(ascii: ".") where !decimalComma && !seenPoint: seenPoint = true
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard first else { return nil }
            default: return nil
            }
            first = false
        }
        guard seenDigit, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The value of a plain decimal's bytes — an optional sign, digits and at most one decimal point (none with
    /// `decimalComma`), at most 15 digits in all — or nil for anything else, which `parse(_:decimalComma:)`
    /// then reads from text. The digits as an integer and the power of ten are both exact doubles, so their
    /// quotient is the correctly rounded value, the same double `Double(text)` gives (Clinger's fast path).
    static func parseExactly(_ b: UnsafeBufferPointer<UInt8>, decimalComma: Bool) -> Double? {
        var i = 0, negative = false
        if let first = b.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0, digits = 0, decimals = 0, seenPoint = false
        while i < b.count {
            let d = b[i] &- 48
            if d < 10 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits += 1
                if seenPoint { decimals += 1 }
            } else if b[i] == UInt8(ascii: ".") && !decimalComma && !seenPoint {
                seenPoint = true
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 && digits <= 15 else { return nil }
        let value = Double(mantissa) / powersOfTen[decimals]
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    /// A price read from either a point or a comma decimal (TLV's workbooks have both): the separator is the
    /// one the text has.
    static func parse(_ text: String) -> Double? {
        parse(text, decimalComma: text.contains(",") && !text.contains("."))
    }
}
