import CZlib
import MedSaveModel

/// Raw DEFLATE (as in zip entries) decompressed in one call with zlib.
enum Inflate {
    /// Inflates `input` into exactly `expectedSize` bytes; throws when the data is corrupt or of another size.
    static func raw(_ input: ArraySlice<UInt8>, expectedSize: Int, what: String) throws(InputError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(expectedSize, 1))
        var stream = z_stream()
        // -15: raw deflate, no zlib or gzip header.
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw InputError(location: nil, message: "\(what): cannot start decompression")
        }
        defer { inflateEnd(&stream) }
        var status: Int32 = Z_OK
        var inputCopy = Array(input)
        inputCopy.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = inp.baseAddress
                stream.avail_in = UInt32(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(expectedSize)
                status = inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == expectedSize else {
            throw InputError(
                location: nil,
                message:
                    "\(what): the compressed data is corrupt or not the size its directory says (zlib status \(status))"
            )
        }
        output.removeLast(output.count - expectedSize)
        return output
    }
}
