import Foundation
import Testing

/// `cnab check` findings of a review: what a file damaged in ways the structure checks passed
/// over now gets told.
@Suite struct CnabCheckReviewTests {
    /// The lines of a fixture, without their line ends.
    static func lines(_ fixture: String) throws -> [[UInt8]] {
        let text = try #require(FileManager.default.contents(atPath: repoRoot + "/Fixtures/" + fixture))
        return [UInt8](text).split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0.last == 0x0D ? $0.dropLast() : $0[...]) }
    }

    static func write(_ lines: [[UInt8]], _ path: String) {
        FileManager.default.createFile(atPath: path, contents: Data(lines.map { $0 + [0x0D, 0x0A] }.joined()))
    }

    /// A CNAB 400 line cut before its sequence number (395–400) was padded with blanks and
    /// passed clean (the blank sequence was skipped): an error at 395, exit 65; cut inside the
    /// number it was already one (not digits).
    @Test(arguments: [300, 394])
    func aCNAB400LineCutBeforeItsSequenceIsAnError(keep: Int) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try Self.lines("cnab-simulate/0001-bradesco-400/REM.rem").filter { !$0.isEmpty && $0 != [0x1A] }
        lines[1] = Array(lines[1].prefix(keep))
        Self.write(lines, dir + "/short.rem")
        let r = troca(["cnab", "check", dir + "/short.rem"])
        #expect(r.status == .dataError, "\(r.stderrText)")
        #expect(r.stderrText.contains("short.rem:2:395: error: [cnab.sequence] no sequence number (blank), expected 2"), "\(r.stderrText)")
        // The whole file still checks clean.
        #expect(troca(["cnab", "check", repoRoot + "/Fixtures/cnab-simulate/0001-bradesco-400/REM.rem"]).status == .ok)
    }

    /// A título's segments with two movement codes (16–17): a warning at the first that differs,
    /// once a file; the first segment's code is the event's.
    @Test func segmentsOfOneTituloWithTwoMovementCodesAreTold() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try Self.lines("cnab-parse/0001-retorno-crlf/RET.ret")
        lines[3].replaceSubrange(15..<17, with: Array("09".utf8))
        Self.write(lines, dir + "/mov.ret")
        let r = troca(["cnab", "parse", dir + "/mov.ret"])
        #expect(r.status == .ok)
        #expect(
            r.stderrText.contains(#"mov.ret:4:16: warning: [cnab.segment-movement] segmento_u has movement code "09" at 16, its título's segmento_t "06""#),
            "\(r.stderrText)")
        #expect(r.stdoutText.split(separator: "\n").first { $0.contains(#""record":"event""#) }?.contains(#""code":"06""#) == true)
        let clean = troca(["cnab", "check", repoRoot + "/Fixtures/cnab-parse/0001-retorno-crlf/RET.ret"])
        #expect(!clean.stderrText.contains("segment-movement"))
    }

    /// A CNAB 400 complement (type 2) with no type 1 before it is an orphan of no batch (CNAB 400
    /// files have none): the message said "in batch 0".
    @Test func aCNAB400OrphanIsToldWithoutABatch() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try Self.lines("cnab-simulate/0001-bradesco-400/REM.rem").filter { !$0.isEmpty && $0 != [0x1A] }
        lines.remove(at: 1)  // the type 1 before the type 2
        let r = troca(["cnab", "check", "--format", "400", "-"], stdin: Array(lines.map { $0 + [0x0D, 0x0A] }.joined()))
        #expect(r.stderrText.contains("[cnab.orphan-segment]") && r.stderrText.contains("has no título to belong to: no título record before it"), "\(r.stderrText)")
        #expect(!r.stderrText.contains("batch 0"), "\(r.stderrText)")
    }

    /// --layout naming a layout of the other family than the file's: one cnab.format error, as
    /// --format gives, not a record-type and record-order error for every line.
    @Test(arguments: [
        ("cnab-simulate/0001-bradesco-400/REM.rem", "cnab240/237/remessa", "a layout of 240-byte records, but line 1 is a CNAB 400 file header (400 bytes)"),
        ("cnab-parse/0002-remessa/REM.rem", "cnab400/237/remessa", "a layout of 400-byte records, but line 1 is a CNAB 240 file header (240 bytes)"),
    ])
    func aLayoutOfTheOtherFormatIsOneError(fixture: String, layout: String, said: String) {
        let r = troca(["cnab", "parse", repoRoot + "/Fixtures/" + fixture, "--layout", layout])
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("error: [cnab.format] --layout \(layout) is " + said), "\(r.stderrText)")
        #expect(r.stderrText.components(separatedBy: ": error: ").count == 2, "one error: \(r.stderrText)")
        #expect(r.stdout.isEmpty)
    }

    /// Two records joined by a CR alone (the LF of one line end lost) in a CRLF file: the
    /// over-long line's error says what the byte is.
    @Test func aLoneCRBetweenTwoRecordsIsNamed() throws {
        var lines = try Self.lines("cnab-parse/0002-remessa/REM.rem")
        lines[3] += [0x0D] + lines[4]
        lines.remove(at: 4)
        let r = troca(["cnab", "check", "-"], stdin: Array(lines.map { $0 + [0x0D, 0x0A] }.joined()))
        #expect(r.status == .dataError)
        #expect(
            r.stderrText.contains(
                "-:4:241: error: [input.line-length] line is 481 bytes, expected 240; byte 241 is not blank (a CR with no LF after it: two records run together where a line end lost its LF)"),
            "\(r.stderrText)")
    }

    /// A remessa whose batch trailer counts and totals contradict its títulos is broken (DESIGN:
    /// trailer totals that contradict the file are fatal): errors, exit 65, no output file. They
    /// were warnings, and the file was kept. Zeros (figures left out) are no contradiction.
    @Test func aRemessaTrailerContradictingItsTitulosIsFatal() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try Self.lines("cnab-parse/0002-remessa/REM.rem")
        lines[8].replaceSubrange(23..<29, with: Array("000005".utf8))
        lines[8].replaceSubrange(29..<46, with: Array("00000000000000100".utf8))
        Self.write(lines, dir + "/bad.rem")
        let r = troca(["cnab", "parse", dir + "/bad.rem", "--output", dir + "/out.jsonl"])
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("bad.rem:9:24: error: [cnab.batch-titles] batch 1 trailer counts 5 títulos, the batch has 3"), "\(r.stderrText)")
        #expect(r.stderrText.contains("bad.rem:9:30: error: [cnab.batch-total] batch 1 trailer totals 1.00, the títulos' face values add up to 30765.88"), "\(r.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.jsonl"))
        lines[8].replaceSubrange(23..<46, with: Array(repeating: UInt8(ascii: "0"), count: 23))
        Self.write(lines, dir + "/zeros.rem")
        let zeros = troca(["cnab", "check", dir + "/zeros.rem"])
        #expect(zeros.status == .ok, "\(zeros.stderrText)")
    }

    /// A CNAB 240 file header numbered as a batch (4–7 not 0000): a warning at 4.
    @Test func aFileHeaderWithABatchNumberIsTold() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try Self.lines("cnab-parse/0002-remessa/REM.rem")
        lines[0].replaceSubrange(3..<7, with: Array("0030".utf8))
        Self.write(lines, dir + "/hdr.rem")
        let r = troca(["cnab", "check", dir + "/hdr.rem"])
        #expect(r.status == .ok)
        #expect(r.stderrText.contains("hdr.rem:1:4: warning: [cnab.batch-number] the file header's batch number is 30, expected 0000"), "\(r.stderrText)")
    }
}
