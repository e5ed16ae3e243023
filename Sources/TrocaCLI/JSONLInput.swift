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
                let (message, column) = cut ? ("a line longer than \(LineReader.maxLineLength) bytes", 0) : JSONReader.notAnObject(bytes)
                let code = DiagnosticCode(rawValue: stage + ".json")
                sink.report(Diagnostic(.error, code, message, file: name, line: number, column: column, raw: Array(bytes)))
                return true
            }
            return try body(&tape, number, bytes)
        }
        return counts
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
