import Foundation

/// Runs the built `medsave` binary and captures what it printed and how it exited.
public struct BinaryRun: Sendable {
    public var stdout: String
    public var stderr: String
    public var exitCode: Int32
    /// True when the process ended by a signal rather than by exiting.
    public var signalled: Bool
}

public enum BinaryRunner {
    /// The binary built beside the test bundle (`swift test` builds it, since the tests depend on it),
    /// or `MEDSAVE_BINARY` when set.
    public static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["MEDSAVE_BINARY"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("medsave")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue
            {
                return candidate
            }
            dir.deleteLastPathComponent()
        }
        return Fixtures.packageRoot.appendingPathComponent(".build/debug/medsave")
    }()

    /// Runs `medsave` with `arguments` in the package root, with `NO_COLOR` set unless `environment` says otherwise;
    /// with `standardOutput`, its standard output goes to that path (a device such as `/dev/full`) instead.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], standardOutput: String? = nil
    ) throws -> BinaryRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = Fixtures.packageRoot
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // Files, not pipes: nothing can fill up and block the child, whatever it prints.
        let dir = Fixtures.temporaryDirectory()
        let outURL = dir.appendingPathComponent("stdout"), errURL = dir.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput =
            try standardOutput.map { try FileHandle(forWritingTo: URL(fileURLWithPath: $0)) } ?? out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
        try? FileManager.default.removeItem(at: dir)
        return BinaryRun(
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
            exitCode: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal)
    }
}
