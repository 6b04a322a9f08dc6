import Foundation
import MedSaveModel

/// Reads what `rank --partial` wrote (plain or gzip): the header line, then one `RankPartial` per line of JSON,
/// a line at a time. A line that is not what it should be is refused at `file:line`, saying what is wrong.
public final class PartialReader {
    public let path: String
    public private(set) var header: RankPartial.Header
    private let source: any ByteSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var line = 0
    private var monthsRead = 0
    private let decoder = JSONDecoder()

    /// Opens `path` and reads its header.
    public init(path: String) throws(InputError) {
        self.path = path
        source = try openByteSource(path: path)
        header = RankPartial.Header(fingerprint: [:], months: [])
        guard let first = try nextLine() else {
            throw InputError(location: nil, message: "\(path): empty; not a medsave partial", hint: Self.hint)
        }
        header = try decode(RankPartial.Header.self, first)
        guard header.format == RankPartial.formatName else {
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message: "a partial of format \(header.format); this medsave reads \(RankPartial.formatName)",
                hint: "write the partials again with this version")
        }
        guard !header.months.isEmpty, header.months.compactMap(Period.init(text:)).count == header.months.count
        else {
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1), message: "the header names no months",
                hint: Self.hint)
        }
    }

    static let hint = "merge reads what 'medsave rank --partial' writes"

    /// The header's months.
    public var months: [Period] { header.months.compactMap(Period.init(text:)) }

    /// The next month, or nil at the end; refuses a month the header does not name in its place.
    public func next() throws(InputError) -> RankPartial? {
        guard let bytes = try nextLine() else {
            if monthsRead < header.months.count {
                throw InputError(
                    location: nil,
                    message: "\(path): ends after \(monthsRead) of the \(header.months.count) months its header names",
                    hint: "the file was cut short")
            }
            return nil
        }
        let partial = try decode(RankPartial.self, bytes)
        let expected = monthsRead < header.months.count ? header.months[monthsRead] : "no more months"
        monthsRead += 1
        guard partial.month.description == expected else {
            throw InputError(
                location: SourceLocation(file: path, line: line, column: 1),
                message: "the month \(partial.month), where the header says \(expected)", hint: Self.hint)
        }
        return partial
    }

    private func decode<T: Decodable>(_ type: T.Type, _ bytes: ArraySlice<UInt8>) throws(InputError) -> T {
        do {
            return try decoder.decode(type, from: Data(bytes))
        } catch {
            let what: String
            switch error as? DecodingError {
            case .keyNotFound(let key, _): what = "no \(key.stringValue)"
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
                what =
                    c.codingPath.isEmpty ? "not JSON" : "bad \(c.codingPath.map(\.stringValue).joined(separator: "."))"
            default: what = "not JSON"
            }
            throw InputError(
                location: SourceLocation(file: path, line: line, column: 1), message: "not a medsave partial: \(what)",
                hint: Self.hint)
        }
    }

    /// The next non-empty line's bytes, or nil at the end.
    private func nextLine() throws(InputError) -> ArraySlice<UInt8>? {
        while true {
            if let end = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let text = buffer[start..<end]
                start = end + 1
                line += 1
                if !text.isEmpty { return text }
                continue
            }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            if try source.read(into: &buffer, maxCount: 1 << 22) == 0 {
                guard start < buffer.count else { return nil }
                line += 1
                let text = buffer[start...]
                start = buffer.count
                return text
            }
        }
    }
}
