import MedSaveCore

/// Seeded random dispensing rows with every column (prescribers, patients, "do not substitute", corrections) over
/// a few months, and a catalogue pricing them, for tests that split, shuffle or shard the same rows.
public struct RandomDispensing: Sendable {
    public static let header = "period,unit,prescriber,patient,product,quantity,cost,substitution_allowed"
    public let months: [String]
    public let catalogue: String
    /// Data lines without the header, in the order drawn.
    public let lines: [String]
    /// The care units' areas and regions (`AreaMap`'s CSV), for the levels that sum units.
    public let areas: String

    public init(seed: UInt64, units: Int = 30, rows: Int = 900, months: Int = 3) {
        var random = SplitMix64(seed: seed)
        self.months = (1...months).map { "2025-\($0 < 10 ? "0" : "")\($0)" }
        var catalogue = "period,product,name,unit_price,group,size_group,status\n"
        for month in self.months {
            for g in 0..<8 {
                for p in 0..<3 {
                    let price = 1 + Double(random.next(below: 900)) / 100
                    catalogue += "\(month),P\(g)\(p),Product \(g)\(p),\(price),G\(g),T1,\(p == 0 ? "PV" : "")\n"
                }
            }
        }
        var lines: [String] = []
        for _ in 0..<rows {
            let u = random.next(below: UInt64(units))
            let month = self.months[Int(random.next(below: UInt64(months)))]
            let product = "P\(random.next(below: 8))\(random.next(below: 3))"
            var q = Int(1 + random.next(below: 200)), cents = q * Int(50 + random.next(below: 900))
            if random.next(below: 30) == 0 { (q, cents) = (-q, -cents) }  // a correction
            let allowed = random.next(below: 10) == 0 ? "false" : "true"
            let prescriber = "D\(u % 7)\(random.next(below: 3))"
            let patient = "X\(random.next(below: 200))"
            let cost =
                "\(cents < 0 ? "-" : "")\(abs(cents) / 100).\(abs(cents) % 100 < 10 ? "0" : "")\(abs(cents) % 100)"
            lines.append("\(month),U\(u),\(prescriber),\(patient),\(product),\(q),\(cost),\(allowed)")
        }
        self.catalogue = catalogue
        self.lines = lines
        areas = "unit,area,region\n" + (0..<units).map { "U\($0),A\($0 % 5),R\($0 % 5 % 2)\n" }.joined()
    }

    /// The lines as one file's text, with the header.
    public static func text(_ lines: some Sequence<String>) -> String {
        ([header] + lines).joined(separator: "\n") + "\n"
    }

    /// The month of a line.
    public static func month(_ line: String) -> String { String(line.prefix(7)) }
}
