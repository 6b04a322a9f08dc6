import MedSaveSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Maps byte strings (codes) to dense ids 0, 1, 2, … in order of first appearance, without allocating per lookup.
///
/// Keys live end to end in one arena. An open-addressing table (linear probing, load ≤ 3/4) holds, per 32-byte
/// slot, the key's first 16 bytes as two words, its length, 32 bits of its hash and its id: a lookup of a code
/// up to 16 bytes long (varunummer, NPL ids, workplace, practice and BNF codes) reads one slot, and never the
/// arena. A national file looks up a product and a prescriber among tens of thousands for every row, at random,
/// so each lookup is a cache miss: one here, where a table of ids beside the keys by id took two (profile of the
/// national 10M run: the two loads were nine tenths of the interner's time). Lookup is O(key length) on average.
///
/// Codes of 1 to 16 digits — nearly every code there is: varunummer, NPL ids, workplace and practice codes,
/// prescriber codes — are kept apart, as their value and length in one word (so `007` is not `7`), in a table
/// of 16-byte slots found by Fibonacci hashing: half the memory of the general table, so that the product and
/// prescriber tables of a national file, each looked up at random for every row, stay in the core's cache.
/// Both tables number keys from the same count, in order of first appearance.
struct ByteInterner {
    /// One key: its first 16 bytes, zero-padded, its hash's top 32 bits and length, and its id + 1 (0: empty).
    private struct Slot {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var tag: UInt64 = 0
        var idPlusOne: UInt64 = 0
    }

    /// A code of digits: its value and length (`numericKey`, never 0) and its id + 1 (0: empty).
    private struct NumericSlot {
        var key: UInt64 = 0
        var idPlusOne: UInt64 = 0
    }

    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var slots: [Slot]
    private var mask: Int
    private var numericSlots: [NumericSlot]
    private var numericCount = 0
    /// Keys in the general table (`slots`).
    private var byteCount = 0
    /// 64 − log₂ of the numeric table's size: a key's first slot is the top bits of `key · 2⁶⁴/φ`.
    private var numericShift: UInt64
    /// Per id: the key's text is not valid in the file's encoding (set by the reader).
    private(set) var invalid: [Bool] = []
    private var invalidCount = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }
        slots = Array(repeating: Slot(), count: size)
        mask = size - 1
        numericSlots = Array(repeating: NumericSlot(), count: size)
        numericShift = UInt64(64 - size.trailingZeroBitCount)
    }

    var count: Int { starts.count - 1 }

    /// The keys of either kind its tables hold before they grow.
    var capacity: Int { numericSlots.count * 3 / 4 }

    /// A slot's `tag`: the hash's top 32 bits over the length.
    @inline(__always)
    private static func tag(_ hash: UInt64, length: Int) -> UInt64 {
        hash & 0xFFFF_FFFF_0000_0000 | UInt64(truncatingIfNeeded: UInt32(truncatingIfNeeded: length))
    }

    /// The id of `key`, adding it when new.
    @inline(__always)
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        if let numeric = Self.numericKey(key) { return intern(numeric: numeric, key) }
        let (w0, w1) = Self.words(key)
        let n = key.count
        let h = n <= 16 ? Self.hash(w0, w1, length: n) : Self.hash(key)
        let tag = Self.tag(h, length: n)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s.idPlusOne == 0 { break }
            if s.tag == tag && s.w0 == w0 && s.w1 == w1 {
                let id = Int(truncatingIfNeeded: s.idPlusOne) - 1
                if n <= 16 || equalsTail(id, key) { return (Int32(id), false) }
            }
            i = (i + 1) & mask
        }
        let id = Int32(count)
        arena.append(contentsOf: key)
        starts.append(arena.count)
        invalid.append(false)
        slots[i] = Slot(w0: w0, w1: w1, tag: tag, idPlusOne: UInt64(id) + 1)
        byteCount += 1
        if byteCount * 4 > slots.count * 3 { grow() }
        return (id, true)
    }

    /// The id of a code of digits (`numericKey`), adding `key` when new.
    @inline(__always)
    private mutating func intern(numeric: UInt64, _ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        let shift = numericShift
        let found: (at: Int, id: Int32?) = numericSlots.withUnsafeBufferPointer { s in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: (numeric &* Self.golden) >> shift)
            while true {
                let slot = s[i]
                if slot.key == numeric { return (i, Int32(truncatingIfNeeded: slot.idPlusOne) - 1) }
                if slot.key == 0 { return (i, nil) }
                i = (i + 1) & mask
            }
        }
        if let id = found.id { return (id, false) }
        let id = Int32(count)
        arena.append(contentsOf: key)
        starts.append(arena.count)
        invalid.append(false)
        numericSlots[found.at] = NumericSlot(key: numeric, idPlusOne: UInt64(id) + 1)
        numericCount += 1
        if numericCount * 4 > numericSlots.count * 3 { growNumeric() }
        return (id, true)
    }

    private static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// A key of 1 to 16 ASCII digits as one word: its value, and its length above bit 57 (10¹⁶ < 2⁵⁷), so that
    /// codes differing only in leading zeros differ; nil for any other key. Eight digits at a time: checked with
    /// one mask test, converted with three multiplications.
    @inline(__always)
    static func numericKey(_ key: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let n = key.count
        guard let base = key.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let value: UInt64
        if n >= 8 && n <= 16 {
            // The first eight bytes, and the last n − 8 as the top bytes of the eight ending the key, '0's below.
            let w0 = raw.loadUnaligned(as: UInt64.self)
            let shift = UInt64(16 - n) * 8
            let zeros: UInt64 = shift == 0 ? 0 : 0x3030_3030_3030_3030 >> (64 - shift)
            let w1 =
                n == 8
                ? 0x3030_3030_3030_3030
                : (raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) >> shift) << shift | zeros
            guard allDigits(w0) && allDigits(w1) else { return nil }
            value = eightDigits(w0) &* tenToThe(n - 8) &+ eightDigits(w1)
        } else if n >= 1 && n < 8 {
            var v: UInt64 = 0
            for i in 0..<n {
                let d = base[i] &- 48
                guard d < 10 else { return nil }
                v = v &* 10 &+ UInt64(d)
            }
            value = v
        } else {
            return nil
        }
        return value | UInt64(n) << 57
    }

    /// 10^k for k in 0...8.
    @inline(__always)
    private static func tenToThe(_ k: Int) -> UInt64 {
        switch k {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1000
        case 4: 10000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        default: 100_000_000
        }
    }

    /// Whether all eight bytes of `w` are ASCII digits.
    @inline(__always)
    private static func allDigits(_ w: UInt64) -> Bool {
        (w & 0xF0F0_F0F0_F0F0_F0F0) | (((w &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)
            == 0x3333_3333_3333_3333
    }

    /// The value of eight ASCII digits, the first in the lowest byte.
    @inline(__always)
    private static func eightDigits(_ w: UInt64) -> UInt64 {
        var v = w &- 0x3030_3030_3030_3030
        v = (v &* 10) &+ (v >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        return ((v & mask) &* 0x000F_4240_0000_0064 &+ ((v >> 16) & mask) &* 0x0000_2710_0000_0001) >> 32
    }

    /// Doubles the numeric table.
    private mutating func growNumeric() {
        let size = numericSlots.count * 2
        var bigger = [NumericSlot](repeating: NumericSlot(), count: size)
        let shift = UInt64(64 - size.trailingZeroBitCount), mask = size - 1
        for slot in numericSlots where slot.key != 0 {
            var i = Int(truncatingIfNeeded: (slot.key &* Self.golden) >> shift)
            while bigger[i].key != 0 { i = (i + 1) & mask }
            bigger[i] = slot
        }
        numericSlots = bigger
        numericShift = shift
    }

    mutating func markInvalid(_ id: Int32) {
        if !invalid[Int(id)] { invalidCount += 1 }
        invalid[Int(id)] = true
    }

    /// Whether key `id`'s text is not valid in the file's encoding; no lookup while every key is.
    @inline(__always)
    func isInvalid(_ id: Int32) -> Bool { invalidCount > 0 && invalid[Int(id)] }

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

    /// Doubles the table; each key's slot is found again from its hash (from the slot's words, or the arena
    /// for keys longer than 16 bytes).
    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [Slot](repeating: Slot(), count: size)
        let newMask = size - 1
        for s in slots where s.idPlusOne != 0 {
            let id = Int(truncatingIfNeeded: s.idPlusOne) - 1
            let n = starts[id + 1] - starts[id]
            let h =
                n <= 16
                ? Self.hash(s.w0, s.w1, length: n)
                : arena.withUnsafeBufferPointer {
                    Self.hash(UnsafeBufferPointer(rebasing: $0[starts[id]..<starts[id + 1]]))
                }
            var i = Int(truncatingIfNeeded: h) & newMask
            while newSlots[i].idPlusOne != 0 { i = (i + 1) & newMask }
            newSlots[i] = s
        }
        slots = newSlots
        mask = newMask
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
