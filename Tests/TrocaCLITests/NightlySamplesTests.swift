import Foundation
import Testing

/// The demo's bundled sample set (Fixtures/samples/nightly, written by
/// scripts/gen-nightly-samples.py) and the one import it depends on.
@Suite struct NightlySamplesTests {
    /// A change to the generator must come with the regenerated files, and the reverse.
    @Test("the nightly samples on disk are what gen-nightly-samples.py writes (--check)")
    func generatorCheck() throws {
        let r = try run("python3", [repoRoot + "/scripts/gen-nightly-samples.py", "--check"])
        #expect(r.status == 0, "\(r.output)")
    }

    /// The títulos map carries the Bradesco account as constants (agency 01234-5, account
    /// 000000012345-6, convênio, bank carteira 09) beside FEBRABAN's 1-digit carteira; every row
    /// of the CSV is taken. First row, by hand: NF-2001, 7001, R$ 3.847,65 → 384765 centavos.
    @Test("the nightly títulos import with the account fields a CNAB 240 título needs")
    func titlesImport() throws {
        let r = troca(["import", "titles", "--map", "Fixtures/samples/nightly/titulos.map.json",
                       "Fixtures/samples/nightly/titulos.csv"])
        #expect(r.status.rawValue == 0, "\(r.stderrText)")
        #expect(r.stderrText.contains("read 60 rows: 60 written, 0 rejected"))
        let first = try #require(r.stdoutText.split(separator: "\n").first)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(o["document_number"] as? String == "NF-2001")
        #expect(o["nosso_numero"] as? String == "7001")
        #expect(o["amount_cents"] as? Int == 384765)
        #expect(o["agency"] as? String == "01234" && o["agency_digit"] as? String == "5")
        #expect(o["account"] as? String == "000000012345" && o["account_digit"] as? String == "6")
        #expect(o["convenio"] as? String == "00000000000001234567")
        #expect(o["bank_carteira"] as? String == "09" && o["carteira"] as? String == "1")
    }
}
