import Foundation
import Testing
import TrocaCLI

/// The reviewer's findings on import, export and convert (/tmp/reports/imports.md), end to end.
@Suite struct ReviewImportsCLITests {
    /// `"required": "true"` was read as false, and a row with a blank Nome written (exit 0):
    /// now the map is refused when loaded (exit 78), before anything is written.
    @Test func aMapWhoseRequiredIsAStringIsRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let map =
            #"{"record":"title","fields":[{"to":"document_number","column":"Doc"},{"to":"payer.name","column":"Nome","required":"true"}]}"#
        try map.write(toFile: dir + "/m.json", atomically: true, encoding: .utf8)
        let r = troca(["import", "titles", "--map", "m.json", "-"], stdin: Array("Doc;Nome\nA;\n".utf8), cwd: dir)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stdout.isEmpty)
        #expect(
            r.stderrText.contains(
                #"m.json: error: [import.map] fields[1] (payer.name): "required" must be true or false (a JSON boolean, without quotes), found "true" (a string)"#
            ),
            "\(r.stderrText)")
    }

    /// A NUL in a text value was written raw into its cell, and import then refused the whole
    /// file as binary. Export now rejects that record (export.nul, at the value), writes the
    /// others, and the file reads back; other control characters round-trip.
    @Test(arguments: [true, false])
    func aNULInTextRejectsItsRecordAndTheRestReadsBack(excelBR: Bool) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = [
            #"{"record":"title","document_number":"Z1","amount_cents":100,"payer":{"name":"ok"}}"#,
            #"{"record":"title","document_number":"Z2","amount_cents":100,"payer":{"name":"a\u0000b"}}"#,
            #"{"record":"title","document_number":"Z3","amount_cents":100,"payer":{"name":"a\u0001b\u001f"}}"#,
        ]
        let columns = "document_number,amount_cents,payer.name"
        let exported = troca(
            ["export", "csv", "--columns", columns, "--output", "out.csv"] + (excelBR ? ["--excel-br"] : []),
            stdin: Array(lines.map { $0 + "\n" }.joined().utf8), cwd: dir)
        #expect(exported.status == .dataError)
        let column = lines[1].distance(from: lines[1].startIndex, to: lines[1].range(of: #""a\u0000b""#)!.lowerBound) + 1
        #expect(
            exported.stderrText.contains("-:2:\(column): error: [export.nul] payer.name holds a NUL character (U+0000)"),
            "\(exported.stderrText)")
        #expect(exported.stderrText.contains("read 3 lines: 2 written, 1 rejected, 0 skipped"), "\(exported.stderrText)")
        let csv = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/out.csv")))
        #expect(!csv.contains(0))
        try ExportTests.identityMap(columns.split(separator: ",").map(String.init))
            .write(toFile: dir + "/map.json", atomically: true, encoding: .utf8)
        let again = troca(["import", "titles", "--map", "map.json", "out.csv"], cwd: dir)
        #expect(again.status == .ok, "\(again.stderrText)")
        let expected = try [lines[0], lines[2]].map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(ExportTests.withoutSource(again.records) == ExportTests.withoutSource(expected))
    }

    /// `R$` and a no-break space (as ICU's pt-BR currency format writes it), in UTF-8 and in
    /// Windows-1252, is an amount; between digits it is refused and shown as <U+00A0>.
    @Test func noBreakSpacesInAmounts() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let map =
            #"{"record":"title","key":null,"fields":[{"to":"document_number","column":"Doc"},{"to":"amount_cents","column":"Valor"}]}"#
        try map.write(toFile: dir + "/m.json", atomically: true, encoding: .utf8)
        let utf8 = "Doc;Valor\r\nN0;R$\u{00A0}1.234,56\r\nN1;-R$\u{00A0}1.234,56\r\nN2;R$\u{202F}-1.234,56\r\nN3;1\u{00A0}234,56\r\n"
        let cp1252: [UInt8] =
            Array("Doc;Valor\r\nN0;R$".utf8) + [0xA0] + Array("1.234,56\r\nN1;-R$".utf8) + [0xA0]
            + Array("1.234,56\r\nN2;1".utf8) + [0xA0] + Array("234,56\r\n".utf8)
        for input in [Array(utf8.utf8), cp1252] {
            let r = troca(["import", "titles", "--map", "m.json", "-"], stdin: input, cwd: dir)
            #expect(r.status == .dataError)
            let cents = r.records.compactMap { $0["amount_cents"] as? Int }
            #expect(cents == (input == cp1252 ? [123456, -123456] : [123456, -123456, -123456]), "\(r.stdoutText)\(r.stderrText)")
            #expect(
                r.stderrText.contains(
                    #":2: error: [import.amount] column "Valor" → amount_cents: expected an amount such as 1.234,56 or 1234.56, found "1<U+00A0>234,56""#
                ), "\(r.stderrText)")
        }
    }

    /// The messages for all-equal documents and a full-width digit, at their row and column.
    @Test func documentMessagesSayWhy() {
        let csv = "Doc;CPF\nD1;11111111111\nD2;00000000000000\nD3;12ABC34501DE3５\nD4;12abc34501de35\n"
        let map = #"{"record":"title","fields":[{"to":"document_number","column":"Doc"},{"to":"payer.document","column":"CPF"}]}"#
        let dir = (try? temporaryDirectory()) ?? "/tmp"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try? map.write(toFile: dir + "/m.json", atomically: true, encoding: .utf8)
        let r = troca(["import", "titles", "--map", "m.json", "-"], stdin: Array(csv.utf8), cwd: dir)
        let said = r.stderrText
        #expect(
            said.contains(
                #"-:2:2: error: [import.document] column "CPF" → payer.document: "11111111111": a CPF whose 11 digits are all equal is refused"#
            ), "\(said)")
        #expect(
            said.contains(
                #"-:3:2: error: [import.document] column "CPF" → payer.document: "00000000000000": a CNPJ whose 14 characters are all equal is refused"#
            ), "\(said)")
        #expect(
            said.contains(
                #"-:4:2: error: [import.document] column "CPF" → payer.document: expected a CPF or CNPJ (digits, A-Z, and . / - only), found "５" (U+FF15 FULLWIDTH DIGIT FIVE)"#
            ), "\(said)")
        #expect((r.records.first?["payer"] as? [String: Any])?["document"] as? String == "12ABC34501DE35")
        #expect(said.contains("read 4 rows: 1 written, 3 rejected, 0 skipped"))
    }

    /// `convert --to flat` refused the lowercase CNPJ that import accepts (and uppercases): it
    /// now writes it in uppercase, which reads back as import writes it.
    @Test func convertUppercasesACNPJsLetters() {
        let line =
            #"{"record":"title","document_number":"L1","amount_cents":1,"payer":{"document":"12abc34501de35","document_type":"cnpj","name":"x"}}"#
        let flat = troca(["convert", "--layout", "erp/titulos-abertos", "--to", "flat"], stdin: Array((line + "\n").utf8))
        #expect(flat.status == .ok, "\(flat.stderrText)")
        #expect(flat.stdoutText.contains("12ABC34501DE35"), "\(flat.stdoutText)")
        #expect(!flat.stdoutText.contains("12abc"))
        let back = troca(["convert", "--layout", "erp/titulos-abertos"], stdin: flat.stdout)
        #expect(back.status == .ok, "\(back.stderrText)")
        #expect((back.records.first?["payer"] as? [String: Any])?["document"] as? String == "12ABC34501DE35", "\(back.stdoutText)")
    }

    /// A CPF or CNPJ written with its punctuation (529.982.247-25, 12.abc.345/01de-35), as
    /// `troca import` accepts one, is written without it by `convert --to flat` and by `cnab
    /// write` (both used to refuse it); the kind comes from its 11 or 14 characters.
    @Test func punctuatedDocumentsAreWrittenBare() {
        let written = [("529.982.247-25", "52998224725"), ("12.abc.345/01de-35", "12ABC34501DE35")]
        for (given, bare) in written {
            let line = #"{"record":"title","document_number":"L1","amount_cents":1,"payer":{"document":"\#(given)","name":"x"}}"#
            let flat = troca(["convert", "--layout", "erp/titulos-abertos", "--to", "flat"], stdin: Array((line + "\n").utf8))
            #expect(flat.status == .ok, "\(flat.stderrText)")
            #expect(flat.stdoutText.contains(bare) && !flat.stdoutText.contains(given), "\(flat.stdoutText)")
            let title =
                #"{"record":"title","code":"01","agency":"02517","account":"000000119039","nosso_numero":"123","document_number":"D1","due_date":"2026-12-10","amount_cents":100,"payer":{"document_type":"\#(bare.count == 11 ? "cpf" : "cnpj")","document":"\#(given)","name":"X"}}"#
            let written = troca(["cnab", "write", "--bank", "999", "--format", "240", "--date", "2026-03-02"], stdin: Array((title + "\n").utf8))
            #expect(written.status == .ok, "\(written.stderrText)")
            // Segment Q, 19-33: the document right-aligned in 15.
            let q = written.stdoutText.split(separator: "\r\n").first { $0.count == 240 && Array($0.utf8)[13] == UInt8(ascii: "Q") }
            #expect(q.map { String(Array($0.utf8)[18..<33].map { Character(UnicodeScalar($0)) }) } == String(repeating: "0", count: 15 - bare.count) + bare)
        }
    }

    /// A blank inside a CPF/CNPJ (529 982 247 25) was taken as punctuation, where docs/maps.md
    /// allows `.` `/` `-` only and a CEP `01310 100` is refused: import refuses it, naming the
    /// blank, and so do `convert --to flat` and `cnab write` (one rule, `DocumentText`); blanks
    /// around the cell are trimmed as in every cell.
    @Test func blanksInsideADocumentAreRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let map = #"{"record":"title","fields":[{"to":"document_number","column":"Doc"},{"to":"payer.document","column":"CPF"}]}"#
        try map.write(toFile: dir + "/m.json", atomically: true, encoding: .utf8)
        let csv = "Doc;CPF\nD1;529 982 247 25\nD2;  529.982.247-25 \nD3;12 ABC 345 01DE 35\n"
        let r = troca(["import", "titles", "--map", "m.json", "-"], stdin: Array(csv.utf8), cwd: dir)
        #expect(r.status == .dataError)
        let blank = "expected a CPF or CNPJ (digits, A-Z, and . / - only), found a blank (U+0020 SPACE) between its characters"
        #expect(r.stderrText.contains(#"-:2:2: error: [import.document] column "CPF" → payer.document: "# + blank), "\(r.stderrText)")
        #expect(r.stderrText.contains(#"-:4:2: error: [import.document]"#))
        #expect(r.records.map { ($0["payer"] as? [String: Any])?["document"] as? String } == ["52998224725"])
        let line = #"{"record":"title","document_number":"L1","amount_cents":1,"payer":{"document":"529 982 247 25","name":"x"}}"#
        let flat = troca(["convert", "--layout", "erp/titulos-abertos", "--to", "flat"], stdin: Array((line + "\n").utf8))
        #expect(flat.status == .dataError && flat.stderrText.contains("[convert.document]"), "\(flat.stderrText)")
        let title =
            #"{"record":"title","code":"01","agency":"02517","account":"000000119039","nosso_numero":"123","document_number":"D1","due_date":"2026-12-10","amount_cents":100,"payer":{"document_type":"cpf","document":"529 982 247 25","name":"X"}}"#
        let written = troca(["cnab", "write", "--bank", "999", "--format", "240", "--date", "2026-03-02"], stdin: Array((title + "\n").utf8))
        #expect(written.status == .dataError, "\(written.stderrText)")
    }
}
