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

    /// A price read from either a point or a comma decimal (TLV's workbooks have both): the separator is the
    /// one the text has.
    static func parse(_ text: String) -> Double? {
        parse(text, decimalComma: text.contains(",") && !text.contains("."))
    }
}
