/// A small JSON writer that keeps keys in the order written and numbers exactly as formatted, so output
/// is byte-for-byte deterministic. Indents with two spaces.
public struct JSONWriter {
    public private(set) var text = ""
    private var indent = 0
    private var needsComma: [Bool] = [false]

    public init() {}

    public enum Value {
        case string(String)
        /// A number already formatted (see `NumberFormat`).
        case number(String)
        case int(Int)
        case bool(Bool)
        case null
    }

    public mutating func beginObject(_ key: String? = nil) { open(key, "{") }
    public mutating func endObject() { close("}") }
    public mutating func beginArray(_ key: String? = nil) { open(key, "[") }
    public mutating func endArray() { close("]") }

    public mutating func field(_ key: String, _ value: Value) {
        separator()
        text += Self.quoted(key) + ": " + Self.render(value)
    }

    /// An array element.
    public mutating func element(_ value: Value) {
        separator()
        text += Self.render(value)
    }

    private mutating func open(_ key: String?, _ bracket: String) {
        separator()
        if let key { text += Self.quoted(key) + ": " }
        text += bracket
        indent += 1
        needsComma.append(false)
    }

    private mutating func close(_ bracket: String) {
        let hadElements = needsComma.removeLast()
        indent -= 1
        if hadElements { text += "\n" + String(repeating: "  ", count: indent) }
        text += bracket
        if indent == 0 { text += "\n" }
    }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { text += "," }
        if indent > 0 { text += "\n" + String(repeating: "  ", count: indent) }
        needsComma[needsComma.count - 1] = true
    }

    static func render(_ value: Value) -> String {
        switch value {
        case .string(let s): quoted(s)
        case .number(let n): n.isEmpty ? "null" : n
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; everything else as is (UTF-8).
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
