import Boleto
import Foundation

/// ASCII digits of a string.
func d(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A date from `YYYY-MM-DD` (tests only: crashes on a typo, which fails the test run).
func date(_ s: String) -> BoletoDate { BoletoDate(iso: s)! }

/// A seeded generator (SplitMix64), so property tests are repeatable.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(Int.random(in: 0...9, using: &self))) }) }
}
