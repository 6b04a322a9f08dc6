/// Sorting 64-bit keys by their bits (least significant digit first, 11 bits a digit), for the batches of millions
/// of keys the window's tables take a month at a time: a few sequential passes instead of a comparison sort's
/// n log n comparisons through a closure (perf of a three-month national fold: comparison sorts were a quarter of
/// all samples). Stable: keys that are equal keep their order, and a value carried along stays with its key, so
/// sorting (key, index) pairs by key gives the order a sort by (key, index) gives.
///
/// One pass counts every digit of every key; a digit that is the same in every key (the high bits of row and
/// product numbers) is skipped, so keys that use 40 of their 64 bits take four passes. Memory: one scratch copy of
/// the keys (and values).
package enum RadixSort {
    private static let digitBits = 11
    private static let buckets = 1 << digitBits
    private static let digits = (64 + digitBits - 1) / digitBits
    /// Below this, a stable insertion sort (the counting costs more than it saves).
    private static let smallCount = 64

    /// Sorts `keys` in ascending order.
    package static func sort(_ keys: inout [UInt64]) {
        var none: [Int32] = []
        sort(&keys, values: &none, carrying: false)
    }

    /// Sorts `keys` in ascending order, moving `values[i]` with `keys[i]`; equal keys keep their order.
    package static func sort(_ keys: inout [UInt64], carrying values: inout [Int32]) {
        precondition(values.count == keys.count, "one value a key")
        sort(&keys, values: &values, carrying: true)
    }

    /// `sort(_:carrying:)` with a value of 64 bits (two 32-bit fields, say, so that nothing is looked up again
    /// at random once the keys are in order).
    package static func sort(_ keys: inout [UInt64], carrying values: inout [UInt64]) {
        precondition(values.count == keys.count, "one value a key")
        sort(&keys, values: &values, carrying: true)
    }

    private static func sort<V: FixedWidthInteger>(_ keys: inout [UInt64], values: inout [V], carrying: Bool) {
        let n = keys.count
        if n < smallCount {
            insertionSort(&keys, &values, carrying: carrying)
            return
        }
        // Every digit's counts, in one pass.
        var counts = [Int](repeating: 0, count: digits * buckets)
        keys.withUnsafeBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                for key in k {
                    for d in 0..<digits {
                        let digit = Int(truncatingIfNeeded: key >> UInt64(d &* digitBits)) & (buckets &- 1)
                        c[d &* buckets &+ digit] &+= 1
                    }
                }
            }
        }
        var scratchKeys = [UInt64](repeating: 0, count: n)
        var scratchValues = [V](repeating: 0, count: carrying ? n : 0)
        var inScratch = false
        var offsets = [Int](repeating: 0, count: buckets)
        for d in 0..<digits {
            let base = d * buckets
            // A digit every key shares orders nothing.
            let first = Int(truncatingIfNeeded: (keys[0] >> UInt64(d * digitBits))) & (buckets - 1)
            if counts[base + first] == n { continue }
            var sum = 0
            for b in 0..<buckets {
                offsets[b] = sum
                sum += counts[base + b]
            }
            let shift = UInt64(d * digitBits)
            if inScratch {
                scatter(from: scratchKeys, scratchValues, to: &keys, &values, offsets: &offsets, shift, carrying)
            } else {
                scatter(from: keys, values, to: &scratchKeys, &scratchValues, offsets: &offsets, shift, carrying)
            }
            inScratch.toggle()
        }
        if inScratch {
            swap(&keys, &scratchKeys)
            if carrying { swap(&values, &scratchValues) }
        }
    }

    /// One pass: each key (and value) to the next place of its digit's bucket, in order.
    private static func scatter<V>(
        from keys: [UInt64], _ values: [V], to outKeys: inout [UInt64], _ outValues: inout [V],
        offsets: inout [Int], _ shift: UInt64, _ carrying: Bool
    ) {
        let mask = UInt64(buckets - 1)
        keys.withUnsafeBufferPointer { k in
            outKeys.withUnsafeMutableBufferPointer { ok in
                offsets.withUnsafeMutableBufferPointer { o in
                    if carrying {
                        values.withUnsafeBufferPointer { v in
                            outValues.withUnsafeMutableBufferPointer { ov in
                                for i in k.indices {
                                    let key = k[i], b = Int(truncatingIfNeeded: (key >> shift) & mask)
                                    let at = o[b]
                                    o[b] = at &+ 1
                                    ok[at] = key
                                    ov[at] = v[i]
                                }
                            }
                        }
                    } else {
                        for key in k {
                            let b = Int(truncatingIfNeeded: (key >> shift) & mask)
                            let at = o[b]
                            o[b] = at &+ 1
                            ok[at] = key
                        }
                    }
                }
            }
        }
    }

    private static func insertionSort<V: FixedWidthInteger>(
        _ keys: inout [UInt64], _ values: inout [V], carrying: Bool
    ) {
        guard keys.count > 1 else { return }
        for i in 1..<keys.count {
            let key = keys[i], value = carrying ? values[i] : 0
            var j = i
            while j > 0 && keys[j - 1] > key {
                keys[j] = keys[j - 1]
                if carrying { values[j] = values[j - 1] }
                j -= 1
            }
            keys[j] = key
            if carrying { values[j] = value }
        }
    }
}
