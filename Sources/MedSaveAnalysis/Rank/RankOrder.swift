import MedSaveModel

extension Ranking {
    /// The order opportunities are listed in — saving descending, then key, class and period, so that it never
    /// depends on the input's — with the keys' and classes' names ranked once, so that comparing two rows
    /// compares numbers, and the first k of n found by a partial selection, not a sort of all n.
    struct RankOrder {
        let table: RowTable
        /// The rank of each key's name (organisation, area or region index), and of each class.
        private let keyRank: [Int32]
        private let classRank: [Int32]
        private let window: Period

        init(table: RowTable, keys: RowKeys, data: DispensingAggregate, classes: [EquivalenceClass], window: Period) {
            self.table = table
            self.window = window
            let names = keys.groupOf == nil ? data.organisations : keys.names
            keyRank = Self.ranks(of: names.indices.sorted { names[$0] < names[$1] }, count: names.count)
            classRank = Self.ranks(of: classes.indices.sorted { classes[$0] < classes[$1] }, count: classes.count)
        }

        private static func ranks(of order: [Int], count: Int) -> [Int32] {
            var rank = [Int32](repeating: 0, count: count)
            for (position, i) in order.enumerated() { rank[i] = Int32(position) }
            return rank
        }

        /// Whether row `a` is listed before row `b`.
        @inline(__always)
        func precedes(_ a: Int32, _ b: Int32) -> Bool {
            let x = table.rows[Int(a)], y = table.rows[Int(b)]
            if x.saving != y.saving { return x.saving > y.saving }
            if x.key != y.key {
                // Key −1 (level `all`) is the only key of its rows.
                return (x.key < 0 ? -1 : keyRank[Int(x.key)]) < (y.key < 0 ? -1 : keyRank[Int(y.key)])
            }
            if x.classIndex != y.classIndex { return classRank[Int(x.classIndex)] < classRank[Int(y.classIndex)] }
            return (x.period ?? window) < (y.period ?? window)
        }

        func sorted(_ rows: [Int32]) -> [Int32] { rows.sorted(by: precedes) }

        /// The first `k` of `rows` in order (all of them, sorted, when `k` is nil or not smaller): a heap of
        /// the k best met so far, whose root is the one listed last.
        func first(_ k: Int?, of rows: [Int32]) -> [Int32] {
            guard let k, k < rows.count else { return sorted(rows) }
            guard k > 0 else { return [] }
            var heap: [Int32] = []
            heap.reserveCapacity(k)
            for r in rows {
                if heap.count < k {
                    heap.append(r)
                    var i = heap.count - 1
                    while i > 0 {
                        let parent = (i - 1) / 2
                        guard precedes(heap[parent], heap[i]) else { break }
                        heap.swapAt(parent, i)
                        i = parent
                    }
                } else if precedes(r, heap[0]) {
                    heap[0] = r
                    var i = 0
                    while true {
                        let left = 2 * i + 1, right = left + 1
                        var last = i
                        if left < k && precedes(heap[last], heap[left]) { last = left }
                        if right < k && precedes(heap[last], heap[right]) { last = right }
                        guard last != i else { break }
                        heap.swapAt(i, last)
                        i = last
                    }
                }
            }
            return sorted(heap)
        }
    }
}
