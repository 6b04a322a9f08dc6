import MedSaveModel

/// A table of text rows, from an xlsx sheet or a CSV file, with where each row came from.
struct TextTable {
    var path: String
    /// The sheet name for a workbook; nil for CSV.
    var sheetName: String?
    /// (1-based line or row number, cells).
    var rows: [(line: Int, cells: [String])]

    static func xlsx(path: String) throws(InputError) -> TextTable {
        let sheet = try XLSXReader.readFirstSheet(path: path)
        return TextTable(path: path, sheetName: sheet.name, rows: sheet.rows.map { ($0.number, $0.cells) })
    }

    /// A CSV file read whole (delimiter detected, UTF-8, or Windows-1252 when it is not valid UTF-8).
    static func csv(path: String) throws(InputError) -> TextTable {
        try csv(path: path) { () throws(InputError) -> any ByteSource in try openByteSource(path: path) }
    }

    /// CSV text already in memory (an entry of a zip file), read like a file.
    static func csv(bytes: [UInt8], path: String) throws(InputError) -> TextTable {
        try csv(path: path) { () throws(InputError) -> any ByteSource in MemoryByteSource(bytes) }
    }

    private static func csv(path: String, open: () throws(InputError) -> any ByteSource) throws(InputError) -> TextTable
    {
        func attempt(_ encoding: TextEncoding) throws -> TextTable? {
            var stream = CSVStreamReader(
                path: path, source: try open(),
                scanner: CSVScanner(delimiter: UInt8(ascii: ",")))
            var rows: [(Int, [String])] = []
            var valid = true
            try stream.forEachRecord(detectDelimiter: true) { record in
                guard valid else { return }
                var cells: [String] = []
                for i in 0..<record.count {
                    let raw = record.fields[i].escaped ? record.unescapedBytes(i) : Array(record.bytes(i))
                    guard let text = raw.withUnsafeBufferPointer({ encoding.decode(trimmed($0)) }) else {
                        valid = false
                        return
                    }
                    cells.append(text)
                }
                if cells.count == 1 && cells[0].isEmpty { return }
                rows.append((record.line, cells))
            }
            return valid ? TextTable(path: path, sheetName: nil, rows: rows) : nil
        }
        do {
            if let table = try attempt(.utf8) { return table }
            return try attempt(.windows1252)!
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(location: nil, message: "\(path): \(error)")
        }
    }

    /// The header `header(containing:)` finds, or an error at line 1 naming what the file was expected to be
    /// (`an area map`) and the columns it lacks.
    func requireHeader(_ names: [String], path: String, kind: String) throws(InputError) -> (
        index: Int, columns: [String: Int]
    ) {
        guard let found = header(containing: names) else {
            let quoted = names.map { "\"\($0)\"" }
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message: "not \(kind): expected a header with the columns "
                    + quoted.dropLast().joined(separator: ", ") + " and " + quoted.last!)
        }
        return found
    }

    /// The index of the first row that holds all of `names` (after preamble rows), with its column positions.
    func header(containing names: [String]) -> (index: Int, columns: [String: Int])? {
        for (i, row) in rows.enumerated().prefix(50) {
            var columns: [String: Int] = [:]
            for (c, cell) in row.cells.enumerated() where !cell.isEmpty && columns[cell] == nil { columns[cell] = c }
            if names.allSatisfy({ columns[$0] != nil }) { return (i, columns) }
        }
        return nil
    }
}

/// Cleans numbers written as codes: `111603.0` → `111603`, `38994` → `038994` for a 6-digit varunummer.
enum TLVCode {
    static func normalise(_ text: String, digits: Int? = nil) -> String {
        var t = text
        if let dot = t.firstIndex(of: "."), t[t.index(after: dot)...].allSatisfy({ $0 == "0" }),
            t[..<dot].allSatisfy(\.isNumber)
        {
            t = String(t[..<dot])
        }
        if let digits, t.count < digits, !t.isEmpty, t.allSatisfy(\.isNumber) {
            t = String(repeating: "0", count: digits - t.count) + t
        }
        return t
    }
}
