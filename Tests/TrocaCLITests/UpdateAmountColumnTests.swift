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
}
