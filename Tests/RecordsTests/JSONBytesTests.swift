import Foundation
import Records
import Testing

/// Parses one JSON value (a string, here) the way a downstream consumer would.
func parsedJSONString(_ bytes: [UInt8]) throws -> String {
    let value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    return try #require(value as? String, "not a JSON string: \(String(decoding: bytes, as: UTF8.self))")
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
}

@Suite("JSONBytes")
struct JSONBytesTests {
    @Test(
        "strings are escaped and parse back to themselves",
        arguments: [
            ("plain", #""plain""#),
            ("say \"hi\"", #""say \"hi\"""#),
            (#"C:\dir"#, #""C:\\dir""#),
            ("a\nb\rc\td", #""a\nb\rc\td""#),
            ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
            ("del\u{7F}", #""del\u007f""#),
            ("/slash", #""/slash""#),
            ("JOSÉ D'ÁVILA €", "\"JOSÉ D'ÁVILA €\""),
            ("", #""""#),
            // Longer than a word: copied in one go when clean, escaped when a byte past the
            // first eight needs it.
            ("PAGADOR 000123 DA SILVA RIBEIRO", #""PAGADOR 000123 DA SILVA RIBEIRO""#),
            ("RUA SAO JOAO 1696 \"FUNDOS\"", #""RUA SAO JOAO 1696 \"FUNDOS\"""#),
            ("LINHA UM DOIS\u{7F}", #""LINHA UM DOIS\u007f""#),
        ])
    func appendString(text: String, expectedJSON: String) throws {
        var out: [UInt8] = []
        JSONBytes.appendString(text, to: &out)
        #expect(out == Array(expectedJSON.utf8))
        #expect(try parsedJSONString(out) == text)
    }

    @Test("every control character is escaped")
    func allControls() throws {
        for b in UInt8(0)..<0x20 {
            var out: [UInt8] = []
            JSONBytes.appendText([b], to: &out)
            #expect(!out.dropFirst().dropLast().contains { $0 < 0x20 }, "byte \(b) left raw: \(hex(out))")
            #expect(try parsedJSONString(out) == String(UnicodeScalar(b)), "byte \(b)")
        }
    }

    /// Windows-1252's 0x80-0x9F, written out from the code page (undefined bytes map to C1 controls).
    static let cp1252: [(UInt8, String)] = [
        (0x80, "€"), (0x81, "\u{81}"), (0x82, "‚"), (0x83, "ƒ"), (0x84, "„"), (0x85, "…"), (0x86, "†"), (0x87, "‡"),
        (0x88, "ˆ"), (0x89, "‰"), (0x8A, "Š"), (0x8B, "‹"), (0x8C, "Œ"), (0x8D, "\u{8D}"), (0x8E, "Ž"), (0x8F, "\u{8F}"),
        (0x90, "\u{90}"), (0x91, "\u{2018}"), (0x92, "\u{2019}"), (0x93, "\u{201C}"), (0x94, "\u{201D}"), (0x95, "•"),
        (0x96, "–"), (0x97, "—"), (0x98, "˜"), (0x99, "™"), (0x9A, "š"), (0x9B, "›"), (0x9C, "œ"), (0x9D, "\u{9D}"),
        (0x9E, "ž"), (0x9F, "Ÿ"),
    ]

    @Test("Windows-1252 bytes 0x80-0x9F become their characters", arguments: cp1252)
    func cp1252High(byte: UInt8, expected: String) throws {
        var out: [UInt8] = []
        JSONBytes.appendText([UInt8(ascii: "A"), byte], to: &out)
        #expect(try parsedJSONString(out) == "A" + expected)
        #expect(TextBytes.decode([UInt8(ascii: "A"), byte]) == "A" + expected)
    }

    @Test("Latin-1 bytes 0xA0-0xFF become the same code points")
    func latin1High() throws {
        for b in UInt8(0xA0)...0xFF {
            var out: [UInt8] = []
            JSONBytes.appendText([b, UInt8(ascii: "x")], to: &out)
            #expect(try parsedJSONString(out) == String(UnicodeScalar(b)) + "x", "byte \(b)")
        }
    }

    @Test(
        "text from bank files: ASCII, UTF-8 and Windows-1252",
        arguments: [
            ([0x4A, 0x4F, 0x53, 0xC9], "JOSÉ"),  // Latin-1 É
            ([0x63, 0x61, 0x66, 0xE9], "café"),  // Latin-1 é
            ([0x4A, 0x4F, 0x53, 0xC3, 0x89], "JOSÉ"),  // UTF-8 É
            ([0xE2, 0x82, 0xAC, 0x20, 0x31], "€ 1"),  // UTF-8 €
            ([0xF0, 0x9F, 0x98, 0x80], "😀"),  // UTF-8, 4 bytes
            ([0xE9, 0xC3, 0xA9], "éÃ©"),  // not UTF-8 as a whole: every byte is CP1252
            ([0xC3, 0xA9, 0xE9], "Ã©é"),
            ([0x80, 0x31, 0x30], "€10"),
            ([0x22, 0x5C, 0xE9, 0x0A], "\"\\é\n"),  // escapes still apply on the CP1252 path
            ([0x22, 0x5C, 0xC3, 0xA9, 0x09], "\"\\é\t"),  // and on the UTF-8 path
            ([0xED, 0xA0, 0x80], "í\u{A0}€"),  // a surrogate is not UTF-8
            ([0xC0, 0x80], "À€"),  // nor is an overlong NUL
            ([], ""),
        ] as [([UInt8], String)])
    func appendText(bytes: [UInt8], expected: String) throws {
        var out: [UInt8] = []
        JSONBytes.appendText(bytes, to: &out)
        #expect(try parsedJSONString(out) == expected, "\(hex(bytes)) → \(hex(out))")
        #expect(TextBytes.decode(bytes) == expected)
    }

    @Test("valid UTF-8 is copied byte for byte")
    func utf8PassesThrough() {
        let text = "Ação — São Paulo ½ ✓ 😀"
        var out: [UInt8] = []
        JSONBytes.appendText(Array(text.utf8), to: &out)
        #expect(out == [0x22] + Array(text.utf8) + [0x22])
    }

    @Test(
        "integers",
        arguments: [
            (0, "0"), (7, "7"), (-7, "-7"), (1000, "1000"), (Int.max, "9223372036854775807"), (Int.min, "-9223372036854775808"),
        ])
    func appendInt(value: Int, expected: String) {
        var out: [UInt8] = [UInt8(ascii: ":")]
        JSONBytes.appendInt(value, to: &out)
        #expect(out == Array((":" + expected).utf8))
    }

    /// Every width and both parities of digit count, at the edges of each power of ten and
    /// at random, as `String(_:)` writes them.
    @Test func integersAsStringWritesThem() {
        var values: [Int] = [0, Int.max, Int.min, Int.min + 1, -1, 1, 9, 10, 11, 99, 100, 101]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power, -(power - 1)]
        }
        var rng = SplitMix64(seed: 99)
        for _ in 0..<2_000 { values.append(Int(truncatingIfNeeded: rng.next()) >> rng.below(63)) }
        // Into an array (the generic path) and into a ByteBuffer (its own), after a prefix.
        for v in values {
            var buffer = ByteBuffer(capacity: 64)
            defer { buffer.deallocate() }
            var out: [UInt8] = []
            JSONBytes.appendInt(v, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(v), "\(v)")
            // At the end of a full buffer now and then, so that it grows for the digits.
            let prefix = String(repeating: ":", count: v % 3 == 0 ? buffer.capacity - 1 : 1)
            buffer.append(Array(prefix.utf8))
            JSONBytes.appendInt(v, to: &buffer)
            #expect(String(decoding: buffer.bytes, as: UTF8.self) == prefix + String(v), "\(v)")
        }
    }

    @Test("an object writer keeps keys in order and writes valid JSON")
    func objectWriter() throws {
        var w = JSONObjectWriter()
        w.string("record", "title")
        w.int("amount_cents", -150)
        w.bool("ok", true)
        w.bool("late", false)
        w.latin1("name", [0x4A, 0x4F, 0x53, 0xC9][...])
        w.raw("payer", json: Array(#"{"name":"Ana"}"#.utf8))
        let bytes = w.finish()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text == #"{"record":"title","amount_cents":-150,"ok":true,"late":false,"name":"JOSÉ","payer":{"name":"Ana"}}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["amount_cents"] as? Int == -150)
        var empty = JSONObjectWriter()
        #expect(empty.finish() == Array("{}".utf8))
    }
}
