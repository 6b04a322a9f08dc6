import MedSaveModel

extension Ranking {
    /// The order of organisations and prescribers by their codes, where sums take several of them at once, so
    /// that the floating-point sums do not depend on the order of the input's rows (or on how the rows were
    /// split between files, months and machines): the units of an area in a block, the prescribers of a
    /// cell's blocked rows.
    struct CodeOrder: Sendable {
        private let organisationRank: [Int32]
        private let prescriberRank: [Int32]
        private let sumsUnits: Bool

        init(_ data: DispensingAggregate, level: RankLevel) {
            sumsUnits = level.sumsUnits
            organisationRank = Self.ranks(data.organisations)
            // With organisations taken from the prescriber column, blocked rows name them by organisation id.
            prescriberRank =
                data.blockedByPrescriber.isEmpty
                ? [] : data.organisationColumn == .prescriber ? organisationRank : Self.ranks(data.prescribers)
        }

        private static func ranks(_ codes: [String]) -> [Int32] {
            var rank = [Int32](repeating: 0, count: codes.count)
            for (position, i) in codes.indices.sorted(by: { codes[$0] < codes[$1] }).enumerated() {
                rank[i] = Int32(position)
            }
            return rank
        }

        /// The positions of `block`'s organisations in the order their savings are added: by code where several
        /// add to one row, else as they are.
        func positions(_ block: Block) -> [Int] {
            let positions = Array(block.organisations.indices)
            guard sumsUnits else { return positions }
            return positions.sorted {
                organisationRank[Int(block.organisations[$0])] < organisationRank[Int(block.organisations[$1])]
            }
        }

        /// Calls `body` with each position of `positions(block)`, in that order, without listing them where
        /// they are in place.
        @inline(__always)
        func forEachPosition(_ block: Block, _ body: (Int) throws -> Void) rethrows {
            if sumsUnits {
                for position in positions(block) { try body(position) }
            } else {
                for position in block.organisations.indices { try body(position) }
            }
        }

        /// The (organisation << 32 | prescriber id, 0xFFFFFFFF for none) key of a blocked entry, with the ids
        /// replaced by their codes' ranks; entries without a prescriber come after the others.
        func blockedKey(_ key: UInt64) -> UInt64 {
            let organisation = Int(key >> 32), prescriber = UInt32(key & 0xFFFF_FFFF)
            let p = prescriber == UInt32.max ? UInt32.max : UInt32(prescriberRank[Int(prescriber)])
            return UInt64(organisationRank[organisation]) << 32 | UInt64(p)
        }
    }
}
