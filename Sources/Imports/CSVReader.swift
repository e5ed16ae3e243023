import FixedWidth
import Records

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A problem that stops reading a CSV file: the rest of it cannot be trusted (binary bytes,
/// UTF-16, a quoted field never closed, a record larger than the limit).
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable code, e.g. `csv.unterminated-quote`.
    public var code: DiagnosticCode
    /// What was expected and what was found.
    public var message: String
    /// 1-based line, 0 for the whole file.
    public var line: Int
    /// 1-based CSV column (field number), 0 for the whole line.
    public var column: Int

    /// Creates an error.
    public init(_ code: DiagnosticCode, _ message: String, line: Int, column: Int) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    /// The error as a diagnostic of `file`.
    public func diagnostic(file: String) -> Diagnostic {
        Diagnostic(.error, code, message, file: file, line: line, column: column)
    }

    /// A textual form, for messages.
    public var description: String { "\(line):\(column): [\(code.rawValue)] \(message)" }
}

/// A problem confined to one record (a stray quote): the record is read to its end and handed
/// out with the problem, so the caller rejects it and goes on.
public struct CSVRecordProblem: Sendable, Hashable {
    /// The stable code.
    public var code: DiagnosticCode
    /// What was expected and what was found.
    public var message: String
    /// 1-based CSV column (field number).
    public var column: Int
}

/// Reads RFC 4180 CSV from a byte stream in constant memory: quoted fields with embedded
/// delimiters, doubled quotes and line breaks; `,`, `;` or tab, detected from the first record
/// when not given; CRLF, LF or CR line ends; a UTF-8 byte order mark skipped; UTF-16 and binary
/// input refused. Cells are bytes (UTF-8, or Latin-1/Windows-1252: decoded per cell by the
/// caller, see `JSONBytes.appendText`).
///
/// `next()` reads one record; its cells stay valid until the next call.
public final class CSVReader {
    let source: ByteSource
    var buffer: UnsafeMutablePointer<UInt8>
    var capacity: Int
    var start = 0
    var end = 0
    var eof = false
    var started = false
    /// Whether `buffer` is the reader's own (false when it reads records in a chunk's memory).
    var ownsBuffer = true
    /// Set when `readRecords` stopped at a NUL byte: nothing after it is read.
    var stoppedAtNUL = false
    /// The offsets, in the chunk the last `readRecords` appended to, of the records it cannot
    /// vouch for as plain lines (a quote, NUL or lone CR in them, or not looked at the quick
    /// way), in order; an offset may repeat, or start no record. Every other record it appended
    /// is a line without a quote or NUL whose only CR, if any, is just before its LF.
    public internal(set) var unplainRecords: [Int] = []
    /// The chunk offset of the buffer's first byte, for the run `readRecords` is scanning.
    var runBase = 0
    /// For a reader of records in memory (`reset`): the offsets of the records not known to be
    /// plain lines (as `unplainRecords` gave them), nil when none is known to be; the others are
    /// cut the lean way (`PlainLine.leanFlags`). Memory the caller keeps until the next `reset`.
    var unplain: UnsafeBufferPointer<Int>? = nil
    /// Where the next record's offset is looked for in `unplain`.
    var unplainIndex = 0
    /// `csv.binary` at the first NUL of the first block read, if it has one.
    public private(set) var firstNUL: CSVError?
    /// Where the next quote, CR and NUL are at or after some point of the buffer (`end` when
    /// none is buffered), for `readRecords`; -1 when not known (after a refill).
    var nextSpecial = (quote: -1, cr: -1, nul: -1)
    /// The largest record accepted, in bytes (a runaway quoted field is cut here).
    public let maxRecordBytes: Int
    /// The field delimiter: given, or detected from the first record.
    public private(set) var delimiter: UInt8?
    /// Whether the input began with a UTF-8 byte order mark.
    public private(set) var hadBOM = false
    /// The delimiter in each byte of a word, for `PlainLine` (0 until it is known).
    var delimiterWord: UInt64 = 0
    /// Whether plain lines are cut a word at a time (off only in tests, to compare with the byte loop).
    var wordScan = true

    /// The current record's cells, behind a pointer (no access checks on the hot path).
    struct Cells {
        /// Quoted cells, unquoted, back to back (an unquoted cell is read where it is in the input).
        var bytes: ByteBuffer
        /// Where each cell starts and ends: in the input (from `input`) when not negative, in
        /// `bytes` (from `bytes.base`, the offset bit-inverted) when negative.
        var offsets: UnsafeMutablePointer<Int>
        /// Cells `offsets` has room for.
        var capacity: Int
        /// Cells.
        var count: Int
        /// The input the record was read from.
        var input: UnsafePointer<UInt8>
        /// The record's first line, its bytes and its problem (see the reader's properties).
        var line = 0
        var raw = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var problem: CSVRecordProblem?

        /// Makes room for `n` cells.
        @inline(never)
        mutating func reserve(_ n: Int) {
            var bigger = capacity
            while bigger < n { bigger *= 2 }
            guard bigger > capacity else { return }
            let more = UnsafeMutablePointer<Int>.allocate(capacity: bigger * 2)
            more.update(from: offsets, count: count * 2)
            offsets.deallocate()
            offsets = more
            capacity = bigger
        }

        @inline(__always)
        mutating func add(_ start: Int, _ end: Int) {
            if count == capacity {
                let bigger = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 4)
                bigger.update(from: offsets, count: count * 2)
                offsets.deallocate()
                offsets = bigger
                capacity *= 2
            }
            offsets[2 * count] = start
            offsets[2 * count + 1] = end
            count += 1
        }
    }
    let current: UnsafeMutablePointer<Cells>
    /// The 1-based line the current record starts on.
    public var line: Int { current.pointee.line }
    var nextLine = 1
    /// The current record's bytes as they are in the input, without its line end.
    public var raw: UnsafeBufferPointer<UInt8> { current.pointee.raw }
    /// A problem with the current record, which the caller should reject.
    public var problem: CSVRecordProblem? { current.pointee.problem }
    /// Whether the current record carries no data: an empty line, or a row of delimiters,
    /// blanks and tabs only (the `;;;;` rows a spreadsheet leaves below its data), whatever its
    /// number of cells. Such a row is skipped and counted, not read as a record.
    public var isBlankLine: Bool {
        // Most records: the first cell's first byte says so.
        let c = current
        if c.pointee.count > 0, c.pointee.offsets[0] >= 0, c.pointee.offsets[1] > c.pointee.offsets[0] {
            let b = c.pointee.input[c.pointee.offsets[0]]
            if b != 0x20 && b != 0x09 { return false }
        }
        if c.pointee.problem != nil { return false }
        for i in 0..<count {
            for b in cell(i) where b != 0x20 && b != 0x09 { return false }
        }
        return true
    }

    /// Creates a reader; `delimiter` nil detects it from the first record.
    public init(_ source: ByteSource, delimiter: UInt8? = nil, bufferSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 20) {
        self.source = source
        self.delimiter = delimiter
        self.capacity = max(bufferSize, 16)
        self.buffer = .allocate(capacity: capacity)
        self.maxRecordBytes = maxRecordBytes
        current = .allocate(capacity: 1)
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: 128)
        current.initialize(to: Cells(bytes: ByteBuffer(capacity: 4096), offsets: offsets, capacity: 64, count: 0, input: UnsafePointer(buffer)))
    }

    deinit {
        if ownsBuffer { buffer.deallocate() }
        current.pointee.bytes.deallocate()
        current.pointee.offsets.deallocate()
        current.deinitialize(count: 1)
        current.deallocate()
        table.deallocate()
    }

    /// The number of cells in the current record.
    public var count: Int { current.pointee.count }

    /// The bytes of cell `i` (0-based) of the current record.
    @inline(__always)
    public func cell(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        // The fields read where they are (a copy of the cells would copy their problem's text).
        let c = current
        let start = c.pointee.offsets[2 * i], end = c.pointee.offsets[2 * i + 1]
        if start >= 0 { return UnsafeBufferPointer(start: c.pointee.input + start, count: end - start) }
        return UnsafeBufferPointer(start: c.pointee.bytes.base + ~start, count: start - end)
    }

    /// Cell `i` as a String (UTF-8, or Windows-1252 when not valid UTF-8).
    public func text(_ i: Int) -> String { TextBytes.decode(cell(i)) }

    /// Reads more input after the unread part, moving it to the front and growing the buffer
    /// when the unread part fills it. Returns false at the end of the input.
    func refill() throws -> Bool {
        if eof { return false }
        nextSpecial = (-1, -1, -1)  // the buffer moves
        if start > 0 {
            if end > start { memmove(buffer, buffer + start, end - start) }
            end -= start
            start = 0
        }
        if end == capacity {
            guard capacity < maxRecordBytes * 2 else { return false }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
        if n == 0 { eof = true } else { end += n }
        return true
    }

    /// Looks at the first bytes: byte order marks, then the delimiter.
    func begin() throws {
        started = true
        while end - start < 4, try refill() {}
        let b = buffer + start
        let n = end - start
        if n >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) {
            throw CSVError(
                "csv.utf16", "the file is UTF-16 (byte order mark \(b[0] == 0xFF ? "FF FE" : "FE FF")): save it as CSV UTF-8 or Latin-1",
                line: 1, column: 0)
        }
        let bom = n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
        // Where the first block read has a NUL: a header that cannot be read is then said to
        // be binary data (`firstNUL`), not whatever else its bytes look like (a stray quote…).
        if let found = memchr(b, 0, n) {
            let at = UnsafeMutablePointer<UInt8>(OpaquePointer(found)) - b
            // Lines end at LF, CRLF or a CR alone; a byte order mark is no column.
            var line = 1
            var lineStart = bom ? 3 : 0
            for k in 0..<at where b[k] == 0x0A || (b[k] == 0x0D && b[k + 1] != 0x0A) {
                line += 1
                lineStart = k + 1
            }
            firstNUL = nul(line: line, column: at - lineStart + 1)
        }
        if bom {
            hadBOM = true
            start += 3
        }
        if delimiter == nil { delimiter = try detectDelimiter() }
        classify(delimiter: delimiter!)
    }

    /// Marks `d` as the delimiter in the scan's byte classes and in `delimiterWord`.
    func classify(delimiter d: UInt8) {
        table[Int(d)] = 1
        delimiterWord = UInt64(d) &* PlainLine.ones
    }

    /// The most frequent of `;`, `,` and tab outside quotes in the first record (`,` when none).
    func detectDelimiter() throws -> UInt8 {
        while true {
            var counts = (comma: 0, semicolon: 0, tab: 0)
            var quoted = false
            var i = start
            var complete = false
            while i < end {
                let c = buffer[i]
                if c == 0x22 {
                    quoted.toggle()
                } else if !quoted {
                    if c == 0x0A || c == 0x0D { complete = true; break }
                    if c == 0x2C { counts.comma += 1 } else if c == 0x3B { counts.semicolon += 1 } else if c == 0x09 { counts.tab += 1 }
                }
                i += 1
            }
            var done = complete || eof || end - start >= maxRecordBytes
            if !done { done = try !refill() }
            if done {
                if counts.semicolon >= counts.comma, counts.semicolon >= counts.tab, counts.semicolon > 0 { return 0x3B }
                if counts.tab > counts.comma { return 0x09 }
                return 0x2C
            }
        }
    }

    enum Outcome { case complete, incomplete }

    /// Reads the next record. Returns false at the end of the input; throws `CSVError` when the
    /// input cannot be read as CSV from here on (and `InputError` when it cannot be read at all).
    public func next() throws -> Bool {
        if !started { try begin() }
        while true {
            if start == end {
                if eof { return false }
                if try !refill() { return false }
                if start == end { return false }
                continue
            }
            switch try parse() {
            case .complete:
                return true
            case .incomplete:
                if end - start >= maxRecordBytes && !eof {
                    throw CSVError(
                        "csv.record-too-long",
                        "a record longer than \(maxRecordBytes) bytes (an unclosed quote?) starting here",
                        line: nextLine, column: 0)
                }
                if !(try refill()) {
                    throw CSVError(
                        "csv.record-too-long", "a record longer than \(maxRecordBytes) bytes starting here", line: nextLine,
                        column: 0)
                }
            }
        }
    }

    /// Byte classes for the scan: 1 delimiter, 2 CR, 3 LF, 4 quote, 5 NUL, 0 anything else.
    let table: UnsafeMutablePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        t.initialize(repeating: 0, count: 256)
        t[0x0D] = 2
        t[0x0A] = 3
        t[0x22] = 4
        t[0] = 5
        return t
    }()

    /// Parses one record from `start`; on `.incomplete` nothing is consumed.
    func parse() throws -> Outcome {
        let current = self.current
        current.pointee.bytes.truncate(to: 0)
        current.pointee.count = 0
        if current.pointee.problem != nil { current.pointee.problem = nil }
        let b = buffer
        current.pointee.input = UnsafePointer(b)
        let recordStart = start
        // Most records are a line without quotes: cut a word at a time, into the cells where
        // they are (not a copy of them put back at the end, as the byte loop below works on).
        var lean = false
        if let unplain {
            var k = unplainIndex
            while k < unplain.count && unplain[k] < recordStart { k &+= 1 }
            unplainIndex = k
            lean = k == unplain.count || unplain[k] != recordStart
        }
        if wordScan,
            let (next, recordEnd) =
                lean
                ? PlainLine.cutLean(b, from: recordStart, end: end, delimiterWord: delimiterWord, into: &current.pointee)
                : PlainLine.cut(b, from: recordStart, end: end, delimiterWord: delimiterWord, lean: false, into: &current.pointee)
        {
            current.pointee.raw = UnsafeBufferPointer(start: b + recordStart, count: recordEnd - recordStart)
            current.pointee.line = nextLine
            nextLine += 1
            start = next
            return .complete
        }
        var cells = current.pointee
        defer { current.pointee = cells }
        let table = self.table
        let end = self.end
        let eof = self.eof
        var i = start
        var lines = 0
        var column = 1
        var recordEnd = -1
        do {
            fields: while true {
                var cell = (start: i, end: i)  // see `Cells.offsets`
                if i < end, b[i] == 0x22 {
                    // Quoted field.
                    cell.start = ~cells.bytes.count
                    let quoteLine = nextLine + lines
                    i += 1
                    while true {
                        var j = i
                        while j < end {
                            let c = b[j]
                            if c == 0x22 { break }
                            if c == 0x0A { lines += 1 } else if c == 0 { throw nul(line: nextLine + lines, column: column) }
                            j += 1
                        }
                        if j == end {
                            if eof {
                                throw CSVError(
                                    "csv.unterminated-quote",
                                    "the quoted field that opens here is never closed: the file ends inside it (truncated, or a stray quote)",
                                    line: quoteLine, column: column)
                            }
                            return .incomplete
                        }
                        cells.bytes.appendBytes(UnsafeBufferPointer(start: b + i, count: j - i))
                        if j + 1 == end && !eof { return .incomplete }
                        if j + 1 < end, b[j + 1] == 0x22 {
                            cells.bytes.append(0x22)
                            i = j + 2
                            continue
                        }
                        i = j + 1
                        break
                    }
                    if i < end {
                        let k = table[Int(b[i])]
                        if k != 1 && k != 2 && k != 3 {
                            if cells.problem == nil {
                                cells.problem = CSVRecordProblem(
                                    code: "csv.quote",
                                    message: "expected a delimiter or the end of the line after the closing quote, found \(describe(b[i]))",
                                    column: column)
                            }
                            // Read the rest of the field as it is.
                            while i < end {
                                let k = table[Int(b[i])]
                                if k == 1 || k == 2 || k == 3 { break }
                                if k == 5 { throw nul(line: nextLine + lines, column: column) }
                                cells.bytes.append(b[i])
                                i += 1
                            }
                        }
                    }
                } else {
                    // Unquoted field.
                    let from = i
                    while i < end {
                        let k = table[Int(b[i])]
                        if k == 0 { i += 1; continue }
                        if k == 4 {
                            if cells.problem == nil {
                                cells.problem = CSVRecordProblem(
                                    code: "csv.quote",
                                    message: "a quote inside an unquoted field: quote the whole field and double the quotes in it",
                                    column: column)
                            }
                            i += 1
                            continue
                        }
                        if k == 5 { throw nul(line: nextLine + lines, column: column) }
                        break
                    }
                    cell = (from, i)
                }
                cells.add(cell.start, cell.start >= 0 ? cell.end : ~cells.bytes.count)
                if i == end {
                    if !eof { return .incomplete }
                    recordEnd = i
                    break fields
                }
                switch table[Int(b[i])] {
                case 1:
                    i += 1
                    column += 1
                    if i == end && !eof { return .incomplete }
                case 2:
                    if i + 1 == end && !eof { return .incomplete }
                    recordEnd = i
                    i += 1
                    if i < end, b[i] == 0x0A { i += 1 }
                    lines += 1
                    break fields
                default:
                    recordEnd = i
                    i += 1
                    lines += 1
                    break fields
                }
            }
            cells.raw = UnsafeBufferPointer(start: b + recordStart, count: recordEnd - recordStart)
            cells.line = nextLine
            nextLine += lines
            start = i
            return .complete
        }
    }

    /// `csv.binary` when the current record (the header) holds a control byte no text file has
    /// (below 0x20 but tab, CR and LF; or DEL): binary data whose first NUL is further on. Latin-1
    /// and Windows-1252 letters (0x80 and up) are text, and pass.
    public func controlByte() -> CSVError? {
        for i in 0..<count {
            for byte in cell(i) where (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F {
                return CSVError(
                    "csv.binary",
                    "a control \(describe(byte)): this is not a CSV text file (binary data, or a spreadsheet saved in another format: save it as CSV UTF-8)",
                    line: line, column: i + 1)
            }
        }
        return nil
    }

    func nul(line: Int, column: Int) -> CSVError {
        CSVError(
            "csv.binary",
            "a NUL byte: this is not a CSV text file (binary data, or a spreadsheet saved as UTF-16: save it as CSV UTF-8)",
            line: line, column: column)
    }

    func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "\"\(Character(Unicode.Scalar(byte)))\"" : "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}

/// A record that is one line without quotes or NUL bytes, its cells found 8 bytes at a time:
/// each word's delimiters, quotes and bytes below 0x0E (CR, LF, NUL and a few controls, looked at
/// one by one) flagged at once by bit tricks, so that ordinary bytes cost no test of their own.
/// Any other record (quoted fields, a stray quote, a NUL, a CR at the end of what is buffered,
/// a line that ends in the last 7 bytes) is left to `CSVReader.parse`'s byte loop, which
/// reads it from its start as if this had not been tried.
enum PlainLine {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `w` that is the delimiter, a quote or below 0x0E; the
    /// lowest is exact, those above it may be false (a borrow): each is looked at again.
    @inline(__always)
    static func flags(_ w: UInt64, delimiterWord: UInt64) -> UInt64 {
        let d = w ^ delimiterWord
        let q = w ^ (0x22 &* ones)
        let delimiters = (d &- ones) & ~d
        let quotes = (q &- ones) & ~q
        let controls = (w &- 0x0E &* ones) & ~w
        return (delimiters | quotes | controls) & highs
    }

    /// `flags` for a line known to hold no quote or NUL, and no CR but one just before its LF
    /// (`CSVReader.unplain`): the delimiters and line feeds only (the other bytes `flags` flags
    /// are passed over by `cut`, and `cut` looks for the CR before the LF).
    @inline(__always)
    static func leanFlags(_ w: UInt64, delimiterWord: UInt64) -> UInt64 {
        let d = w ^ delimiterWord
        let l = w ^ (0x0A &* ones)
        return ((d &- ones) & ~d | (l &- ones) & ~l) & highs
    }

    /// `cut` the lean way, as a function of its own (inlined beside the other way, the two
    /// loops were made one, computing both flags).
    @inline(never)
    static func cutLean(
        _ b: UnsafeMutablePointer<UInt8>, from: Int, end: Int, delimiterWord: UInt64, into cells: inout CSVReader.Cells
    ) -> (next: Int, recordEnd: Int)? {
        cut(b, from: from, end: end, delimiterWord: delimiterWord, lean: true, into: &cells)
    }

    /// Cuts the record at `from` into `cells` (input offsets) and returns where the next record
    /// starts and where this one's line end is; nil (cells emptied) when the byte loop must read it.
    /// `lean`: the record is known to be a line without a quote or NUL whose only CR, if any,
    /// is just before its LF (`leanFlags`).
    @inline(__always)
    static func cut(
        _ b: UnsafeMutablePointer<UInt8>, from: Int, end: Int, delimiterWord: UInt64, lean: Bool, into cells: inout CSVReader.Cells
    ) -> (next: Int, recordEnd: Int)? {
        guard delimiterWord != 0 else { return nil }
        let delimiter = UInt8(truncatingIfNeeded: delimiterWord)
        // The cells' offsets written through a local pointer, room for a word's 8 made first.
        var offsets = cells.offsets
        var count = 0
        var i = from
        var cellStart = from
        while i &+ 8 <= end {
            let w = UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
            var m = lean ? leanFlags(w, delimiterWord: delimiterWord) : flags(w, delimiterWord: delimiterWord)
            if m == 0 {
                i &+= 8
                continue
            }
            if count &+ 8 > cells.capacity {
                cells.count = count
                cells.reserve(count &+ 8)
                offsets = cells.offsets
            }
            repeat {
                let p = i &+ (m.trailingZeroBitCount &>> 3)
                let c = b[p]
                if c == delimiter {
                    offsets[2 &* count] = cellStart
                    offsets[2 &* count &+ 1] = p
                    count &+= 1
                    cellStart = p &+ 1
                } else if c == 0x0A || c == 0x0D {
                    if c == 0x0D && p &+ 1 >= end { break }
                    // Lean: a CR is met only just before the LF (not flagged): the line ends there.
                    let lineEnd = lean && c == 0x0A && p > from && b[p &- 1] == 0x0D ? p &- 1 : p
                    offsets[2 &* count] = cellStart
                    offsets[2 &* count &+ 1] = lineEnd
                    cells.count = count &+ 1
                    return (c == 0x0A ? p &+ 1 : b[p &+ 1] == 0x0A ? p &+ 2 : p &+ 1, lineEnd)
                } else if c == 0x22 || c == 0 {
                    break
                }
                m &= m &- 1
            } while m != 0
            if m != 0 { break }
            i &+= 8
        }
        cells.count = 0
        return nil
    }
}
