import Records
import Testing


@Suite("TextBytes.isValidUTF8")
struct UTF8ValidationTests {
    @Test(
        "well-formed UTF-8",
        arguments: [
            [], [0x41], [0x00], [0x7F], [0xC2, 0x80], [0xC3, 0xA9], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xE2, 0x82, 0xAC],
            [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98, 0x80],
            [0xF4, 0x8F, 0xBF, 0xBF], [0x4A, 0x4F, 0x53, 0xC3, 0x89, 0x20],
        ] as [[UInt8]])
    func valid(bytes: [UInt8]) {
        #expect(TextBytes.isValidUTF8(bytes))
    }

    @Test(
        "ill-formed UTF-8: overlongs, surrogates, out of range, stray and truncated sequences",
        arguments: [
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],  // overlong
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xED, 0xB0, 0x80],  // surrogates
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF7, 0xBF, 0xBF, 0xBF], [0xF8, 0x88, 0x80, 0x80, 0x80],  // > U+10FFFF
            [0xFE], [0xFF], [0x80], [0xBF], [0x41, 0x80, 0x41],  // stray bytes
            [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0x41, 0xC3], [0xE2],  // truncated
            [0xC3, 0x41], [0xE2, 0x28, 0xA1], [0xE2, 0x82, 0x41], [0xF0, 0x9F, 0x41, 0x80], [0xC3, 0xA9, 0xA9],  // bad continuation
            [0xE9], [0x4A, 0x4F, 0x53, 0xC9],  // Latin-1
        ] as [[UInt8]])
    func invalid(bytes: [UInt8]) {
        #expect(!TextBytes.isValidUTF8(bytes))
        // Also inside a longer run, and as a slice.
        let padded = Array("ab".utf8) + bytes + Array("cd".utf8)
        #expect(!TextBytes.isValidUTF8(padded[2...]))
    }

    @Test("agrees with the standard library on 50,000 random byte strings")
    func agreesWithStandardLibrary() {
        // Bytes chosen so that valid and invalid sequences are both common.
        let alphabet: [UInt8] = [
            0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
            0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ]
        var rng = SplitMix64(seed: 0x5452_4F43_4155_5446)
        var valid = 0
        for i in 0..<50_000 {
            let count = rng.below(7)
            let bytes = (0..<count).map { _ in alphabet[rng.below(alphabet.count)] }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            if expected { valid += 1 }
            #expect(TextBytes.isValidUTF8(bytes) == expected, "case \(i): \(hex(bytes))")
        }
        // The generator must exercise both answers for the comparison to mean something.
        #expect(valid > 1_000)
    }

    @Test("decoding: valid UTF-8 as UTF-8, anything else as Windows-1252")
    func decode() {
        #expect(TextBytes.decode(Array("São Paulo".utf8)) == "São Paulo")
        #expect(TextBytes.decode([0x53, 0xE3, 0x6F]) == "São")
        #expect(TextBytes.decode([0x93, 0x4F, 0x4B, 0x94]) == "\u{201C}OK\u{201D}")
        #expect(TextBytes.decode([]) == "")
        #expect(TextBytes.cp1252Scalar(0x80) == 0x20AC)
        #expect(TextBytes.cp1252Scalar(0x41) == 0x41)
        #expect(TextBytes.cp1252Scalar(0xE9) == 0xE9)
    }
}
