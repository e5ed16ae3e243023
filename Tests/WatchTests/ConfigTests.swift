import Foundation
import Testing

@testable import Watch

@Suite struct ConfigTests {
    /// Each bad pipeline names the JSON path of its bad entry and says what was expected.
    @Test(arguments: [
        (#"{"stages": [{"stage": "upper"}, {"stage": "cnab frob"}]}"#, "$.stages[1].stage", "unknown stage \"cnab frob\""),
        (#"{"stages": [{"stage": "upper", "args": ["-x"]}]}"#, "$.stages[0].args", "upper takes no arguments"),
        (#"{"stages": [{"stage": "cnab parse", "args": [3]}]}"#, "$.stages[0].args[0]", "expected a string, found the number 3"),
        (#"{"stages": [{"stage": "cnab parse", "args": ["{inptu}"]}]}"#, "$.stages[0].args[0]", "unknown placeholder {inptu}"),
        (#"{"stages": [{"stage": "upper"}], "output": "{out}/{name"}"#, "$.output", "unclosed \"{\""),
        (#"{"stages": []}"#, "$.stages", "empty; a pipeline needs at least one stage"),
        (#"{"stage": [{"stage": "upper"}]}"#, "$.stage", "unknown key \"stage\" (did you mean \"stages\"?); expected one of: pipeline, stages, output, description"),
        (#"{"stages": [{"stage": ""}]}"#, "$.stages[0].stage", "expected a non-empty string"),
        (#"{"stages": [{"stage": "upper"}]"#, "$", "not valid JSON"),
        (#"[1]"#, "$", "expected an object, found an array"),
    ])
    func badPipelinesAreRefusedWithTheirJSONPath(json: String, path: String, message: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(json, to: dir + "/p.json")
        let error = #expect(throws: ConfigError.self) { try Pipeline.load(path: dir + "/p.json", name: "p.json", check: testCheck) }
        #expect(error?.file == "p.json")
        #expect(error?.path == path)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test func aGoodPipelineKeepsItsStagesAndTemplates() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(
            #"{"pipeline": "nightly", "stages": [{"stage": "cnab parse", "args": ["{input}", "--rejects", "{out}/{name}.rej"]}, {"stage": "upper"}], "output": "{out}/{name}-{date}.jsonl"}"#,
            to: dir + "/n.json")
        let p = try Pipeline.load(path: dir + "/n.json", check: testCheck)
        #expect(p.name == "nightly")
        #expect(p.stages.map(\.command) == [["cnab", "parse"], ["upper"]])
        #expect(p.directory == dir)
        let values = ["input": "/in/RET0123.ret", "out": "/o", "name": "RET0123", "date": "2026-11-30"]
        #expect(p.stages[0].arguments.map { Template.expand($0, values) } == ["/in/RET0123.ret", "--rejects", "/o/RET0123.rej"])
        #expect(Template.expand(p.output!, values) == "/o/RET0123-2026-11-30.jsonl")
    }

    @Test(arguments: [
        ("RET0123.ret", "RET0123", "RET0123.ret"), ("/a/b/remessa.tar.gz", "remessa.tar", "remessa.tar.gz"),
        ("NOEXT", "NOEXT", "NOEXT"), (".hidden", ".hidden", ".hidden"),
    ])
    func inputNames(path: String, name: String, file: String) {
        let n = Template.names(ofInput: path)
        #expect(n.name == name)
        #expect(n.file == file)
    }

    /// Bad watch configurations: the path of the bad entry (a rule's pipeline file's own error
    /// is quoted inside the rule's path).
    @Test(arguments: [
        (#"{"rules": [{"pattern": "*.txt", "pipeline": "p.json"}]}"#, "$.folder", "missing; expected a string"),
        (#"{"folder": "f", "rules": []}"#, "$.rules", "missing or empty"),
        (#"{"folder": "f", "rules": [{"pattern": "in/*.txt", "pipeline": "p.json"}]}"#, "$.rules[0].pattern", "without \"/\""),
        (#"{"folder": "f", "rules": [{"pattern": ".*", "pipeline": "p.json"}]}"#, "$.rules[0].pattern", "only hidden files"),
        (#"{"folder": "f", "rules": [{"pattern": "*.ok", "pipeline": "p.json"}]}"#, "$.rules[0].pattern", "only .ok markers"),
        (
            #"{"folder": "f", "rules": [{"pattern": "*.txt", "pipeline": "p.json"}, {"pattern": "*.txt", "pipeline": "p.json"}]}"#,
            "$.rules[1].pattern", "repeats $.rules[0].pattern"
        ),
        (
            #"{"folder": "f", "rules": [{"pattern": "*", "pipeline": "p.json"}, {"pattern": "*.ret", "pipeline": "p.json"}]}"#,
            "$.rules[1].pattern", "$.rules[0].pattern \"*\" takes every file first"
        ),
        (
            #"{"folder": "f", "rules": [{"pattern": "*.txt", "pipeline": "missing.json"}]}"#, "$.rules[0].pipeline",
            "missing.json: $: cannot read"
        ),
        (
            #"{"folder": "f", "rules": [{"pattern": "*.txt", "pipeline": "bad.json"}]}"#, "$.rules[0].pipeline",
            "bad.json: $.stages[0].stage: unknown stage \"nope\""
        ),
        (
            #"{"folder": "f", "rules": [{"pattern": "*.txt", "pipeline": {"stages": [{"stage": "nope"}]}}]}"#,
            "$.rules[0].pipeline.stages[0].stage", "unknown stage"
        ),
        (#"{"folder": "f", "poll_seconds": 0, "rules": [{"pattern": "*.txt", "pipeline": "p.json"}]}"#, "$.poll_seconds", "more than 0"),
        (
            #"{"folder": "f", "settle_seconds": "5", "rules": [{"pattern": "*.txt", "pipeline": "p.json"}]}"#, "$.settle_seconds",
            "found the string \"5\""
        ),
        (#"{"folder": "f", "rules": [{"pattern": "*.txt", "pipeline": "p.json", "accept": true}]}"#, "$.rules[0].accept", "unknown key"),
    ])
    func badWatchConfigsAreRefusedWithTheirJSONPath(json: String, path: String, message: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(#"{"stages": [{"stage": "upper"}]}"#, to: dir + "/p.json")
        try write(#"{"stages": [{"stage": "nope"}]}"#, to: dir + "/bad.json")
        try write(json, to: dir + "/w.json")
        let error = #expect(throws: ConfigError.self) { try WatchConfig.load(path: dir + "/w.json", name: "w.json", check: testCheck) }
        #expect(error?.path == path)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test func rulesMatchInOrderAndPathsResolveAgainstTheConfigsDirectory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(#"{"stages": [{"stage": "upper"}]}"#, to: dir + "/sub/p.json")
        try write(
            #"{"folder": "f", "log": "w.log", "rules": [{"pattern": "CB*.RET", "pipeline": "sub/p.json"}, {"pattern": "*.RET", "pipeline": {"pipeline": "other", "stages": [{"stage": "upper"}]}}]}"#,
            to: dir + "/w.json")
        let c = try WatchConfig.load(path: dir + "/w.json", check: testCheck)
        #expect(c.folder == dir + "/f")
        #expect(c.log == dir + "/w.log")
        #expect(c.settleSeconds == 5)
        #expect(c.rule(for: "CB300101.RET")?.pipeline.name == "p")
        #expect(c.rule(for: "X.RET")?.pipeline.name == "other")
        #expect(c.rule(for: "X.ret") == nil, "fnmatch is case-sensitive")
    }
}

@Suite struct JournalTests {
    @Test func entriesSurviveReopeningAndATornLastLineIsSkipped() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/journal.jsonl"
        do {
            let j = try Journal(path: path)
            try j.append(JournalEntry(.claimed, file: "a", work: "1/a", sha256: "aa", size: 1, at: "t1"))
            try j.append(JournalEntry(.done, file: "a", work: "1/a", sha256: "aa", size: 1, outputs: ["out/a.jsonl"], at: "t2"))
            try j.append(JournalEntry(.done, file: "b", work: "2/b", sha256: "aa", size: 1, at: "t3"))
        }
        // A power cut tore the next line.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"event":"claimed","at":"t4","fi"#.utf8))
        try handle.close()
        let j = try Journal(path: path)
        #expect(j.unreadableLines == [4])
        #expect(j.done(hash: "aa")?.file == "a", "the first done of a content is the one kept")
        #expect(j.done(hash: "aa")?.outputs == ["out/a.jsonl"])
        #expect(j.last(work: "1/a")?.event == .done)
        #expect(j.done(hash: "bb") == nil)
        try j.append(JournalEntry(.failed, file: "c", work: "3/c", sha256: "cc", size: 2, reason: "why \"quoted\"", at: "t5"))
        let lines = read(path)!.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 6, "the torn line was ended; the new entry has a line of its own, then the final newline")
        #expect(lines[4] == #"{"event":"failed","at":"t5","file":"c","work":"3/c","sha256":"cc","size":2,"reason":"why \"quoted\""}"#)
        #expect(try Journal(path: path).last(work: "3/c")?.reason == "why \"quoted\"")
    }

    @Test func aJournalLargerThanOneReadIsReadWholeAndKeepsOnlyTheHistoriesAskedFor() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 6,000 done entries of ~185 bytes: ~1.1 MB, read in 1 MiB pieces, so one line straddles.
        var text: [UInt8] = []
        for i in 0..<6000 {
            let hash = String(repeating: String(i % 10), count: 60) + String(format: "%04d", i)
            text +=
                JournalEntry(.done, file: "F\(i).ret", work: "\(i)/F\(i).ret", sha256: hash, size: i, outputs: ["out/F\(i).jsonl"], at: "t")
                .jsonLine + [10]
        }
        #expect(text.count > 1 << 20)
        try Data(text).write(to: URL(fileURLWithPath: dir + "/j.jsonl"))
        let j = try Journal(path: dir + "/j.jsonl", recovering: ["5999/F5999.ret"])
        #expect(j.unreadableLines.isEmpty)
        for i in [0, 1234, 5999] {
            let hash = String(repeating: String(i % 10), count: 60) + String(format: "%04d", i)
            #expect(j.done(hash: hash)?.file == "F\(i).ret")
        }
        #expect(j.last(work: "5999/F5999.ret")?.event == .done)
        #expect(j.last(work: "0/F0.ret") == nil, "a finished file's history is not kept")
    }
}
