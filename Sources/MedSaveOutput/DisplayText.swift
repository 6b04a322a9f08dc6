/// Text from the data made safe to show: nothing a product name or a note says can act on the reader's screen,
/// page or spreadsheet.
///
/// - Control characters (C0 but tab and line feed, DEL, C1) become their visible pictures (`␛` for ESC,
///   `␇` for BEL) or U+FFFD: a terminal never receives an escape sequence, and XML 1.0 (the HTML's
///   serialisation) never a character it forbids.
/// - Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) become U+FFFD, so that no text can
///   reverse how the characters after it read.
enum DisplayText {
    static func neutralised(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsReplacing) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard needsReplacing(u) else {
                out.append(u)
                continue
            }
            switch u.value {
            case 0x00...0x1F: out.append(Unicode.Scalar(0x2400 + u.value)!)
            case 0x7F: out.append("\u{2421}")
            default: out.append("\u{FFFD}")
            }
        }
        return String(out)
    }

    static func needsReplacing(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// A spreadsheet reads a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return as a formula;
    /// such a text (not a plain number) gets a leading apostrophe, which Excel shows as text.
    static func inertInSpreadsheet(_ s: String, decimalMark: Character) -> String {
        guard let first = s.first, "=+-@\t\r".contains(first) else { return s }
        let digits = s.dropFirst(first == "-" || first == "+" ? 1 : 0)
        let isNumber =
            !digits.isEmpty && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0 == decimalMark) }
            && digits.filter { $0 == decimalMark }.count <= 1
        return isNumber ? s : "'" + s
    }
}
