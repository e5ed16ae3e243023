import Foundation
import Records
import Testing

@testable import FixedWidth

@Suite("OutputSchema")
struct OutputSchemaTests {
    /// 30-byte records: `A` carries a payer with a nested address (CEP in two fields), `B` a second source of the name.
    static let layout: CompiledLayout = {
        let a = recordJSON(
            "a", select: "A",
            fields: [
                fieldJSON("tipo", 1, 1, "X(1)", #""to": "_record_type""#),
                fieldJSON("nome", 2, 6, "X(5)", #""to": "payer.name""#),
                fieldJSON("cep", 7, 11, "9(5)", #""to": "payer.address.cep""#),
                fieldJSON("sufixo_cep", 12, 14, "9(3)", #""to": "payer.address.cep""#),
                fieldJSON("cidade", 15, 19, "X(5)", #""to": "payer.address.city""#),
                fieldJSON("valor", 20, 24, "9(3)V99", #""to": "amount_cents""#),
                fieldJSON("sequencial", 25, 27, "9(3)", #""format": "int", "to": "_sequence""#),
                fieldJSON("filler_028", 28, 30, "X(3)"),
            ])
        let b = recordJSON(
            "b", select: "B",
            fields: [
                fieldJSON("tipo", 1, 1, "X(1)"),
                fieldJSON("nome", 2, 6, "X(5)", #""to": "payer.name""#),
                fieldJSON("codigo", 7, 8, "9(2)", #""to": "code""#),
                fieldJSON("filler_009", 9, 30, "X(22)"),
            ])
        let lib = library(source("t/schema", layoutJSON("t/schema", length: 30, records: [a, b])))
        return try! CompiledLayout(try! lib.layout(named: "t/schema"))
    }()

    /// Emits the segments (30-byte lines, in order) as `{"record":"x"…}` and returns the text.
    func emit(_ lines: [(record: Int, text: String)], records: [Int]? = nil) throws -> String {
        let schema = OutputSchema(layout: Self.layout, records: records)
        var store: [UInt8] = []
        var segments: [SegmentRef] = []
        for (i, line) in lines.enumerated() {
            #expect(line.text.utf8.count == 30, "test line \(i) is \(line.text.utf8.count) bytes")
            segments.append(SegmentRef(record: line.record, offset: store.count, line: i + 1))
            store.append(contentsOf: line.text.utf8)
        }
        var out = Array(#"{"record":"x""#.utf8)
        store.withUnsafeBufferPointer { schema.emit(segments, store: $0, into: &out) }
        out.append(UInt8(ascii: "}"))
        let text = String(decoding: out, as: UTF8.self)
        #expect((try? JSONSerialization.jsonObject(with: Data(out))) != nil, "not valid JSON: \(text)")
        return text
    }

    /// A 30-byte line of blanks with `text` placed at 1-based positions.
    static func line(_ parts: [(Int, String)]) -> String {
        var bytes = [UInt8](repeating: 0x20, count: 30)
        for (position, text) in parts {
            for (k, b) in text.utf8.enumerated() { bytes[position - 1 + k] = b }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(
        "dotted paths nest, keys keep their first appearance, same-path fields concatenate, structural names stay out",
        arguments: [
            (
                line([(1, "AANA"), (7, "12345678RIO"), (20, "00150001")]),
                #"{"record":"x","payer":{"name":"ANA","address":{"cep":"12345678","city":"RIO"}},"amount_cents":150}"#
            ),
            // Empty objects are left out, at every level.
            (line([(1, "A"), (20, "00150001")]), #"{"record":"x","amount_cents":150}"#),
            (line([(1, "AANA"), (25, "001")]), #"{"record":"x","payer":{"name":"ANA"}}"#),
            (
                line([(1, "A"), (7, "12345"), (15, "RIO"), (25, "001")]),
                #"{"record":"x","payer":{"address":{"cep":"12345","city":"RIO"}}}"#
            ),
            (line([(1, "A"), (15, "RIO"), (25, "001")]), #"{"record":"x","payer":{"address":{"city":"RIO"}}}"#),
            (line([(1, "A"), (25, "001")]), #"{"record":"x"}"#),
            (line([(1, "A"), (7, "01234000"), (29, "XX")]), #"{"record":"x","payer":{"address":{"cep":"01234000"}}}"#),
        ])
    func oneRecord(line: String, expected: String) throws {
        #expect(try emit([(0, line)], records: [0]) == expected)
    }

    @Test("a path's value comes from the first segment that has one")
    func firstSegmentWins() throws {
        let a = Self.line([(1, "A"), (20, "00150001")])
        let aNamed = Self.line([(1, "AANA"), (20, "00150001")])
        let b = Self.line([(1, "BBOB  07")])
        #expect(try emit([(0, a), (1, b)]) == #"{"record":"x","payer":{"name":"BOB"},"amount_cents":150,"code":"07"}"#)
        #expect(try emit([(0, aNamed), (1, b)]) == #"{"record":"x","payer":{"name":"ANA"},"amount_cents":150,"code":"07"}"#)
        #expect(
            try emit([(1, b), (0, aNamed)]) == #"{"record":"x","payer":{"name":"ANA"},"amount_cents":150,"code":"07"}"#,
            "sources are tried in layout order, not segment order")
        // A schema of record B alone knows nothing of A's fields.
        #expect(try emit([(1, b)], records: [1]) == #"{"record":"x","payer":{"name":"BOB"},"code":"07"}"#)
    }

    /// Plain fields through a shape's program against the general path,
    /// `CompiledField.appendJSON`: 3,000 random records of digits, letters, blanks, NULs,
    /// quotes, control and non-ASCII bytes. Every width the emitter reads in its own way (one
    /// byte, one word, one word ending at the record's end, several words) writes what the
    /// general path writes. (Compared as bytes: a number field holding letters, which the reader rejects
    /// before writing, is written as it is by both, not as JSON.)
    @Test func plainFieldsAsTheGeneralPathWritesThem() throws {
        let fields = [
            fieldJSON("tipo", 1, 1, "X(1)"),
            fieldJSON("t1", 2, 2, "X(1)", #""to": "t1""#),
            fieldJSON("d3", 3, 5, "9(3)", #""to": "d3""#),
            fieldJSON("t8", 6, 13, "X(8)", #""to": "t8""#),
            fieldJSON("d8", 14, 21, "9(8)", #""to": "d8""#),
            fieldJSON("t10", 22, 31, "X(10)", #""to": "t10""#),
            fieldJSON("n5", 32, 36, "9(3)V99", #""to": "n5""#),
            fieldJSON("d2", 37, 38, "9(2)", #""to": "d2""#),
            fieldJSON("a15", 39, 53, "9(13)V99", #""to": "a15""#),
            fieldJSON("a9", 54, 62, "9(7)V99", #""to": "a9""#),
            fieldJSON("t2", 63, 64, "X(2)", #""to": "t2""#),
            fieldJSON("d1", 65, 65, "9(1)", #""to": "d1""#),
        ]
        let lib = library(source("t/plain", layoutJSON("t/plain", length: 65, records: [recordJSON("d", fields: fields)])))
        let layout = try CompiledLayout(try lib.layout(named: "t/plain"))
        let schema = OutputSchema(layout: layout, records: [0])
        var rng = SplitMix64(seed: 0x504C_4149_4E)
        let alphabet: [UInt8] = [0x30, 0x30, 0x30, 0x31, 0x39, 0x41, 0x20, 0x20, 0x20, 0x00, 0x22, 0x5C, 0x7F, 0x1F, 0x80, 0xC3, 0xA9]
        for i in 0..<3_000 {
            var bytes = [UInt8(ascii: "D")]
            // Runs of one byte (blank or zero fields) are as common as mixed ones.
            let fill = alphabet[rng.below(alphabet.count)]
            for _ in 1..<65 { bytes.append(i % 3 == 0 && rng.below(4) > 0 ? fill : alphabet[rng.below(alphabet.count)]) }
            if i % 3 == 1 {
                // Amounts as banks write them: zeros, then a few digits (or blanks, or anything).
                for k in 38..<62 where k - 38 < 10 + rng.below(6) || k >= 53 && k - 53 < 3 + rng.below(6) { bytes[k] = 0x30 }
            }
            var expected = Array(#"{"record":"x""#.utf8)
            for name in ["t1", "d3", "t8", "d8", "t10", "n5", "d2", "a15", "a9", "t2", "d1"] {
                var value: [UInt8] = []
                let field = try layout.field(name)
                if bytes.withUnsafeBufferPointer({ field.appendJSON($0, to: &value, reasons: nil) }) {
                    expected += Array(#","\#(name)":"#.utf8) + value
                }
            }
            expected.append(UInt8(ascii: "}"))
            var out = Array(#"{"record":"x""#.utf8)
            bytes.withUnsafeBufferPointer {
                schema.emit([SegmentRef(record: 0, offset: 0, line: 1)], store: $0, into: &out, reasons: nil)
            }
            out.append(UInt8(ascii: "}"))
            #expect(out == expected, "record \(bytes)")
        }
    }

    /// Enum and reason fields through a shape's program (its own copy of the enum tables, its
    /// exit for reasons all blank or zeros) against the general path, `CompiledField.appendJSON`:
    /// 3,000 random records of digits, letters, blanks, NULs and quotes, with and without a
    /// reason table.
    @Test func codedFieldsAsTheGeneralPathWritesThem() throws {
        let fields = [
            fieldJSON("tipo", 1, 1, "X(1)"),
            fieldJSON("e2", 2, 3, "X(2)", #""format": "enum", "enum": { "AB": "ab", "A1": "a1", "0 ": "zero-blank" }, "to": "e2""#),
            fieldJSON("e1", 4, 4, "9(1)", #""format": "enum", "enum": { "1": "cpf", "2": "cnpj" }, "to": "e1""#),
            fieldJSON("r2", 5, 10, "X(6)", #""format": "reasons", "to": "r2""#),
            fieldJSON("r3", 11, 19, "X(9)", #""format": "reasons3", "to": "r3""#),
            fieldJSON("r4", 20, 23, "X(4)", #""format": "reasons4", "to": "r4""#),
            fieldJSON("filler_024", 24, 24, "X(1)"),
        ]
        let lib = library(source("t/coded", layoutJSON("t/coded", length: 24, records: [recordJSON("d", fields: fields)])))
        let layout = try CompiledLayout(try lib.layout(named: "t/coded"))
        let schema = OutputSchema(layout: layout, records: [0])
        let texts = ["03": "três", "A1": "a um", "001": "um", "9999": "nove"]
        var rng = SplitMix64(seed: 0x434F_4445_44)
        let alphabet: [UInt8] = [0x30, 0x30, 0x30, 0x31, 0x32, 0x33, 0x39, 0x41, 0x42, 0x20, 0x20, 0x00, 0x22]
        for i in 0..<3_000 {
            var bytes = [UInt8(ascii: "D")]
            for _ in 1..<24 { bytes.append(alphabet[rng.below(alphabet.count)]) }
            let reasons = i % 2 == 0 ? texts : nil
            var expected = #"{"record":"x""#
            for name in ["e2", "e1", "r2", "r3", "r4"] {
                if let value = try layout.field(name).jsonValue(in: bytes, reasons: reasons) { expected += #","\#(name)":"# + value }
            }
            expected += "}"
            var out = Array(#"{"record":"x""#.utf8)
            bytes.withUnsafeBufferPointer {
                schema.emit([SegmentRef(record: 0, offset: 0, line: 1)], store: $0, into: &out, reasons: reasons.map { ReasonTexts($0) })
            }
            out.append(UInt8(ascii: "}"))
            #expect(String(decoding: out, as: UTF8.self) == expected, "record \(bytes)")
        }
    }
}
