import Foundation
import MedSaveCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Standard streams, terminal detection and colour (only on a terminal, never with NO_COLOR).
enum Terminal {
    enum Stream: Int32 {
        case standardOutput = 1
        case standardError = 2
    }

    static func isTerminal(_ stream: Stream) -> Bool { isatty(stream.rawValue) == 1 }

    static var colourOnStandardError: Bool {
        isTerminal(.standardError) && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    /// Writes all of `text` to a stream. A closed pipe on standard output ends the process quietly (exit 0),
    /// as `head` expects; any other failure to write standard output (a full disk, `/dev/full`) is an error
    /// (exit 1): a truncated result must never look like a finished one.
    static func write(_ text: String, to stream: Stream) {
        var bytes = Array(text.utf8)
        var offset = 0
        bytes.withUnsafeMutableBytes { p in
            while offset < p.count {
                let n = Glibc_write(stream.rawValue, p.baseAddress! + offset, p.count - offset)
                if n < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    if code == EPIPE { exit(0) }
                    guard stream == .standardOutput else { return }
                    let message = "medsave: error: cannot write standard output: \(String(cString: strerror(code)))\n"
                    _ = message.withCString { Glibc_write(2, UnsafeMutableRawPointer(mutating: $0), strlen($0)) }
                    exit(1)
                }
                offset += n
            }
        }
    }

    fileprivate static func Glibc_write(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int {
        #if canImport(Glibc)
            return Glibc.write(fd, p, n)
        #else
            return Darwin.write(fd, p, n)
        #endif
    }
}

/// Compiler-style messages on standard error: `path:line:col: error: message`.
enum Diagnostics {
    enum Severity: String {
        case error, warning, note
        var colour: String {
            switch self {
            case .error: "\u{1B}[1;31m"
            case .warning: "\u{1B}[1;33m"
            case .note: "\u{1B}[1;36m"
            }
        }
    }

    static func emit(_ severity: Severity, _ message: String, at location: SourceLocation? = nil) {
        let label =
            Terminal.colourOnStandardError
            ? "\(severity.colour)\(severity.rawValue):\u{1B}[0m" : "\(severity.rawValue):"
        let prefix = location.map { "\($0): " } ?? "medsave: "
        Progress.clear()
        Terminal.write("\(prefix)\(label) \(message)\n", to: .standardError)
    }

    static func emit(_ error: InputError) {
        var message = error.message
        if let hint = error.hint { message += " (\(hint))" }
        emit(.error, message, at: error.location)
    }

    /// Shows the first `limit` problems as warnings, then how many more there are.
    static func show(problems: [InputProblem], limit: Int = 10, problemsFile: String?) {
        for p in problems.prefix(limit) {
            var message = p.description
            message.removeFirst("\(p.location): ".count)
            emit(.warning, message, at: p.location)
        }
        if problems.count > limit {
            let how = problemsFile.map { "all are in \($0)" } ?? "write them all with --problems FILE"
            emit(.note, "\(problems.count - limit) more problems not shown (\(how))")
        }
    }
}

/// Writes a file whole or not at all: to a temporary name beside it, renamed into place when complete.
enum OutputFile {
    /// Writes `text` to `path` so that a reader never sees half a file: to a temporary file beside it, then
    /// renamed over it (the file's mode kept when it existed). A symbolic link is followed, and its target is
    /// replaced, not the link; a path that is not a regular file (`/dev/null`, a FIFO, a terminal) is written
    /// through, since it cannot be replaced.
    static func write(_ text: String, to path: String) throws { try write([(text, path)]) }

    /// Writes several files as one: every one is first written whole to a temporary file, and only then are
    /// they renamed into place, the old files kept aside until all are in, so that a failure leaves every file
    /// as it was (both of a report's HTML and Markdown new, or both old). Paths that are not regular files are
    /// written through last. A run killed by SIGINT, SIGTERM or SIGHUP removes its temporary files.
    static func write(_ files: [(text: String, path: String)]) throws {
        var staged: [Staged] = []
        var through: [(text: String, target: String, shown: String)] = []
        defer {
            for s in staged { TemporaryFiles.remove(s.temporary) }
        }
        for (text, path) in files {
            try refuseInput(path)
            var target = URL(fileURLWithPath: path)
            var info = stat()
            if lstat(target.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
                target = target.resolvingSymlinksInPath()
            }
            let exists = stat(target.path, &info) == 0
            if exists && (info.st_mode & S_IFMT) == S_IFDIR {
                throw InputError(location: nil, message: "\(path): is a directory; give --output a file name")
            }
            if exists && (info.st_mode & S_IFMT) != S_IFREG {
                through.append((text, target.path, path))
                continue
            }
            let name = ".\(String(target.lastPathComponent.prefix(200))).medsave-\(getpid())-\(staged.count)"
            let temporary = target.deletingLastPathComponent().appendingPathComponent(name + ".tmp").path
            TemporaryFiles.add(temporary)
            staged.append(Staged(temporary: temporary, target: target.path, shown: path, exists: exists))
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            } catch {
                throw InputError(location: nil, message: "\(path): cannot write: \(error.localizedDescription)")
            }
            if exists { _ = chmod(temporary, info.st_mode & 0o7777) }
        }
        try commit(staged)
        for t in through { try writeThrough(t.text, to: t.target, shown: t.shown) }
    }

    /// A file written to its temporary name, waiting to be renamed over its target.
    private struct Staged {
        var temporary: String
        var target: String
        var shown: String
        var exists: Bool
        var backup: String { temporary + ".old" }
    }

    /// Renames every staged file into place; when one fails, puts back the ones already renamed (their old
    /// files kept under a second name until all are in).
    private static func commit(_ staged: [Staged]) throws {
        let several = staged.count > 1
        for (i, s) in staged.enumerated() {
            if several && s.exists {
                TemporaryFiles.add(s.backup)
                _ = link(s.target, s.backup)
            }
            if rename(s.temporary, s.target) != 0 {
                let reason = String(cString: strerror(errno))
                for done in staged[..<i].reversed() {
                    if done.exists { _ = rename(done.backup, done.target) } else { _ = unlink(done.target) }
                }
                for t in staged where several && t.exists { TemporaryFiles.remove(t.backup) }
                throw InputError(location: nil, message: "\(s.shown): cannot write: \(reason)")
            }
        }
        for s in staged where several && s.exists { TemporaryFiles.remove(s.backup) }
    }

    /// Throws when `path` is one of the run's inputs (checked again by `write`; callers writing several files
    /// check them all first, so that none is written when one would replace an input).
    static func refuseInput(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0, inputs.contains(FileID(info)) {
            throw InputError(
                location: nil, message: "\(path): is one of this run's inputs; refusing to overwrite it",
                hint: "give --output a path of its own")
        }
    }

    /// A file by device and inode, so that two spellings of one path (`./a.csv`, a symlink) are one file.
    struct FileID: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
        init(_ s: stat) {
            device = UInt64(s.st_dev)
            inode = UInt64(s.st_ino)
        }
    }

    /// Options whose value is written, not read.
    static let outputOptions: Set<String> = ["--output", "--manifest", "--problems", "--unpriced"]

    /// Every regular file named on the command line other than as an output (a `kind:` or `list:` prefix
    /// stripped):
    /// the run's inputs, which no output may replace.
    static let inputs: Set<FileID> = {
        var found = Set<FileID>()
        var skipNext = false
        for argument in CommandLine.arguments.dropFirst() {
            if skipNext {
                skipNext = false
                continue
            }
            if outputOptions.contains(argument) {
                skipNext = true
                continue
            }
            if let eq = argument.firstIndex(of: "="), outputOptions.contains(String(argument[..<eq])) { continue }
            var value = argument
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                value = String(argument[argument.index(after: eq)...])
            }
            let listPath = value.lowercased().hasPrefix("list:") ? String(value.dropFirst(5)) : value
            for path in [value, CatalogueSpec(value).path, listPath] {
                var s = stat()
                if stat(path, &s) == 0 && (s.st_mode & S_IFMT) == S_IFREG { found.insert(FileID(s)) }
            }
        }
        return found
    }()

    /// Writes into an existing non-regular file (a device or a FIFO) as it is.
    private static func writeThrough(_ text: String, to path: String, shown: String) throws {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else {
            throw InputError(location: nil, message: "\(shown): cannot write: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes = Array(text.utf8), offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { p in
                Terminal.Glibc_write(fd, p.baseAddress! + offset, p.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(location: nil, message: "\(shown): cannot write: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}
