import MedSaveModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stream of bytes read in chunks: a plain file, or a gzip file inflated on the fly.
/// Memory stays at one chunk whatever the file's size.
protocol ByteSource: AnyObject {
    /// Appends up to `maxCount` bytes to `buffer`; returns the number appended, 0 at the end of the stream.
    func read(into buffer: inout [UInt8], maxCount: Int) throws(InputError) -> Int
    /// Bytes of the underlying file consumed so far (compressed bytes for gzip), for progress.
    var bytesConsumed: Int { get }
}

/// Opens `path` as a byte source: gzip when the name ends in `.gz` or the file starts with gzip's magic bytes.
/// A zip file (an Excel workbook saved as xlsx, whatever its name) is refused by name: it is not text.
func openByteSource(path: String) throws(InputError) -> any ByteSource {
    let file = try FileByteSource(path: path)
    var magic: [UInt8] = []
    while magic.count < 4, try file.read(into: &magic, maxCount: 4 - magic.count) > 0 {}
    // Handed back rather than sought over, so that a pipe or FIFO (`<(zcat …)`) is read once, as it comes.
    file.unread(magic)
    if magic == [0x50, 0x4B, 0x03, 0x04] {
        throw InputError(
            location: SourceLocation(file: path, line: 1, column: 1),
            message: "a zip file (an Excel workbook, xlsx?), not CSV text",
            hint: "save the sheet as CSV (UTF-8); TLV's xlsx lists go with --catalog")
    }
    if path.hasSuffix(".gz") || magic.prefix(2) == [0x1F, 0x8B] {
        return try GzipByteSource(file: file, path: path)
    }
    return file
}

/// Bytes already in memory, handed out in chunks like a file.
final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private(set) var bytesConsumed = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: inout [UInt8], maxCount: Int) throws(InputError) -> Int {
        let n = min(maxCount, bytes.count - bytesConsumed)
        buffer.append(contentsOf: bytes[bytesConsumed..<(bytesConsumed + n)])
        bytesConsumed += n
        return n
    }
}

/// A file read with POSIX `read(2)`.
final class FileByteSource: ByteSource {
    let path: String
    private let descriptor: Int32
    private(set) var bytesConsumed = 0

    init(path: String) throws(InputError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw InputError(location: nil, message: "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError(
                location: nil, message: "\(path): is a directory, expected a file",
                hint: "rank reads a folder laid out by month (period=YYYY-MM/) as --dispensing; here give the files")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The file's size in bytes, or nil when it cannot be known (a pipe).
    var size: Int? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    func rewind() throws(InputError) { try seek(to: 0) }

    /// Reads on from byte `offset`; `bytesConsumed` counts from there. Regular files only.
    func seek(to offset: Int) throws(InputError) {
        pending = []
        guard lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw InputError(location: nil, message: "\(path): cannot seek: \(String(cString: strerror(errno)))")
        }
        bytesConsumed = 0
    }

    private var scratch: [UInt8] = []
    /// Bytes read and handed back (`unread`), returned before the descriptor is read again.
    private var pending: [UInt8] = []

    /// Hands back `bytes`, the last ones read: the next reads return them first.
    func unread(_ bytes: [UInt8]) {
        pending = bytes + pending
        bytesConsumed -= bytes.count
    }

    /// Reads up to `maxCount` bytes: those handed back first, then from the descriptor in the same call, so that
    /// a reader looking at its first chunk (to detect the delimiter) sees as much as without the hand-back.
    func read(into buffer: inout [UInt8], maxCount: Int) throws(InputError) -> Int {
        var handedBack = 0
        if !pending.isEmpty {
            handedBack = min(maxCount, pending.count)
            buffer.append(contentsOf: pending[0..<handedBack])
            pending.removeFirst(handedBack)
            bytesConsumed += handedBack
            if handedBack == maxCount { return handedBack }
        }
        return try handedBack + readDescriptor(into: &buffer, maxCount: maxCount - handedBack)
    }

    private func readDescriptor(into buffer: inout [UInt8], maxCount: Int) throws(InputError) -> Int {
        if scratch.count < maxCount { scratch = [UInt8](repeating: 0, count: maxCount) }
        var got = 0
        var failure: Int32 = 0
        let fd = descriptor
        scratch.withUnsafeMutableBufferPointer { p in
            while true {
                let n = Glibc_read(fd, p.baseAddress!, maxCount)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = errno } else { got = n }
                break
            }
        }
        if failure != 0 {
            throw InputError(location: nil, message: "\(path): read failed: \(String(cString: strerror(failure)))")
        }
        buffer.append(contentsOf: scratch[0..<got])
        bytesConsumed += got
        return got
    }
}

@inline(__always)
private func Glibc_read(_ fd: Int32, _ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.read(fd, p, n)
    #else
        return Darwin.read(fd, p, n)
    #endif
}
