import MedSaveModel

/// The entries of a zip file (an xlsx workbook is one), read from its central directory.
///
/// Only what xlsx files use: stored and deflated entries, no ZIP64, no encryption. Entry sizes are checked
/// against `maxEntryBytes` before anything is inflated, so a zip bomb is refused rather than unpacked.
struct ZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    let path: String
    private let data: [UInt8]
    private(set) var entries: [String: Entry] = [:]
    /// The largest entry inflated: 128 MiB, ten times the largest part of TLV's price list (12.8 MB), so that a
    /// shared-strings or sheet part expanding a thousandfold is refused before it is unpacked and parsed.
    var maxEntryBytes = 128 << 20
    /// The largest archive read: TLV's workbooks are 1–3 MB, NHSBSA's BNF table zip 1.3 MB.
    static let maxArchiveBytes = 256 << 20

    init(path: String) throws(InputError) {
        self.path = path
        let file = try FileByteSource(path: path)
        guard let size = file.size else {
            throw InputError(location: nil, message: "\(path): not a regular file: a workbook is read from a file")
        }
        guard size <= Self.maxArchiveBytes else {
            throw Self.notZip(
                path, "\(size) bytes, more than the \(Self.maxArchiveBytes >> 20) MiB a workbook is read to")
        }
        guard size >= 22 else { throw Self.notZip(path, "too short") }
        // The end-of-directory record first, from the file's last 22 + 65,535 bytes: a file that is no zip is
        // refused before it is read whole.
        let tail = min(size, 22 + 65_535)
        try file.seek(to: size - tail)
        var last: [UInt8] = []
        while last.count < tail, try file.read(into: &last, maxCount: tail - last.count) > 0 {}
        guard Self.endRecord(in: last) != nil else { throw Self.notZip(path, "no end-of-directory record") }
        try file.rewind()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        while try file.read(into: &bytes, maxCount: 1 << 20) > 0 {}
        data = bytes
        try readDirectory()
    }

    /// Where the end-of-central-directory record starts in `bytes` (searched from the end), if anywhere.
    static func endRecord(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 22 else { return nil }
        var i = bytes.count - 22
        while i >= max(0, bytes.count - 22 - 65_535) {
            if bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x05 && bytes[i + 3] == 0x06 { return i }
            i -= 1
        }
        return nil
    }

    init(path: String, bytes: [UInt8]) throws(InputError) {
        self.path = path
        data = bytes
        try readDirectory()
    }

    private func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
    private func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }

    private func notZip(_ why: String) -> InputError { Self.notZip(path, why) }

    private static func notZip(_ path: String, _ why: String) -> InputError {
        InputError(location: nil, message: "\(path): not a readable xlsx/zip file: \(why)")
    }

    private mutating func readDirectory() throws(InputError) {
        guard data.count >= 22 else { throw notZip("too short") }
        // The end-of-central-directory record is in the last 22 + 65,535 bytes.
        guard let end = Self.endRecord(in: data) else { throw notZip("no end-of-directory record") }
        let count = u16(end + 10)
        var at = u32(end + 16)
        for _ in 0..<count {
            guard at + 46 <= data.count, u32(at) == 0x0201_4B50 else { throw notZip("broken central directory") }
            let nameLength = u16(at + 28), extra = u16(at + 30), comment = u16(at + 32)
            guard at + 46 + nameLength <= data.count else { throw notZip("broken central directory") }
            let name = String(decoding: data[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            let entry = Entry(
                name: name, method: UInt16(u16(at + 10)), compressedSize: u32(at + 20), size: u32(at + 24),
                localHeaderOffset: u32(at + 42))
            if entry.compressedSize == 0xFFFF_FFFF || entry.size == 0xFFFF_FFFF {
                throw notZip("ZIP64 is not supported")
            }
            entries[name] = entry
            at += 46 + nameLength + extra + comment
        }
    }

    /// The uncompressed bytes of entry `name`, or nil when there is no such entry; refused when it would unpack
    /// to more than `limit` bytes (default `maxEntryBytes`).
    func read(_ name: String, limit: Int? = nil) throws(InputError) -> [UInt8]? {
        guard let e = entries[name] else { return nil }
        let limit = min(limit ?? maxEntryBytes, maxEntryBytes)
        guard e.size <= limit else {
            throw InputError(
                location: nil,
                message: "\(path): \(name) would unpack to \(e.size) bytes, more than the \(limit) allowed")
        }
        // DEFLATE cannot expand more than 1032-fold: a larger claim is a lie or a bomb. Refuse before allocating.
        if e.method == 8 && e.size > 1032 * e.compressedSize + 1024 {
            throw notZip(
                "entry \(name) claims \(e.size) bytes from \(e.compressedSize) compressed, more than DEFLATE can expand"
            )
        }
        let at = e.localHeaderOffset
        guard at + 30 <= data.count, u32(at) == 0x0403_4B50 else { throw notZip("broken entry \(name)") }
        let start = at + 30 + u16(at + 26) + u16(at + 28)
        guard start + e.compressedSize <= data.count else {
            throw notZip("entry \(name) runs past the end of the file")
        }
        let raw = data[start..<(start + e.compressedSize)]
        switch e.method {
        case 0: return Array(raw)
        case 8: return try Inflate.raw(raw, expectedSize: e.size, what: "\(path): \(name)")
        default: throw notZip("entry \(name) uses compression method \(e.method)")
        }
    }
}
