import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Temporary files the run has made and not yet renamed or removed: removed when the run is killed by
/// SIGINT, SIGTERM or SIGHUP (the signal then ends the process as it would have), so that no `.tmp` is left
/// beside an output. The handler reads a fixed table of C strings, as a signal handler may.
enum TemporaryFiles {
    private static let slots = 64
    nonisolated(unsafe) private static let table: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let t = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: slots)
        t.initialize(repeating: nil, count: slots)
        return t
    }()
    nonisolated(unsafe) private static var installed = false

    /// Notes `path` as a temporary file to remove if the run is killed.
    static func add(_ path: String) {
        install()
        for i in 0..<slots where table[i] == nil {
            table[i] = strdup(path)
            return
        }
    }

    /// Removes `path` (if it exists) and forgets it.
    static func remove(_ path: String) {
        _ = unlink(path)
        for i in 0..<slots {
            if let p = table[i], strcmp(p, path) == 0 {
                table[i] = nil
                free(p)
            }
        }
    }

    private static func install() {
        guard !installed else { return }
        installed = true
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { received in
                for i in 0..<TemporaryFiles.slots {
                    if let p = TemporaryFiles.table[i] { _ = unlink(p) }
                }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}
