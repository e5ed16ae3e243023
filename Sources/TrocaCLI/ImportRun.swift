import FixedWidth
import Foundation
import Imports
import Reconcile
import Records

/// Shared plumbing of `troca import titles|parties|payments|agreements`: the map, the input,
/// the records, the rejects and the summary.
enum ImportRun {
    static let valued: Set<String> = ["map", "output", "rejects", "max-rejects", "delimiter"]
    static let inputOptions: Set<String> = ["map"]

    /// The help of an import: `writes` says what is written for what (default: one record per
    /// row), `rejects` what a bad cell rejects, `more` a paragraph after the first.
    static func usage(
        _ noun: String, _ record: String, _ example: String, writes: String? = nil, rejects: String = "its row is rejected",
        more: String = ""
    ) -> String {
        """
        usage: troca import \(noun) --map MAP.json [FILE|-] [--output FILE] [--rejects FILE]
                                [--max-rejects N] [--delimiter ,|;|tab]

        Reads a CSV file (standard input when none or `-`) whose first row is a header, and
        writes \(writes ?? "one JSON `\(record)` record per row"), filled as the column map says (docs/maps.md;
        example: \(example)), each with source {file, line}. The delimiter (`,` `;` or tab)
        is found in the header unless the map or --delimiter gives it; UTF-8 with or without a
        byte order mark and Latin-1/Windows-1252 are read, UTF-16 is refused.
        \(more.isEmpty ? "" : "\n" + more + "\n")
        Every invalid cell is reported on stderr as FILE:LINE:COLUMN (COLUMN: the CSV column
        number) with the field and what was expected, and \(rejects) (with --rejects,
        written as JSONL with its raw bytes); the valid rows are still written. Rows read =
        written + rejected + skipped (empty lines, rows of delimiters only). Exit 0 when every row was taken, 65 when any was rejected or the file
        cannot be read as CSV (binary, UTF-16, a quoted field never closed: then no --output file
        is left behind), 78 when the map is wrong or names a column the header lacks.

        options:
          --map MAP.json      the column map (required)
          --output FILE       write here (atomically) instead of standard output
          --rejects FILE      write rejected rows as JSONL reject records
          --max-rejects N     stop after more than N rejected rows
          --delimiter D       `,`, `;` or `tab`: do not detect the delimiter

        """
    }

    static func run(_ kind: ImportKind, _ command: String, _ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        guard let mapPath = args.value("map") else { throw UsageError(message: "\(command) needs --map MAP.json") }
        guard args.positionals.count <= 1 else { throw UsageError(message: "\(command) reads one FILE (or - for standard input)") }
        var delimiter: UInt8? = nil
        if let d = args.value("delimiter") {
            guard let b = ColumnMap.delimiterByte(d) else {
                throw UsageError(message: "--delimiter must be \",\", \";\" or tab, found \"\(d)\"")
            }
            delimiter = b
        }
        let maxRejects = try args.int("max-rejects")
        let mapBytes = try ReconcileRun.contents(mapPath, io, what: "column map", json: "import.map")
        var map: ColumnMap
        do {
            map = try ColumnMap(json: mapBytes, kind: kind)
            if kind == .agreement { map = try AgreementRows.prepare(map) }
        } catch {
            context.print(Diagnostic(.error, "import.map", error.message, file: mapPath))
            return .config
        }
        let name = args.positionals.first ?? "-"
        let source: ByteSource = name == "-" ? io.stdin() : try FileSource(path: io.path(name), name: name)
        let reader = CSVReader(source, delimiter: delimiter ?? map.delimiter)
        var summary = ImportSummary()

        // The header, then the map against it: nothing is written before both are right.
        let importer: Importer
        do {
            guard try reader.next() else {
                context.print(Diagnostic(.error, "csv.no-header", "the file is empty: expected a header row", file: name))
                io.say(summaryLine(command, name, summary))
                io.inputBroken?()
                return .dataError
            }
            if let p = reader.problem {
                // Binary data first: a control byte in the first line says what the file is
                // better than the stray quote it may also hold.
                if let binary = reader.firstNUL ?? reader.controlByte() {
                    context.print(binary.diagnostic(file: name))
                } else {
                    context.print(Diagnostic(.error, p.code, "in the header: " + p.message, file: name, line: reader.line, column: p.column))
                }
                io.say(summaryLine(command, name, summary))
                io.inputBroken?()
                return .dataError
            }
            let header = (0..<reader.count).map { reader.text($0) }
            importer = try Importer(map: map, header: header, file: name)
        } catch let e as CSVError {
            context.print((reader.firstNUL ?? e).diagnostic(file: name))
            io.say(summaryLine(command, name, summary))
            io.inputBroken?()
            return .dataError
        } catch let e as MapError {
            // A header the map does not fit may be no header at all: binary data (a NUL in the
            // first block read, or control bytes in the first line) is the file's fault, not the map's.
            if let binary = reader.firstNUL ?? reader.controlByte() {
                context.print(binary.diagnostic(file: name))
                io.say(summaryLine(command, name, summary))
                io.inputBroken?()
                return .dataError
            }
            context.print(Diagnostic(.error, "import.map", e.message, file: mapPath))
            return .config
        }

        // Every error reaches --rejects: a CSV the reader gives up on (an unclosed quote, a row
        // too long) says why there, not only on stderr.
        let (outputFile, rejectsFile, output, rejects, sink) = try CnabRun.outputs(args, context, everyError: true)
        let keys = KeyRegister()
        // Agreements: the rows of each are grouped, and it is written or rejected whole.
        let agreements = kind == .agreement ? AgreementRows(importer: importer, map: map, file: name, check: checkAgreement) : nil
        var done = false  // stopped by --max-rejects, or at an error that ends the reading

        /// Counts one rejected row; past --max-rejects, stops the import (after the rest of the
        /// agreement being rejected, whose rows go together).
        func rejected() {
            summary.rejected += 1
            if let maxRejects, summary.rejected > maxRejects, !summary.stopped {
                summary.stopped = true
                done = true
                io.say("\(command): \(name): stopped after \(summary.rejected) rejected rows (--max-rejects \(maxRejects))")
            }
        }
        /// Ends the import at an error that leaves the rest of the input unreadable.
        func fatal(_ e: CSVError) {
            summary.read += 1
            summary.rejected += 1
            summary.fatal = true
            done = true
            sink.report(e.diagnostic(file: name))
        }
        /// Writes or rejects what became of an agreement's rows.
        func take(_ outcome: AgreementOutcome) throws {
            switch outcome {
            case .written(let record, let rows):
                output.withBuffer { $0.appendBytes(record) }
                try output.endRecord()
                summary.read += rows
                summary.written += rows
            case .rejected(let diagnostics):
                summary.read += 1
                for d in diagnostics { sink.report(d) }
                rejected()
            }
        }
        /// Ends the agreement being read (before the end of the input or an error that ends it).
        func endAgreement() throws {
            if !done { try agreements?.finish(take) }
        }
        // A converted chunk's rows, in order: keys checked, written, reported, counted.
        func take(_ chunk: ImportChunks.Chunk) throws {
            var diagnostic = 0
            let (input, records, keyBytes) = (chunk.input.base, chunk.output.base, chunk.keys.base)
            var keyIndex = 0  // in chunk.hashes
            for row in chunk.rows where !done {
                if let agreements, row.kind != .blank {
                    let spans = row.valuesStart..<row.valuesStart + 2 * importer.fieldCount
                    let values = row.kind == .written ? (UnsafePointer(records), chunk.values[spans]) : nil
                    let end = row.kind == .rejected ? row.diagnosticsEnd : diagnostic
                    try agreements.add(
                        AgreementRow(
                            line: row.line, raw: UnsafeBufferPointer(start: input + row.rawStart, count: row.rawCount),
                            key: UnsafeBufferPointer(start: keyBytes + row.keyStart, count: row.keyCount), values: values,
                            diagnostics: chunk.diagnostics[diagnostic..<end]), take)
                    diagnostic = end
                    continue
                }
                switch row.kind {
                case .blank:
                    summary.read += 1
                    summary.skipped += 1
                case .written:
                    summary.read += 1
                    let key = UnsafeBufferPointer(start: keyBytes + row.keyStart, count: row.keyCount)
                    if row.keyCount > 0 {
                        // The table's lines for the next 64 keys, read together (a window small
                        // enough to stay cached while their records are copied).
                        if keyIndex % 64 == 0 { keys.warm(chunk.hashes, keyIndex..<keyIndex + 64) }
                        keyIndex += 1
                    }
                    if row.keyCount > 0, let first = keys.insert(hash: row.keyHash, key: key, line: row.line) {
                        let raw = Array(UnsafeBufferPointer(start: input + row.rawStart, count: row.rawCount))
                        sink.report(importer.duplicateKey(key, line: row.line, first: first, raw: raw))
                        rejected()
                    } else {
                        try output.append(record: UnsafeBufferPointer(start: records + row.start, count: row.count))
                        summary.written += 1
                    }
                case .rejected:
                    summary.read += 1
                    for d in chunk.diagnostics[diagnostic..<row.diagnosticsEnd] { sink.report(d) }
                    diagnostic = row.diagnosticsEnd
                    rejected()
                }
            }
            if !done, let e = chunk.fatal {
                try endAgreement()
                fatal(e)
            }
        }

        let chunkSize = 512 << 10
        let detected = reader.delimiter ?? UInt8(ascii: ",")
        let pipeline = ChunkPipeline<ImportChunks.Chunk, ImportChunks.Worker>(
            threads: ChunkPipeline<ImportChunks.Chunk, ImportChunks.Worker>.defaultThreads,
            state: {
                let replica = importer.replica()
                replica.keepsValues = agreements != nil
                return ImportChunks.Worker(reader: CSVReader(recordsDelimitedBy: detected), importer: replica, keepsValues: agreements != nil)
            },
            make: { ImportChunks.Chunk(capacity: chunkSize + (64 << 10)) }, reset: { $0.reset() }, isEmpty: { $0.input.count == 0 },
            work: { chunk, worker in chunk.convert(&worker) })
        defer { pipeline.stop() }
        do {
            while !done {
                let chunk = pipeline.current
                chunk.firstLine = reader.nextLineNumber
                try reader.readRecords(into: &chunk.input, limit: chunkSize)
                chunk.unplain.append(contentsOf: reader.unplainRecords)
                chunk.plainKnown = true
                if chunk.input.count == 0 { break }
                try pipeline.flush(final: false, take: take)
            }
        } catch let e as CSVError {
            // A record too long: after every record before it.
            try pipeline.flush(final: true, take: take)
            try endAgreement()
            if !done { fatal(e) }
        }
        try pipeline.flush(final: true, take: take)
        try endAgreement()
        try output.finish()
        try rejects?.finish()
        try rejectsFile?.commit()
        let discarded = summary.fatal && outputFile != nil
        let agreementCounts = agreements.map { "; agreements: \($0.written) \(discarded ? "valid" : "written"), \($0.rejected) rejected" } ?? ""
        io.say(summaryLine(command, name, summary, discarded: discarded) + agreementCounts)
        if summary.fatal {
            outputFile?.abort()
            io.inputBroken?()
            if let path = args.value("output") { io.say("\(command): \(path) not written: the input cannot be read as CSV") }
            return .dataError
        }
        try outputFile?.commit()
        return sink.errors > 0 ? .dataError : .ok
    }

    /// An assembled agreement checked as `troca reconcile` checks it (Reconcile's `Agreement`
    /// and, for its own installments, `Reconciler.conflicts`): the code and reason it is refused for.
    static func checkAgreement(_ record: UnsafeBufferPointer<UInt8>) -> (code: String, message: String)? {
        var tape = JSONTape()
        guard JSONReader.parse(record, into: &tape) else { return ("agreement.json", "the assembled record is not valid JSON") }
        do {
            let agreement = try Agreement(tape)
            return Reconciler.conflicts([agreement])[agreement.id].map { ($0.code, $0.message) }
        } catch {
            return (error.code, error.message)
        }
    }

    /// The one-line summary. `discarded`: the rows went to an `--output` file that is not kept
    /// (the CSV cannot be read to its end), so none is said to be written.
    static func summaryLine(_ command: String, _ file: String, _ s: ImportSummary, discarded: Bool = false) -> String {
        "\(command): \(file): read \(s.read) rows: \(s.written) \(discarded ? "valid (not written)" : "written"), \(s.rejected) rejected, \(s.skipped) skipped"
    }
}
