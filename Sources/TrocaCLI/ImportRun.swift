import FixedWidth
import Foundation
import Imports
import Records

/// Shared plumbing of `troca import titles|parties|payments`: the map, the input, the records,
/// the rejects and the summary.
enum ImportRun {
    static let valued: Set<String> = ["map", "output", "rejects", "max-rejects", "delimiter"]

    static func usage(_ noun: String, _ record: String, _ example: String) -> String {
        """
        usage: troca import \(noun) --map MAP.json [FILE|-] [--output FILE] [--rejects FILE]
                                [--max-rejects N] [--delimiter ,|;|tab]

        Reads a CSV file (standard input when none or `-`) whose first row is a header, and
        writes one JSON `\(record)` record per row, filled as the column map says (docs/maps.md;
        example: \(example)), each with source {file, line}. The delimiter (`,` `;` or tab)
        is found in the header unless the map or --delimiter gives it; UTF-8 with or without a
        byte order mark and Latin-1/Windows-1252 are read, UTF-16 is refused.

        Every invalid cell is reported on stderr as FILE:LINE:COLUMN (COLUMN: the CSV column
        number) with the field and what was expected, and its row is rejected (with --rejects,
        written as JSONL with its raw bytes); the valid rows are still written. Rows read =
        written + rejected. Exit 0 when every row was taken, 65 when any was rejected or the file
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
        guard let mapBytes = FileManager.default.contents(atPath: io.path(mapPath)) else {
            throw InputError(file: mapPath, reason: "cannot read the column map", missing: true)
        }
        let map: ColumnMap
        do { map = try ColumnMap(json: [UInt8](mapBytes), kind: kind) } catch {
            io.say("\(mapPath): \(error.message)")
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
                return .dataError
            }
            if let p = reader.problem {
                context.print(Diagnostic(.error, p.code, "in the header: " + p.message, file: name, line: reader.line, column: p.column))
                return .dataError
            }
            let header = (0..<reader.count).map { reader.text($0) }
            importer = try Importer(map: map, header: header, file: name)
        } catch let e as CSVError {
            context.print(e.diagnostic(file: name))
            io.say(summaryLine(command, name, summary))
            return .dataError
        } catch let e as MapError {
            io.say("\(mapPath): \(e.message)")
            return .config
        }

        let (outputFile, rejectsFile, output, rejects, sink) = try CnabRun.outputs(args, context)
        let report: (Diagnostic) -> Void = { sink.report($0) }
        do {
            while try reader.next() {
                if reader.isBlankLine {
                    summary.skipped += 1
                    continue
                }
                summary.read += 1
                let ok = output.withBuffer { importer.convert(reader, into: &$0, report: report) }
                if ok {
                    try output.endRecord()
                    summary.written += 1
                } else {
                    summary.rejected += 1
                    if let maxRejects, summary.rejected > maxRejects {
                        summary.stopped = true
                        io.say("\(command): \(name): stopped after \(summary.rejected) rejected rows (--max-rejects \(maxRejects))")
                        break
                    }
                }
            }
        } catch let e as CSVError {
            summary.read += 1
            summary.rejected += 1
            summary.fatal = true
            sink.report(e.diagnostic(file: name))
        }
        try output.finish()
        try rejects?.finish()
        try rejectsFile?.commit()
        io.say(summaryLine(command, name, summary))
        if summary.fatal {
            outputFile?.abort()
            if let path = args.value("output") { io.say("\(command): \(path) not written: the input cannot be read as CSV") }
            return .dataError
        }
        try outputFile?.commit()
        return sink.errors > 0 ? .dataError : .ok
    }

    static func summaryLine(_ command: String, _ file: String, _ s: ImportSummary) -> String {
        "\(command): \(file): read \(s.read) rows: \(s.written) written, \(s.rejected) rejected, \(s.skipped) skipped"
    }
}
