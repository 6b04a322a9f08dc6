/// What stands for a prescriber in `DispensingAggregate.prescribersByCell`: a code of 1 to 8 digits stands for
/// itself (its value and length, with the top bit set: an *own code*), any other code for its id in
/// `DispensingAggregate.prescribers`.
///
/// Rank needs a cell's prescribers only to count the distinct ones of the rows it shows, and on national data
/// every row is a cell of its own: looking up each row's prescriber among tens of thousands was 6% of a
/// one-thread run (README, "The code lookups"). Prescriber codes are digits in Sweden (förskrivarkod, 7 digits),
/// so their rows need no lookup; a code is given an id only where its text is needed (rows marked "do not
/// substitute", which are listed by prescriber, and resampling by prescriber). A code of digits is always its own
/// code, never an id, so that each prescriber has one number in the pairs and distinct counts stay exact.
public enum PrescriberCode {
    /// Set in own codes only: ids are below 2³¹.
    public static let ownBit: UInt32 = 1 << 31

    /// The own code of `digits` when it is 1 to 8 ASCII digits (value below 10⁸ < 2²⁷, length − 1 in bits
    /// 27–29, so that `007` is not `7`); nil for any other code.
    @inline(__always)
    public static func own(_ digits: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let n = digits.count
        guard n >= 1 && n <= 8 else { return nil }
        var value: UInt32 = 0
        for byte in digits {
            let d = byte &- 48
            guard d < 10 else { return nil }
            value = value &* 10 &+ UInt32(d)
        }
        return ownBit | UInt32(n - 1) << 27 | value
    }

    /// Whether `code` is an own code rather than an id.
    @inline(__always)
    public static func isOwn(_ code: UInt32) -> Bool { code & ownBit != 0 }

    /// The digits an own code stands for.
    public static func text(_ code: UInt32) -> String {
        precondition(isOwn(code), "an id, not an own code")
        let n = Int(code >> 27 & 7) + 1
        var value = code & (1 << 27 - 1)
        var digits = [UInt8](repeating: 48, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            digits[i] = UInt8(48 + value % 10)
            value /= 10
        }
        return String(decoding: digits, as: UTF8.self)
    }
}
