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

    /// The name of a delimiter, for messages: `comma`, `semicolon`, `tab`.
    public static func name(of delimiter: UInt8) -> String {
        delimiters.first { $0.byte == delimiter }?.name ?? "byte \(delimiter)"
    }
}
