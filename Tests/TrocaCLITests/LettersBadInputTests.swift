import Foundation
import Testing
import TrocaCLI

/// Bad input to `letters select` and `render` that a fuzz review found mishandled: amounts that
/// are not amounts printed as R$ 0,00, control characters printed into text and PDF pages, a
/// summary that did not add up, an account error blamed on every party, rejects at column 0.
@Suite struct LettersBadInputTests {
    /// The first job of the render golden (Maria, cobranca-30: two títulos, a boleto).
    static let job: String = {
        let text = String(decoding: bytes(repoRoot + "/Fixtures/letters-render/0001-text/stdin"), as: UTF8.self)
        return String(text.split(separator: "\n")[0])
    }()

    /// `line` with the first `"key":value` whose value starts with `old` given `new` instead,
    /// and the 1-based column of the new value.
    static func replacing(_ key: String, _ old: String, with new: String, in line: String) -> (String, Int) {
        let range = line.range(of: "\"\(key)\":\(old)")!
        let valueStart = line.utf8.distance(from: line.startIndex, to: range.lowerBound) + key.utf8.count + 3
        return (line.replacingCharacters(in: range, with: "\"\(key)\":\(new)"), valueStart + 1)
    }

    static func render(_ format: String, _ line: String) -> RunResult {
        troca(["letters", "render", "--format", format, "--as-of", "2026-11-23"] + allTemplates, stdin: Array((line + "\n").utf8), cwd: lettersSamples)
    }

    static let formats = ["text", "lst", "pdf"]

    @Test func theSampleJobRendersInEveryFormat() {
        for format in Self.formats {
            let r = Self.render(format, Self.job)
            #expect(r.status == .ok, "\(format): \(r.stderrText)")
        }
    }

    /// titles[0].amount_cents (125000) as something else: rejected at its column, in every
    /// format, exit 65; no letter with R$ 0,00 and totals that do not add up.
    @Test(arguments: [#""abc""#, "1.5", "null", "1e308", #""125000""#, "-9223372036854775808", "-1"])
    func aBadAmountRejectsTheJob(_ value: String) {
        let (line, column) = Self.replacing("amount_cents", "125000", with: value, in: Self.job)
        for format in Self.formats {
            let r = Self.render(format, line)
            #expect(r.status == .dataError, "\(format) \(value): \(r.stderrText)")
            let reason =
                value == "null"
                ? "[letters.missing-value] titles[0] has no amount_cents: the statement needs each título's face value (cobranca-30.txt:"
                : "[letters.value] titles[0].amount_cents: expected integer centavos 0…999999999999999, found \(value)\n"
            // null is an absent value: said at the título that lacks it.
            let at = value == "null" ? Array(line.utf8).firstRange(of: Array(#"[{"document_number":"NF-1001""#.utf8))!.lowerBound + 2 : column
            #expect(r.stderrText.contains("troca: -:1:\(at): error: \(reason)"), "\(format) \(value): \(r.stderrText)")
            #expect(r.stderrText.contains("read 1 records: 0 letters rendered, 1 rejected, 0 skipped; 0 pages"), "\(format): \(r.stderrText)")
            #expect(!r.stdoutText.contains("R$ 0,00"))
        }
    }

    /// `days_overdue` is a whole number: "vencidos há até abc dias" is not printed.
    @Test(arguments: ["job", "title"]) func aBadCountRejectsTheJob(_ which: String) {
        // The job's days_overdue comes first in the line, titles[0]'s next (both 34).
        var line = Self.job
        var column = 0
        if which == "job" {
            (line, column) = Self.replacing("days_overdue", "34", with: #""abc""#, in: line)
        } else {
            let first = line.range(of: #""days_overdue":34"#)!
            let rest = String(line[first.upperBound...])
            let (changed, c) = Self.replacing("days_overdue", "34", with: #""abc""#, in: rest)
            line = String(line[..<first.upperBound]) + changed
            column = line.utf8.distance(from: line.startIndex, to: first.upperBound) + c
        }
        let path = which == "job" ? "days_overdue" : "titles[0].days_overdue"
        for format in Self.formats {
            let r = Self.render(format, line)
            #expect(r.status == .dataError, "\(format): \(r.stderrText)")
            #expect(
                r.stderrText.contains(#"troca: -:1:\#(column): error: [letters.value] \#(path): expected a whole number 0…999999999, found "abc""#),
                "\(format): \(r.stderrText)")
            #expect(!r.stdoutText.contains("abc dias"))
        }
    }

    /// A control character in payer.name: rejected the same way in text, LST and PDF (the text
    /// output had an extra form feed, a page the summary did not count).
    @Test(arguments: [(#"Maria\fJoana"#, "000C"), (#"Maria\rJoana"#, "000D"), (#"Maria\u0000Joana"#, "0000"), (#"Maria\u001bJoana"#, "001B")])
    func aControlCharacterRejectsTheJob(_ name: String, _ code: String) {
        let (line, column) = Self.replacing("name", #""Maria da Conceição Araújo""#, with: "\"\(name)\"", in: Self.job)
        for format in Self.formats {
            let r = Self.render(format, line)
            #expect(r.status == .dataError, "\(format): \(r.stderrText)")
            #expect(
                r.stderrText.contains("troca: -:1:\(column): error: [letters.value] payer.name: holds a control character (U+\(code), character 6)"),
                "\(format): \(r.stderrText)")
            #expect(r.stderrText.contains("0 letters rendered, 1 rejected"), "\(format): \(r.stderrText)")
            #expect(!r.stdout.contains(0x0C))
        }
    }

    /// A line that is not JSON is counted apart from the títulos: records read = títulos +
    /// agreements + other + those lines; it read "2 records: 1 títulos → … 1 rejected".
    @Test func aLineThatIsNotJSONIsCountedApart() throws {
        let dir = try lettersWorkdir()
        let first = String(String(decoding: bytes(dir + "/titulos.jsonl"), as: UTF8.self).split(separator: "\n")[0])
        let r = troca(
            ["letters", "select", "--ladder", "regua.json", "--as-of", "2026-11-23"], stdin: Array((first + "\n" + #"{"record":"title","# + "\n").utf8), cwd: dir)
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("troca: -:2:"), "\(r.stderrText)")
        #expect(
            r.stderrText.contains(
                "letters select: -: read 2 records: 1 títulos → 1 in 1 letters, 0 not yet due, 0 skipped (in a current agreement 0, "
                    + "below the minimum balance 0, already sent this step 0, not on a ladder step 0), 0 rejected; 0 agreements, 0 other, "
                    + "1 malformed (rejected)\n"), "\(r.stderrText)")
        #expect(r.records.count == 1)
    }

    /// A ladder whose boleto account no boleto can be made on fails when it is loaded (exit 78),
    /// instead of rejecting every party's letter (exit 65).
    @Test func aLadderBankWithoutALayoutIsAConfigError() throws {
        let dir = try lettersWorkdir()
        let ladder = String(decoding: bytes(dir + "/regua.json"), as: UTF8.self).replacingOccurrences(of: #""bank": "237""#, with: #""bank": "999""#)
        #expect(ladder.contains(#""bank": "999""#))
        try Data(ladder.utf8).write(to: URL(fileURLWithPath: dir + "/regua.json"))
        let r = troca(["letters", "select", "--ladder", "regua.json", "--as-of", "2026-11-23", "titulos.jsonl"], cwd: dir)
        #expect(r.status == .config)
        #expect(
            r.stderrText.hasPrefix(
                #"troca: regua.json: error: [letters.ladder] boleto: no boleto can be made on this account (nosso_numero_from 7000001): [boleto.bank] no campo livre layout for bank "999""#
            ), "\(r.stderrText)")
        #expect(!r.stderrText.contains("letters.boleto"))
        #expect(r.stdout.isEmpty)
    }

    /// `select` makes no job `render` would refuse (it was recorded as sent by --commit all the
    /// same): a payer's name with a form feed rejects the party; a sender with an escape in the
    /// ladder is the ladder's error.
    @Test func selectMakesNoJobRenderWouldRefuse() throws {
        let dir = try lettersWorkdir()
        let first = String(String(decoding: bytes(dir + "/titulos.jsonl"), as: UTF8.self).split(separator: "\n")[0])
        let (line, column) = Self.replacing("name", #""Maria da Conceição Araújo""#, with: #""Maria\fJoana""#, in: first)
        let r = troca(["letters", "select", "--ladder", "regua.json", "--as-of", "2026-11-23"], stdin: Array((line + "\n").utf8), cwd: dir)
        #expect(r.status == .dataError)
        #expect(
            r.stderrText.contains(
                "troca: -:1:\(column): error: [letters.value] the letter could not be rendered: payer.name: holds a control character (U+000C, character 6)"),
            "\(r.stderrText)")
        #expect(r.stderrText.contains("1 títulos → 0 in 0 letters, 0 not yet due, 0 skipped"), "\(r.stderrText)")
        #expect(r.stdout.isEmpty)

        let ladder = String(decoding: bytes(dir + "/regua.json"), as: UTF8.self).replacingOccurrences(
            of: #""name": "Cobrança Exemplo Ltda""#, with: #""name": "Cobrança\u001b[31m Exemplo Ltda""#)
        try Data(ladder.utf8).write(to: URL(fileURLWithPath: dir + "/regua.json"))
        let l = troca(["letters", "select", "--ladder", "regua.json", "--as-of", "2026-11-23", "titulos.jsonl"], cwd: dir)
        #expect(l.status == .config)
        #expect(
            l.stderrText.hasPrefix("troca: regua.json: error: [letters.ladder] sender.name: holds a control character (U+001B, character 9)"),
            "\(l.stderrText)")
        #expect(l.stderrText.hasSuffix("(the sender is copied into every letter)\n"), "\(l.stderrText)")
    }

    /// Rejects of `select` carry a 1-based column: the value's, else the object that lacks it,
    /// else the record's start (it was 0 for a missing due_date, and for a party's reasons).
    @Test func selectRejectsHaveAColumn() throws {
        let dir = try lettersWorkdir()
        let lines = [
            #"{"record":"title","document_number":"NF-9999","amount_cents":1000,"payer":{"document":"52998224725","name":"Maria"}}"#,
            #"   {"record":"title","document_number":"NF-9998","due_date":"2026-10-01","payer":{"document":"52998224725","name":"Maria"}}"#,
            #"{"record":"title","document_number":"NF-9997","due_date":"2026-10-01","amount_cents":1000,"payer":{}}"#,
        ]
        let r = troca(
            ["letters", "select", "--ladder", "regua.json", "--as-of", "2026-11-23", "--rejects", "rej.jsonl"],
            stdin: Array(lines.joined(separator: "\n").utf8), cwd: dir)
        #expect(r.status == .dataError)
        let payer = Array(lines[2].utf8).firstRange(of: Array(#""payer":"#.utf8))!.upperBound + 1
        #expect(r.stderrText.contains("troca: -:1:1: error: [letters.title] due_date: expected a date YYYY-MM-DD, it is missing"), "\(r.stderrText)")
        #expect(r.stderrText.contains("troca: -:2:4: error: [letters.title] amount_cents: expected integer centavos ≥ 0"), "\(r.stderrText)")
        #expect(r.stderrText.contains("troca: -:3:\(payer): error: [letters.title] title has no payer.document or payer.name"), "\(r.stderrText)")
        let rejects = String(decoding: bytes(dir + "/rej.jsonl"), as: UTF8.self)
        #expect(!rejects.contains(#""column":0"#), "\(rejects)")
    }
}
