import FixedWidth
import Imports
import Records

/// `troca convert`: ERP fixed-width flat files ↔ JSONL through a layout.
enum ConvertCommand: Command {
    static let name = ["convert"]
    static let summary = "ERP fixed-width flat files ↔ JSONL through a layout (layouts/erp/…)"
    static let help = """
        usage: troca convert --layout NAME [--to jsonl|flat] [FILE|-] [--output FILE]
                             [--rejects FILE] [--layouts DIR]

        Converts through a fixed-width layout (built in: erp/titulos-abertos, erp/baixas; or
        your own with --layouts DIR, see layouts/README.md).

          --to jsonl (default)  each line of a flat file → a JSON record named after the layout
                                record its `select` matches (erp/titulos-abertos: title,
                                erp/baixas: event), with source {file, line}; read as
                                `troca cnab parse` reads lines (CRLF/LF, Latin-1, trimmed
                                blanks padded)
          --to flat             JSONL records whose "record" names a layout record → one line
                                each of the layout's length, CRLF; text in ASCII without
                                accents, numbers zero-filled, dates and times (HH:MM:SS) as
                                the layout's format; names and addresses longer than their
                                field cut and counted (convert.truncated, a warning per
                                field), other text too long rejected; other records are
                                skipped and counted

        A CPF/CNPJ is checked by its check digits both ways, of the kind the document type
        says, or without a type 1 or 2 by its length (11: CPF, 14: CNPJ) (convert.document);
        writing, a record without document_type gets the document's
        kind by its length (11: CPF, 14: CNPJ), its punctuation is dropped and a CNPJ's letters
        are written in uppercase (12.abc.345/01de-35 → 12ABC34501DE35, as troca import reads it). Reading, a code the
        layout does not list is written as it is and reported (convert.enum, a warning).
        Writing, *_cents must be integer centavos ("100" is refused: convert.field).
        An absent enum, amount or count is written blank, which reads back absent.
        A state must be a UF, written uppercase as troca import writes it (convert.field).
        An event's event must be one of registered, rejected, paid, written_off, changed,
        protested, fee, other (convert.field).
        JSONL in UTF-16 with a byte order mark is read.

        A line or record that cannot be converted is reported on stderr with its line (and the
        field's column), written with --rejects, and the run goes on; exit 65 when any was
        rejected, 78 for an unknown or broken layout.

        options:
          --layout NAME       the layout (see `troca layout list`), e.g. erp/baixas
          --to jsonl|flat     the direction (default jsonl)
          --output FILE       write here (atomically) instead of standard output
          --rejects FILE      write rejected lines as JSONL reject records
          --layouts DIR       add or override layouts (repeatable; also TROCA_LAYOUTS)

        """
    static let valued: Set<String> = ["layout", "to", "output", "rejects", "layouts"]
    static let flags: Set<String> = []
    static let required = ["layout"]

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        guard let layoutName = args.value("layout") else { throw UsageError(message: "convert needs --layout NAME") }
        let direction = args.value("to") ?? "jsonl"
        guard direction == "jsonl" || direction == "flat" else {
            throw UsageError(message: "--to must be jsonl or flat, found \"\(direction)\"")
        }
        guard args.positionals.count <= 1 else { throw UsageError(message: "convert reads one FILE (or - for standard input)") }
        let library = try context.library(args)
        let layout = try CompiledLayout(try library.layout(named: layoutName))
        let name = args.positionals.first ?? "-"
        let source = try CnabRun.source(name, io)
        let (outputFile, rejectsFile, output, rejects, sink) = try CnabRun.outputs(args, context)
        var read = 0
        var written = 0
        var rejected = 0
        var skipped = 0
        var fatal = false
        // JSONL in (--to flat) may be UTF-16, as a flat file may not (LineNormalizer refuses it).
        var reader =
            direction == "flat"
            ? LineReader(JSONLSource.reading(source), maxLineLength: LineReader.maxJSONLLineLength) : LineReader(source)
        defer { reader.close() }
        if direction == "jsonl" {
            let decoder = FlatDecoder(layout: layout, file: name)
            var normalizer = LineNormalizer(recordLength: layout.recordLength, file: name)
            try reader.forEachLine { line, number, cut in
                switch normalizer.normalize(line, line: number, cut: cut, warn: { sink.report($0) }) {
                case .skip:
                    read += 1
                    skipped += 1
                case .fatal(let d):
                    sink.report(d)
                    fatal = true
                    return false
                case .reject(let d):
                    read += 1
                    rejected += 1
                    sink.report(d)
                case .record:
                    read += 1
                    let ok = normalizer.withRecord(line) { record in
                        output.withBuffer { decoder.decode(record, line: number, raw: Array(line), into: &$0, report: { sink.report($0) }) }
                    }
                    if ok {
                        try output.endRecord()
                        written += 1
                    } else {
                        rejected += 1
                    }
                }
                return true
            }
            for d in normalizer.finish() { sink.report(d) }
        } else {
            let encoder = FlatEncoder(layout: layout, checksDocuments: true, blanksAbsentAmounts: true)
            var tape = JSONTape()
            var lineBytes: [UInt8] = []
            // Free text cut to its field (names, addresses), per path: how often, and the first line.
            var cutPaths: [String] = []
            var truncated: [String: (count: Int, line: Int)] = [:]
            try reader.forEachLine { line, number, cut in
                var bytes = line
                if bytes.last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
                read += 1
                if bytes.isEmpty {
                    skipped += 1
                    return true
                }
                guard !cut, JSONReader.parseRecord(bytes, into: &tape), tape[0].kind == .object else {
                    rejected += 1
                    let (message, column) =
                        cut ? ("a line longer than \(LineReader.maxJSONLLineLength) bytes", 0) : JSONReader.notAnObject(bytes)
                    sink.report(Diagnostic(.error, "convert.json", message, file: name, line: number, column: column, raw: Array(bytes)))
                    return true
                }
                if let (message, node) = JSONLInput.recordNotAString(tape) {
                    rejected += 1
                    let column = JSONReader.column(ofNode: node, in: bytes)
                    sink.report(Diagnostic(.error, "convert.record", message, file: name, line: number, column: column, raw: Array(bytes)))
                    return true
                }
                guard let r = encoder.recordIndex(tape) else {
                    skipped += 1
                    return true
                }
                lineBytes.removeAll(keepingCapacity: true)
                cutPaths.removeAll(keepingCapacity: true)
                let problems = encoder.encode(tape, record: r, into: &lineBytes, cut: &cutPaths)
                if problems.isEmpty {
                    for path in cutPaths {
                        let t = truncated[path] ?? (0, number)
                        truncated[path] = (t.count + 1, t.line)
                    }
                    lineBytes += [0x0D, 0x0A]
                    output.withBuffer { $0.append(lineBytes) }
                    written += 1
                    if output.buffer.count >= 256 << 10 { try output.cut() }
                } else {
                    rejected += 1
                    for p in problems {
                        sink.report(
                            Diagnostic(
                                .error, p.code, p.message, file: name, line: number,
                                column: p.node.map { JSONReader.column(ofNode: $0, in: bytes) } ?? 0, raw: Array(bytes)))
                    }
                }
                return true
            }
            // As `cnab write` says it: a warning per field, with how many records and the first.
            for (path, t) in truncated.sorted(by: { $0.key < $1.key }) {
                sink.report(
                    Diagnostic(
                        .warning, "convert.truncated", "\(path) cut to its field in \(t.count) record(s), the first from line \(t.line)",
                        file: name, line: t.line))
            }
        }
        try output.finish()
        try rejects?.finish()
        try rejectsFile?.commit()
        io.say("convert: \(name): read \(read) lines: \(written) written, \(rejected) rejected, \(skipped) skipped")
        if fatal {
            outputFile?.abort()
            io.inputBroken?()
            if let path = args.value("output") { io.say("convert: \(path) not written: the input cannot be read") }
            return .dataError
        }
        try outputFile?.commit()
        return rejected > 0 || sink.errors > 0 ? .dataError : .ok
    }
}
