import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

@Suite("xlsx reading on a small TLV-style workbook (Tests/Fixtures/make-xlsx-fixture.py)")
struct XLSXReaderTests {
    @Test func readsCellsOfEveryKind() throws {
        let sheet = try XLSXReader.readFirstSheet(path: Fixtures.path("tlv-small.xlsx"))
        #expect(sheet.name == "20250301-20250331")
        #expect(sheet.rows.map(\.number) == [1, 3, 4, 5, 6])
        #expect(sheet.rows[0][0] == "Periodens varor & reserver")
        #expect(sheet.rows[1][3] == "Förpackningsstorleksgrupp", "shared string with non-ASCII text")
        #expect(sheet.rows[2][0] == "PV", "rich-text runs joined, phonetic run left out")
        #expect(sheet.rows[2][1] == "Simvastatin \"Teva\"")
        #expect(sheet.rows[2][2] == "012345", "a code keeps its leading zero")
        #expect(sheet.rows[2][5] == "0.40000000000000002", "numbers stay as written")
        #expect(sheet.rows[3][1] == "Zocord®")
        #expect(sheet.rows[4][3] == "", "an empty cell")
    }

    @Test func importsAsAPeriodensVarorList() throws {
        let result = try PeriodensVarorReader.read(path: Fixtures.path("tlv-small.xlsx"))
        #expect(result.rowsPerPeriod.map(\.period.description) == ["2025-03"])
        #expect(result.entries.map(\.product) == ["012345", "543210", "222222"])
        #expect(result.entries.map(\.status) == [.pv, .none, .r1])
        #expect(result.entries[0].unitPrice == 0.4)
        #expect(result.entries[0].packSize == 100)
        #expect(result.entries[0].equivalenceClass?.description == "111603/T23")
        #expect(result.entries[2].equivalenceClass?.description == "111604")
        #expect(result.entries[1].origin == "", "the marker is blanked, the row kept")
        #expect(
            result.problems.map(\.description) == [
                "\(Fixtures.path("tlv-small.xlsx")):5:8: Ursprung: TLV's missing-value marker; the field is left empty and the row kept: found \"-2147483648\""
            ])
        #expect(result.lines == [4, 5, 6])
    }

    @Test func detectedAsATLVListByTheCatalogueLoader() throws {
        let (catalogue, problems) = try CatalogueLoader.load([Fixtures.path("tlv-small.xlsx")])
        #expect(problems.count == 1)
        #expect(catalogue.entry(product: "012345", period: Period(year: 2025, month: 3))?.status == .pv)
    }

    @Test func aFileThatIsNotAZipIsAClearError() throws {
        let path = Fixtures.write("not a workbook", named: "fake.xlsx")
        do {
            _ = try XLSXReader.readFirstSheet(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(path): not a readable xlsx/zip file: too short")
        }
    }
}

@Suite("HTML output is well-formed")
struct HTMLWellFormedTests {
    @Test func tagsBalanceInTheRankPage() throws {
        let inputs = try LoadedInputs.load(
            InputConfiguration(
                dispensingPaths: [Fixtures.path("dispensing.csv")], cataloguePaths: [Fixtures.path("catalogue.csv")],
                read: DispensingReadOptions()))
        var configuration = RankConfiguration(target: .pv)
        configuration.rules = .shipped
        let result = try Ranking.rank(inputs.dispensing, classifier: inputs.classifier, configuration: configuration)
        let html = RankRenderer(result, showExcluded: true, showBlocked: true).html()
        #expect(try WellFormed.check(html) == nil)
    }
}

extension XLSXReaderTests {
    /// Watching the xlsx fuzzer showed memory climbing to 1 GB: an entry's claimed size was allocated before
    /// inflating. A claim beyond what DEFLATE can expand is now refused up front.
    @Test(arguments: [
        ("xl/worksheets/sheet1.xml", UInt32(100_000_000), "claims 100000000 bytes", "more than DEFLATE can expand"),
        ("xl/worksheets/sheet1.xml", UInt32(200_000_000), "would unpack to 200000000 bytes", "more than the 134217728"),
        ("xl/sharedStrings.xml", UInt32(40_000_000), "would unpack to 40000000 bytes", "more than the 33554432"),
    ])
    func anEntryClaimingAnImpossibleSizeIsRefusedBeforeAllocating(
        entry: String, claim: UInt32, first: String, second: String
    ) throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("tlv-small.xlsx"))))
        let name = Array(entry.utf8)
        var patched = false
        for i in 0..<(bytes.count - 46) where bytes[i..<(i + 4)].elementsEqual([0x50, 0x4B, 0x01, 0x02]) {
            let nameLength = Int(bytes[i + 28]) | Int(bytes[i + 29]) << 8
            guard bytes[(i + 46)..<(i + 46 + nameLength)].elementsEqual(name) else { continue }
            for k in 0..<4 { bytes[i + 24 + k] = UInt8(truncatingIfNeeded: claim >> (8 * UInt32(k))) }
            patched = true
        }
        try #require(patched)
        do {
            _ = try XLSXReader.readFirstSheet(bytes: bytes, path: "bomb.xlsx")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(first), "\(error)")
            #expect(error.description.contains(second), "\(error)")
        }
    }

    /// A 2 GB file was read whole before its end record was checked. A workbook larger than 256 MiB is refused
    /// from its size (a sparse file here, so the test writes nothing), and a large file that is no zip from its
    /// last 64 KiB, not read whole.
    @Test func aHugeFileIsRefusedFromItsSizeAndANonZipFromItsEnd() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let huge = dir.appendingPathComponent("huge.xlsx").path
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: 2 << 30)
        try handle.close()
        do {
            _ = try XLSXReader.readFirstSheet(path: huge)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("more than the 256 MiB a workbook is read to"), "\(error)")
        }
        let notZip = dir.appendingPathComponent("big.xlsx").path
        try Data(repeating: 0x41, count: 8 << 20).write(to: URL(fileURLWithPath: notZip))
        do {
            _ = try XLSXReader.readFirstSheet(path: notZip)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("no end-of-directory record"), "\(error)")
        }
    }
}

/// Workbooks whose cell references or sizes are out of Excel's bounds: refused before anything is allocated.
@Suite("xlsx bounds")
struct XLSXBoundsTests {
    /// A one-sheet workbook (`sheet` is the inside of `<sheetData>`), made with Python's zipfile.
    static func workbook(_ sheetData: String) throws -> String {
        let dir = Fixtures.temporaryDirectory(), path = dir.appendingPathComponent("b.xlsx").path
        let script = """
            import sys, zipfile
            ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            wb = f'<workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            wb += '<sheets><sheet name="S1" sheetId="1" r:id="rId1"/></sheets></workbook>'
            rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            rels += '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
            sheet = f'<worksheet {ns}><sheetData>' + sys.argv[2] + '</sheetData></worksheet>'
            with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
                for name, text in [("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", rels),
                                   ("xl/worksheets/sheet1.xml", sheet)]:
                    z.writestr(name, text)
            """
        try #require(try Fixtures.python(script, path, sheetData) == 0)
        return path
    }

    @Test(arguments: [
        ("<row r=\"4\"><c r=\"AAAAAAAAAAAAAAAA4\"><v>1</v></c></row>", "cell reference AAAAAAAAAAAAAAAA4 is outside"),
        ("<row r=\"1\"><c r=\"ZZZZZZZ1\"><v>1</v></c></row>", "cell reference ZZZZZZZ1 is outside"),
        ("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>", "cell reference XFE1 is outside"),
        ("<row r=\"9223372036854775807\"><c r=\"A1\"><v>1</v></c></row>", "row number 9223372036854775807 is outside"),
        ("<row r=\"99999999999999999999999\"/>", "row number"),
    ])
    func outOfBoundsReferencesAreRefusedNamingTheSheet(sheetData: String, message: String) throws {
        let path = try Self.workbook(sheetData)
        #expect {
            try XLSXReader.readFirstSheet(path: path)
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains("sheet \"S1\"")
        }
    }

    @Test func theLastColumnIsFine() throws {
        let sheet = try XLSXReader.readFirstSheet(
            path: try Self.workbook("<row r=\"1\"><c r=\"XFD1\" t=\"inlineStr\"><is><t>x</t></is></c></row>"))
        #expect(sheet.rows.first?.cells.count == 16_384 && sheet.rows.first?[16_383] == "x")
    }
}
