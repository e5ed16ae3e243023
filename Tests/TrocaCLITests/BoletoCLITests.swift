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
        #expect(records[0]["nosso_numero"] as? String == "5666124578002")
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
        #expect(r["nosso_numero"] as? String == "5666124578002")
        #expect(r["barcode"] as? String == made.first?["barcode"] as? String)
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
