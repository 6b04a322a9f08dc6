import CMemory
import Foundation

/// Where memory goes, for whoever measures it: with `MEDSAVE_MEMORY_TRACE=1` in the environment, `mark` writes the
/// step's name with the seconds since the process started and the resident and peak memory so far to standard
/// error (Linux; nothing elsewhere, and nothing without the variable), to find which step of a run holds its peak
/// and which takes the time (the README's memory notes came from it).
public enum MemoryTrace {
    public static let isOn = ProcessInfo.processInfo.environment["MEDSAVE_MEMORY_TRACE"] == "1"

    /// When the process started, as `ProcessInfo.systemUptime` counts.
    private static let started: TimeInterval = {
        #if os(Linux)
            // Field 22 of /proc/self/stat: the start time in clock ticks since boot.
            if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
                let end = stat.lastIndex(of: ")"),
                let ticks = Double(stat[stat.index(after: end)...].split(separator: " ")[19])
            {
                return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
            }
        #endif
        return ProcessInfo.processInfo.systemUptime
    }()

    public static func mark(_ step: @autoclosure () -> String) {
        guard isOn else { return }
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func megabytes(_ field: String) -> String {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
                let kB = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
            else { return "?" }
            return String(kB / 1024)
        }
        let seconds = String(format: "%.2f", ProcessInfo.processInfo.systemUptime - started)
        // The processor time so far, user and system, and the pages first touched (minor faults), from fields 14,
        // 15 and 10 of /proc/self/stat (Linux only).
        var cpu = ""
        #if os(Linux)
            if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
                let end = stat.lastIndex(of: ")")
            {
                let fields = stat[stat.index(after: end)...].split(separator: " ")
                if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) {
                    let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
                    cpu = String(format: ", %.2f s user, %.2f s system", user / tick, system / tick)
                    if let faults = Int(fields[7]) { cpu += ", \(faults) page faults" }
                }
            }
        #endif
        // The heap's blocks in use and its free memory kept for reuse (`medsave_keep_freed_memory`).
        var inUse: Int64 = 0, free: Int64 = 0
        medsave_heap_bytes(&inUse, &free)
        let heap = inUse < 0 ? "" : ", heap \(inUse >> 20) MB in use and \(free >> 20) MB free"
        FileHandle.standardError.write(
            Data(
                ("medsave: memory: \(step()): \(seconds) s, \(megabytes("VmRSS")) MB resident, "
                    + "\(megabytes("VmHWM")) MB peak\(heap)\(cpu)\n").utf8))
    }
}
