import MedSaveSupport
import Testing

@testable import MedSaveIngest

/// The interner against a dictionary: ids in order of first appearance, the same id for the same bytes however
/// the table has grown, and no two keys sharing one. Keys are drawn to be hard on it: every length from 0 to 40
/// (the inline 16 bytes, and tails past them), codes that differ only in their last byte or only in length, zero
/// bytes, and enough of them for the table to grow many times.
@Suite("Byte interner")
struct ByteInternerTests {
    static func keys(seed: UInt64, count: Int) -> [[UInt8]] {
        var random = SplitMix64(seed: seed)
        var keys: [[UInt8]] = [[], [0], [0, 0], Array("0".utf8), Array("00".utf8)]
        for _ in 0..<count {
            let length = Int(random.next(below: 41))
            // Mostly digits, so that keys share long prefixes, with a zero byte now and then.
            var key = (0..<length).map { _ in UInt8(48 + random.next(below: 3)) }
            if length > 0 && random.next(below: 20) == 0 { key[Int(random.next(below: UInt64(length)))] = 0 }
            keys.append(key)
            if random.next(below: 4) == 0 { keys.append(keys[Int(random.next(below: UInt64(keys.count)))]) }
            if random.next(below: 8) == 0 { keys.append(key + [48]) }
        }
        return keys
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func idsAreFirstAppearanceAndEveryKeyKeepsItsOwn(seed: UInt64) {
        let keys = Self.keys(seed: seed, count: 20_000)
        var interner = ByteInterner(capacity: 4)
        var reference: [[UInt8]: Int32] = [:]
        var order: [[UInt8]] = []
        for key in keys {
            let got = key.withUnsafeBufferPointer { interner.intern($0) }
            if let known = reference[key] {
                #expect(got.id == known && !got.isNew)
            } else {
                #expect(got.id == Int32(order.count) && got.isNew)
                reference[key] = got.id
                order.append(key)
            }
        }
        #expect(interner.count == order.count && order.count > 5_000)
        for (id, key) in order.enumerated() {
            #expect(Array(interner.key(Int32(id))) == key)
            #expect(interner.withKey(Int32(id)) { Array($0) } == key)
            // Found again after all the growing, as the same id.
            #expect(key.withUnsafeBufferPointer { interner.intern($0) } == (Int32(id), false))
        }
    }

    /// Codes of 1 to 16 digits are kept as one word: their value, and their length above bit 57, so that codes
    /// differing only in leading zeros stay apart; anything else (empty, longer, any other byte) is not such a
    /// code. Checked against the digits read one by one, at every length and with the word loads' edges (7, 8,
    /// 9, 15, 16 and 17 digits), and with one byte spoiled at every place.
    @Test(arguments: [UInt64(1), 2, 3])
    func numericKeysAreTheDigitsValueAndLength(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for length in 0...20 {
            for _ in 0..<200 {
                var key = (0..<length).map { _ in UInt8(48 + random.next(below: 10)) }
                var expected: UInt64? = nil
                if (1...16).contains(length) {
                    expected = key.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 48) } | UInt64(length) << 57
                }
                #expect(key.withUnsafeBufferPointer { ByteInterner.numericKey($0) } == expected, "\(key)")
                if length > 0 {
                    // A byte that is not a digit anywhere: not a numeric key.
                    let at = Int(random.next(below: UInt64(length)))
                    key[at] =
                        [UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: " "), 0, 0xC3, UInt8(ascii: "A")][
                            Int(random.next(below: 6))]
                    #expect(key.withUnsafeBufferPointer { ByteInterner.numericKey($0) } == nil, "\(key)")
                }
            }
        }
        // Leading zeros make another code; the largest sixteen digits fit.
        let seven = Array("7".utf8), zeroSeven = Array("007".utf8), nines = Array(repeating: UInt8(57), count: 16)
        #expect(
            seven.withUnsafeBufferPointer { ByteInterner.numericKey($0) }
                != zeroSeven.withUnsafeBufferPointer { ByteInterner.numericKey($0) })
        #expect(nines.withUnsafeBufferPointer { ByteInterner.numericKey($0) } == 9_999_999_999_999_999 | 16 << 57)
    }
}
