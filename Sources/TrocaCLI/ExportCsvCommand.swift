import FixedWidth
import Imports
import Records

/// `troca export csv`: JSONL records → CSV for spreadsheets, safe against formula injection.
enum ExportCsvCommand: Command {
    static let name = ["export", "csv"]
    static let summary = "JSONL records → CSV for spreadsheets (--excel-br; formulas neutralised)"
    static let help = """
        usage: troca export csv --columns PATH[,PATH…] [FILE|-] [--excel-br] [--record NAME]
                                [--output FILE]

        Reads JSONL records (standard input when none or `-`) and writes CSV: a header row of the
        column paths, then one row per record with the value at each dotted path
        (`payer.address.city`; a missing field or null is an empty cell; arrays and objects as
        JSON). `*_cents` integers are written as amounts (1234.56). Cells with the delimiter,
        quotes or line breaks are quoted (RFC 4180); text starting with = + - @ tab or CR gets
        a leading ' so that no spreadsheet runs it as a formula, and so does text starting with
        ' (troca import takes one ' off such a cell: the text comes back as it was).

        --excel-br writes for Excel in Portuguese: `;` delimiter, amounts 1.234,56, dates
        dd/MM/yyyy (YYYY-MM-DD text in a field named date, *_date or *_on), a UTF-8 byte order
        mark, CRLF line ends. Without it:
        `,`, 1234.56, YYYY-MM-DD, LF. A file written this way reads back with `troca import`
        and a map naming the same columns.

        A line that is not a JSON object (export.json), whose *_cents column holds anything
        but integer centavos of at most 17 digits (export.cents: 1.5, "100", or more than
        troca import reads back: 999999999999999.99), or whose column holds text with a NUL
        character (export.nul: "a\\u0000b", which no CSV file carries as text and troca import
        refuses as binary), is reported and rejected (exit 65), the other records written;
        its column is the value's byte in the line; blank lines and,
        with --record, other records are skipped. The summary counts every line: read =
        written + rejected + skipped. A column that no record written has (not even as null) is
        said at the end (export.column, a warning: a misspelt path, most likely).

        options:
          --columns LIST      comma-separated dotted paths (required; blanks around each
                              are ignored, an empty one is a usage error)
          --excel-br          Excel pt-BR conventions (see above)
          --record NAME       only records whose "record" is NAME (others are counted as skipped)
          --output FILE       write here (atomically) instead of standard output

        """
    static let valued: Set<String> = ["columns", "record", "output"]
    static let flags: Set<String> = ["excel-br"]
    static let required = ["columns"]

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        guard let list = args.value("columns") else { throw UsageError(message: "export csv needs --columns PATH[,PATH…]") }
        // Blanks around a path are not part of it (`document_number, amount_cents`).
        let columns = list.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
        }
        guard !columns.contains(where: { $0.isEmpty || $0.hasPrefix(".") || $0.hasSuffix(".") || $0.contains("..") }) else {
            throw UsageError(message: "--columns: empty column path in \"\(list)\"")
        }
        guard args.positionals.count <= 1 else { throw UsageError(message: "export csv reads one FILE (or - for standard input)") }
        let name = args.positionals.first ?? "-"
        let source = try CnabRun.source(name, io)
        let only = args.value("record")
        let export = CSVExport(columns: columns, excelBR: args.has("excel-br"))
        let outputFile = try args.value("output").map { try AtomicFile(path: io.path($0)) }
        let output = RecordWriter { bytes in
            if let outputFile { try outputFile.write(bytes) } else { try io.stdout(bytes) }
        }
        output.withBuffer { buffer in
            buffer.append(export.preamble)
            export.header(into: &buffer)
        }
        var written = 0
        var skipped = 0
        let input = JSONLInput(name: name, source: source)
        var refused = 0
        // Columns that no record written has (null counts as having it): a typo, most likely.
        var unmatched = Array(columns.indices)
        let sink = CnabRun.sink(context, rejects: nil)
        let counts = try input.forEachRecord(stage: "export", sink: sink) { tape, line, raw in
            if let only {
                guard let r = tape.member("record", of: 0), tape[r].kind == .string, tape.string(r) == only else {
                    skipped += 1
                    return true
                }
            }
            if let (code, message, node) = export.problem(tape) {
                refused += 1
                sink.report(
                    Diagnostic(
                        .error, DiagnosticCode(rawValue: code), message, file: name, line: line,
                        column: JSONReader.column(ofNode: node, in: raw),
                        raw: Array(raw)))
                return true
            }
            output.withBuffer { export.row(tape, into: &$0) }
            // A column no record has so far: is it in this one? (Once each is found, nothing.)
            if !unmatched.isEmpty { unmatched.removeAll { export.has(column: $0, in: tape) } }
            // Rows end themselves (CRLF with --excel-br); count them without adding a newline.
            written += 1
            if output.buffer.count >= 256 << 10 { try output.cut() }
            return true
        }
        // Every line is counted once: written, rejected (not a JSON object), or skipped (blank,
        // or another record than --record's).
        let rejected = counts.malformed + refused
        skipped += counts.blank
        let read = written + rejected + skipped
        if written > 0 {
            for i in unmatched {
                context.print(
                    Diagnostic(
                        .warning, "export.column",
                        "no record written has \(columns[i]): its column is empty in every row (a misspelt path?)", file: name))
            }
        }
        try output.finish()
        io.say("export csv: \(name): read \(read) lines: \(written) written, \(rejected) rejected, \(skipped) skipped")
        try outputFile?.commit()
        return rejected > 0 ? .dataError : .ok
    }
}
