import FixedWidth
import Imports
import Records
import Testing

/// Everything a reader handed out for an input.
struct Parsed: Equatable {
    var rows: [[String]] = []
    var lines: [Int] = []
    var problems: [String] = []
    var error: CSVError? = nil
    var delimiter: UInt8? = nil
}

func parse(_ bytes: [UInt8], delimiter: UInt8? = nil, bufferSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 20) -> Parsed {
    let reader = CSVReader(MemorySource(bytes), delimiter: delimiter, bufferSize: bufferSize, maxRecordBytes: maxRecordBytes)
    return collect(reader) { out in
        while try reader.next() { out.take(reader) }
    }
}

extension Parsed {
    /// Adds the current record of `reader`.
    mutating func take(_ reader: CSVReader) {
        rows.append((0..<reader.count).map { reader.text($0) })
        lines.append(reader.line)
        if let p = reader.problem { problems.append("\(reader.line):\(p.column):\(p.code.rawValue)") }
    }
}

/// What `read` took from `reader`, with the error that ended it and the delimiter.
func collect(_ reader: CSVReader, _ read: (inout Parsed) throws -> Void) -> Parsed {
    var out = Parsed()
    do {
        try read(&out)
    } catch let e as CSVError {
        out.error = e
    } catch {
        Issue.record("unexpected error \(error)")
    }
    out.delimiter = reader.delimiter
    return out
}

func parse(_ text: String, delimiter: UInt8? = nil, bufferSize: Int = 1 << 20) -> Parsed {
    parse(Array(text.utf8), delimiter: delimiter, bufferSize: bufferSize)
}

@Suite("CSV reader")
struct CSVReaderTests {
    /// RFC 4180 cases: input → rows (cells joined by `|`, rows by `/`).
    @Test(
        arguments: [
            ("a,b,c\n1,2,3\n", "a|b|c/1|2|3"),
            ("a,b\r\n1,2\r\n", "a|b/1|2"),
            ("a,b\n1,2", "a|b/1|2"),  // no final newline
            ("a,b\r1,2\r", "a|b/1|2"),  // old Mac CR
            ("a,b\n\"1,5\",2\n", "a|b/1,5|2"),  // embedded delimiter
            ("a,b\n\"say \"\"hi\"\"\",2\n", "a|b/say \"hi\"|2"),  // doubled quotes
            ("a,b\n\"line1\nline2\",2\n", "a|b/line1\nline2|2"),  // embedded LF
            ("a,b\n\"line1\r\nline2\",2\r\n", "a|b/line1\r\nline2|2"),  // embedded CRLF kept
            ("a,b\n,\n", "a|b/|"),  // empty cells
            ("a,b\n\"\",\"\"\n", "a|b/|"),  // empty quoted cells
            ("a,b,\n1,2,\n", "a|b|/1|2|"),  // trailing delimiter: an empty last cell
            ("a;b;c\n1,5;2;3\n", "a|b|c/1,5|2|3"),  // semicolon detected
            ("a\tb\n1\t2\n", "a|b/1|2"),  // tab detected
            ("a\n1\n", "a/1"),  // one column
            ("a,b\n\n1,2\n", "a|b//1|2"),  // a blank line is a record of one empty cell
            ("\"a\"\"\",b\n", "a\"|b"),
        ])
    func rfc4180(input: String, expected: String) {
        let parsed = parse(input)
        #expect(parsed.error == nil)
        #expect(parsed.problems.isEmpty)
        #expect(parsed.rows.map { $0.joined(separator: "|") }.joined(separator: "/") == expected)
        // The same with a tiny buffer: records across refills read the same.
        let small = parse(input, bufferSize: 16)
        #expect(small.rows == parsed.rows)
    }

    @Test func lineNumbersCountLineBreaksInsideQuotes() {
        let parsed = parse("a,b\n\"x\ny\nz\",1\n2,3\r\n4,5")
        #expect(parsed.lines == [1, 2, 5, 6])
    }

    @Test(
        "the delimiter is the most frequent of ; , tab in the header, or the one given",
        arguments: [
            ("a;b;c\n", UInt8(ascii: ";")), ("a,b;c,d\n", UInt8(ascii: ",")), ("a\tb\tc,d\n", 0x09), ("abc\n", UInt8(ascii: ",")),
            ("\"a;b\",c\n", UInt8(ascii: ",")),
        ] as [(String, UInt8)])
    func delimiterDetection(header: String, expected: UInt8) {
        #expect(parse(header).delimiter == expected)
    }

    @Test func givenDelimiterWins() {
        let parsed = parse("a,b;c\n1,2;3\n", delimiter: UInt8(ascii: ";"))
        #expect(parsed.rows == [["a,b", "c"], ["1,2", "3"]])
    }

    @Test func strayQuotesAreRecordProblems() {
        let parsed = parse("a,b\nab\"c,1\n\"x\"y,2\nok,3\n")
        #expect(parsed.error == nil)
        #expect(parsed.problems == ["2:1:csv.quote", "3:1:csv.quote"])
        #expect(parsed.rows.count == 4)
        #expect(parsed.rows[3] == ["ok", "3"])
    }

    @Test func halfAQuotedFieldAtEndOfFileIsAnError() {
        let parsed = parse("a,b\n1,2\n3,\"never\nclosed\n")
        #expect(parsed.rows == [["a", "b"], ["1", "2"]])
        #expect(parsed.error?.code == "csv.unterminated-quote")
        #expect(parsed.error?.line == 3)
        #expect(parsed.error?.column == 2)
    }

    @Test func utf8BOMIsSkipped() {
        let parsed = parse([0xEF, 0xBB, 0xBF] + Array("nome;valor\nJosé;1\n".utf8))
        #expect(parsed.rows == [["nome", "valor"], ["José", "1"]])
        #expect(parsed.delimiter == UInt8(ascii: ";"))
    }

    @Test func latin1CellsAreDecodedAsWindows1252() {
        // "Conceição" in Latin-1, and "€" as CP1252 0x80.
        let bytes: [UInt8] = Array("nome\n".utf8) + [0x43, 0x6F, 0x6E, 0x63, 0x65, 0x69, 0xE7, 0xE3, 0x6F, 0x80, 0x0A]
        #expect(parse(bytes).rows == [["nome"], ["Conceição€"]])
    }

    @Test(arguments: [[UInt8]([0xFF, 0xFE, 0x61, 0x00]), [0xFE, 0xFF, 0x00, 0x61]])
    func utf16WithBOMIsRefused(bytes: [UInt8]) {
        let parsed = parse(bytes + [0x2C, 0x00, 0x62, 0x00, 0x0A, 0x00])
        #expect(parsed.error?.code == "csv.utf16")
        #expect(parsed.rows.isEmpty)
    }

    @Test func utf16WithoutBOMIsRefusedAsBinary() {
        let bytes: [UInt8] = Array("a,b\n".utf8).flatMap { (b: UInt8) -> [UInt8] in [b, 0] }
        let parsed = parse(bytes)
        #expect(parsed.error?.code == "csv.binary")
        #expect(parsed.error?.line == 1)
        #expect(parsed.rows.isEmpty)
    }

    @Test func runawayRecordIsCut() {
        let parsed = parse(Array("a\n\"".utf8) + [UInt8](repeating: 0x41, count: 5000) + [0x0A], maxRecordBytes: 1000)
        #expect(parsed.rows == [["a"]])
        #expect(parsed.error?.code == "csv.record-too-long")
    }

    /// Random bytes from an alphabet rich in CSV syntax: never a crash, the same records
    /// whatever the buffer size, and every line accounted for.
    @Test func fuzz() {
        var rng = SplitMix64(seed: 42)
        let alphabet: [UInt8] = Array("ab,;\"\r\n \t".utf8) + [0xC3, 0xA9, 0xE9, 0]
        for round in 0..<400 {
            let length = Int(rng.next() % 300)
            let bytes: [UInt8] = (0..<length).map { _ in
                round % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            let big = parse(bytes)
            let small = parse(bytes, bufferSize: 16)
            #expect(big == small, "round \(round)")
            // Every record starts on a later line than the one before; none past the input's end.
            let lineCount = bytes.filter { $0 == 0x0A || $0 == 0x0D }.count + 1
            #expect(zip(big.lines, big.lines.dropFirst()).allSatisfy { $0 < $1 }, "round \(round)")
            #expect(big.lines.allSatisfy { $0 >= 1 && $0 <= lineCount }, "round \(round)")
            // A NUL byte outside a stopped read is always found.
            if bytes.contains(0) && big.error == nil {
                Issue.record("round \(round): a NUL byte was read as text")
            }
        }
    }
}

/// What `parse` gives, read as `troca import` reads: the first record with `next()`, then
/// chunks of whole records (`readRecords`, at least `limit` bytes each) each read by a reader of
/// its own, as on a worker thread.
func parseInChunks(_ bytes: [UInt8], bufferSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 20, limit: Int) -> Parsed {
    parseInChunks(bytes, bufferSize: bufferSize, maxRecordBytes: maxRecordBytes, limit: limit, tellingPlainLines: false).parsed
}

/// `parseInChunks`; with `tellingPlainLines`, each chunk's reader is told which records
/// `readRecords` did not vouch for as plain lines (`unplainRecords`), and `lean` counts those
/// it vouched for.
func parseInChunks(
    _ bytes: [UInt8], bufferSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 20, limit: Int, tellingPlainLines: Bool
) -> (parsed: Parsed, lean: Int) {
    let reader = CSVReader(MemorySource(bytes), bufferSize: bufferSize, maxRecordBytes: maxRecordBytes)
    var chunk = ByteBuffer(capacity: 64)
    defer { chunk.deallocate() }
    var records = 0, unplain = 0
    let parsed = collect(reader) { out in
        guard try reader.next() else { return }
        out.take(reader)
        let worker = CSVReader(recordsDelimitedBy: reader.delimiter!)
        while true {
            chunk.removeAll()
            let firstLine = reader.nextLineNumber
            try reader.readRecords(into: &chunk, limit: limit)
            if chunk.count == 0 { break }
            if tellingPlainLines {
                let list = reader.unplainRecords
                unplain += Set(list).count
                try list.withUnsafeBufferPointer { list in
                    worker.reset(records: chunk.bytes, firstLine: firstLine, unplain: list)
                    while try worker.next() {
                        records += 1
                        out.take(worker)
                    }
                }
            } else {
                worker.reset(records: chunk.bytes, firstLine: firstLine)
                while try worker.next() { out.take(worker) }
            }
        }
    }
    return (parsed, tellingPlainLines ? records - unplain : 0)
}

extension CSVReaderTests {
    /// Chunks of whole records read by other readers give the same records, lines, problems
    /// and error as one reader: quoted line breaks, CR, CRLF, stray quotes, NULs, a quote or a
    /// CR at a buffer's end, records too long; chunks of one record and of many.
    @Test func chunksOfRecordsReadAsOneReader() {
        var rng = SplitMix64(seed: 7)
        let alphabet: [UInt8] = Array("ab,;\"\r\n \t\n\n".utf8) + [0xC3, 0xA9, 0]
        var errors: Set<String> = []
        for round in 0..<600 {
            let length = Int(rng.next() % 400)
            let bytes: [UInt8] = (0..<length).map { _ in
                let b = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                return b == 0 && round % 5 != 0 ? UInt8(ascii: "x") : b
            }
            let bufferSize = [16, 32, 1 << 20][round % 3]
            let maxRecordBytes = round % 7 == 0 ? 24 : 1 << 20
            let whole = parse(bytes, bufferSize: bufferSize, maxRecordBytes: maxRecordBytes)
            if let e = whole.error { errors.insert(e.code.rawValue) }
            for limit in [1, 7, 100, 1 << 16] {
                let chunked = parseInChunks(bytes, bufferSize: bufferSize, maxRecordBytes: maxRecordBytes, limit: limit)
                #expect(chunked == whole, "round \(round), limit \(limit): \(bytes)")
            }
        }
        #expect(errors == ["csv.binary", "csv.record-too-long", "csv.unterminated-quote"], "every error is met")
    }

    @Test func chunksEndAtRecordsNotAtQuotedLineBreaks() {
        let text = "h1,h2\n\"a\nb\",1\r\n\"c\"\"\r\nd\",2\rx,3\n\n\"e\",\"f\ng\"\n"
        let whole = parse(text)
        #expect(whole.lines == [1, 2, 4, 6, 7, 8])
        #expect(parseInChunks(Array(text.utf8), limit: 1) == whole)
        #expect(parseInChunks(Array(text.utf8), bufferSize: 16, limit: 5) == whole)
    }
}
