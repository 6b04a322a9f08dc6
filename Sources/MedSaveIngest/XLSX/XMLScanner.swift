/// A minimal pull parser for the XML inside xlsx files: elements (namespace prefixes dropped), attributes and
/// text with the five named entities and numeric character references decoded. Comments, processing
/// instructions and DOCTYPE are skipped; CDATA is returned as text. Not a validating parser.
struct XMLScanner {
    enum Event: Equatable {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    private let bytes: [UInt8]
    private var i = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    struct Malformed: Error {
        var offset: Int
        var why: String
    }

    mutating func next() throws(Malformed) -> Event? {
        while i < bytes.count {
            if bytes[i] != UInt8(ascii: "<") {
                let start = i
                while i < bytes.count && bytes[i] != UInt8(ascii: "<") { i += 1 }
                let text = Self.decode(bytes[start..<i])
                if !text.allSatisfy(\.isWhitespace) { return .text(text) }
                continue
            }
            if starts(with: "<!--") {
                try skip(past: "-->")
                continue
            }
            if starts(with: "<![CDATA[") {
                let start = i + 9
                try skip(past: "]]>")
                return .text(String(decoding: bytes[start..<(i - 3)], as: UTF8.self))
            }
            if starts(with: "<?") || starts(with: "<!") {
                try skip(past: ">")
                continue
            }
            i += 1
            let closing = i < bytes.count && bytes[i] == UInt8(ascii: "/")
            if closing { i += 1 }
            let name = readName()
            guard !name.isEmpty else { throw Malformed(offset: i, why: "expected an element name") }
            var attributes: [String: String] = [:]
            while true {
                skipSpace()
                guard i < bytes.count else { throw Malformed(offset: i, why: "the file ends inside a tag") }
                if bytes[i] == UInt8(ascii: ">") {
                    i += 1
                    return closing ? .end(name: name) : .start(name: name, attributes: attributes, selfClosing: false)
                }
                if bytes[i] == UInt8(ascii: "/") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: ">") {
                    i += 2
                    return .start(name: name, attributes: attributes, selfClosing: true)
                }
                let attribute = readName()
                skipSpace()
                guard !attribute.isEmpty, i < bytes.count, bytes[i] == UInt8(ascii: "=") else {
                    throw Malformed(offset: i, why: "expected an attribute in <\(name)>")
                }
                i += 1
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                    throw Malformed(offset: i, why: "expected a quoted attribute value")
                }
                let quote = bytes[i]
                i += 1
                let start = i
                while i < bytes.count && bytes[i] != quote { i += 1 }
                guard i < bytes.count else { throw Malformed(offset: start, why: "unterminated attribute value") }
                attributes[attribute] = Self.decode(bytes[start..<i])
                i += 1
            }
        }
        return nil
    }

    private func starts(with s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        return s.withUTF8Buffer { p in (0..<n).allSatisfy { bytes[i + $0] == p[$0] } }
    }

    private mutating func skip(past s: StaticString) throws(Malformed) {
        let start = i
        while i < bytes.count {
            if starts(with: s) {
                i += s.utf8CodeUnitCount
                return
            }
            i += 1
        }
        throw Malformed(offset: start, why: "unterminated markup")
    }

    private mutating func skipSpace() {
        while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D) {
            i += 1
        }
    }

    /// Reads a qualified name and returns its local part (`x:row` → `row`).
    private mutating func readName() -> String {
        let start = i
        var local = i
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: ">") || b == UInt8(ascii: "/")
                || b == UInt8(ascii: "=")
            {
                break
            }
            if b == UInt8(ascii: ":") { local = i + 1 }
            i += 1
        }
        return String(decoding: bytes[(local < i ? local : start)..<i], as: UTF8.self)
    }

    /// Text with `&amp; &lt; &gt; &quot; &apos; &#N; &#xN;` decoded; an unknown entity is kept as written.
    static func decode(_ raw: ArraySlice<UInt8>) -> String {
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var j = raw.startIndex
        while j < raw.endIndex {
            if raw[j] == UInt8(ascii: "&"), let semi = raw[j...].prefix(12).firstIndex(of: UInt8(ascii: ";")) {
                let name = String(decoding: raw[(j + 1)..<semi], as: UTF8.self)
                var scalar: Unicode.Scalar?
                switch name {
                case "amp": scalar = "&"
                case "lt": scalar = "<"
                case "gt": scalar = ">"
                case "quot": scalar = "\""
                case "apos": scalar = "'"
                default:
                    if name.hasPrefix("#x") || name.hasPrefix("#X") {
                        scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                    } else if name.hasPrefix("#") {
                        scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
                    }
                }
                if let scalar {
                    out.append(contentsOf: Array(String(scalar).utf8))
                    j = semi + 1
                    continue
                }
            }
            out.append(raw[j])
            j += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
