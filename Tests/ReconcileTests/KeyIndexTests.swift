import Records
import Testing

@testable import Reconcile

/// `KeyIndex` against `Dictionary` on the same keys: short keys held in the slots, long and
/// empty ones beside them, replacements, misses, and growth past the initial capacity.
@Suite struct KeyIndexTests {
    @Test func agreesWithADictionary() {
        var index = KeyIndex(capacity: 4)
        var reference: [String: (Int, Int)] = [:]
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("0123456789AB/-ÇÃ")
        var keys: [String] = ["", "0", "16-byte-key-0001", "17-byte-key-00001", "A\u{0}", "A"]
        for _ in 0..<3000 {
            let length = rng.below(22)
            keys.append(String((0..<length).map { _ in alphabet[rng.below(alphabet.count)] }))
        }
        for (n, key) in keys.enumerated() {
            let value = (n, n % 7)
            let old = index.updateValue(value, forKey: key)
            let expected = reference.updateValue(value, forKey: key)
            #expect(old?.0 == expected?.0 && old?.1 == expected?.1, "\(key)")
        }
        for key in keys + ["missing", "16-byte-key-0002", "17-byte-key-00002", "A\u{0}\u{0}"] {
            let found = index[key]
            let expected = reference[key]
            #expect(found?.0 == expected?.0 && found?.1 == expected?.1, "\(key)")
        }
        #expect(index["A"] != nil && index["A\u{0}"] != nil && index["A"]! != index["A\u{0}"]!)
    }
}

/// Keys are Swift strings, equal when canonically equivalent (as `Dictionary` finds them): a
/// key written composed (NFC, "Ç" one scalar) and decomposed (NFD, "C" + U+0327) is one key,
/// whether it fits a slot or not.
@Suite struct KeyIndexEquivalenceTests {
    @Test func canonicallyEquivalentKeysAreOneKey() {
        for (composed, decomposed) in [
            ("AÇÃO-1", "A\u{43}\u{327}\u{41}\u{303}O-1"),  // 8 bytes and 10: both in slots
            ("ÇÇÇÇÇÇÇ", String(repeating: "C\u{327}", count: 7)),  // 14 bytes and 21: a slot and the dictionary
        ] {
            #expect(composed == decomposed && composed.utf8.count != decomposed.utf8.count)
            var index = KeyIndex()
            var reference: [String: (Int, Int)] = [:]
            index.updateValue((1, 0), forKey: composed)
            reference.updateValue((1, 0), forKey: composed)
            let old = index.updateValue((2, 0), forKey: decomposed)
            let expected = reference.updateValue((2, 0), forKey: decomposed)
            #expect(old?.0 == expected?.0, "\(composed): replaced \(String(describing: old)), Dictionary \(String(describing: expected))")
            #expect(index[composed]?.0 == reference[composed]?.0, "\(composed)")
            #expect(index[decomposed]?.0 == reference[decomposed]?.0, "\(composed)")
        }
    }
}
