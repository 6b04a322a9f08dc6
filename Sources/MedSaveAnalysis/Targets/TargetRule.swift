/// How the target price per unit T(g, m) of a class g in period m is chosen; `Targets` computes it.
public enum TargetRule: Sendable, Equatable, CustomStringConvertible {
    /// The period's PV unit price (lowest if several); else the cheapest R1/R2; else no confirmed target.
    case pv
    /// The lowest unit price of any product of the class in the period's catalogue.
    case cheapest
    /// The given percentile (0–100) of organisations' PPU: OpenPrescribing's price-per-unit method.
    case percentile(Double)

    /// Parses `pv`, `cheapest`, `median` (= `p50`) or `pNN` with NN in 0…100 (decimals allowed: `p2.5`).
    public init?(text: String) {
        switch text.lowercased() {
        case "pv": self = .pv
        case "cheapest": self = .cheapest
        case "median": self = .percentile(50)
        case let t where t.hasPrefix("p"):
            guard let nn = Double(t.dropFirst()), nn.isFinite, (0...100).contains(nn) else { return nil }
            self = .percentile(nn)
        default: return nil
        }
    }

    /// `pv`, `cheapest`, `median` or `pNN`.
    public var description: String {
        switch self {
        case .pv: "pv"
        case .cheapest: "cheapest"
        case .percentile(50): "median"
        case .percentile(let p): p == p.rounded() ? "p\(Int(p))" : "p\(p)"
        }
    }

    /// True when the target names a product that sets it (pv, cheapest), false for peer-group targets.
    public var namesProduct: Bool {
        if case .percentile = self { return false }
        return true
    }
}
