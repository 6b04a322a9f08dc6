import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

@testable import MedSaveOutput

/// Text from the data that would act on the reader: formulas in a spreadsheet, control sequences on a
/// terminal, characters XML forbids, right-to-left overrides. Each renderer neutralises it.
@Suite("Hostile text in every output")
struct HostileTextTests {
    static let hostile = [
        "=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "x\u{1B}[2Jy\u{07}", "abc\u{202E}fed",
        "a\u{0}b\u{8}c",
    ]

    /// One `;`-separated line, honouring RFC 4180 quotes.
    static func split(_ line: String) -> [String] {
        var fields: [String] = [], current = "", quoted = false, previousQuote = false
        for c in line {
            if quoted {
                if c == "\"" {
                    quoted = false
                    previousQuote = true
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                if previousQuote { current.append("\"") }
                quoted = true
                previousQuote = false
            } else if c == ";" {
                fields.append(current)
                current = ""
                previousQuote = false
            } else {
                current.append(c)
                previousQuote = false
            }
        }
        return fields + [current]
    }

    func table(_ code: String) -> Tabular {
        Tabular(
            columns: ["unit", "name", "saving"], codeColumns: ["unit"],
            rows: Self.hostile.map { [.text(code), .text($0), .money(-12.5)] })
    }

    @Test func excelCSVHasNoLiveFormulaAndCodesCannotCloseTheirString() {
        let out = table("x\",HYPERLINK(\"http://evil\")&\"").excelCSV()
        let lines = out.dropFirst().components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        for line in lines {
            let fields = Self.split(line)
            // The code: one string literal, its quotes doubled inside it.
            #expect(fields[0] == "=\"x\"\",HYPERLINK(\"\"http://evil\"\")&\"\"\"")
            #expect(!"=+-@".contains(fields[1].first!), "\(fields[1])")
            #expect(fields[2] == "-12,50", "a negative number stays a number")
        }
    }

    @Test func htmlStaysWellFormedAndShowsNoControlsOrOverrides() throws {
        var page = HTMLPage(title: "t")
        for text in Self.hostile { page.paragraph(text) }
        let html = page.document
        #expect(try WellFormed.check(html) == nil)
        #expect(!html.unicodeScalars.contains { DisplayText.needsReplacing($0) })
        #expect(html.contains("\u{241B}[2Jy\u{2407}"), "ESC and BEL shown as their pictures")
        let markdown = Markdown.escape(Self.hostile.joined(separator: " "))
        #expect(!markdown.unicodeScalars.contains { DisplayText.needsReplacing($0) })
    }

    @Test func terminalTablesAndCSVCarryNoEscapeSequence() {
        let text = table("U1").table() + table("U1").csv()
        #expect(!text.unicodeScalars.contains { DisplayText.needsReplacing($0) })
        #expect(text.split(separator: "\n").count == 2 + 2 * Self.hostile.count + 1)
    }
}
