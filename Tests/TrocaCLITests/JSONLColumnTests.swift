import Foundation
import Testing

/// A JSONL line that is not JSON is reported at the column of its first bad byte, by every
/// stage that reads JSONL: `FILE:LINE:COL: error: [<stage>.json] expected a JSON object: …`.
@Suite struct JSONLColumnTests {
    /// Line 2 of every input: `x` (column 36) is where it stops being JSON.
    static let badLine = #"{"record":"title","amount_cents":12x,"due_date":"2026-01-01"}"#

    static let stages: [(args: [String], code: String)] = [
        (
            [
                "update", "--as-of", "2026-11-23", "--rules", "Fixtures/samples/reconcile/regras.json", "--index",
                "Fixtures/samples/reconcile/indice-ilustrativo.csv",
            ], "update"
        ),
        (["export", "csv", "--columns", "record"], "export"),
        (["reconcile", "--agreements", "Fixtures/samples/reconcile/acordos.jsonl", "--as-of", "2026-11-23", "-"], "reconcile"),
        (["letters", "select", "--ladder", "Fixtures/samples/letters/regua.json", "--as-of", "2026-11-23"], "letters"),
        (["letters", "render", "--template", "Fixtures/samples/letters/cobranca-30.txt"], "letters"),
        (["convert", "--layout", "erp/titulos-abertos", "--to", "flat"], "convert"),
        (["boleto", "make", "--as-of", "2026-01-01"], "boleto"),
        (["cnab", "write", "--bank", "999", "--format", "240", "--sequence", "1"], "write"),
    ]

    @Test(arguments: stages)
    func aLineThatIsNotJSONIsReportedAtItsFirstBadByte(args: [String], code: String) {
        let r = troca(args, stdin: Array(("\n" + Self.badLine + "\n").utf8))
        #expect(r.status == .dataError, "\(r.stderrText)")
        #expect(
            r.stderrText.contains("troca: -:2:36: error: [\(code).json] expected a JSON object: not valid JSON at \"x\"\n"),
            "\(r.stderrText)")
    }

    /// The line ends inside the JSON (a record cut off): the column just past its end. JSON that
    /// is not an object: the column where it starts.
    @Test func aLineThatEndsTooSoonAndAnArray() {
        let r = troca(
            ["export", "csv", "--columns", "record"], stdin: Array(#"{"record":"title","#.utf8 + [10] + Array("  [1, 2]\n".utf8)))
        #expect(
            r.stderrText.contains("troca: -:1:19: error: [export.json] expected a JSON object: not valid JSON, the line ends inside it\n"),
            "\(r.stderrText)")
        #expect(r.stderrText.contains("troca: -:2:3: error: [export.json] expected a JSON object, found an array\n"), "\(r.stderrText)")
    }

    /// The agreements file of `reconcile` and the history of `letters select` are JSONL too.
    @Test func agreementsAndHistoryLines() throws {
        let dir = try temporaryDirectory()
        try Data(("\n" + Self.badLine + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/acordos.jsonl"))
        let reconcile = troca(["reconcile", "--agreements", "acordos.jsonl", "--as-of", "2026-11-23", "-"], cwd: dir)
        #expect(
            reconcile.stderrText.contains(
                "troca: acordos.jsonl:2:36: error: [agreement.json] expected a JSON object: not valid JSON at \"x\"\n"),
            "\(reconcile.stderrText)")
        let history = #"{"record":"letter_sent","party":"52998224725","step":"lembrete","as_of":"2026-11-23","sequence":1}"#
        try Data((history + "\n" + #"{"record":"letter_sent","party":52998224725"step":"x"}"# + "\n" + history + "\n").utf8)
            .write(to: URL(fileURLWithPath: dir + "/sent.jsonl"))
        let select = troca(
            [
                "letters", "select", "--ladder", repoRoot + "/Fixtures/samples/letters/regua.json", "--as-of", "2026-11-23", "--history",
                "sent.jsonl", "-",
            ],
            stdin: Array(#"{"record":"title"}"#.utf8), cwd: dir)
        #expect(select.status == .dataError, "\(select.stderrText)")
        #expect(
            select.stderrText.contains(
                "troca: sent.jsonl:2:44: error: [letters.history] expected a letter_sent record with party and step: not valid JSON at \"\\\"\"\n"
            ),
            "\(select.stderrText)")
    }
}

/// A record refused for a value of the wrong kind (an object where a field wants text or a
/// number) is reported at that value's column, by every stage that reads such records.
@Suite struct JSONLValueColumnTests {
    static let title =
        #"{"record":"title","bank":"756","agency":"3069","convenio":"1234567","nosso_numero":"1","document_number":"D1","due_date":"2026-07-01","amount_cents":100}"#

    static let cases: [(args: [String], line: String, code: String)] = [
        (["boleto", "make", "--as-of", "2026-01-01"], title.replacingOccurrences(of: #""nosso_numero":"1""#, with: #""nosso_numero":{"x":1}"#), "boleto.field"),
        (
            [
                "update", "--as-of", "2026-11-23", "--rules", "Fixtures/samples/reconcile/regras.json", "--index",
                "Fixtures/samples/reconcile/indice-ilustrativo.csv",
            ], title.replacingOccurrences(of: #""amount_cents":100"#, with: #""amount_cents":{"x":1}"#), "update.title"
        ),
        (
            ["reconcile", "--agreements", "Fixtures/samples/reconcile/acordos.jsonl", "--as-of", "2026-11-23", "-"],
            #"{"record":"payment","nosso_numero":"1","paid_cents":{"x":1},"payment_date":"2026-10-01"}"#, "reconcile.payment-field"
        ),
        (["convert", "--layout", "erp/titulos-abertos", "--to", "flat"], title.replacingOccurrences(of: #""document_number":"D1""#, with: #""document_number":{"x":1}"#), "convert.field"),
    ]

    @Test(arguments: cases)
    func aValueOfTheWrongKindIsReportedAtItsColumn(args: [String], line: String, code: String) throws {
        let r = troca(args, stdin: Array((line + "\n").utf8))
        #expect(r.status == .dataError, "\(r.stderrText)")
        let column = try #require(Array(line.utf8).firstRange(of: Array(#"{"x":1}"#.utf8))).lowerBound + 1
        #expect(r.stderrText.contains("troca: -:1:\(column): error: [\(code)] "), "\(r.stderrText)")
    }
}
