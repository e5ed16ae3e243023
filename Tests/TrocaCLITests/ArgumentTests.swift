import Foundation
import Testing
import TrocaCLI

/// How every command scans its arguments (Arguments.swift): an option's value is never the next
/// option, an option is given once unless it repeats by design, a flag takes no value, and
/// standard input is read once.
@Suite struct ArgumentTests {
    /// `--output --rejects` is `--output` without its value (exit 64), never a file named
    /// `--rejects`; a value that starts with `--` is given as `--output=VALUE`.
    @Test func aMissingValueNeverTakesTheNextOption() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = troca(["cnab", "parse", sampleRetorno, "--output", "--rejects"], cwd: dir)
        #expect(r.status == .usage)
        #expect(r.stderrText.hasPrefix("troca: option --output needs a value, found --rejects"), "\(r.stderrText)")
        #expect(r.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "no file written")
        let last = troca(["cnab", "parse", sampleRetorno, "--output"], cwd: dir)
        #expect(last.status == .usage)
        #expect(last.stderrText.hasPrefix("troca: option --output needs a value\n"), "\(last.stderrText)")
        let separator = troca(["cnab", "parse", "--output", "--", sampleRetorno], cwd: dir)
        #expect(separator.status == .usage, "`--` is no value either")
        let inline = troca(["cnab", "parse", sampleRetorno, "--output=--odd.jsonl"], cwd: dir)
        #expect(inline.status == .ok, "\(inline.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["--odd.jsonl"])
    }

    /// Values that start with one `-` are still values: a negative number reaches its option
    /// (which says what it accepts), and `-` is standard input where an option reads a file.
    @Test func valuesStartingWithOneDashReachTheirOption() throws {
        let negative = troca(["cnab", "parse", sampleRetorno, "--max-rejects", "-5"])
        #expect(negative.status == .usage)
        #expect(negative.stderrText.hasPrefix(#"troca: --max-rejects needs a non-negative number, found "-5""#), "\(negative.stderrText)")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "".write(toFile: dir + "/none.jsonl", atomically: true, encoding: .utf8)
        let agreement =
            #"{"record":"agreement","id":"A1","party_document":"11144477735","created_on":"2026-01-02","total_cents":1000,"installments":[{"number":1,"due_date":"2026-02-01","amount_cents":1000}]}"#
        let stdin = troca(["reconcile", "--agreements", "-", "--as-of", "2026-01-10", "none.jsonl"], stdin: Array((agreement + "\n").utf8), cwd: dir)
        #expect(stdin.status == .ok, "\(stdin.stderrText)")
        #expect(stdin.stdoutText.contains(#""record":"agreement_status""#))
    }

    static let givenTwice: [(args: [String], said: String)] = [
        (["cnab", "parse", sampleRetorno, "--output", "a.json", "--output", "b.json"], #"option --output given twice ("a.json", then "b.json"); it takes one value"#),
        (["cnab", "parse", sampleRetorno, "--output=a.json", "--output", "b.json"], #"option --output given twice ("a.json", then "b.json"); it takes one value"#),
        (["cnab", "parse", sampleRetorno, "--bank", "237", "--bank", "001"], #"option --bank given twice ("237", then "001"); it takes one value"#),
        (["export", "csv", "--columns", "record", "--excel-br", "--excel-br"], "option --excel-br given twice"),
        (["watch", "--config", "w.json", "--once", "--once"], "option --once given twice"),
        (["letters", "select", "--ladder", "a.json", "--ladder", "b.json"], #"option --ladder given twice ("a.json", then "b.json"); it takes one value"#),
    ]

    /// An option given twice was taken silently, the last one winning: now a usage error that
    /// names both, and nothing is written.
    @Test(arguments: givenTwice)
    func anOptionGivenTwiceIsAUsageError(args: [String], said: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = troca(args, stdin: Array("{\"record\":\"x\"}\n".utf8), cwd: dir)
        #expect(r.status == .usage)
        #expect(r.stderrText.hasPrefix("troca: " + said + "\n"), "\(r.stderrText)")
        #expect(r.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    /// The options that repeat by design still do: `letters render --template` (one per step)
    /// and `--layouts DIR` (each directory added in turn, a later one overriding an earlier one).
    @Test func repeatableOptionsRepeat() throws {
        let letters = repoRoot + "/Fixtures/samples/letters/"
        let render = troca(
            ["letters", "render", "--format", "text", "--template", letters + "cobranca-30.txt", "--template", letters + "lembrete-5.txt",
                "--template", letters + "aviso-final-60.txt"],
            stdin: try [UInt8](Data(contentsOf: URL(fileURLWithPath: repoRoot + "/Fixtures/letters-render/0001-text/stdin"))))
        #expect(render.status == .ok, "\(render.stderrText)")
        #expect(!render.stdout.isEmpty)

        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let table = try String(contentsOfFile: repoRoot + "/layouts/cnab240/febraban/occurrences.json", encoding: .utf8)
        for (folder, name) in [("one", "mine/a"), ("one", "mine/both"), ("two", "mine/b"), ("two", "mine/both")] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(folder)/mine", withIntermediateDirectories: true)
            try table.replacingOccurrences(of: "\"name\": \"cnab240/febraban/occurrences\"", with: "\"name\": \"\(name)\"")
                .write(toFile: "\(dir)/\(folder)/\(name).json", atomically: true, encoding: .utf8)
        }
        let list = troca(["layout", "list", "--layouts", "one", "--layouts", "two"], cwd: dir)
        #expect(list.status == .ok, "\(list.stderrText)")
        let rows = list.stdoutText.split(separator: "\n").filter { $0.hasPrefix("mine/") }.map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.map { "\($0[0]) \($0.last!)" } == ["mine/a one/mine/a.json", "mine/b two/mine/b.json", "mine/both two/mine/both.json"])
    }

    /// A pipeline stage is scanned as the command would scan it: an option twice is refused
    /// when the pipeline is loaded (exit 78, naming the stage), before any stage runs.
    @Test func aPipelineStageWithAnOptionTwiceIsRefusedAtLoad() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(#"{"stages": [{"stage": "cnab parse", "args": ["{input}", "--bank", "237", "--bank", "001"]}]}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/p.json"))
        let r = troca(["run", "p.json", sampleRetorno], cwd: dir)
        #expect(r.status == .config)
        #expect(r.stderrText.contains(#"option --bank given twice ("237", then "001"); it takes one value (stage "cnab parse""#), "\(r.stderrText)")
        #expect(r.stdout.isEmpty)
    }

    static let stdinTwice: [[String]] = [
        ["cnab", "parse", "-", "-"],
        ["cnab", "check", "-", sampleRetorno, "-"],
        ["boleto", "decode", "-", "-"],
        ["reconcile", "--agreements", "a.jsonl", "-", "-"],
        ["reconcile", "--agreements", "-", "-"],
        ["reconcile", "--agreements", "-"],
        ["import", "titles", "--map", "maps/titulos.json", "-", "-"],
    ]

    /// `-` twice read standard input twice, the second time empty (`cnab parse - -` said
    /// cnab.empty): a usage error in every command, before anything is read.
    @Test(arguments: stdinTwice)
    func standardInputIsReadOnce(args: [String]) throws {
        let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sampleRetorno)))
        let r = troca(args, stdin: input)
        #expect(r.status == .usage)
        #expect(r.stderrText.hasPrefix("troca: standard input (-) can be read once"), "\(r.stderrText)")
        #expect(r.stdout.isEmpty)
    }

    /// `--name=value` is an option's value; a flag given one is said to take none (it was
    /// called an unknown option).
    @Test func theEqualsFormAndFlags() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inline = troca(["cnab", "parse", sampleRetorno, "--output=out.jsonl", "--format=240"], cwd: dir)
        #expect(inline.status == .ok, "\(inline.stderrText)")
        #expect(FileManager.default.fileExists(atPath: dir + "/out.jsonl"))
        for (args, flag) in [(["reconcile", "--agreements", "a.jsonl", "--check=1"], "check"), (["export", "csv", "--excel-br=yes"], "excel-br")] {
            let r = troca(args, cwd: dir)
            #expect(r.status == .usage)
            #expect(r.stderrText.hasPrefix("troca: option --\(flag) takes no value\n"), "\(r.stderrText)")
        }
        let unknown = troca(["cnab", "parse", "--nope=1"], cwd: dir)
        #expect(unknown.stderrText.hasPrefix("troca: unknown option --nope\n"), "\(unknown.stderrText)")
        // Said once, in `troca help` (and README's options section).
        let help = troca(["help"])
        #expect(help.stdoutText.contains("--name VALUE or --name=VALUE"))
        let readme = try String(contentsOfFile: repoRoot + "/README.md", encoding: .utf8)
        #expect(readme.contains("`--name VALUE` or `--name=VALUE`"))
    }

    /// A misspelt option, layout or map column is answered with the name meant, when one is close
    /// (and only then: `--frobnicate` gets no guess).
    @Test func didYouMean() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let option = troca(["cnab", "parse", sampleRetorno, "--ouput", "x.jsonl"], cwd: dir)
        #expect(option.status == .usage)
        #expect(option.stderrText.hasPrefix("troca: unknown option --ouput (did you mean --output?)\n"), "\(option.stderrText)")
        let far = troca(["cnab", "parse", sampleRetorno, "--frobnicate"], cwd: dir)
        #expect(far.stderrText.hasPrefix("troca: unknown option --frobnicate\n"), "\(far.stderrText)")
        let layout = troca(["layout", "show", "cnab240/febraban/retorn"], cwd: dir)
        #expect(layout.status == .config)
        #expect(
            layout.stderrText.contains(#"unknown layout "cnab240/febraban/retorn" (did you mean "cnab240/febraban/retorno"? see `troca layout list`)"#),
            "\(layout.stderrText)")
        try Data("Documento;Vencimento;Valor;Nosso Numero;Sacado;CPF\n".utf8).write(to: URL(fileURLWithPath: dir + "/T.csv"))
        let map = #"{"record": "title", "fields": [{"column": "Nosso Número", "to": "nosso_numero"}]}"#
        try Data(map.utf8).write(to: URL(fileURLWithPath: dir + "/m.json"))
        let column = troca(["import", "titles", "--map", "m.json", "T.csv"], cwd: dir)
        #expect(column.status == .config)
        #expect(
            column.stderrText.contains(#"column "Nosso Número" (for nosso_numero) is not in the header (did you mean "Nosso Numero"?); the header has: "#),
            "\(column.stderrText)")
        try Data(#"{"record": "title", "fields": [{"colum": "Valor", "to": "amount_cents"}]}"#.utf8).write(to: URL(fileURLWithPath: dir + "/k.json"))
        let key = troca(["import", "titles", "--map", "k.json", "T.csv"], cwd: dir)
        #expect(key.status == .config)
        #expect(key.stderrText.contains(#"fields[0]: unknown key "colum" (did you mean "column"?) (known: "#), "\(key.stderrText)")
    }

    /// `layout list` takes no argument (an extra one was ignored), as `layout show` takes one.
    @Test func layoutListTakesNoArgument() {
        let r = troca(["layout", "list", "extra"])
        #expect(r.status == .usage)
        #expect(r.stderrText.hasPrefix(#"troca: layout list takes no arguments, found "extra""#), "\(r.stderrText)")
        #expect(r.stdout.isEmpty)
    }
}
