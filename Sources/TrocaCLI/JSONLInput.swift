import FixedWidth
import Foundation
import Records

/// Reads a JSONL input line by line into one reused `JSONTape`: blank lines are counted apart,
/// a line that is not a JSON object is reported (code `<stage>.json`) with its raw bytes.
struct JSONLInput {
    let name: String
    let source: ByteSource

    /// What happened to the lines that were not handed to `body`.
    struct Counts {
        var blank = 0
        var malformed = 0
    }

    /// Calls `body` with each JSON object line's tape, its 1-based line number and raw bytes.
    /// Returns false from `body` to stop.
    func forEachRecord(
        stage: String, sink: DiagnosticSink, _ body: (inout JSONTape, Int, UnsafeBufferPointer<UInt8>) throws -> Bool
    ) throws -> Counts {
        var counts = Counts()
        var tape = JSONTape()
        var reader = LineReader(JSONLSource.reading(source), maxLineLength: LineReader.maxJSONLLineLength)
        defer { reader.close() }
        try reader.forEachLine { line, number, cut in
            try Self.take(line, number, cut, name: name, stage: stage, tape: &tape, counts: &counts, sink: sink, body)
        }
        return counts
    }

    /// One line as `forEachRecord` takes it (`cut`: longer than `LineReader.maxJSONLLineLength`,
    /// and these its first bytes): counted blank, reported malformed, or handed to `body` as a
    /// record; what `body` returns (true for a line not handed to it).
    @inline(__always)
    static func take(
        _ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ cut: Bool, name: String, stage: String, tape: inout JSONTape,
        counts: inout Counts, sink: DiagnosticSink, _ body: (inout JSONTape, Int, UnsafeBufferPointer<UInt8>) throws -> Bool
    ) rethrows -> Bool {
        var bytes = line
        if bytes.last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            counts.blank += 1
            return true
        }
        guard !cut, JSONReader.parseRecord(bytes, into: &tape), tape[0].kind == .object else {
            counts.malformed += 1
            let (message, column) = cut ? ("a line longer than \(LineReader.maxJSONLLineLength) bytes", 0) : JSONReader.notAnObject(bytes)
            let code = DiagnosticCode(rawValue: stage + ".json")
            sink.report(Diagnostic(.error, code, message, file: name, line: number, column: column, raw: Array(bytes)))
            return true
        }
        if let (message, node) = recordNotAString(tape) {
            counts.malformed += 1
            let column = JSONReader.column(ofNode: node, in: bytes)
            sink.report(Diagnostic(.error, DiagnosticCode(rawValue: stage + ".record"), message, file: name, line: number, column: column, raw: Array(bytes)))
            return true
        }
        return try body(&tape, number, bytes)
    }

    /// The lines that start in `bytes[range]` (`bytes`: the whole of a plain JSONL file, mapped;
    /// `range` starting where a line does), each taken as `forEachRecord` takes the lines of the
    /// file, numbered from `firstNumber`: a line split as `LineReader` splits it (at LF, the
    /// last one without, a line longer than the limit cut there), read past the range's end to
    /// its LF. Returns how many lines started there; `body` returning false stops.
    static func forEachRecord(
        in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, firstNumber: Int, name: String, stage: String, tape: inout JSONTape,
        counts: inout Counts, sink: DiagnosticSink, _ body: (inout JSONTape, Int, UnsafeBufferPointer<UInt8>) throws -> Bool
    ) rethrows -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let limit = LineReader.maxJSONLLineLength
        var start = range.lowerBound
        var number = firstNumber
        while start < range.upperBound {
            let lf = memchr(base + start, 0x0A, bytes.count - start)
            let end = lf.map { Int(bitPattern: $0) - Int(bitPattern: base) } ?? bytes.count
            let cut = end - start > limit
            let line = UnsafeBufferPointer(start: base + start, count: cut ? limit : end - start)
            let more = try take(line, number, cut, name: name, stage: stage, tape: &tape, counts: &counts, sink: sink, body)
            number += 1
            start = end + 1
            if !more { break }
        }
        return number - firstNumber
    }

    /// A record whose `record` member is there but not a string (`{"record":1}`,
    /// `{"record":["title"]}`): malformed, not a record of another kind to pass over. Its
    /// message and the member's value node (for the column); nil for any other record.
    static func recordNotAString(_ tape: JSONTape) -> (message: String, node: Int)? {
        recordNotAString(tape, record: tape.member("record", of: 0))
    }

    /// `recordNotAString(tape)`, the record's `record` member found before (its node, or nil).
    static func recordNotAString(_ tape: JSONTape, record: Int?) -> (message: String, node: Int)? {
        guard let r = record, tape[r].kind != .string else { return nil }
        return ("\"record\" is \(tape[r].kind.noun), expected a string naming the kind of record (\"title\", \"payment\", …)", r)
    }
}

extension JSONObjectWriter {
    /// `"source":{"file":…,"line":…}`: the record's own source when the tape has one, else this
    /// input's name and line.
    mutating func source(from tape: JSONTape, file: String, line: Int) {
        if let s = tape.member("source", of: 0), tape[s].kind == .object {
            var out: [UInt8] = []
            tape.value(at: s).write(to: &out)
            raw("source", json: out)
        } else {
            var inner = JSONObjectWriter()
            inner.string("file", file)
            inner.int("line", line)
            raw("source", json: inner.finish())
        }
    }

    /// A string member, left out when nil.
    mutating func string(_ name: String, _ value: String?) {
        if let value { string(name, value) }
    }
}

/// A JSONL input as UTF-8: a file that starts with a UTF-16 byte order mark (FF FE, what
/// Windows PowerShell's `>` writes, or FE FF), or in UTF-16 with no mark (`utf16(_:)`), is
/// transcoded to UTF-8 as it is read, so that its lines are split where its line breaks are
/// (split as bytes, a UTF-16LE line break leaves its NUL at the start of the next line, and a
/// last line of one NUL byte after the last record); any other input is passed through as it is.
final class JSONLSource: ByteSource {
    let source: ByteSource
    enum Mode { case unknown, plain, utf16(bigEndian: Bool) }
    /// Unknown until the first read, then whether the input is UTF-16 and which way round.
    var mode = Mode.unknown
    /// Raw bytes read and not yet passed on or transcoded (at most one odd byte between reads).
    var pending: [UInt8] = []
    /// UTF-8 bytes transcoded and not yet passed on, from `delivered`.
    var output: [UInt8] = []
    var delivered = 0
    /// A high surrogate waiting for its low half.
    var high: UInt16? = nil
    var ended = false
    /// Where raw bytes are read into, 64 KiB at a time (one buffer for every read).
    var chunk = [UInt8](repeating: 0, count: 1 << 16)

    init(_ source: ByteSource) { self.source = source }

    /// `source` read as UTF-8: itself when it is a regular file whose first bytes are not
    /// UTF-16's (`utf16(_:)`; so that `LineReader` still maps it), else wrapped.
    static func reading(_ source: ByteSource) -> ByteSource {
        if let file = source as? FileSource, let at = file.mappable {
            var first = [UInt8](repeating: 0, count: 2)
            let n = first.withUnsafeMutableBytes { pread(at.descriptor, $0.baseAddress, 2, off_t(at.offset)) }
            if n < 2 || utf16(first) == nil { return source }
        }
        return JSONLSource(source)
    }

    /// How the first two bytes of an input say it is UTF-16: a byte order mark (FF FE
    /// little-endian, FE FF big-endian: `mark` true), or, with no mark (what some exporters
    /// write), a first character of JSONL (`{`, `[`, a quote or white space) as one ASCII byte
    /// beside a NUL: `{ 00` little-endian, `00 {` big-endian. UTF-8 JSON has no NUL byte, so
    /// neither can start one. Nil: not UTF-16.
    static func utf16(_ first: [UInt8]) -> (bigEndian: Bool, mark: Bool)? {
        guard first.count >= 2 else { return nil }
        if first[0] == 0xFF && first[1] == 0xFE { return (false, true) }
        if first[0] == 0xFE && first[1] == 0xFF { return (true, true) }
        let opening: Set<UInt8> = [0x7B, 0x5B, 0x22, 0x20, 0x09, 0x0A, 0x0D]
        if opening.contains(first[0]) && first[1] == 0 { return (false, false) }
        if first[0] == 0 && opening.contains(first[1]) { return (true, false) }
        return nil
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if case .unknown = mode {
            while pending.count < 2 {
                let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { ended = true; break }
                pending += chunk[0..<n]
            }
            if let (bigEndian, mark) = Self.utf16(Array(pending.prefix(2))) {
                mode = .utf16(bigEndian: bigEndian)
                if mark { pending.removeFirst(2) }
            } else {
                mode = .plain
            }
        }
        guard case .utf16(let bigEndian) = mode else {
            // Not UTF-16: the bytes peeked at, then the source itself.
            if !pending.isEmpty {
                let n = min(buffer.count, pending.count)
                buffer.copyBytes(from: pending[0..<n])
                pending.removeFirst(n)
                return n
            }
            return ended ? 0 : try source.read(into: buffer)
        }
        while delivered == output.count {
            output.removeAll(keepingCapacity: true)
            delivered = 0
            if ended && pending.count < 2 {
                if high != nil || !pending.isEmpty { output += [0xEF, 0xBF, 0xBD] }  // a half character at the end
                high = nil
                pending.removeAll()
                if output.isEmpty { return 0 }
                break
            }
            if !ended {
                let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { ended = true } else { pending += chunk[0..<n] }
            }
            transcode(bigEndian: bigEndian)
        }
        let n = min(buffer.count, output.count - delivered)
        buffer.copyBytes(from: output[delivered..<delivered + n])
        delivered += n
        return n
    }

    /// Turns the whole code units of `pending` into UTF-8 in `output` (an unpaired surrogate
    /// becomes U+FFFD, as Foundation decodes one).
    func transcode(bigEndian: Bool) {
        let units = pending.count / 2
        for k in 0..<units {
            let a = UInt16(pending[2 * k]), b = UInt16(pending[2 * k + 1])
            let unit = bigEndian ? a << 8 | b : b << 8 | a
            var scalar: UInt32
            if let h = high {
                high = nil
                if unit >= 0xDC00 && unit < 0xE000 {
                    scalar = 0x10000 + (UInt32(h - 0xD800) << 10) + UInt32(unit - 0xDC00)
                    append(scalar)
                    continue
                }
                append(0xFFFD)
            }
            if unit >= 0xD800 && unit < 0xDC00 { high = unit; continue }
            scalar = unit >= 0xDC00 && unit < 0xE000 ? 0xFFFD : UInt32(unit)
            append(scalar)
        }
        pending.removeFirst(units * 2)
    }

    /// Appends a scalar's UTF-8 bytes, one at a time (no array per character).
    func append(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        default:
            output.append(UInt8(0xF0 | scalar >> 18))
            output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
