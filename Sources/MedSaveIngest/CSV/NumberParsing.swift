import MedSaveModel

/// Parses numbers and flags from field bytes, without building strings.
enum NumberParsing {
    enum Failure: Error, Equatable {
        case empty
        case invalid(expected: String, hint: String?)
    }

    /// A decimal number (`-12.5`, `+3`, `0,75` with a decimal comma) as six-digit fixed point.
    /// Spaces around the number are allowed; exponents, thousands separators, NaN and infinity are not.
    static func fixedDecimal(
        _ b: UnsafeBufferPointer<UInt8>, decimalComma: Bool
    ) -> Result<FixedDecimal, Failure> {
        var lo = 0, hi = b.count
        while lo < hi && (b[lo] == 0x20 || b[lo] == 0x09) { lo += 1 }
        while hi > lo && (b[hi - 1] == 0x20 || b[hi - 1] == 0x09) { hi -= 1 }
        if lo == hi { return .failure(.empty) }
        let mark = decimalComma ? UInt8(ascii: ",") : UInt8(ascii: ".")
        let other = decimalComma ? UInt8(ascii: ".") : UInt8(ascii: ",")
        var negative = false
        if b[lo] == UInt8(ascii: "-") || b[lo] == UInt8(ascii: "+") {
            negative = b[lo] == UInt8(ascii: "-")
            lo += 1
        }
        var whole: Int64 = 0, frac: Int64 = 0, fracDigits = 0
        var sawDigit = false, sawMark = false, overflow = false
        var roundDigit: Int64 = -1, sticky = false
        var i = lo
        while i < hi {
            let c = b[i]
            if c >= 48 && c <= 57 {
                let d = Int64(c - 48)
                sawDigit = true
                if !sawMark {
                    let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(d)
                    overflow = overflow || o1 || o2
                    whole = s
                } else if fracDigits < FixedDecimal.fractionDigits {
                    frac = frac * 10 + d
                    fracDigits += 1
                } else if roundDigit < 0 {
                    roundDigit = d
                } else if d != 0 {
                    sticky = true
                }
            } else if c == mark && !sawMark {
                sawMark = true
            } else {
                let hint: String?
                if c == other {
                    hint =
                        decimalComma
                        ? "the file seems to use a decimal point: drop --decimal-comma"
                        : "did you mean --decimal-comma?"
                } else {
                    hint = nil
                }
                return .failure(.invalid(expected: "a decimal number", hint: hint))
            }
            i += 1
        }
        guard sawDigit else { return .failure(.invalid(expected: "a decimal number", hint: nil)) }
        while fracDigits < FixedDecimal.fractionDigits {
            frac *= 10
            fracDigits += 1
        }
        let (scaled, o3) = whole.multipliedReportingOverflow(by: FixedDecimal.scale)
        var (raw, o4) = scaled.addingReportingOverflow(frac)
        if overflow || o3 || o4 {
            return .failure(.invalid(expected: "a number of at most 9,223,372,036,854 in size", hint: nil))
        }
        // Round half to even at the sixth decimal.
        if roundDigit > 5 || (roundDigit == 5 && (sticky || raw % 2 == 1)) { raw += 1 }
        return .success(FixedDecimal(raw: negative ? -raw : raw))
    }

    /// A whole number, such as `items`.
    static func integer(_ b: UnsafeBufferPointer<UInt8>) -> Result<Int64, Failure> {
        switch fixedDecimal(b, decimalComma: false) {
        case .success(let v) where v.raw % FixedDecimal.scale == 0: .success(v.raw / FixedDecimal.scale)
        case .success: .failure(.invalid(expected: "a whole number", hint: nil))
        case .failure(.empty): .failure(.empty)
        case .failure: .failure(.invalid(expected: "a whole number", hint: nil))
        }
    }

    /// A yes/no flag: true/false, yes/no, y/n, 1/0, ja/nej, j/n (any case). Empty is `.empty`.
    static func flag(_ b: UnsafeBufferPointer<UInt8>) -> Result<Bool, Failure> {
        var word = ""
        for c in b where c != 0x20 { word.unicodeScalars.append(Unicode.Scalar(c | (c >= 65 && c <= 90 ? 32 : 0))) }
        switch word {
        case "": return .failure(.empty)
        case "true", "yes", "y", "1", "ja", "j", "t": return .success(true)
        case "false", "no", "n", "0", "nej", "f": return .success(false)
        default: return .failure(.invalid(expected: "true or false (also yes/no, 1/0, ja/nej)", hint: nil))
        }
    }
}
