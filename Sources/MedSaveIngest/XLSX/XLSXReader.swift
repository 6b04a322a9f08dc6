import MedSaveModel

/// One worksheet's cells as text, row by row.
public struct XLSXSheet: Sendable {
    /// The sheet's name as the workbook lists it (TLV puts the price period there).
    public var name: String
    public var rows: [XLSXRow]
}

/// A row of a worksheet: its 1-based number and its cells by 0-based column (missing cells are empty).
public struct XLSXRow: Sendable {
    public var number: Int
    public var cells: [String]

    public subscript(column: Int) -> String { column < cells.count ? cells[column] : "" }
}

/// Reads the first worksheet of an xlsx workbook: shared strings, inline strings, numbers (as written in
/// the file, so `60.00000` stays as text for the caller to parse), booleans and formula results.
public enum XLSXReader {
    public static func readFirstSheet(path: String) throws(InputError) -> XLSXSheet {
        try readFirstSheet(try ZipArchive(path: path), path: path)
    }

    /// A workbook already in memory (named `path` in messages): for tests and fuzzing.
    public static func readFirstSheet(bytes: [UInt8], path: String) throws(InputError) -> XLSXSheet {
        try readFirstSheet(try ZipArchive(path: path, bytes: bytes), path: path)
    }

    static func readFirstSheet(_ zip: ZipArchive, path: String) throws(InputError) -> XLSXSheet {
        func malformed(_ part: String, _ error: XMLScanner.Malformed) -> InputError {
            InputError(
                location: nil, message: "\(path): \(part) is not well-formed XML at byte \(error.offset): \(error.why)")
        }
        guard let workbook = try zip.read("xl/workbook.xml") else {
            throw InputError(location: nil, message: "\(path): not an xlsx workbook (no xl/workbook.xml)")
        }
        // The first <sheet> names the sheet and its relationship id; the relationships give its part.
        var sheetName = "", relationship = ""
        do {
            var xml = XMLScanner(workbook)
            while let event = try xml.next() {
                if case .start("sheet", let a, _) = event {
                    sheetName = a["name"] ?? ""
                    relationship = a["id"] ?? ""
                    break
                }
            }
        } catch { throw malformed("xl/workbook.xml", error) }
        var part = "xl/worksheets/sheet1.xml"
        if let rels = try zip.read("xl/_rels/workbook.xml.rels") {
            do {
                var xml = XMLScanner(rels)
                while let event = try xml.next() {
                    if case .start("Relationship", let a, _) = event, a["Id"] == relationship, let target = a["Target"]
                    {
                        part = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                    }
                }
            } catch { throw malformed("xl/_rels/workbook.xml.rels", error) }
        }
        let shared = try sharedStrings(zip, malformed)
        guard let sheet = try zip.read(part) else {
            throw InputError(location: nil, message: "\(path): the first sheet's part \(part) is missing")
        }
        do {
            return XLSXSheet(name: sheetName, rows: try rows(sheet, shared: shared, path: path, sheet: sheetName))
        } catch let error as XMLScanner.Malformed {
            throw malformed(part, error)
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(location: nil, message: "\(path): \(error)")
        }
    }

    /// The largest shared-strings part read.
    static let sharedStringsLimit = 32 << 20

    private static func sharedStrings(
        _ zip: ZipArchive, _ malformed: (String, XMLScanner.Malformed) -> InputError
    ) throws(InputError) -> [String] {
        // TLV's workbooks keep their text inline (a shared-strings part of 673 bytes): 32 MiB is generous, and
        // bounds the parse of a part that expands a thousandfold within what DEFLATE allows.
        guard let bytes = try zip.read("xl/sharedStrings.xml", limit: sharedStringsLimit) else { return [] }
        var strings: [String] = []
        var current = "", inText = false, inPhonetic = false
        do {
            var xml = XMLScanner(bytes)
            while let event = try xml.next() {
                switch event {
                case .start("si", _, let selfClosing):
                    current = ""
                    if selfClosing { strings.append("") }
                case .end("si"): strings.append(current)
                case .start("rPh", _, _): inPhonetic = true
                case .end("rPh"): inPhonetic = false
                case .start("t", _, let selfClosing): inText = !selfClosing
                case .end("t"): inText = false
                case .text(let t) where inText && !inPhonetic: current += t
                default: break
                }
            }
        } catch { throw malformed("xl/sharedStrings.xml", error) }
        return strings
    }

    /// Excel's own limits: columns A…XFD, rows 1…1,048,576. A reference outside them is refused, not padded to.
    static let maxColumns = 16_384
    static let maxRows = 1_048_576
    /// Cells (empty ones included) a sheet may hold in all: TLV's lists have about 200,000.
    static let maxCells = 50_000_000

    /// Column index (0-based) of a cell reference such as `AB12`; nil without letters or past column XFD
    /// (at most three letters, so the arithmetic cannot overflow).
    static func column(of reference: String) -> Int? {
        var n = 0, letters = 0
        for u in reference.utf8 {
            guard u >= 65 && u <= 90 else { break }
            letters += 1
            guard letters <= 3 else { return nil }
            n = n * 26 + Int(u - 64)
        }
        return letters == 0 || n > maxColumns ? nil : n - 1
    }

    private static func rows(_ bytes: [UInt8], shared: [String], path: String, sheet: String) throws -> [XLSXRow] {
        var xml = XMLScanner(bytes)
        var rows: [XLSXRow] = []
        var row: XLSXRow?
        var cellColumn = 0, cellType = "", value = "", inValue = false, inCell = false, cells = 0
        func refuse(_ line: Int, _ message: String) -> InputError {
            InputError(
                location: SourceLocation(file: path, line: max(line, 1), column: 1),
                message: "sheet \"\(sheet)\": \(message)")
        }
        while let event = try xml.next() {
            switch event {
            case .start("row", let a, let selfClosing):
                let number = a["r"].map { Int($0) ?? 0 } ?? ((rows.last?.number ?? 0) + 1)
                guard (1...maxRows).contains(number) else {
                    throw refuse(rows.last?.number ?? 1, "row number \(a["r"] ?? "") is outside 1…\(maxRows)")
                }
                if selfClosing {
                    rows.append(XLSXRow(number: number, cells: []))
                } else {
                    row = XLSXRow(number: number, cells: [])
                }
            case .end("row"):
                if let r = row { rows.append(r) }
                row = nil
            case .start("c", let a, let selfClosing):
                if let reference = a["r"] {
                    guard let c = column(of: reference) else {
                        throw refuse(row?.number ?? 1, "cell reference \(reference) is outside columns A…XFD")
                    }
                    cellColumn = c
                } else {
                    cellColumn = row?.cells.count ?? 0
                }
                guard cellColumn < maxColumns else { throw refuse(row?.number ?? 1, "more than \(maxColumns) columns") }
                cellType = a["t"] ?? "n"
                value = ""
                inCell = !selfClosing
            case .start("v", _, let selfClosing), .start("t", _, let selfClosing):
                inValue = inCell && !selfClosing
            case .end("v"), .end("t"):
                inValue = false
            case .text(let t) where inValue:
                value += t
            case .end("c"):
                inCell = false
                var text = value
                switch cellType {
                case "s":
                    guard let index = Int(value), shared.indices.contains(index) else {
                        throw InputError(
                            location: SourceLocation(file: path, line: row?.number ?? 0, column: cellColumn + 1),
                            message: "shared string \(value) does not exist")
                    }
                    text = shared[index]
                case "b": text = value == "1" ? "TRUE" : "FALSE"
                default: break
                }
                if row != nil {
                    cells += max(0, cellColumn + 1 - row!.cells.count)
                    guard cells <= maxCells else {
                        throw refuse(row!.number, "more than \(maxCells) cells; refusing to hold them")
                    }
                    while row!.cells.count <= cellColumn { row!.cells.append("") }
                    row!.cells[cellColumn] = text
                }
            default: break
            }
        }
        return rows
    }
}
