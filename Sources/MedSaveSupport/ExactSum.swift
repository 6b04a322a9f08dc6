/// The correctly rounded sum of many doubles, whatever their order: a total that does not depend on how rows
/// were split between threads or sorted.
///
/// Every finite double is an integer multiple of 2⁻¹⁰⁷⁴ (the smallest subnormal), so the positive and the
/// negative values are each summed exactly as integers in units of 2⁻¹⁰⁷⁴, in 34 words of 64 bits (2¹⁰²⁴ is
/// bit 2,098; the words leave room for 2⁷⁰ additions of the largest double). A value is added to the one or
/// two words its 53 bits fall in, a carry now and then: O(1), however far apart the values' magnitudes are
/// (Shewchuk's partials, which Python's `math.fsum` keeps, grow with that spread and cost O(partials) a
/// value). The sum is rounded once, to nearest, ties to even, when read. A value that is not finite makes
/// the sum that of the values that are not (infinity stays infinity; opposite infinities give NaN).
package struct ExactSum {
    private static let words = 34
    private var positive = [UInt64](repeating: 0, count: ExactSum.words)
    private var negative = [UInt64](repeating: 0, count: ExactSum.words)
    private var nonFinite: Double?

    package init() {}

    package mutating func add(_ value: Double) {
        guard value.isFinite else {
            nonFinite = (nonFinite ?? 0) + value
            return
        }
        let bits = value.bitPattern
        let exponent = Int((bits >> 52) & 0x7FF), fraction = bits & 0xF_FFFF_FFFF_FFFF
        guard exponent != 0 || fraction != 0 else { return }
        // value = mantissa · 2^(at − 1074): bit `at` of the integer sum is the mantissa's lowest.
        let mantissa = exponent == 0 ? fraction : fraction | 1 << 52
        let at = exponent == 0 ? 0 : exponent - 1
        if value < 0 {
            Self.add(mantissa, at: at, to: &negative)
        } else {
            Self.add(mantissa, at: at, to: &positive)
        }
    }

    /// Adds `mantissa` · 2^`at` to the integer in `words`.
    @inline(__always)
    private static func add(_ mantissa: UInt64, at: Int, to words: inout [UInt64]) {
        let w = at >> 6, shift = UInt64(at & 63)
        words.withUnsafeMutableBufferPointer { words in
            let (low, overflow) = words[w].addingReportingOverflow(mantissa << shift)
            words[w] = low
            var carry: UInt64 = overflow ? 1 : 0
            var high = shift == 0 ? 0 : mantissa >> (64 - shift)
            var i = w + 1
            while high != 0 || carry != 0 {
                let (sum, o1) = words[i].addingReportingOverflow(high)
                let (total, o2) = sum.addingReportingOverflow(carry)
                words[i] = total
                carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
                high = 0
                i += 1
            }
        }
    }

    /// The sum, rounded once.
    package var value: Double {
        if let nonFinite { return nonFinite }
        // The exact sum's size and sign: positive − negative, as a magnitude.
        var magnitude = positive
        var sign = FloatingPointSign.plus
        if Self.less(positive, negative) {
            magnitude = negative
            sign = .minus
            Self.subtract(positive, from: &magnitude)
        } else {
            Self.subtract(negative, from: &magnitude)
        }
        guard let top = Self.highestBit(magnitude) else { return 0 }
        if top < 53 {
            // At most 53 bits: the integer times 2⁻¹⁰⁷⁴ is a double as it is (subnormal or not).
            let integer = magnitude[0]
            return Double(sign: sign, exponent: -1074, significand: Double(integer))
        }
        // The 53 bits from the highest, rounded to nearest, ties to even, by the bit below and any below that.
        var significand = Self.bits(magnitude, from: top - 52, count: 53)
        let half = Self.bit(magnitude, top - 53)
        let sticky = Self.anyBit(magnitude, below: top - 53)
        var exponent = top - 52 - 1074
        if half && (sticky || significand & 1 == 1) {
            significand += 1
            if significand == 1 << 53 {
                significand >>= 1
                exponent += 1
            }
        }
        return Double(sign: sign, exponent: exponent, significand: Double(significand))
    }

    private static func less(_ a: [UInt64], _ b: [UInt64]) -> Bool {
        for i in stride(from: words - 1, through: 0, by: -1) where a[i] != b[i] { return a[i] < b[i] }
        return false
    }

    /// `into` −= `value` (`into` ≥ `value`).
    private static func subtract(_ value: [UInt64], from into: inout [UInt64]) {
        var borrow: UInt64 = 0
        for i in 0..<words {
            let (d1, o1) = into[i].subtractingReportingOverflow(value[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            into[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
    }

    private static func highestBit(_ words: [UInt64]) -> Int? {
        for i in stride(from: words.count - 1, through: 0, by: -1) where words[i] != 0 {
            return i * 64 + 63 - words[i].leadingZeroBitCount
        }
        return nil
    }

    private static func bit(_ words: [UInt64], _ at: Int) -> Bool {
        at >= 0 && (words[at >> 6] >> UInt64(at & 63)) & 1 == 1
    }

    /// `count` (≤ 64) bits from bit `from` up, as an integer.
    private static func bits(_ words: [UInt64], from: Int, count: Int) -> UInt64 {
        var result: UInt64 = 0
        for k in 0..<count where bit(words, from + k) { result |= 1 << UInt64(k) }
        return result
    }

    /// Whether any bit below `at` is set.
    private static func anyBit(_ words: [UInt64], below at: Int) -> Bool {
        guard at > 0 else { return false }
        let w = at >> 6
        for i in 0..<w where words[i] != 0 { return true }
        let mask: UInt64 = (1 << UInt64(at & 63)) - 1
        return words[w] & mask != 0
    }
}
