/// Finding where a field of an ordinary record ends, eight bytes at a time: the fast paths of the dispensing
/// and catalogue readers, which leave anything unusual (a quote, a lone CR, a NUL) to the scanner.
enum FieldScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let lfWord = 0x0A &* ones, crWord = 0x0D &* ones, quoteWord = 0x22 &* ones

    /// `byte` in every byte of a word.
    @inline(__always)
    static func word(_ byte: UInt8) -> UInt64 { UInt64(byte) &* ones }

    /// Bit b set for each byte b < 64 that ends or spoils a field: `delimiter`, LF, CR, quote and NUL.
    static func specialBytes(delimiter: UInt8) -> UInt64 {
        var bits: UInt64 = 0
        for byte in [delimiter, 0x0A, 0x0D, UInt8(ascii: "\""), 0] where byte < 64 { bits |= 1 << UInt64(byte) }
        return bits
    }

    /// The offset of the first byte from `start` on that ends or spoils a field (the delimiter, LF, CR, a quote
    /// or NUL; `special`'s bits), or `buf.count`. Eight bytes at a time: a byte equal to c is a zero byte of
    /// w ^ (c·0x0101…), and (v − 0x0101…) & ~v & 0x8080… marks zero bytes, exactly from the lowest one up.
    @inline(__always)
    static func end(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, special: UInt64, delimiterWord: UInt64)
        -> Int
    {
        let n = buf.count
        var j = start
        if let base = buf.baseAddress {
            let raw = UnsafeRawPointer(base)
            while j + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                let m =
                    zeroBytes(w ^ delimiterWord) | zeroBytes(w ^ lfWord) | zeroBytes(w ^ crWord)
                    | zeroBytes(w ^ quoteWord) | zeroBytes(w)
                if m != 0 { return j + m.trailingZeroBitCount >> 3 }
                j += 8
            }
        }
        while j < n {
            let c = buf[j]
            if c < 64 && (special >> UInt64(c)) & 1 != 0 { break }
            j += 1
        }
        return j
    }

    @inline(__always)
    private static func zeroBytes(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & 0x8080_8080_8080_8080 }
}
