import Foundation
import Records
import Testing
import TrocaCLI

/// Configuration files against input data (DESIGN.md's exit codes): a configuration file
/// (rules, index, holidays, ladder, map, template, pipeline) that is missing or cannot be read
/// is exit 78, as a wrong one is; a missing input data file is 66.
@Suite struct ConfigFileTests {
    static let rules = "Fixtures/samples/reconcile/regras.json"
    static let ladder = "Fixtures/samples/letters/regua.json"
    static let titles = "Fixtures/samples/letters/titulos.jsonl"
    static let agreements = "Fixtures/samples/reconcile/acordos.jsonl"

    /// Each command with one configuration file that is not there (`nowhere.*`).
    static let missingConfiguration: [[String]] = [
        ["update", "--as-of", "2026-11-23", "--rules", "nowhere.json", titles],
        ["update", "--as-of", "2026-11-23", "--rules", rules, "--index", "nowhere.csv", titles],
        ["update", "--as-of", "2026-11-23", "--rules", rules, "--holidays", "nowhere.txt", titles],
        ["reconcile", "--agreements", agreements, "--rules", "nowhere.json", titles],
        ["reconcile", "--agreements", agreements, "--holidays", "nowhere.txt", titles],
        ["letters", "select", "--ladder", "nowhere.json", "--as-of", "2026-11-23", titles],
        ["letters", "select", "--ladder", ladder, "--as-of", "2026-11-23", "--rules", "nowhere.json", titles],
        ["letters", "render", "--template", "nowhere.txt", titles],
        ["import", "titles", "--map", "nowhere.json", "Fixtures/samples/imports/titulos.csv"],
        ["import", "agreements", "--map", "nowhere.json", "Fixtures/samples/imports/acordos.csv"],
        [
            "cnab", "simulate", "--holidays", "nowhere.txt", "--paid", "0.5", "--seed", "1", "--date", "2026-11-23",
            "Fixtures/samples/REMESSA-240.rem",
        ],
        ["run", "nowhere.json", titles],
        ["watch", "--config", "nowhere.json", "--once"],
    ]

    @Test(arguments: missingConfiguration)
    func aMissingConfigurationFileIsExit78(args: [String]) {
        let r = troca(args)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText.contains("nowhere."), "\(r.stderrText)")
    }

    /// Each says the system's reason, as a missing input does.
    @Test(arguments: missingConfiguration)
    func aMissingConfigurationFileSaysWhy(args: [String]) {
        let r = troca(args)
        let said = r.stderrText.split(separator: "\n").first.map(String.init) ?? ""
        #expect(said.hasPrefix("troca: nowhere.") && said.hasSuffix(": No such file or directory"), "\(r.stderrText)")
    }

    /// A directory where the rules file should be cannot be read: 78 too, and said so.
    @Test func anUnreadableConfigurationFileIsExit78() {
        let r = troca(["update", "--as-of", "2026-11-23", "--rules", "Fixtures", Self.titles])
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(
            r.stderrText == "troca: Fixtures: error: [config.unreadable] cannot read the rules file: is a directory\n", "\(r.stderrText)")
    }

    /// The same commands with their configuration, reading input data that is not there.
    static let missingInput: [[String]] = [
        [
            "update", "--as-of", "2026-11-23", "--rules", rules, "--index", "Fixtures/samples/reconcile/indice-ilustrativo.csv",
            "nowhere.jsonl",
        ],
        ["reconcile", "--agreements", "nowhere.jsonl", titles],
        ["reconcile", "--agreements", agreements, "nowhere.jsonl"],
        ["letters", "select", "--ladder", ladder, "--as-of", "2026-11-23", "nowhere.jsonl"],
        ["import", "titles", "--map", "maps/titulos.json", "nowhere.csv"],
        ["run", "Fixtures/samples/watch/retorno.json", "nowhere.ret"],
    ]

    @Test(arguments: missingInput)
    func aMissingInputFileIsExit66(args: [String]) {
        let r = troca(args)
        #expect(r.status == .noInput, "\(r.stderrText)")
    }

    /// A wrong configuration file is said as DESIGN.md's diagnostics are, `troca: FILE[:LINE]:
    /// error: [code] message`, by every family of commands that reads one.
    static let wrongConfiguration: [(args: [String], said: String)] = [
        (
            ["update", "--as-of", "2026-11-23", "--rules", "bad-rules.json", "t.jsonl"],
            "troca: bad-rules.json: error: [rules.field] unknown member \"fine\""
        ),
        (
            ["reconcile", "--agreements", "t.jsonl", "--rules", "bad-rules.json", "t.jsonl"],
            "troca: bad-rules.json: error: [rules.field] unknown member \"fine\""
        ),
        (
            [
                "letters", "select", "--ladder", ladder, "--as-of", "2026-11-23", "--rules", "rules.json", "--index", "bad-index.csv",
                "t.jsonl",
            ],
            "troca: bad-index.csv:2: error: [index.rate]"
        ),
        (
            ["letters", "select", "--ladder", ladder, "--as-of", "2026-11-23", "--rules", "correction.json", "t.jsonl"],
            "troca: correction.json: error: [rules.index-missing] the rules ask for correction"
        ),
        (
            ["reconcile", "--agreements", "t.jsonl", "--as-of", "2026-11-23", "--rules", "correction.json", "t.jsonl"],
            "troca: correction.json: error: [rules.index-missing] the rules ask for correction"
        ),
        (
            ["cnab", "simulate", "--holidays", "bad-holidays.txt", "--date", "2026-11-23", "t.jsonl"],
            "troca: bad-holidays.txt:1: error: [holidays.date]"
        ),
        (["import", "titles", "--map", "bad-map.json", "t.jsonl"], "troca: bad-map.json: error: [import.map] unknown key \"columns\""),
        (
            ["run", "bad-pipeline.json", "t.jsonl"],
            "troca: bad-pipeline.json: error: [run.pipeline] $.stages[0].stage: unknown stage \"nope\""
        ),
        (["watch", "--config", "bad-watch.json", "--once"], "troca: bad-watch.json: error: [watch.config] $.rules: expected an array"),
        (
            ["update", "--as-of", "2026-11-23", "--rules", "nowhere.json", "t.jsonl"],
            "troca: nowhere.json: error: [config.unreadable] cannot read the rules file: No such file or directory"
        ),
        (
            ["import", "titles", "--map", "nowhere.json", "t.jsonl"],
            "troca: nowhere.json: error: [config.unreadable] cannot read the column map: No such file or directory"
        ),
        (["run", "nowhere.json", "t.jsonl"], "troca: nowhere.json: error: [run.pipeline] $: cannot read: No such file or directory\n"),
    ]

    @Test(arguments: wrongConfiguration)
    func aWrongConfigurationFileIsSaidAsADiagnostic(args: [String], said: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = [
            "t.jsonl": #"{"record":"title"}"#,
            "bad-rules.json": #"{"fine": 2}"#,
            "rules.json": #"{"fine_percent": 2}"#,
            "correction.json": #"{"fine_percent": 2, "correction": true}"#,
            "bad-index.csv": "2026-01,0.5\n2026-02,abc\n",
            "bad-holidays.txt": "2026-13-01 x\n",
            "bad-map.json": #"{"columns": []}"#,
            "bad-pipeline.json": #"{"stages": [{"stage": "nope"}]}"#,
            "bad-watch.json": #"{"folder": "f", "rules": 3}"#,
        ]
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        let r = troca(args.map { $0 == Self.ladder ? repoRoot + "/" + $0 : $0 }, cwd: dir)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText.hasPrefix(said), "\(r.stderrText)")
    }
}

/// A configuration file in JSON that is not JSON is said at the line and column where it stops
/// being JSON, with a plain message and the code of that file's other errors, by every command
/// that reads one (rules, ladder, column map, pipeline, watch config, a watch rule's pipeline).
@Suite struct ConfigSyntaxTests {
    /// `1` (line 3, column 22) is where it stops being JSON: a colon is missing.
    static let notJSON = "{\n  \"fine_percent\": 2,\n  \"interest_percent\" 1\n}\n"

    static let cases: [(args: [String], said: String)] = [
        (["update", "--as-of", "2026-11-23", "--rules", "bad.json", "t.jsonl"], "bad.json:3:22: error: [rules.json]"),
        (["reconcile", "--agreements", "t.jsonl", "--rules", "bad.json", "t.jsonl"], "bad.json:3:22: error: [rules.json]"),
        (["letters", "select", "--ladder", "bad.json", "--as-of", "2026-11-23", "t.jsonl"], "bad.json:3:22: error: [letters.ladder]"),
        (["import", "titles", "--map", "bad.json", "t.jsonl"], "bad.json:3:22: error: [import.map]"),
        (["import", "agreements", "--map", "bad.json", "t.jsonl"], "bad.json:3:22: error: [import.map]"),
        (["run", "bad.json", "t.jsonl"], "bad.json:3:22: error: [run.pipeline]"),
        (["watch", "--config", "bad.json", "--once"], "bad.json:3:22: error: [watch.config]"),
    ]

    @Test(arguments: cases)
    func aConfigurationThatIsNotJSONIsSaidAtItsLineAndColumn(args: [String], said: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(Self.notJSON.utf8).write(to: URL(fileURLWithPath: dir + "/bad.json"))
        try Data(#"{"record":"title"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/t.jsonl"))
        let r = troca(args, cwd: dir)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText == "troca: \(said) not valid JSON at \"1\"\n", "\(r.stderrText)")
    }

    /// A file that ends inside its JSON is said just past its last byte; a watch rule's pipeline
    /// file is quoted with its own line and column.
    @Test func aFileThatEndsTooSoonAndAPipelineInsideAWatchConfig() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
        let files = [
            "cut.json": "{\"fine_percent\": 2,\n\n",
            "p.json": Self.notJSON,
            "w.json": #"{"folder": "inbox", "rules": [{"pattern": "*.ret", "pipeline": "p.json"}]}"#,
        ]
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        let cut = troca(["update", "--as-of", "2026-11-23", "--rules", "cut.json", "-"], cwd: dir)
        #expect(cut.status == .config)
        #expect(
            cut.stderrText == "troca: cut.json:1:20: error: [rules.json] not valid JSON, the file ends inside it\n", "\(cut.stderrText)")
        let watch = troca(["watch", "--config", "w.json", "--once"], cwd: dir)
        #expect(watch.status == .config)
        #expect(
            watch.stderrText
                == "troca: w.json: error: [watch.config] $.rules[0].pipeline: p.json:3:22: not valid JSON at \"1\"\n",
            "\(watch.stderrText)")
    }
}

/// A member given twice in one object of a configuration file is refused (exit 78) at its second
/// key: one of the two would be silently ignored (`{"fine_percent": 2, "fine_percent": 3}` was
/// read as 3%). Said by every command that reads one, with that file's code.
@Suite struct ConfigRepeatedKeyTests {
    /// The second `fine_percent` (line 3, column 3); nested objects are checked too.
    static let twice = "{\n  \"fine_percent\": 2,\n  \"fine_percent\": 3\n}\n"

    @Test(arguments: [
        (["update", "--as-of", "2026-11-23", "--rules", "twice.json", "t.jsonl"], "twice.json:3:3: error: [rules.json]"),
        (["reconcile", "--agreements", "t.jsonl", "--rules", "twice.json", "t.jsonl"], "twice.json:3:3: error: [rules.json]"),
        (["letters", "select", "--ladder", "twice.json", "--as-of", "2026-11-23", "t.jsonl"], "twice.json:3:3: error: [letters.ladder]"),
        (["import", "titles", "--map", "twice.json", "t.jsonl"], "twice.json:3:3: error: [import.map]"),
        (["run", "twice.json", "t.jsonl"], "twice.json:3:3: error: [run.pipeline]"),
        (["watch", "--config", "twice.json", "--once"], "twice.json:3:3: error: [watch.config]"),
    ] as [([String], String)])
    func aKeyGivenTwiceIsRefusedAtItsSecondUse(args: [String], said: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(Self.twice.utf8).write(to: URL(fileURLWithPath: dir + "/twice.json"))
        try Data(#"{"record":"title"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/t.jsonl"))
        let r = troca(args, cwd: dir)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText.hasPrefix("troca: \(said) \"fine_percent\" is given twice in one object: which one is meant?"), "\(r.stderrText)")
    }

    @Test func nestedAndEscapedKeysAreComparedAsRead() {
        #expect(JSONReader.repeatedKey(inFile: Array(#"{"a":{"x":1,"y":2},"b":{"x":3}}"#.utf8)) == nil)
        let nested = JSONReader.repeatedKey(inFile: Array("{\"a\": [{\"k\": 1,\n \"k\": 2}]}".utf8))
        #expect(nested?.key == "k" && nested?.line == 2 && nested?.column == 2)
        #expect(JSONReader.repeatedKey(inFile: Array(#"{"ab":1,"a\u0062":2}"#.utf8))?.key == "ab")
        #expect(JSONReader.repeatedKey(inFile: Array(#"{"ab":1,"#.utf8)) == nil)
    }
}

