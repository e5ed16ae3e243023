import Records
import Testing

@testable import Imports

/// The register of keys an import has taken rejects a key given again, with the line of its
/// first row, and only then: keys that merely share a hash are different keys.
@Suite struct KeyRegisterTests {
    func insert(_ register: KeyRegister, _ key: String, hash: UInt64, line: Int) -> Int? {
        Array(key.utf8).withUnsafeBufferPointer { register.insert(hash: hash, key: $0, line: line) }
    }

    @Test func keysSharingAHashAreDifferentKeys() {
        let register = KeyRegister()
        #expect(insert(register, "NF-1", hash: 42, line: 2) == nil)
        #expect(insert(register, "NF-2", hash: 42, line: 3) == nil, "another key, the same hash: not a repeat")
        #expect(insert(register, "NF-22", hash: 42, line: 4) == nil)
        #expect(insert(register, "NF-2", hash: 42, line: 5) == 3)
        #expect(insert(register, "NF-1", hash: 42, line: 6) == 2)
        #expect(insert(register, "NF-22", hash: 42, line: 7) == 4)
        // Hash 0 is the table's empty mark: such a key is kept as well.
        #expect(insert(register, "zero", hash: 0, line: 8) == nil)
        #expect(insert(register, "zero", hash: 0, line: 9) == 8)
    }

    /// Many keys, their hashes cut to a few bits (long runs of equal hashes, through the table's
    /// growth), against a dictionary.
    @Test func agreesWithADictionaryUnderCollisions() {
        var random = SplitMix64(seed: 3)
        for bits in [0, 3, 10, 64] {
            let register = KeyRegister()
            var first: [String: Int] = [:]
            for line in 1...20_000 {
                let key = "K\(random.below(8_000))" + (random.chance(5) ? "-ção" : "")
                let full = Array(key.utf8).withUnsafeBufferPointer { KeyRegister.hash($0) }
                let hash = bits == 64 ? full : full & ((1 << UInt64(bits)) - 1)
                let got = insert(register, key, hash: hash, line: line)
                #expect(got == first[key], "\(key) at line \(line), \(bits) bits")
                if first[key] == nil { first[key] = line }
            }
        }
    }
}
