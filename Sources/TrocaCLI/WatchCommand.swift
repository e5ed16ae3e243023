import FixedWidth
import Foundation
import Records
import Watch

#if canImport(Glibc)
    import Glibc
#endif

/// Set by SIGTERM/SIGINT: the watcher finishes the file in hand, then stops.
nonisolated(unsafe) private var stopRequested: sig_atomic_t = 0

/// `troca watch`: watched folders running pipelines.
enum WatchCommand: Command {
    static let name = ["watch"]
    static let summary = "watch a folder: each file dropped in inbox/ runs its rule's pipeline, once"
    static let help = """
        usage: troca watch --config WATCH.json [--once] [--date YYYY-MM-DD]

        Polls FOLDER/inbox/ (listing works on network shares, where inotify does not) and takes
        a file once its size and mtime have not changed for settle_seconds, or at once when a
        NAME.ok marker sits beside it. The file is claimed by renaming it into work/ (a second
        watcher cannot take it too), hashed (SHA-256) and checked against the journal: content
        already processed goes to duplicates/ and is never run twice. Otherwise the first rule
        whose pattern matches its name runs its pipeline (as `troca run`); its outputs are
        written into a staging directory and moved into out/ only when the run succeeds; the
        input then moves to done/YYYY-MM-DD/, or to failed/ beside NAME.error.json saying why.
        Every step is recorded first in journal.jsonl (append-only, synced), so a watcher
        killed at any moment finishes on its next start the files it left in work/.

        One watcher per folder (.troca-watch.lock). SIGTERM or SIGINT: the file in hand is
        finished, then the watcher exits 0 (74 if a file was left in work/ meanwhile). The log
        is JSONL on standard error (or the config's "log" file), CPF and CNPJ masked. The
        configuration format is in docs/watch.md:

          {"folder": "banco", "settle_seconds": 5, "poll_seconds": 2,
           "rules": [{"pattern": "*.ret", "pipeline": "retorno.json"}]}

        Exit 0; with --once, 65 when a file failed; 66 when the folder cannot be read; 75 when
        another watcher holds the folder; 78 for a bad configuration (with the JSON path); 74
        when a file was left in work/ (the journal or a move failed; finished on the next start).

        options:
          --config FILE       the watch configuration (required)
          --once              take what is in the inbox (waiting for it to settle), then exit
          --date YYYY-MM-DD   the day for {date} and done/ (default: today, each file)

        """
    static let valued: Set<String> = ["config", "date"]
    static let flags: Set<String> = ["once"]

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        guard let file = args.value("config") else { throw UsageError(message: "watch needs --config WATCH.json") }
        guard args.positionals.isEmpty else { throw UsageError(message: "watch takes no FILE arguments, found \(args.positionals[0])") }
        let fixedDate = try args.value("date").map { _ in try RunCommand.date(args) }
        let config: WatchConfig
        do {
            config = try WatchConfig.load(path: io.path(file), name: file, check: PipelineRunner.check)
        } catch {
            context.print(Diagnostic(.error, "watch.config", error.located, file: error.file, line: error.line, column: error.column))
            return .config
        }
        if let error = statePathProblem(config, name: file) {
            context.print(Diagnostic(.error, "watch.config", error.located, file: error.file))
            return .config
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: config.folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            io.say("watch: the watched folder \(config.folder) is not a directory (\(file): $.folder)")
            return .noInput
        }
        let lock: FolderLock
        do { lock = try FolderLock(path: config.lock) } catch {
            io.say("watch: \(error.description)")
            return error.code == EWOULDBLOCK ? .tempFail : .noInput
        }
        defer { withExtendedLifetime(lock) {} }
        let log = try logSink(config, io)
        let watcher: Watcher
        do {
            watcher = try Watcher(
                config: config, run: { job in runJob(job, io) }, log: log, shouldStop: { stopRequested != 0 },
                today: { fixedDate ?? Clock.today() })
        } catch {
            io.say("watch: \(error.description)")
            return .noInput
        }
        stopRequested = 0
        let previousTerm = signal(SIGTERM) { _ in stopRequested = 1 }
        let previousInt = signal(SIGINT) { _ in stopRequested = 1 }
        defer {
            signal(SIGTERM, previousTerm)
            signal(SIGINT, previousInt)
        }
        let summary = watcher.watch(once: args.has("once"))
        return status(summary, once: args.has("once"))
    }

    /// A stage's file kept from run to run (`Command.stateFiles`: `letters select --history`,
    /// `cnab write --sequence-file`) given a path that does not outlive the file processed: a
    /// relative one names a file in the claim's directory (stages run there), removed with it
    /// when the file is done, so every file would start from an empty history or sequence;
    /// one in `{out}` would be moved into out/ as an output, one in `{work}` removed. Only an
    /// absolute path or one under `{pipeline}` is kept.
    static func statePathProblem(_ config: WatchConfig, name: String) -> ConfigError? {
        for rule in config.rules {
            let pipeline = rule.pipeline
            if let problem = PipelineRunner.streamStageProblem(pipeline) ?? PipelineRunner.stateStageProblem(pipeline) {
                return pipeline.file == name
                    ? ConfigError(file: name, path: problem.path, message: problem.message)
                    : ConfigError(file: name, path: "\(rule.path).pipeline", message: "\(pipeline.file): \(problem.path): " + problem.message)
            }
            for stage in pipeline.stages {
                guard let command = Commands.all.first(where: { $0.name == stage.command }), !command.stateFiles.isEmpty,
                    let scanned = try? Arguments(
                        stage.arguments, valued: command.valued, flags: command.flags, repeatable: command.repeatable)
                else { continue }
                for option in command.stateFiles {
                    guard let value = scanned.value(option), !value.hasPrefix("/"), value != "{pipeline}", !value.hasPrefix("{pipeline}/")
                    else { continue }
                    let base = (value as NSString).lastPathComponent
                    let message =
                        "--\(option) \"\(value)\" would not be kept from one file to the next: "
                        + (value.hasPrefix("{")
                            ? "only {pipeline} names a folder that outlives the file processed; "
                            : "a relative path is taken in the file's claim directory (work/<claim>/), which is removed once the file is done; ")
                        + "give an absolute path or one under {pipeline}/ (\"{pipeline}/\(base)\")"
                    // A rule's pipeline file is quoted as its other errors are.
                    return pipeline.file == name
                        ? ConfigError(file: name, path: "\(stage.path).args", message: message)
                        : ConfigError(file: name, path: "\(rule.path).pipeline", message: "\(pipeline.file): \(stage.path).args: " + message)
                }
            }
        }
        return nil
    }

    /// The exit status of a watcher that stopped: 74 when a file was left in work/ (neither
    /// done nor failed: the journal could not be written, a file could not be read or moved),
    /// else, with --once, 65 when a file failed; else 0.
    static func status(_ summary: WatchSummary, once: Bool) -> ExitStatus {
        if summary.left > 0 { return .ioError }
        return once && summary.failed > 0 ? .dataError : .ok
    }

    /// Where log lines go: the config's "log" file (appended) or standard error.
    static func logSink(_ config: WatchConfig, _ io: IO) throws -> ([UInt8]) -> Void {
        guard let path = config.log else { return io.stderr }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw WriteError(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        return { line in try? line.withUnsafeBytes { try FileDescriptorOutput.write(fd, $0) } }
    }

    /// What a claimed file's stages run with. They run in the claim's directory with {input}
    /// the bare name: records' source.file and diagnostics name the file as it was dropped.
    /// A watcher lives on: a file truncated while a stage reads it fails that file (a short
    /// read), never the watcher, so files are read, not mapped (SIGBUS on a mapped page stops
    /// the process).
    static func stageIO(directory: String, _ io: IO, stderr: @escaping ([UInt8]) -> Void) -> IO {
        var stageIO = IO(
            stdin: { MemorySource([]) }, stdout: { _ in }, stderr: stderr, environment: io.environment,
            currentDirectory: directory)
        stageIO.mapsInputs = false
        return stageIO
    }

    /// Runs one claimed file's pipeline, the stages' stderr kept (up to 200 lines) as the
    /// outcome's diagnostics.
    static func runJob(_ job: WatchJob, _ io: IO) -> WatchOutcome {
        let lines = LineCapture(limit: 200)
        let stageIO = Self.stageIO(directory: job.directory, io) { lines.append($0) }
        let pipeline = job.rule.pipeline
        let values = PipelineRunner.values(
            pipeline, input: job.file, out: job.out, work: job.scratch, date: job.date, cwd: io.currentDirectory)
        let output = Template.expand(pipeline.output ?? "{out}/{file}.jsonl", values)
        // A history's letters are appended by the watcher once the outputs are in out/.
        let outcome = PipelineRunner.run(pipeline, input: job.file, output: output, values: values, io: stageIO, holdAppends: true)
        return WatchOutcome(status: outcome.status.rawValue, reason: outcome.reason, diagnostics: lines.lines, appends: outcome.appends.map { $0 as any DeferredAppend })
    }
}

/// Keeps the first `limit` lines written to it, then counts the rest.
final class LineCapture: @unchecked Sendable {
    let limit: Int
    private var partial: [UInt8] = []
    private(set) var kept: [String] = []
    private var dropped = 0

    init(limit: Int) { self.limit = limit }

    func append(_ bytes: [UInt8]) {
        for b in bytes {
            if b == 10 {
                if kept.count < limit { kept.append(String(decoding: partial, as: UTF8.self)) } else { dropped += 1 }
                partial.removeAll(keepingCapacity: true)
            } else if partial.count < 4096 {
                partial.append(b)
            }
        }
    }

    /// The kept lines, and how many were dropped.
    var lines: [String] { dropped > 0 ? kept + ["… \(dropped) more lines"] : kept }
}
