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

/// `insertAll` and `lookUpAll` (keys taken in the table's order) against `updateValue` and the
/// subscript (keys taken one by one), in a table past 65,536 slots (so the sort by home takes
/// the top bits of larger homes), and their refusals: a key given twice, a key already there.
@Suite struct KeyIndexBulkTests {
    static func keys(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        var seen = Set<[UInt8]>()
        var keys: [[UInt8]] = []
        while keys.count < count {
            // Nosso números (digits, sequential in their last bytes) and document numbers.
            let key: [UInt8] =
                rng.below(2) == 0
                ? Array(String(rng.below(1_000_000) + 1).utf8)
                : Array("AC\(rng.below(100_000))/\(rng.below(12))".utf8)
            if seen.insert(key).inserted { keys.append(key) }
        }
        return keys
    }

    @Test func bulkInsertsAndLookUpsAgreeWithOneByOne() {
        let keys = Self.keys(40_000, seed: 11)
        var bulk = KeyIndex(capacity: 8)
        var single = KeyIndex(capacity: 8)
        // Some keys there before: both ways hold them.
        for (n, key) in keys.prefix(100).enumerated() {
            key.withUnsafeBufferPointer {
                bulk.updateValue((n, 1), forBytes: $0)
                single.updateValue((n, 1), forBytes: $0)
            }
        }
        var entries = keys.enumerated().dropFirst(100).map { n, key in key.withUnsafeBufferPointer { KeyIndex.entry($0, (n, 2))! } }
        let inserted = bulk.insertAll(&entries)
        #expect(inserted)
        for (n, key) in keys.enumerated().dropFirst(100) { key.withUnsafeBufferPointer { _ = single.updateValue((n, 2), forBytes: $0) } }
        let held = Set(keys)
        let missing = Self.keys(2_000, seed: 12).filter { !held.contains($0) }
        let probed = keys + missing
        var probes = probed.enumerated().map { n, key in key.withUnsafeBufferPointer { KeyIndex.probe($0, tag: n)! } }
        var found = [(Int, Int)?](repeating: nil, count: probed.count)
        var calls = 0
        bulk.lookUpAll(&probes) { tag, value in
            found[tag] = value
            calls += 1
        }
        #expect(calls == keys.count)
        for (n, key) in probed.enumerated() {
            let expected = key.withUnsafeBufferPointer { single[bytes: $0] }
            let inBulk = key.withUnsafeBufferPointer { bulk[bytes: $0] }
            #expect(found[n]?.0 == expected?.0 && found[n]?.1 == expected?.1, "\(String(decoding: key, as: UTF8.self))")
            #expect(inBulk?.0 == expected?.0 && inBulk?.1 == expected?.1)
        }
    }

    @Test func aKeyGivenTwiceOrAlreadyThereIsRefused() {
        let keys = Self.keys(1_000, seed: 13)
        var entries = keys.map { key in key.withUnsafeBufferPointer { KeyIndex.entry($0, (0, 0))! } }
        entries.append(entries[500])
        var index = KeyIndex()
        let twice = index.insertAll(&entries)
        #expect(!twice)
        var fresh = keys.map { key in key.withUnsafeBufferPointer { KeyIndex.entry($0, (0, 0))! } }
        var present = KeyIndex()
        keys[999].withUnsafeBufferPointer { _ = present.updateValue((1, 1), forBytes: $0) }
        let again = present.insertAll(&fresh)
        #expect(!again)
        // Keys no slot holds have no entry or probe: the caller takes them one by one.
        for key in ["", "17-byte-key-00001", "AÇÃO"] {
            Array(key.utf8).withUnsafeBufferPointer {
                #expect(KeyIndex.entry($0, (0, 0)) == nil && KeyIndex.probe($0, tag: 0) == nil, "\(key)")
            }
        }
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
