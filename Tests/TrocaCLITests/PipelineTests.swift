import Foundation
import Testing
import TrocaCLI

/// `troca run` and `troca watch` in-process, on the samples in Fixtures/samples/watch.
@Suite struct PipelineTests {
    let samples = repoRoot + "/Fixtures/samples/watch"

    @Test func runConnectsStagesAndWritesTheOutputAndTheStagesOwnFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = troca(["run", samples + "/retorno.json", sampleRetorno, "--out", dir, "--date", "2026-11-30"], cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stdout.isEmpty)
        // cnab parse → export csv --record event: the sample retorno's 4 events, one row each
        // after the header (its 6 file/batch records are skipped by --record).
        let csv = try #require(try? String(contentsOfFile: dir + "/RETORNO-240-2026-11-30.csv", encoding: .utf8))
        let rows = csv.split(separator: "\r\n")
        #expect(rows.count == 5)
        #expect(rows[0].hasSuffix("nosso_numero;event;paid_cents;credit_date"))
        #expect(rows[1].contains(";paid;"))
        #expect(try String(contentsOfFile: dir + "/RETORNO-240.rejects.jsonl", encoding: .utf8).isEmpty)
        #expect(r.stderrText.contains("troca: run: retorno: 2 stages, exit 0; output \(dir)/RETORNO-240-2026-11-30.csv"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == [
                "RETORNO-240-2026-11-30.csv", "RETORNO-240.rejects.jsonl",
            ])
    }

    @Test func runReadsStandardInputAndWritesStandardOutputWithoutAnOutput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(#"{"stages": [{"stage": "cnab parse"}, {"stage": "export csv", "args": ["--columns", "record"]}]}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/p.json"))
        let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sampleRetorno)))
        let r = troca(["run", "p.json"], stdin: input, cwd: dir)
        #expect(r.status == .ok)
        // 10 records (file header, batch header, 4 events, batch trailer, file trailer… as the
        // parse summary says) → a header row and 10 rows.
        #expect(r.stdoutText.split(separator: "\n").count == 11)
        #expect(r.stdoutText.hasPrefix("record\nfile\nbatch\nevent\n"))
    }

    @Test func aStageThatRejectsPassesItsValidRecordsOnAndTheRunExits65() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let damaged = repoRoot + "/Fixtures/cnab-parse/0004-invalid-date-rejects-titulo/RET.ret"
        let r = troca(["run", samples + "/events.json", damaged, "--out", dir], cwd: dir)
        #expect(r.status == .dataError)
        // The 9 valid records of that case (CLITests.rejectsFileHoldsEachRejectedLineWithItsRawBytes).
        let out = try String(contentsOfFile: dir + "/RET.jsonl", encoding: .utf8)
        #expect(out.split(separator: "\n").count == 9)
    }

    @Test func aStageThatFailsStopsTheRunAndLeavesNoOutput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Stage 2 reads a file that does not exist: exit 66 from that stage, stage 3 never runs.
        try Data(
            #"{"stages": [{"stage": "cnab parse", "args": ["{input}"]}, {"stage": "cnab parse", "args": ["missing.ret"]}, {"stage": "export csv", "args": ["--columns", "record"]}], "output": "{out}/x.csv"}"#
                .utf8
        ).write(to: URL(fileURLWithPath: dir + "/p.json"))
        let r = troca(["run", "p.json", sampleRetorno], cwd: dir)
        #expect(r.status == .noInput)
        #expect(r.stderrText.contains("stopped: stage 2 of 3 (cnab parse) exited with status 66"))
        #expect(!r.stderrText.contains("export csv:"), "stage 3 did not run")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["p.json"], "no output, no temporary file")
    }

    /// A truncated retorno is a structural error: `cnab parse --output` writes nothing, and so
    /// does a pipeline whose first stage it is (its exit is 65 as for rejected records, but the
    /// run stops and the existing output is left as it was).
    @Test func aBrokenInputLeavesNoPipelineOutput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = FileManager.default.contents(atPath: sampleRetorno)!.prefix(1000)
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/trunc.ret"))
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: dir + "/keep.csv"))
        try Data(
            #"{"stages": [{"stage": "cnab parse", "args": ["{input}"]}, {"stage": "export csv", "args": ["--columns", "record"]}], "output": "keep.csv"}"#
                .utf8
        ).write(to: URL(fileURLWithPath: dir + "/p.json"))
        let r = troca(["run", "p.json", "trunc.ret"], cwd: dir)
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("stopped: stage 1 of 2 (cnab parse): its input is broken as a whole"), "\(r.stderrText)")
        #expect(!r.stderrText.contains("export csv:"), "stage 2 did not run")
        #expect(String(decoding: FileManager.default.contents(atPath: dir + "/keep.csv")!, as: UTF8.self) == "old\n")
    }

    /// A stopped run leaves nothing of its own in `--out`: not the output, and not a stage's
    /// `--rejects` file either (a previous one stays as it was, beside the previous output),
    /// whether the stage that wrote it stopped the run (a broken input) or a later one did.
    @Test func aStoppedRunLeavesNoRejectsFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try Data(FileManager.default.contents(atPath: sampleRetorno)!.prefix(1000)).write(to: URL(fileURLWithPath: dir + "/trunc.ret"))
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: dir + "/out/trunc.rejects.jsonl"))
        let parse = #"{"stage": "cnab parse", "args": ["{input}", "--rejects", "{out}/{name}.rejects.jsonl"]}"#
        let export = #"{"stage": "export csv", "args": ["--columns", "record"]}"#
        try Data(#"{"stages": [\#(parse), \#(export)], "output": "{out}/{name}.csv"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/broken.json"))
        let broken = troca(["run", "broken.json", "trunc.ret", "--out", "out"], cwd: dir)
        #expect(broken.status == .dataError)
        #expect(broken.stderrText.contains("stopped: stage 1 of 2 (cnab parse): its input is broken as a whole"), "\(broken.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out") == ["trunc.rejects.jsonl"], "no output, no temporary file")
        #expect(try String(contentsOfFile: dir + "/out/trunc.rejects.jsonl", encoding: .utf8) == "old\n")

        // Stage 1 rejects a line (exit 65, its records passed on); stage 2 exits 66: stopped.
        let damaged = repoRoot + "/Fixtures/cnab-parse/0004-invalid-date-rejects-titulo/RET.ret"
        let missing = #"{"stage": "cnab parse", "args": ["missing.ret"]}"#
        try Data(#"{"stages": [\#(parse), \#(missing), \#(export)], "output": "{out}/{name}.csv"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/later.json"))
        let later = troca(["run", "later.json", damaged, "--out", "out"], cwd: dir)
        #expect(later.status == .noInput)
        #expect(later.stderrText.contains("stopped: stage 2 of 3 (cnab parse) exited with status 66"), "\(later.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out") == ["trunc.rejects.jsonl"], "no RET.rejects.jsonl")

        // The same stage in a run that ends: its rejects file is there, with what it rejected.
        try Data(#"{"stages": [\#(parse), \#(export)], "output": "{out}/{name}.csv"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/ends.json"))
        let ends = troca(["run", "ends.json", damaged, "--out", "out"], cwd: dir)
        #expect(ends.status == .dataError)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted() == ["RET.csv", "RET.rejects.jsonl", "trunc.rejects.jsonl"])
        #expect(try String(contentsOfFile: dir + "/out/RET.rejects.jsonl", encoding: .utf8).contains(#""record":"reject""#))
    }

    /// A `cnab parse` stage stopped by `--max-rejects` is not a broken input: as an import
    /// stopped by it, it passes on the records it wrote, its summary names the limit, the next
    /// stage runs and the run exits 65 with its output.
    @Test func aStageStoppedByMaxRejectsPassesItsRecordsOnAsAnImportDoes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try String(contentsOfFile: sampleRetorno, encoding: .isoLatin1).components(separatedBy: "\r\n")
        lines[2] += "Y"  // the first título rejected (2 lines), more than --max-rejects 1
        try Data(lines.joined(separator: "\r\n").utf8).write(to: URL(fileURLWithPath: dir + "/bad.ret"))
        try Data(
            #"{"stages": [{"stage": "cnab parse", "args": ["{input}", "--max-rejects", "1"]}, {"stage": "export csv", "args": ["--columns", "record"]}], "output": "x.csv"}"#
                .utf8
        ).write(to: URL(fileURLWithPath: dir + "/p.json"))
        let r = troca(["run", "p.json", "bad.ret"], cwd: dir)
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("cnab parse: bad.ret: read 4 lines: 2 written, 2 rejected, 0 skipped; 2 records (0 events); 3 errors; stopped after 2 rejected lines (--max-rejects 1)"), "\(r.stderrText)")
        #expect(!r.stderrText.contains("broken") && !r.stderrText.contains("stopped: stage"), "\(r.stderrText)")
        #expect(r.stderrText.contains("export csv:"), "stage 2 ran")
        #expect(r.stderrText.contains("run: p: 2 stages, exit 65; output x.csv"), "\(r.stderrText)")
        #expect(try String(contentsOfFile: dir + "/x.csv", encoding: .utf8) == "record\nfile\nbatch\n")
    }

    /// `--out DIR` is made when missing; one that cannot be made (here under a regular file)
    /// stops the run before any stage runs.
    @Test func anOutputThatCannotBeCreatedStopsTheRunBeforeTheLastStageRuns() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("a file".utf8).write(to: URL(fileURLWithPath: dir + "/no"))
        let r = troca(["run", samples + "/events.json", sampleRetorno, "--out", dir + "/no/such/dir"], cwd: dir)
        #expect(r.status == .cantCreate)
        #expect(r.stderrText.contains("cannot create the --out directory \(dir)/no/such/dir"), "\(r.stderrText)")
        #expect(!r.stderrText.contains("cnab parse: "), "the stage did not run")
        let made = troca(["run", samples + "/events.json", sampleRetorno, "--out", dir + "/made/dir"], cwd: dir)
        #expect(made.status == .ok && FileManager.default.fileExists(atPath: dir + "/made/dir/RETORNO-240.jsonl"), "\(made.stderrText)")
    }

    @Test(arguments: [
        (
            #"{"stages": [{"stage": "cnab parse"}, {"stage": "reconcile payments"}]}"#,
            "$.stages[1].stage: unknown stage \"reconcile payments\"; stages are: cnab parse"
        ),
        (#"{"stages": [{"stage": "watch", "args": ["--config", "x"]}]}"#, "$.stages[0].stage: unknown stage \"watch\""),
        (
            #"{"stages": [{"stage": "cnab parse"}, {"stage": "export csv", "args": ["--record", "event"]}]}"#,
            "$.stages[1].args: --columns is required (stage \"export csv\""
        ),
        // A control character in a stage's name is shown by its code: the message stays one line.
        (#"{"stages": [{"stage": "\n"}]}"#, "$.stages[0].stage: unknown stage \"<U+000A>\"; stages are: cnab parse"),
        (
            #"{"stages": [{"stage": "export csv", "args": ["--colums", "a"]}]}"#,
            "$.stages[0].args: unknown option --colums (did you mean --columns?) (stage \"export csv\""
        ),
    ])
    func aBadPipelineExits78NamingTheEntry(json: String, message: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(json.utf8).write(to: URL(fileURLWithPath: dir + "/p.json"))
        let r = troca(["run", "p.json", sampleRetorno], cwd: dir)
        #expect(r.status == .config)
        #expect(r.stderrText.contains("troca: p.json: error: [run.pipeline] " + message), "\(r.stderrText)")
    }

    @Test func anOutputInAStageBeforeTheLastIsRefusedBeforeAnyStageRunsAndTheLastMayHaveOne() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // cnab parse --output would write its records to {work}/x.jsonl, and export csv read an
        // empty standard input: exit 0, the records gone with {work}.
        try Data(
            #"{"stages": [{"stage": "cnab parse", "args": ["{input}", "--output", "{work}/x.jsonl", "--rejects", "{out}/r.jsonl"]}, {"stage": "export csv", "args": ["--columns", "record"]}], "output": "{out}/x.csv"}"#
                .utf8
        ).write(to: URL(fileURLWithPath: dir + "/p.json"))
        let r = troca(["run", "p.json", sampleRetorno, "--out", dir], cwd: dir)
        #expect(r.status == .config)
        #expect(
            r.stderrText
                == "troca: p.json: error: [run.pipeline] $.stages[0].args: --output in a stage that is not the last would take its records "
                + "from the next stage (\"export csv\", which reads its standard input); the pipeline's \"output\" names where the last stage's records go\n", "\(r.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["p.json"])
        // The same in a watch rule.
        try Data(
            #"{"folder": "f", "rules": [{"pattern": "*.ret", "pipeline": {"stages": [{"stage": "cnab parse", "args": ["--output=x.jsonl"]}, {"stage": "export csv", "args": ["--columns", "record"]}]}}]}"#
                .utf8
        ).write(to: URL(fileURLWithPath: dir + "/watch.json"))
        let w = troca(["watch", "--config", "watch.json", "--once"], cwd: dir)
        #expect(w.status == .config)
        #expect(w.stderrText.contains("[watch.config] $.rules[0].pipeline.stages[0].args: --output in a stage that is not the last"), "\(w.stderrText)")
        // The last stage's own --output is where its records go; --rejects is allowed in any stage.
        try Data(
            #"{"stages": [{"stage": "cnab parse", "args": ["{input}", "--rejects", "{out}/r.jsonl"]}, {"stage": "export csv", "args": ["--columns", "record", "--output", "{out}/last.csv"]}]}"#
                .utf8
        ).write(to: URL(fileURLWithPath: dir + "/last.json"))
        let last = troca(["run", "last.json", sampleRetorno, "--out", dir], cwd: dir)
        #expect(last.status == .ok, "\(last.stderrText)")
        #expect(try String(contentsOfFile: dir + "/last.csv", encoding: .utf8).split(separator: "\n").count == 11)
    }

    @Test func watchOnceFilesEveryInputAndAnotherWatcherIsRefusedMeanwhile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for f in ["retorno.json", "events.json"] {
            try FileManager.default.copyItem(atPath: samples + "/" + f, toPath: dir + "/" + f)
        }
        try Data(#"{"folder": "banco", "settle_seconds": 0, "rules": [{"pattern": "*.ret", "pipeline": "events.json"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/watch.json"))
        try FileManager.default.createDirectory(atPath: dir + "/banco/inbox", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: sampleRetorno, toPath: dir + "/banco/inbox/A.ret")
        try FileManager.default.copyItem(atPath: sampleRetorno, toPath: dir + "/banco/inbox/B.ret")
        let r = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(FileManager.default.fileExists(atPath: dir + "/banco/done/2026-11-30/A.ret"))
        #expect(FileManager.default.fileExists(atPath: dir + "/banco/duplicates/B.ret"))
        let out = try String(contentsOfFile: dir + "/banco/out/A.jsonl", encoding: .utf8)
        #expect(out.split(separator: "\n").count == 10)
        #expect(out.contains(#""source":{"file":"A.ret","line":1}"#), "records name the file as dropped")
        // The log is JSONL: one object per line.
        let log = r.stderrText.split(separator: "\n")
        #expect(log.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] })
        #expect(log.contains { $0.contains(#""event":"duplicate""#) && $0.contains(#""file":"B.ret""#) })
        // While a watcher holds the folder, another exits 75.
        let fd = open(dir + "/banco/.troca-watch.lock", O_RDWR)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let busy = troca(["watch", "--config", "watch.json", "--once"], cwd: dir)
        #expect(busy.status.rawValue == 75)
        #expect(busy.stderrText.contains("another troca watch"))
    }

    /// `dir/watch.json` watching `dir/f` (its inbox made) with settle 0 and one rule: `*.ret`
    /// through the sample `events.json` pipeline.
    func eventsWatchFolder(_ dir: String) throws {
        try FileManager.default.copyItem(atPath: samples + "/events.json", toPath: dir + "/events.json")
        try Data(#"{"folder": "f", "settle_seconds": 0, "rules": [{"pattern": "*.ret", "pipeline": "events.json"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/watch.json"))
        try FileManager.default.createDirectory(atPath: dir + "/f/inbox", withIntermediateDirectories: true)
    }

    @Test func watchOnceExits65WhenAFileFailed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try eventsWatchFolder(dir)
        try Data("not a CNAB file\n".utf8).write(to: URL(fileURLWithPath: dir + "/f/inbox/X.ret"))
        let r = troca(["watch", "--config", "watch.json", "--once"], cwd: dir)
        #expect(r.status == .dataError)
        let error = try String(contentsOfFile: dir + "/f/failed/X.ret.error.json", encoding: .utf8)
        #expect(error.contains(#""reason":"stage 1 of 1 (cnab parse): its input is broken as a whole (see its errors); no output written""#), "\(error)")
        #expect(error.contains("troca: X.ret:1"), "the stage's diagnostics name the file as dropped")
    }

    /// Regression (review: exit status): `--once` with a file left in work/ (here its move
    /// into done/DAY fails: that name is a file) exits 74, not 0.
    @Test func watchOnceExits74WhenAFileIsLeftInWork() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try eventsWatchFolder(dir)
        try FileManager.default.createDirectory(atPath: dir + "/f/done", withIntermediateDirectories: true)
        try Data("in the way\n".utf8).write(to: URL(fileURLWithPath: dir + "/f/done/2026-11-30"))
        try FileManager.default.copyItem(atPath: sampleRetorno, toPath: dir + "/f/inbox/A.ret")
        let r = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        #expect(r.status == .ioError, "\(r.stderrText)")
        #expect(r.stderrText.contains(#""event":"move-failed","file":"A.ret""#))
        #expect(r.stderrText.contains("0 done, 0 failed, 0 duplicates, 1 left in work/"), "\(r.stderrText)")
    }

    /// Regression (review: outputs in a folder of {out}): the folders of `{out}/{date}/…` in
    /// "output" and in a stage's arguments are made, by `troca run` and `troca watch` alike.
    @Test func outputsInAFolderOfOutHaveTheirFolderMade() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(
            #"""
            {"stages": [{"stage": "cnab parse", "args": ["{input}", "--rejects", "{out}/rejects/{date}/{name}.jsonl"]}],
             "output": "{out}/{date}/{name}.jsonl"}
            """#.utf8
        ).write(to: URL(fileURLWithPath: dir + "/sub.json"))
        let run = troca(["run", "sub.json", sampleRetorno, "--out", "o", "--date", "2026-11-30"], cwd: dir)
        #expect(run.status == .ok, "\(run.stderrText)")
        #expect(filesUnder(dir + "/o") == ["2026-11-30/RETORNO-240.jsonl", "rejects/2026-11-30/RETORNO-240.jsonl"])
        try Data(#"{"folder": "f", "settle_seconds": 0, "rules": [{"pattern": "*.ret", "pipeline": "sub.json"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/watch.json"))
        try FileManager.default.createDirectory(atPath: dir + "/f/inbox", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: sampleRetorno, toPath: dir + "/f/inbox/A.ret")
        let watch = troca(["watch", "--config", "watch.json", "--once", "--date", "2026-11-30"], cwd: dir)
        #expect(watch.status == .ok, "\(watch.stderrText)")
        #expect(filesUnder(dir + "/f/out") == ["2026-11-30/A.jsonl", "rejects/2026-11-30/A.jsonl"])
    }

    /// Starts troca with `arguments` in `dir`, its standard input and error on pipes.
    static func start(_ binary: String, _ arguments: [String], in dir: String, environment: [String: String]? = nil) throws -> (
        Process, Pipe, Pipe
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        if let environment { process.environment = environment }
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        try process.run()
        return (process, input, errors)
    }

    /// Sends `signal` to a running troca, waits (10 s at most) and returns what it said on
    /// standard error, expecting it killed by the signal itself (a shell reports `status`, 128 +
    /// it), not exited: a shell loop over troca stops on Ctrl-C only then.
    static func stop(_ process: Process, by signal: Int32, status: Int32, input: Pipe, errors: Pipe) throws -> String {
        kill(process.processIdentifier, signal)
        let stopBy = Date().addingTimeInterval(10)
        while process.isRunning, Date() < stopBy { usleep(10_000) }
        #expect(!process.isRunning, "still running 10 s after the signal")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try input.fileHandleForWriting.close()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal && 128 + signal == status, "\(said)")
        return said
    }

    /// Regression (review: `troca run` stopped): SIGTERM or SIGINT while a stage is running (here
    /// waiting for the rest of its standard input) removes the scratch directory with the
    /// stages' files and the hidden temporary files in --out, then dies by the signal.
    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func runStoppedByASignalRemovesItsScratchAndTemporaryFiles(signal: Int32, status: Int32) throws {
        let binary = try #require(BinaryTests.binary, "the troca executable is built beside the tests")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(
            #"""
            {"stages": [{"stage": "cnab parse", "args": ["-", "--rejects", "{out}/r.jsonl"]},
                        {"stage": "export csv", "args": ["--record", "event", "--columns", "nosso_numero"]}],
             "output": "{out}/o.csv"}
            """#.utf8
        ).write(to: URL(fileURLWithPath: dir + "/p.json"))
        for sub in ["tmp", "o"] { try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true) }
        let (process, input, errors) = try Self.start(
            binary, ["run", "p.json", "-", "--out", "o"], in: dir, environment: ["PATH": "/usr/bin:/bin", "TMPDIR": dir + "/tmp"])
        defer { if process.isRunning { process.terminate() } }
        try input.fileHandleForWriting.write(contentsOf: Data(try Data(contentsOf: URL(fileURLWithPath: sampleRetorno)).prefix(500)))
        // Running: its scratch directory holds stage 1's output, and --out its --rejects file's
        // temporary file.
        let deadline = Date().addingTimeInterval(20)
        func started() -> Bool {
            let inOut = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/o")) ?? []
            let temporary = inOut.contains { $0.hasPrefix(".r.jsonl.tmp.") }
            return temporary && filesUnder(dir + "/tmp").contains { $0.hasSuffix("/stage-1.out") }
        }
        while Date() < deadline, !started() { usleep(10_000) }
        #expect(filesUnder(dir + "/tmp").count == 1 && filesUnder(dir + "/o").count == 1, "the run had not started")
        let said = try Self.stop(process, by: signal, status: status, input: input, errors: errors)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/tmp").isEmpty, "the scratch directory is removed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/o").isEmpty, "no temporary file left in --out")
        #expect(said.contains("troca: run: stopped by a signal; its temporary files were removed"))
    }

    /// Any stage writing an --output file, stopped by SIGTERM or SIGINT (a job's timeout) while
    /// it runs (here waiting for the rest of its standard input), removes its hidden temporary
    /// file and dies by the signal: nothing is left beside the output, under any name.
    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func aStageStoppedByASignalLeavesNoTemporaryFile(signal: Int32, status: Int32) throws {
        let binary = try #require(BinaryTests.binary, "the troca executable is built beside the tests")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (process, input, errors) = try Self.start(binary, ["export", "csv", "--columns", "a", "--output", "out.csv"], in: dir)
        defer { if process.isRunning { process.terminate() } }
        try input.fileHandleForWriting.write(contentsOf: Data(#"{"a":1}"#.utf8 + [0x0A]))
        let deadline = Date().addingTimeInterval(20)
        func started() -> Bool {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).contains { $0.hasPrefix(".out.csv.tmp.") }
        }
        while Date() < deadline, !started() { usleep(10_000) }
        #expect(started(), "the stage had not made its temporary file")
        let said = try Self.stop(process, by: signal, status: status, input: input, errors: errors)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "no output and no temporary file left")
        #expect(said.contains("troca: stopped by a signal; the temporary files of unfinished outputs were removed"), "\(said)")
    }

    @Test func watchRefusesABadConfigWith78() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(#"{"folder": "f", "rules": [{"pattern": "*.ret", "pipeline": {"stages": [{"stage": "cnab parze"}]}}]}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/watch.json"))
        let r = troca(["watch", "--config", "watch.json", "--once"], cwd: dir)
        #expect(r.status == .config)
        let said = "troca: watch.json: error: [watch.config] $.rules[0].pipeline.stages[0].stage: unknown stage \"cnab parze\""
        #expect(r.stderrText.hasPrefix(said), "\(r.stderrText)")
        let missing = troca(["watch", "--config", "watch.json", "--once"], cwd: dir + "/nowhere")
        #expect(missing.status == .config)
        #expect(missing.stderrText.contains("cannot read"))
    }

    @Test func theSampleWatchConfigLoads() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for f in ["retorno.json", "events.json", "watch.json"] {
            try FileManager.default.copyItem(atPath: samples + "/" + f, toPath: dir + "/" + f)
        }
        // No banco/ folder yet: loading passes (78 would be a bad config); the folder is missing (66).
        let r = troca(["watch", "--config", "watch.json", "--once"], cwd: dir)
        #expect(r.status == .noInput)
        #expect(r.stderrText.contains("banco is not a directory"))
    }
}

/// The files under `dir`, at any depth, relative and sorted.
private func filesUnder(_ dir: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
    var files: [String] = []
    while let p = e.nextObject() as? String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir + "/" + p, isDirectory: &isDir), !isDir.boolValue { files.append(p) }
    }
    return files.sorted()
}
