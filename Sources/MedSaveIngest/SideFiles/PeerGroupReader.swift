import Foundation
import MedSaveModel

/// A peer group (`rank --peers PATH`): the organisations allowed to set a percentile target, one code a line;
/// blank lines and lines starting with `#` are ignored.
public enum PeerGroupReader {
    public static func read(path: String) throws(InputError) -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw InputError(location: nil, message: "\(path): cannot read the peers file")
        }
        let codes = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        if codes.isEmpty { throw InputError(location: nil, message: "\(path): the peers file names no organisation") }
        return Set(codes)
    }
}
