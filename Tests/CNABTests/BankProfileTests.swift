import CNAB
import FixedWidth
import Foundation
import Records
import Testing

/// What each bank's CNAB 240 profile writes that FEBRABAN's does not: its layout version codes
/// and, for Bradesco, its nosso número area.
@Suite struct BankProfileTests {
    static let title =
        #"{"record":"title","nosso_numero":"1","due_date":"2026-12-20","amount_cents":100,"payer":{"document_type":"cpf","document":"40341118010","name":"X"}}"#

    /// Header 164-166 and batch header 14-16, as cnab-boleto-facts §A.13 lists them from the
    /// manuals (BRD240 p.8/13, ITA240 p.7-8, SAN240, CX240 pp.23-24, SCB sheets 05/06, BB
    /// Particularidades 2023); a bank without a layout of its own keeps FEBRABAN v10.6's 103/060.
    @Test(
        "every bank's remessa carries its own layout version codes",
        arguments: [
            ("001", "084", "043"), ("033", "040", "030"), ("104", "101", "060"), ("237", "084", "042"),
            ("341", "040", "030"), ("748", "081", "040"), ("756", "081", "040"), ("085", "087", "045"), ("999", "103", "060"),
        ])
    func versionCodes(bank: String, file: String, batch: String) throws {
        let (bytes, summary, diagnostics) = try WriterTests.write(Array(Self.title.utf8), bank: bank)
        #expect(summary.titles == 1, "\(diagnostics)")
        let lines = bytes.split(separator: 0x0A).map { Array($0) }
        #expect(String(decoding: lines[0][163..<166], as: UTF8.self) == file)
        #expect(String(decoding: lines[1][13..<16], as: UTF8.self) == batch)
        // The remessa number (NSA) is in both headers: 158-163 and the batch's 184-191 (G079).
        #expect(String(decoding: lines[0][157..<163], as: UTF8.self) == "000007")
        #expect(String(decoding: lines[1][183..<191], as: UTF8.self) == "00000007")
    }

    /// BRD240 p.14: P and T 38-40 carteira, 41-45 zeros, 46-56 nosso número, 57 its DV. The
    /// títulos carry BRD400 p.17's worked DVs (carteira 19: NN 2 → 8, 1 → P, 6 → 0).
    @Test("Bradesco 240: the nosso número area is carteira, zeros, número and DV, written, read and simulated back")
    func bradescoNossoNumero() throws {
        let input = WriterTests.bytes("Fixtures/cnab-write/0004-bradesco-240/titles.jsonl")
        let (bytes, summary, diagnostics) = try WriterTests.write(input, bank: "237", sequence: 3)
        #expect(summary.titles == 3 && diagnostics.isEmpty, "\(diagnostics)")
        let lines = bytes.split(separator: 0x0A).map { Array($0.dropLast()) }
        let areas = lines.filter { $0[13] == UInt8(ascii: "P") }.map { String(decoding: $0[37..<57], as: UTF8.self) }
        #expect(areas == ["01900000000000000028", "0190000000000000001P", "01900000000000000060"])
        #expect(!bytes.contains(0x1A), "the 0x1A end-of-file byte is Bradesco 400's (BRD400 p.8), not 240's")

        let parsed = try WriterTests.parse(bytes)
        #expect(parsed.summary.rejected == 0 && !parsed.diagnostics.contains { $0.code.rawValue == "cnab.generic-layout" })
        #expect(parsed.summary.layout == "cnab240/237/remessa")
        let titles = parsed.lines.map(WriterTests.object).filter { $0["record"] as? String == "title" }
        #expect(titles.map { $0["nosso_numero"] as? String } == ["00000000002", "00000000001", "00000000006"])
        #expect(titles.map { $0["nosso_numero_digit"] as? String } == ["8", "P", "0"])
        #expect(titles.allSatisfy { $0["bank_carteira"] as? String == "019" })

        let (retorno, _) = try SimulatorTests.simulate(bytes, paidPerMillion: 1_000_000)
        let back = try WriterTests.parse(retorno)
        #expect(back.summary.layout == "cnab240/237/retorno" && back.summary.rejected == 0, "\(back.diagnostics)")
        let events = back.lines.map(WriterTests.object).filter { $0["record"] as? String == "event" }
        // Every título confirmed, and (--paid 1) every one paid too.
        #expect(events.filter { $0["event"] as? String == "registered" }.count == 3, "\(events)")
        #expect(events.filter { $0["event"] as? String == "paid" }.count == 3, "\(events)")
        #expect(Set(events.compactMap { $0["nosso_numero"] as? String }) == ["00000000002", "00000000001", "00000000006"])
        #expect(events.allSatisfy { $0["bank_carteira"] as? String == "019" })
        let t = retorno.split(separator: 0x0A).map { Array($0) }.filter { $0.count > 14 && $0[13] == UInt8(ascii: "T") }
        #expect(Set(t.map { String(decoding: $0[37..<57], as: UTF8.self) }) == Set(areas))
    }

    /// Santander's boleto Pix in CNAB 240 (H7815, cnab-boleto-facts §D.2): a Y-03 segment after P
    /// and Q carries the key type (81), the DICT key (82-158) and the txid (159-193); the retorno's
    /// Y-03, after T and U, carries the QR Code's location (82-158) and the txid.
    @Test("Santander 240 Y-03: the Pix key and txid are written and read; the retorno's location and txid are read")
    func santanderPix() throws {
        let txid = "Troca20261130nn000000000001x"
        let title =
            #"{"record":"title","code":"01","nosso_numero":"1234567","due_date":"2026-12-20","amount_cents":10000,"payer":{"document_type":"cpf","document":"40341118010","name":"JOSE"},"pix":{"key_type":"2","key":"15213972000131","txid":"\#(txid)"}}"#
        let (bytes, summary, diagnostics) = try WriterTests.write(Array(title.utf8), bank: "033")
        #expect(summary.titles == 1 && diagnostics.isEmpty, "\(diagnostics)")
        let lines = bytes.split(separator: 0x0A).map { Array($0.dropLast()) }
        let y = try #require(lines.first { $0[13] == UInt8(ascii: "Y") })
        #expect(String(decoding: y[17..<19], as: UTF8.self) == "03")
        #expect(String(decoding: y[80..<81], as: UTF8.self) == "2")
        #expect(String(decoding: y[81..<158], as: UTF8.self) == "15213972000131".padding(toLength: 77, withPad: " ", startingAt: 0))
        #expect(String(decoding: y[158..<193], as: UTF8.self) == txid.padding(toLength: 35, withPad: " ", startingAt: 0))
        let parsed = try WriterTests.parse(bytes)
        let back = try #require(parsed.lines.map(WriterTests.object).first { $0["record"] as? String == "title" })
        let pix = try #require(back["pix"] as? [String: Any])
        #expect(pix["key_type"] as? String == "2" && pix["key"] as? String == "15213972000131" && pix["txid"] as? String == txid)

        // The retorno, written from an event as `cnab simulate` writes them.
        let location = "qrpix.santander.com.br/qr/v2/cobv/9d36b84f"
        let event =
            #"{"record":"event","code":"02","nosso_numero":"1234567","due_date":"2026-12-20","face_cents":10000,"payer":{"document_type":"cpf","document":"40341118010","name":"JOSE"},"pix":{"location":"\#(location)","txid":"\#(txid)"}}"#
        var options = CNABWriteOptions(format: .cnab240, bank: "033", date: CivilDate(year: 2026, month: 11, day: 30)!, fileSequence: 1)
        options.direction = "retorno"
        var found: [Diagnostic] = []
        let (retorno, written) = try CNABWriter(library: LayoutLibrary(), options: options).write(
            MemorySource(Array(event.utf8)), file: "events.jsonl", diagnostics: DiagnosticSink { found.append($0) })
        #expect(written.titles == 1 && found.isEmpty, "\(found)")
        let y3 = try #require(retorno.split(separator: 0x0A).map { Array($0) }.first { $0.count > 14 && $0[13] == UInt8(ascii: "Y") })
        #expect(String(decoding: y3[81..<158], as: UTF8.self).hasPrefix(location))
        let read = try WriterTests.parse(retorno)
        #expect(read.summary.layout == "cnab240/033/retorno" && read.summary.rejected == 0, "\(read.diagnostics)")
        let got = try #require(read.lines.map(WriterTests.object).first { $0["record"] as? String == "event" })
        let gotPix = try #require(got["pix"] as? [String: Any])
        #expect(gotPix["location"] as? String == location && gotPix["txid"] as? String == txid)
    }

    /// Optional segments are written from the values that need them, each in its own record:
    /// the specific Y-01 and Y-53 imply their kind, the generic Y and S carry theirs, a value a
    /// record's selector does not accept is no reason to write that record, and a título read
    /// back from them is written again byte for byte.
    @Test("optional segments: Y-01, Y-53, a generic Y beside a Y-01, S of each type, written and read back the same")
    func optionalSegments() throws {
        let payer = #""payer":{"document_type":"cpf","document":"40341118010","name":"JOSE"}"#
        let guarantor = #""guarantor":{"document_type":"cpf","document":"40341118010","name":"AVALISTA","address":{"street":"RUA A","city":"CIDADE"}}"#
        let cases: [(extra: String, segments: [String])] = [
            (guarantor, ["P", "Q", "Y01"]),
            (#""optional":{"kind":"50","content":"RATEIO 123"}"#, ["P", "Q", "Y50"]),
            (guarantor + #","optional":{"kind":"03","content":"CONTATO@EXEMPLO.COM"}"#, ["P", "Q", "Y01", "Y03"]),
            (#""partial_payment":{"kind":"01","count":2}"#, ["P", "Q", "Y53"]),
            (#""print":{"kind":"2","line":"05","text":"NO VERSO"}"#, ["P", "Q", "S2"]),
            (#""print":{"message_5":"NAO RECEBER APOS O VENCIMENTO"}"#, ["P", "Q", "S3"]),
            (#""print":{"kind":"7","content":"OUTRO TIPO"}"#, ["P", "Q", "S7"]),
        ]
        for (n, c) in cases.enumerated() {
            let title =
                #"{"record":"title","code":"01","nosso_numero":"\#(n + 1)","due_date":"2026-12-20","amount_cents":10000,\#(payer),\#(c.extra)}"#
            let (bytes, summary, diagnostics) = try WriterTests.write(Array(title.utf8), bank: "999")
            #expect(summary.titles == 1 && diagnostics.isEmpty, "\(c.extra): \(diagnostics)")
            let details = bytes.split(separator: 0x0A).map { Array($0) }.filter { $0[7] == UInt8(ascii: "3") }
            let segments = details.map { line -> String in
                let segment = String(UnicodeScalar(line[13]))
                switch segment {
                case "Y": return "Y" + String(decoding: line[17..<19], as: UTF8.self)
                case "S": return "S" + String(decoding: line[17..<18], as: UTF8.self)
                default: return segment
                }
            }
            #expect(segments == c.segments, "\(c.extra)")
            let parsed = try WriterTests.parse(bytes)
            #expect(parsed.summary.rejected == 0, "\(parsed.diagnostics)")
            let (again, _, againFound) = try WriterTests.write(Array(parsed.lines.joined(separator: [0x0A])), bank: "999", sequence: nil)
            #expect(again == bytes && againFound.isEmpty, "\(c.extra): \(againFound)")
        }
    }
}
