import CZlib
import MedSaveModel

/// A gzip file inflated as a stream with zlib (concatenated members are read one after another).
/// A file cut off before the end of its last member is an error, not a silent short read.
final class GzipByteSource: ByteSource {
    /// Output past `bombFloor` bytes that is more than `maxExpansion` times the compressed input read so far is
    /// refused: real extracts compress 4–20 fold (the bundled sample: 4), a bomb hundreds of times more.
    static let maxExpansion: UInt = 100
    static let bombFloor: UInt = 32 << 20

    private let file: FileByteSource
    private let path: String
    private let stream: UnsafeMutablePointer<z_stream>
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var finished = false
    private var memberEnded = false
    /// Bytes in and out of the members before the current one: the expansion limit counts the whole file, so
    /// that many members, each small enough, cannot add up to a bomb.
    private var earlierIn: UInt = 0
    private var earlierOut: UInt = 0

    init(file: FileByteSource, path: String) throws(InputError) {
        self.file = file
        self.path = path
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 32: the largest window, with gzip or zlib headers detected automatically.
        let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw InputError(location: nil, message: "\(path): cannot start gzip decompression (zlib status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    var bytesConsumed: Int { file.bytesConsumed - (input.count - inputOffset) }

    /// The compressed file's size, when it is a regular file.
    var compressedSize: Int? { file.size }

    private var output: [UInt8] = []

    func read(into buffer: inout [UInt8], maxCount: Int) throws(InputError) -> Int {
        if finished { return 0 }
        if output.count < maxCount { output = [UInt8](repeating: 0, count: maxCount) }
        var produced = 0
        while produced < maxCount {
            if inputOffset == input.count {
                input.removeAll(keepingCapacity: true)
                inputOffset = 0
                if try file.read(into: &input, maxCount: 1 << 18) == 0 {
                    let nothingRead = stream.pointee.total_in == 0 && !memberEnded
                    if memberEnded || nothingRead {
                        finished = true
                        break
                    }
                    throw InputError(
                        location: nil,
                        message: "\(path): the gzip data ends early (the file is truncated or was not fully copied)")
                }
            }
            if memberEnded {
                // More bytes after the end of a member: another gzip member must follow (it starts 1f 8b).
                let magic: [UInt8] = [0x1F, 0x8B]
                let next = input[inputOffset..<min(input.count, inputOffset + 2)]
                guard next.elementsEqual(magic.prefix(next.count)) else {
                    throw InputError(
                        location: nil,
                        message:
                            "\(path): data follows the end of the gzip data at byte \(bytesConsumed) and is not gzip "
                            + "(the file was appended to, or is not one gzip file)")
                }
                earlierIn += stream.pointee.total_in
                earlierOut += stream.pointee.total_out
                inflateReset(stream)
                memberEnded = false
            }
            var status: Int32 = Z_OK
            let start = inputOffset, available = input.count - inputOffset, room = maxCount - produced
            let z = stream
            input.withUnsafeMutableBufferPointer { inp in
                output.withUnsafeMutableBufferPointer { out in
                    z.pointee.next_in = inp.baseAddress! + start
                    z.pointee.avail_in = UInt32(available)
                    z.pointee.next_out = out.baseAddress! + (maxCount - room)
                    z.pointee.avail_out = UInt32(room)
                    status = inflate(z, Z_NO_FLUSH)
                }
            }
            produced = maxCount - Int(stream.pointee.avail_out)
            inputOffset = input.count - Int(stream.pointee.avail_in)
            let totalOut = earlierOut + stream.pointee.total_out, totalIn = max(earlierIn + stream.pointee.total_in, 1)
            if totalOut > Self.bombFloor && totalOut > Self.maxExpansion * totalIn {
                throw InputError(
                    location: nil,
                    message:
                        "\(path): the gzip data expands more than \(Self.maxExpansion)-fold (\(totalIn) bytes to over \(totalOut >> 20) MiB); refusing what looks like a gzip bomb"
                )
            }
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                memberEnded = true
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw InputError(location: nil, message: "\(path): the gzip data is corrupt: \(detail)")
            }
        }
        buffer.append(contentsOf: output[0..<produced])
        return produced
    }
}
