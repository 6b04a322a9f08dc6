import Foundation

/// Formats numbers for output the same way on every machine: no OS locale, no exponent, a fixed number of
/// decimals, half away from zero, never `-0`.
public enum NumberFormat {
    /// `value` with exactly `decimals` decimals (`1234.5` → `1234.50`). Non-finite values give an empty string.
    public static func fixed(_ value: Double, decimals: Int, decimalMark: Character = ".") -> String {
        guard value.isFinite else { return "" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 9.0e18 else { return "\(value)" }
        return scaledInteger(Int64(scaled), decimals: decimals, decimalMark: decimalMark)
    }

    /// An exact fixed-point amount rounded once to `decimals` decimals.
    public static func fixed(_ value: FixedDecimal, decimals: Int, decimalMark: Character = ".") -> String {
        var divisor: Int64 = 1
        for _ in decimals..<FixedDecimal.fractionDigits { divisor *= 10 }
        let (q, r) = value.raw.quotientAndRemainder(dividingBy: divisor)
        var units = q
        if r.magnitude * 2 >= divisor.magnitude { units += value.raw < 0 ? -1 : 1 }
        return scaledInteger(units, decimals: decimals, decimalMark: decimalMark)
    }

    /// `n` / 10^decimals written out: `scaledInteger(-5, decimals: 2)` is `-0.05`.
    private static func scaledInteger(_ n: Int64, decimals: Int, decimalMark: Character) -> String {
        var digits = String(n.magnitude)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(decimalMark, at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (n < 0 ? "-" : "") + digits
    }

    /// `fixed` with the integer digits in groups of three, separated by a narrow no-break space (SI style,
    /// read alike in Swedish and English): `2461828.17` → `2 461 828.17`. For reports to read, not to parse.
    public static func grouped(
        _ value: Double, decimals: Int, separator: String = "\u{202F}", decimalMark: Character = "."
    ) -> String {
        let text = fixed(value, decimals: decimals, decimalMark: decimalMark)
        let sign = text.hasPrefix("-") ? "-" : ""
        let unsigned = text.dropFirst(sign.count)
        let integer = unsigned.prefix { $0 != decimalMark }
        let rest = unsigned.dropFirst(integer.count)
        var groups: [Substring] = []
        var end = integer.endIndex
        while end > integer.startIndex {
            let start = integer.index(end, offsetBy: -3, limitedBy: integer.startIndex) ?? integer.startIndex
            groups.insert(integer[start..<end], at: 0)
            end = start
        }
        return sign + groups.joined(separator: separator) + rest
    }

    /// An exact amount with as many decimals as it has (trailing zeros dropped), as a quantity is shown.
    public static func exact(_ value: FixedDecimal, decimalMark: Character = ".") -> String {
        let text = value.description
        return decimalMark == "." ? text : text.replacingOccurrences(of: ".", with: String(decimalMark))
    }
}

/// How many decimals each kind of figure is shown with.
public enum Precision {
    /// Money: öre / pence.
    public static let money = 2
    /// Prices per unit: a tablet can cost less than an öre.
    public static let pricePerUnit = 4
}
