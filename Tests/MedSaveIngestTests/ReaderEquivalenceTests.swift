import Foundation
import MedSaveCore
import MedSaveSupport
import MedSaveTestSupport
import Testing

@testable import MedSaveIngest

/// The fast path and the parallel read are optimisations: on any input, broken or not, they must give the
/// aggregate the general path gives in one pass — the same ids, cells, sets, sums, problems and lines.
@Suite("Fast path and parallel read change nothing")
struct ReaderEquivalenceTests {
    /// Everything an aggregate holds, in a canonical order.
    static func dump(_ a: DispensingAggregate) -> [String] {
        var out = [
            "organisations \(a.organisations)", "products \(a.products)", "prescribers \(a.prescribers)",
            "periods \(a.periods)", "rows \(a.rowsRead) cost \(a.costRead) bad \(a.badRows) \(a.badRowCost)",
            "patients \(a.hasPatients) prescribers \(a.hasPrescribers)",
            "files \(a.files.map { "\($0.path) \($0.dialect.delimiter ?? 0)" })",
        ]
        out += a.cells.map { "\($0)" }
        // The (product, period) pairs the reader listed are those a pass over its cells meets, in that order.
        var met: [UInt64] = [], seen = Set<UInt64>()
        for cell in a.cells {
            let pair = UInt64(UInt32(bitPattern: cell.product)) << 32 | UInt64(UInt32(bitPattern: cell.period))
            if seen.insert(pair).inserted { met.append(pair) }
        }
        out.append(a.pairs == met ? "pairs as met" : "pairs \(a.pairs), met \(met)")
        out += a.patientsByCell.sorted().map { "patient \($0)" }
        out += a.prescribersByCell.sorted().map { "prescriber \($0)" }
        out += a.blockedByPrescriber.map { "blocked \($0.key) \($0.quantity) \($0.cost)" }
        out += a.clusterQuantities.keys.sorted().map { "cluster \($0) \(a.clusterQuantities[$0]!)" }
        out += a.problems.map(\.description)
        return out
    }

    /// A dispensing file of `rows` rows with every kind of trouble sprinkled in, from `seed`.
    static func messyFile(seed: UInt64, rows: Int) -> [UInt8] {
        var g = SeededGenerator(seed: seed)
        func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &g)] }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &g) < p }
        var columns = [
            "period", "unit", "prescriber", "patient", "product", "quantity", "cost", "items", "substitution_allowed",
        ]
        columns.shuffle(using: &g)
        let eol = chance(0.3) ? "\r\n" : "\n"
        var text = Array((columns.joined(separator: ",") + eol).utf8)
        let units = ["U1", "U2", " U3 ", "Vårdcentral Årsta", "U5"],
            products = ["100001", "100002", "A-LONG-PRODUCT-CODE-XYZ", "7", "100003"]
        for _ in 0..<rows {
            var fields: [String: String] = [
                "period": pick(["2025-01", "2025-02", "2025-03", "202504", "2025-05-17", "2025-06-01 00:00:00+00:00"]),
                "unit": pick(units),
                "prescriber": pick(["P1", "P2", "", "P3", "1234567", "0001234", "7", "123456789", " 7654321 "]),
                "patient": pick(["a", "b", "c", "", "d"]),
                "product": pick(products), "quantity": pick(["10", "-5", "100", "2.5", "0"]),
                "cost": pick(["12.50", "-3.10", "99", "0.000001", "7"]), "items": pick(["1", "2", "", "3"]),
                "substitution_allowed": pick(["true", "false", "", "true"]),
            ]
            // Trouble, now and then.
            if chance(0.04) { fields["quantity"] = pick(["1e3", "+4", " 6 ", "1.1234567", "", "x", "9999999999999"]) }
            if chance(0.04) { fields["cost"] = pick(["", "12,5", "nan", "+1.00", "3.0000005"]) }
            if chance(0.03) { fields["period"] = pick(["2025-13", "", "25-01", "1899-12"]) }
            if chance(0.03) { fields["substitution_allowed"] = pick(["TRUE", "ja", "maybe", "0"]) }
            if chance(0.03) { fields["items"] = pick(["2.0", "1.5", "-1"]) }
            if chance(0.03) { fields["unit"] = "" }
            var line = columns.map { name -> String in
                let v = fields[name]!
                if chance(0.02) { return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
                if chance(0.005) { return "\"line\nbreak, \"\"quoted\"\"\"" }
                return v
            }.joined(separator: ",")
            if chance(0.01) { line += ",extra" }
            if chance(0.01) { line = String(line.dropLast(2)) }
            var bytes = Array(line.utf8)
            if chance(0.005) { bytes.insert(0xC3, at: min(3, bytes.count)) }  // invalid UTF-8
            if chance(0.003) { bytes.append(0) }
            text += bytes
            text += Array((chance(0.01) ? "\r" : eol).utf8)
            if chance(0.005) { text += Array((columns.joined(separator: ",") + eol).utf8) }  // the header again
            if chance(0.005) { text += Array(eol.utf8) }  // a blank line
        }
        return text
    }

    static func read(_ paths: [String], _ configure: (inout DispensingReadOptions) -> Void) throws -> [String] {
        var options = DispensingReadOptions()
        configure(&options)
        return dump(try DispensingReader.read(paths: paths, options: options))
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    func messyFilesReadTheSameEveryWay(seed: UInt64) throws {
        let path = Fixtures.write(bytes: Self.messyFile(seed: seed, rows: 300), named: "messy.csv")
        let reference = try Self.read([path]) { $0.fastPath = false }
        #expect(reference.count > 20)
        #expect(reference.contains("pairs as met"), "seed \(seed)")
        #expect(try Self.read([path]) { _ in } == reference, "fast path, seed \(seed)")
        for threads in [2, 3, 5] {
            for chunk in [1 << 20, 97] {
                let parallel = try Self.read([path]) {
                    $0.threads = threads
                    $0.parallelMinimumBytes = 0
                    $0.chunkSize = chunk
                }
                #expect(parallel == reference, "\(threads) threads, chunks of \(chunk), seed \(seed)")
            }
        }
    }

    /// A thread done with its part takes the back half of another's (`PartEnd`): wherever the halves fall, and
    /// however many parts there end up, the aggregate is the one pass's. Each thread here takes half a part
    /// before reading its own, so parts are taken on every read, down to a byte.
    @Test(arguments: [UInt64(31), 32, 33, 34, 35, 36])
    func partsTakenFromOtherThreadsReadTheSame(seed: UInt64) throws {
        let path = Fixtures.write(bytes: Self.messyFile(seed: seed, rows: 400), named: "messy.csv")
        let reference = try Self.read([path]) { $0.fastPath = false }
        for threads in [2, 3, 5] {
            for (chunk, smallest) in [(1 << 20, 1), (97, 1), (97, 600), (4096, 3000)] {
                let parallel = try Self.read([path]) {
                    $0.threads = threads
                    $0.parallelMinimumBytes = 0
                    $0.chunkSize = chunk
                    $0.smallestPartTaken = smallest
                    $0.takesAPartFirst = true
                }
                #expect(parallel == reference, "\(threads) threads, chunks of \(chunk), halves from \(smallest) bytes")
            }
        }
    }

    /// On a clean file (no quoted line break for a cut to fall in) the parts taken are read as parts, not
    /// thrown away for one pass: taking a part must leave the parts meeting end to end.
    @Test(arguments: [2, 3, 5])
    func partsTakenMeetEndToEnd(threads: Int) throws {
        var g = SeededGenerator(seed: UInt64(70 + threads))
        var text = "period,unit,prescriber,product,quantity,cost,substitution_allowed\n"
        for month in 1...6 {
            for _ in 0..<400 {
                let unit = Int.random(in: 0..<40, using: &g), product = Int.random(in: 0..<90, using: &g)
                let prescriber = Int.random(in: 1_000_000..<1_000_050, using: &g)
                let quantity = Int.random(in: 1..<200, using: &g), allowed = Bool.random(using: &g)
                text += "2025-0\(month),U\(unit),\(prescriber),\(100_000 + product),\(quantity),\(quantity * 3).25,"
                text += "\(allowed)\n"
            }
        }
        let path = Fixtures.write(text, named: "clean.csv")
        let reference = try Self.read([path]) { $0.fastPath = false }
        for (chunk, smallest) in [(1 << 20, 1), (97, 1), (500, 2000)] {
            var options = DispensingReadOptions()
            options.threads = threads
            options.parallelMinimumBytes = 0
            options.chunkSize = chunk
            options.smallestPartTaken = smallest
            options.takesAPartFirst = true
            var reader = DispensingReader(options: options)
            try reader.read(path: path)
            #expect(reader.partsRead > threads, "\(threads) threads, chunks of \(chunk): parts were taken")
            #expect(Self.dump(reader.finish()) == reference, "\(threads) threads, chunks of \(chunk)")
        }
    }

    /// A part's end moves back only past what its reader has claimed, and never once the part is read.
    @Test func aPartIsCutOnlyWhereItsReaderHasNotBeen() {
        let end = PartEnd(start: 100, end: 200)
        #expect(end.state == (200, 100))
        #expect(end.claim(through: 150) == 200)
        #expect(end.state == (200, 50))
        #expect(end.cut(at: 150) == nil, "a record starting at 150 may be the reader's")
        #expect(end.cut(at: 120) == nil)
        #expect(end.cut(at: 200) == nil, "not a cut")
        #expect(end.cut(at: 170) == 200)
        #expect(end.state == (170, 20))
        #expect(end.claim(through: 400) == 170, "the reader stops at the new end")
        #expect(end.state == (170, 0))
        let other = PartEnd(start: 0, end: 50)
        other.finish()
        #expect(other.cut(at: 25) == nil, "a part read is not cut")
        #expect(other.state.unclaimed == 0)
    }

    /// A part's reader asks for its end after every read: a thread that cuts the part while it is read (here,
    /// after its fifth record) makes it stop just before the cut, its last record the one before.
    @Test(arguments: [7, 97, 400])
    func aReaderStopsWhereItsPartIsCutWhileItReads(chunk: Int) throws {
        let lines = (0..<60).map { "2025-01,U\($0),P\($0 % 7),\($0),\($0).50\n" }
        let header = "period,unit,product,quantity,cost\n"
        let path = Fixtures.write(header + lines.joined(), named: "cut.csv")
        let start = header.utf8.count
        let lineStart = (0...lines.count).map { k in start + lines.prefix(k).reduce(0) { $0 + $1.utf8.count } }
        let file = try FileByteSource(path: path)
        try file.seek(to: start)
        let end = PartEnd(start: start, end: lineStart[lines.count])
        var stream = CSVStreamReader(
            path: path, source: file, scanner: CSVScanner(delimiter: UInt8(ascii: ","), limits: CSVLimits()),
            chunkSize: chunk)
        var read = 0, cutAt: Int?
        let (last, count) = try stream.forEachRecord(detectDelimiter: false, atFileStart: false, end: end) { _ in
            read += 1
            // The first line start the reader has not claimed, at least ten lines on.
            if read == 5 {
                let free = lineStart.first { $0 >= lineStart[15] && end.cut(at: $0) != nil }
                cutAt = free
            }
        }
        let cut = try #require(cutAt, "a line start past what the reader claimed")
        let linesBefore = lineStart.firstIndex(of: cut)!
        #expect(read == linesBefore && count == linesBefore, "chunks of \(chunk)")
        #expect(start + last == cut, "chunks of \(chunk)")
    }

    @Test(arguments: [UInt64(21), 22, 23])
    func prescribersAsOrganisationsAndClustersReadTheSame(seed: UInt64) throws {
        let path = Fixtures.write(bytes: Self.messyFile(seed: seed, rows: 250), named: "messy.csv")
        for (organisation, cluster) in [(OrganisationColumn.prescriber, ClusterColumn.patient), (.unit, .prescriber)] {
            let reference = try Self.read([path]) {
                $0.fastPath = false
                $0.organisation = organisation
                $0.cluster = cluster
            }
            let parallel = try Self.read([path]) {
                $0.organisation = organisation
                $0.cluster = cluster
                $0.threads = 3
                $0.parallelMinimumBytes = 0
            }
            #expect(parallel == reference, "\(organisation) \(cluster) seed \(seed)")
        }
    }

    @Test func aCutInsideAQuotedLineBreakFallsBackToOnePass() throws {
        // The middle of the file is inside a quoted field full of line breaks: a part starting there is wrong.
        var text = "period,unit,product,quantity,cost\n"
        for i in 0..<50 { text += "2025-01,U\(i % 3),P\(i % 7),\(i),\(i).50\n" }
        text += "2025-02,\"Unit\n" + String(repeating: "with,a,line\nbreak,1,2\n", count: 40) + "\",P1,5,5\n"
        for i in 0..<50 { text += "2025-03,U\(i % 3),P\(i % 7),\(i),\(i).25\n" }
        let path = Fixtures.write(text, named: "quoted.csv")
        let reference = try Self.read([path]) { $0.fastPath = false }
        for threads in [2, 3, 4] {
            for takesParts in [false, true] {
                let parallel = try Self.read([path]) {
                    $0.threads = threads
                    $0.parallelMinimumBytes = 0
                    $0.smallestPartTaken = 1
                    $0.takesAPartFirst = takesParts
                }
                #expect(parallel == reference, "\(threads) threads, parts taken \(takesParts)")
            }
        }
        #expect(reference.contains { $0.hasPrefix("rows 101 ") }, "the quoted record is one row")
    }

    /// The first file's later parts keep their new cells in their own tables until the end; a file after it,
    /// read in parts or in one pass (a small one), must find them and place its own after them.
    @Test(arguments: [2, 3, 5])
    func laterFilesReadInPartsOrWholeMergeIntoTheFirst(threads: Int) throws {
        let first = Fixtures.write(bytes: Self.messyFile(seed: 31, rows: 400), named: "a.csv")
        let small = Fixtures.write(bytes: Self.messyFile(seed: 33, rows: 20), named: "s.csv")
        let second = Fixtures.write(bytes: Self.messyFile(seed: 32, rows: 300), named: "b.csv")
        // Cells new in each part, as in national data (kept in their parts), and in the second half the first
        // half's cells again, in the main table or in a kept part.
        var distinct = "period,unit,prescriber,product,quantity,cost\n"
        for i in 0..<3000 {
            distinct += "2025-0\(1 + i % 3),U\(i % 30),P\(i % 7),X\(i % 1500),\(i % 9 + 1),\(i % 13).25\n"
        }
        let national = Fixtures.write(distinct, named: "n.csv")
        for paths in [[first, small, second], [national, small, first], [national, national]] {
            let reference = try Self.read(paths) { $0.fastPath = false }
            let smallSize = try #require(try FileManager.default.attributesOfItem(atPath: small)[.size] as? Int)
            for minimum in [0, smallSize + 1] {
                let parallel = try Self.read(paths) {
                    $0.threads = threads
                    $0.parallelMinimumBytes = minimum
                }
                #expect(parallel == reference, "\(threads) threads, files from \(minimum) bytes in parts")
            }
        }
    }

    /// The patient interner is given its room when the first file with a patient column starts (not before):
    /// patients read after files without them, or after files with them, keep their codes and ids.
    @Test(arguments: [1, 2])
    func patientsKeepTheirCodesAcrossFilesWithAndWithoutThem(threads: Int) throws {
        let none = Fixtures.write("period,unit,product,quantity,cost\n2025-01,U1,X,1,2\n", named: "none.csv")
        var expected: [String] = [], pairs = Set<String>()  // (cell, patient): a cell is (period, unit), i % 6
        /// A file of `rows` rows with patient PAT(i · step mod codes), the codes and pairs it adds noted.
        func patientFile(rows: Int, step: Int, codes: Int, named name: String) -> String {
            var text = "period,unit,patient,product,quantity,cost\n"
            for i in 0..<rows {
                let patient = "PAT\((i * step) % codes)"
                if !expected.contains(patient) { expected.append(patient) }
                pairs.insert("\(i % 6) \(patient)")
                text += "2025-0\(1 + i % 2),U\(i % 3),\(patient),X,1,2\n"
            }
            return Fixtures.write(text, named: name)
        }
        let with = patientFile(rows: 500, step: 7, codes: 130, named: "with.csv")
        var options = DispensingReadOptions()
        options.patientCodes = true
        options.threads = threads
        options.parallelMinimumBytes = 0
        let afterNone = try DispensingReader.read(paths: [none, with], options: options)
        #expect(afterNone.patients == expected)
        #expect(afterNone.patientsByCell.count == pairs.count)
        // A second file with a patient column, its codes in another order and some new: ids go on from the first.
        let then = patientFile(rows: 300, step: 11, codes: 150, named: "more.csv")
        let both = try DispensingReader.read(paths: [with, none, then], options: options)
        #expect(both.patients == expected)
        #expect(both.patientsByCell.count == pairs.count)
    }

    @Test func theBundledDataReadsTheSameEveryWay() throws {
        let text = try ReferenceRanking.gunzip(Fixtures.dataset("dispensing.csv.gz"))
        let path = Fixtures.write(text, named: "bundled.csv")
        let reference = try Self.read([path]) {
            $0.fastPath = false
            $0.cluster = .patient
        }
        let parallel = try Self.read([path]) {
            $0.threads = 2
            $0.parallelMinimumBytes = 0
            $0.cluster = .patient
        }
        #expect(parallel == reference)
    }

    /// National-shaped: nearly every row its own cell, so that the cell table has several chunks of cells (2¹⁶
    /// each) and several parts keep cells of their own; each cell's first prescriber is kept by cell and some
    /// cells get a second, half of them codes of digits (their own codes in the pairs, kept as they are when a
    /// part's pairs are renumbered). The cells are copied into the aggregate by as many threads as read it, each a run
    /// of chunks: the aggregate must still be the one-pass one.
    @Test func manyCellsCopiedByThreadsReadTheSame() throws {
        var random = SplitMix64(seed: 51)
        var text = "period,unit,prescriber,product,quantity,cost\n"
        for i in 0..<150_000 {
            let month = 1 + i % 12
            // Prescribers of letters and of digits (these stand for themselves in the pairs, `PrescriberCode`).
            let prescriber = random.next(below: 3_000)
            text += "2025-\(month < 10 ? "0" : "")\(month),U\(random.next(below: 900)),"
            text += prescriber % 2 == 0 ? "D\(prescriber)," : "\(1_000_000 + prescriber),"
            text += "P\(random.next(below: 5_000)),\(1 + random.next(below: 90)),\(random.next(below: 9_000)).25\n"
        }
        let path = Fixtures.write(text, named: "national-shaped.csv")
        let reference = try Self.read([path]) { $0.fastPath = false }
        #expect(reference.filter { $0.hasPrefix("DispensingCell(") }.count > 2 * 65_536)
        for threads in [2, 3] {
            let parallel = try Self.read([path]) {
                $0.threads = threads
                $0.parallelMinimumBytes = 0
            }
            #expect(parallel == reference, "\(threads) threads")
        }
    }

    /// A prescriber code of 1 to 8 digits stands for itself in the pairs and is given an id only in a row marked
    /// "do not substitute" (listed by prescriber); any other code is given its id in every row. Both paths.
    @Test func prescriberCodesOfDigitsStandForThemselves() throws {
        let text = """
            period,unit,prescriber,product,quantity,cost,substitution_allowed
            2025-01,U1,1234567,P1,10,10,true
            2025-01,U1,0001234,P1,10,10,false
            2025-01,U1," 1234567 ",P1,10,10,true
            2025-01,U2,ABC,P1,10,10,true
            2025-01,U2,123456789,P1,10,10,true

            """
        let path = Fixtures.write(text, named: "prescriber-codes.csv")
        for fastPath in [true, false] {
            var options = DispensingReadOptions()
            options.fastPath = fastPath
            let a = try DispensingReader.read(paths: [path], options: options)
            func own(_ code: String) -> UInt64 {
                UInt64(Array(code.utf8).withUnsafeBufferPointer { PrescriberCode.own($0) }!)
            }
            let expected: Set<UInt64> = [own("1234567"), own("0001234"), 1 << 32 | 1, 1 << 32 | 2]
            #expect(a.prescribers == ["0001234", "ABC", "123456789"], "fast path \(fastPath)")
            #expect(Set(a.prescribersByCell) == expected, "fast path \(fastPath)")
            #expect(a.blockedByPrescriber.map(\.key) == [0], "fast path \(fastPath)")
        }
    }

    /// In month order, as national extracts come: parts then share at most a boundary month, and a part's cells
    /// of months no earlier part met are made without a lookup. Every month's keys repeat across the month (so a
    /// boundary month's cells are in two parts), and the second half of the file goes back over months the first
    /// half had (so a later part meets months of cells kept in an earlier part): a shortcut that took a month met
    /// before for a new one would make two cells of one key. Prescribers are codes of digits, given ids only in
    /// the rows marked "do not substitute" (one in 20).
    @Test func monthOrderedPartsReadTheSame() throws {
        var random = SplitMix64(seed: 52)
        var text = "period,unit,prescriber,product,quantity,cost,substitution_allowed\n"
        for month in Array(1...8) + Array(3...6) {
            for _ in 0..<9_000 {
                text +=
                    "2025-0\(month),U\(random.next(below: 60)),\(100_000 + random.next(below: 400)),P\(random.next(below: 90)),"
                text +=
                    "\(1 + random.next(below: 90)),\(random.next(below: 9_000)).5,\(random.next(below: 20) == 0 ? "false" : "true")\n"
            }
        }
        let path = Fixtures.write(text, named: "month-ordered.csv")
        let reference = try Self.read([path]) { $0.fastPath = false }
        for threads in [2, 3, 5] {
            let parallel = try Self.read([path]) {
                $0.threads = threads
                $0.parallelMinimumBytes = 0
            }
            #expect(parallel == reference, "\(threads) threads")
        }
    }

    /// The fast path adds a full batch of rows to their cells only when the next batch fills (its index slots
    /// fetched meanwhile): a row the general path reads, or the end of the file, must first add both batches, or
    /// cells would be numbered, and sums made, out of the file's order. Runs of ordinary rows of about one and two
    /// batches, each ended by a row only the general path reads (a quoted field), over a few cells that repeat
    /// and new ones, read as the general path alone reads them.
    @Test func rowsWaitingInABatchAreAddedBeforeTheGeneralPathsRow() throws {
        let batch = DispensingReader.batchSize
        var random = SplitMix64(seed: 61)
        var text = "period,unit,prescriber,product,quantity,cost,substitution_allowed\n"
        var made = 0
        for run in [batch - 1, batch, batch + 1, 2 * batch - 1, 2 * batch, 2 * batch + 1, 3 * batch + 7, 1, 0] {
            for _ in 0..<run {
                // Half the rows add to one of a few cells; the others each make a cell of their own.
                let unit = random.next(below: 2) == 0 ? "U\(random.next(below: 3))" : "N\(made)"
                made += 1
                text += "2025-0\(1 + random.next(below: 3)),\(unit),\(1_000_000 + random.next(below: 9)),"
                text += "P\(random.next(below: 4)),\(1 + random.next(below: 9)),\(random.next(below: 900)).25,"
                text += random.next(below: 10) == 0 ? "false\n" : "true\n"
            }
            text += "2025-02,\"U1\",1000001,P\(random.next(below: 4)),3,4.5,true\n"  // general path
        }
        text += "2025-03,N-last,1000002,P1,2,3.25,true\n"  // ends the file on the fast path
        let path = Fixtures.write(text, named: "batch-runs.csv")
        let reference = try Self.read([path]) { $0.fastPath = false }
        #expect(try Self.read([path]) { _ in } == reference)
    }

    @Test(arguments: [UInt64(41), 42, 43])
    func ownUTF8CheckAgreesWithTheStandardLibrary(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        let pieces: [[UInt8]] = [
            [0x41], [0xC3, 0xA5], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80],
            [0xF4, 0x90, 0x80, 0x80],
            [0x80], [0xC3], [0xE2, 0x82], [0xFF], [0xEF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF], [0xE0, 0x9F, 0xBF],
        ]
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...5, using: &g) {
                bytes +=
                    Bool.random(using: &g)
                    ? pieces[Int.random(in: 0..<pieces.count, using: &g)] : [UInt8.random(in: 0...255, using: &g)]
            }
            let ours = bytes.withUnsafeBufferPointer { TextEncoding.utf8.decode($0) }
            let theirs = String(validating: bytes, as: UTF8.self)
            #expect(ours == theirs, "\(bytes)")
        }
    }

    @Test func periodsParseAsBeforeOnTheirFastPath() {
        for y in [1899, 1900, 2025, 2999, 3000] {
            for m in [0, 1, 9, 10, 12, 13] {
                let text = String(format: "%04d-%02d", y, m)
                let expected = (1900...2999).contains(y) && (1...12).contains(m) ? Period(year: y, month: m) : nil
                #expect(Period(text: text) == expected, "\(text)")
            }
        }
        for text in ["2025-0a", "2a25-01", "2025/01", " 2025-01", "2025-1"] {
            #expect(Period(text: text) == nil, "\(text)")
        }
    }
}
