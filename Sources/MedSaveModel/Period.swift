/// A calendar month, the unit of time for prices and savings (`YYYY-MM`).
///
/// Stored as a month index (year × 12 + month − 1) so that periods order and subtract like integers.
public struct Period: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let index: Int32

    public init(year: Int, month: Int) {
        precondition((1...12).contains(month), "month must be 1...12")
        index = Int32(year * 12 + month - 1)
    }

    public init(index: Int32) { self.index = index }

    public var year: Int { Int(index) / 12 }
    public var month: Int { Int(index) % 12 + 1 }

    /// `YYYY-MM`.
    public var description: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(m)"
    }

    public static func < (a: Period, b: Period) -> Bool { a.index < b.index }

    /// Parses `YYYY-MM`, `YYYY-MM-DD` (the day is ignored) or `YYYYMM` (the English Prescribing Dataset's
    /// `YEAR_MONTH`). Returns nil for anything else, including months outside 1–12 and years outside 1900–2999.
    public init?(text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard let p = bytes.withUnsafeBufferPointer({ Period.parse($0) }) else { return nil }
        self = p
    }

    /// The byte-level parser behind `init?(text:)`, used by the ingest hot path.
    package static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Period? {
        // YYYY-MM, the common case, without the general path's checks.
        if b.count == 7 && b[4] == UInt8(ascii: "-") {
            let y0 = b[0] &- 48, y1 = b[1] &- 48, y2 = b[2] &- 48, y3 = b[3] &- 48, m0 = b[5] &- 48, m1 = b[6] &- 48
            if y0 < 10 && y1 < 10 && y2 < 10 && y3 < 10 && m0 < 10 && m1 < 10 {
                let y = Int(y0) * 1000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3), m = Int(m0) * 10 + Int(m1)
                return (1900...2999).contains(y) && (1...12).contains(m) ? Period(year: y, month: m) : nil
            }
        }
        func digits(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                let d = Int(b[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        let year: Int?, month: Int?
        var b = b
        if b.count > 10 && (b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "T")) {
            b = UnsafeBufferPointer(rebasing: b[0..<10])  // a timestamp: its date is enough
        }
        switch b.count {
        case 6:  // YYYYMM
            year = digits(0..<4)
            month = digits(4..<6)
        case 7 where b[4] == UInt8(ascii: "-"):  // YYYY-MM
            year = digits(0..<4)
            month = digits(5..<7)
        case 10 where b[4] == UInt8(ascii: "-") && b[7] == UInt8(ascii: "-"):  // YYYY-MM-DD
            year = digits(0..<4)
            month = digits(5..<7)
            // An impossible date (2025-02-30) is not a period.
            guard let day = digits(8..<10), let y = year, let m = month, (1...12).contains(m),
                (1...Period.days(year: y, month: m)).contains(day)
            else { return nil }
        default:
            return nil
        }
        guard let y = year, let m = month, (1900...2999).contains(y), (1...12).contains(m) else { return nil }
        return Period(year: y, month: m)
    }

    /// Days in a month of the Gregorian calendar.
    static func days(year: Int, month: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// An inclusive window of periods; either end may be open.
public struct PeriodRange: Sendable, Equatable, CustomStringConvertible {
    public var from: Period?
    public var to: Period?

    public init(from: Period? = nil, to: Period? = nil) {
        self.from = from
        self.to = to
    }

    /// Parses `FROM..TO`, `FROM..`, `..TO` or a single period.
    /// `FROM..TO`, `FROM..`, `..TO` or one period; a bare year (`2025`) stands for its twelve months, as the
    /// first month when it starts a window and the last when it ends one.
    public init?(text: String) {
        func year(_ s: Substring) -> Int? {
            guard s.count == 4, s.allSatisfy(\.isASCII), let y = Int(s), (1900...2999).contains(y) else { return nil }
            return y
        }
        if let r = text.range(of: "..") {
            let a = text[..<r.lowerBound], b = text[r.upperBound...]
            from = a.isEmpty ? nil : year(a).map { Period(year: $0, month: 1) } ?? Period(text: a)
            to = b.isEmpty ? nil : year(b).map { Period(year: $0, month: 12) } ?? Period(text: b)
            if (!a.isEmpty && from == nil) || (!b.isEmpty && to == nil) { return nil }
        } else if let y = year(text[...]) {
            from = Period(year: y, month: 1)
            to = Period(year: y, month: 12)
        } else {
            guard let p = Period(text: text) else { return nil }
            from = p
            to = p
        }
        if let f = from, let t = to, f > t { return nil }
    }

    public func contains(_ p: Period) -> Bool {
        if let f = from, p < f { return false }
        if let t = to, p > t { return false }
        return true
    }

    public var description: String { "\(from?.description ?? "")..\(to?.description ?? "")" }
}
