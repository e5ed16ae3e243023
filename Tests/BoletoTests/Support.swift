import Records
import Boleto
import Foundation

/// ASCII digits of a string.
func d(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A date from `YYYY-MM-DD` (tests only: crashes on a typo, which fails the test run).
func date(_ s: String) -> BoletoDate { BoletoDate(iso: s)! }

/// A seeded generator, so property tests are repeatable.
typealias Seeded = SplitMix64

extension SplitMix64 {
    mutating func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(Int.random(in: 0...9, using: &self))) }) }
}
