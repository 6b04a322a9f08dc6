import MedSaveCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-line progress display on standard error, shown only on a terminal and redrawn at most 5 times a second.
enum Progress {
    nonisolated(unsafe) private static var lastDraw = 0.0
    nonisolated(unsafe) private static var visible = false

    static let enabled = Terminal.isTerminal(.standardError)

    static func report(_ p: ReadProgress) {
        guard enabled else { return }
        let now = monotonicSeconds()
        guard now - lastDraw >= 0.2 else { return }
        lastDraw = now
        var text = "reading \(p.path) (\(p.fileIndex + 1)/\(p.fileCount)): \(p.bytesRead >> 20) MiB"
        if let size = p.fileSize, size > 0 { text += " of \(size >> 20) MiB, \(min(100, p.bytesRead * 100 / size))%" }
        Terminal.write("\r\u{1B}[K" + text, to: .standardError)
        visible = true
    }

    /// Removes the progress line, before other messages or at the end.
    static func clear() {
        guard visible else { return }
        Terminal.write("\r\u{1B}[K", to: .standardError)
        visible = false
    }

    private static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
