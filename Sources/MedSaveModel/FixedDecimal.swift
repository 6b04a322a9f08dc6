/// An exact decimal amount with six fractional digits, stored as an `Int64` count of millionths.
///
/// Quantities and costs are read into this type so that sums over any number of rows are exact and the
/// reconciliation (read = used + set aside) holds to the last öre or penny. Range: ±9.2 × 10¹² units.
/// Inputs with more than six fractional digits are rounded half-to-even at the sixth.
public struct FixedDecimal: Sendable, Hashable, Comparable, AdditiveArithmetic, CustomStringConvertible {
    public static let scale: Int64 = 1_000_000
    public static let fractionDigits = 6

    public var raw: Int64

    public init(raw: Int64) { self.raw = raw }

    /// Whole units, exactly.
    public init(_ units: Int) { raw = Int64(units) * Self.scale }

    public static var zero: FixedDecimal { FixedDecimal(raw: 0) }

    public var doubleValue: Double { Double(raw) / Double(Self.scale) }

    public static func + (a: Self, b: Self) -> Self { Self(raw: a.raw + b.raw) }
    public static func - (a: Self, b: Self) -> Self { Self(raw: a.raw - b.raw) }
    public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }

    /// The amount with up to six decimals, trailing zeros removed (`12.5`, `-0.000001`, `3`).
    public var description: String {
        let negative = raw < 0
        let magnitude = raw.magnitude
        let whole = magnitude / UInt64(Self.scale)
        var frac = magnitude % UInt64(Self.scale)
        var text = (negative ? "-" : "") + String(whole)
        if frac != 0 {
            var digits = Self.fractionDigits
            while frac % 10 == 0 {
                frac /= 10
                digits -= 1
            }
            let f = String(frac)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }
}
