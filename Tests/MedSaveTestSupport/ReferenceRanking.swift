import Foundation

/// An independent, plain-loop recomputation of `rank`'s total saving at level `unit` over every period,
/// written without any of MedSaveCore's code: its own CSV splitting, Double sums, its own percentile.
/// Slow and simple on purpose; the tests compare the real engine with it.
public enum ReferenceRanking {
    public enum Target: Sendable {
        case pv
        case cheapest
        case percentile(Double)
    }

    public struct Totals {
        public var rows = 0
        public var cost = 0.0
        public var saving = 0.0
        /// Saving in rows marked do-not-substitute, per (unit, prescriber, class, month).
        public var blockedSaving = 0.0
        /// Rows whose product is in the catalogue's classes and has a target.
        public var rowsUsed = 0
    }

    /// Splits one CSV line (no embedded line breaks) honouring double quotes.
    public static func split(_ line: Substring) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        var chars = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" {
                            current.append("\"")
                        } else {
                            quoted = false
                            pending = n
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }

    /// The rows of a CSV text as dictionaries keyed by header name.
    public static func rows(_ text: String) -> [[String: String]] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return [] }
        let header = split(lines.removeFirst())
        return lines.map { line in
            var row: [String: String] = [:]
            for (k, v) in zip(header, split(line)) { row[k] = v }
            return row
        }
    }

    /// NumPy's linear percentile, written out again.
    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        let s = values.sorted()
        let h = Double(s.count - 1) * p / 100
        let i = Int(h)
        if i + 1 >= s.count { return s[s.count - 1] }
        return s[i] + (h - Double(i)) * (s[i + 1] - s[i])
    }

    public static func totals(dispensingCSV: String, catalogueCSV: String, target: Target) -> Totals {
        struct Item {
            var cls: String
            var price: Double
            var status: String
        }
        var catalogue: [String: Item] = [:]  // "period|product"
        var members: [String: [Item]] = [:]  // "period|class"
        for r in rows(catalogueCSV) {
            guard let group = r["group"], !group.isEmpty else { continue }
            let size = r["size_group"] ?? ""
            let cls = size.isEmpty ? group : group + "/" + size
            let item = Item(cls: cls, price: Double(r["unit_price"]!)!, status: r["status"] ?? "")
            catalogue[r["period"]! + "|" + r["product"]!] = item
            members[r["period"]! + "|" + cls, default: []].append(item)
        }
        var totals = Totals()
        // All rows set the percentile ("period|class|unit"); the saving counts rows that may be substituted,
        // and rows marked do-not-substitute are saved against the same target per prescriber.
        var q: [String: Double] = [:], c: [String: Double] = [:]
        var qa: [String: Double] = [:], ca: [String: Double] = [:]
        var qb: [String: Double] = [:], cb: [String: Double] = [:]  // "period|class|unit|prescriber"
        for r in rows(dispensingCSV) {
            totals.rows += 1
            let cost = Double(r["cost"]!)!
            totals.cost += cost
            guard let item = catalogue[r["period"]! + "|" + r["product"]!] else { continue }
            let key = r["period"]! + "|" + item.cls + "|" + r["unit"]!
            let quantity = Double(r["quantity"]!)!
            q[key, default: 0] += quantity
            c[key, default: 0] += cost
            if (r["substitution_allowed"] ?? "").lowercased() == "false" {
                qb[key + "|" + (r["prescriber"] ?? ""), default: 0] += quantity
                cb[key + "|" + (r["prescriber"] ?? ""), default: 0] += cost
            } else {
                qa[key, default: 0] += quantity
                ca[key, default: 0] += cost
            }
        }
        var byBlock: [String: [String]] = [:]
        for key in q.keys {
            let parts = key.split(separator: "|", omittingEmptySubsequences: false)
            byBlock[parts[0] + "|" + parts[1], default: []].append(key)
        }
        var blockedByBlock: [String: [String]] = [:]
        for key in qb.keys {
            let parts = key.split(separator: "|", omittingEmptySubsequences: false)
            blockedByBlock[parts[0] + "|" + parts[1], default: []].append(key)
        }
        for (block, keys) in byBlock {
            let t: Double?
            switch target {
            case .pv:
                let m = members[block] ?? []
                let pv = m.filter { $0.status == "PV" }.map(\.price)
                let reserve = m.filter { $0.status == "R1" || $0.status == "R2" }.map(\.price)
                t = pv.min() ?? reserve.min()
            case .cheapest:
                t = (members[block] ?? []).map(\.price).min()
            case .percentile(let p):
                let ppus = keys.filter { q[$0]! > 0 }.map { c[$0]! / q[$0]! }
                t = ppus.isEmpty ? nil : percentile(ppus, p)
            }
            guard let t else { continue }
            for key in keys { totals.saving += max(0, (ca[key] ?? 0) - (qa[key] ?? 0) * t) }
            for key in blockedByBlock[block] ?? [] { totals.blockedSaving += max(0, cb[key]! - qb[key]! * t) }
        }
        return totals
    }

    /// The text of a gzip file, decompressed with the system's `gzip`.
    public static func gunzip(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
