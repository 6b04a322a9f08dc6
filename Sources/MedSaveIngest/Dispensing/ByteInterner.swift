import MedSaveSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Maps byte strings (codes) to dense ids 0, 1, 2, … in order of first appearance, without allocating per lookup.
///
/// Keys live end to end in one arena. An open-addressing table (linear probing, load ≤ 3/4) holds, per 8-byte
/// slot, 32 bits of the key's hash and its id; beside it, by id, each key's first 16 bytes as two words and its
/// length. A lookup of a code up to 16 bytes long (varunummer, NPL ids, workplace and BNF codes) reads one slot
/// and one id's words, and never the arena. A national file looks up a product and a prescriber among tens of
/// thousands for every row, at random: with these tables (about 35 bytes a code, a quarter of 32-byte slots at
/// load ≤ 1/2) the lookups stay in the processor's caches more often. Lookup is O(key length) on average.
struct ByteInterner {
    /// A key's first 16 bytes and its length, by id.
    private struct Words {
        var w0: UInt64
        var w1: UInt64
        var length: Int
    }

    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var words: [Words] = []
    /// 0: empty; else the hash's top 32 bits << 32 | id + 1.
    private var slots: [UInt64]
    private var mask: Int
    /// Per id: the key's text is not valid in the file's encoding (set by the reader).
    private(set) var invalid: [Bool] = []

    init(capacity: Int = 1024) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { starts.count - 1 }

    /// The id of `key`, adding it when new.
    @inline(__always)
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        let (w0, w1) = Self.words(key)
        let n = key.count
        let h = n <= 16 ? Self.hash(w0, w1, length: n) : Self.hash(key)
        let bits = h & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            if s & 0xFFFF_FFFF_0000_0000 == bits {
                let id = Int(truncatingIfNeeded: s & 0xFFFF_FFFF) - 1
                let k = words[id]
                if k.w0 == w0 && k.w1 == w1 && k.length == n && (n <= 16 || equalsTail(id, key)) {
                    return (Int32(id), false)
                }
            }
            i = (i + 1) & mask
        }
        let id = Int32(count)
        arena.append(contentsOf: key)
        starts.append(arena.count)
        invalid.append(false)
        words.append(Words(w0: w0, w1: w1, length: n))
        slots[i] = bits | UInt64(UInt32(bitPattern: id) &+ 1)
        if count * 4 > slots.count * 3 { grow() }
        return (id, true)
    }

    mutating func markInvalid(_ id: Int32) { invalid[Int(id)] = true }

    /// The bytes of key `id`.
    func key(_ id: Int32) -> ArraySlice<UInt8> { arena[starts[Int(id)]..<starts[Int(id) + 1]] }

    /// Calls `body` with the bytes of key `id`.
    func withKey<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        arena.withUnsafeBufferPointer { a in
            body(UnsafeBufferPointer(rebasing: a[starts[Int(id)]..<starts[Int(id) + 1]]))
        }
    }

    /// Bytes 16… of key `id` against those of `key` (same length, longer than 16).
    private func equalsTail(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = starts[id]
        return arena.withUnsafeBufferPointer { a in
            memcmp(a.baseAddress! + s + 16, key.baseAddress! + 16, key.count - 16) == 0
        }
    }

    /// Doubles the table; each key's slot is found again from its id's hash bits and words.
    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for s in slots where s != 0 {
            let id = Int(truncatingIfNeeded: s & 0xFFFF_FFFF) - 1
            var i = Int(truncatingIfNeeded: hash(of: id)) & newMask
            while newSlots[i] != 0 { i = (i + 1) & newMask }
            newSlots[i] = s
        }
        slots = newSlots
        mask = newMask
    }

    /// The hash of key `id`, as `intern` computed it.
    private func hash(of id: Int) -> UInt64 {
        let k = words[id]
        if k.length <= 16 { return Self.hash(k.w0, k.w1, length: k.length) }
        return arena.withUnsafeBufferPointer { a in
            Self.hash(UnsafeBufferPointer(rebasing: a[starts[id]..<starts[id + 1]]))
        }
    }

    /// The hash of a key of at most 16 bytes, from its words and length.
    @inline(__always)
    static func hash(_ w0: UInt64, _ w1: UInt64, length n: Int) -> UInt64 {
        Hash64.mix(Hash64.mix(w0 ^ UInt64(n) &* 0x9E37_79B9_7F4A_7C15) ^ w1)
    }

    /// The first 16 bytes of `key` as two little-endian words, zero-padded.
    @inline(__always)
    static func words(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let n = key.count
        guard let base = key.baseAddress, n > 0 else { return (0, 0) }
        let raw = UnsafeRawPointer(base)
        if n >= 16 {
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        if n >= 8 {
            let w0 = raw.loadUnaligned(as: UInt64.self)
            if n == 8 { return (w0, 0) }
            return (w0, raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) >> UInt64((16 - n) * 8))
        }
        if n >= 4 {
            let lo = UInt64(raw.loadUnaligned(as: UInt32.self))
            let hi = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) >> UInt64((8 - n) * 8)
            return (lo | hi << 32, 0)
        }
        var w: UInt64 = 0
        for i in 0..<n { w |= UInt64(base[i]) << UInt64(8 * i) }
        return (w, 0)
    }

    /// A 64-bit hash taking eight bytes at a time, each word mixed by a multiply-xorshift (SplitMix64's
    /// finaliser), so short similar codes spread over the table.
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        let n = key.count
        var i = 0
        if let base = key.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                h = Hash64.mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            if i < n {
                var w: UInt64 = 0, shift: UInt64 = 0
                while i < n {
                    w |= UInt64(base[i]) << shift
                    shift += 8
                    i += 1
                }
                h = Hash64.mix(h ^ w)
            }
        }
        return Hash64.mix(h)
    }
}
