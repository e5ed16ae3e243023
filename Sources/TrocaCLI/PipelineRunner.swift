import FixedWidth
import Foundation
import Records
import Watch

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a pipeline's stages in-process, one after the other, through `Tool.main`.
///
/// How stages are connected: stage 1 reads the input on its standard input (and `{input}` names
/// it for stages that take a file argument); each stage's standard output is written to a file
/// in the run's scratch directory, which is the next stage's standard input, and is removed once
/// that stage is done — so a stream is never held in memory, and at most two intermediate files
/// exist at a time. The last stage writes the output (atomically, when it is a file).
///
/// How failures propagate: a stage that exits 0, 1 ("no") or 65 (records rejected; its valid
/// records were written) passes its output on, as `set -o pipefail` would let a shell pipeline
/// finish; the run's status is then the worst of them (65 over 1 over 0). Any other status
/// (64, 66, 70, 73, 74, 78…) stops the run at that stage: no later stage runs, the output file is
/// not written, and the status is that stage's.
///
/// What a run leaves: its output, and the files its stages write beside it (`--rejects`), are
/// renamed into place together when the run ends; a run that stops leaves none of them (a
/// previous run's stay as they were).
enum PipelineRunner {
    /// What a run gave.
    struct Outcome {
        var status: ExitStatus
        /// The stage that stopped the run (0-based), if one did.
        var failedStage: Int?
        /// Why it stopped, in a sentence.
        var reason: String?
        /// With `holdAppends`: the state changes the stages prepared (a history's letters, a
        /// remessa's NSA), for the caller to make once the outputs are where they stay.
        /// Otherwise, what was recorded (`StateCommit.summary`).
        var appends: [any StateCommit] = []
    }

    /// The placeholder values for an input (`-` is standard input) of `pipeline`, whose
    /// directory is made absolute against `cwd`.
    static func values(_ pipeline: Pipeline, input: String, out: String, work: String, date: String, cwd: String) -> [String: String] {
        let names = input == "-" ? (name: "stdin", file: "-") : Template.names(ofInput: input)
        let dir = pipeline.directory.hasPrefix("/") ? pipeline.directory : cwd + "/" + pipeline.directory
        return ["name": names.name, "file": names.file, "input": input, "date": date, "out": out, "work": work, "pipeline": dir]
    }

    /// Runs `pipeline` on `input` (a path, or `-` for `io.stdin`), writing the last stage's
    /// output to `output` (a path, written atomically) or to `io.stdout` when nil. `values`
    /// fill the placeholders; `values["work"]` is the scratch directory (it must exist). Stages
    /// run in `io.currentDirectory`.
    ///
    /// A `letters select --commit` stage's letters are appended to its history, and a `cnab
    /// write --sequence-file` stage's NSA stored, after the output and the `--rejects` files are
    /// renamed into place (a crash between the two can at worst have the letters selected, or
    /// the NSA used, again by the next run, never recorded without an output); with
    /// `holdAppends` (`troca watch`, whose outputs are still staged) they are returned instead.
    static func run(_ pipeline: Pipeline, input: String, output: String?, values: [String: String], io: IO, holdAppends: Bool = false)
        -> Outcome
    {
        let scratch = values["work"]!
        var worst = ExitStatus.ok
        var previous: String? = nil
        // Each intermediate file is noted for removal if troca is stopped by a signal meanwhile.
        var slots: [String: Int] = [:]
        func remove(_ path: String) {
            unlink(path)
            MappedInput.forget(slots.removeValue(forKey: path) ?? -1)
        }
        defer { if let previous { remove(previous) } }
        // An output that is a directory cannot be made: said before any stage runs, not when
        // the last one would write to it.
        if let output {
            var info = stat()
            if stat(io.path(output), &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                return Outcome(status: .cantCreate, failedStage: nil, reason: "the output \(output) is a directory; give a file name")
            }
        }
        var outputFile: AtomicFile? = nil
        // The stages' --rejects files, renamed into place with the output; removed if the run stops.
        let runFiles = RunFiles(outputsStaged: holdAppends)
        defer { runFiles.abort() }
        for (i, stage) in pipeline.stages.enumerated() {
            let last = i == pipeline.stages.count - 1
            let label = "stage \(i + 1) of \(pipeline.stages.count) (\(stage.command.joined(separator: " ")))"
            // Opened here, before the stage runs: a file that vanished is this run's failure
            // with its reason, never an empty input.
            let stdin: () -> ByteSource
            do {
                if let previous {
                    let source = try io.file(previous, name: "-")
                    stdin = { source }
                } else if input == "-" {
                    stdin = io.stdin
                } else {
                    let source = try io.file(io.path(input), name: input)
                    stdin = { source }
                }
            } catch {
                return Outcome(status: error.missing ? .noInput : .ioError, failedStage: i, reason: "\(label): \(error.description)")
            }
            let stdout: (UnsafeBufferPointer<UInt8>) throws -> Void
            var next: String? = nil
            var fd: Int32 = -1
            do {
                if last, let output {
                    try makeFolders(of: io.path(output), in: values["out"])
                    let file = try AtomicFile(path: io.path(output))
                    outputFile = file
                    stdout = { try file.write($0) }
                } else if last {
                    stdout = io.stdout
                } else {
                    let path = scratch + "/stage-\(i + 1).out"
                    // Noted before it is made: a stop between the two leaves no file behind.
                    slots[path] = MappedInput.removeIfStopped(path)
                    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                    guard fd >= 0 else {
                        let failure = errno
                        MappedInput.forget(slots.removeValue(forKey: path) ?? -1)
                        throw WriteError(description: "cannot create \(path): \(String(cString: strerror(failure)))")
                    }
                    next = path
                    let target = fd
                    stdout = { bytes in
                        do { try FileDescriptorOutput.write(target, UnsafeRawBufferPointer(bytes)) } catch let e as WriteError {
                            throw WriteError(description: "cannot write \(path): \(e.description)")
                        }
                    }
                }
            } catch {
                return Outcome(status: .cantCreate, failedStage: i, reason: "\(label): \(error)")
            }
            var stageIO = IO(
                stdin: stdin, stdout: stdout, stderr: io.stderr, environment: io.environment, currentDirectory: io.currentDirectory)
            let broken = Flag()
            stageIO.inputBroken = { broken.value = true }
            stageIO.runFiles = runFiles
            stageIO.mapsInputs = io.mapsInputs
            let args = stage.command + stage.arguments.map { Template.expand($0, values) }
            // A file a stage writes in a folder of {out} (`--rejects {out}/{date}/…`) finds it.
            for arg in args.dropFirst(stage.command.count) {
                do { try makeFolders(of: arg, in: values["out"]) } catch {
                    // This stage's intermediate file, open and noted, goes too (a long-running
                    // watcher would run out of descriptors and of noted slots).
                    if fd >= 0 { close(fd) }
                    if let next { remove(next) }
                    outputFile?.abort()
                    return Outcome(status: .cantCreate, failedStage: i, reason: "\(label): \(error)")
                }
            }
            let status = Tool.main(arguments: args, io: stageIO)
            if fd >= 0 { close(fd) }
            if let previous { remove(previous) }
            previous = next
            if broken.value {
                // What it wrote before finding out is not the input's: no output, as `--output` alone.
                outputFile?.abort()
                return Outcome(
                    status: .dataError, failedStage: i, reason: "\(label): its input is broken as a whole (see its errors); no output written")
            }
            switch status {
            case .ok: break
            case .no: if worst == .ok { worst = .no }
            case .dataError: worst = .dataError
            default:
                outputFile?.abort()
                return Outcome(status: status, failedStage: i, reason: "\(label) exited with status \(status.rawValue)")
            }
        }
        do {
            try runFiles.commit()
            try outputFile?.commit()
        } catch {
            outputFile?.abort()
            return Outcome(status: .ioError, failedStage: pipeline.stages.count - 1, reason: "\(error)")
        }
        let appends = runFiles.appends
        if holdAppends { return Outcome(status: worst, failedStage: nil, reason: nil, appends: appends) }
        for append in appends {
            do { try append.commit() } catch {
                return Outcome(
                    status: .ioError, failedStage: nil,
                    reason: "the outputs are in place, but \(append.what) could not be recorded: \(error)")
            }
        }
        return Outcome(status: worst, failedStage: nil, reason: nil, appends: appends)
    }

    /// Makes the folders between `out` (the value of `{out}`, which exists) and the file `path`
    /// names, when `path` lies in a folder of `out` (`{out}/{date}/{name}.jsonl`); anything else
    /// is left to whoever opens it.
    static func makeFolders(of path: String, in out: String?) throws {
        guard let out, !out.isEmpty, path.hasPrefix(out.hasSuffix("/") ? out : out + "/") else { return }
        let rest = path.dropFirst(out.hasSuffix("/") ? out.count : out.count + 1)
        guard let slash = rest.lastIndex(of: "/") else { return }
        let folder = String(path[..<slash])
        do { try FileBytes.makeDirectory(folder) } catch {
            throw WriteError(description: "cannot create the folder \(folder): \(error.reason)")
        }
    }

    /// A stage before the last with its own `--output`, followed by a stage that reads its
    /// standard input: the records would go to that file, and the next stage would read an
    /// empty input and pass nothing on (`boleto make: -: read 0 lines`, exit 0, the records
    /// gone with `{work}`), so it is refused when the pipeline is loaded. A next stage that
    /// reads the file by name (`cnab write --output {out}/r.rem`, then `cnab parse
    /// {out}/r.rem`) takes nothing from the stream and is left alone. The last stage may have
    /// one (`cnab write --output {out}/`, naming the remessa by the bank's rule): its records
    /// go there instead of to the pipeline's "output". `--rejects` is a file beside the
    /// stream, not the stream: allowed in any stage. nil when no stage's `--output` is taken
    /// from the next.
    static func streamStageProblem(_ pipeline: Pipeline) -> (path: String, message: String)? {
        func scan(_ stage: Pipeline.Stage) -> (command: any Command.Type, args: Arguments)? {
            guard let command = Commands.all.first(where: { $0.name == stage.command }),
                let args = try? Arguments(stage.arguments, valued: command.valued, flags: command.flags, repeatable: command.repeatable)
            else { return nil }
            return (command, args)
        }
        for (stage, next) in zip(pipeline.stages, pipeline.stages.dropFirst()) {
            guard let this = scan(stage), this.command.valued.contains("output"), this.args.value("output") != nil,
                let following = scan(next), following.command.readsStandardInput(following.args)
            else { continue }
            return (
                "\(stage.path).args",
                "--output in a stage that is not the last would take its records from the next stage "
                    + "(\"\(next.command.joined(separator: " "))\", which reads its standard input); "
                    + "the pipeline's \"output\" names where the last stage's records go"
            )
        }
        return nil
    }

    /// A pipeline with more than one stage that records to a file kept across runs (`letters
    /// select --commit`, `cnab write --sequence-file`): one change per run is made once its
    /// outputs are in place, so a second such stage is refused when the pipeline is loaded,
    /// not on the first day both would record something. nil when there is at most one.
    static func stateStageProblem(_ pipeline: Pipeline) -> (path: String, message: String)? {
        var first: Pipeline.Stage? = nil
        for stage in pipeline.stages {
            guard let command = Commands.all.first(where: { $0.name == stage.command }), !command.stateFiles.isEmpty,
                let scanned = try? Arguments(stage.arguments, valued: command.valued, flags: command.flags, repeatable: command.repeatable)
            else { continue }
            let records = command.name == LettersSelectCommand.name ? scanned.has("commit") : command.stateFiles.contains { scanned.value($0) != nil }
            guard records else { continue }
            if let first {
                return (
                    stage.path,
                    "stage \"\(stage.command.joined(separator: " "))\" records to a file kept across runs, as \(first.path) "
                        + "(\(first.command.joined(separator: " "))) does: a pipeline keeps one such file, changed once its outputs are in place; "
                        + "run the second in a pipeline of its own")
            }
            first = stage
        }
        return nil
    }

    /// Checks a stage for `Pipeline.load`: the command must be in `Commands.all` (and not a
    /// runner itself), and accept the arguments.
    static func check(_ words: [String], _ args: [String]) -> (member: String, message: String)? {
        let runners: [[String]] = [RunCommand.name, WatchCommand.name, HelpCommand.name]
        guard let command = Commands.all.first(where: { $0.name == words }), !runners.contains(words) else {
            let stages = Commands.all.filter { !runners.contains($0.name) }.map { $0.name.joined(separator: " ") }
            return ("stage", "unknown stage \"\(words.joined(separator: " "))\"; stages are: \(stages.joined(separator: ", "))")
        }
        let help = "(stage \"\(words.joined(separator: " "))\"; see `troca \(words.joined(separator: " ")) --help`)"
        do {
            let scanned = try Arguments(args, valued: command.valued, flags: command.flags, repeatable: command.repeatable)
            if let missing = command.required.first(where: { scanned.value($0) == nil }) {
                return ("args", "--\(missing) is required \(help)")
            }
        } catch {
            return ("args", "\(error.message) \(help)")
        }
        return nil
    }

    /// A fresh scratch directory under `$TMPDIR` (or /tmp).
    static func scratchDirectory(_ io: IO) throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/troca-run.XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw WriteError(description: "cannot create a scratch directory in \(base): \(String(cString: strerror(errno)))")
        }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A flag a stage's `IO` sets from inside `Tool.main`.
final class Flag {
    var value = false
}
