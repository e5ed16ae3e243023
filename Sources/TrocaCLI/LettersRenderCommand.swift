import FixedWidth
import Foundation
import Letters
import Records

/// `troca letters render`: letter jobs → page-formatted text, LST for enveloping machines, PDF.
enum LettersRenderCommand: Command {
    static let name = ["letters", "render"]
    static let summary = "letter jobs (JSONL) → page-formatted text, LST for enveloping machines, or PDF"
    static let help = """
        usage: troca letters render --template FILE [--template FILE…] [--format text|lst|pdf]
                                    [FILE|-] [--output FILE] [--rejects FILE] [--max-rejects N]
                                    [--width N] [--lines N] [--as-of YYYY-MM-DD] [--batch N]
                                    [--duplex] [--lst-layout NAME] [--layouts DIR]

        Reads `letter` records (from `troca letters select`; standard input when no FILE or `-`)
        and renders each with the template its `template` names (by file name; with a single
        --template, jobs that name none use it). Templates are checked when loaded
        (docs/letters.md): an unknown field or filter or an unbalanced section stops the run
        with the template's line and column (exit 78) before anything is read.

        Pages are --width characters by --lines lines (default 80 × 64); long lines wrap at a
        blank, a page never ends inside a line or a barcode, and every page ends with
        "Página N de M" (numbered per letter).
          text  UTF-8 text, a form feed between pages
          lst   Troca's LST (docs/lst.md): header, then per letter its record (address, CEP,
                CEPNet digit, sheets, boleto) and its print lines with ASA carriage control,
                then a trailer with counts; letters in CEP order (stable within a CEP); control
                records through the layout lst/troca (--lst-layout NAME, --layouts DIR for a
                bureau's own)
          pdf   A4 PDF, Courier and Helvetica in WinAnsiEncoding, boleto bars drawn as vectors

        A job whose address is not mailable (name, street, district, city, a known UF and an
        8-digit CEP are required), whose template is not loaded, that lacks a value its
        template needs, or whose values are not of their kinds (amounts: integer centavos
        0…999999999999999; counts: whole numbers; dates; text without control characters)
        is rejected with the reason (stderr, and --rejects with the raw line), in every
        format alike; the others are rendered. Jobs read = rendered + rejected; records that are not letters
        are counted as skipped. Exit 0, or 65 when any job was rejected.

        options:
          --template FILE     a template (repeat for several steps)
          --format F          text (default), lst or pdf
          --output FILE       write here (atomically) instead of standard output
          --rejects FILE      write rejected jobs as JSONL reject records
          --max-rejects N     stop after more than N rejected jobs
          --width N           characters per line (20–200, default 80)
          --lines N           lines per page, footer included (12–200, default 64)
          --as-of YYYY-MM-DD  the LST header's production date (default: today)
          --batch N           the LST's batch number (default 1)
          --duplex            LST sheet counts for two-sided printing (two pages a sheet)
          --lst-layout NAME   the LST layout (default lst/troca)
          --layouts DIR       add or override layouts (repeatable; also TROCA_LAYOUTS)

        """
    static let valued: Set<String> = [
        "template", "format", "output", "rejects", "max-rejects", "width", "lines", "as-of", "batch", "lst-layout", "layouts",
    ]
    static let flags: Set<String> = ["duplex"]
    static let repeatable: Set<String> = ["template", "layouts"]
    static let required = ["template"]
    static let inputOptions: Set<String> = ["template"]

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        let format = args.value("format") ?? "text"
        guard ["text", "lst", "pdf"].contains(format) else { throw UsageError(message: "--format must be text, lst or pdf, found \"\(format)\"") }
        guard let templatePaths = args.values["template"], !templatePaths.isEmpty else {
            throw UsageError(message: "letters render needs --template FILE")
        }
        guard args.positionals.count <= 1 else { throw UsageError(message: "letters render reads one input (FILE or -)") }
        let width = try args.int("width") ?? PageFormat.standard.width
        let lines = try args.int("lines") ?? PageFormat.standard.lines
        guard (20...200).contains(width) else { throw UsageError(message: "--width must be 20 to 200 characters, found \(width)") }
        guard (12...200).contains(lines) else { throw UsageError(message: "--lines must be 12 to 200 lines, found \(lines)") }
        let page = PageFormat(width: width, lines: lines)
        let maxRejects = try args.int("max-rejects")
        let batch = try args.int("batch") ?? 1
        let asOf = try LettersRun.asOf(args)
        let duplex = args.has("duplex")

        // Templates, checked before any job is read.
        var templates: [(name: String, template: Template)] = []
        for path in templatePaths {
            let bytes = try ReconcileRun.contents(path, io, what: "template")
            do { templates.append(((path as NSString).lastPathComponent, try Template(name: (path as NSString).lastPathComponent, text: bytes))) } catch {
                io.say("\(path):\(error.line):\(error.column): error: [\(error.code)] \(error.message)")
                return .config
            }
        }
        var lst: LSTWriter? = nil
        if format == "lst" {
            let library = try context.library(args)
            let lstLayout = args.value("lst-layout") ?? "lst/troca"
            let layout = try CompiledLayout(try library.layout(named: lstLayout))
            do { lst = try LSTWriter(layout: layout) } catch {
                context.print(Diagnostic(.error, "layout.lst", error.message, file: try library.source(named: lstLayout).displayName))
                return .config
            }
        }

        // The header's values from options must fit before any job is read.
        if let lst, case .failure(let e) = lst.header(batch: batch, date: asOf, sender: nil, format: page) {
            throw UsageError(message: "the LST header cannot hold --batch \(batch) and --as-of \(asOf): \(e.message)")
        }

        let name = args.positionals.first ?? "-"
        let source = try CnabRun.source(name, io)
        let (outputFile, rejectsFile, output, rejects, sink) = try CnabRun.outputs(args, context)
        func emit(_ bytes: [UInt8]) throws { try emit(bytes[...]) }
        func emit(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            output.withBuffer { $0.appendBytes(bytes) }
            if output.buffer.count >= 256 << 10 { try output.cut() }
        }
        func emit(_ bytes: ArraySlice<UInt8>) throws {
            bytes.withUnsafeBufferPointer { b in output.withBuffer { $0.appendBytes(b) } }
            if output.buffer.count >= 256 << 10 { try output.cut() }
        }
        var pdf: PDFWriter? = nil
        if format == "pdf" { pdf = try PDFWriter(format: page, title: "Cartas de cobrança", sink: emit) }
        // TROCA_LST_RUN_BYTES: a smaller run than the default, for tests to have the runs written and merged.
        let runBytes = io.environment["TROCA_LST_RUN_BYTES"].flatMap { Int($0) }.map { max(1, $0) } ?? LetterSpool.defaultRunCapacity
        let spool = format == "lst" ? LetterSpool(directory: io.environment["TMPDIR"] ?? NSTemporaryDirectory(), runCapacity: runBytes) : nil

        var counts = (read: 0, rendered: 0, rejected: 0, skipped: 0, pages: 0)
        var textPages = 0
        var sender: JSONValue? = nil
        var stopped = false
        // The LST letters of the chunk being taken, written to the spool when it is taken.
        var spooled: [LetterSpool.Entry] = []
        var spans: [Range<Int>] = []
        // The outcomes of a rendered chunk, in input order: written, reported, counted.
        func take(_ chunk: LetterChunk) throws {
            defer {
                spooled.removeAll(keepingCapacity: true)
                spans.removeAll(keepingCapacity: true)
            }
            try takeOutcomes(chunk)
            if !spooled.isEmpty { try spool!.add(spooled, spans, of: chunk.output) }
        }
        func takeOutcomes(_ chunk: LetterChunk) throws {
            for (line, outcome) in zip(chunk.lines, chunk.outcomes) where !stopped {
                counts.read += 1
                switch outcome {
                case .skipped:
                    counts.skipped += 1
                case .rejected(let code, let message, let column):
                    counts.rejected += 1
                    LettersRun.reject(
                        sink, code, message, file: name, line: line.number, column: column, raw: Array(chunk.input[line.start..<(line.start + line.count)]))
                    if let maxRejects, counts.rejected > maxRejects { stopped = true }
                case .rendered(let bytes, let pages, let pageCount, let entry, let jobSender, let senderProblem):
                    // The job whose sender the header would take, and cannot hold.
                    if sender == nil, let senderProblem {
                        counts.rejected += 1
                        LettersRun.reject(
                            sink, "letters.lst", senderProblem, file: name, line: line.number, column: 0,
                            raw: Array(chunk.input[line.start..<(line.start + line.count)]))
                        if let maxRejects, counts.rejected > maxRejects { stopped = true }
                        continue
                    }
                    switch format {
                    case "pdf": for p in pages { try pdf!.write(content: p) }
                    case "lst":
                        spooled.append(entry!)
                        spans.append(bytes)
                    default:
                        if textPages > 0 { try emit([0x0C]) }
                        try chunk.output.withUnsafeBufferPointer { try emit(UnsafeBufferPointer(rebasing: $0[bytes])) }
                        textPages += pageCount
                    }
                    counts.rendered += 1
                    counts.pages += pageCount
                    if sender == nil { sender = jobSender }
                }
            }
        }
        let renderer = {
            var r = LetterRenderer(
                templates: templates, page: page, format: format == "pdf" ? .pdf : format == "lst" ? .lst : .text, lst: lst, duplex: duplex)
            r.lstHeader = (batch, asOf)
            return r
        }()
        let pipeline = ChunkPipeline<LetterChunk, LetterRenderer>(
            threads: ChunkPipeline<LetterChunk, LetterRenderer>.defaultThreads, state: { renderer }, make: { LetterChunk() },
            reset: { $0.reset() }, isEmpty: { $0.lines.isEmpty }, work: { chunk, renderer in chunk.render(&renderer) })
        defer { pipeline.stop() }
        var reader = LineReader(JSONLSource.reading(source), maxLineLength: LineReader.maxJSONLLineLength)
        defer { reader.close() }
        var blank = 0
        try reader.forEachLine { bytes, number, cut in
            var n = bytes.count
            while n > 0, bytes[n - 1] == 0x0D || bytes[n - 1] == 0x20 || bytes[n - 1] == 0x09 { n -= 1 }
            if n == 0 {
                blank += 1
                return true
            }
            let current = pipeline.current
            current.lines.append((current.input.count, cut ? 0 : n, number))
            if !cut { current.input += UnsafeBufferPointer(rebasing: bytes[0..<n]) }
            if current.input.count >= 128 << 10 {
                try pipeline.flush(final: false, take: take)
                if stopped { return false }
            }
            return true
        }
        try pipeline.flush(final: true, take: take)
        counts.read += blank
        counts.skipped += blank

        var extra = ""
        // No letter, no PDF: a PDF of no pages is not one a viewer opens, so none is written.
        let emptyPDF = pdf?.pageCount == 0
        if let pdf, !emptyPDF {
            try pdf.finish()
            extra = "; PDF: \(pdf.pageCount) pages"
        }
        if emptyPDF { extra = "; no PDF written: no letter to put in it" }
        if let lst, let spool {
            var totals = LSTWriter.Totals()
            var written = 0
            // What is left once every job was checked is about the file as a whole (more letters
            // than the sequence field numbers, totals longer than the trailer's fields): an output error.
            func outputError(_ e: LSTLayoutError) -> WriteError {
                outputFile?.abort()
                return WriteError(description: Diagnostic(.error, "letters.lst-output", e.message, file: args.value("output") ?? "-").formatted)
            }
            func put(_ r: Result<[UInt8], LSTLayoutError>) throws {
                switch r {
                case .success(let bytes):
                    try emit(bytes)
                    written += 1
                case .failure(let e): throw outputError(e)
                }
            }
            try put(lst.header(batch: batch, date: asOf, sender: sender, format: page))
            try spool.forEachSorted { bytes, e in
                totals.letters += 1
                do { try lst.setSequence(totals.letters, in: bytes) } catch let e as LSTLayoutError { throw outputError(e) }
                try emit(UnsafeBufferPointer(bytes))
                written += 1 + e.printLines
                totals.printLines += e.printLines
                totals.pages += e.pages
                totals.sheets += e.sheets
                // Held at Int.max past its range (thousands of letters of the most a record holds):
                // no trailer field holds that, so the trailer is the output error it should be.
                let (boletoCents, overflow) = totals.boletoCents.addingReportingOverflow(e.boletoCents)
                totals.boletoCents = overflow ? Int.max : boletoCents
            }
            try put(lst.trailer(batch: batch, totals))
            let agrees = totals.records == written && totals.letters == counts.rendered
            extra =
                "; LST trailer: \(totals.letters) letters, \(totals.sheets) sheets, \(totals.pages) pages, \(totals.printLines) print lines, "
                + "\(totals.records) records (\(agrees ? "equal to" : "DIFFERENT FROM") the \(written) lines written)"
            if !agrees {
                outputFile?.abort()
                io.say("letters render: internal error: " + extra)
                return .software
            }
        }
        if emptyPDF {
            outputFile?.abort()
        } else {
            try output.finish()
            try outputFile?.commit()
        }
        try rejects?.finish()
        try rejectsFile?.commit()
        var summary =
            "letters render: \(name): read \(counts.read) records: \(counts.rendered) letter\(counts.rendered == 1 ? "" : "s") rendered, \(counts.rejected) rejected, "
            + "\(counts.skipped) skipped; \(counts.pages) page\(counts.pages == 1 ? "" : "s")" + extra
        if stopped, let maxRejects { summary += "; stopped after \(counts.rejected) rejects (--max-rejects \(maxRejects))" }
        io.say(summary)
        return counts.rejected > 0 ? .dataError : .ok
    }
}
