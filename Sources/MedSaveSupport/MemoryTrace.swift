import Foundation

/// Where memory goes, for whoever measures it: with `MEDSAVE_MEMORY_TRACE=1` in the environment, `mark` writes the
/// step's name with the resident and peak memory so far to standard error (Linux; nothing elsewhere, and nothing
/// without the variable), to find which step of a run holds its peak (the README's memory notes came from it).
public enum MemoryTrace {
    public static let isOn = ProcessInfo.processInfo.environment["MEDSAVE_MEMORY_TRACE"] == "1"

    public static func mark(_ step: @autoclosure () -> String) {
        guard isOn else { return }
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func megabytes(_ field: String) -> String {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
                let kB = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
            else { return "?" }
            return String(kB / 1024)
        }
        FileHandle.standardError.write(
            Data("medsave: memory: \(step()): \(megabytes("VmRSS")) MB resident, \(megabytes("VmHWM")) MB peak\n".utf8))
    }
}
