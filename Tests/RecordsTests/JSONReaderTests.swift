import Foundation
import Records
import Testing

/// `JSONReader` accepts exactly what `JSONSerialization` accepts and reads the same values: on a
/// table of edge cases and on random mutations of JSON texts.
@Suite struct JSONReaderTests {
    /// Our parse, or nil when rejected.
    static func ours(_ bytes: [UInt8]) -> JSONValue? {
        var tape = JSONTape()
        guard bytes.withUnsafeBufferPointer({ JSONReader.parse($0, into: &tape) }) else { return nil }
        return tape.value(at: 0)
    }

    /// A canonical description of a value: ours…
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return describe(number: n.foundationValue!)
        case .string(let s): return "s\(Array(s.utf8))"
        case .array(let a): return "[" + a.map(describe).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.members.sorted { $0.key < $1.key }.map { "\(Array($0.key.utf8)):\(describe($0.value))" }.joined(separator: ",")
                + "}"
        }
    }

    static func describe(number n: NSNumber) -> String {
        "n(\(n is NSDecimalNumber ? "D" : "")\(n.int64Value),\(n.doubleValue.bitPattern),\(n.description))"
    }

    static let booleanType = ObjectIdentifier(type(of: NSNumber(value: true)))

    /// …and JSONSerialization's.
    static func describe(foundation value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let n as NSNumber where ObjectIdentifier(type(of: n)) == booleanType: return n.boolValue ? "true" : "false"
        case let n as NSNumber: return describe(number: n)
        case let s as String: return "s\(Array(s.utf8))"
        case let a as [Any]: return "[" + a.map { describe(foundation: $0) }.joined(separator: ",") + "]"
        case let d as [String: Any]:
            return "{"
                + d.sorted { $0.key < $1.key }.map { "\(Array($0.key.utf8)):\(describe(foundation: $0.value))" }.joined(separator: ",")
                + "}"
        default: return "?\(type(of: value))"
        }
    }

    static func agree(_ bytes: [UInt8]) -> (Bool, String) {
        let theirs = (try? JSONSerialization.jsonObject(with: Data(bytes))).map { describe(foundation: $0) }
        let mine = ours(bytes).map(describe)
        return (
            theirs == mine,
            "input \(bytes) \(String(decoding: bytes, as: UTF8.self).debugDescription): JSONSerialization \(theirs ?? "rejects"), ours \(mine ?? "rejects")"
        )
    }

    static let cases: [String] = [
        #"{"a":1,"a":2}"#, #"  {"a":1}  "#, "\t\n{\"a\":1}\r\n", #"{"a":1,}"#, #"{"a":[1,]}"#, #"{,"a":1}"#, #"{"a" 1}"#, #"{'a':1}"#,
        #"{"":1}"#, #"{"a":1} x"#, #"{"a":1}}"#, #"[1]"#, #""s""#, "1", "", " ", "{", "}", "[", #"{"a":tru}"#, #"{"a":True}"#,
        #"{"a":nul}"#, #"{"a":NaN}"#, #"{"a":-Infinity}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":"\ud800\u0041"}"#,
        #"{"a":"\ud83d\ude00"}"#, #"{"a":"\u00e9\u0000"}"#, #"{"a":"\/\b\f\n\r\t\"\\"}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#,
        #"{"a":"\u12G4"}"#, "{\"a\":\"\t\"}", "{\"a\":\"\u{7f}\"}", "{\"a\":\"\u{1f}\"}", "{\"a\":1,\u{a0}\"b\":2}",
        "{\"a\":1,\u{c}\"b\":2}",
        #"{"a":"\ufeffx"}"#, "{\"a\":\"\u{feff}x\"}", "{\"a\":\"\\n\u{feff}x\"}", "{\"\u{feff}\":1}", "{\"a\":\"\u{feff}\u{feff}x\"}",
        "\u{feff}{\"a\":1}", "\u{feff}\u{feff}{\"a\":1}", " \u{feff}{\"a\":1}", #"{"a":[1,{"b":[]}],"e":{}}"#, #"{"a":{"b":{"c":null}}}"#,
    ]
    static let numbers = [
        "0", "-0", "12", "12.0", "1e2", "1E2", "-0.0", "-0.0e0", "12345678901234567890", "18446744073709551615", "18446744073709551616",
        "-9223372036854775808", "-9223372036854775809", "9223372036854775807", "9223372036854775808", "1e400", "-1e400", "0.1", "1.5",
        "9007199254740993", "01", "-", "1.", ".5", "+1", "1e", "1e+", "12.5e-1", "123456789012345678901234567890", "0.30000000000000004",
        "1e-400", "2.5e0", "100e-2", "1.0000000000000000001", "-12.0", "1e19", "1e18", "12.50", "0e0", "00", "-01", "1.e2", "1.0e+2",
        "3.999999999999999999999", String(repeating: "9", count: 400), String(repeating: "9", count: 39), "1.5e308", "1e309",
        "123456789012345678.5e200", "123456789012345678.5e100", "1.0e99999999999999999999", "1.0e-99999999999999999999",
        "-1000000000000000000", "-999999999999999999", "999999999999999999", "1000000000000000000", "10000000000000000000",
        "100000000000000000000", "1.23456789012345678e1", "12345678901234567.0", "5e-324", "2e-324", "1e05", "1E+05", "-1e-5",
        "1.5.3", "1e5.3", "1ee5", "1e+-5", "0x10", "1_000",
    ]

    @Test("edge cases: accepted and read as JSONSerialization does", arguments: cases)
    func edges(text: String) {
        let (ok, message) = Self.agree(Array(text.utf8))
        #expect(ok, "\(message)")
    }

    @Test("numbers: the same accepted, the same NSNumber", arguments: numbers)
    func number(text: String) {
        for wrapped in ["{\"a\":\(text)}", "[\(text)]", "{\"a\":[\(text), \(text)]}", "{\"a\":\(text) }"] {
            let (ok, message) = Self.agree(Array(wrapped.utf8))
            #expect(ok, "\(message)")
        }
    }

    @Test("invalid UTF-8 in a string is rejected; valid multibyte text is kept")
    func utf8() {
        let bad: [[UInt8]] = [
            [0xC3], [0xE9, 0x78], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
        ]
        let good: [[UInt8]] = [
            [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 0x41],
            [0xF4, 0x8F, 0xBF, 0xBF],
        ]
        for bytes in bad + good {
            for input in [Array(#"{"a":""#.utf8) + bytes + Array(#""}"#.utf8), Array(#"{""#.utf8) + bytes + Array(#"":1}"#.utf8)] {
                let (ok, message) = Self.agree(input)
                #expect(ok, "\(message)")
            }
        }
    }

    @Test("UTF-16 and UTF-32 texts are found by their zero bytes or BOM, as JSONSerialization finds them")
    func otherEncodings() {
        let text = "{\"a\":\"é\",\"b\":[1,2]}"
        let le = Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be = Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let le32 = text.unicodeScalars.flatMap { s in (0..<4).map { UInt8((s.value >> (8 * UInt32($0))) & 0xFF) } }
        let be32 = text.unicodeScalars.flatMap { s in (0..<4).reversed().map { UInt8((s.value >> (8 * UInt32($0))) & 0xFF) } }
        for input in [
            le, be, [0xFF, 0xFE] + le, [0xFE, 0xFF] + be, le32, be32, [0xFF, 0xFE, 0, 0] + le32, [0, 0, 0xFE, 0xFF] + be32, le + [0x41],
            [0x7B, 0, 0x22, 0], [0x7B, 0x7D, 0], [0, 0x7B],
        ] {
            let (ok, message) = Self.agree(input)
            #expect(ok, "\(message)")
        }
    }

    /// Refused texts and the 0-based offset of their first bad byte (the text's length when it
    /// ends too soon); nil for a text that parses, or is not UTF-8.
    static let errorOffsets: [([UInt8], Int?)] = [
        (Array(#"{"a":1,"b":}"#.utf8), 11),
        (Array(#"{"a":1 "b":2}"#.utf8), 7),
        (Array(#"{a:1}"#.utf8), 1),
        (Array(#"{"a":nul}"#.utf8), 8),
        (Array(#"{"a":tr"#.utf8), 7),
        (Array(#"{"a":True}"#.utf8), 5),
        (Array(#"{"a":"x\qy"}"#.utf8), 8),
        (Array(#"{"a":"\u12G4"}"#.utf8), 10),
        (Array(#"{"a":"\uDC00"}"#.utf8), 6),
        (Array(#"{"a":"x\"#.utf8), 8),
        (Array(#"{"a":01}"#.utf8), 6),
        (Array(#"{"a":1e999}"#.utf8), 5),
        (Array(#"{"a":1} x"#.utf8), 8),
        (Array(#"{"a":[1,2}"#.utf8), 9),
        (Array(#"{"a":"unterminated}"#.utf8), 19),
        (Array(#""text""#.utf8), 0),
        (Array(#"{"a":"x"#.utf8) + [0x09] + Array(#"y"}"#.utf8), 7),
        (Array(#"{"a":""#.utf8) + [0xE9] + Array(#""}"#.utf8), 6),
        ([0xEF, 0xBB, 0xBF] + Array(#"{x}"#.utf8), 4),
        (Array(#"{"a":"\u12"#.utf8), 10),
        (Array(#"{"a":"\uD800\u0041"}"#.utf8), 12),
        (Array(#"{"a":"\uD800\"#.utf8), 13),
        (Array(#"{"a":1}"#.utf8), nil),
        (Array(#"[1, 2]"#.utf8), nil),
        (Array(#"{"a":1,}"#.utf8), nil),
        ([0x7B, 0, 0x22, 0], nil),
    ]

    @Test("errorOffset: the first bad byte of a refused text", arguments: errorOffsets)
    func errorOffset(bytes: [UInt8], offset: Int?) {
        let found = bytes.withUnsafeBufferPointer { JSONReader.errorOffset($0) }
        #expect(found == offset, "\(String(decoding: bytes, as: UTF8.self))")
        if !bytes.contains(0) { #expect((Self.ours(bytes) == nil) == (offset != nil)) }
    }

    @Test("nesting: 512 containers are read, 513 rejected; a deep bomb does not crash")
    func depth() {
        for depth in [1, 100, 511, 512, 513, 1000, 100_000] {
            let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
            let arrays = "{\"a\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
            for text in [objects, arrays] {
                let accepted = Self.ours(Array(text.utf8)) != nil
                #expect(accepted == ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil), "depth \(depth)")
                #expect(accepted == (text == arrays ? depth < 512 : depth <= 512), "depth \(depth)")
            }
        }
    }

    static let seeds: [String] = [
        #"{"record":"title","batch":1,"bank":"237","nosso_numero":"00000000110000000004","amount_cents":249916,"payer":{"name":"JOSÉ DA CONCEIÇÃO","address":{"street":"RUA SÃO JOÃO 1696","cep":"80420865"}},"interest":{"value":82,"rate":1.5},"reasons":[{"code":"AB"},"03"],"ok":true,"no":false,"none":null}"#,
        #"{"a":"\u00e9\ud83d\ude00\n\t\"\\\/","b":[1,-2,3.5e-2,[],{}],"c":{"d":{"e":[null,true]}},"f":-0,"g":123456789012345678901}"#,
        #"[1,2,{"a":"b"},"x\u0041",1e3]"#,
        "{\"k\u{e9}y\":\"v\u{e0}l\u{fc}e \u{1F600}\",\"\u{feff}z\":\"\u{feff}\"}",
    ]

    /// Bytes that make or break JSON.
    static let pool: [UInt8] =
        Array("{}[]\",:\\ u01-.eE+tfnl\t\n\r/".utf8) + [
            0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xEF, 0xBB, 0xBF, 0xED, 0xA0, 0xF4, 0xFF, 0x64, 0x38,
        ]

    @Test("random mutations of JSON texts: JSONSerialization and JSONReader agree", arguments: [1, 2, 3, 4])
    func differential(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var disagreements = 0
        for _ in 0..<15_000 {
            var bytes = Array(rng.pick(Self.seeds).utf8)
            for _ in 0..<(1 + rng.below(3)) {
                let at = rng.below(bytes.count + 1)
                switch rng.below(6) {
                case 0 where at < bytes.count: bytes[at] = rng.pick(Self.pool)
                case 1: bytes.insert(rng.pick(Self.pool), at: at)
                case 2 where at < bytes.count: bytes.remove(at: at)
                case 3:
                    let end = min(bytes.count, at + rng.below(12))
                    bytes.insert(contentsOf: Array(bytes[at..<end]), at: at)
                case 4: bytes = Array(bytes.prefix(at))
                default:
                    bytes.insert(
                        contentsOf: Array(rng.pick(["\\u", "\\ud83d", "\\ude00", "e+", ".0", "-0", "\u{feff}", "é", ",}", ",]"]).utf8),
                        at: at)
                }
            }
            let (ok, message) = Self.agree(bytes)
            if !ok {
                disagreements += 1
                if disagreements <= 5 { Issue.record("\(message)") }
            }
        }
        #expect(disagreements == 0)
    }

    @Test("a tape is reused line after line; values, members and trees agree")
    func reuse() {
        var tape = JSONTape()
        for text in [#"{"a":{"b":[1,2,{"c":"d"}]},"e":"f","a":3}"#, #"{"x":"yy"}"#, #"{"a":{"b":[1,2,{"c":"d"}]},"e":"f"}"#] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) })
        }
        #expect(tape[0].kind == .object && tape[0].count == 2)
        #expect(tape.member("e", of: 0).map(tape.string) == "f")
        let value = tape.value(at: 0)
        var again = JSONTape()
        again.append(value)
        #expect(again.value(at: 0) == value)
        var bytes: [UInt8] = []
        value.write(to: &bytes)
        #expect(JSONValue(parsing: bytes) == value)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"a":{"b":[1,2,{"c":"d"}]},"e":"f"}"#)
    }

    @Test("editing an object on the tape is setting its keys on a JSONObject", arguments: [1, 2])
    func editing(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let keys = ["a", "b", "code", "record", "source", "x.y", ""]
        let values: [JSONValue] = [
            .null, .bool(true), .number(JSONNumber(7)), .string("é\n"), .array([.string("z")]),
            .object(JSONObject(["k": .number(JSONNumber(literal: "1.5"))])),
        ]
        for _ in 0..<500 {
            var text = "{"
            for k in 0..<rng.below(6) {
                var member: [UInt8] = []
                JSONBytes.appendString(rng.pick(keys), to: &member)
                member.append(UInt8(ascii: ":"))
                rng.pick(values).write(to: &member)
                text += (k > 0 ? "," : "") + String(decoding: member, as: UTF8.self)
            }
            text += "}"
            var tape = JSONTape()
            #expect(Array(text.utf8).withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) }, "\(text)")
            let changes: [(key: String, value: JSONValue?)] = (0..<rng.below(4)).map { _ in
                (rng.pick(keys), rng.chance(30) ? nil : rng.pick(values))
            }
            var unique: [(key: String, value: JSONValue?)] = []
            for c in changes where !unique.contains(where: { $0.key == c.key }) { unique.append(c) }
            var expected = tape.value(at: 0).object!
            for c in unique { expected[c.key] = c.value }
            var edited = JSONTape()
            tape.object(at: 0, changing: unique, into: &edited)
            #expect(edited.value(at: 0) == .object(expected), "\(text) \(unique)")
        }
    }
}
