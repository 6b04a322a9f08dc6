import MedSaveCore

/// A repeatable random number generator: the library's SplitMix64, remembering its seed. The same seed gives
/// the same sequence on every platform; tests print the seed when they fail so that a failure can be replayed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public let seed: UInt64
    private var base: SplitMix64

    public init(seed: UInt64) {
        self.seed = seed
        base = SplitMix64(seed: seed)
    }

    public mutating func next() -> UInt64 { base.next() }

    /// A vector of `count` values uniform in -1...1.
    public mutating func vector(_ count: Int) -> [Double] {
        (0..<count).map { _ in Double.random(in: -1...1, using: &self) }
    }
}
