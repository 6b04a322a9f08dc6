import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Golden files: expected outputs stored under `Tests/medsaveTests/Golden`, reviewed like code.
/// Run the tests with `MEDSAVE_RECORD_GOLDEN=1` to (re)write them from the current output: every check then
/// fails, saying what it wrote, so that a recording run can never pass (or be left on in CI) by accident.
public enum Golden {
    public static var recording: Bool { ProcessInfo.processInfo.environment["MEDSAVE_RECORD_GOLDEN"] == "1" }

    public static func url(_ name: String) -> URL {
        Fixtures.packageRoot.appendingPathComponent("Tests/medsaveTests/Golden").appendingPathComponent(name)
    }

    /// Nil when `actual` matches the golden file `name`; otherwise a message showing the first differing line.
    public static func check(_ actual: String, against name: String) -> String? {
        check(actual, at: url(name), recording: recording)
    }

    /// The same for the golden file at `url`; with `recording`, the file is written and the check fails.
    public static func check(_ actual: String, at url: URL, recording: Bool) -> String? {
        let name = url.lastPathComponent
        if recording {
            let previous = try? Data(contentsOf: url)
            try! Data(actual.utf8).write(to: url)
            let change = previous == Data(actual.utf8) ? "unchanged" : "written"
            return "recorded \(name) (\(change)); review the diff, then run the tests without MEDSAVE_RECORD_GOLDEN"
        }
        guard let data = try? Data(contentsOf: url) else {
            return "no golden file \(name); record it with MEDSAVE_RECORD_GOLDEN=1 swift test"
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected == actual { return nil }
        let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
        for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : nil) != (i < a.count ? a[i] : nil) {
            return
                "\(name) differs at line \(i + 1):\n  expected: \(i < e.count ? e[i] : "(end)")\n  actual:   \(i < a.count ? a[i] : "(end)")"
        }
        return "\(name) differs"
    }
}

/// Checks that HTML is well-formed as XML (the XHTML serialisation): every element closed in order, attributes
/// quoted, entities known. XMLParser (libxml2) does the parsing; it fetches nothing.
public enum WellFormed {
    /// Nil when `text` is well-formed; otherwise the parser's complaint and where.
    public static func check(_ text: String) throws -> String? {
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldResolveExternalEntities = false
        if parser.parse() { return nil }
        return
            "line \(parser.lineNumber), column \(parser.columnNumber): \(parser.parserError.map { "\($0)" } ?? "not well-formed")"
    }
}
