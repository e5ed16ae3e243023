import FixedWidth
import Foundation
import Records
import Watch

/// `troca run`: a pipeline of stages from a JSON file, run in-process on one input.
enum RunCommand: Command {
    static let name = ["run"]
    static let summary = "run a pipeline of stages (a JSON file) on one input, in-process"
    static let help = """
        usage: troca run PIPELINE.json [INPUT|-] [--output FILE] [--out DIR] [--date YYYY-MM-DD]

        Runs the pipeline's stages one after the other on INPUT (standard input when none or
        `-`): the first stage reads INPUT on its standard input, each stage's output feeds the
        next (through a temporary file, never whole in memory), and the last stage's output goes
        to the pipeline's "output", --output, or standard output. The file format is in
        docs/watch.md:

          {"pipeline": "retorno",
           "stages": [{"stage": "cnab parse", "args": ["{input}", "--rejects", "{out}/{name}.rejects.jsonl"]},
                      {"stage": "export csv", "args": ["--columns", "nosso_numero,paid_cents"]}],
           "output": "{out}/{name}-{date}.csv"}

        Placeholders in arguments and "output": {input} the input's path, {file} its file name,
        {name} that name without its extension, {date} today (or --date), {out} the output
        directory (--out, default .), {work} a scratch directory removed afterwards, {pipeline}
        the pipeline file's directory (for maps kept beside it: "--map", "{pipeline}/map.json").
        Stages run in the current directory, as in a shell script.

        The pipeline is checked before anything runs: an unknown stage, an option a stage does
        not take, an --output in a stage before one that reads its standard input (it would
        take the records from that stage; the last stage's own --output is where its records
        go) or an unknown placeholder exits 78 naming the JSON path ($.stages[1].stage).
        A stage exiting 0, 1 or 65 passes its output on and the run exits with the worst of
        them; any other status stops the run there, leaves no output file, and is the exit
        status. A stage whose input is broken as a whole (a structural error such as a
        truncated CNAB file, a file that is not CSV) stops the run too, which exits 65
        ("stopped: … its input is broken as a whole"); a stage stopped by its --max-rejects is
        not one of these and passes its records on. Stages' --rejects files are put in place
        with the output when the run ends: a run that stops leaves none.

        options:
          --output FILE       the last stage's output (written atomically), instead of the pipeline's
          --out DIR           the value of {out}, made when missing (default: the current directory)
          --date YYYY-MM-DD   the value of {date} (default: today)

        """
    static let valued: Set<String> = ["output", "out", "date"]
    static let flags: Set<String> = []

    /// The INPUT after PIPELINE.json, or standard input without one (or with `-`).
    static func readsStandardInput(_ args: Arguments) -> Bool { args.positionals.count < 2 || args.positionals[1] == "-" }

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        guard let file = args.positionals.first else { throw UsageError(message: "run needs a PIPELINE.json file") }
        guard args.positionals.count <= 2 else {
            throw UsageError(message: "run takes one PIPELINE.json and at most one INPUT, found \(args.positionals.count) arguments")
        }
        let input = args.positionals.count == 2 ? args.positionals[1] : "-"
        let date = try RunCommand.date(args)
        let pipeline: Pipeline
        do {
            pipeline = try Pipeline.load(path: io.path(file), name: file, check: PipelineRunner.check)
        } catch {
            context.print(Diagnostic(.error, "run.pipeline", error.located, file: error.file, line: error.line, column: error.column))
            return .config
        }
        if let problem = PipelineRunner.streamStageProblem(pipeline) ?? PipelineRunner.stateStageProblem(pipeline) {
            context.print(Diagnostic(.error, "run.pipeline", "\(problem.path): \(problem.message)", file: file))
            return .config
        }
        if input != "-", FileManager.default.fileExists(atPath: io.path(input)) == false {
            throw InputError(file: input, reason: "No such file or directory", missing: true)
        }
        var out = args.value("out").map(io.path) ?? io.currentDirectory
        // `--out out/`: {out}/NAME is out/NAME, not out//NAME.
        while out.count > 1, out.hasSuffix("/") { out.removeLast() }
        // `--out DIR` is where the pipeline's files go: made when it is not there yet.
        do { try FileBytes.makeDirectory(out) } catch {
            throw WriteError(description: "cannot create the --out directory \(args.value("out") ?? out): \(error.reason)")
        }
        let scratch = try PipelineRunner.scratchDirectory(io)
        // SIGTERM or SIGINT mid-run (the handler `main` installs, `MappedInput`): the scratch
        // directory, the stages' files in it and the temporary files of outputs not yet in
        // place are removed, then troca dies by the signal.
        let scratchSlot = MappedInput.removeIfStopped(scratch)
        MappedInput.runningPipeline = true
        defer {
            MappedInput.runningPipeline = false
            MappedInput.forget(scratchSlot)
            try? FileManager.default.removeItem(atPath: scratch)
        }
        let values = PipelineRunner.values(pipeline, input: input, out: out, work: scratch, date: date, cwd: io.currentDirectory)
        let output = args.value("output") ?? pipeline.output.map { Template.expand($0, values) }
        let outcome = PipelineRunner.run(pipeline, input: input, output: output, values: values, io: io)
        var line =
            "run: \(pipeline.name): \(pipeline.stages.count) stage\(pipeline.stages.count == 1 ? "" : "s"), exit \(outcome.status.rawValue)"
        if let reason = outcome.reason { line += "; stopped: \(reason)" } else if let output { line += "; output \(output)" }
        if outcome.reason == nil { line += outcome.appends.map { "; " + $0.summary }.joined() }
        io.say(line)
        return outcome.status
    }

    /// `--date`, checked, or today.
    static func date(_ args: Arguments) throws -> String {
        guard let text = args.value("date") else { return Clock.today() }
        guard let d = CivilDate(iso: text) else { throw UsageError(message: "--date must be a date YYYY-MM-DD, found \"\(text)\"") }
        return d.description
    }
}
