import MedSaveCore
import Testing

@Suite("Prescriber codes in the pairs")
struct PrescriberCodeTests {
    static func own(_ text: String) -> UInt32? {
        Array(text.utf8).withUnsafeBufferPointer { PrescriberCode.own($0) }
    }

    /// Codes of 1 to 8 digits are their own codes, written out again as they came (leading zeros kept, so
    /// that `007` is not `7`), each different from every other and from every id; anything else has none.
    /// Checked against the digits' text at every length, with seeded codes and the edges of each length.
    @Test func ownCodesAreTheDigitsAndNothingElse() {
        var random = SplitMix64(seed: 5)
        var seen: [UInt32: String] = [:]
        for length in 1...8 {
            var codes = [String(repeating: "0", count: length), String(repeating: "9", count: length)]
            for _ in 0..<500 {
                codes.append(String((0..<length).map { _ in Character(String(random.next() % 10)) }))
            }
            for text in codes {
                guard let code = Self.own(text) else {
                    Issue.record("\(text) has no own code")
                    continue
                }
                #expect(PrescriberCode.isOwn(code), "\(text)")
                #expect(code != UInt32.max, "\(text): the value that means no code")
                #expect(PrescriberCode.text(code) == text)
                if let other = seen[code] { #expect(other == text, "\(text) and \(other) share a code") }
                seen[code] = text
            }
        }
        for text in ["", "123456789", "1234567890123", "12a4", "P1", " 123", "12 3", "-12", "1.5", "١٢٣"] {
            #expect(Self.own(text) == nil, "\(text)")
        }
        // Ids, below 2³¹, are never own codes.
        for id in [UInt32(0), 1, 20_000, UInt32(Int32.max)] { #expect(!PrescriberCode.isOwn(id)) }
    }
}
