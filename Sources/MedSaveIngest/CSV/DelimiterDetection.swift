import MedSaveModel

/// Detecting delimiters for files whose dialect is not given.
extension CSVDialect {
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
