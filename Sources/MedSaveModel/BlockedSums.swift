/// The rows marked "do not substitute", summed per (cell index << 32 | prescriber id) key (0xFFFFFFFF for rows
/// that name no prescriber), in ascending key order: so each cell's entries come together, by prescriber id,
/// the rows without a prescriber last.
///
/// A list rather than a dictionary: a national file has a blocked row in twenty, half a million entries, which a
/// reader appends as it meets them and sorts once (`DispensingReader.finish`), and which ranking reads cell by
/// cell (`Ranking.BlockedRows`). A dictionary took a random lookup a blocked row while reading, and ranking had
/// to sort its keys again.
public struct BlockedSums: RandomAccessCollection, Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: UInt64
        public var quantity: FixedDecimal
        public var cost: FixedDecimal

        public init(key: UInt64, quantity: FixedDecimal, cost: FixedDecimal) {
            self.key = key
            self.quantity = quantity
            self.cost = cost
        }

        /// The cell's index in `DispensingAggregate.cells`.
        public var cell: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: key >> 32)) }
        /// The prescriber's id (or the organisation's, when prescribers are the organisations); −1: none named.
        public var prescriber: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: key)) }
    }

    /// The low half of a key that names no prescriber.
    public static let noPrescriber: UInt64 = 0xFFFF_FFFF

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Entries whose keys ascend, each key once.
    package init(ascending entries: [Entry]) {
        assert(zip(entries, entries.dropFirst()).allSatisfy { $0.key < $1.key }, "keys ascending, each once")
        self.entries = entries
    }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Entry { entries[position] }

    /// The entry with `key`, if there is one: O(log n).
    public subscript(key key: UInt64) -> Entry? {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].key == key ? entries[low] : nil
    }
}
