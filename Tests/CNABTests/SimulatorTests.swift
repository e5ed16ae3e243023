import CNAB
import FixedWidth
import Foundation
import Records
import Testing

/// `cnab simulate`: a remessa → a retorno of its bank that reads back clean, with every título in it.
@Suite struct SimulatorTests {
    static let date = CivilDate(year: 2026, month: 3, day: 1)!

    static func simulate(_ bytes: [UInt8], paidPerMillion: Int = 500_000, seed: UInt64 = 1, date: CivilDate = date) throws -> (
        [UInt8], CNABSimulateSummary
    ) {
        try CNABSimulator.simulate(
            MemorySource(bytes), file: "rem", library: LayoutLibrary(), options: CNABSimulateOptions(paidPerMillion: paidPerMillion, seed: seed, date: date),
            diagnostics: DiagnosticSink { _ in })
    }

    static func objects(_ lines: [[UInt8]]) -> [[String: Any]] {
        lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any] }
    }

    @Test("each bank's retorno reads back clean: every título confirmed, a share paid", arguments: [
        "Fixtures/samples/REMESSA-240.rem", "Fixtures/samples/cnab400/001/remessa.rem", "Fixtures/samples/cnab400/033/remessa.rem",
        "Fixtures/samples/cnab400/104/remessa.rem", "Fixtures/samples/cnab400/237/remessa.rem", "Fixtures/samples/cnab400/341/remessa.rem",
        "Fixtures/samples/cnab400/748/remessa.rem", "Fixtures/samples/cnab400/756/remessa.rem",
    ])
    func banks(path: String) throws {
        let remessa = WriterTests.bytes(path)
        let titles = Self.objects(try WriterTests.parse(remessa).lines).filter { $0["record"] as? String == "title" }
        let (retorno, summary) = try Self.simulate(remessa, paidPerMillion: 1_000_000, date: CivilDate(year: 2020, month: 1, day: 1)!)
        #expect(summary.titles == titles.count && summary.registered == titles.count && summary.paid == titles.count)
        let back = try WriterTests.parse(retorno)
        #expect(back.summary.direction == "retorno" && back.summary.rejected == 0 && !back.summary.fatal)
        #expect(!back.diagnostics.contains { $0.severity == .error }, "\(back.diagnostics.map(\.formatted))")
        let events = Self.objects(back.lines).filter { $0["record"] as? String == "event" }
        #expect(events.filter { $0["event"] as? String == "registered" }.count == titles.count)
        let paid = events.filter { $0["event"] as? String == "paid" }
        #expect(paid.count == titles.count)
        #expect(paid.allSatisfy { ($0["paid_cents"] as? Int) == ($0["face_cents"] as? Int) && $0["credit_date"] as? String == "2020-01-02" })
        // Every título's own number comes back.
        let sent = Set(titles.compactMap { $0["document_number"] as? String })
        #expect(!sent.isEmpty && sent == Set(events.compactMap { $0["document_number"] as? String }))
    }

    @Test("the same seed gives the same bytes; the paid share follows --paid")
    func deterministic() throws {
        let remessa = WriterTests.bytes("Fixtures/samples/cnab400/237/remessa.rem")
        #expect(try Self.simulate(remessa, seed: 9).0 == Self.simulate(remessa, seed: 9).0)
        #expect(try Self.simulate(remessa, paidPerMillion: 0).1.paid == 0)
        let seeds = try (1...20).map { try Self.simulate(remessa, paidPerMillion: 500_000, seed: $0).1.paid }
        #expect(Set(seeds).count > 1, "different seeds pay different títulos")
    }

    @Test("a título already due is rejected with a reason from the bank's table")
    func rejected() throws {
        let remessa = WriterTests.bytes("Fixtures/samples/REMESSA-240.rem")
        let (retorno, summary) = try Self.simulate(remessa, date: CivilDate(year: 2099, month: 1, day: 1)!)
        #expect(summary.rejected == summary.titles && summary.registered == 0)
        let events = Self.objects(try WriterTests.parse(retorno).lines).filter { $0["record"] as? String == "event" }
        #expect(events.count == summary.titles)
        for e in events {
            #expect(e["event"] as? String == "rejected")
            #expect(((e["reasons"] as? [[String: Any]])?.first?["text"] as? String)?.lowercased().contains("vencimento") == true, "\(e)")
        }
    }

    @Test("a retorno is not a remessa")
    func notRemessa() {
        #expect(throws: CNABSimulator.Failure.self) { try Self.simulate(WriterTests.bytes("Fixtures/samples/RETORNO-240.ret")) }
    }
}
