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
        var reader = LineReader(source)
        defer { reader.close() }
        try reader.forEachLine { line, number, cut in
            var bytes = line
            if bytes.last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                counts.blank += 1
                return true
            }
            guard !cut, JSONReader.parse(bytes, into: &tape), tape[0].kind == .object else {
                counts.malformed += 1
                let (message, column) = cut ? ("a line longer than \(LineReader.maxLineLength) bytes", 0) : Self.notAnObject(bytes)
                let code = DiagnosticCode(rawValue: stage + ".json")
                sink.report(Diagnostic(.error, code, message, file: name, line: number, column: column, raw: Array(bytes)))
                return true
            }
            return try body(&tape, number, bytes)
        }
        return counts
    }
}

extension JSONLInput {
    /// Why a line is not a JSONL record, for its diagnostic, and the 1-based column it is about:
    /// for a line that is not JSON, its first bad byte (`syntaxError`); for JSON that is not an
    /// object, where it starts; 0 for UTF-16 or UTF-32 text. Only for a line `JSONReader.parse`
    /// refused or read as an array: it reads it again.
    static func notAnObject(_ line: UnsafeBufferPointer<UInt8>) -> (message: String, column: Int) {
        if let (problem, column) = syntaxError(line) { return ("expected a JSON object: \(problem)", column) }
        var tape = JSONTape()
        guard JSONReader.parse(line, into: &tape) else { return ("expected a JSON object", 0) }
        let bom = line.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let start = line[bom...].firstIndex { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A } ?? bom
        return ("expected a JSON object, found an array", start + 1)
    }

    /// Where a line that is not JSON stops being JSON, and what is there: the 1-based column of
    /// its first bad byte (`JSONReader.errorOffset`), or just past its end when it ends too soon;
    /// nil when the line is JSON, or UTF-16 or UTF-32 text.
    static func syntaxError(_ line: UnsafeBufferPointer<UInt8>) -> (problem: String, column: Int)? {
        guard let offset = JSONReader.errorOffset(line) else { return nil }
        guard offset < line.count else { return ("not valid JSON, the line ends inside it", offset + 1) }
        let byte = line[offset]
        let escape = byte == 0x22 || byte == 0x5C ? "\\" : ""
        let found =
            byte >= 0x20 && byte < 0x7F
            ? "\"\(escape)\(Character(Unicode.Scalar(byte)))\"" : "byte 0x" + String(byte, radix: 16, uppercase: true)
        return ("not valid JSON at \(found)", offset + 1)
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
