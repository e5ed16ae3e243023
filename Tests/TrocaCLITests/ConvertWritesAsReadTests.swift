import Foundation
import Testing

/// `troca convert --to flat` writes only what `troca convert` (and `troca import`) read back as
/// the record given: money as integer centavos, UFs and events as the data model has them, and
/// nothing invented for a field left out; its messages show a control character by its code.
@Suite struct ConvertWritesAsReadTests {
    static func toFlat(_ layout: String, _ lines: [String]) -> RunResult {
        troca(["convert", "--layout", layout, "--to", "flat"], stdin: Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    static func column(of value: String, in line: String) -> Int {
        line.utf8.count - line[line.range(of: value)!.lowerBound...].utf8.count + 1
    }

    /// `"amount_cents":"100"` was written as 100; `export csv` refuses it (export.cents), and so
    /// does convert now, at the value's column, naming the field.
    @Test func centsGivenAsAStringAreRefused() {
        let title = #"{"record":"title","document_number":"M","amount_cents":"100"}"#
        let event = #"{"record":"event","event":"paid","paid_cents":"100","fee_cents":5}"#
        let r = Self.toFlat("erp/titulos-abertos", [title])
        #expect(r.status == .dataError && r.stdout.isEmpty)
        #expect(
            r.stderrText.contains(
                #"-:1:\#(Self.column(of: "\"100\"", in: title)): error: [convert.field] amount_cents: expected integer centavos for valor 9(13)V99, found the string "100""#
            ), "\(r.stderrText)")
        let e = Self.toFlat("erp/baixas", [event])
        #expect(e.status == .dataError && e.stderrText.contains("[convert.field] paid_cents: expected integer centavos for valor_pago"), "\(e.stderrText)")
        // Digits given as a string in a field of digits (not centavos) are still taken.
        let digits = Self.toFlat("erp/titulos-abertos", [#"{"record":"title","document_number":"M","nosso_numero":"123","amount_cents":100}"#])
        #expect(digits.status == .ok, "\(digits.stderrText)")
    }

    /// A title without payer document type, document or amount wrote `0` in
    /// tipo_inscricao_sacado (none of its enum's 1, 2) and zeros as valor: read back, a
    /// convert.enum warning and an invented document_type "0" and amount_cents 0. Absent enums,
    /// amounts and counts are now written blank, and read back absent.
    @Test func absentFieldsComeBackAbsent() throws {
        let cases = [
            ("erp/titulos-abertos", #"{"record":"title","document_number":"M"}"#),
            ("erp/titulos-abertos", #"{"record":"title","document_number":"N","amount_cents":0,"payer":{"document":"52998224725"}}"#),
            ("erp/baixas", #"{"record":"event","document_number":"E","event":"paid","paid_cents":150}"#),
        ]
        for (layout, line) in cases {
            let flat = Self.toFlat(layout, [line])
            #expect(flat.status == .ok && !flat.stderrText.contains("warning"), "\(flat.stderrText)")
            let back = troca(["convert", "--layout", layout], stdin: flat.stdout)
            #expect(back.status == .ok && !back.stderrText.contains("warning"), "\(back.stderrText)")
            var record = try #require(back.records.first)
            record["source"] = nil
            let given = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            var expected = given
            if var payer = given["payer"] as? [String: Any] {
                payer["document_type"] = "cpf"  // written from the document's length
                expected["payer"] = payer
            }
            #expect(record as NSDictionary == expected as NSDictionary, "\(back.stdoutText)")
        }
        let title = Array(Self.toFlat("erp/titulos-abertos", [cases[0].1]).stdout)
        #expect(title.count == 222)
        #expect(title[49..<65].allSatisfy { $0 == 0x20 }, "valor and tipo_inscricao_sacado blank")
    }

    /// Reading, a document whose type is none of 1 and 2 was taken when it was a CPF
    /// zero-padded to the field or a CNPJ; it is emitted with its zeros, so `--to flat` checked
    /// it as a CNPJ (14 characters) and refused it. It is now checked by its length when read,
    /// as writing checks it: the line is rejected, not written with an enum warning only.
    @Test func aDocumentOfAnUnknownTypeIsCheckedByItsLength() throws {
        let base = try #require(
            try String(contentsOfFile: repoRoot + "/Fixtures/convert/0002-titles-jsonl-to-flat/expout", encoding: .utf8)
                .split(separator: "\r\n").first.map(String.init))
        func line(type: String, document: String) -> String {
            let b = Array(base)
            return String(b[0..<64]) + type + document + String(b[79...]) + "\r\n"
        }
        let refused = troca(["convert", "--layout", "erp/titulos-abertos"], stdin: Array(line(type: "9", document: "00052998224725").utf8))
        #expect(refused.status == .dataError && refused.stdout.isEmpty)
        #expect(refused.stderrText.contains("-:1:66: error: [convert.document] expected a CPF (11 characters) or a CNPJ (14)"), "\(refused.stderrText)")
        for (type, document) in [("9", "11222333000181"), ("9", "52998224725   "), (" ", "12ABC34501DE35")] {
            let read = troca(["convert", "--layout", "erp/titulos-abertos"], stdin: Array(line(type: type, document: document).utf8))
            #expect(read.status == .ok, "\(read.stderrText)")
            let payer = try #require(read.records.first?["payer"] as? [String: Any])
            #expect(payer["document"] as? String == document.trimmingCharacters(in: .whitespaces))
            // What is read writes back (a type 9 has no name to write: left out, the document's kind is).
            var again = read.records[0]
            var p = payer
            p["document_type"] = nil
            again["payer"] = p
            let json = String(decoding: try JSONSerialization.data(withJSONObject: again), as: UTF8.self)
            let back = Self.toFlat("erp/titulos-abertos", [json])
            #expect(back.status == .ok, "\(back.stderrText)")
        }
    }

    /// `"state":"mg"` was written as `mg`; import uppercases a UF and refuses what is none.
    @Test func aStateIsAUF() {
        let good = Self.toFlat("erp/titulos-abertos", [#"{"record":"title","document_number":"M","payer":{"address":{"state":"mg"}}}"#])
        #expect(good.status == .ok && Array(good.stdout)[199..<201].elementsEqual(Array("MG".utf8)), "\(good.stdoutText)")
        let line = #"{"record":"title","document_number":"M","payer":{"address":{"state":"XX"}}}"#
        let bad = Self.toFlat("erp/titulos-abertos", [line])
        #expect(bad.status == .dataError && bad.stdout.isEmpty)
        #expect(
            bad.stderrText.contains(
                #"-:1:\#(Self.column(of: "\"XX\"", in: line)): error: [convert.field] payer.address.state: expected a UF (SP, RJ, MG…), found "XX" for uf_sacado"#
            ), "\(bad.stderrText)")
    }

    /// erp/baixas' ocorrência took any text; it takes the normalised events only.
    @Test func anEventIsOneOfTheNormalisedEvents() {
        let events = ["registered", "rejected", "paid", "written_off", "changed", "protested", "fee", "other"]
        let good = Self.toFlat("erp/baixas", events.map { #"{"record":"event","event":"\#($0)"}"# })
        #expect(good.status == .ok && good.stdout.count == 8 * 122, "\(good.stderrText)")
        let bad = Self.toFlat("erp/baixas", [#"{"record":"event","event":"bogus_event"}"#, #"{"record":"event","event":"Paid"}"#])
        #expect(bad.status == .dataError && bad.stdout.isEmpty)
        #expect(bad.stderrText.contains(#"-:1:27: error: [convert.field] event: expected one of the events "#), "\(bad.stderrText)")
        #expect(bad.stderrText.contains(#"for ocorrencia, found "bogus_event""#))
        #expect(bad.stderrText.contains("read 2 lines: 0 written, 2 rejected, 0 skipped"))
    }

    /// A value with a line break split its diagnostic over two lines of stderr, and one with a
    /// control character embedded it raw, saying the whole value had no ASCII form: each
    /// diagnostic is one line, the control shown by its code and named.
    @Test func messagesShowControlCharactersByTheirCode() {
        let lines = [
            #"{"record":"title","document_number":"M","payer":{"name":"x\ny"}}"#,
            #"{"record":"title","document_number":"N","payer":{"name":"ÇÃO\u0001|"}}"#,
            #"{"record":"title","document_number":"O\u0007"}"#,
            #"{"record":"title","document_number":"P","payer":{"document_type":"c\tpf"}}"#,
        ]
        let r = Self.toFlat("erp/titulos-abertos", lines)
        let said = r.stderrText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(said.count == 6 && said.last == "", "\(r.stderrText)")
        #expect(said.allSatisfy { $0.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } }, "\(r.stderrText)")
        #expect(said[0].contains(#"payer.name: "x<U+000A>y" has U+000A, which has no ASCII form, for nome_sacado"#), "\(said[0])")
        #expect(said[1].contains(#"payer.name: "ÇÃO<U+0001>|" has U+0001, which has no ASCII form, for nome_sacado"#), "\(said[1])")
        #expect(said[2].contains(#"document_number: "O<U+0007>" has U+0007"#), "\(said[2])")
        #expect(said[3].contains(#"found "c<U+0009>pf""#), "\(said[3])")
    }

    /// Reading, a field with a control byte said so with the raw byte in the message (a date
    /// `10<0x01>42026`): the byte is shown by its code, as writing shows one.
    @Test func readingMessagesShowControlBytesByTheirCode() throws {
        let base = try #require(
            try String(contentsOfFile: repoRoot + "/Fixtures/convert/0002-titles-jsonl-to-flat/expout", encoding: .utf8)
                .split(separator: "\r\n").first.map(String.init))
        var bytes = Array(base.utf8)
        bytes[43] = 0x01  // data_vencimento, 42-49
        let r = troca(["convert", "--layout", "erp/titulos-abertos"], stdin: bytes + [0x0D, 0x0A])
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains(#"-:1:42: error: [convert.date] invalid date "10<U+0001>42026" in data_vencimento (DDMMAAAA)"#), "\(r.stderrText)")
        #expect(!r.stderr.contains(0x01))
    }
}
