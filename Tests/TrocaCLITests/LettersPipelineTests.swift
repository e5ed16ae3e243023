import Foundation
import Testing
import TrocaCLI

/// `letters select --commit` as a stage of `troca run` and `troca watch`: the history is
/// appended only once the run's outputs are in place (review: letters recorded as sent but
/// never produced).
@Suite struct LettersPipelineTests {
    /// A pipeline `NAME` in `dir`: select (committing to `{pipeline}/sent.jsonl`), then render
    /// as text with `template` for cobranca-30 (the other steps' samples as they are).
    func pipeline(_ dir: String, _ name: String, template: String, output: String = "{out}/{name}.txt") throws {
        let json = """
            {"stages": [
              {"stage": "letters select", "args": ["--ladder", "{pipeline}/regua.json", "--as-of", "2026-11-23", "--rules", "{pipeline}/regras.json",
                                                   "--history", "{pipeline}/sent.jsonl", "--commit", "--rejects", "{out}/{name}.rejects.jsonl"]},
              {"stage": "letters render", "args": ["--template", "{pipeline}/\(template)", "--template", "{pipeline}/lembrete-5.txt",
                                                   "--template", "{pipeline}/aviso-final-60.txt", "--format", "text"]}],
             "output": "\(output)"}
            """
        try Data(json.utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
    }

    func historyLines(_ dir: String) -> [Substring] { String(decoding: bytes(dir + "/sent.jsonl"), as: UTF8.self).split(separator: "\n") }

    @Test func aRunStoppedAfterSelectRecordsNoLetterAndTheRerunPrintsThem() throws {
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/bad", withIntermediateDirectories: true)
        let good = String(decoding: bytes(dir + "/cobranca-30.txt"), as: UTF8.self)
        try Data(good.replacingOccurrences(of: "{{payer.name}}", with: "{{payer.nme}}").utf8)
            .write(to: URL(fileURLWithPath: dir + "/bad/cobranca-30.txt"))
        try pipeline(dir, "bad.json", template: "bad/cobranca-30.txt")
        try pipeline(dir, "good.json", template: "cobranca-30.txt")
        let before = bytes(dir + "/sent.jsonl")
        let stopped = troca(["run", "bad.json", "titulos.jsonl", "--out", dir + "/out"], cwd: dir)
        #expect(stopped.status == .config, "\(stopped.stderrText)")
        #expect(stopped.stderrText.contains("4 to be appended to \(dir)/sent.jsonl once the run's outputs are in place"), "\(stopped.stderrText)")
        #expect(bytes(dir + "/sent.jsonl") == before, "a run that stops records no letter")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/titulos.txt"))
        // The template fixed: the 4 letters are printed, and recorded once.
        let r = troca(["run", "good.json", "titulos.jsonl", "--out", dir + "/out"], cwd: dir)
        #expect(r.status == .dataError, "\(r.stderrText)")  // the sample títulos' rejects
        #expect(r.stderrText.contains("4 letters rendered"), "\(r.stderrText)")
        #expect(r.stderrText.contains("; 4 letters appended to \(dir)/sent.jsonl"), "\(r.stderrText)")
        #expect(historyLines(dir).count == 5)
        let text = String(decoding: bytes(dir + "/out/titulos.txt"), as: UTF8.self)
        #expect(text.contains("Maria da Conceição Araújo"))
        // Again: every letter is a repeat now.
        let again = troca(["run", "good.json", "titulos.jsonl", "--out", dir + "/out"], cwd: dir)
        #expect(again.stderrText.contains("0 in 0 letters"), "\(again.stderrText)")
        #expect(historyLines(dir).count == 5)
    }

    /// Two stages committing letters in one pipeline: the second is refused (it would wait
    /// forever for the lock the first one keeps until the run ends).
    @Test func aSecondCommittingStageIsRefused() throws {
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let select = #"{"stage": "letters select", "args": ["--ladder", "{pipeline}/regua.json", "--as-of", "2026-11-23", "--history", "{pipeline}/sent.jsonl", "--commit"]}"#
        try Data(#"{"stages": [\#(select), \#(select)], "output": "{out}/x.jsonl"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/p.json"))
        let before = bytes(dir + "/sent.jsonl")
        let r = troca(["run", "p.json", "titulos.jsonl", "--out", dir], cwd: dir)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText.contains("a pipeline keeps one such file"), "\(r.stderrText)")
        #expect(bytes(dir + "/sent.jsonl") == before)
    }

    /// A watched folder whose rule selects and renders letters, the history beside the pipeline.
    func letterFolder() throws -> String {
        let dir = try lettersWorkdir()
        try pipeline(dir, "cartas.json", template: "cobranca-30.txt")
        try Data(#"{"folder": "f", "settle_seconds": 0, "rules": [{"pattern": "*.jsonl", "pipeline": "cartas.json", "accept_rejects": true}]}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/watch.json"))
        try FileManager.default.createDirectory(atPath: dir + "/f/inbox", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir + "/titulos.jsonl", toPath: dir + "/f/inbox/T.jsonl")
        return dir
    }

    func journal(_ dir: String) -> [Substring] { String(decoding: bytes(dir + "/f/journal.jsonl"), as: UTF8.self).split(separator: "\n") }

    /// Puts the folder back as a watcher killed at a moment of the commit left it: the input in
    /// work/ under its claim, the journal without its `done` line.
    func undoDone(_ dir: String) throws {
        let lines = journal(dir)
        let done = try #require(lines.last { $0.contains(#""event":"done""#) })
        let work = try #require(
            (try JSONSerialization.jsonObject(with: Data(done.utf8)) as? [String: Any])?["work"] as? String)
        try Data((lines.filter { $0 != done }.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/f/journal.jsonl"))
        try FileManager.default.createDirectory(atPath: dir + "/f/work/" + (work as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: dir + "/f/done/2026-11-30/T.jsonl", toPath: dir + "/f/work/" + work)
    }

    @Test func aWatchedRunAppendsTheHistoryAfterItsOutputsAndJournalsWhere() throws {
        let dir = try letterFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = bytes(dir + "/sent.jsonl")
        let r = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(historyLines(dir).count == 5)
        #expect(String(decoding: bytes(dir + "/f/out/T.txt"), as: UTF8.self).contains("Maria da Conceição Araújo"))
        let committing = try #require(journal(dir).first { $0.contains(#""event":"committing""#) })
        #expect(committing.contains(#""appends":[{"file":"\#(dir)/sent.jsonl","offset":\#(before.count),"size":"#), "\(committing)")
    }

    /// Killed after the history was appended, before `done`: the restart does not run the file
    /// again (it would find its letters sent and replace the output with none); it journals
    /// `done` and keeps the output.
    @Test func aCrashAfterTheAppendIsFinishedWithoutARerun() throws {
        let dir = try letterFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        let output = bytes(dir + "/f/out/T.txt")
        let history = bytes(dir + "/sent.jsonl")
        try undoDone(dir)
        let r = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(!r.stderrText.contains(#""event":"taken""#), "not run again: \(r.stderrText)")
        #expect(r.stderrText.contains("its interrupted commit had put its outputs in place and made its appends"), "\(r.stderrText)")
        #expect(bytes(dir + "/f/out/T.txt") == output)
        #expect(bytes(dir + "/sent.jsonl") == history)
        #expect(journal(dir).filter { $0.contains(#""event":"done""#) }.count == 1)
        #expect(FileManager.default.fileExists(atPath: dir + "/f/done/2026-11-30/T.jsonl"))
    }

    /// Killed after the outputs were moved, before the history was appended: the restart runs
    /// the file again on the same history, giving the same bytes, and appends them once. Killed
    /// in the middle of the append (`torn`: a short write left whole lines of it in the file),
    /// the restart first takes those lines back, so that the rerun selects the same letters.
    @Test(arguments: [false, true])
    func aCrashBeforeTheAppendRerunsToTheSameBytes(torn: Bool) throws {
        let dir = try letterFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = bytes(dir + "/sent.jsonl")
        _ = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        let output = bytes(dir + "/f/out/T.txt")
        let history = bytes(dir + "/sent.jsonl")
        #expect(historyLines(dir).count == 5)
        try undoDone(dir)
        var left = before
        if torn {
            // The first two of the four appended lines, whole.
            let appended = Array(history[before.count...])
            left += appended[...appended.indices.filter { appended[$0] == 0x0A }[1]]
        }
        try Data(left).write(to: URL(fileURLWithPath: dir + "/sent.jsonl"))
        let r = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains(#""event":"taken""#), "run again: \(r.stderrText)")
        #expect(r.stderrText.contains("of an interrupted append") == torn, "\(r.stderrText)")
        #expect(bytes(dir + "/f/out/T.txt") == output)
        #expect(bytes(dir + "/sent.jsonl") == history)
    }

    /// Review (watch: a relative state file): `--history sent.jsonl` in a watched pipeline
    /// names a file in the claim's directory, removed with it; refused at load.
    @Test(arguments: [
        ("sent.jsonl", "a relative path is taken in the file's claim directory"),
        ("{out}/sent.jsonl", "only {pipeline} names a folder that outlives the file processed"),
    ])
    func aStateFileThatWouldNotOutliveTheFileIsRefused(history: String, why: String) throws {
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(
            #"{"stages": [{"stage": "letters select", "args": ["--ladder", "{pipeline}/regua.json", "--history", "\#(history)", "--commit"]}]}"#.utf8
        ).write(to: URL(fileURLWithPath: dir + "/cartas.json"))
        let seq = #"{"stage": "cnab write", "args": ["--bank", "237", "--format", "400", "--sequence-file", "nsa.txt"]}"#
        try Data(
            #"{"folder": "f", "rules": [{"pattern": "*.jsonl", "pipeline": "cartas.json"}, {"pattern": "*.rem", "pipeline": {"stages": [\#(seq)]}}]}"#
                .utf8
        ).write(to: URL(fileURLWithPath: dir + "/watch.json"))
        try FileManager.default.createDirectory(atPath: dir + "/f", withIntermediateDirectories: true)
        let r = troca(["watch", "--config", "watch.json", "--once"], cwd: dir)
        #expect(r.status == .config)
        #expect(
            r.stderrText.contains(
                "troca: watch.json: error: [watch.config] $.rules[0].pipeline: cartas.json: $.stages[0].args: --history \"\(history)\" would not be kept from one file to the next: \(why)"
            ), "\(r.stderrText)")
        #expect(r.stderrText.contains("(\"{pipeline}/sent.jsonl\")"), "\(r.stderrText)")
        // The history fixed: the inline rule's sequence file is refused next, at its own path.
        try Data(
            #"{"stages": [{"stage": "letters select", "args": ["--ladder", "{pipeline}/regua.json", "--history", "{pipeline}/sent.jsonl"]}]}"#.utf8
        ).write(to: URL(fileURLWithPath: dir + "/cartas.json"))
        let next = troca(["watch", "--config", "watch.json", "--once"], cwd: dir)
        #expect(next.status == .config)
        #expect(
            next.stderrText.contains(
                "troca: watch.json: error: [watch.config] $.rules[1].pipeline.stages[0].args: --sequence-file \"nsa.txt\" would not be kept"),
            "\(next.stderrText)")
    }

    /// An append that fails part way (here past `ulimit -f`, as a full disk looks) is taken
    /// back: the history keeps no part of letters reported as not recorded (exit 74).
    @Test func aFailedAppendLeavesTheHistoryAsItWas() throws {
        let binary = try #require(BinaryTests.binary, "the troca executable is built beside the tests")
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = bytes(dir + "/sent.jsonl")
        #expect(before.count < 512)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // 512 bytes at most per file: the 4 letters' lines (about 400 bytes) do not fit.
        process.arguments = ["-c", "ulimit -f 1; exec \"$0\" \"$@\" > /dev/null", binary] + selectArgs + ["--commit"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 74, "\(said)")
        #expect(said.contains("cannot append to sent.jsonl"), "\(said)")
        #expect(bytes(dir + "/sent.jsonl") == before)
    }

    /// `cnab write --sequence-file` as a stage: the NSA is stored only once the run's outputs
    /// are in place, so a run that stops after the stage skips no number (review follow-up:
    /// the same defect as the letters history's).
    @Test func aRunStoppedAfterCnabWriteKeepsItsNSA() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: repoRoot + "/Fixtures/cnab-write/0004-bradesco-240/titles.jsonl", toPath: dir + "/titles.jsonl")
        try Data("7\n".utf8).write(to: URL(fileURLWithPath: dir + "/nsa.txt"))
        func pipeline(_ name: String, _ then: String) throws {
            try Data(
                #"""
                {"stages": [{"stage": "cnab write", "args": ["--bank", "237", "--format", "240", "--date", "2026-11-30", "--time", "09:00:00", "--sequence-file", "{pipeline}/nsa.txt"]},
                            {"stage": "cnab parse", "args": [\#(then)]}],
                 "output": "{out}/{name}.jsonl"}
                """#.utf8
            ).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        try pipeline("bad.json", #""--layout", "no-such-layout""#)
        try pipeline("good.json", "")
        let stopped = troca(["run", "bad.json", "titles.jsonl", "--out", dir + "/out"], cwd: dir)
        #expect(stopped.status == .config, "\(stopped.stderrText)")
        #expect(String(decoding: bytes(dir + "/nsa.txt"), as: UTF8.self) == "7\n", "a run that stops stores no NSA")
        let r = troca(["run", "good.json", "titles.jsonl", "--out", dir + "/out"], cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains("; NSA 8 stored in {pipeline}/nsa.txt") || r.stderrText.contains("; NSA 8 stored in \(dir)/nsa.txt"), "\(r.stderrText)")
        #expect(String(decoding: bytes(dir + "/nsa.txt"), as: UTF8.self) == "8\n")
        #expect(String(decoding: bytes(dir + "/out/titles.jsonl"), as: UTF8.self).contains(#""file_sequence":8"#))
        // A stage writing the remessa to its own --output has put it in place when it ends:
        // its NSA is stored then, even if the run stops after it (no second file with NSA 9).
        try Data(
            #"""
            {"stages": [{"stage": "cnab write", "args": ["--bank", "237", "--format", "240", "--date", "2026-11-30", "--time", "09:00:00", "--sequence-file", "{pipeline}/nsa.txt", "--output", "{out}/nsa9.rem"]},
                        {"stage": "cnab parse", "args": ["{out}/nsa9.rem", "--layout", "no-such-layout"]}],
             "output": "{out}/{name}.jsonl"}
            """#.utf8
        ).write(to: URL(fileURLWithPath: dir + "/own.json"))
        let own = troca(["run", "own.json", "titles.jsonl", "--out", dir + "/out"], cwd: dir)
        #expect(own.status == .config, "\(own.stderrText)")
        #expect(FileManager.default.fileExists(atPath: dir + "/out/nsa9.rem"))
        #expect(String(decoding: bytes(dir + "/nsa.txt"), as: UTF8.self) == "9\n")
    }

    /// A watched folder whose one rule runs `pipeline` (remessa.json) on Bradesco títulos
    /// dropped as T.jsonl, the NSA file at 7.
    func remessaFolder(_ pipeline: String) throws -> String {
        let dir = try temporaryDirectory()
        try Data("7\n".utf8).write(to: URL(fileURLWithPath: dir + "/nsa.txt"))
        try Data(pipeline.utf8).write(to: URL(fileURLWithPath: dir + "/remessa.json"))
        try Data(#"{"folder": "f", "settle_seconds": 0, "rules": [{"pattern": "*.jsonl", "pipeline": "remessa.json"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/watch.json"))
        try FileManager.default.createDirectory(atPath: dir + "/f/inbox", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repoRoot + "/Fixtures/cnab-write/0004-bradesco-240/titles.jsonl", toPath: dir + "/f/inbox/T.jsonl")
        return dir
    }

    /// A watched `cnab write --sequence-file`: killed after the NSA was stored, the restart
    /// journals `done` without a rerun (which would write the next NSA); killed before, the
    /// rerun writes the same remessa with the same NSA.
    @Test(arguments: [true, false])
    func aWatchedRemessaKeepsItsNSAAcrossACrash(stored: Bool) throws {
        let dir = try remessaFolder(#"""
            {"stages": [{"stage": "cnab write", "args": ["--bank", "237", "--format", "240", "--date", "2026-11-30", "--time", "09:00:00", "--sequence-file", "{pipeline}/nsa.txt"]}],
             "output": "{out}/{name}.rem"}
            """#)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        #expect(first.status == .ok, "\(first.stderrText)")
        #expect(String(decoding: bytes(dir + "/nsa.txt"), as: UTF8.self) == "8\n")
        let remessa = bytes(dir + "/f/out/T.rem")
        try undoDone(dir)
        if !stored { try Data("7\n".utf8).write(to: URL(fileURLWithPath: dir + "/nsa.txt")) }
        let r = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains(#""event":"taken""#) == !stored, "\(r.stderrText)")
        #expect(String(decoding: bytes(dir + "/nsa.txt"), as: UTF8.self) == "8\n")
        #expect(bytes(dir + "/f/out/T.rem") == remessa)
        #expect(journal(dir).filter { $0.contains(#""event":"done""#) }.count == 1)
    }

    /// Review of the whole change: under `troca watch` a stage's own `--output {out}/…` is
    /// only staged until the watcher's commit, so `cnab write` holds its NSA there too: a later
    /// stage that fails stores no number and delivers no remessa.
    @Test func aWatchedRemessaWrittenToItsOwnOutputKeepsItsNSAWhenALaterStageFails() throws {
        let dir = try remessaFolder(#"""
            {"stages": [{"stage": "cnab write", "args": ["--bank", "237", "--format", "240", "--date", "2026-11-30", "--time", "09:00:00", "--sequence-file", "{pipeline}/nsa.txt", "--output", "{out}/r.rem"]},
                        {"stage": "cnab parse", "args": ["{out}/r.rem", "--layout", "no-such-layout"]}],
             "output": "{out}/{name}.jsonl"}
            """#)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        #expect(r.status == .dataError, "\(r.stderrText)")
        #expect(String(decoding: bytes(dir + "/nsa.txt"), as: UTF8.self) == "7\n", "no NSA used without a remessa in out/")
        #expect(!FileManager.default.fileExists(atPath: dir + "/f/out/r.rem"))
    }

    /// Two stages recording to files kept across runs are refused when the pipeline is loaded,
    /// whatever the day's input selects (before, only on a day the first one recorded).
    @Test(arguments: ["2026-11-23", "2025-01-01"])
    func twoRecordingStagesAreRefusedAtLoad(asOf: String) throws {
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let select = { (h: String) in #"{"stage": "letters select", "args": ["--ladder", "{pipeline}/regua.json", "--as-of", "\#(asOf)", "--history", "{pipeline}/\#(h)", "--commit"]}"# }
        try Data(#"{"stages": [\#(select("a.jsonl")), \#(select("b.jsonl"))], "output": "{out}/x.jsonl"}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/p.json"))
        let r = troca(["run", "p.json", "titulos.jsonl", "--out", dir], cwd: dir)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText.contains("[run.pipeline]") && r.stderrText.contains("a pipeline keeps one such file"), "\(r.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.jsonl"))
        try Data(#"{"folder": "f", "rules": [{"pattern": "*.jsonl", "pipeline": "p.json"}]}"#.utf8).write(to: URL(fileURLWithPath: dir + "/w.json"))
        try FileManager.default.createDirectory(atPath: dir + "/f/inbox", withIntermediateDirectories: true)
        let w = troca(["watch", "--config", "w.json", "--once"], cwd: dir)
        #expect(w.status == .config, "\(w.stderrText)")
        #expect(w.stderrText.contains("a pipeline keeps one such file"), "\(w.stderrText)")
    }
}
