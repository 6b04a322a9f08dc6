/// How a delimited text file is written: field delimiter, decimal mark, character encoding.
public struct CSVDialect: Sendable, Equatable, Codable {
    /// The field delimiter: `,`, `;` or tab. Nil means "detect from the header line".
    public var delimiter: UInt8?
    /// True when numbers use a decimal comma (`12,50`), as Swedish Excel writes them.
    public var decimalComma: Bool
    public var encoding: TextEncoding

    public init(delimiter: UInt8? = nil, decimalComma: Bool = false, encoding: TextEncoding = .utf8) {
        self.delimiter = delimiter
        self.decimalComma = decimalComma
        self.encoding = encoding
    }

    /// The delimiters medsave reads, and their names for messages.
    public static let delimiters: [(byte: UInt8, name: String)] = [
        (UInt8(ascii: ","), "comma"), (UInt8(ascii: ";"), "semicolon"), (UInt8(ascii: "\t"), "tab"),
    ]

    /// Parses `,`, `;`, `tab`, `\t`, `comma` or `semicolon`.
    public static func delimiter(named text: String) -> UInt8? {
        switch text {
        case ",", "comma": UInt8(ascii: ",")
        case ";", "semicolon": UInt8(ascii: ";")
        case "\t", "\\t", "tab", "TAB": UInt8(ascii: "\t")
        default: nil
        }
    }

    static func name(of delimiter: UInt8) -> String {
        delimiters.first { $0.byte == delimiter }?.name ?? "byte \(delimiter)"
    }

    /// Picks the delimiter that occurs most often outside quotes in a header line (comma on a tie or none).
    static func detectDelimiter(headerLine: some Collection<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [:]
        var quoted = false
        for b in headerLine {
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted && delimiters.contains(where: { $0.byte == b }) { counts[b, default: 0] += 1 }
        }
        var best = UInt8(ascii: ","), bestCount = counts[best] ?? 0
        for (byte, _) in delimiters where (counts[byte] ?? 0) > bestCount {
            best = byte
            bestCount = counts[byte]!
        }
        return best
    }
}
