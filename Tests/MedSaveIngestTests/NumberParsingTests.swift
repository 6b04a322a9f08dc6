import MedSaveCore
import MedSaveSupport
import Testing

@testable import MedSaveIngest

@Suite("Numbers and flags parsed from bytes")
struct NumberParsingTests {
    func parse(_ s: String, comma: Bool = false) -> Result<FixedDecimal, NumberParsing.Failure> {
        Array(s.utf8).withUnsafeBufferPointer { NumberParsing.fixedDecimal($0, decimalComma: comma) }
    }

    @Test(
        arguments: [
            ("12", 12_000_000), ("-3.5", -3_500_000), ("+0.25", 250_000), (" 7.125 ", 7_125_000), ("0.0000005", 0),
            ("0.0000015", 2), ("0.00000151", 2), ("1.9999999", 2_000_000), (".5", 500_000), ("5.", 5_000_000),
        ] as [(String, Int64)])
    func decimalPoint(text: String, raw: Int64) {
        #expect(parse(text) == .success(FixedDecimal(raw: raw)))
    }

    @Test func decimalCommaAndHints() {
        #expect(parse("12,50", comma: true) == .success(FixedDecimal(raw: 12_500_000)))
        #expect(
            parse("12,50") == .failure(.invalid(expected: "a decimal number", hint: "did you mean --decimal-comma?")))
        #expect(
            parse("12.50", comma: true)
                == .failure(
                    .invalid(
                        expected: "a decimal number",
                        hint: "the file seems to use a decimal point: drop --decimal-comma")))
    }

    @Test(arguments: ["", "  ", "abc", "NaN", "inf", "1e308", "1.2.3", "-", "99999999999999"])
    func rejected(text: String) {
        if case .success = parse(text) { Issue.record("accepted \"\(text)\"") }
    }

    @Test func flags() {
        for t in ["true", "TRUE", "1", "ja", "Y"] {
            #expect(Array(t.utf8).withUnsafeBufferPointer { NumberParsing.flag($0) } == .success(true))
        }
        for f in ["false", "0", "Nej", "n"] {
            #expect(Array(f.utf8).withUnsafeBufferPointer { NumberParsing.flag($0) } == .success(false))
        }
        #expect(Array("maybe".utf8).withUnsafeBufferPointer { NumberParsing.flag($0) } != .success(true))
    }

    @Test func periods() {
        #expect(Period(text: "2025-03")?.description == "2025-03")
        #expect(Period(text: "2025-03-31")?.description == "2025-03")
        #expect(Period(text: "202503")?.description == "2025-03")
        for bad in ["2025-13", "2025-3", "25-03", "2025/03", "", "2025-03-32"] {
            #expect(Period(text: bad) == nil, "\(bad)")
        }
        #expect(PeriodRange(text: "2025-02..2025-04")!.contains(Period(year: 2025, month: 3)))
        #expect(!PeriodRange(text: "2025-02..")!.contains(Period(year: 2025, month: 1)))
        #expect(PeriodRange(text: "2025-05..2025-04") == nil)
    }

    @Test func fixedDecimalFormatting() {
        #expect(FixedDecimal(raw: -1).description == "-0.000001")
        #expect(NumberFormat.fixed(FixedDecimal(raw: 12_345_000), decimals: 2) == "12.35")
        #expect(NumberFormat.fixed(FixedDecimal(raw: -12_345_000), decimals: 2) == "-12.35")
        #expect(NumberFormat.fixed(0.005, decimals: 2) == "0.01")
        #expect(NumberFormat.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(NumberFormat.fixed(1234.5, decimals: 2, decimalMark: ",") == "1234,50")
    }

    /// A price's value read from its digits (`PriceText.parseExactly`, Clinger's fast path) is the double that
    /// `Double(text)` gives, for every plain decimal of up to 15 digits — signs, leading zeros, a point at
    /// either end — and it leaves everything else (16 digits and more, a second point, a comma where a point
    /// is expected) to the text path.
    @Test(arguments: [UInt64(1), 2, 3])
    func exactPricesAreTheCorrectlyRoundedDouble(seed: UInt64) {
        var g = MedSaveSupport.SplitMix64(seed: seed)
        for _ in 0..<20_000 {
            let digits = Int(g.next(below: 18))
            var text = String((0..<digits).map { _ in Character(String(g.next(below: 10))) })
            if digits > 0 && g.next(below: 2) == 0 {
                let at = text.index(text.startIndex, offsetBy: Int(g.next(below: UInt64(digits + 1))))
                text.insert(".", at: at)
            }
            if g.next(below: 4) == 0 { text = (g.next(below: 2) == 0 ? "-" : "+") + text }
            if g.next(below: 50) == 0 { text += "." }
            let exact = Array(text.utf8).withUnsafeBufferPointer { PriceText.parseExactly($0, decimalComma: false) }
            let count = text.filter(\.isNumber).count
            if count >= 1 && count <= 15 && text.filter({ $0 == "." }).count <= 1 {
                #expect(exact != nil, "\(text)")
            }
            if let exact {
                #expect(exact.bitPattern == Double(text)!.bitPattern, "seed \(seed): \(text)")
            }
            // With decimal commas a point is no decimal mark: only whole numbers are read here.
            let comma = Array(text.utf8).withUnsafeBufferPointer { PriceText.parseExactly($0, decimalComma: true) }
            if text.contains(".") { #expect(comma == nil, "\(text)") }
        }
    }
}
