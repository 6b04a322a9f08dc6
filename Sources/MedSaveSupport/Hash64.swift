/// The 64-bit finalising mix the hash tables use: a multiply-xorshift, so that nearby keys (dense ids, short
/// similar codes) spread over a power-of-two table.
public enum Hash64 {
    @inlinable @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &* 0xBF58_476D_1CE4_E5B9
        z ^= z >> 31
        z = z &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 29)
    }
}
