/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, seedable generator that gives the same
/// sequence everywhere, so a seeded run (`cnab simulate --seed`, the mutation tests) reproduces.
public struct SplitMix64: Sendable {
    /// The generator's state.
    public var state: UInt64

    /// Starts from a seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<n (0 when n <= 0).
    public mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// One of the items (not empty).
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// True `percent` times in 100.
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Usable wherever the standard library takes a generator (`Int.random(in:using:)`…), with the
/// same sequence for a seed.
extension SplitMix64: RandomNumberGenerator {}
