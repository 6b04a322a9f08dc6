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

    /// The value of each key of `batch` (in any order; a key may repeat), as a table numbering keys by first
    /// appearance gives it: keys not here are added, valued `next`, `next` + 1, … in the order they first come in
    /// `batch`. A caller's new entries are those valued `next` or more. The batch sorted by its bits (`RadixSort`),
    /// one pass here.
    package mutating func numbering(_ batch: [UInt64], next: Int32) -> [Int32] {
        precondition(hasValues, "a set numbers nothing")
        precondition(batch.count <= Int(Int32.max), "entries are numbered in 32 bits")
        // The entries by key, equal keys in batch order (a stable sort of the keys carrying their entries).
        var sortedKeys = batch, entries = (0..<Int32(batch.count)).map { $0 }
        RadixSort.sort(&sortedKeys, carrying: &entries)
        // Each entry's key looked up in key order (galloping); the first entry of each key in batch order.
        var found = [Int32](repeating: -1, count: batch.count), first = [Int32](repeating: 0, count: batch.count)
        var at = 0
        for (j, key) in sortedKeys.enumerated() {
            let e = entries[j]
            if j > 0 && sortedKeys[j - 1] == key {
                let before = entries[j - 1]
                (found[Int(e)], first[Int(e)]) = (found[Int(before)], first[Int(before)])
                continue
            }
            at = lowerBound(key, from: at)
            if at < keys.count && keys[at] == key { found[Int(e)] = values[at] }
            first[Int(e)] = e
        }
        (sortedKeys, entries) = ([], [])
        var value = next
        // The new keys (each once, at its first entry) and their entries, to be merged in key order.
        var freshKeys: [UInt64] = [], freshEntries: [Int32] = []
        for e in batch.indices where found[e] < 0 {
            if first[e] == e {
                found[e] = value
                value += 1
                freshKeys.append(batch[e])
                freshEntries.append(Int32(e))
            } else {
                found[e] = found[Int(first[e])]
            }
        }
        RadixSort.sort(&freshKeys, carrying: &freshEntries)
        merge(sortedBatch: freshKeys, existing: { _, _ in }, make: { found[Int(freshEntries[$0])] })
        return found
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
