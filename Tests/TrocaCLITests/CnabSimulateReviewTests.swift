import Foundation
import Testing

/// `cnab simulate` findings of a review: a good remessa whose codes are longer in the remessa
/// than in its bank's retorno gets its events, not a refusal of every título.
@Suite struct CnabSimulateReviewTests {
    /// Santander 400 (20-digit código de transmissão, 8-digit conta cobrança in the retorno),
    /// Banrisul 400 (13-character código do cedente, 12 in the retorno's details), Unicred 400
    /// (carteira 021, two bytes in the retorno): each título registered, exit 0, and the fitting
    /// said once per member.
    @Test(
        arguments: [
            ("Maxwbh+pyCobranca/033/cnab400-remessa/tests__fixtures__remessa_santander_cnab400.rem", 2, "convenio \"00000000009876543210\" has 20 characters, the retorno's field 8: written as its last 8, \"76543210\""),
            ("kivanio+brcobranca/041/cnab400-remessa/spec__fixtures__remessa__remessa-banrisul-cnab400.rem", 1, "convenio \"1102900015046\" has 13 characters, the retorno's field 12"),
            ("Brunomm+br_boleto/136/cnab400-remessa/test__fixtures__remessa__cnab400__unicred.rem", 1, "carteira \"021\" has 3 characters, the retorno's field 2: written as its last 2, \"21\""),
        ])
    func longerCodesAreFittedToTheRetorno(file: String, titles: Int, said: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = troca(["cnab", "simulate", corpusRoot + "/" + file, "--date", "2000-01-03", "--output", dir + "/s.ret"])
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains("[simulate.fitted] " + said), "\(r.stderrText)")
        #expect(r.stderrText.components(separatedBy: "[simulate.fitted] " + said.prefix(12)).count == 2, "said once: \(r.stderrText)")
        #expect(r.stderrText.contains("\(titles) títulos → \(titles) registered, 0 paid, 0 rejected ("), "\(r.stderrText)")
        let parsed = troca(["cnab", "parse", dir + "/s.ret"])
        #expect(parsed.status == .ok, "\(parsed.stderrText)")
        #expect(parsed.stdoutText.components(separatedBy: #""record":"event""#).count - 1 == titles)
    }

    /// An enum field left zero (the company's tipo de inscrição of a simulated Bradesco 400
    /// retorno, of BRB's real one), zeros no code of its table, is not filled in: no value, as a
    /// blank field, not "00" with a cnab.enum warning on every parse of a simulated retorno.
    @Test func zerosThatAreNoCodeAreNoValue() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = troca(["cnab", "simulate", repoRoot + "/Fixtures/cnab-simulate/0001-bradesco-400/REM.rem", "--date", "2026-03-06", "--paid", "1", "--output", dir + "/s.ret"])
        #expect(sim.status == .ok, "\(sim.stderrText)")
        let text = try #require(FileManager.default.contents(atPath: dir + "/s.ret"))
        #expect(Array(text[403..<405]) == Array("00".utf8), "the detail's 2–3 are zeros (line 1 and its CRLF are 402 bytes)")
        for file in [dir + "/s.ret", corpusRoot + "/Maxwbh+pyCobranca/070/cnab400-retorno/tests__fixtures__retorno__CNAB400BANCOBRASILIA.RET"] {
            let parsed = troca(["cnab", "parse", file])
            #expect(!parsed.stderrText.contains("cnab.enum"), "\(parsed.stderrText)")
            #expect(parsed.stdoutText.contains(#""record":"event""#))
            #expect(!parsed.stdoutText.contains(#""document_type":"00""#), "\(parsed.stdoutText)")
        }
        // A code the table does not have, not zeros, is still told and kept.
        var bytes = [UInt8](text)
        bytes.replaceSubrange(403..<405, with: Array("07".utf8))
        let odd = troca(["cnab", "parse", "-"], stdin: bytes)
        #expect(odd.stderrText.contains(#"[cnab.enum] tipo_inscricao_empresa is "07""#), "\(odd.stderrText)")
        #expect(odd.stdoutText.contains(#""document_type":"07""#))
    }

    /// A code that is not digits is not fitted, nor is the remessa it came in simulated: the
    /// remessa's own error is what the user sees (fitting is for good codes of another size, not
    /// for turning bad values into good ones).
    @Test func onlyDigitsAreFittedIntoANumericField() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = corpusRoot + "/Maxwbh+pyCobranca/033/cnab400-remessa/tests__fixtures__remessa_santander_cnab400.rem"
        var text = try #require(FileManager.default.contents(atPath: source))
        // The header's código de transmissão (27–46) with a letter in it.
        text[26] = UInt8(ascii: "X")
        FileManager.default.createFile(atPath: dir + "/r.rem", contents: text)
        let r = troca(["cnab", "simulate", dir + "/r.rem", "--date", "2000-01-03", "--output", dir + "/s.ret"])
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("r.rem:1:27: error: [cnab.numeric]"), "\(r.stderrText)")
        #expect(!r.stderrText.contains("simulate.fitted"), "\(r.stderrText)")
    }
}
