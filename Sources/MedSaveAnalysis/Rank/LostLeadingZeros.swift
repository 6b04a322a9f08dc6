import MedSaveModel

/// Product codes that lost their leading zeros on the way (a spreadsheet reads `038994` as the number 38994):
/// codes the catalogue does not know, all digits, that it does know with one to eight zeros in front.
public struct LostLeadingZeros: Sendable, Equatable {
    /// How many distinct unknown codes match once padded.
    public var codes: Int
    /// One of them, as read and as the catalogue has it.
    public var example: (read: String, catalogue: String)

    public static func == (a: LostLeadingZeros, b: LostLeadingZeros) -> Bool {
        a.codes == b.codes && a.example == b.example
    }

    /// The codes of `unknown` (product id → a period it was dispensed in) that `classifier` knows padded.
    static func find(_ unknown: [Int32: Int32], data: DispensingAggregate, classifier: any ProductClassifier)
        -> LostLeadingZeros?
    {
        var found: [(read: String, catalogue: String)] = []
        for (product, period) in unknown {
            let code = data.products[Int(product)]
            guard !code.isEmpty, code.utf8.allSatisfy({ (48...57).contains($0) }) else { continue }
            for zeros in 1...8 {
                let padded = String(repeating: "0", count: zeros) + code
                if case .unknown = classifier.classify(product: padded, period: data.periods[Int(period)]) {
                    continue
                }
                found.append((code, padded))
                break
            }
        }
        guard let example = found.min(by: { $0.read < $1.read }) else { return nil }
        return LostLeadingZeros(codes: found.count, example: example)
    }
}
