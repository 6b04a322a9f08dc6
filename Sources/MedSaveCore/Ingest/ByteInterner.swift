/// Maps byte strings (codes) to dense ids 0, 1, 2, … without allocating per lookup.
///
/// Keys live end to end in one arena; an open-addressing table (linear probing, load ≤ 1/2) holds ids.
/// Lookup is O(key length) on average.
struct ByteInterner {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var table: [Int32]
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        table = Array(repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { starts.count - 1 }

    /// The id of `key`, adding it when new.
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        let h = Self.hash(key)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = table[slot]
            if id < 0 { break }
            if equals(Int(id), key) { return (id, false) }
            slot = (slot + 1) & mask
        }
        let id = Int32(count)
        arena.append(contentsOf: key)
        starts.append(arena.count)
        table[slot] = id
        if count * 2 > table.count { grow() }
        return (id, true)
    }

    /// The bytes of key `id`.
    func key(_ id: Int32) -> ArraySlice<UInt8> { arena[starts[Int(id)]..<starts[Int(id) + 1]] }

    private func equals(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = starts[id], e = starts[id + 1]
        guard e - s == key.count else { return false }
        var i = 0
        while i < key.count {
            if arena[s + i] != key[i] { return false }
            i += 1
        }
        return true
    }

    private mutating func grow() {
        table = Array(repeating: -1, count: table.count * 2)
        mask = table.count - 1
        arena.withUnsafeBufferPointer { a in
            for id in 0..<count {
                let k = UnsafeBufferPointer(rebasing: a[starts[id]..<starts[id + 1]])
                var slot = Int(truncatingIfNeeded: Self.hash(k)) & mask
                while table[slot] >= 0 { slot = (slot + 1) & mask }
                table[slot] = Int32(id)
            }
        }
    }

    /// FNV-1a, 64-bit, finished with a multiply-xorshift so short similar codes spread over the table.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        return h ^ (h >> 32)
    }
}
