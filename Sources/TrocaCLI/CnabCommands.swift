import CNAB
import FixedWidth
import Records

/// Shared plumbing of the CNAB commands: options, inputs, diagnostics, rejects, summaries.
enum CnabRun {
    static let valued: Set<String> = ["layouts", "layout", "format", "bank", "max-rejects", "rejects"]

    static func options(_ args: Arguments, emit: Bool) throws -> CNABReadOptions {
        var format: CNABFormat? = nil
        if let f = args.value("format") {
            switch f {
            case "240": format = .cnab240
            case "400": format = .cnab400
            default: throw UsageError(message: "--format must be 240 or 400, found \"\(f)\"")
            }
        }
        var bank: String? = nil
        if let b = args.value("bank") {
            guard b.utf8.count == 3, b.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw UsageError(message: "--bank must be a 3-digit bank code (001, 237, 341…), found \"\(b)\"")
            }
            bank = b
        }
        return CNABReadOptions(
            layout: args.value("layout"), format: format, bank: bank, emit: emit, maxRejects: try args.int("max-rejects"))
    }

    /// Opens an input: `-` is standard input.
    static func source(_ name: String, _ io: IO) throws -> ByteSource {
        name == "-" ? io.stdin() : try io.file(io.path(name), name: name)
    }

    /// What a stage writes: its records to `--output` (written atomically) or standard output,
    /// its rejected lines to `--rejects`, and the diagnostics sink that prints and feeds them.
    static func outputs(_ args: Arguments, _ context: Context, everyError: Bool = false) throws -> (
        outputFile: AtomicFile?, rejectsFile: AtomicFile?, output: RecordWriter, rejects: RecordWriter?, sink: DiagnosticSink
    ) {
        let io = context.io
        let outputFile = try args.value("output").map { try AtomicFile(path: io.path($0)) }
        let rejectsFile = try rejectsFile(args, io)
        let output = RecordWriter { bytes in
            if let outputFile { try outputFile.write(bytes) } else { try io.stdout(bytes) }
        }
        let rejects = rejectsFile.map { file in RecordWriter { try file.write($0) } }
        return (outputFile, rejectsFile, output, rejects, sink(context, rejects: rejects, everyError: everyError))
    }

    /// `--rejects FILE`, written atomically; in a `troca run` stage, renamed into place when the
    /// whole run ends (`RunFiles`), so a run that stops leaves none.
    static func rejectsFile(_ args: Arguments, _ io: IO) throws -> AtomicFile? {
        try args.value("rejects").map { try AtomicFile(path: io.path($0), heldBy: io.runFiles) }
    }

    /// A diagnostics sink printing to stderr and, with `--rejects`, writing rejected lines (errors
    /// with raw bytes) as JSONL; with `everyError` (`cnab parse` and `check`), every error: a
    /// structural one (a trailer count, a missing trailer, a sequence) without raw bytes, so
    /// that the rejects file of a run that failed says why.
    static func sink(_ context: Context, rejects: RecordWriter?, everyError: Bool = false) -> DiagnosticSink {
        DiagnosticSink { d in
            context.print(d)
            if let rejects, d.severity == .error, everyError || d.raw != nil {
                try? rejects.write(d.jsonLine())
            }
        }
    }

    /// The one-line summary of a file read. `discarded`: its records went to an `--output` file
    /// that is not kept (the file's structure is broken), so none is said to be written.
    static func summaryLine(_ command: String, _ file: String, _ s: CNABReadSummary, errors: Int, discarded: Bool = false) -> String {
        let noun = s.direction == "remessa" ? "títulos" : "events"
        var line =
            discarded
            ? "\(command): \(file): read \(s.lines) lines: \(s.written) valid, \(s.rejected) rejected, \(s.skipped) skipped; "
                + "\(s.records) records (\(s.titles) \(noun)) not written: the file's structure is broken"
            : "\(command): \(file): read \(s.lines) lines: \(s.written) written, \(s.rejected) rejected, \(s.skipped) skipped; "
                + "\(s.records) records (\(s.titles) \(noun))"
        if errors > 0 { line += "; \(errors) error\(errors == 1 ? "" : "s")" }
        return line
    }
}

/// `troca cnab parse`: a CNAB file → JSONL records.
enum CnabParseCommand: Command {
    static let name = ["cnab", "parse"]
    static let summary = "CNAB 240/400 remessa/retorno → JSONL (file, batch, title/event records)"
    static let help = """
        usage: troca cnab parse [FILE|-]… [--output FILE] [--rejects FILE] [--max-rejects N]
                                [--layout NAME] [--format 240|400] [--bank NNN] [--layouts DIR]

        Reads CNAB files (standard input when none or `-`) and writes one JSON object per line:
          file    the file header and trailer (part: header|trailer)
          batch   each batch header and trailer (CNAB 240; CNAB 400 has no batches)
          title   each remessa título (240: segments P+Q[+R][+S][+Y] of one batch, grouped;
                  400: the detail record and the complement records after it)
          event   each retorno título (240: segments T+U[+Y]; 400: the detail and its
                  complements) with the bank's code, the normalised
                  event (registered, rejected, paid, written_off, changed, protested, fee, other)
                  and the reasons
          segment a detail whose segment no layout describes, kept raw
        Every record carries source {file, line}. Format (240/400), direction (remessa/retorno)
        and bank are detected from the header; --format, --bank and --layout override them.

        A rejected line is reported on stderr as FILE:LINE:COL with a code, and with --rejects
        written as JSONL with its raw bytes (every other error too, such as a trailer count
        that contradicts the file, without raw bytes); the valid records are still written.
        Exit 0 when every line was taken, 65 when any was rejected or the file's structure is
        broken (then no --output file is left behind).

        options:
          --output FILE       write here (atomically) instead of standard output
          --rejects FILE      write errors as JSONL reject records (rejected lines with their bytes)
          --max-rejects N     stop after more than N rejected lines
          --layout NAME       read the details with this layout (see `troca layout list`)
          --format 240|400    do not detect the format
          --bank NNN          read with this bank's layouts, whatever the header says
          --layouts DIR       add or override layouts (repeatable; also TROCA_LAYOUTS)

        """
    static let valued: Set<String> = CnabRun.valued.union(["output"])
    static let flags: Set<String> = []

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        let library = try context.library(args)
        let options = try CnabRun.options(args, emit: true)
        if let layout = options.layout { _ = try CompiledLayout(try library.layout(named: layout)) }
        let inputs = args.positionals.isEmpty ? ["-"] : args.positionals
        var sources: [(String, ByteSource)] = []
        for name in inputs { sources.append((name, try CnabRun.source(name, io))) }

        let (outputFile, rejectsFile, output, rejects, sink) = try CnabRun.outputs(args, context, everyError: true)
        var fatal = false
        for (name, source) in sources {
            let reader = CNABReader(library: library, file: name, options: options)
            let before = sink.errors
            let summary = try reader.read(source, output: output, diagnostics: sink)
            try output.finish()
            // With --output, a broken file's records are not kept (the file is not committed).
            let discarded = summary.fatal && outputFile != nil
            var line = CnabRun.summaryLine("cnab parse", name, summary, errors: sink.errors - before, discarded: discarded)
            // A limit the user set, not a broken file: its records are kept, as an import's.
            if summary.stopped, let max = options.maxRejects { line += "; stopped after \(summary.rejected) rejected lines (--max-rejects \(max))" }
            io.say(line)
            fatal = fatal || summary.fatal
        }
        try rejects?.finish()
        try rejectsFile?.commit()
        if fatal {
            outputFile?.abort()
            io.inputBroken?()
            if let path = args.value("output") {
                io.say(
                    "cnab parse: \(path) not written: the input's structure is broken"
                        + (sources.count > 1 ? " (no record of any input is kept)" : ""))
            }
            return .dataError
        }
        try outputFile?.commit()
        return sink.errors > 0 ? .dataError : .ok
    }
}

/// `troca cnab check`: the structure report of CNAB files.
enum CnabCheckCommand: Command {
    static let name = ["cnab", "check"]
    static let summary = "check CNAB files: record lengths, order, sequences, trailer counts and totals"
    static let help = """
        usage: troca cnab check FILE… [--rejects FILE] [--max-rejects N] [--layout NAME]
                                [--format 240|400] [--bank NNN] [--layouts DIR]

        Reads each file as `troca cnab parse` does, without writing records, and reports every
        problem on stderr as FILE:LINE:COL: error: [code] message — record lengths and
        encodings, record-type order, batch numbering, sequence numbers within each batch,
        batch trailer record counts, título counts and totals (a remessa's: a retorno's are the
        bank's portfolio, not this file's events, and are not compared), file trailer batch and
        record counts, field contents (dates, numbers). Prints one report line per file on
        standard output. Exit 0 when every file is clean, 65 when any has an error.

        options:
          --rejects FILE      write errors as JSONL reject records (rejected lines with their bytes)
          --max-rejects N     stop reading a file after more than N rejected lines
          --layout NAME       read the details with this layout (see `troca layout list`)
          --format 240|400    do not detect the format
          --bank NNN          read with this bank's layouts, whatever the header says
          --layouts DIR       add or override layouts (repeatable; also TROCA_LAYOUTS)

        """
    static let valued: Set<String> = CnabRun.valued
    static let flags: Set<String> = []

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        guard !args.positionals.isEmpty else { throw UsageError(message: "cnab check needs at least one FILE (or - for standard input)") }
        let library = try context.library(args)
        let options = try CnabRun.options(args, emit: false)
        if let layout = options.layout { _ = try CompiledLayout(try library.layout(named: layout)) }
        let rejectsFile = try CnabRun.rejectsFile(args, io)
        let rejects = rejectsFile.map { file in RecordWriter { try file.write($0) } }
        var status = ExitStatus.ok
        for name in args.positionals {
            let source: ByteSource
            do {
                source = try CnabRun.source(name, io)
            } catch let e as InputError {
                io.say(e.diagnostic)
                status = .noInput
                continue
            }
            let sink = CnabRun.sink(context, rejects: rejects, everyError: true)
            let s = try CNABReader(library: library, file: name, options: options).read(source, output: nil, diagnostics: sink)
            var line = "\(name): "
            line += sink.errors == 0 ? "ok" : "\(sink.errors) error\(sink.errors == 1 ? "" : "s")"
            line += ", \(sink.warnings) warning\(sink.warnings == 1 ? "" : "s")"
            var facts: [String] = []
            if let f = s.format { facts.append(f.description) }
            if let d = s.direction { facts.append(d) }
            if let b = s.bank { facts.append("bank \(b)") }
            if let l = s.layout { facts.append("layout \(l)") }
            facts.append("\(s.lines) lines")
            facts.append("\(s.titles) \(s.direction == "remessa" ? "títulos" : "events")")
            if s.rejected > 0 { facts.append("\(s.rejected) rejected") }
            try io.write((line + " (" + facts.joined(separator: ", ") + ")\n"))
            if sink.errors > 0, status == .ok { status = .dataError }
        }
        try rejects?.finish()
        try rejectsFile?.commit()
        return status
    }
}
