/// 64-bit keys with 32-bit values, kept sorted, grown a batch at a time by a merge in place from the back: 12
/// bytes a key (`IntMap` takes 24 or more at its load of at most one half, and twice that while it grows), and no
/// hashing. For tables that grow by one large batch at a time, such as a window's by a month. Without values
/// (`values: false`) it is a set of 8 bytes a key.
package struct SortedKeys {
    package private(set) var keys: [UInt64] = []
    package private(set) var values: [Int32] = []
    private let hasValues: Bool

    package init(values: Bool = true) { hasValues = values }

    package var count: Int { keys.count }

    /// Adds the keys of `batch` (sorted; a key may repeat): `existing(value, i)` for each batch entry whose key is
    /// already here (or came earlier in the batch), `make(i)` for the value of each new key, once, in key order.
    package mutating func merge(
        sortedBatch batch: [UInt64], existing: (Int32, Int) -> Void, make: (Int) -> Int32
    ) {
        // First pass: which batch entries are new, with their values; old keys get `existing`.
        var fresh: [(key: UInt64, value: Int32)] = []
        var at = 0
        for (i, key) in batch.enumerated() {
            if let last = fresh.last, last.key == key {
                existing(last.value, i)
                continue
            }
            at = lowerBound(key, from: at)
            if at < keys.count && keys[at] == key {
                existing(hasValues ? values[at] : 0, i)
            } else {
                fresh.append((key, make(i)))
            }
        }
        guard !fresh.isEmpty else { return }
        // Second pass: merge the new keys in from the back, in the room appended for them.
        var read = keys.count - 1, write = keys.count + fresh.count - 1
        keys += repeatElement(0, count: fresh.count)
        if hasValues { values += repeatElement(0, count: fresh.count) }
        for f in fresh.reversed() {
            while read >= 0 && keys[read] > f.key {
                keys[write] = keys[read]
                if hasValues { values[write] = values[read] }
                read -= 1
                write -= 1
            }
            keys[write] = f.key
            if hasValues { values[write] = f.value }
            write -= 1
        }
    }

    /// The first index at or after `from` whose key is not below `key` (galloping, then binary search).
    private func lowerBound(_ key: UInt64, from: Int) -> Int {
        var low = from, step = 1
        var high = from
        while high < keys.count && keys[high] < key {
            low = high + 1
            high += step
            step <<= 1
        }
        high = min(high, keys.count)
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
