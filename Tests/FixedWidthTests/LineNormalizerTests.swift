import Records
import Testing

@testable import FixedWidth

/// What normalising a run of lines (10-byte records) produced.
struct Normalized {
    var outcomes: [LineNormalizer.Outcome] = []
    var records: [[UInt8]?] = []
    var warnings: [Diagnostic] = []
    var notes: [Diagnostic] = []

    var rejects: [Diagnostic] {
        outcomes.compactMap { if case .reject(let d) = $0 { return d } else { return nil } }
    }
    var fatal: Diagnostic? {
        outcomes.lazy.compactMap { if case .fatal(let d) = $0 { return d } else { return nil } }.first
    }
}

func normalize(_ lines: [[UInt8]], recordLength: Int = 10, cut: Bool = false) -> Normalized {
    var n = LineNormalizer(recordLength: recordLength, file: "F.rem")
    var result = Normalized()
    for (i, line) in lines.enumerated() {
        let (outcome, record) = line.withUnsafeBufferPointer { raw in
            let outcome = n.normalize(raw, line: i + 1, cut: cut) { result.warnings.append($0) }
            return (outcome, outcome == .record ? n.withRecord(raw) { Array($0) } : nil)
        }
        result.outcomes.append(outcome)
        result.records.append(record)
    }
    result.notes = n.finish()
    return result
}

func normalize(_ line: String, recordLength: Int = 10, cut: Bool = false) -> Normalized {
    normalize([latin1(line)], recordLength: recordLength, cut: cut)
}

@Suite("LineNormalizer")
struct LineNormalizerTests {
    @Test(
        "lines that become the record as they are",
        arguments: [
            ("0123456789", "0123456789"),
            ("0123456789\r", "0123456789"),
            ("0123456789\u{1A}", "0123456789"),
            ("0123456789\r\u{1A}", "0123456789"),
            ("0123456789\r\r", "0123456789"),
            ("JOS\u{C9}      ", "JOS\u{C9}      "),  // Latin-1, already one byte per character
            ("   45678  ", "   45678  "),
            ("\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}", "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}"),  // NULs: not UTF-16, not blank
        ])
    func asIs(line: String, record: String) {
        let r = normalize(line)
        #expect(r.outcomes == [.record])
        #expect(r.records == [latin1(record)])
        #expect(r.warnings.isEmpty)
        #expect(r.notes.isEmpty)
    }

    @Test(
        "empty, blank and end-of-file lines are skipped",
        arguments: [
            "", "\r", "\u{1A}", "\r\u{1A}", "          ", "   \r", "\u{EF}\u{BB}\u{BF}", "\u{EF}\u{BB}\u{BF}\r", "\u{EF}\u{BB}\u{BF}   \r",
        ])
    func skipped(line: String) {
        let r = normalize(line)
        #expect(r.outcomes == [.skip])
        #expect(r.rejects.isEmpty)
    }

    @Test("short lines are padded; the first is reported, the rest counted at the end")
    func shortLines() {
        let r = normalize([latin1("01234"), latin1("0123456789"), latin1("0"), latin1("012345678\r")])
        #expect(r.outcomes == [.record, .record, .record, .record])
        #expect(r.records == [latin1("01234     "), latin1("0123456789"), latin1("0         "), latin1("012345678 ")])
        #expect(r.warnings.map(\.code) == ["input.short-line"])
        #expect(r.warnings.first?.line == 1)
        #expect(r.warnings.first?.severity == .warning)
        #expect(r.warnings.first?.message == "line is 5 bytes, expected 10; padded with blanks")
        #expect(r.notes.map(\.code) == ["input.short-line"])
        #expect(r.notes.first?.severity == .note)
        #expect(r.notes.first?.message == "2 more line(s) like line 1")
    }

    @Test("one short line gives one warning and no note")
    func oneShortLine() {
        let r = normalize("01234")
        #expect(r.warnings.count == 1)
        #expect(r.notes.isEmpty)
    }

    @Test("a UTF-8 byte order mark is dropped on line 1 only")
    func bom() {
        let r = normalize([[0xEF, 0xBB, 0xBF] + latin1("0123456789\r"), [0xEF, 0xBB, 0xBF] + latin1("0123456789")])
        #expect(r.outcomes.first == .record)
        #expect(r.records.first == latin1("0123456789"))
        #expect(r.warnings.map(\.code) == ["input.bom"])
        // On line 2 the same bytes are data: three bytes too many, and not blank.
        #expect(r.rejects.map(\.code) == ["input.line-length"])
        #expect(r.rejects.first?.line == 2)
    }

    @Test(
        "UTF-8 text is transcoded so that one character is one byte",
        arguments: [
            ("JOS\u{C3}\u{89}      ", "JOS\u{C9}      "),  // 11 bytes, 10 characters
            ("JOS\u{C3}\u{89}", "JOS\u{C9}      "),  // short as well: transcoded, then padded
            ("S\u{C3}\u{83}O PAULO\u{E2}\u{82}\u{AC}", "S\u{C3}O PAULO?"),  // beyond Latin-1 becomes ?
        ])
    func transcodes(line: String, record: String) {
        let r = normalize(line)
        #expect(r.outcomes == [.record])
        #expect(r.records == [latin1(record)])
        #expect(r.warnings.map(\.code).contains("input.utf8"))
    }

    @Test(
        "over-long lines: blank excess is cut, anything else is an error at its column",
        arguments: [
            ("0123456789   ", nil as Int?),
            ("0123456789   \r", nil),
            ("0123456789X", 11),
            ("0123456789   X", 14),
            ("0123456789\u{0}", 11),
            ("JOS\u{C3}\u{89} DA SILVA", 11),  // UTF-8, but still too long once transcoded
            ("0123456789\u{C9}", 11),  // Latin-1 excess
        ])
    func longLines(line: String, column: Int?) throws {
        let r = normalize(line)
        if let column {
            let d = try #require(r.rejects.first, "\(r.outcomes)")
            #expect(d.code == "input.line-length")
            #expect(d.severity == .error)
            #expect(d.column == column)
            #expect(d.line == 1)
            #expect(d.raw == latin1(line.hasSuffix("\r") ? String(line.dropLast()) : line))
        } else {
            #expect(r.outcomes == [.record])
            #expect(r.records == [latin1("0123456789")])
            #expect(r.warnings.map(\.code) == ["input.long-line"])
        }
    }

    @Test("a line the reader cut is rejected, with at most two records' worth of raw bytes")
    func cutLine() throws {
        let r = normalize(String(repeating: "A", count: 64), cut: true)
        let d = try #require(r.rejects.first)
        #expect(d.code == "input.line-length")
        #expect(d.column == 11)
        #expect(d.raw?.count == 20)
    }

    /// "0123456789" as UTF-16, little- or big-endian, with or without a byte order mark.
    static func utf16(bigEndian: Bool, bom: Bool) -> [UInt8] {
        var bytes: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for b in "0123456789\r".utf8 { bytes += bigEndian ? [0, b] : [b, 0] }
        return bigEndian ? bytes : bytes + [0]  // LE: the LF's NUL starts the next line, so line 1 ends "\r\0"
    }

    @Test("a UTF-16 file is one fatal error on line 1", arguments: [(false, true), (true, true), (false, false), (true, false)])
    func utf16(bigEndian: Bool, bom: Bool) throws {
        let bytes = Self.utf16(bigEndian: bigEndian, bom: bom)
        let r = normalize([bytes])
        let d = try #require(r.fatal, "\(r.outcomes)")
        #expect(d.code == "input.utf16")
        #expect(d.line == 1)
        #expect(d.message.contains("UTF-16"))
        #expect(bytes.withUnsafeBufferPointer { LineNormalizer.utf16Diagnostic($0, file: "F") } != nil)
    }

    @Test(
        "single-byte lines, even with NULs, are not UTF-16",
        arguments: [
            [UInt8](repeating: 0, count: 240),
            [UInt8](repeating: 0x20, count: 240),
            latin1("0123456789"),
            latin1("0\u{0}"),  // too short to tell
            latin1("0\u{0}1\u{0}2\u{0}"),  // still too short
            latin1("\u{FF}"),
        ] as [[UInt8]])
    func notUTF16(bytes: [UInt8]) {
        #expect(bytes.withUnsafeBufferPointer { LineNormalizer.utf16Diagnostic($0, file: "F") } == nil)
    }
}

@Suite("LineNormalizer: CNAB 444")
struct CNAB444Tests {
    /// A 400 record with 44 digits after it (Itaú's CNAB 444: the NF-e key) is named as such,
    /// not only "not blank"; 44 other bytes are not.
    @Test func cnab444IsNamed() {
        let record = String(repeating: "1", count: 400)
        let key = normalize(record + String(repeating: "3", count: 44), recordLength: 400)
        #expect(key.rejects.first?.message.contains("CNAB 444 is not supported yet") == true)
        #expect(key.rejects.first?.column == 401)
        let text = normalize(record + String(repeating: "X", count: 44), recordLength: 400)
        #expect(text.rejects.first.map { !$0.message.contains("CNAB 444") } == true)
    }
}
