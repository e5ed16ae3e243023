import Records
import Testing

/// `Words` answers what a byte loop answers, on random bytes biased toward the interesting ones.
@Suite struct WordsTests {
    /// SplitMix64 (from TextBytesTests) biased toward the bytes the scans treat specially.
    struct Generator {
        var rng: SplitMix64
        init(state: UInt64) { rng = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { rng.next() }
        mutating func byte() -> UInt8 {
            let pool: [UInt8] = [0x20, 0x30, 0x39, 0x22, 0x5C, 0x7F, 0x80, 0x1F, 0x00, 0x41, 0x2F, 0x3A, 0xFF]
            let r = next()
            return r % 3 == 0 ? UInt8(truncatingIfNeeded: r >> 8) : pool[Int((r >> 8) % UInt64(pool.count))]
        }
    }

    @Test(arguments: [1, 2, 3])
    func agreesWithByteLoops(seed: UInt64) {
        var g = Generator(state: seed)
        for _ in 0..<20_000 {
            let n = Int(g.next() % 40)
            // Runs of one byte are common in bank files: make them common here too.
            let fill = g.byte()
            var bytes = (0..<n).map { _ in g.next() % 4 == 0 ? g.byte() : fill }
            if g.next() % 5 == 0 { bytes = bytes.map { _ in UInt8(48 + g.next() % 10) } }
            bytes.withUnsafeBufferPointer { buf in
                let p = buf.baseAddress ?? UnsafePointer(bitPattern: 8)!
                for byte: UInt8 in [0x20, 0x30] {
                    #expect(Words.all(p, n, equal: byte) == bytes.allSatisfy { $0 == byte }, "\(bytes)")
                    #expect(Words.leading(p, n, equal: byte) == (bytes.firstIndex { $0 != byte } ?? n), "\(bytes)")
                    #expect(Words.trailing(p, n, equal: byte) == n - ((bytes.lastIndex { $0 != byte }).map { $0 + 1 } ?? 0), "\(bytes)")
                }
                #expect(Words.allDigits(p, n) == bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }, "\(bytes)")
                let value = bytes.count <= 18 && Words.allDigits(p, n) ? bytes.reduce(0) { $0 * 10 + Int($1 - 48) } : nil
                if n <= 18 { #expect(Words.integer(p, n) == value, "\(bytes)") }
                // The word-at-a-time reading, with the field at every place in a padded buffer.
                if n <= 18 {
                    let padded = bytes + (0..<8).map { _ in g.byte() }
                    padded.withUnsafeBufferPointer { all in
                        #expect(Words.integer(all.baseAddress!, n, readable: all.count) == value, "\(bytes)")
                    }
                }
                let clean = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }
                #expect(Words.jsonClean(p, n) == clean, "\(bytes)")
                if n >= 8 {
                    // Per-byte masks of one word: exact for blanks and a given byte; for bytes
                    // not JSON-clean, exact as to whether any of the first k bytes is one.
                    let word = Words.word(p)
                    @inline(__always) func mask(_ test: (UInt8) -> Bool) -> UInt64 {
                        (0..<8).reduce(0) { test(bytes[$1]) ? $0 | 0x80 << UInt64(8 * $1) : $0 }
                    }
                    #expect(Words.blankBytes(word) == mask { $0 == 0x20 || $0 == 0 }, "\(bytes)")
                    #expect(Words.bytes(word, equal: 0x30) == mask { $0 == 0x30 }, "\(bytes)")
                    for k in 1...8 {
                        let low = UInt64.max >> UInt64(64 - 8 * k)
                        #expect((Words.dirtyBytes(word) & low == 0) == Words.jsonClean(p, k), "\(bytes)")
                    }
                }
            }
        }
    }
}
