/// Where in an input file something was found: 1-based line and column, as an editor shows them.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// A recoverable problem in the input: the row it concerns is set aside and the run goes on
/// (unless `--strict`). Problems are values, collected and reported; they never vanish.
public struct InputProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public var location: SourceLocation
    /// The column's name as the file spells it, when the problem concerns one field.
    public var field: String?
    public var message: String
    public var expected: String?
    public var found: String?
    public var hint: String?

    public init(
        location: SourceLocation, field: String? = nil, message: String,
        expected: String? = nil, found: String? = nil, hint: String? = nil
    ) {
        self.location = location
        self.field = field
        self.message = message
        self.expected = expected
        self.found = found
        self.hint = hint
    }

    /// One line, compiler style: `file:line:col: message: expected X, found "Y" (hint)`.
    public var description: String {
        var text = "\(location): "
        if let field { text += "\(field): " }
        text += message
        if let expected { text += ": expected \(expected)" }
        if let found { text += expected == nil ? ": found \(Self.quote(found))" : ", found \(Self.quote(found))" }
        if let hint { text += " (\(hint))" }
        return text
    }

    /// Quotes a found value for a message, shortening long values and showing control characters.
    static func quote(_ value: String) -> String {
        var shown = ""
        for scalar in value.unicodeScalars {
            if shown.unicodeScalars.count >= 60 {
                shown += "…"
                break
            }
            switch scalar {
            case "\"": shown += "\\\""
            case "\n": shown += "\\n"
            case "\r": shown += "\\r"
            case "\t": shown += "\\t"
            case "\0": shown += "\\0"
            default: shown.unicodeScalars.append(scalar)
            }
        }
        return "\"\(shown)\""
    }
}

/// An input error that stops the run: the file cannot be read as asked (missing column, unreadable
/// file, broken compression), or `--strict` turned a problem into an error.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public var location: SourceLocation?
    public var message: String
    public var hint: String?

    public init(location: SourceLocation?, message: String, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }

    public init(problem: InputProblem) {
        var p = problem
        p.hint = nil
        let prefix = "\(problem.location): "
        self.init(
            location: problem.location, message: String(p.description.dropFirst(prefix.count)), hint: problem.hint)
    }

    public var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += message
        if let hint { text += " (\(hint))" }
        return text
    }
}
