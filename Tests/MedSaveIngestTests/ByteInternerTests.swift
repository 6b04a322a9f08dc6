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
}
