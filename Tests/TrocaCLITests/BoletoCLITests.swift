import Foundation
import Testing
import TrocaCLI

@Suite struct BoletoCLITests {
    static let titles = """
        {"record":"title","bank":"033","carteira":"101","convenio":"0282033","nosso_numero":"566612457800","due_date":"2026-03-15","amount_cents":27371,"source":{"file":"REM.rem","line":3}}
        {"record":"title","bank":"001","carteira":"17","nosso_numero":"1","due_date":"2026-03-15","amount_cents":1,"source":{"file":"REM.rem","line":9}}

        {"record":"event","code":"06"}
        {"record":"title","bank":"237","agency":"1","account":"1","carteira":"19","nosso_numero":"2","due_date":"2026-04-01","amount_cents":-5}

        """

    @Test func rejectedTitleKeepsItsSourceAndNothingIsLost() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = troca(["boleto", "make", "--as-of", "2026-01-01", "--rejects", "rej.jsonl"], stdin: Array(Self.titles.utf8), cwd: dir)
        #expect(result.status == .dataError)
        let rejects = try String(contentsOfFile: dir + "/rej.jsonl", encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(rejects.map { $0["code"] as? String } == ["boleto.convenio", "boleto.amount"])
        #expect(rejects.map { $0["line"] as? Int } == [2, 5])
        // The raw line is kept whole, source included.
        let raw = try #require(rejects.first?["raw"] as? String)
        let original = try #require(JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any])
        #expect((original["source"] as? [String: Any])?["line"] as? Int == 9)
        #expect((rejects.first?["message"] as? String)?.hasSuffix("(title from REM.rem:9)") == true)
        // read = written + rejected + skipped.
        let counts = try #require(summaryCounts(result.stderrText).first)
        #expect(counts.read == 5 && counts.written == 2 && counts.rejected == 2 && counts.skipped == 1)
        let records = result.records
        #expect(records.count == 2)
        #expect(records[0]["barcode"] as? String == "03394138600000273719028203356661245780020101")
        #expect(records[0]["nosso_numero"] as? String == "566612457800")
        #expect(records[0]["nosso_numero_digit"] as? String == "2")
        #expect((records[0]["source"] as? [String: Any])?["file"] as? String == "REM.rem")
        #expect(records[1]["record"] as? String == "event" && records[1]["barcode"] == nil)
    }

    /// boleto make's output decodes to the same boleto (the CLI round trip).
    @Test func makeThenDecode() throws {
        let made = troca(["boleto", "make", "--as-of", "2026-01-01"], stdin: Array(Self.titles.utf8)).records
        let line = try #require(made.first?["linha_digitavel"] as? String)
        let decoded = troca(["boleto", "decode", "--as-of", "2026-01-01", line])
        #expect(decoded.status == .ok)
        let r = try #require(decoded.records.first)
        #expect(r["due_date"] as? String == "2026-03-15")
        #expect(r["amount_cents"] as? Int == 27371)
        #expect(r["nosso_numero"] as? String == "566612457800")
        #expect(r["nosso_numero_digit"] as? String == "2")
        #expect(r["barcode"] as? String == made.first?["barcode"] as? String)
    }

    /// `cnab parse | boleto make`: a Bradesco CNAB 240 título's barcode carries the bank's own
    /// carteira (bank_carteira 009 → 09 at barcode 24-25), not FEBRABAN's C006 carteira (1); a
    /// CNAB 400 título names the bank its file header gives.
    @Test func parsedTitulosMakeBoletos() throws {
        let parsed = troca(["cnab", "parse", "Fixtures/samples/cnab240/237/remessa.rem"])
        let titles = parsed.records.filter { $0["record"] as? String == "title" }
        #expect(titles.count == 4 && titles.allSatisfy { $0["carteira"] as? String == "1" && $0["bank_carteira"] as? String == "009" })
        let made = troca(["boleto", "make", "--as-of", "2026-01-01"], stdin: parsed.stdout)
        #expect(made.status == .ok, "\(made.stderrText)")
        let barcodes = made.records.compactMap { $0["barcode"] as? String }
        #expect(barcodes.count == 4)
        #expect(barcodes.allSatisfy { Array($0)[23..<25] == ["0", "9"] }, "\(barcodes)")

        let parsed400 = troca(["cnab", "parse", "Fixtures/samples/cnab400/237/remessa.rem"])
        let titles400 = parsed400.records.filter { $0["record"] as? String == "title" }
        #expect(!titles400.isEmpty && titles400.allSatisfy { $0["bank"] as? String == "237" })
    }

    /// `boleto make | cnab write | cnab parse`: the título's nosso número and its check digit
    /// go into the remessa's own positions (Bradesco 240: 46-56 and 57) and come back the same.
    /// Bradesco carteira 09, nosso número 00000012345: carteira + number = 0900000012345; weights
    /// 2, 3, 4, 5, 6, 7, 2, … from the right give 5·2 + 4·3 + 3·4 + 2·5 + 1·6 + 9·7 (the 9 is 12th
    /// from the right) = 113; 113 mod 11 = 3; DV 11 − 3 = 8.
    @Test func madeTitulosWriteAndParseBack() throws {
        let title = #"{"record":"title","bank":"237","agency":"1234","agency_digit":"5","account":"0012345","account_digit":"6","bank_carteira":"09","document_number":"NF-1","nosso_numero":"12345","due_date":"2026-04-10","amount_cents":123456,"payer":{"name":"Jose","document":"52998224725","document_type":"cpf","address":{"street":"Rua A","cep":"01310100","city":"Sao Paulo","state":"SP"}}}"#
        let made = troca(["boleto", "make", "--as-of", "2026-03-01"], stdin: Array((title + "\n").utf8))
        #expect(made.status == .ok, "\(made.stderrText)")
        let r = try #require(made.records.first)
        #expect(r["nosso_numero"] as? String == "00000012345")
        #expect(r["nosso_numero_digit"] as? String == "8")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let written = troca(["cnab", "write", "--bank", "237", "--format", "240", "--output", "REM.rem"], stdin: made.stdout, cwd: dir)
        #expect(written.status == .ok, "\(written.stderrText)")
        let rem = try Data(contentsOf: URL(fileURLWithPath: dir + "/REM.rem"))
        let p = try #require(rem.split(separator: 0x0A).first { $0.count > 14 && $0[$0.startIndex + 13] == UInt8(ascii: "P") })
        #expect(String(decoding: p[(p.startIndex + 45)..<(p.startIndex + 57)], as: UTF8.self) == "000000123458")
        // A título with no `code` is an entrada (the layout's register code, C004 01), not "00".
        #expect(String(decoding: p[(p.startIndex + 15)..<(p.startIndex + 17)], as: UTF8.self) == "01")
        let parsed = troca(["cnab", "parse", dir + "/REM.rem"]).records.filter { $0["record"] as? String == "title" }
        #expect(parsed.count == 1)
        #expect(parsed.first?["nosso_numero"] as? String == "00000012345")
        #expect(parsed.first?["nosso_numero_digit"] as? String == "8")
    }

    /// Members are spliced into the line as written: escaped quotes and backslashes in the
    /// strings around them (found eight bytes at a time) stay as they were.
    @Test func escapedStringsAroundSplicedMembers() throws {
        let line = #"{"record":"title","note":"a \"quoted\" \\ back\\\\slash \"x\" long text here","bank":"033","carteira":"101","convenio":"0282033","nosso_numero":"566612457800","due_date":"2026-03-15","amount_cents":27371,"tail":"\\\"end"}"#
        let made = troca(["boleto", "make", "--as-of", "2026-01-01"], stdin: Array((line + "\n").utf8))
        #expect(made.status == .ok, "\(made.stderrText)")
        let r = try #require(made.records.first)
        #expect(r["note"] as? String == #"a "quoted" \ back\\slash "x" long text here"#)
        #expect(r["tail"] as? String == #"\"end"#)
        #expect(r["nosso_numero"] as? String == "566612457800")
        #expect(r["nosso_numero_digit"] as? String == "2")
        #expect(r["barcode"] as? String == "03394138600000273719028203356661245780020101")
        #expect(made.stdoutText.hasPrefix(#"{"record":"title","note":"a \"quoted\" \\ back"#))
    }

    /// Running make twice changes nothing the second time (members replaced in place).
    @Test func makeIsIdempotent() {
        let once = troca(["boleto", "make", "--as-of", "2026-01-01"], stdin: Array(Self.titles.utf8))
        let twice = troca(["boleto", "make", "--as-of", "2026-01-01"], stdin: once.stdout)
        #expect(twice.stdoutText == once.stdoutText)
    }

    @Test func usageErrors() {
        #expect(troca(["boleto", "make", "--as-of", "2026-13-01"]).status == .usage)
        #expect(troca(["boleto", "decode", "--bogus"]).status == .usage)
    }
}

extension BoletoCLITests {
    /// A record giving a key twice is refused by every JSONL stage, at the second key's column,
    /// naming the key — `boleto make` used to keep both in its output and encode the last amount
    /// in the barcode, while a reader taking the first saw another amount.
    @Test func aKeyGivenTwiceRefusesTheRecord() throws {
        let twice = #"{"record":"title","bank":"237","carteira":"09","agency":"1234","account":"0012345","nosso_numero":"1","due_date":"2026-03-15","amount_cents":100,"amount_cents":999999}"#
        let once = #"{"record":"title","bank":"237","carteira":"09","agency":"1234","account":"0012345","nosso_numero":"2","due_date":"2026-03-15","amount_cents":100}"#
        let column = Array(twice.utf8).count - #""amount_cents":999999}"#.utf8.count + 1
        let input = Array((twice + "\n" + once + "\n").utf8)
        let runs: [[String]] = [
            ["boleto", "make", "--as-of", "2026-01-01"],
            ["export", "csv", "--columns", "nosso_numero,amount_cents"],
            ["update", "--as-of", "2026-11-23", "--rules", repoRoot + "/Fixtures/samples/reconcile/regras.json", "--index", repoRoot + "/Fixtures/samples/reconcile/indice-ilustrativo.csv"],
            ["convert", "--layout", "erp/titulos-abertos", "--to", "flat"],
            ["cnab", "write", "--bank", "237", "--format", "400", "--date", "2026-03-02", "--sequence", "1"],
        ]
        for args in runs {
            let r = troca(args, stdin: input)
            #expect(r.status == .dataError, "\(args): \(r.stderrText)")
            #expect(r.stderrText.contains("-:1:\(column): error: ["), "\(args): \(r.stderrText)")
            #expect(r.stderrText.contains(#""amount_cents" is given twice"#), "\(args): \(r.stderrText)")
            #expect(!r.stdoutText.contains("999999"), "\(args)")
        }
    }
}

extension BoletoCLITests {
    /// A `record` member that is not a string (`{"record":1}`) is a malformed record, refused at
    /// its value's column, never passed over as a record of another kind (those stages used to
    /// skip it with exit 0, and `boleto make` copied it to its output).
    @Test func aRecordKindThatIsNotAStringIsRefused() {
        let samples = repoRoot + "/Fixtures/samples/reconcile/"
        let runs: [(args: [String], code: String)] = [
            (["boleto", "make", "--as-of", "2026-01-01"], "boleto.record"),
            (["export", "csv", "--columns", "nosso_numero"], "export.record"),
            (["update", "--as-of", "2026-11-23", "--rules", samples + "regras.json", "--index", samples + "indice-ilustrativo.csv"], "update.record"),
            (["convert", "--layout", "erp/titulos-abertos", "--to", "flat"], "convert.record"),
            (["reconcile", "--agreements", samples + "acordos.jsonl", "--as-of", "2026-11-23"], "reconcile.record"),
            (["letters", "render", "--format", "text", "--template", repoRoot + "/Fixtures/samples/letters/cobranca-30.txt"], "letters.record"),
            (["cnab", "write", "--bank", "237", "--format", "400", "--date", "2026-03-02", "--sequence", "1"], "write.record"),
        ]
        for (value, column) in [("1", 11), (#"["title"]"#, 11), ("null", 11)] {
            let input = Array((#"{"record":"# + value + "}\n").utf8)
            for (args, code) in runs {
                let r = troca(args, stdin: input)
                #expect(r.status == .dataError, "\(args) \(value): \(r.stderrText)")
                #expect(r.stderrText.contains("-:1:\(column): error: [\(code)] \"record\" is "), "\(args) \(value): \(r.stderrText)")
                // (Export still writes its header row, reconcile its agreements' statuses.)
                #expect(!r.stdoutText.contains(#""record":"# + value), "\(args) \(value): \(r.stdoutText)")
            }
        }
    }
}
