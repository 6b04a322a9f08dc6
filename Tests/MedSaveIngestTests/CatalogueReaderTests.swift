import Foundation
import MedSaveCore
import MedSaveSupport
import MedSaveTestSupport
import Testing

@testable import MedSaveIngest

@Suite("Catalogue reader")
struct CatalogueReaderTests {
    /// A unit price keeps every digit it was written with (Double precision): no rounding to six decimals.
    @Test(arguments: [UInt64(1), 42, 2026])
    func unitPricesWithAnyNumberOfDecimalsSurviveReading(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        var text = "period,product,unit_price,group,size_group\n", expected: [String: Double] = [:]
        for i in 0..<300 {
            let decimals = Int.random(in: 0...14, using: &g)
            let whole = Int.random(in: 0...99_999, using: &g)
            var price = String(whole)
            if decimals > 0 {
                price += "." + String((0..<decimals).map { _ in "0123456789".randomElement(using: &g)! })
            }
            text += "2025-01,P\(i),\(price),G,T1\n"
            expected["P\(i)"] = Double(price)!
        }
        let (c, problems) = try CatalogueReader.read(paths: [Fixtures.write(text, named: "prices-\(seed).csv")])
        #expect(problems.isEmpty)
        for (product, price) in expected {
            #expect(
                c.entry(product: product, period: Period(year: 2025, month: 1))?.unitPrice == price,
                "seed \(g.seed): \(product)")
        }
    }

    /// A record is checked for ASCII once, from its first field to its last, before its fields are made strings:
    /// one byte that is not UTF-8, at any place in any field (in a word of eight or in the bytes after the last),
    /// still refuses the record, and one character of two bytes is still read as itself.
    @Test func oneByteThatIsNotUTF8AnywhereIsStillRefused() throws {
        let fields = [
            "2025-01", "100818", "Omeprazol Actavis enterokapsel", "Omeprazol", "A02BC01", "20 mg",
            "Enterokapsel, hard", "28", "1.25", "100818", "T23", "PV", "Generics", "Actavis Group",
        ]
        func read(_ bytes: [[UInt8]]) throws -> Result<CatalogueEntry, CatalogueReader.Failure> {
            var line: [UInt8] = [], spans: [(Int, Int)] = []
            for (i, field) in bytes.enumerated() {
                if i > 0 { line.append(UInt8(ascii: ",")) }
                spans.append((line.count, line.count + field.count))
                line += field
            }
            return try line.withUnsafeBufferPointer { buffer in
                try spans.withUnsafeBufferPointer {
                    try CatalogueReader.entry(
                        buffer, $0, fieldOf: Array(fields.indices), encoding: .utf8, decimalComma: false)
                }
            }
        }
        guard case .success(let plain) = try read(fields.map { Array($0.utf8) }) else {
            Issue.record("the plain record is read")
            return
        }
        #expect(plain.form == "Enterokapsel, hard" && plain.company == "Actavis Group")
        var refused = 0
        for f in [2, 3, 6, 12, 13] {
            for at in 0...fields[f].utf8.count {
                var bytes = fields.map { Array($0.utf8) }
                bytes[f].insert(0xFF, at: at)
                #expect(throws: (any Error).self, "0xFF at \(at) of field \(f)") { _ = try read(bytes) }
                refused += 1
                bytes[f].remove(at: at)
                bytes[f].insert(contentsOf: Array("å".utf8), at: at)
                guard case .success(let e) = try read(bytes) else {
                    Issue.record("å at \(at) of field \(f) is read")
                    continue
                }
                var text = fields[f]
                text.insert("å", at: text.index(text.startIndex, offsetBy: at))
                let read = [2: e.name, 3: e.substance, 6: e.form, 12: e.origin, 13: e.company][f]
                #expect(read == text)
            }
        }
        #expect(refused == [2, 3, 6, 12, 13].reduce(0) { $0 + fields[$1].utf8.count + 1 }, "every place tried")
    }

    /// Only plain decimals are prices: no exponent, hex, infinity or NaN from any catalogue reader.
    @Test func pricesThatAreNotPlainDecimalsAreProblems() throws {
        let text =
            "period,product,unit_price,group,size_group\n2025-01,A,1e400,G,T1\n2025-01,B,inf,G,T1\n"
            + "2025-01,C,0x1p1,G,T1\n2025-01,D,-1,G,T1\n2025-01,E,nan,G,T1\n2025-01,F,1e2,G,T1\n2025-01,G,2.5,G,T1\n"
        let (c, problems) = try CatalogueReader.read(paths: [Fixtures.write(text, named: "bad-prices.csv")])
        #expect(c.entries.map(\.product) == ["G"])
        #expect(problems.map(\.location.line) == [2, 3, 4, 5, 6, 7])
    }

    @Test func readsTheNativeSchema() throws {
        let (c, problems) = try CatalogueReader.read(paths: [Fixtures.path("catalogue.csv")])
        #expect(problems.isEmpty)
        #expect(c.entries.count == 9)
        let jan = Period(year: 2025, month: 1), feb = Period(year: 2025, month: 2)
        #expect(c.entry(product: "100001", period: feb)?.unitPrice == 0.40)
        #expect(c.entry(product: "200001", period: jan)?.strength == "2,5 mg")
        #expect(c.entry(product: "200001", period: jan)?.equivalenceClass?.description == "G2")
        #expect(
            c.entry(product: "300001", period: feb)?.name == "Eliquis®",
            "an entry without a period applies to every period")
        #expect(c.entry(product: "300001", period: feb)?.equivalenceClass == nil)
        #expect(
            c.members(of: EquivalenceClass(group: "G1", sizeGroup: "T23"), in: feb).map(\.status).sorted() == [
                .pv, .r1, .none,
            ])
    }

    @Test func swedishExcelCatalogueInWindows1252WithDecimalCommas() throws {
        let text = "period;product;name;unit_price;group;size_group;status\r\n2025-01;000123;Levaxin®;0,75;G;T23;PV\r\n"
        let path = Fixtures.write(bytes: Array(text.unicodeScalars.map { UInt8($0.value) }), named: "cat.csv")
        let (c, problems) = try CatalogueReader.read(paths: [path])
        #expect(problems.isEmpty)
        let e = try #require(c.entry(product: "000123", period: Period(year: 2025, month: 1)))
        #expect(e.name == "Levaxin®")
        #expect(e.unitPrice == 0.75)
        #expect(e.status == .pv)
    }

    @Test func badRowsAndDuplicatesAreProblems() throws {
        let text = """
            period,product,unit_price,group,status
            2025-01,A,1.5,G,PV
            2025-01,B,abc,G,
            2025-01,C,2,G,Maybe
            2025-01,A,1.6,G,
            2025-14,D,1,G,

            """
        let path = Fixtures.write(text, named: "cat.csv")
        let (c, problems) = try CatalogueReader.read(paths: [path])
        #expect(c.entries.count == 1)
        #expect(
            problems.map(\.description) == [
                "\(path):3:11: unit_price: not a number: expected a decimal number, found \"abc\"",
                "\(path):4:15: status: unknown status: expected PV, R1, R2 or empty, found \"Maybe\"",
                "\(path):5:1: product A appears again for period 2025-01 with another class or price; the first row is kept",
                "\(path):6:1: period: not a period: expected YYYY-MM or empty for every period, found \"2025-14\"",
            ])
        #expect(throws: InputError.self) { try CatalogueReader.read(paths: [path], strict: true) }
    }

    /// A repeat is reported where it is: in its own file, at its own line, whichever file came first.
    @Test func repeatsAcrossFilesAreLocatedInTheirOwnFile() throws {
        let first = Fixtures.write(
            "period,product,unit_price,group\n2025-01,A,1.5,G\n2025-01,B,2,G\n", named: "first.csv")
        let second = Fixtures.write(
            "period,product,unit_price,group\n2025-02,A,1.5,G\n2025-01,B,3,G\n2025-01,A,1.5,G\n2025-01,A,9,G\n",
            named: "second.csv")
        let (c, problems) = try CatalogueReader.read(paths: [first, second])
        #expect(c.entries.count == 3)
        #expect(
            problems.map(\.description) == [
                "\(second):3:1: product B appears again for period 2025-01 with another class or price; the first row is kept",
                "\(second):5:1: product A appears again for period 2025-01 with another class or price; the first row is kept",
            ])
    }

    /// Room for a list's entries is made from its first rows' length: a list whose rows then grow much longer
    /// (room too small) or shorter (too large) is still read whole, each entry from its own line, a bad row
    /// late in the file reported at its line.
    @Test(arguments: [false, true])
    func longListsAreReadWholeWhateverTheirFirstRowsSay(shortFirst: Bool) throws {
        var text = "period,product,name,unit_price,group\n"
        let n = 3_000
        for k in 0..<n {
            let long = (k < 200) != shortFirst
            let name = long ? String(repeating: "Produkt med ett långt namn ", count: 6) : "P"
            text += k == n - 10 ? "2025-01,P\(k),\(name),x,G\(k % 7)\n" : "2025-01,P\(k),\(name),\(k + 1).5,G\(k % 7)\n"
        }
        let (c, problems) = try CatalogueReader.read(paths: [Fixtures.write(text, named: "long.csv")])
        #expect(c.entries.count == n - 1)
        #expect(c.entry(product: "P2999", exactPeriod: Period(year: 2025, month: 1))?.unitPrice == 3000.5)
        #expect(problems.count == 1 && problems.first?.location.line == n - 10 + 2)
    }

    /// Native lists are filed into the catalogue as they are read (`CatalogueReader.file`), with no list of
    /// their entries made: the catalogue and its problems must be those the lists give when their entries are
    /// listed and added at once (`entries`, `add(contentsOf:)`), repeats located in their own file. Seeded files
    /// with repeats of the same and of another price, bad rows, quoted fields (the record path) and, in the
    /// first or the second file, a byte that is not UTF-8 after hundreds of entries are filed: the file is read
    /// again from its start as Windows-1252, what its first reading filed let go, the first file's kept.
    @Test(arguments: [0, 1, 2], [0, 1, 2])
    func listsFiledAsTheyAreReadMakeTheCatalogueListedEntriesMake(seed: Int, notUTF8: Int) throws {
        var g = SplitMix64(seed: UInt64(seed) + 40)
        func file(_ k: Int) -> String {
            var bytes = Array("period,product,name,unit_price,group,size_group,status\n".utf8)
            for row in 0..<600 {
                let product = row == 500 && k == notUTF8 ? "Q" : "P\(g.next(below: 60))", month = g.next(below: 4)
                let period = month == 0 ? "" : "2025-0\(month)"
                var name = Array("Name \(product)".utf8)
                if row == 500 && k == notUTF8 {
                    name.append(0xAE)  // "®" in Windows-1252
                } else if g.next(below: 9) == 0 {
                    name = Array("\"\(product), quoted\"".utf8)
                }
                let price = g.next(below: 30) == 0 ? "x" : "\(g.next(below: 3) + 1).5"
                let status = ["PV", "R1", "", ""][Int(g.next(below: 4))]
                bytes += Array("\(period),\(product),".utf8) + name
                bytes += Array(",\(price),G\(g.next(below: 3)),T1,\(status)\n".utf8)
            }
            return Fixtures.write(bytes: bytes, named: "filed-\(seed)-\(notUTF8)-\(k).csv")
        }
        let paths = [file(0), file(1)]
        let (c, problems) = try CatalogueReader.read(paths: paths)

        var listed: [CatalogueEntry] = [], located: [MedSaveModel.SourceLocation] = [], expected: [InputProblem] = []
        for path in paths {
            let read = try CatalogueReader.entries(path: path, strict: false)
            listed += read.entries
            located += read.lines.map { MedSaveModel.SourceLocation(file: path, line: $0, column: 1) }
            expected += read.problems
        }
        var plain = Catalogue()
        let refused = plain.add(contentsOf: listed)
        #expect(!refused.isEmpty, "the seeded files repeat products")
        for k in refused {
            let first = try #require(plain.entry(product: listed[k].product, exactPeriod: listed[k].period))
            if first.equivalenceClass == listed[k].equivalenceClass && first.unitPrice == listed[k].unitPrice {
                continue
            }
            expected.append(
                InputProblem(
                    location: located[k],
                    message: "product \(listed[k].product) appears again for period "
                        + "\(listed[k].period?.description ?? "(all)") with another class or price; the first row is kept"
                ))
        }
        expected.sort { a, b in
            (paths.firstIndex(of: a.location.file)!, a.location.line)
                < (paths.firstIndex(of: b.location.file)!, b.location.line)
        }
        #expect(Array(c.entries) == Array(plain.entries))
        #expect(c.repeatedRows.values.reduce(0, +) == refused.count)
        #expect(problems.map(\.description) == expected.map(\.description))
        if notUTF8 < 2 {
            #expect(c.entries.contains { $0.name.hasSuffix("®") }, "the file is read as Windows-1252")
        }
    }

    @Test func missingRequiredColumnIsAnError() throws {
        let path = Fixtures.write("period,product,price\n2025-01,A,1\n", named: "cat.csv")
        #expect(throws: InputError.self) { try CatalogueReader.read(paths: [path]) }
    }
}

/// The catalogue reader's byte path (`entry(_:_:fieldOf:encoding:decimalComma:)`, taken by every record
/// without escaped quotes) against its text path (`entry(_:decimalComma:)`, which reads the fields as strings
/// first): the same entry or the same failure for any fields, good or bad, in either decimal convention.
@Suite("Catalogue reader: bytes and text agree")
struct CatalogueBytePathTests {
    static let periods = ["", "2025-01", " 2025-12 ", "202503", "2025-13", "25-01", "x"]
    static let numbers = [
        "", "0", "0.1312", "12.50", "-1", "+4", "007", "1.", ".5", "1e2", "12,5", "1 000", "nan", "0x1p1",
        "123456789012345", "1234567890123456", "0.000000000001", " 3.25 ", "9999999999.99999", "-0", "1.2.3",
    ]
    static let statuses = ["", "PV", "pv", "Pv", "R1", "r2", "R3", "NEJ", "nej", "-", "--", "P", "PVX", "ja"]
    static let texts = ["", "Product 1", " padded ", "Levaxin®", "Ångström", "10 mg", "T23", "100818", "\t tab"]

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func bytesGiveWhatTextGives(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        func pick(_ xs: [String]) -> String { xs[Int.random(in: 0..<xs.count, using: &g)] }
        for _ in 0..<2_000 {
            // period, product, name, substance, atc, strength, form, pack_size, unit_price, group, size_group,
            // status, origin, company: in the order of `CatalogueReader.columns`.
            let fields = [
                pick(Self.periods), pick(["", "100001", " 000123 ", "P-1", "Ö1"]), pick(Self.texts), pick(Self.texts),
                pick(Self.texts), pick(Self.texts), pick(Self.texts), pick(Self.numbers), pick(Self.numbers),
                pick(["", "100818", "G1"]), pick(["", "T23", "T8"]), pick(Self.statuses), pick(Self.texts),
                pick(Self.texts),
            ]
            let decimalComma = Bool.random(using: &g)
            // Columns shuffled in the file, some absent (−1), as a header may have them.
            var fieldOf = Array(0..<fields.count)
            fieldOf.shuffle(using: &g)
            for c in [2, 3, 4, 5, 6, 12, 13] where Int.random(in: 0..<4, using: &g) == 0 { fieldOf[c] = -1 }
            var line: [UInt8] = []
            var spans = [(Int, Int)](repeating: (0, 0), count: fields.count)
            for i in 0..<fields.count {
                let column = fieldOf.firstIndex(of: i)
                let text = column.map { fields[$0] } ?? "unused"
                if i > 0 { line.append(UInt8(ascii: decimalComma ? ";" : ",")) }
                spans[i].0 = line.count
                line += Array(text.utf8)
                spans[i].1 = line.count
            }
            // The text path reads trimmed strings of the mapped fields.
            let asText = CatalogueReader.columns.indices.map { c -> String in
                guard fieldOf[c] >= 0 else { return "" }
                return fields[c].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            }
            let byText = CatalogueReader.entry(asText, decimalComma: decimalComma)
            let byBytes = try line.withUnsafeBufferPointer { buffer in
                try spans.withUnsafeBufferPointer { spans in
                    try CatalogueReader.entry(
                        buffer, spans, fieldOf: fieldOf, encoding: .utf8,
                        decimalComma: decimalComma)
                }
            }
            switch (byText, byBytes) {
            case (.success(let a), .success(let b)):
                #expect(a == b, "seed \(g.seed): \(fields)")
            case (.failure(let a), .failure(let b)):
                #expect(a.column == b.column && a.message == b.message, "seed \(g.seed): \(fields)")
            default:
                Issue.record("seed \(g.seed): \(fields): text \(byText), bytes \(byBytes)")
            }
        }
    }
}
