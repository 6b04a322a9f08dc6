import Foundation
import MedSaveTestSupport
import Testing

/// The layers of ARCHITECTURE.md, checked on the source tree: every `import` of a medsave module (or of a
/// system library) in `Sources/<Module>/` must be one the table allows. SwiftPM alone lets a target import a
/// module that happens to be built already, so this test (and `--explicit-target-dependency-import-check`
/// in the Makefile) is what makes a wrong arrow fail.
@Suite("Architecture: each layer imports only what it may")
struct ArchitectureTests {
    /// The modules of this package a layer may import (Foundation, Glibc and the like are always allowed).
    static let allowed: [String: Set<String>] = [
        "MedSaveSupport": ["CMemory"],
        "MedSaveModel": [],
        "MedSaveNumeric": ["CBLAS", "Accelerate"],
        "MedSaveIngest": ["MedSaveModel", "MedSaveSupport", "CZlib", "CMemory"],
        "MedSaveAnalysis": ["MedSaveModel", "MedSaveSupport", "MedSaveNumeric", "CMemory"],
        "MedSaveReview": ["MedSaveModel", "GRDB"],
        "MedSaveOutput": ["MedSaveModel", "MedSaveSupport", "MedSaveAnalysis"],
        "MedSaveCore": [
            "MedSaveSupport", "MedSaveModel", "MedSaveNumeric", "MedSaveIngest", "MedSaveAnalysis", "MedSaveReview",
            "MedSaveOutput",
        ],
        "medsave": ["MedSaveCore", "ArgumentParser", "CMemory"],
    ]
    /// Modules that only some layers may import; everything else (Foundation, Glibc, Dispatch) is the platform.
    static let controlled: Set<String> = Set(allowed.keys).union([
        "CBLAS", "CZlib", "CMemory", "GRDB", "ArgumentParser", "Accelerate",
    ])

    /// `import X` lines of a Swift file, with `@_exported`/`@testable` and access modifiers stripped.
    static func imports(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init).filter { !$0.hasPrefix("@") }
            let rest = words.drop { ["public", "package", "internal", "private"].contains($0) }
            guard rest.first == "import", rest.count >= 2 else { return nil }
            return rest.dropFirst().first
        }
    }

    static func violations(sources: URL) throws -> [String] {
        var found: [String] = []
        let fm = FileManager.default
        for module in try fm.contentsOfDirectory(atPath: sources.path).sorted()
        where !["CBLAS", "CZlib", "CMemory"].contains(module) {
            guard let allowedHere = allowed[module] else {
                found.append("\(module): a module ARCHITECTURE.md does not name")
                continue
            }
            let root = sources.appendingPathComponent(module)
            for file in (try fm.subpathsOfDirectory(atPath: root.path)).sorted() where file.hasSuffix(".swift") {
                let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                for imported in imports(text) where controlled.contains(imported) && !allowedHere.contains(imported) {
                    found.append("\(module)/\(file) imports \(imported)")
                }
            }
        }
        return found
    }

    @Test func everyImportInSourcesIsAllowed() throws {
        let found = try Self.violations(sources: Fixtures.packageRoot.appendingPathComponent("Sources"))
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    /// A wrong arrow in a scratch tree is caught, so the check above cannot pass by reading nothing.
    @Test func aForbiddenImportIsCaught() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("medsave-arch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (module, text) in [
            ("MedSaveIngest", "import Foundation\n@testable import MedSaveAnalysis\n"),
            ("MedSaveModel", "import MedSaveSupport\n"), ("MedSaveOutput", "public import MedSaveReview\n"),
            ("MedSaveAnalysis", "import MedSaveModel\nimport CBLAS\n"),
        ] {
            let folder = dir.appendingPathComponent(module)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: folder.appendingPathComponent("Wrong.swift"))
        }
        #expect(
            try Self.violations(sources: dir) == [
                "MedSaveAnalysis/Wrong.swift imports CBLAS", "MedSaveIngest/Wrong.swift imports MedSaveAnalysis",
                "MedSaveModel/Wrong.swift imports MedSaveSupport", "MedSaveOutput/Wrong.swift imports MedSaveReview",
            ])
    }
}
