import Foundation
import Records
import Testing

@testable import FixedWidth

/// One row of a field table: the field's bytes, the JSON value expected (nil: absent), and the
/// problem kind expected (nil: none). The value is only checked when there is no problem, as the
/// reader never emits a field that has one.
struct FieldCase: Sendable, CustomTestStringConvertible {
    var input: [UInt8]
    var json: String?
    var problem: String?
    init(_ input: String, _ json: String?, problem: String? = nil) {
        self.input = latin1(input)
        self.json = json
        self.problem = problem
    }
    var testDescription: String {
        "\(String(reflecting: String(decoding: input, as: UTF8.self))) → \(json ?? problem.map { "problem \($0)" } ?? "absent")"
    }
}

/// Checks one row with the field placed after a 2-byte prefix, so offsets matter.
func check(_ picture: String, _ extra: String, _ row: FieldCase) throws {
    let n = row.input.count
    let layout = try compiledRecord(length: n + 2, [fieldJSON("pre", 1, 2, "X(2)"), fieldJSON("campo", 3, n + 2, picture, extra)])
    let field = try layout.field("campo")
    let line = Array("@@".utf8) + row.input
    let problem = field.problem(in: line)
    #expect(problem?.kind == row.problem, "\(problem?.message ?? "no problem")")
    if row.problem == nil {
        #expect(try field.jsonValue(in: line) == row.json)
    }
}

@Suite("CompiledField values and problems")
struct FieldValueTests {
    @Test(
        "X(n) is text with blanks trimmed",
        arguments: [
            FieldCase("ANA MARIA ", #""ANA MARIA""#),
            FieldCase("  ANA     ", #""ANA""#),
            FieldCase("          ", nil),
            FieldCase("\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}", nil),
            FieldCase("JOS\u{C9}      ", #""JOSÉ""#),
            FieldCase("JOS\u{C3}\u{89}     ", #""JOSÉ""#),
            FieldCase("SAY \"HI\"  ", #""SAY \"HI\"""#),
            FieldCase("A\\B\tC     ", #""A\\B\tC""#),
            FieldCase("0000000000", #""0000000000""#),
        ])
    func text(row: FieldCase) throws { try check("X(10)", "", row) }

    @Test(
        "9(n) is a string of digits that keeps its leading zeros",
        arguments: [
            FieldCase("00123", #""00123""#),
            FieldCase("98765", #""98765""#),
            FieldCase("     ", nil),
            FieldCase("12a45", nil, problem: "numeric"),
            FieldCase(" 1234", nil, problem: "numeric"),
            FieldCase("1234 ", nil, problem: "numeric"),
            FieldCase("-1234", nil, problem: "numeric"),
            FieldCase("1234\u{B9}", nil, problem: "numeric"),
        ])
    func digits(row: FieldCase) throws { try check("9(5)", "", row) }

    @Test(
        "9(n)V9(m) is an integer count of the last decimal's units",
        arguments: [
            FieldCase("0012345", "12345"),
            FieldCase("0000005", "5"),
            FieldCase("0000000", "0"),
            FieldCase("9999999", "9999999"),
            FieldCase("       ", nil),
            FieldCase("00012 5", nil, problem: "numeric"),
            FieldCase("000123,", nil, problem: "numeric"),
            FieldCase("+000123", nil, problem: "numeric"),
        ])
    func units(row: FieldCase) throws {
        try check("9(5)V99", "", row)
        try check("9(5)V9(2)", "", row)
    }

    @Test(
        "format int is a JSON integer",
        arguments: [
            FieldCase("000042", "42"),
            FieldCase("000000", "0"),
            FieldCase("100000", "100000"),
            FieldCase("      ", nil),
            FieldCase("00004X", nil, problem: "numeric"),
            FieldCase("\u{0}00042", nil, problem: "numeric"),
        ])
    func int(row: FieldCase) throws { try check("9(6)", #""format": "int""#, row) }

    @Test(
        "ddMMyyyy dates",
        arguments: [
            FieldCase("28022026", #""2026-02-28""#),
            FieldCase("29022024", #""2024-02-29""#),
            FieldCase("29022000", #""2000-02-29""#),
            FieldCase("01012000", #""2000-01-01""#),
            FieldCase("31122099", #""2099-12-31""#),
            FieldCase("00000000", nil),
            FieldCase("        ", nil),
            FieldCase("31022026", nil, problem: "date"),
            FieldCase("29022025", nil, problem: "date"),
            FieldCase("29021900", nil, problem: "date"),
            FieldCase("00012026", nil, problem: "date"),
            FieldCase("01002026", nil, problem: "date"),
            FieldCase("01132026", nil, problem: "date"),
            FieldCase("2802202X", nil, problem: "date"),
            FieldCase("2802 026", nil, problem: "date"),
            FieldCase("01010000", nil, problem: "date"),
        ])
    func ddMMyyyy(row: FieldCase) throws { try check("9(8)", #""format": "ddMMyyyy""#, row) }

    @Test(
        "ddMMyy dates: 00-69 are 20xx, 70-99 are 19xx",
        arguments: [
            FieldCase("280226", #""2026-02-28""#),
            FieldCase("311269", #""2069-12-31""#),
            FieldCase("010170", #""1970-01-01""#),
            FieldCase("311299", #""1999-12-31""#),
            FieldCase("290200", #""2000-02-29""#),
            FieldCase("000000", nil),
            FieldCase("      ", nil),
            FieldCase("290201", nil, problem: "date"),
            FieldCase("310426", nil, problem: "date"),
            FieldCase("3104 6", nil, problem: "date"),
        ])
    func ddMMyy(row: FieldCase) throws { try check("9(6)", #""format": "ddMMyy""#, row) }

    @Test(
        "yyyyMMdd dates",
        arguments: [
            FieldCase("20260228", #""2026-02-28""#),
            FieldCase("20240229", #""2024-02-29""#),
            FieldCase("00000000", nil),
            FieldCase("        ", nil),
            FieldCase("20250229", nil, problem: "date"),
            FieldCase("20261301", nil, problem: "date"),
            FieldCase("28022026", nil, problem: "date"),
        ])
    func yyyyMMdd(row: FieldCase) throws { try check("9(8)", #""format": "yyyyMMdd""#, row) }

    @Test(
        "HHmmss times",
        arguments: [
            FieldCase("235959", #""23:59:59""#),
            FieldCase("000000", #""00:00:00""#),
            FieldCase("120000", #""12:00:00""#),
            FieldCase("      ", nil),
            FieldCase("256000", nil, problem: "time"),
            FieldCase("240000", nil, problem: "time"),
            FieldCase("126000", nil, problem: "time"),
            FieldCase("120060", nil, problem: "time"),
            FieldCase("12 000", nil, problem: "time"),
            FieldCase("12:00:", nil, problem: "time"),
        ])
    func hhmmss(row: FieldCase) throws { try check("9(6)", #""format": "HHmmss""#, row) }

    @Test(
        "reasons are 2-byte codes; blank and 00 pairs are skipped",
        arguments: [
            FieldCase("0308  ", #"[{"code":"03"},{"code":"08"}]"#),
            FieldCase("00  14", #"[{"code":"14"}]"#),
            FieldCase("A1B2C3", #"[{"code":"A1"},{"code":"B2"},{"code":"C3"}]"#),
            FieldCase("000000", nil),
            FieldCase("      ", nil),
            FieldCase("\"\\    ", #"[{"code":"\"\\"}]"#),
        ])
    func reasons(row: FieldCase) throws { try check("X(6)", #""format": "reasons""#, row) }

    @Test("reason codes get their text when a table names them")
    func reasonText() throws {
        let layout = try compiledRecord(length: 6, [fieldJSON("motivos", 1, 6, "X(6)", #""format": "reasons""#)])
        let field = try layout.field("motivos")
        let table = ["03": "CEP inválido", "08": #"Nosso "número""#]
        let json = try field.jsonValue(in: Array("030899".utf8), reasons: table)
        #expect(json == #"[{"code":"03","text":"CEP inválido"},{"code":"08","text":"Nosso \"número\""},{"code":"99"}]"#)
    }

    @Test(
        "reasons3 and reasons4 read codes of 3 and 4 bytes; blank and all-zero codes are skipped",
        arguments: [
            ("reasons3", "X(9)", "001045   ", #"[{"code":"001"},{"code":"045"}]"#),
            ("reasons3", "X(9)", "000  7123", #"[{"code":"  7"},{"code":"123"}]"#),
            ("reasons3", "X(9)", "000000000", nil),
            ("reasons4", "X(8)", "90019999", #"[{"code":"9001"},{"code":"9999"}]"#),
            ("reasons4", "X(8)", "0000    ", nil),
        ])
    func widerReasons(format: String, picture: String, line: String, expected: String?) throws {
        let layout = try compiledRecord(length: line.utf8.count, [fieldJSON("motivos", 1, line.utf8.count, picture, "\"format\": \"\(format)\"")])
        #expect(try layout.field("motivos").jsonValue(in: Array(line.utf8)) == expected)
    }

    @Test("a wider code gets its text from a table of its width; a code of another width is not the same code")
    func widerReasonText() throws {
        let layout = try compiledRecord(length: 6, [fieldJSON("motivos", 1, 6, "X(6)", #""format": "reasons3""#)])
        let table = ["001": "Agência inválida", "01": "not this one", "045": "CEP inválido"]
        let json = try layout.field("motivos").jsonValue(in: Array("001002".utf8), reasons: table)
        #expect(json == #"[{"code":"001","text":"Agência inválida"},{"code":"002"}]"#)
    }

    @Test(
        "enum values map to names; unknown values stay raw",
        arguments: [
            FieldCase("1", #""cpf""#),
            FieldCase("2", #""cnpj""#),
            FieldCase("7", #""7""#),
            FieldCase("\"", #""\"""#),
            FieldCase(" ", nil),
        ])
    func enumeration(row: FieldCase) throws {
        try check("9(1)", #""format": "enum", "enum": { "1": "cpf", "2": "cnpj" }"#, row)
    }

    @Test(
        "two-byte enum codes compare whole",
        arguments: [
            FieldCase("AB", #""ab""#),
            FieldCase("A ", #""A""#),
            FieldCase(" B", #""B""#),
            FieldCase("BA", #""BA""#),
        ])
    func enumerationTwoBytes(row: FieldCase) throws {
        try check("X(2)", #""format": "enum", "enum": { "AB": "ab", "A1": "a1" }"#, row)
    }

    /// A CPF/CNPJ in a 15-digit field after its one-byte type (1 CPF, 2 CNPJ), as in segment T.
    static let documentFields = [
        fieldJSON("tipo", 1, 1, "9(1)", #""format": "enum", "enum": { "1": "cpf", "2": "cnpj" }, "to": "payer.document_type""#),
        fieldJSON("numero", 2, 16, "9(15)", #""format": "document", "to": "payer.document""#),
    ]

    @Test(
        "documents keep the width their type gives and drop the field's extra zeros",
        arguments: [
            FieldCase("1000012345678901", #""12345678901""#),
            FieldCase("2012345678000195", #""12345678000195""#),
            FieldCase("2000000000000195", #""00000000000195""#),
            FieldCase("2012ABC34501DE35", #""12ABC34501DE35""#),
            FieldCase("1123456789012345", #""123456789012345""#),  // more than a CPF: nothing dropped
            FieldCase("3000012345678901", #""000012345678901""#),  // PIS: no width to keep
            FieldCase("1    12345678901", #""12345678901""#),
            FieldCase("0000000000000000", nil),
            FieldCase("1               ", nil),
            FieldCase("2012abc34501de35", nil, problem: "document"),
            FieldCase("2012ABC-4501DE35", nil, problem: "document"),
            FieldCase("20123456780001\u{C9}5", nil, problem: "document"),
        ])
    func document(row: FieldCase) throws {
        let layout = try compiledRecord(length: 16, Self.documentFields)
        let field = try layout.field("numero")
        let problem = field.problem(in: row.input)
        #expect(problem?.kind == row.problem, "\(problem?.message ?? "no problem")")
        if row.problem == nil { #expect(try field.jsonValue(in: row.input) == row.json) }
    }

    @Test(
        "a document without a type field keeps every significant byte",
        arguments: [
            FieldCase("000012345678901", #""000012345678901""#),
            FieldCase("   12345678901 ", #""12345678901""#),
            FieldCase("000000000000000", nil),
        ])
    func documentWithoutType(row: FieldCase) throws { try check("9(15)", #""format": "document""#, row) }

    @Test("a document field the reader accepts is emitted as valid JSON, whatever bytes it holds")
    func documentBytesStayValidJSON() throws {
        let layout = try compiledRecord(length: 16, Self.documentFields)
        let field = try layout.field("numero")
        // Every byte in every position of a CPF: accepted bytes must give a valid JSON string.
        var accepted = 0
        var broken: [String] = []
        for position in 1..<16 {
            for byte in UInt8(0)...255 {
                var line = latin1("1000012345678901")
                line[position] = byte
                guard field.problem(in: line) == nil else { continue }
                accepted += 1
                var out: [UInt8] = []
                let written = line.withUnsafeBufferPointer { field.appendJSON($0, to: &out) }
                if written, (try? JSONSerialization.jsonObject(with: Data("[".utf8 + out + "]".utf8))) == nil {
                    broken.append("byte 0x\(String(byte, radix: 16)) at \(position + 1)")
                }
            }
        }
        #expect(accepted > 15 * 36)
        #expect(broken.isEmpty, "invalid JSON for \(broken.count) accepted inputs, e.g. \(broken.prefix(3))")
    }

    @Test("problem messages name the field, quote what was found and say what was expected")
    func messages() throws {
        let layout = try compiledRecord(length: 8, [fieldJSON("data_vencimento", 1, 8, "9(8)", #""format": "ddMMyyyy""#)])
        let date = try layout.field("data_vencimento")
        let p = try #require(date.problem(in: Array("31022026".utf8)))
        #expect(p.kind == "date")
        #expect(p.message == #"invalid date "31022026" in data_vencimento (DDMMAAAA)"#)
        #expect(date.column == 1)
        #expect(date.end == 8)

        let amounts = try compiledRecord(length: 15, [fieldJSON("valor_nominal", 1, 15, "9(13)V99")])
        let q = try #require(try amounts.field("valor_nominal").problem(in: latin1("00000001234,56 ")))
        #expect(q.message == #"expected digits (9(13)V99) in valor_nominal, found "00000001234,56 ""#)

        let time = try compiledRecord(length: 6, [fieldJSON("hora", 1, 6, "9(6)", #""format": "HHmmss""#)])
        #expect(try time.field("hora").problem(in: Array("256000".utf8))?.message == #"invalid time "256000" in hora (HHMMSS)"#)
    }

    @Test("text, integer and date accessors")
    func accessors() throws {
        let layout = try compiledRecord(
            length: 24,
            [
                fieldJSON("nome", 1, 8, "X(8)"),
                fieldJSON("valor", 9, 15, "9(5)V99"),
                fieldJSON("data", 16, 23, "9(8)", #""format": "ddMMyyyy""#),
                fieldJSON("filler_024", 24, 24, "X(1)"),
            ])
        let (nome, valor, data, filler) = (
            try layout.field("nome"), try layout.field("valor"), try layout.field("data"), try layout.field("filler_024")
        )
        let line = latin1(" JOS\u{C9}   001234528022026 ")
        line.withUnsafeBufferPointer { p in
            #expect(nome.text(in: p) == "JOSÉ")
            #expect(valor.integer(in: p) == 12345)
            #expect(data.date(in: p) == CivilDate(year: 2026, month: 2, day: 28))
            #expect(filler.text(in: p) == nil)
            #expect(nome.date(in: p) == nil)
        }
        let blank = [UInt8](repeating: 0x20, count: 24)
        blank.withUnsafeBufferPointer { p in
            #expect(valor.integer(in: p) == nil)
            #expect(data.date(in: p) == nil)
        }
    }

    @Test("compiling rejects a malformed picture or an unknown format, naming the field's path")
    func compileErrors() {
        for (field, path) in [
            (fieldJSON("a", 1, 3, "Z(3)"), "records[0].fields[0].picture"),
            (fieldJSON("a", 1, 3, "9(3)", #""format": "ddmmyyyy""#), "records[0].fields[0].format"),
            (#"{ "name": "a", "pos": [1], "picture": "9" }"#, "records[0].fields[0].pos"),
        ] {
            #expect {
                _ = try compiledRecord(length: 3, [field])
            } throws: { error in
                (error as? LayoutError)?.path == path
            }
        }
    }
}

/// `ReasonTexts`: each code finds its own text, written as a JSON object, whether it is looked
/// up in the flat table of two-character codes or by key (3 or 4 characters); a code with no
/// text, or of bytes the flat table has no place for, finds nothing.
@Suite struct ReasonTextsTests {
    @Test func eachCodeFindsItsOwnText() {
        var texts: [String: String] = ["~~": "til", "  ": "brancos", "001": "um", "9999": "nove", "A\"": "aspas"]
        for a in ["0", "1", "9", "A", "Z", "a"] {
            for b in ["0", "5", "9", "B"] { texts[a + b] = "texto \(a)\(b) ç" }
        }
        let table = ReasonTexts(texts)
        func found(_ code: String) -> String? {
            var out = ByteBuffer(capacity: 16)
            defer { out.deallocate() }
            let bytes = Array(code.utf8)
            let ok = bytes.withUnsafeBufferPointer { table.append($0, to: &out) }
            return ok ? String(decoding: UnsafeBufferPointer(start: out.base, count: out.count), as: UTF8.self) : nil
        }
        for (code, text) in texts {
            var expected: [UInt8] = Array("{\"code\":".utf8)
            JSONBytes.appendString(code, to: &expected)
            expected += Array(",\"text\":".utf8)
            JSONBytes.appendString(text, to: &expected)
            expected.append(UInt8(ascii: "}"))
            #expect(found(code) == String(decoding: expected, as: UTF8.self), "\(code)")
        }
        for missing in ["07", "0A", "B0", "Z7", "01 ", "0001", "\u{0}\u{0}", "\u{7F}0", "~"] {
            #expect(found(missing) == nil, "\(missing.utf8.map { $0 })")
        }
    }
}
