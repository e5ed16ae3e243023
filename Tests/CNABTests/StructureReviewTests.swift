import CNAB
import FixedWidth
import Foundation
import Records
import Testing

/// The structure defects a review of `cnab parse`/`check` found, each on our Itaú CNAB 240
/// retorno sample (12 lines: 0, 1, T, U, T, U, T, U, T, U, 5, 9) or Bradesco's CNAB 400 one,
/// changed as the reviewer changed them.
@Suite struct StructureReviewTests {
    /// A sample's lines without their line ends (and without an end-of-file byte line).
    static func lines(_ path: String) -> [[UInt8]] {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let bytes = [UInt8](FileManager.default.contents(atPath: url.path + "/Fixtures/samples/" + path)!)
        return bytes.split(separator: 0x0A).map { line in
            var l = Array(line)
            while l.last == 0x0D { l.removeLast() }
            return l
        }.filter { !$0.isEmpty && $0 != [0x1A] }
    }

    static let retorno240 = lines("cnab240/341/retorno.ret")
    static let retorno400 = lines("cnab400/237/retorno.ret")
    static let remessa400 = lines("cnab400/237/remessa.rem")

    /// Writes `text` at 1-based column `pos`.
    static func put(_ line: inout [UInt8], _ pos: Int, _ text: String) {
        line.replaceSubrange((pos - 1)..<(pos - 1 + text.utf8.count), with: Array(text.utf8))
    }

    static func digits(_ n: Int, _ width: Int) -> String { String(format: "%0\(width)d", n) }

    struct Read {
        var summary: CNABReadSummary
        var found: [Diagnostic]
        var output: String
        var errors: [Diagnostic] { found.filter { $0.severity == .error } }
        var records: [Substring] { output.split(separator: "\n") }
        func codes(_ code: String) -> [Diagnostic] { found.filter { $0.code.rawValue == code } }
        /// `code@line:column` of every error, for messages.
        var said: String { errors.map { "\($0.code.rawValue)@\($0.line):\($0.column)" }.joined(separator: " ") }
    }

    static func read(_ lines: [[UInt8]], threads: Int = 1, maxRejects: Int? = nil, separator: [UInt8] = [0x0D, 0x0A]) throws -> Read {
        var bytes: [UInt8] = []
        for line in lines { bytes += line + separator }
        return try read(bytes: bytes, threads: threads, maxRejects: maxRejects)
    }

    static func read(bytes: [UInt8], threads: Int = 1, maxRejects: Int? = nil) throws -> Read {
        var out: [UInt8] = []
        var found: [Diagnostic] = []
        let writer = RecordWriter { out.append(contentsOf: $0) }
        let options = CNABReadOptions(maxRejects: maxRejects, threads: threads)
        let summary = try CNABReader(library: LayoutLibrary(), file: "RET.ret", options: options).read(
            MemorySource(bytes), output: writer, diagnostics: DiagnosticSink { found.append($0) })
        try writer.finish()
        #expect(summary.lines == summary.written + summary.rejected + summary.skipped, "\(summary)")
        return Read(summary: summary, found: found, output: String(decoding: out, as: UTF8.self))
    }

    /// The retorno sample with a second U in its first título (T, U, U): the copy carries valor
    /// pago (U 78–92) 777,77; the sequence numbers after it and the trailers' counts follow.
    static func secondU() -> [[UInt8]] {
        var c = retorno240
        var u = c[3]
        put(&u, 78, digits(77777, 15))
        c.insert(u, at: 4)
        for k in 4..<(c.count - 2) { put(&c[k], 9, digits(k - 1, 5)) }
        put(&c[c.count - 2], 18, digits(c.count - 2, 6))
        put(&c[c.count - 1], 24, digits(c.count, 6))
        return c
    }

    // MARK: - 1. A repeated segment

    /// A second U in one título would lose its fields (the event takes the first U's): the
    /// título is rejected, every line, the repeated one with `cnab.repeated-segment` at the
    /// segment byte (14); the other títulos are written, and nothing is fatal.
    @Test(arguments: [1, 2]) func aRepeatedSegmentRejectsItsTitulo(threads: Int) throws {
        let lines = Self.secondU()
        let r = try Self.read(lines, threads: threads)
        let repeated = r.codes("cnab.repeated-segment")
        #expect(repeated.count == 1 && repeated.first?.line == 5 && repeated.first?.column == 14, "\(r.said)")
        #expect(repeated.first?.severity == .error && repeated.first?.raw == lines[4])
        #expect(repeated.first?.message.contains("first at line 4") == true, "\(repeated.first?.message ?? "")")
        #expect(r.codes("cnab.group-rejected").map(\.line) == [3, 4], "\(r.said)")
        #expect(r.summary.rejected == 3 && r.summary.titles == 3 && !r.summary.fatal, "\(r.summary)")
        #expect(!r.output.contains("77777"), "the second U's payment is in no event")
        #expect(r.errors.count == 3, "\(r.said)")
    }

    /// A CNAB 400 complement repeated (two type 2 records after one detail in Bradesco's
    /// remessa) is rejected the same way, at the record type (1).
    @Test func aRepeatedCNAB400ComplementRejectsItsTitulo() throws {
        var c = Self.remessa400
        #expect(c[2].first == UInt8(ascii: "2"))
        c.insert(c[2], at: 3)
        for k in 0..<c.count { Self.put(&c[k], 395, Self.digits(k + 1, 6)) }
        let r = try Self.read(c)
        let repeated = r.codes("cnab.repeated-segment")
        #expect(repeated.count == 1 && repeated.first?.line == 4 && repeated.first?.column == 1, "\(r.said)")
        #expect(r.codes("cnab.group-rejected").map(\.line) == [2, 3], "\(r.said)")
        #expect(r.summary.rejected == 3, "\(r.summary)")
    }

    /// The sample as it is repeats no segment.
    @Test func theSampleRepeatsNoSegment() throws {
        for lines in [Self.retorno240, Self.retorno400, Self.remessa400] {
            let r = try Self.read(lines)
            #expect(r.errors.isEmpty && r.summary.rejected == 0, "\(r.said)")
        }
    }

    // MARK: - 2. A line of no record type inside a batch

    /// Line 3 (a T) with record type 7, or all NUL bytes: rejected, and counted in its batch,
    /// so the batch trailer's count (10) and line 4's sequence (2) are right.
    @Test(arguments: ["type7", "nul"]) func aLineOfNoRecordTypeCountsInItsBatch(_ kind: String) throws {
        var c = Self.retorno240
        if kind == "type7" { Self.put(&c[2], 8, "7") } else { c[2] = [UInt8](repeating: 0, count: 240) }
        let r = try Self.read(c)
        #expect(r.codes("cnab.record-type").map(\.line) == [3], "\(r.said)")
        #expect(r.codes("cnab.batch-count").isEmpty && r.codes("cnab.sequence").isEmpty && r.codes("cnab.file-count").isEmpty, "\(r.said)")
        #expect(!r.summary.fatal)
    }

    /// A broken T (line 5 cut to a few bytes) between two títulos: its U (line 6) joins no
    /// título (an orphan, rejected), and the título before it (lines 3–4) is written whole —
    /// not rejected for a second U.
    @Test func aLineOfNoRecordTypeEndsTheTituloBeforeIt() throws {
        var c = Self.retorno240
        c[4] = Array("JOS\u{C9}".utf8)
        let r = try Self.read(c)
        #expect(r.codes("cnab.orphan-segment").map(\.line) == [6], "\(r.said)")
        #expect(r.codes("cnab.repeated-segment").isEmpty && r.codes("cnab.group-rejected").isEmpty, "\(r.said)")
        #expect(r.records.contains { $0.contains(#""record":"event""#) && $0.contains(#""line":3}"#) })
        #expect(r.summary.titles == 3 && r.summary.rejected == 2 && !r.summary.fatal, "\(r.summary) \(r.said)")
    }

    /// A line of no record type between a título's T and its U (an extra line, as a damaged
    /// transfer leaves one): the U still joins its T, and the paid event keeps its amounts
    /// (the título used to end at the stray line: the event was written without valor pago,
    /// and the U rejected as an orphan).
    @Test func aStrayLineBetweenTAndUKeepsTheTituloWhole() throws {
        var c = Self.retorno240
        let paid = try #require(c.firstIndex { $0[13] == UInt8(ascii: "U") && !$0[77..<92].allSatisfy { $0 == 48 } })
        var stray = c[paid - 1]
        Self.put(&stray, 8, "X")
        c.insert(stray, at: paid)
        // Sequences and trailer counts as the bank would have counted the extra line.
        for k in 2..<(c.count - 2) { Self.put(&c[k], 9, Self.digits(k - 1, 5)) }
        Self.put(&c[c.count - 2], 18, Self.digits(c.count - 2, 6))
        Self.put(&c[c.count - 1], 24, Self.digits(c.count, 6))
        let r = try Self.read(c)
        #expect(r.codes("cnab.record-type").map(\.line) == [paid + 1], "\(r.said)")
        #expect(r.codes("cnab.orphan-segment").isEmpty && r.codes("cnab.missing-segment").isEmpty, "\(r.said)")
        let event = try #require(r.records.first { $0.contains(#""record":"event""#) && $0.contains(#""line":\#(paid)}"#) })
        #expect(event.contains(#""paid_cents":"#), "\(event)")
        #expect(r.summary.titles == 4, "\(r.summary) \(r.said)")
    }

    /// A título whose mandatory U is missing (a paid T alone: no valor pago, no dates) is
    /// rejected, its T with `cnab.missing-segment` at the segment byte: it was written as a
    /// paid event without amounts, with a warning only.
    @Test func aTituloWithoutItsUIsRejected() throws {
        var c = Self.retorno240
        let paid = try #require(c.firstIndex { $0[13] == UInt8(ascii: "U") && !$0[77..<92].allSatisfy { $0 == 48 } })
        c.remove(at: paid)
        for k in 2..<(c.count - 2) { Self.put(&c[k], 9, Self.digits(k - 1, 5)) }
        Self.put(&c[c.count - 2], 18, Self.digits(c.count - 2, 6))
        Self.put(&c[c.count - 1], 24, Self.digits(c.count, 6))
        let r = try Self.read(c)
        let missing = r.codes("cnab.missing-segment")
        #expect(missing.map { "\($0.severity.rawValue)@\($0.line):\($0.column)" } == ["error@\(paid):14"], "\(r.said)")
        #expect(missing.first?.raw == c[paid - 1])
        #expect(!r.records.contains { $0.contains(#""line":\#(paid)}"#) }, "no event for the incomplete título")
        #expect(r.summary.titles == 3 && r.summary.rejected == 1 && !r.summary.fatal, "\(r.summary) \(r.said)")
    }

    /// The same with the CNAB 400 retorno: Bradesco's 400 trailer is checked by the file
    /// trailer's count; a type 7 record there is the bank's own (kept), a NUL line rejected.
    @Test func aNULLineInACNAB400FileKeepsTheSequence() throws {
        var c = Self.retorno400
        c[2] = [UInt8](repeating: 0, count: 400)
        let r = try Self.read(c)
        #expect(r.codes("cnab.record-type").map(\.line) == [3], "\(r.said)")
        #expect(r.codes("cnab.sequence").isEmpty && !r.summary.fatal, "\(r.said)")
    }

    // MARK: - 3. One wrong sequence number, one error

    /// Line 5's sequence 00002 (a duplicate) or 00004 (a typo) where 00003 belongs: one error,
    /// at line 5; line 6, right, is not blamed.
    @Test(arguments: ["00002", "00004"]) func oneWrongSequenceIsOneError(_ wrong: String) throws {
        var c = Self.retorno240
        Self.put(&c[4], 9, wrong)
        let r = try Self.read(c)
        #expect(r.codes("cnab.sequence").map(\.line) == [5], "\(r.said)")
        #expect(r.errors.count == 1, "\(r.said)")
    }

    /// A line missing (line 6, sequence 4, taken out): the next line (5) is the one error; the
    /// lines after it follow its numbering without error. (The trailers' counts are left as
    /// they were: their errors are true, the batch lacks a line.)
    @Test func aMissingLineIsOneSequenceError() throws {
        var c = Self.retorno240
        c.remove(at: 5)
        let r = try Self.read(c)
        #expect(r.codes("cnab.sequence").map(\.line) == [6], "\(r.said)")
        #expect(r.codes("cnab.sequence").first?.message.contains("sequence 5 in batch 1, expected 4") == true)
    }

    /// Two wrong numbers in a row are two errors: resynchronising forgives a line only when it
    /// continues the line before.
    @Test func twoWrongSequencesInARowAreTwoErrors() throws {
        var c = Self.retorno240
        Self.put(&c[4], 9, "00009")
        Self.put(&c[5], 9, "00007")
        let r = try Self.read(c)
        #expect(r.codes("cnab.sequence").map(\.line) == [5, 6], "\(r.said)")
    }

    /// CNAB 400 numbers records by their position: one wrong number is one error, and a line
    /// missing is one error, not one for every line after it.
    @Test func cnab400SequenceResynchronises() throws {
        var wrong = Self.retorno400
        Self.put(&wrong[2], 395, "000004")
        let w = try Self.read(wrong)
        #expect(w.codes("cnab.sequence").map(\.line) == [3], "\(w.said)")

        var missing = Self.retorno400
        missing.remove(at: 2)
        let m = try Self.read(missing)
        #expect(m.codes("cnab.sequence").map(\.line) == [3], "\(m.said)")
    }

    // MARK: - 4. No bank in the file header

    /// A CNAB 240 file header whose bank (1–3) is blank or NUL bytes is an error, as "ABC" is:
    /// the header is rejected with `cnab.bank-missing` at column 1.
    @Test(arguments: ["   ", "\0\0\0"]) func aFileHeaderWithoutABankIsAnError(_ bank: String) throws {
        var c = Self.retorno240
        Self.put(&c[0], 1, bank)
        let r = try Self.read(c)
        let missing = r.codes("cnab.bank-missing")
        #expect(missing.count == 1 && missing.first?.line == 1 && missing.first?.column == 1, "\(r.said)")
        #expect(missing.first?.severity == .error && missing.first?.raw == c[0])
        #expect(r.summary.rejected == 1, "\(r.summary)")
    }

    // MARK: - 6. No detail of the layout

    /// A retorno whose file header says remessa (143 = 1): none of its T and U is a remessa
    /// record, so the file's structure contradicts its header: fatal.
    @Test func aRetornoWhoseHeaderSaysRemessaIsFatal() throws {
        var c = Self.retorno240
        Self.put(&c[0], 143, "1")
        let r = try Self.read(c)
        let said = r.codes("cnab.unknown-details")
        #expect(said.count == 1 && said.first?.severity == .error, "\(r.said)")
        #expect(r.summary.fatal && r.summary.titles == 0)
    }

    // MARK: - 7. Messages and columns

    /// A first line far longer than any record, without a line end: its real length is not
    /// known (it is cut at the reader's limit), and the message says so, at its own line.
    @Test func aHugeFirstLineIsSaidToBeLongerThanTheLimit() throws {
        let r = try Self.read(bytes: [0x0A] + [UInt8](repeating: UInt8(ascii: "A"), count: 200_000))
        let format = r.codes("cnab.format")
        #expect(format.count == 1 && format.first?.line == 2 && format.first?.column == 1, "\(r.said)")
        #expect(format.first?.message.contains("line 2 is more than 65536 bytes long") == true, "\(format.first?.message ?? "")")
    }

    /// Lines ended by CR alone: said at once, not read as one line with no file header.
    @Test func aFileOfCROnlyLineEndsIsSaidSo() throws {
        for lines in [Self.retorno240, Self.retorno400] {
            let r = try Self.read(lines, separator: [0x0D])
            let said = r.codes("input.line-ends")
            #expect(said.count == 1 && said.first?.line == 1 && said.first?.column == lines[0].count + 1, "\(r.said)")
            #expect(r.codes("cnab.no-file-header").isEmpty && r.summary.fatal)
            #expect(r.errors.count == 1, "\(r.said)")
        }
        // One CR inside a record is not that.
        var c = Self.retorno240
        c[0][199] = 0x0D
        #expect(try Self.read(c).codes("input.line-ends").isEmpty)
    }

    /// Errors about a whole line point at its first byte (column 1), not 0.
    @Test func aWholeLineErrorIsAtColumnOne() throws {
        var c = Self.retorno240
        Self.put(&c[2], 74, "31022026")
        let r = try Self.read(c)
        #expect(r.codes("cnab.group-rejected").map(\.column) == [1], "\(r.said)")
        let utf16 = try Self.read(bytes: Array("00000000000000000000000000000000".utf8).flatMap { [$0, 0] } + [0x0A, 0])
        #expect(utf16.codes("input.utf16").map(\.column) == [1], "\(utf16.said)")
        let format = try Self.read(bytes: Array("HELLO\n".utf8))
        #expect(format.codes("cnab.format").map(\.column) == [1], "\(format.said)")
        #expect(r.errors.allSatisfy { $0.line == 0 || $0.column >= 1 })
    }

    /// A number with one bad byte is pointed at that byte: valor_nominal (T 82–96) with an "A"
    /// at 92 is reported at 92.
    @Test func aBadByteInANumberIsPointedAt() throws {
        var c = Self.retorno240
        Self.put(&c[2], 92, "A")
        let r = try Self.read(c)
        let numeric = r.codes("cnab.numeric")
        #expect(numeric.map(\.column) == [92], "\(r.said)")
        #expect(numeric.first?.message.contains("valor_nominal") == true)
        // Blanks among the digits are no one byte: the field's start.
        var blanks = Self.retorno240
        Self.put(&blanks[2], 82, "         1999")
        #expect(try Self.read(blanks).codes("cnab.numeric").map(\.column) == [82])
    }

    // MARK: - 8. The --max-rejects stop is told after the line that made it

    /// With --max-rejects 0, the first rejected título (lines 3–4) is told, both lines, and then the stop.
    @Test func theMaxRejectsStopIsToldAfterTheTitulosLines() throws {
        var c = Self.retorno240
        Self.put(&c[2], 92, "A")
        let r = try Self.read(c, maxRejects: 0)
        let order = r.errors.map { "\($0.code.rawValue)@\($0.line)" }
        #expect(Array(order.prefix(3)) == ["cnab.numeric@3", "cnab.group-rejected@4", "cnab.max-rejects@0"], "\(order)")
    }
}
