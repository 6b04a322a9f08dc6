import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

@testable import MedSaveIngest

/// What the reader refuses rather than wraps: more rows than a cell can count, sums past the exact range.
@Suite("Reader limits stop the run, in every way of reading")
struct ReaderLimitTests {
    /// A file of `rows` rows, spread over a few cells, plainly written so that the fast path takes them.
    static func file(rows: Int) -> String {
        var text = "period,unit,product,quantity,cost,items\n"
        for i in 0..<rows { text += "2025-0\(1 + i % 3),U\(i % 4),P\(i % 5),\(i + 1),\(i).50,1\n" }
        return Fixtures.write(text, named: "limit.csv")
    }

    /// The ways one file can be read: general path, fast path, in parts on 2 and 3 threads.
    static let ways: [(String, @Sendable (inout DispensingReadOptions) -> Void)] = [
        ("general path", { $0.fastPath = false }),
        ("fast path", { _ in }),
        (
            "2 parts",
            {
                $0.threads = 2
                $0.parallelMinimumBytes = 0
            }
        ),
        (
            "3 parts",
            {
                $0.threads = 3
                $0.parallelMinimumBytes = 0
            }
        ),
    ]

    static func read(_ path: String, maximumRows: Int, _ way: (inout DispensingReadOptions) -> Void) throws
        -> DispensingAggregate
    {
        var options = DispensingReadOptions()
        options.maximumRows = maximumRows
        way(&options)
        return try DispensingReader.read(paths: [path], options: options)
    }

    @Test func theRowPastTheLimitStopsTheRunWhereverItIsRead() throws {
        let path = Self.file(rows: 600)
        for (name, way) in Self.ways {
            let all = try Self.read(path, maximumRows: 600, way)
            #expect(all.rowsRead == 600 && all.cells.reduce(0) { $0 + $1.rows } == 600, "\(name)")
            #expect(throws: InputError.self, "\(name)") { try Self.read(path, maximumRows: 599, way) }
            do {
                _ = try Self.read(path, maximumRows: 599, way)
            } catch let error as InputError {
                #expect(error.message.contains("more than 599 rows in one run"), "\(name): \(error)")
                let line = error.location?.line ?? 0
                // In one pass the row on line 601 (after the header) is the one refused; read in parts, the
                // first line of the part whose rows pass the limit.
                #expect(line > 1 && line <= 601, "\(name): \(error)")
                if !name.hasSuffix("parts") { #expect(line == 601, "\(name): \(error)") }
            }
        }
    }

    @Test func aLimitReachedAcrossFilesStopsTheRunToo() throws {
        let first = Self.file(rows: 300)
        let second = Fixtures.write(
            try String(contentsOfFile: first, encoding: .utf8), named: "limit-again.csv")
        var options = DispensingReadOptions()
        options.maximumRows = 599
        #expect(throws: InputError.self) { try DispensingReader.read(paths: [first, second], options: options) }
        options.maximumRows = 600
        #expect(try DispensingReader.read(paths: [first, second], options: options).rowsRead == 600)
    }

    @Test func aCellIsThirtyTwoBytesAndKeepsWhatItIsGiven() {
        #expect(MemoryLayout<DispensingCell>.size == 32 && MemoryLayout<DispensingCell>.stride == 32)
        // The period index and both flags share 32 bits: each set and cleared without touching the others.
        var cell = DispensingCell(organisation: .max, product: .max, period: 4095)
        cell.hasBlockedRows = true
        #expect(cell.period == 4095 && cell.hasBlockedRows && !cell.hasCorrectionRows)
        cell.hasCorrectionRows = true
        cell.period = 65_535
        cell.hasBlockedRows = false
        #expect(cell.period == 65_535 && !cell.hasBlockedRows && cell.hasCorrectionRows)
        #expect(cell.organisation == .max && cell.product == .max)
        var other = DispensingCell(organisation: 0, product: 0, period: 0)
        other.hasBlockedRows = true
        other.rows = 3
        cell.add(other)
        #expect(cell.hasBlockedRows && cell.hasCorrectionRows && cell.rows == 3 && cell.period == 65_535)
    }
}
