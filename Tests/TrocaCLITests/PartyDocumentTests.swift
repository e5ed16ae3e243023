import Foundation
import Testing
import TrocaCLI

/// `reconcile` and `update` compare a party's CPF/CNPJ punctuation aside (`DocumentText.key`),
/// and warn about one that is not valid, keeping the record. They compared the raw text: a
/// payment of "111.444.777-35" did not find the agreement of "11144477735" (rule 3), update
/// made two demonstrativos for one party, and "123" passed without a word.
@Suite struct PartyDocumentTests {
    static func agreement(_ id: String, _ party: String) -> String {
        #"{"record":"agreement","id":"\#(id)","party_document":"\#(party)","created_on":"2026-09-01","total_cents":10000,"installments":[{"number":1,"due_date":"2026-11-10","amount_cents":10000}]}"#
    }

    static func payment(_ party: String, cents: Int = 10000) -> String {
        #"{"record":"payment","payer":{"document":"\#(party)"},"paid_cents":\#(cents),"payment_date":"2026-11-10"}"#
    }

    func reconcile(agreements: [String], payments: [String]) throws -> RunResult {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (agreements.joined(separator: "\n") + "\n").write(toFile: dir + "/acordos.jsonl", atomically: true, encoding: .utf8)
        return troca(
            ["reconcile", "--agreements", "acordos.jsonl", "--as-of", "2026-11-20"], stdin: Array((payments.joined(separator: "\n") + "\n").utf8),
            cwd: dir)
    }

    static func column(_ line: String, after member: String) -> Int {
        line.distance(from: line.startIndex, to: line.range(of: member)!.upperBound) + 1
    }

    @Test(arguments: [
        ("11144477735", "111.444.777-35"), ("111.444.777-35", "11144477735"), ("11.222.333/0001-81", "11222333000181"),
        ("12ABC34501DE35", "12.abc.345/01de-35"),
    ])
    func ruleThreeFindsTheAgreementPunctuationAside(agreementDocument: String, paymentDocument: String) throws {
        let r = try reconcile(agreements: [Self.agreement("A1", agreementDocument)], payments: [Self.payment(paymentDocument)])
        #expect(r.status == .ok, "\(r.stderrText)")
        let match = try #require(r.records.first { $0["record"] as? String == "match" })
        #expect(match["outcome"] as? String == "exact", "\(match)")
        #expect(match["rule"] as? String == "party_amount_date")
        #expect(match["agreement_id"] as? String == "A1")
        #expect(!r.stderrText.contains("warning"), "\(r.stderrText)")
    }

    @Test func invalidDocumentsAreWarnedAboutAndKept() throws {
        let agreements = [Self.agreement("A1", "11144477735"), Self.agreement("A2", "123")]
        let payments = [Self.payment("111.444.777-36"), Self.payment("123", cents: 10000)]
        let r = try reconcile(agreements: agreements, payments: payments)
        // Warnings only: nothing is rejected, the exit is 0.
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(
            r.stderrText.contains(
                "acordos.jsonl:2:\(Self.column(agreements[1], after: #""party_document":"#)): warning: [agreement.document] party_document \"123\" is not a valid CPF or CNPJ: expected a CPF (11 digits) or a CNPJ (14 characters), found 3 characters"
            ), "\(r.stderrText)")
        #expect(
            r.stderrText.contains(
                "-:1:\(Self.column(payments[0], after: #""document":"#)): warning: [reconcile.payment-document] payer.document \"11144477736\" is not a valid CPF or CNPJ: its CPF check digits do not match"
            ), "\(r.stderrText)")
        #expect(r.stderrText.contains("-:2:\(Self.column(payments[1], after: #""document":"#)): warning: [reconcile.payment-document]"), "\(r.stderrText)")
        // Kept, and compared as written: "123" still finds the agreement of "123".
        let matches = r.records.filter { $0["record"] as? String == "match" }
        #expect(matches.count == 2)
        #expect(matches.contains { $0["agreement_id"] as? String == "A2" && $0["outcome"] as? String == "exact" })
        #expect(matches.contains { $0["outcome"] as? String == "unmatched" })
    }

    @Test func updateGivesOneDemonstrativoPerPartyAndWarnsAboutInvalidDocuments() throws {
        let titles = [
            #"{"record":"title","document_number":"A","due_date":"2026-11-01","amount_cents":1000,"payer":{"document":"529.982.247-25"}}"#,
            #"{"record":"title","document_number":"B","due_date":"2026-11-01","amount_cents":2000,"payer":{"document":"52998224725"}}"#,
            #"{"record":"title","document_number":"C","due_date":"2026-11-01","amount_cents":3000,"payer":{"document":"52998224726"}}"#,
        ]
        let r = troca(
            ["update", "--as-of", "2026-11-23", "--rules", "Fixtures/samples/reconcile/regras.json", "--index", "Fixtures/samples/reconcile/indice-ilustrativo.csv"],
            stdin: Array((titles.joined(separator: "\n") + "\n").utf8))
        #expect(r.status == .ok, "\(r.stderrText)")
        let statements = r.records.filter { $0["record"] as? String == "demonstrativo" }
        #expect(statements.count == 2, "\(r.stdoutText)")
        let one = try #require(statements.first { $0["party_document"] as? String == "52998224725" })
        #expect(one["titles"] as? Int == 2 && one["principal_cents"] as? Int == 3000)
        #expect(r.records.filter { $0["record"] as? String == "update" }.map { $0["party_document"] as? String } == ["52998224725", "52998224725", "52998224726"])
        #expect(
            r.stderrText.contains(
                "-:3:\(Self.column(titles[2], after: #""document":"#)): warning: [update.document] payer.document \"52998224726\" is not a valid CPF or CNPJ: its CPF check digits do not match"
            ), "\(r.stderrText)")
        #expect(r.stderrText.components(separatedBy: "warning:").count == 2, "\(r.stderrText)")
        #expect(r.stderrText.contains("read 3 records: 3 written, 0 rejected"), "\(r.stderrText)")
    }
}
