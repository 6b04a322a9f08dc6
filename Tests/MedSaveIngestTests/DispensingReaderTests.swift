import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

@Suite("Streaming dispensing reader")
struct DispensingReaderTests {
    func read(_ name: String, _ options: DispensingReadOptions = DispensingReadOptions()) throws -> DispensingAggregate
    {
        try DispensingReader.read(paths: [Fixtures.path(name)], options: options)
    }

    /// Totals per (organisation, product, period) by code, independent of id order.
    func totals(_ a: DispensingAggregate) -> [String: String] {
        var out: [String: String] = [:]
        for c in a.cells {
            let key =
                "\(a.organisations[Int(c.organisation)])|\(a.products[Int(c.product)])|\(a.periods[Int(c.period)])"
            out[key] =
                "\(c.quantity) \(c.cost) \(c.rows) \(c.hasCorrectionRows ? 1 : 0) \(c.hasBlockedRows ? 1 : 0)"
        }
        return out
    }

    @Test func readsThePlainFixture() throws {
        let a = try read("dispensing.csv")
        #expect(a.rowsRead == 9)
        #expect(a.badRows == 0)
        #expect(a.costRead == FixedDecimal(1630))
        #expect(a.problems.isEmpty)
        let t = totals(a)
        #expect(t["U1|100003|2025-02"] == "50 100 2 1 0", "the correction row is summed, not dropped")
        #expect(t["U1|100003|2025-01"] == "100 200 1 0 1", "substitution_allowed=false marks the cell blocked")
        #expect(a.hasPatients && a.hasPrescribers)
    }

    @Test func gzipGivesTheSameTotals() throws {
        #expect(totals(try read("dispensing.csv.gz")) == totals(try read("dispensing.csv")))
    }

    @Test(arguments: ["dispensing-bom-crlf.csv", "dispensing-cr-only.csv"])
    func lineEndingsAndByteOrderMark(name: String) throws {
        let a = try read(name)
        #expect(totals(a) == totals(try read("dispensing.csv")))
        #expect(a.rowsRead == 9)
    }

    @Test func swedishExcelExport() throws {
        let options = DispensingReadOptions(
            dialect: CSVDialect(delimiter: UInt8(ascii: ";"), decimalComma: true, encoding: .windows1252))
        let a = try read("dispensing-excel-sv.csv", options)
        #expect(a.problems.isEmpty)
        #expect(a.costRead == FixedDecimal(1630))
        #expect(Set(a.organisations) == ["Vårdcentral Årsta", "Vårdcentral Söder"])
    }

    @Test func detectsTheDelimiterWhenNotGiven() throws {
        let options = DispensingReadOptions(
            dialect: CSVDialect(delimiter: nil, decimalComma: true, encoding: .windows1252))
        #expect(try read("dispensing-excel-sv.csv", options).costRead == FixedDecimal(1630))
    }

    @Test func windows1252ReadAsUTF8IsAProblemWithAHint() throws {
        let options = DispensingReadOptions(dialect: CSVDialect(delimiter: UInt8(ascii: ";"), decimalComma: true))
        let a = try read("dispensing-excel-sv.csv", options)
        #expect(a.badRows == 9)
        #expect(
            a.problems.first?.description
                == "\(Fixtures.path("dispensing-excel-sv.csv")):2:9: unit: not valid UTF-8: found \"V\u{FFFD}rdcentral \u{FFFD}rsta\" (try --encoding windows-1252)"
        )
    }

    @Test(arguments: [1, 2, 3, 5, 7, 11, 64])
    func everyChunkBoundaryGivesTheSameResult(chunkSize: Int) throws {
        var options = DispensingReadOptions()
        options.chunkSize = chunkSize
        for name in ["dispensing.csv", "dispensing-bom-crlf.csv", "dispensing-cr-only.csv", "dispensing.csv.gz"] {
            #expect(
                totals(try read(name, options)) == totals(try read("dispensing.csv")),
                "\(name) at chunk size \(chunkSize)")
        }
        let bad = try read("dispensing-bad-rows.csv", options)
        #expect(bad.problems == (try read("dispensing-bad-rows.csv")).problems)
    }

    @Test func badRowsBecomeProblemsWithLineAndColumn() throws {
        let a = try read("dispensing-bad-rows.csv")
        let file = Fixtures.path("dispensing-bad-rows.csv")
        #expect(
            a.problems.map(\.description) == [
                "\(file):3:24: quantity: not a number: expected a decimal number, found \"10O\"",
                "\(file):4:1: period: not a period: expected YYYY-MM, YYYY-MM-DD or YYYYMM, found \"2025-13\"",
                "\(file):5:1: expected 9 fields as in the header, found 10 (is there an unquoted decimal comma, or is the delimiter wrong?)",
                "\(file):6:1: expected 9 fields as in the header, found 8",
                "\(file):9:36: substitution_allowed: not a flag: expected true or false (also yes/no, 1/0, ja/nej), found \"maybe\"",
            ])
        #expect(a.rowsRead == 7)
        #expect(a.badRows == 5)
        #expect(a.costRead == FixedDecimal(245))
        #expect(a.badRowCost == FixedDecimal(105))
        #expect(a.cells.count == 2, "the good row and the row with a quoted line break are kept")
    }

    @Test func strictStopsAtTheFirstProblem() throws {
        var options = DispensingReadOptions()
        options.strict = true
        #expect(throws: InputError.self) { try read("dispensing-bad-rows.csv", options) }
    }

    @Test func missingColumnNamesWhatTheHeaderHas() throws {
        let path = Fixtures.write("period,unit,product,qty,cost\n2025-01,U1,1,2,3\n", named: "missing.csv")
        do {
            _ = try DispensingReader.read(paths: [path], options: DispensingReadOptions())
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("\(path):1:1: missing column \"quantity\" for quantity"))
            #expect(error.hint == "map it with --map quantity=NAME")
        }
        let mapped = DispensingReadOptions(mapping: try ColumnMapping(assignments: ["quantity=qty"]))
        #expect(try DispensingReader.read(paths: [path], options: mapped).rowsRead == 1)
    }

    @Test func truncatedGzipIsAnError() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("dispensing.csv.gz"))))
        let path = Fixtures.write(bytes: Array(bytes.prefix(bytes.count - 12)), named: "cut.csv.gz")
        #expect(throws: InputError.self) { try DispensingReader.read(paths: [path], options: DispensingReadOptions()) }
    }

    @Test func emptyFileIsAnError() throws {
        let path = Fixtures.write("", named: "empty.csv")
        #expect(throws: InputError.self) { try DispensingReader.read(paths: [path], options: DispensingReadOptions()) }
    }

    @Test func manyFilesAddUp() throws {
        let one = try read("dispensing.csv")
        let two = try DispensingReader.read(
            paths: [Fixtures.path("dispensing.csv"), Fixtures.path("dispensing.csv.gz")],
            options: DispensingReadOptions())
        #expect(two.rowsRead == 2 * one.rowsRead)
        #expect(two.costRead == one.costRead + one.costRead)
        #expect(two.cells.count == one.cells.count)
    }
}
