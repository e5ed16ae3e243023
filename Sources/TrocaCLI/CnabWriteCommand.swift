import CNAB
import FixedWidth
import Foundation
import Records

/// `troca cnab write`: JSONL title records → a remessa file of a bank.
enum CnabWriteCommand: Command {
    static let name = ["cnab", "write"]
    static let summary = "JSONL title records → a bank's CNAB 240/400 remessa"
    static let help = """
        usage: troca cnab write --bank NNN --format 240|400 [FILE|-] [--output FILE] [--rejects FILE]
                                [--layout NAME] [--date YYYY-MM-DD] [--time HH:MM:SS]
                                [--sequence N | --sequence-file FILE] [--layouts DIR]

        Reads JSON Lines (standard input when no FILE or `-`), as `troca cnab parse` writes them:
          title   one título: its detail records (240: P, Q and, when it has values for them,
                  R, S, Y; 400: the detail record and its complements) are written from its fields
          file    optional, before the títulos: the file header's values (company, convênio,
                  generated_on, file_sequence…)
          batch   optional (240): a batch header's values; without one, a batch is opened with the
                  first título's agency, account and convênio
        Sequence numbers, batch numbers, record counts and (CNAB 400) título counts and totals are
        computed. Lines are exactly 240 or 400 bytes, CRLF-terminated, uppercase ASCII: accents
        are dropped, and text longer than its field is cut and counted (a warning per field). A
        number or identifier that does not fit its field, a date that is not YYYY-MM-DD, or a
        título without its due date or amount is rejected (stderr, and --rejects), never cut; so is
        a título registered (code 01) in a bank's own layout without its payer's name or CPF/CNPJ.
        An amount is a JSON number of whole centavos: text ("1500") or a fraction (12.5) is
        rejected. A CNAB 400 detail that names the beneficiário takes the file record's company
        when the título gives none, and is rejected when neither does. A título registered with
        amount_cents 0 is written with a warning: banks refuse a boleto without a value unless
        the agreement accepts one (cnab simulate rejects it). The file is --bank's: a file record
        of another bank is written with --bank's code (a warning, write.bank-mismatch), a título
        of another bank is rejected (write.bank; leave its bank out to take the file's).

        Exit 0 when every record was written, 65 when any was rejected (the others are still
        written), 78 when the bank has no CNAB 400 remessa layout (a bank without a CNAB 240 one
        is written in FEBRABAN's, with a warning: write.generic-layout). A header value that does not fit its field
        (an NSA, a company document, convênio or agency from the file or a batch record) makes no
        file: an error naming the field and the value, exit 65, the NSA not stored, and no file
        with --output (to standard output, what was written before it is incomplete: discard it).

        options:
          --bank NNN          the bank (001, 033, 104, 237, 341, 748, 756…): its layout
                              cnab240/NNN/remessa (else FEBRABAN's) or cnab400/NNN/remessa
          --format 240|400    the CNAB family
          --output FILE|DIR   write here (atomically) instead of standard output; in a
                              directory, under the bank's file-name rule, never replacing a
                              file: Bradesco CBDDMMnn.REM; Sicoob remessa-YYYYMMDD-nn.REM;
                              Sicredi 400 CCCCCMDD.CRM (CCCCC its código do beneficiário, M
                              the month as 1–9, O, N, D, DD the day), then .RM2 … .RM9, .RM0
                              for the day's next files; else remessa-YYYYMMDD-nn.rem; nn the
                              first free, the date the header's (the file record's, else
                              --date)
          --rejects FILE      write errors as JSONL reject records (rejected lines with their bytes)
          --layout NAME       write with this layout instead
          --date YYYY-MM-DD   generation date when the file record gives none (default: today)
          --time HH:MM:SS     generation time when the file record gives none (default: now)
          --sequence N        the file sequence number (NSA) written in the header
          --sequence-file FILE  keep the NSA here: each run writes the number after the last
                              one, and stores it whenever a remessa is written, even one whose
                              títulos were all rejected (FILE.lock is held meanwhile, so runs at
                              once never share a number); as a stage of `troca run` or `troca
                              watch` writing to standard output, once the run's outputs are in
                              place
          --layouts DIR       add or override layouts (repeatable; also TROCA_LAYOUTS)

        """
    static let valued: Set<String> = [
        "bank", "format", "output", "rejects", "layout", "date", "time", "sequence", "sequence-file", "layouts",
    ]
    static let flags: Set<String> = []
    static let inputOptions: Set<String> = ["sequence-file"]
    static let stateFiles = ["sequence-file"]
    /// `--output DIR`: the remessa is named there by the bank's file-name rule.
    static let directoryOutputs: Set<String> = ["output"]

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        let library = try context.library(args)
        guard let bank = args.value("bank"), bank.utf8.count == 3, bank.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw UsageError(
                message: args.value("bank").map { "--bank must be a 3-digit bank code (001, 237, 341…), found \"\($0)\"" }
                    ?? "--bank NNN is required: a 3-digit bank code (001, 237, 341…)")
        }
        let format: CNABFormat
        switch args.value("format") {
        case "240"?: format = .cnab240
        case "400"?: format = .cnab400
        case let other: throw UsageError(message: "--format 240|400 is required" + (other.map { ", found \"\($0)\"" } ?? ""))
        }
        let now = Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        var date = CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
        if let text = args.value("date") {
            guard let d = CivilDate(iso: text) else { throw UsageError(message: "--date must be YYYY-MM-DD, found \"\(text)\"") }
            date = d
        }
        var time = parts.hour! * 3600 + parts.minute! * 60 + parts.second!
        if let text = args.value("time") {
            let p = text.split(separator: ":").compactMap { Int($0) }
            guard p.count == 3, (0..<24).contains(p[0]), (0..<60).contains(p[1]), (0..<60).contains(p[2]) else {
                throw UsageError(message: "--time must be HH:MM:SS, found \"\(text)\"")
            }
            time = p[0] * 3600 + p[1] * 60 + p[2]
        }
        var sequence = try args.int("sequence")
        // The input's name, for the summary line every failure ends with too.
        let input = args.positionals.first ?? "-"
        func noRemessa(_ why: String) { context.io.say("cnab write: \(input): no remessa written: \(why)") }
        var sequenceFile: SequenceFile? = nil
        if let path = args.value("sequence-file") {
            guard sequence == nil else { throw UsageError(message: "give --sequence or --sequence-file, not both") }
            if let held = io.runFiles?.appends.first {
                // The earlier stage holds its file's lock until the run ends: waiting for it here
                // (the same file) would never end.
                context.print(
                    Diagnostic(
                        .error, "write.sequence-file",
                        "an earlier stage of this pipeline already has \(held.stateName) to record when the run ends; "
                            + "a pipeline keeps one such file (run this stage in a pipeline of its own)", file: path))
                return .config
            }
            do {
                sequenceFile = try SequenceFile(path: io.path(path))
            } catch let e as SequenceFile.Invalid {
                context.print(Diagnostic(.error, "write.sequence-file", e.description, file: path))
                return .config
            } catch let e as WriteError {
                context.print(Diagnostic(.error, "write.sequence-file", e.description, file: path))
                return e.description.hasPrefix("cannot create") ? .cantCreate : .ioError
            }
            guard sequenceFile!.last < Int.max else {
                context.print(
                    Diagnostic(.error, "write.header", "the sequence file holds \(Int.max), after which no number can be written", file: path))
                noRemessa("no file sequence number (NSA) left")
                return .dataError
            }
            sequence = sequenceFile!.last + 1
        }
        let options = CNABWriteOptions(
            format: format, bank: bank, layout: args.value("layout"), date: date, time: time, fileSequence: sequence)
        let writer: CNABWriter
        do {
            writer = try CNABWriter(library: library, options: options)
        } catch let e as CNABWriter.SetupError {
            context.print(Diagnostic(.error, e.code, e.description + "; give --layout NAME (troca layout list)", file: e.layout))
            return .config
        }
        if args.value("layout") == nil, writer.layoutName.hasPrefix("cnab240/febraban/") {
            context.print(
                Diagnostic(
                    .warning, "write.generic-layout",
                    "no CNAB 240 remessa layout for bank \(bank) yet: written in FEBRABAN's (\(writer.layoutName)); "
                        + "bank-specific fields, such as the nosso número, may differ from the bank's manual",
                    file: args.positionals.first ?? "-"))
        }
        // An NSA the headers cannot hold makes no valid file: refused before anything is read
        // or written (and the sequence file keeps its number).
        if let sequence, let problem = writer.fileSequenceProblem(sequence) {
            context.print(Diagnostic(.error, "write.header", problem, file: args.value("sequence-file") ?? "--sequence"))
            noRemessa("the file sequence number (NSA) does not fit the header")
            return .dataError
        }
        guard args.positionals.count <= 1 else { throw UsageError(message: "cnab write reads one input (FILE or -)") }
        let name = args.positionals.first ?? "-"
        let source = try CnabRun.source(name, io)
        // A directory gets the file named by the bank's rule (Bradesco CBDDMMnn.REM, Sicredi
        // CCCCCMDD.CRM), decided once the file is written, since a rule may use its header.
        var outputPath = args.value("output").map { io.path($0) }
        var directory: String? = nil
        var isDir: ObjCBool = false
        // `--output remessas/` names a directory: one that is not there is said so, exit 73, not
        // written as a file named by the path.
        if let given = args.value("output"), given.hasSuffix("/"),
            !(FileManager.default.fileExists(atPath: io.path(given), isDirectory: &isDir) && isDir.boolValue)
        {
            context.print(
                Diagnostic(
                    .error, "write.output", "the directory \(given) does not exist (create it first, e.g. mkdir -p \(given)); no remessa written",
                    file: given))
            return .cantCreate
        }
        if let dir = outputPath, FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue {
            if let problem = writer.fileNamePattern.problem {
                context.print(Diagnostic(.error, "write.file-name", problem, file: args.value("output")!))
                return .config
            }
            directory = dir
            outputPath = (dir as NSString).appendingPathComponent("remessa")
        }
        let outputFile = try outputPath.map { try AtomicFile(path: $0) }
        var headerLine: [UInt8] = []
        let rejectsFile = try CnabRun.rejectsFile(args, io)
        let rejects = rejectsFile.map { file in RecordWriter { try file.write($0) } }
        // Every error reaches --rejects (a header that cannot be written too: the rejects file
        // of a run that wrote no remessa says why), as for cnab parse, check and import.
        let sink = CnabRun.sink(context, rejects: rejects, everyError: true)
        let summary: CNABWriteSummary
        do {
            summary = try writer.write(JSONLSource.reading(source), file: name, diagnostics: sink) { b in
                if headerLine.count < 400 { headerLine += b.prefix(400 - headerLine.count) }
                if let outputFile { try outputFile.write(b) } else { try io.stdout(b) }
            }
        } catch let e as CNABWriter.HeaderError {
            // No file: the output is not committed, the NSA is not stored; the rejects file is
            // kept, with the header's error after the títulos refused before it, so that it says
            // why nothing was written (as `cnab parse` keeps one for a file it gives up on).
            outputFile?.abort()
            sink.report(e.diagnostic)
            try rejects?.finish()
            try rejectsFile?.commit()
            io.say(
                "cnab write: \(name): no remessa written: a header cannot be written"
                    + (outputFile == nil ? " (what went to standard output before it is an incomplete file: discard it)" : ""))
            return .dataError
        }
        try rejects?.finish()
        try rejectsFile?.commit()
        if let directory, let outputFile {
            let header = Array(headerLine.prefix { $0 != 0x0D && $0 != 0x0A })
            let names: [String]
            do {
                names = try writer.fileNamePattern.names(date: writer.headerDate(in: header) ?? date, sequence: sequence) {
                    writer.headerValue($0, in: header)
                }
            } catch {
                outputFile.abort()
                context.print(Diagnostic(.error, "write.file-name", error.description, file: args.value("output")!))
                return .dataError
            }
            do {
                outputPath = try outputFile.commitNew(names.map { (directory as NSString).appendingPathComponent($0) })
            } catch let e as WriteError {
                context.print(Diagnostic(.error, "write.file-name", e.description, file: args.value("output")!))
                return .cantCreate
            }
        } else {
            try outputFile?.commit()
        }
        // Every file written carries its NSA, and stores it, even one without títulos (all of
        // them rejected): the next run never writes the same number.
        if let sequenceFile, let sequence, let run = io.runFiles, outputFile == nil || run.outputsStaged {
            // A stage of `troca run` or `troca watch` whose remessa goes down the pipeline, or
            // any under `troca watch` (its own --output {out}/… is only staged until the
            // watcher's commit): stored once the run's outputs are in place (a later stage that
            // fails, or a crash, must not skip the number). The lock is kept. Under `troca run`
            // a remessa the stage wrote to its own --output is in place already: its number is
            // stored now, as alone, so that no later run writes a second file with it.
            run.hold(SequenceCommit(sequenceFile, number: sequence, name: args.value("sequence-file")!))
        } else if let sequenceFile, let sequence {
            do { try sequenceFile.commit(sequence) } catch let e as WriteError {
                context.print(Diagnostic(.error, "write.sequence-file", e.description, file: args.value("sequence-file")!))
                return e.description.hasPrefix("cannot create") ? .cantCreate : .ioError
            }
        }
        if let outputPath, outputPath != args.value("output").map({ io.path($0) }) { io.say("cnab write: wrote \(outputPath)") }
        io.say(
            "cnab write: \(name): read \(summary.lines) lines: \(summary.used) used, \(summary.rejected) rejected, \(summary.skipped) skipped; "
                + "\(summary.titles) títulos in \(summary.records) records (\(summary.layout))")
        return sink.errors > 0 ? .dataError : .ok
    }
}
