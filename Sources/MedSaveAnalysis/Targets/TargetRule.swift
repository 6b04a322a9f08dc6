import MedSaveModel

/// How the target price per unit T(g, m) of a class g in period m is chosen; `Targets` computes it.
public enum TargetRule: Sendable, Equatable, CustomStringConvertible {
    /// The period's PV unit price (lowest if several); else the cheapest R1/R2; else no confirmed target.
    case pv
    /// The lowest unit price of any product of the class in the period's catalogue.
    case cheapest
    /// The given percentile (0–100) of organisations' PPU: OpenPrescribing's price-per-unit method.
    case percentile(Double)
    /// A region's own prices per unit by class and month (`list:FILE`), with the product each names, if any.
    /// `init(text:)` gives the path with no prices yet; `TargetList.read` fills them in.
    case list(TargetList)

    /// Parses `pv`, `cheapest`, `median` (= `p50`), `pNN` with NN in 0…100 (decimals allowed: `p2.5`), or
    /// `list:PATH`.
    public init?(text: String) {
        if text.lowercased().hasPrefix("list:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { return nil }
            self = .list(TargetList(path: path))
            return
        }
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
        case .list(let l): "list:\(l.path)"
        }
    }

    /// True when the target is a price that can name a product setting it (pv, cheapest, list), false for
    /// peer-group targets.
    public var namesProduct: Bool {
        if case .percentile = self { return false }
        return true
    }

    /// True when the target is read from the catalogue's prices (pv, cheapest), which BNF classes lack.
    public var needsCataloguePrices: Bool {
        switch self {
        case .pv, .cheapest: true
        case .percentile, .list: false
        }
    }

    /// The target list of a `list:` rule.
    public var targetList: TargetList? {
        if case .list(let l) = self { return l }
        return nil
    }
}
