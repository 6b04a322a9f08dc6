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
    var maxEntryBytes = 512 << 20

    init(path: String) throws(InputError) {
        self.path = path
        let file = try FileByteSource(path: path)
        var bytes: [UInt8] = []
        while try file.read(into: &bytes, maxCount: 1 << 20) > 0 {}
        data = bytes
        try readDirectory()
    }

    init(path: String, bytes: [UInt8]) throws(InputError) {
        self.path = path
        data = bytes
        try readDirectory()
    }

    private func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
    private func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }

    private func notZip(_ why: String) -> InputError {
        InputError(location: nil, message: "\(path): not a readable xlsx/zip file: \(why)")
    }

    private mutating func readDirectory() throws(InputError) {
        guard data.count >= 22 else { throw notZip("too short") }
        // The end-of-central-directory record is in the last 22 + 65,535 bytes.
        var end = -1
        var i = data.count - 22
        while i >= max(0, data.count - 22 - 65_535) {
            if data[i] == 0x50 && data[i + 1] == 0x4B && data[i + 2] == 0x05 && data[i + 3] == 0x06 {
                end = i
                break
            }
            i -= 1
        }
        guard end >= 0 else { throw notZip("no end-of-directory record") }
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

    /// The uncompressed bytes of entry `name`, or nil when there is no such entry.
    func read(_ name: String) throws(InputError) -> [UInt8]? {
        guard let e = entries[name] else { return nil }
        guard e.size <= maxEntryBytes else {
            throw InputError(
                location: nil,
                message: "\(path): \(name) would unpack to \(e.size) bytes, more than the \(maxEntryBytes) allowed")
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
