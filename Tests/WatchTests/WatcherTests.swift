import Foundation
import Testing

@testable import Watch

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct WatcherTests {
    @Test func aFileIsClaimedRunAndFiledWithItsOutputs() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        try folder.drop("a.txt", "hello\n")
        let runner = Folder.Runner()
        let summary = try folder.watcher(runner).watch(once: true)
        #expect(runner.calls == ["a.txt"])
        #expect(summary == WatchSummary(taken: 1, recovered: 0, done: 1, failed: 0, duplicates: 0))
        #expect(read(folder.f + "/out/a.out") == "HELLO\n")
        #expect(read(folder.f + "/done/2026-11-30/a.txt") == "hello\n", "the input is moved unchanged")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.f + "/work").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.f + "/inbox").isEmpty)
        // The journal: claimed, committing, done — each with sha256("hello\n") (printf 'hello\n' | sha256sum).
        let journal = try Journal(path: folder.config.journal)
        let done = try #require(journal.done(hash: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"))
        #expect(done.file == "a.txt")
        #expect(done.outputs == ["out/a.out"])
        #expect(done.size == 6)
        let lines = read(folder.config.journal)!.split(separator: "\n").map { JournalEntry(line: Array($0.utf8))!.event }
        #expect(lines == [.claimed, .committing, .done])
    }

    @Test func theSameContentDroppedTwiceRunsOnceAndTheCopyGoesToDuplicates() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        try folder.drop("a.txt", "same\n")
        let runner = Folder.Runner()
        _ = try folder.watcher(runner).watch(once: true)
        // Dropped again under another name, and under the same name, in a later run.
        try folder.drop("b.txt", "same\n")
        try folder.drop("a.txt", "same\n")
        let summary = try folder.watcher(runner).watch(once: true)
        #expect(runner.calls == ["a.txt"])
        #expect(summary.duplicates == 2)
        #expect(tree(folder.f + "/duplicates") == ["a.txt", "b.txt"])
        #expect(tree(folder.f + "/out") == ["a.out"])
    }

    @Test func aFailedRunFilesTheInputWithItsReasonAndMasksDocuments() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        try folder.drop("x.txt", "bad\n")
        try folder.drop("notes.csv", "no rule\n")
        let log = LogCapture()
        let summary = try folder.watcher(Folder.Runner(), log: log).watch(once: true)
        #expect(summary.failed == 2)
        #expect(tree(folder.f + "/failed") == ["notes.csv", "notes.csv.error.json", "x.txt", "x.txt.error.json"])
        #expect(tree(folder.f + "/out").isEmpty, "a failed run's staged outputs are not moved into out/")
        let error = try #require(read(folder.f + "/failed/x.txt.error.json"))
        #expect(error.contains("\"reason\":\"pipeline rules[0] exited with status 65\""))
        #expect(error.contains("CPF 529******25"))
        #expect(!error.contains("52998224725"))
        #expect(read(folder.f + "/failed/notes.csv.error.json")!.contains("no rule matches \\\"notes.csv\\\" (patterns: *.txt)"))
        #expect(!log.text.contains("52998224725"))
        #expect(log.text.contains("\"event\":\"failed\""))
        // Failed content is not "done": dropped again (after a fix), it runs again.
        try folder.drop("x.txt", "bad\n")
        let runner = Folder.Runner()
        _ = try folder.watcher(runner).watch(once: true)
        #expect(runner.calls == ["x.txt"])
    }

    @Test func rejectsAcceptedByTheRuleCountAsDone() throws {
        let folder = try Folder(acceptRejects: true)
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        try folder.drop("x.txt", "bad\n")
        let log = LogCapture()
        let summary = try folder.watcher(Folder.Runner(), log: log).watch(once: true)
        #expect(summary.done == 1)
        #expect(summary.failed == 0)
        // What the stage said about its rejects is in the log (masked), not lost with the run.
        #expect(log.text.contains(#""level":"error","event":"stage","file":"x.txt""#) && log.text.contains("[x.bad] bad line"), "\(log.text)")
        #expect(!log.text.contains("52998224725"))
        // A file whose input is broken as a whole (the run stopped, exit 65) fails all the same.
        try folder.drop("y.txt", "broken\n")
        let again = try folder.watcher(Folder.Runner()).watch(once: true)
        #expect(again.done == 0 && again.failed == 1)
        #expect(FileManager.default.fileExists(atPath: folder.f + "/failed/y.txt"))
    }

    /// Documents are masked in the text, before it is written as JSON: a CPF right after a
    /// character the log escapes (a carriage return, written `\r`) is masked too, in the stage
    /// lines of a done run and in the message of a failed one.
    @Test func aDocumentAfterAnEscapedCharacterIsMaskedInTheLog() throws {
        let folder = try Folder(acceptRejects: true)
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        try folder.drop("done.txt", "1\n")
        try folder.drop("failed.txt", "2\n")
        let log = LogCapture()
        let watcher = try Watcher(
            config: folder.config,
            run: { job in
                WatchOutcome(
                    status: job.file == "done.txt" ? 65 : 70, diagnostics: ["troca: \(job.file):1:1: error: [x.bad] payer\r52998224725"])
            }, log: log.append, today: { "2026-11-30" })
        let summary = watcher.watch(once: true)
        #expect(summary.done == 1 && summary.failed == 1)
        #expect(log.text.contains(#""event":"stage","file":"done.txt","message":"troca: done.txt:1:1: error: [x.bad] payer\r529******25"}"#), "\(log.text)")
        #expect(
            log.text.contains(
                #""event":"failed","file":"failed.txt","message":"pipeline rules[0] exited with status 70 — troca: failed.txt:1:1: error: [x.bad] payer\r529******25"}"#
            ), "\(log.text)")
        #expect(!log.text.contains("52998224725"), "\(log.text)")
    }

    @Test func aFileLeftInWorkByACrashRunsAgainOnStart() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        _ = try folder.watcher(Folder.Runner()).watch(once: true)  // makes the folder's parts
        // A crash after the claim and a half-done commit: the claim, its journal line, a stale
        // staging directory, and an output the interrupted commit had already moved into out/.
        try write("crash\n", to: folder.f + "/work/17/c.txt")
        try write("PARTIAL", to: folder.f + "/work/17/.run/out/c.out")
        try write("CRASH\n", to: folder.f + "/out/c.out")
        let hash = try FileBytes.sha256(folder.f + "/work/17/c.txt")
        try Journal(path: folder.config.journal).append(
            JournalEntry(.committing, file: "c.txt", work: "17/c.txt", sha256: hash.hash, size: hash.size, outputs: ["out/c.out"]))
        let runner = Folder.Runner()
        let summary = try folder.watcher(runner).watch(once: true)
        #expect(runner.calls == ["c.txt"])
        #expect(summary.recovered == 1)
        #expect(summary.done == 1)
        #expect(read(folder.f + "/out/c.out") == "CRASH\n", "replaced by the rerun's whole output, never the partial one")
        #expect(tree(folder.f + "/work").isEmpty)
        #expect(tree(folder.f + "/done") == ["2026-11-30/c.txt"])
    }

    /// Regression (review: crash recovery across days): the interrupted commit had moved an
    /// output named for its day into out/; the rerun, a day later, writes another name. The old
    /// one is removed, so out/ holds one set of outputs for the one done entry.
    @Test func aRerunOnALaterDayRemovesTheOutputsTheInterruptedCommitMoved() throws {
        let folder = try Folder(output: "{out}/{name}-{date}.out")
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        _ = try folder.watcher(Folder.Runner()).watch(once: true)
        try write("crash\n", to: folder.f + "/work/17/c.txt")
        try write("CRASH\n", to: folder.f + "/out/c-2026-11-29.out")
        try write("OTHER\n", to: folder.f + "/out/other-2026-11-29.out")  // another file's: kept
        let hash = try FileBytes.sha256(folder.f + "/work/17/c.txt")
        try Journal(path: folder.config.journal).append(
            JournalEntry(
                .committing, file: "c.txt", work: "17/c.txt", sha256: hash.hash, size: hash.size, outputs: ["out/c-2026-11-29.out"]))
        let log = LogCapture()
        let summary = try folder.watcher(Folder.Runner(), log: log).watch(once: true)
        #expect(summary.done == 1)
        #expect(tree(folder.f + "/out") == ["c-2026-11-30.out", "other-2026-11-29.out"])
        #expect(log.text.contains(#""event":"outputs-superseded","file":"c.txt""#), "\(log.text)")
        let done = try #require(try Journal(path: folder.config.journal).done(hash: hash.hash))
        #expect(done.outputs == ["out/c-2026-11-30.out"])
    }

    /// A file whose runs never finish (a stage that crashes the watcher on it) is tried
    /// `maxTries` times, then set aside in failed/ so the rest of the inbox goes on.
    @Test func aFileThatKeepsCrashingTheWatcherIsSetAside() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        _ = try folder.watcher(Folder.Runner()).watch(once: true)
        try write("boom\n", to: folder.f + "/work/21/e.txt")
        try folder.drop("f.txt", "fine\n")
        let hash = try FileBytes.sha256(folder.f + "/work/21/e.txt")
        let journal = try Journal(path: folder.config.journal)
        for _ in 0..<Watcher.maxTries {
            try journal.append(JournalEntry(.claimed, file: "e.txt", work: "21/e.txt", sha256: hash.hash, size: hash.size))
        }
        let runner = Folder.Runner()
        let summary = try folder.watcher(runner).watch(once: true)
        #expect(runner.calls == ["f.txt"], "the crashing file is not run again; the next one is")
        #expect(summary.failed == 1 && summary.done == 1)
        #expect(tree(folder.f + "/failed").contains("e.txt"))
        let error = read(folder.f + "/failed/e.txt.error.json") ?? ""
        #expect(error.contains("\(Watcher.maxTries) runs on this file never finished"), "\(error)")
        #expect(tree(folder.f + "/work").isEmpty)
    }

    /// A crash mid-commit left an output in out/; the rerun fails (status 65 without
    /// accept_rejects): the output is withdrawn beside the error file, so out/ keeps only the
    /// outputs of done files.
    @Test func outputsOfAnInterruptedCommitLeaveOutWhenTheRerunFails() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        _ = try folder.watcher(Folder.Runner()).watch(once: true)
        try write("bad\n", to: folder.f + "/work/23/g.txt")
        try write("BAD\n", to: folder.f + "/out/g.out")
        let hash = try FileBytes.sha256(folder.f + "/work/23/g.txt")
        try Journal(path: folder.config.journal).append(
            JournalEntry(.committing, file: "g.txt", work: "23/g.txt", sha256: hash.hash, size: hash.size, outputs: ["out/g.out"]))
        let summary = try folder.watcher(Folder.Runner()).watch(once: true)
        #expect(summary.failed == 1)
        #expect(tree(folder.f + "/out").isEmpty)
        #expect(read(folder.f + "/failed/g.txt.outputs/g.out") == "BAD\n")
        #expect(tree(folder.f + "/failed").contains("g.txt"))
    }

    /// An append a stage prepared (a letters history) is made after the outputs are in out/,
    /// and one that cannot be made fails the file, its outputs withdrawn from out/ (what they
    /// hold was not recorded).
    @Test(arguments: [true, false])
    func aStagesAppendIsMadeAfterTheOutputsAreInOut(succeeds: Bool) throws {
        final class Append: DeferredAppend, @unchecked Sendable {
            let out: String
            let succeeds: Bool
            var sawOutputs: [String]? = nil
            init(out: String, succeeds: Bool) {
                self.out = out
                self.succeeds = succeeds
            }
            var record: AppendRecord { AppendRecord(file: "/h/sent.jsonl", offset: 7, bytes: Array("x\n".utf8)) }
            func commit() throws {
                sawOutputs = tree(out)
                if !succeeds { throw FileError("cannot append to /h/sent.jsonl", code: ENOSPC) }
            }
        }
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let append = Append(out: folder.f + "/out", succeeds: succeeds)
        let runner = Folder.Runner()
        let watcher = try Watcher(
            config: folder.config,
            run: { job in
                var outcome = runner.run(job)
                outcome.appends = [append]
                return outcome
            }, log: { _ in }, today: { "2026-11-30" })
        try folder.drop("a.txt", "letters\n")
        let summary = watcher.watch(once: true)
        #expect(append.sawOutputs == ["a.out"])
        let journal = read(folder.config.journal) ?? ""
        #expect(journal.contains(#""appends":[{"file":"/h/sent.jsonl","offset":7,"size":2,"sha256":""#), "\(journal)")
        if succeeds {
            #expect(summary.done == 1)
            #expect(tree(folder.f + "/out") == ["a.out"])
        } else {
            #expect(summary.failed == 1)
            #expect(tree(folder.f + "/out").isEmpty)
            #expect(read(folder.f + "/failed/a.txt.outputs/a.out") == "LETTERS\n")
            #expect((read(folder.f + "/failed/a.txt.error.json") ?? "").contains("cannot append to /h/sent.jsonl"))
        }
    }

    @Test func aFileWhoseDoneWasJournaledIsOnlyMovedOnStart() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        _ = try folder.watcher(Folder.Runner()).watch(once: true)
        try write("over\n", to: folder.f + "/work/18/d.txt")
        // A claim directory made just before a crash, the file not yet renamed into it.
        try FileManager.default.createDirectory(atPath: folder.f + "/work/19", withIntermediateDirectories: true)
        let hash = try FileBytes.sha256(folder.f + "/work/18/d.txt")
        try Journal(path: folder.config.journal).append(
            JournalEntry(.done, file: "d.txt", work: "18/d.txt", sha256: hash.hash, size: hash.size))
        let runner = Folder.Runner()
        let summary = try folder.watcher(runner).watch(once: true)
        #expect(runner.calls.isEmpty)
        #expect(summary.done == 1)
        #expect(tree(folder.f + "/done") == ["2026-11-30/d.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.f + "/work").isEmpty)
    }

    /// Regression (review: outputs in a folder of {out}): `{out}/{date}/{name}.out` lands in
    /// out/DAY/, for the first file of the day and the next ones (the folder was moved whole,
    /// so the second file's "already existed").
    @Test func outputsInAFolderOfOutGoIntoThatFolderOfOut() throws {
        let folder = try Folder(output: "{out}/{date}/{name}.out")
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        try folder.drop("a.txt", "first\n")
        try folder.drop("b.txt", "second\n")
        let summary = try folder.watcher(Folder.Runner()).watch(once: true)
        #expect(summary.done == 2 && summary.failed == 0, "\(tree(folder.f + "/failed"))")
        #expect(tree(folder.f + "/out") == ["2026-11-30/a.out", "2026-11-30/b.out"])
        let hash = try FileBytes.sha256(folder.f + "/done/2026-11-30/b.txt").hash
        let done = try #require(try Journal(path: folder.config.journal).done(hash: hash))
        #expect(done.outputs == ["out/2026-11-30/b.out"])
    }

    @Test func anOutputNameTakenByAnotherInputFailsWithoutReplacingIt() throws {
        let folder = try Folder(output: "{out}/fixed.out")
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        try folder.drop("a.txt", "first\n")
        _ = try folder.watcher(Folder.Runner()).watch(once: true)
        try folder.drop("b.txt", "second\n")
        let summary = try folder.watcher(Folder.Runner()).watch(once: true)
        #expect(summary.failed == 1)
        #expect(read(folder.f + "/out/fixed.out") == "FIRST\n")
        #expect(read(folder.f + "/failed/b.txt.error.json")!.contains("already exists"))
    }

    @Test func aFileIsTakenOnlyOnceItHasSettledOrHasAnOkMarker() throws {
        let folder = try Folder(settle: 0.3)
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let runner = Folder.Runner()
        let watcher = try folder.watcher(runner)
        try folder.drop("slow.txt", "part")
        try folder.drop("marked.txt", "all\n")
        try folder.drop("marked.txt.ok", "")
        var first = watcher.poll()
        #expect(first.took && first.waiting, "the marked file at once; the other one waits")
        #expect(runner.calls == ["marked.txt"])
        #expect(!FileManager.default.fileExists(atPath: folder.f + "/inbox/marked.txt.ok"), "the marker goes with its file")
        usleep(150_000)
        try folder.drop("slow.txt", "part two\n")  // still being written: its settle time starts again
        usleep(200_000)
        first = watcher.poll()
        #expect(!first.took && first.waiting)
        usleep(350_000)
        #expect(watcher.poll().took)
        #expect(runner.calls == ["marked.txt", "slow.txt"])
    }

    /// Regression (review: settle timer): a file first seen in a pass right after a long run
    /// (another file taken earlier in the same pass) starts its settle time then, not at the
    /// listing before that run: the next poll must not take it as already settled.
    @Test func aFileFirstSeenAfterALongRunInTheSamePassStillWaitsItsSettleTime() throws {
        let folder = try Folder(settle: 5)
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let clock = TestClock()
        let runner = Folder.Runner()
        let watcher = try Watcher(
            config: folder.config,
            run: { job in
                clock.advance(60)  // a big file: a minute of pipeline
                return runner.run(job)
            }, log: { _ in }, today: { "2026-11-30" }, now: { clock.seconds })
        try folder.drop("a.txt", "marked\n")
        try folder.drop("a.txt.ok", "")
        try folder.drop("b.txt", "still being writ")
        let first = watcher.poll()
        #expect(first.took && first.waiting)
        #expect(runner.calls == ["a.txt"])
        let second = watcher.poll()  // no time has passed since b.txt was first looked at
        #expect(!second.took && second.waiting, "b.txt was seen unchanged for 0 s, not 60")
        #expect(runner.calls == ["a.txt"])
        clock.advance(5)
        #expect(watcher.poll().took)
        #expect(runner.calls == ["a.txt", "b.txt"])
    }

    /// Regression (review: late marker): a `NAME.ok` that comes after its file was taken is
    /// said once and left, and one older than the file beside it (left from an earlier file of
    /// that name) does not let that file in before it has settled.
    @Test func aMarkerLeftFromAnEarlierFileDoesNotLetTheNextFileOfThatNameInEarly() throws {
        let folder = try Folder(settle: 5)
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let clock = TestClock()
        let runner = Folder.Runner()
        let log = LogCapture()
        let watcher = try folder.watcher(runner, log: log, clock: clock)
        let marker = folder.f + "/inbox/a.txt.ok"
        // Day 1: a.txt is taken once settled; its marker comes after.
        try folder.drop("a.txt", "day one\n")
        _ = watcher.poll()
        clock.advance(5)
        #expect(watcher.poll().took)
        try folder.drop("a.txt.ok", "")
        _ = watcher.poll()
        _ = watcher.poll()
        #expect(FileManager.default.fileExists(atPath: marker), "a dropped file is never deleted unasked")
        #expect(log.text.components(separatedBy: #""event":"orphan-marker","file":"a.txt.ok""#).count == 2, "said once: \(log.text)")
        // Day 2's a.txt starts while the late marker is there: the marker is older than the
        // file being written, so it vouches for nothing.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: marker)
        try folder.drop("a.txt", "day two, first ha")
        let early = watcher.poll()
        #expect(!early.took && early.waiting, "taken at first sight, half-written")
        #expect(runner.calls == ["a.txt"])
        clock.advance(5)
        #expect(watcher.poll().took)
        #expect(runner.calls == ["a.txt", "a.txt"])
        #expect(!FileManager.default.fileExists(atPath: marker), "the stale marker goes with the file")
        #expect(log.text.contains(#""event":"stale-marker","file":"a.txt""#), "\(log.text)")
        // A marker written after its file still takes it at once.
        try folder.drop("b.txt", "all\n")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: folder.f + "/inbox/b.txt")
        try folder.drop("b.txt.ok", "")
        #expect(watcher.poll().took)
        #expect(runner.calls == ["a.txt", "a.txt", "b.txt"])
    }

    /// Regression (review: Latin-1 names): a file whose name is not UTF-8 is processed under
    /// the name read as Windows-1252 (the inbox listing used to turn it into a name that no
    /// file has, so it stayed in the inbox forever), even beside a UTF-8 file of that name.
    @Test func aFileWhoseNameIsNotUTF8IsProcessedUnderItsLatin1Name() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        _ = try folder.watcher(Folder.Runner()).watch(once: true)  // makes inbox/
        let raw = Array((folder.f + "/inbox/RETORNO_JOS").utf8) + [0xC9] + Array(".txt".utf8)
        let fd = open(raw.map { CChar(bitPattern: $0) } + [0], O_WRONLY | O_CREAT | O_EXCL, 0o644)
        #expect(fd >= 0)
        #expect(Glibc.write(fd, "latin\n", 6) == 6)
        close(fd)
        try folder.drop("RETORNO_JOSÉ.txt", "utf8\n")
        let log = LogCapture()
        let runner = Folder.Runner()
        let summary = try folder.watcher(runner, log: log).watch(once: true)
        // Both run; the second's output name is the first's, so it fails (nothing replaced).
        #expect(summary.taken == 2 && summary.done == 1 && summary.failed == 1, "\(log.text)")
        #expect(runner.calls == ["RETORNO_JOSÉ.txt", "RETORNO_JOSÉ.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.f + "/inbox").isEmpty)
        let filed = tree(folder.f + "/done") + tree(folder.f + "/failed").filter { !$0.hasSuffix(".json") }
        #expect(filed == ["2026-11-30/RETORNO_JOSÉ.txt", "RETORNO_JOSÉ.txt"])
        let contents = [read(folder.f + "/done/2026-11-30/RETORNO_JOSÉ.txt"), read(folder.f + "/failed/RETORNO_JOSÉ.txt")]
        #expect(Set(contents.compactMap { $0 }) == ["latin\n", "utf8\n"])
        #expect(log.text.contains(#"RETORNO_JOS\\xC9.txt\" are not UTF-8"#), "\(log.text)")
    }

    /// Regression (review: exit status): a file that could be neither done nor failed (here:
    /// `done/DAY` and `failed/` are not directories, so neither move nor error file can be
    /// made) is counted as left in work/, not as done or failed; the next start finishes it.
    @Test func aFileLeftInWorkIsCountedAsLeftNotAsDoneOrFailed() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        try folder.drop("a.txt", "fine\n")
        try folder.drop("b.txt", "bad\n")
        let log = LogCapture()
        let watcher = try folder.watcher(Folder.Runner(), log: log)
        try write("not a directory", to: folder.f + "/done/2026-11-30")
        try FileManager.default.removeItem(atPath: folder.f + "/failed")
        try write("not a directory", to: folder.f + "/failed")
        let summary = watcher.watch(once: true)
        #expect(summary == WatchSummary(taken: 2, recovered: 0, done: 0, failed: 0, duplicates: 0, left: 2), "\(log.text)")
        #expect(log.text.contains("2 left in work/"))
        #expect(tree(folder.f + "/work").map { $0.split(separator: "/").last! }.sorted() == ["a.txt", "b.txt"])
        try FileManager.default.removeItem(atPath: folder.f + "/done/2026-11-30")
        try FileManager.default.removeItem(atPath: folder.f + "/failed")
        let again = try folder.watcher(Folder.Runner()).watch(once: true)
        #expect(again == WatchSummary(taken: 0, recovered: 2, done: 1, failed: 1, duplicates: 0, left: 0))
        #expect(tree(folder.f + "/work").isEmpty)
    }

    @Test func stoppingFinishesTheFileInHandAndLeavesTheRest() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        try folder.drop("a.txt", "1\n")
        try folder.drop("b.txt", "2\n")
        let runner = Folder.Runner()
        let summary = try folder.watcher(runner, stop: { runner.calls.count >= 1 }).watch(once: false)
        #expect(runner.calls == ["a.txt"])
        #expect(summary.done == 1)
        #expect(tree(folder.f + "/inbox") == ["b.txt"])
    }

    @Test func oneWatcherPerFolder() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let first = try FolderLock(path: dir + "/.lock")
            #expect(read(dir + "/.lock") == "\(getpid())\n")
            #expect(throws: FileError.self) { try FolderLock(path: dir + "/.lock") }
            withExtendedLifetime(first) {}
        }
        _ = try FolderLock(path: dir + "/.lock")  // released with its owner
    }

    @Test func anUnreadableInboxIsReportedAndPollingGoesOn() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let log = LogCapture()
        let watcher = try folder.watcher(Folder.Runner(), log: log)
        try FileManager.default.moveItem(atPath: folder.f + "/inbox", toPath: folder.f + "/inbox-away")
        #expect(watcher.poll() == (false, false) ? true : false)
        #expect(watcher.poll().took == false)
        #expect(log.lines.filter { $0.contains("inbox-unreadable") }.count == 1, "said once, not at every poll")
        try FileManager.default.moveItem(atPath: folder.f + "/inbox-away", toPath: folder.f + "/inbox")
        _ = watcher.poll()
        #expect(log.text.contains("inbox-readable"))
    }

    @Test func aFileThatVanishesBeforeItsClaimIsReportedAndNothingElseChanges() throws {
        let folder = try Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let log = LogCapture()
        let runner = Folder.Runner()
        let watcher = try folder.watcher(runner, log: log)
        // Listed, then removed (or taken by another process) before the rename.
        #expect(watcher.claim("ghost.txt", marked: false) == false)
        #expect(runner.calls.isEmpty)
        #expect(log.text.contains(#""event":"vanished","file":"ghost.txt""#))
        #expect(tree(folder.f + "/work").isEmpty, "no claim directory left behind")
        #expect(watcher.summary.taken == 0)
    }
}
