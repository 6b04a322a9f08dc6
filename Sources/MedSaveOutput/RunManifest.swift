import Foundation
import MedSaveModel
import MedSaveSupport

/// What made a run's outputs, so that anyone can see which inputs and assumptions produced a figure and check
/// that the files they hold are those: the tool and version, the command line, every input with its size,
/// SHA-256 and (for dispensing files) the dialect it was read with, every option with its resolved default,
/// the seed, and the outputs with their hashes.
///
/// The manifest is the only place a run writes the time; reports embed it without time or output hashes, so
/// the same inputs and options give byte-identical reports.
public struct RunManifest: Sendable {
    /// One input or output file.
    public struct File: Sendable, Equatable {
        public var role: String
        public var path: String
        public var bytes: Int
        public var sha256: String
        /// How a dispensing file was read, e.g. `delimiter comma, decimal point, utf-8`.
        public var dialect: String?

        public init(role: String, path: String, bytes: Int, sha256: String, dialect: String? = nil) {
            self.role = role
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.dialect = dialect
        }

        /// Describes the file at `path`, hashing it a megabyte at a time.
        public static func describe(path: String, role: String, dialect: CSVDialect? = nil) throws(InputError) -> File {
            guard let (digest, bytes) = SHA256.file(path) else {
                throw InputError(location: nil, message: "\(path): cannot read the file to record it in the manifest")
            }
            return File(
                role: role, path: path, bytes: bytes, sha256: SHA256.hex(digestBytes: digest),
                dialect: dialect.map(Self.describe))
        }

        /// Describes text about to be written to `path`.
        public static func describe(text: String, path: String, role: String) -> File {
            let bytes = Array(text.utf8)
            return File(role: role, path: path, bytes: bytes.count, sha256: SHA256.hex(bytes))
        }

        static func describe(_ d: CSVDialect) -> String {
            let delimiter = d.delimiter.map(CSVDialect.name(of:)) ?? "detected"
            return "delimiter \(delimiter), decimal \(d.decimalComma ? "comma" : "point"), \(d.encoding.rawValue)"
        }
    }

    public var tool = "medsave"
    public var version: String
    /// The subcommand, e.g. `report`.
    public var command: String
    /// The arguments as given, after the subcommand.
    public var arguments: [String]
    public var inputs: [File] = []
    /// Every option with the value it took, defaults included, in the order the command lists them.
    public var options: [(name: String, value: String)] = []
    /// The bootstrap's seed, when the run resamples.
    public var seed: UInt64?
    public var outputs: [File] = []
    /// When the run finished (ISO 8601, UTC); nil in reports.
    public var createdAt: String?

    public init(version: String, command: String, arguments: [String]) {
        self.version = version
        self.command = command
        self.arguments = arguments
    }

    /// The dispensing files with the dialects they were read with, then the other inputs named.
    public mutating func addInputs(dispensing: DispensingAggregate, others: [(role: String, path: String)])
        throws(InputError)
    {
        for file in dispensing.files {
            inputs.append(try File.describe(path: file.path, role: "dispensing", dialect: file.dialect))
        }
        for other in others { inputs.append(try File.describe(path: other.path, role: other.role)) }
    }

    /// Other inputs, hashed, in the order given.
    public mutating func addInputs(_ others: [(role: String, path: String)]) throws(InputError) {
        for other in others { inputs.append(try File.describe(path: other.path, role: other.role)) }
    }

    /// The current time as the manifest writes it.
    public static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date())
    }

    /// The manifest as JSON (`schema_version` 1, `kind` "manifest").
    public func json() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("schema_version", .int(1))
        w.field("kind", .string("manifest"))
        w.field("tool", .string(tool))
        w.field("version", .string(version))
        w.field("command", .string(command))
        w.beginArray("arguments")
        for a in arguments { w.element(.string(a)) }
        w.endArray()
        w.beginObject("options")
        for o in options { w.field(o.name, .string(o.value)) }
        w.endObject()
        w.field("seed", seed.map { .string(String($0)) } ?? .null)
        for (key, files) in [("inputs", inputs), ("outputs", outputs)] {
            w.beginArray(key)
            for f in files {
                w.beginObject()
                w.field("role", .string(f.role))
                w.field("path", .string(f.path))
                w.field("bytes", .int(f.bytes))
                w.field("sha256", .string(f.sha256))
                if let d = f.dialect { w.field("dialect", .string(d)) }
                w.endObject()
            }
            w.endArray()
        }
        w.field("created_at", createdAt.map { .string($0) } ?? .null)
        w.endObject()
        return w.text
    }

    /// The command line as one shell-quoted line, for a person to rerun.
    public var commandLine: String {
        ([tool, command] + arguments).map(Self.shellQuoted).joined(separator: " ")
    }

    static func shellQuoted(_ s: String) -> String {
        let safe = s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return safe && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
