import Foundation
import Records
import Testing

@Suite("Diagnostic")
struct DiagnosticTests {
    @Test(
        "the human form is FILE:LINE:COL: severity: [code] message",
        arguments: [
            (Severity.error, 12, 74, "RET.ret:12:74: error: [cnab.date] m"),
            (Severity.warning, 12, 0, "RET.ret:12: warning: [cnab.date] m"),
            (Severity.note, 0, 0, "RET.ret: note: [cnab.date] m"),
            (Severity.error, 0, 9, "RET.ret: error: [cnab.date] m"),  // no line, so no column either
            (Severity.error, 1, 1, "RET.ret:1:1: error: [cnab.date] m"),
        ])
    func formatted(severity: Severity, line: Int, column: Int, expected: String) {
        let d = Diagnostic(severity, "cnab.date", "m", file: "RET.ret", line: line, column: column)
        #expect(d.formatted == expected)
    }

    @Test("the design's example")
    func designExample() {
        let d = Diagnostic(
            .error, "cnab.date", #"invalid date "31022026" in data_vencimento"#, file: "RET.ret", line: 12, column: 74)
        #expect(d.formatted == #"RET.ret:12:74: error: [cnab.date] invalid date "31022026" in data_vencimento"#)
    }

    @Test(
        "control characters from an input are shown by their code: the human form stays one line",
        arguments: [
            ("\"^\r\" is not a digit", "\"^<U+000D>\" is not a digit"),
            ("unknown stage \"\n\"", "unknown stage \"<U+000A>\""),
            ("a\tb\u{0}c\u{7F}d\u{85}e\u{2028}f", "a<U+0009>b<U+0000>c<U+007F>d<U+0085>e<U+2028>f"),
            // Already shown (the imports quote cells so): nothing to change, nothing escaped twice.
            ("\"x<U+000A>y\"", "\"x<U+000A>y\""),
            ("José – ok ¢ “quoted”", "José – ok ¢ “quoted”"),
        ])
    func controlsShown(message: String, shown: String) throws {
        let d = Diagnostic(.error, "boleto.character", message, file: "a\rb", line: 1, column: 2)
        #expect(d.formatted == "a<U+000D>b:1:2: error: [boleto.character] " + shown)
        // The JSONL reject keeps the message as found: JSON escapes it, on one line.
        let bytes = d.jsonLine()
        #expect(!bytes.contains(0x0A) && !bytes.contains(0x0D))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["message"] as? String == message)
    }

    @Test("the JSONL form is a reject record with every member, raw text decoded")
    func jsonLine() throws {
        let raw: [UInt8] = [0x4A, 0x4F, 0x53, 0xC9, 0x20, 0x22, 0x5C, 0x0D]
        let d = Diagnostic(
            .error, "cnab.record-length", #"line is "short""#, file: "dir/R\u{E9}T.ret", line: 3, column: 241, raw: raw)
        let bytes = d.jsonLine()
        #expect(!bytes.contains(0x0A))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(
            text.hasPrefix(
                #"{"record":"reject","severity":"error","code":"cnab.record-length","message":"line is \"short\"","file":"dir/RéT.ret","line":3,"column":241,"raw":"#
            ))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["record"] as? String == "reject")
        #expect(object["severity"] as? String == "error")
        #expect(object["code"] as? String == "cnab.record-length")
        #expect(object["message"] as? String == #"line is "short""#)
        #expect(object["file"] as? String == "dir/RéT.ret")
        #expect(object["line"] as? Int == 3)
        #expect(object["column"] as? Int == 241)
        #expect(object["raw"] as? String == "JOSÉ \"\\\r")
    }

    @Test("without raw bytes there is no raw member")
    func jsonLineWithoutRaw() throws {
        let d = Diagnostic(.warning, "input.bom", "UTF-8 byte order mark ignored", file: "-", line: 1)
        let text = String(decoding: d.jsonLine(), as: UTF8.self)
        #expect(
            text
                == #"{"record":"reject","severity":"warning","code":"input.bom","message":"UTF-8 byte order mark ignored","file":"-","line":1,"column":0}"#
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(d.jsonLine())) as? [String: Any])
        #expect(object["raw"] == nil)
    }

    @Test("a sink counts errors and warnings and passes every finding on")
    func sink() {
        var seen: [DiagnosticCode] = []
        let sink = DiagnosticSink { seen.append($0.code) }
        sink.report(Diagnostic(.error, "a", "m", file: "f"))
        sink.report(Diagnostic(.warning, "b", "m", file: "f"))
        sink.report(Diagnostic(.note, "c", "m", file: "f"))
        sink.report(Diagnostic(.error, "d", "m", file: "f"))
        #expect(sink.errors == 2)
        #expect(sink.warnings == 1)
        #expect(seen == ["a", "b", "c", "d"])
    }

    @Test("a record writer flushes whole buffers past its threshold and the rest on finish")
    func recordWriter() throws {
        var flushed: [[UInt8]] = []
        let writer = RecordWriter(threshold: 10) { flushed.append(Array($0)) }
        try writer.write(Array("{\"a\":1}".utf8))  // 8 bytes: below the threshold
        #expect(flushed.isEmpty)
        try writer.write(Array("{\"b\":2}".utf8))  // 16 bytes: flushed
        #expect(flushed == [Array("{\"a\":1}\n{\"b\":2}\n".utf8)])
        try writer.write(Array("{}".utf8))
        try writer.finish()
        #expect(flushed.count == 2)
        #expect(flushed.last == Array("{}\n".utf8))
        #expect(writer.records == 3)
        try writer.finish()
        #expect(flushed.count == 2, "finishing twice writes nothing more")
    }

    /// Fills a hole with its payload's bytes, upper-cased, so a hole filled in the wrong place
    /// or with the wrong payload shows.
    final class Upper: HoleFiller {
        func fill(_ payload: UnsafeRawPointer, into out: inout ByteBuffer) {
            let n = Int(payload.load(as: UInt8.self))
            for i in 0..<n {
                let b = payload.load(fromByteOffset: 1 + i, as: UInt8.self)
                out.append(b >= 0x61 && b <= 0x7A ? b - 0x20 : b)
            }
        }
    }

    func writeWithHoles(threads: Int, threshold: Int, count: Int) throws -> [UInt8] {
        var flushed: [UInt8] = []
        let writer = RecordWriter(threshold: threshold) { flushed.append(contentsOf: $0) }
        writer.workerThreads = threads
        try writer.setFiller(Upper())
        for i in 0..<count {
            writer.withBuffer { $0.append(contentsOf: "{\"n\":\"") }
            let word = Array("word\(i)".utf8)
            writer.hole { payload in
                payload.append(UInt8(word.count))
                payload.append(word)
            }
            writer.withBuffer { $0.append(contentsOf: "\"}") }
            try writer.endRecord()
            // A filler change cuts the buffer: holes after it use the new one.
            if i == count / 2 { try writer.setFiller(Upper()) }
        }
        try writer.finish()
        return flushed
    }

    @Test("holes are filled in place, in order, across chunks formatted by worker threads", arguments: [1, 2, 3])
    func holes(threads: Int) throws {
        let expected = (0..<500).map { "{\"n\":\"WORD\($0)\"}\n" }.joined()
        for threshold in [1, 64, 4096, 1 << 20] {
            #expect(String(decoding: try writeWithHoles(threads: threads, threshold: threshold, count: 500), as: UTF8.self) == expected)
        }
    }

    struct Broken: Error {}

    @Test("a flush error with chunks pending reaches the caller, and nothing is written after it")
    func holesFlushError() throws {
        var flushes = 0
        let writer = RecordWriter(threshold: 16) { _ in
            flushes += 1
            if flushes == 2 { throw Broken() }
        }
        try writer.setFiller(Upper())
        #expect(throws: Broken.self) {
            for _ in 0..<100 {
                writer.hole { $0.append(1); $0.append(UInt8(ascii: "x")) }
                try writer.endRecord()
            }
            try writer.finish()
        }
        #expect(flushes == 2)
    }
}

