import Foundation

/// Paths to the package, its fixtures, its bundled datasets and the shared real data beside the checkout.
public enum Fixtures {
    /// The package root, found from this file's location.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `Tests/Fixtures/<name>`.
    public static func path(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name).path
    }

    /// `datasets/<name>`.
    public static func dataset(_ name: String) -> String {
        packageRoot.appendingPathComponent("datasets").appendingPathComponent(name).path
    }

    /// A fresh empty temporary directory.
    public static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("medsave-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to a new temporary file with the given name and returns its path.
    public static func write(_ text: String, named name: String) -> String {
        let url = temporaryDirectory().appendingPathComponent(name)
        try! Data(text.utf8).write(to: url)
        return url.path
    }

    /// Writes raw bytes to a new temporary file and returns its path.
    public static func write(bytes: [UInt8], named name: String) -> String {
        let url = temporaryDirectory().appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url.path
    }
}

extension Fixtures {
    /// `../shared/data/<name>` beside the checkout: real public data, present on developers' machines and in CI.
    public static func shared(_ name: String) -> String {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(name).path
    }

    /// True when the shared real data is beside the checkout; tests that need it are skipped otherwise.
    public static var hasSharedData: Bool {
        FileManager.default.fileExists(atPath: shared("se-tlv-periodens-varor/PROVENANCE.md"))
    }

    /// Runs a Python script (`python3 -c`, installed by `.ci/install-deps`) with `arguments` as `sys.argv[1...]`,
    /// for fixtures Python's standard library makes easily (gzip members, zip archives, SQLite pragmas).
    /// Returns its exit status.
    @discardableResult
    public static func python(_ script: String, _ arguments: String...) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
