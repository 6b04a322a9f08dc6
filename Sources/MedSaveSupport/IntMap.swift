/// A map from 64-bit keys to 32-bit values: open addressing, linear probing, load ≤ 1/2. For the dense ids
/// the analyses key their tables by, where `Dictionary`'s seeded hashing costs more than the work it serves.
/// `UInt64.max` is not a valid key.
package struct IntMap {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    package private(set) var count = 0

    package init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: .max, count: size)
        values = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    package subscript(key: UInt64) -> Int32? {
        var i = Int(truncatingIfNeeded: Hash64.mix(key)) & mask
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == .max { return nil }
            i = (i + 1) & mask
        }
    }

    /// The value of `key`, or `make()` stored as its value when the key is new.
    @inline(__always)
    package mutating func value(_ key: UInt64, orInsert make: () -> Int32) -> Int32 {
        var i = Int(truncatingIfNeeded: Hash64.mix(key)) & mask
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == .max { break }
            i = (i + 1) & mask
        }
        let v = make()
        keys[i] = key
        values[i] = v
        count += 1
        if count * 2 > keys.count { grow() }
        return v
    }

    private mutating func grow() {
        let size = keys.count * 2
        var newKeys = [UInt64](repeating: .max, count: size)
        var newValues = [Int32](repeating: 0, count: size)
        let newMask = size - 1
        for i in keys.indices where keys[i] != .max {
            var j = Int(truncatingIfNeeded: Hash64.mix(keys[i])) & newMask
            while newKeys[j] != .max { j = (j + 1) & newMask }
            newKeys[j] = keys[i]
            newValues[j] = values[i]
        }
        keys = newKeys
        values = newValues
        mask = newMask
    }
}
