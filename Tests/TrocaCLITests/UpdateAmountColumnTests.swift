import Foundation
import Testing
import TrocaCLI

/// An amount past the most `update` takes is reported as a negative one is: at the column where
/// the value starts, naming `amount_cents`. It was reported at column 0, without the field.
@Suite struct UpdateAmountColumnTests {
    @Test func bothBoundsAreReportedAtTheValue() throws {
        let lines = [
            #"{"record":"title","document_number":"HUGE","due_date":"2026-11-01","amount_cents":1000000000000001}"#,
            #"{"record":"title","document_number":"NEGATIVE","due_date":"2026-11-01","amount_cents":-500}"#,
            #"{"record":"title","document_number":"OK","due_date":"2026-11-01","amount_cents":1000}"#,
        ]
        let r = troca(
            ["update", "--as-of", "2026-11-23", "--rules", "Fixtures/samples/reconcile/regras.json", "--index", "Fixtures/samples/reconcile/indice-ilustrativo.csv"],
            stdin: Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(r.status == .dataError)
        func column(_ line: String) -> Int {
            line.distance(from: line.startIndex, to: line.range(of: #""amount_cents":"#)!.upperBound) + 1
        }
        #expect(
            r.stderrText.contains(
                "-:1:\(column(lines[0])): error: [update.amount] expected amount_cents of at most 1000000000000000 (R$ 10 trilhões), found 1000000000000001"),
            "\(r.stderrText)")
        #expect(r.stderrText.contains("-:2:\(column(lines[1])): error: [update.amount] expected amount_cents of zero or more"), "\(r.stderrText)")
        #expect(r.stderrText.contains("read 3 records: 1 written, 2 rejected"), "\(r.stderrText)")
    }

    /// Stopped by --max-rejects, the updates written are kept and no demonstrativo is written (it
    /// would give the títulos read before the stop as the payer's debt), and the summary says
    /// why, not "0 demonstrativos".
    @Test func aStopKeepsTheUpdatesAndSaysWhyNoDemonstrativo() {
        let lines = [
            #"{"record":"title","document_number":"OK-1","due_date":"2026-11-01","amount_cents":10000,"payer":{"document":"52998224725"}}"#,
            #"{"record":"title","document_number":"B1"}"#, #"{"record":"title","document_number":"B2"}"#,
            #"{"record":"title","document_number":"OK-2","due_date":"2026-11-01","amount_cents":500,"payer":{"document":"52998224725"}}"#,
        ]
        let r = troca(
            ["update", "--as-of", "2026-11-23", "--rules", "Fixtures/reconcile/0002-outcomes/regras.json", "--max-rejects", "1"],
            stdin: Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(r.status == .dataError)
        #expect(r.stdoutText.contains(#""record":"update""#) && r.stdoutText.contains("OK-1") && !r.stdoutText.contains("OK-2"))
        #expect(!r.stdoutText.contains("demonstrativo"), "a part of the payer's debt is not written as the whole")
        #expect(r.stderrText.contains("read 3 records: 1 written, 2 rejected, 0 skipped; no demonstrativos (stopped before every título was read)"), "\(r.stderrText)")
    }
}
