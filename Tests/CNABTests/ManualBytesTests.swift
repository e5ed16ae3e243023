import CNAB
import FixedWidth
import Foundation
import Records
import Testing

/// Bytes the manuals fix, as `cnab write` writes them from títulos that do not give them
/// (layout `default`s, and the Sicredi trailer repeating the header's código do beneficiário),
/// and a título's own value winning where the field has an output path.
@Suite struct ManualBytesTests {
    /// The records of a written file, without their CR LF.
    static func records(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x0A).map { Array($0.filter { $0 != 0x0D && $0 != 0x1A }) }
    }

    /// Positions `from`…`to` (1-based, inclusive, as the manuals print them) of `record`.
    static func at(_ record: [UInt8], _ from: Int, _ to: Int) -> String {
        String(decoding: record[(from - 1)..<to], as: UTF8.self)
    }

    static func write(_ lines: [String], format: CNABFormat, bank: String) throws -> [[UInt8]] {
        let (bytes, summary, diagnostics) = try WriterTests.write(Array(lines.joined(separator: "\n").utf8), format: format, bank: bank)
        #expect(summary.rejected == 0, "\(diagnostics.map(\.formatted))")
        return records(bytes)
    }

    static let payer = #""payer":{"document_type":"cpf","document":"12345678909","name":"MARIA DA SILVA","address":{"street":"RUA A 1","cep":"30421150"}}"#

    // MARK: Sicredi CNAB 400

    static let sicrediHeader = #"{"record":"file","part":"header","convenio":"12345","company":{"document":"11222333000181"}}"#
    static func sicrediTitle(_ extra: String = "") -> String {
        #"{"record":"title","code":"01","carteira":"A","nosso_numero":"262010010","document_number":"DOC1","due_date":"2026-04-10","amount_cents":19990,"issue_date":"2026-03-02","species":"A","acceptance":"N",\#(extra)\#(payer)}"#
    }

    @Test("Sicredi 400: detail 2, 4 and 72 and the letter flags 17-19 are the manual's, header 391-394 is 2.00")
    func sicredi400Defaults() throws {
        let r = try Self.write([Self.sicrediHeader, Self.sicrediTitle()], format: .cnab400, bank: "748")
        try #require(r.count == 3)
        // SIC400 §9.1 header 391-394 versão do sistema "2.00" (BoletoNetCore BancoSicredi; LB Sicredi.php).
        #expect(Self.at(r[0], 391, 394) == "2.00")
        // SIC400 §9.2 / cnab-boleto-facts B.2: 2 `A` com registro, 4 `A` impressão normal,
        // 17 moeda `A`, 18 desconto `A` valor, 19 juros `A` valor; 72 postagem `N` (BoletoNetCore, LB).
        #expect(Self.at(r[1], 1, 4) == "1AAA")
        #expect(Self.at(r[1], 17, 19) == "AAA")
        #expect(Self.at(r[1], 72, 72) == "N")
    }

    @Test("Sicredi 400: a título's own flags win over the defaults")
    func sicredi400TitleWins() throws {
        let r = try Self.write(
            [Self.sicrediHeader, Self.sicrediTitle(#""interest":{"code":"B","value":0},"discount":{"code":"B","value":0},"#)],
            format: .cnab400, bank: "748")
        #expect(Self.at(r[1], 17, 19) == "ABB")
    }

    @Test("Sicredi 400: the trailer's 6-10 is the header's código do beneficiário when the input gives no trailer")
    func sicredi400Trailer() throws {
        // cnab-boleto-facts B.6 (SIC400): trailer 2 `1`, 3-5 `748`, 6-10 código do beneficiário
        // (BoletoNetCore trailer 0006,005; LB Sicredi.php trailer 6-10 the conta, as header 27-31).
        let r = try Self.write([Self.sicrediHeader, Self.sicrediTitle()], format: .cnab400, bank: "748")
        #expect(Self.at(r[2], 1, 10) == "9174812345")
        #expect(Self.at(r[0], 27, 31) == "12345")
        // A trailer record's own value is kept.
        let given = try Self.write(
            [Self.sicrediHeader, Self.sicrediTitle(), #"{"record":"file","part":"trailer","convenio":"54321"}"#], format: .cnab400, bank: "748")
        #expect(Self.at(given[2], 1, 10) == "9174854321")
    }

    // MARK: CNAB 240 segment P

    /// A título each bank's remessa layout writes (its nosso número and account in its fields).
    static func title240(_ bank: String, _ extra: String = "") -> String {
        let account: String
        switch bank {
        case "001": account = #""agency":"3214","account":"123456","convenio":"1234567","nosso_numero":"12345670000001001","carteira":"7","bank_carteira":"17","#
        case "104": account = #""agency":"1234","convenio":"123456","nosso_numero":"14000000000001001","#
        case "756": account = #""agency":"3069","account":"123456","convenio":"123456","nosso_numero":"000001001","#
        default: account = #""agency":"1234","account":"12345","convenio":"12345","nosso_numero":"1001","#
        }
        return #"{"record":"title",\#(account)"document_number":"DOC1","due_date":"2026-04-10","amount_cents":100,\#(extra)\#(payer)}"#
    }

    /// Sicoob 240 P 38-47: the nosso número right-aligned with zeros, its DV at 47, as every
    /// Sicoob 240 remessa of the corpus has it (`0000157804`, `0012345678`): a 7-digit number
    /// from boleto make was written left-aligned with blanks before its DV.
    @Test func sicoob240NossoNumeroIsZeroFilled() throws {
        let title = #"{"record":"title","agency":"3069","account":"123456","convenio":"123456","nosso_numero":"0000021","nosso_numero_digit":"8","document_number":"DOC1","due_date":"2026-04-10","amount_cents":100,\#(Self.payer)}"#
        let r = try Self.write([title], format: .cnab240, bank: "756")
        #expect(Self.at(try #require(Self.segmentP(r)), 38, 47) == "0000000218")
    }

    static func segmentP(_ records: [[UInt8]]) -> [UInt8]? {
        records.first { $0.count == 240 && $0[7] == UInt8(ascii: "3") && $0[13] == UInt8(ascii: "P") }
    }

    @Test(
        "CNAB 240 P: 228-229 código da moeda 09 (G065) and 59 forma de cadastramento 1 (C007) when the título gives none",
        arguments: [("999", "1"), ("001", "1"), ("104", "1"), ("237", "1"), ("748", "1"), ("085", "0"), ("756", "0")])
    func segmentPDefaults(bank: String, form: String) throws {
        // FEB240 v10.6 p.55 (cnab-boleto-facts A.5): 228-229 G065 `09` real; 59 C007 `1` registrada.
        // Every corpus remessa of these banks has 09; 59 is 1 but Sicoob's 0 (BRC
        // remessa/cnab240/sicoob.rb forma_cadastramento '0'; br_boleto, pyCobranca, eduardordm
        // samples) and Ailos's mixed, so those two keep what the título gives (0 without).
        let r = try Self.write([Self.title240(bank)], format: .cnab240, bank: bank)
        let p = try #require(Self.segmentP(r))
        #expect(Self.at(p, 228, 229) == "09")
        #expect(Self.at(p, 59, 59) == form)
        // The título's own values win.
        let given = try Self.write([Self.title240(bank, #""currency":"02","registration_form":"2","#)], format: .cnab240, bank: bank)
        let q = try #require(Self.segmentP(given))
        #expect(Self.at(q, 228, 229) == "02")
        #expect(Self.at(q, 59, 59) == "2")
    }

    // MARK: Banco do Brasil CNAB 240

    @Test("BB 240: the bank's carteira (17) at header 46-47 and batch header 47-48, C006's (7) at P 58, and back")
    func bancoDoBrasilCarteira() throws {
        // BRC remessa/cnab240/banco_brasil.rb (cnab-boleto-facts A.10): header convênio block
        // convênio (9) + 0014 + carteira (2) + variação (3); P 58 C006. The corpus BB remessas have
        // batch header 47-48 12 or 17 with P 58 7.
        let header = #"{"record":"file","part":"header","convenio":"1234567","bank_carteira":"17","carteira_variation":"019"}"#
        let r = try Self.write([header, Self.title240("001", #""carteira_variation":"019","#)], format: .cnab240, bank: "001")
        try #require(r.count == 6)
        #expect(Self.at(r[0], 46, 50) == "17019")
        #expect(Self.at(r[1], 47, 51) == "17019")
        #expect(Self.at(try #require(Self.segmentP(r)), 58, 58) == "7")
        let parsed = try WriterTests.parse(r.map { $0 + [0x0D, 0x0A] }.joined().map { $0 })
        let objects = parsed.lines.map(WriterTests.object)
        #expect(objects.first { $0["record"] as? String == "file" }?["bank_carteira"] as? String == "17")
        #expect(objects.first { $0["record"] as? String == "batch" }?["bank_carteira"] as? String == "17")
        #expect(objects.first { $0["record"] as? String == "title" }?["carteira"] as? String == "7")
    }

    // MARK: Caixa CNAB 240

    @Test("Caixa 240: the convênio alone fills header 59-64, batch header 34-39 and 60-65, and P 24-29")
    func caixaBeneficiario() throws {
        // CX240 (cnab-boleto-facts A.10): código do beneficiário at P 24-29; header de arquivo
        // 59-64 and header de lote 34-39 and 60-65 carry the same code (every Caixa remessa of the
        // corpus repeats it in all four).
        let r = try Self.write([Self.title240("104")], format: .cnab240, bank: "104")
        try #require(r.count == 6)
        // Without a file record, the file header has no convênio; the batch header takes the título's.
        #expect(Self.at(r[1], 34, 39) == "123456")
        #expect(Self.at(r[1], 60, 65) == "123456")
        #expect(Self.at(try #require(Self.segmentP(r)), 24, 29) == "123456")
        let header = #"{"record":"file","part":"header","convenio":"654321"}"#
        let withHeader = try Self.write([header, Self.title240("104")], format: .cnab240, bank: "104")
        #expect(Self.at(withHeader[0], 59, 64) == "654321")
        // Read back: one path, `convenio`, in file, batch and title.
        let parsed = try WriterTests.parse(withHeader.map { $0 + [0x0D, 0x0A] }.joined().map { $0 })
        let objects = parsed.lines.map(WriterTests.object)
        #expect(objects.first { $0["record"] as? String == "file" }?["convenio"] as? String == "654321")
        #expect(objects.first { $0["record"] as? String == "batch" }?["convenio"] as? String == "123456")
        #expect(objects.first { $0["record"] as? String == "title" }?["convenio"] as? String == "123456")
        #expect(!parsed.lines.contains { String(decoding: $0, as: UTF8.self).contains("beneficiary_code") })
    }

    @Test("a same_as field's value that does not fit is refused once, by the field it repeats")
    func sameAsSaysItOnce() throws {
        // A batch header record whose convenio "1234567" (7 digits) fits neither 34-39 nor 60-65
        // (6 each): the header cannot be written, and 60-65 (same_as 34-39) adds no second
        // problem of its own.
        let batch = #"{"record":"batch","part":"header","convenio":"1234567"}"#
        var said = ""
        do {
            let (_, _, diagnostics) = try WriterTests.write(Array((batch + "\n" + Self.title240("104")).utf8), format: .cnab240, bank: "104")
            said = diagnostics.filter { $0.severity == .error }.map(\.message).joined(separator: "\n")
        } catch {
            said = "\(error)"
        }
        #expect(said.contains("codigo_convenio"), "\(said)")
        #expect(!said.contains("codigo_beneficiario"), "\(said)")
    }

    @Test("Caixa 240 retorno: the código do beneficiário of batch header 60-65 and T 24-29 is read as convenio")
    func caixaRetorno() throws {
        let parsed = try WriterTests.parse(WriterTests.bytes("Fixtures/samples/cnab240/104/retorno.ret"))
        let objects = parsed.lines.map(WriterTests.object)
        #expect(objects.first { $0["record"] as? String == "batch" }?["convenio"] as? String == "123456")
        #expect(objects.filter { $0["record"] as? String == "event" }.allSatisfy { $0["convenio"] as? String == "123456" })
    }

    // MARK: CNAB 400 headers and fixed codes

    @Test(
        "CNAB 400 remessa header 80-94: the bank's name when the input gives none",
        arguments: [
            ("001", "BANCODOBRASIL  "), ("033", "SANTANDER      "), ("104", "C ECON FEDERAL "), ("237", "BRADESCO       "),
            ("341", "BANCO ITAU SA  "), ("748", "SICREDI        "), ("756", "BANCOOBCED     "),
        ])
    func bankName400(bank: String, name: String) throws {
        // cnab-boleto-facts B.1 (80-94 nome do banco); the literals as laravel-boleto writes them
        // and the corpus remessas carry them (Sicoob: brcobranca and pyCobranca; Caixa: LB,
        // Boleto.Net and brcobranca; Sicredi: the SIC400 literal as LB and others write it).
        let options = CNABWriteOptions(format: .cnab400, bank: bank, date: CivilDate(year: 2026, month: 11, day: 30)!)
        let (bytes, _) = try CNABWriter(library: LayoutLibrary(), options: options).write(
            MemorySource([]), file: "-", diagnostics: DiagnosticSink { _ in })
        let r = Self.records(bytes)
        #expect(Self.at(r[0], 77, 94) == bank + name)
        // The input's own name wins.
        let given = try Self.write([#"{"record":"file","part":"header","convenio":"12345","bank_name":"OUTRO NOME"}"#], format: .cnab400, bank: bank)
        #expect(Self.at(given[0], 80, 94) == "OUTRO NOME     ")
    }

    @Test("Caixa 400 detail 394 moeda 1 and Sicoob 400 detail 75-76 parcela 01 when the título gives none")
    func fixedCodes400() throws {
        // cnab-boleto-facts B.2: Caixa (CX400 Anexo II) 394 moeda `1`; Sicoob (SCB 03) 75-76
        // parcela, 01 a parcela única (brcobranca and pyCobranca samples).
        // (The beneficiário's inscrição, 02-17 of both details, is required: given here.)
        let title =
            #"{"record":"title","nosso_numero":"1001","document_number":"DOC1","due_date":"2026-04-10","amount_cents":100,\#(Self.payer),"#
            + #""company":{"document_type":"cnpj","document":"15213972000131"}}"#
        let caixa = try Self.write([title], format: .cnab400, bank: "104")
        #expect(Self.at(caixa[1], 394, 394) == "1")
        let sicoob = try Self.write([title], format: .cnab400, bank: "756")
        #expect(Self.at(sicoob[1], 75, 76) == "01")
    }

    // MARK: Itaú CNAB 240

    @Test("Itaú 240: header 71 and batch header 72 blank, the agência/conta DAC at 72 and 73, even given an account digit")
    func itauHeaderDAC() throws {
        // ITA240 (cnab-boleto-facts A.10: P 36 blank, 37 DAC); laravel-boleto Cnab240 Itau header
        // 71 blank, 72 DAC; the Trust-Code/kmee remessas and the eduardordm retorno of the corpus.
        let header = #"{"record":"file","part":"header","agency":"1234","account":"12345","account_digit":"9","account_agency_digit":"6"}"#
        let title = #"{"record":"title","agency":"1234","account":"12345","account_digit":"9","account_agency_digit":"6","carteira":"109","nosso_numero":"1001","document_number":"DOC1","due_date":"2026-04-10","amount_cents":100,\#(Self.payer)}"#
        let r = try Self.write([header, title], format: .cnab240, bank: "341")
        #expect(Self.at(r[0], 71, 72) == " 6")
        #expect(Self.at(r[1], 72, 73) == " 6")
        #expect(Self.at(try #require(Self.segmentP(r)), 36, 37) == " 6")
    }
}
