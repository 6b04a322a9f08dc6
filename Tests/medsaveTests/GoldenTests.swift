import Foundation
import MedSaveTestSupport
import Testing

/// The golden-file check itself: a recording run must fail, or it could pass by accident (or be left on).
@Suite("Golden files")
struct GoldenTests {
    @Test func recordingWritesTheFileAndFails() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("medsave-golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("out.txt")
        let recorded = Golden.check("a\nb\n", at: url, recording: true)
        #expect(recorded?.hasPrefix("recorded out.txt (written)") == true)
        #expect(try String(contentsOf: url, encoding: .utf8) == "a\nb\n")
        #expect(Golden.check("a\nb\n", at: url, recording: true)?.contains("(unchanged)") == true)
        #expect(Golden.check("a\nb\n", at: url, recording: false) == nil)
        #expect(Golden.check("a\nc\n", at: url, recording: false)?.contains("differs at line 2") == true)
        #expect(
            Golden.check("a", at: dir.appendingPathComponent("none"), recording: false)?.hasPrefix("no golden file")
                == true)
    }
}
