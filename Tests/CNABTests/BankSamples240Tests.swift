import CNAB
import FixedWidth
import Foundation
import Records
import Testing

/// Our own CNAB 240 samples per bank (Fixtures/samples/cnab240/<bank>/, written from the layouts
/// by scripts/gen-cnab240-samples.py): each is read with its bank's layout, clean; the retorno
/// carries one título per event; the remessa is written back byte for byte and simulated.
@Suite struct BankSamples240Tests {
    static let banks = ["001", "033", "085", "104", "237", "341", "748", "756"]

    /// Header 164-166 and batch header 14-16 per bank, as cnab-boleto-facts §A.13 lists them
    /// (Sicoob's retorno batch: 044).
    static let versions: [String: (file: String, batch: String, retornoBatch: String)] = [
        "001": ("084", "043", "043"), "033": ("040", "030", "030"), "085": ("087", "045", "045"), "104": ("101", "060", "060"),
        "237": ("084", "042", "042"), "341": ("040", "030", "030"), "748": ("081", "040", "040"), "756": ("081", "040", "044"),
    ]

    /// The payers the generator gives títulos 1 and 3, as it is given them (PAYERS there).
    static let accentedName = "José da Conceição Araújo"
    static let longName = "JOAO PEDRO DE ALCANTARA FRANCISCO ANTONIO JOAO CARLOS XAVIER DE PAULA MIGUEL RAFAEL"
    static let faces = [19990, 135075, 8800, 250000]

    static func sample(_ bank: String, _ file: String) -> [UInt8] {
        WriterTests.bytes("Fixtures/samples/cnab240/\(bank)/\(file)")
    }

    static func records(_ lines: [[UInt8]], _ kind: String, part: String? = nil) -> [[String: Any]] {
        lines.map(WriterTests.object).filter { $0["record"] as? String == kind && (part == nil || $0["part"] as? String == part) }
    }

    static func name(_ o: [String: Any]) -> String? { (o["payer"] as? [String: Any])?["name"] as? String }

    @Test("each bank's 240 samples are read with its own layout: 240-byte CRLF lines, no diagnostic, nothing rejected", arguments: banks)
    func readsWithOwnLayout(bank: String) throws {
        for (file, direction) in [("remessa.rem", "remessa"), ("retorno.ret", "retorno")] {
            let bytes = Self.sample(bank, file)
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            #expect(lines.last?.isEmpty == true, "\(file) ends with CRLF")
            #expect(lines.dropLast().allSatisfy { $0.count == 241 && $0.last == 0x0D && $0.allSatisfy { $0 < 0x80 } }, "\(bank) \(file)")
            let parsed = try WriterTests.parse(bytes)
            let s = parsed.summary
            #expect(s.layout == "cnab240/\(bank)/\(direction)" && s.direction == direction && s.bank == bank)
            #expect(!parsed.diagnostics.contains { $0.code.rawValue == "cnab.generic-layout" })
            #expect(parsed.diagnostics.isEmpty, "\(bank) \(file): \(parsed.diagnostics.map(\.formatted))")
            #expect(s.rejected == 0 && !s.fatal && s.skipped == 0)
            #expect(s.lines == lines.count - 1 && s.lines == s.written + s.rejected)
            #expect(s.titles == 4, "\(bank) \(file): 4 títulos")
            // Both headers carry the bank's layout version codes.
            let v = try #require(Self.versions[bank])
            #expect(Self.records(parsed.lines, "file", part: "header").first?["layout_version"] as? String == v.file)
            let batch = direction == "remessa" ? v.batch : v.retornoBatch
            #expect(Self.records(parsed.lines, "batch", part: "header").first?["batch_layout_version"] as? String == batch)
            // One batch; the file trailer counts every line.
            let trailer = try #require(Self.records(parsed.lines, "file", part: "trailer").first)
            #expect(trailer["batch_count"] as? Int == 1 && trailer["record_count"] as? Int == s.lines)
        }
    }

    @Test(
        "the remessa: 4 títulos of P, Q and R (Santander's first also Y-03), the payers' names as the writer writes them", arguments: banks)
    func remessa(bank: String) throws {
        let bytes = Self.sample(bank, "remessa.rem")
        let segments = bytes.split(separator: 0x0A).filter { $0[$0.startIndex + 7] == UInt8(ascii: "3") }.map {
            Character(Unicode.Scalar($0[$0.startIndex + 13]))
        }
        #expect(String(segments) == (bank == "033" ? "PQRYPQRPQRPQR" : "PQRPQRPQRPQR"))
        let parsed = try WriterTests.parse(bytes)
        let titles = Self.records(parsed.lines, "title")
        try #require(titles.count == 4)
        #expect(titles.map { $0["amount_cents"] as? Int } == Self.faces)
        #expect(titles.allSatisfy { $0["code"] as? String == "01" && $0["movement"] as? String == "register" })
        #expect(Set(titles.compactMap { $0["nosso_numero"] as? String }).count == 4, "distinct nossos números")
        #expect(titles.allSatisfy { ($0["fine"] as? [String: Any])?["value"] as? Int == 200 }, "segment R: the fine")
        // Título 1: accents dropped, uppercase ASCII; título 3: the name cut to Q's 40 bytes.
        #expect(Self.name(titles[0]) == "JOSE DA CONCEICAO ARAUJO")
        let address = try #require((titles[0]["payer"] as? [String: Any])?["address"] as? [String: Any])
        #expect(address["street"] as? String == "RUA DAS ACACIAS 120" && address["district"] as? String == "JARDIM AMERICA")
        #expect(Self.name(titles[2]) == String(Self.longName.prefix(40)) && Self.longName.count > 40)
        // …which is what `troca cnab write` makes of the names as given.
        let given = [Self.accentedName, Self.longName].map {
            #"{"record":"title","nosso_numero":"1","due_date":"2026-04-10","amount_cents":100,"payer":{"document_type":"cpf","document":"40341118010","name":"\#($0)"}}"#
        }
        let written = try WriterTests.write(Array(given.joined(separator: "\n").utf8), bank: bank)
        #expect(written.diagnostics.map(\.code.rawValue) == ["write.truncated"], "\(written.diagnostics.map(\.formatted))")
        let back = Self.records(try WriterTests.parse(written.bytes).lines, "title").map(Self.name)
        #expect(back == [Self.name(titles[0]), Self.name(titles[2])])
        // Santander: the first título's boleto Pix key and txid (case kept).
        if bank == "033" {
            let pix = try #require(titles[0]["pix"] as? [String: Any])
            #expect(pix["key_type"] as? String == "2" && pix["key"] as? String == "11222333000181")
            #expect(pix["txid"] as? String == "TrocaSample20260302Pix0000000001")
            #expect(titles.dropFirst().allSatisfy { $0["pix"] == nil })
        }
    }

    @Test(
        "the retorno: registered, rejected, paid, written_off in that order, with the paid amounts and the trailer's totals",
        arguments: banks)
    func retorno(bank: String) throws {
        let parsed = try WriterTests.parse(Self.sample(bank, "retorno.ret"))
        let events = Self.records(parsed.lines, "event")
        try #require(events.count == 4)
        #expect(events.map { $0["event"] as? String } == ["registered", "rejected", "paid", "written_off"])
        // FEB240 C044 (pp.152-153): 02 entrada confirmada, 03 entrada rejeitada, 06 liquidação, 09 baixa.
        #expect(events.map { $0["code"] as? String } == ["02", "03", "06", "09"])
        #expect(events.map { $0["face_cents"] as? Int } == Self.faces)
        #expect(events.map { $0["document_number"] as? String } == ["DOC0001", "DOC0002", "DOC0003", "DOC0004"])
        #expect(events.allSatisfy { $0["occurrence_date"] as? String == "2026-04-15" })
        // The rejection's reason from table A (C047): 48 CEP inválido.
        let reasons = events[1]["reasons"] as? [[String: Any]]
        #expect(reasons?.count == 1 && reasons?.first?["code"] as? String == "48" && reasons?.first?["text"] as? String == "CEP inválido")
        // Paid: face + 1,50 interest; 2,50 fee; credited the day after.
        let paid = events[2]
        #expect(paid["interest_cents"] as? Int == 150 && paid["fee_cents"] as? Int == 250)
        #expect(paid["paid_cents"] as? Int == 8950 && paid["credited_cents"] as? Int == 8700)
        #expect(paid["credit_date"] as? String == "2026-04-16")
        #expect(events.filter { $0["paid_cents"] as? Int != 0 }.count == 1, "only the paid título has a paid amount")
        // The names, as in the remessa.
        #expect(Self.name(events[0]) == "JOSE DA CONCEICAO ARAUJO")
        #expect(Self.name(events[2]) == String(Self.longName.prefix(40)))
        // The batch trailer counts the títulos and totals their face values (C070/C071), and its
        // records the layout's way (Santander: the detail records only).
        let trailer = try #require(Self.records(parsed.lines, "batch", part: "trailer").first)
        #expect((trailer["simple"] as? [String: Any])?["count"] as? Int == 4)
        #expect((trailer["simple"] as? [String: Any])?["total_cents"] as? Int == Self.faces.reduce(0, +))
        let details = bank == "033" ? 9 : 8
        #expect(trailer["record_count"] as? Int == (bank == "033" ? details : details + 2))
        if bank == "033" {
            let pix = try #require(events[0]["pix"] as? [String: Any])
            #expect(pix["location"] as? String == "qrpix.santander.com.br/qr/v2/cobv/5f2a9c1e")
            #expect(pix["txid"] as? String == "TrocaSample20260302Pix0000000001")
        }
    }

    @Test("write(parse(remessa)) gives each bank's 240 remessa back byte for byte", arguments: banks)
    func roundTrip(bank: String) throws {
        let original = Self.sample(bank, "remessa.rem")
        let parsed = try WriterTests.parse(original)
        let (written, summary, diagnostics) = try WriterTests.write(
            Array(parsed.lines.joined(separator: [0x0A])), bank: bank, sequence: nil)
        #expect(summary.layout == "cnab240/\(bank)/remessa" && summary.titles == 4 && summary.rejected == 0)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.formatted))")
        let outcome = try RoundTripTests.outcome(original, bank: bank, format: .cnab240)
        #expect(written == original && outcome == "exact", "\(outcome)")
    }

    @Test("cnab simulate of each bank's 240 remessa reads back clean, with every título", arguments: banks)
    func simulate(bank: String) throws {
        let remessa = Self.sample(bank, "remessa.rem")
        let titles = Self.records(try WriterTests.parse(remessa).lines, "title")
        let (retorno, summary) = try SimulatorTests.simulate(remessa, paidPerMillion: 1_000_000, date: CivilDate(year: 2020, month: 1, day: 1)!)
        #expect(summary.layout == "cnab240/\(bank)/retorno")
        #expect(summary.titles == 4 && summary.registered == 4 && summary.paid == 4 && summary.rejected == 0)
        let back = try WriterTests.parse(retorno)
        #expect(back.summary.layout == "cnab240/\(bank)/retorno" && back.summary.rejected == 0 && !back.summary.fatal)
        #expect(back.diagnostics.isEmpty, "\(back.diagnostics.map(\.formatted))")
        let events = Self.records(back.lines, "event")
        #expect(events.filter { $0["event"] as? String == "registered" }.count == 4)
        let paid = events.filter { $0["event"] as? String == "paid" }
        #expect(paid.count == 4 && paid.allSatisfy { ($0["paid_cents"] as? Int) == ($0["face_cents"] as? Int) })
        #expect(Set(paid.compactMap { $0["face_cents"] as? Int }) == Set(Self.faces))
        for key in ["document_number", "nosso_numero"] {
            let sent = Set(titles.compactMap { $0[key] as? String })
            #expect(sent.count == 4 && sent == Set(events.compactMap { $0[key] as? String }), "\(key)")
        }
    }

    /// The CNAB 240 samples (`gen-cnab240-samples.py`) and the CNAB 400 ones (`gen-cnab400.py`):
    /// a layout change that moves a sample's bytes must come with the regenerated sample.
    @Test(
        "the samples on disk are what their generator writes from the layouts (--check)",
        arguments: ["scripts/gen-cnab240-samples.py", "scripts/gen-cnab400.py"])
    func generatorCheck(script: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", WriterTests.root.appendingPathComponent(script).path, "--check"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
    }
}
