import Foundation
import Testing
import TrocaCLI

/// Numbers past what the file can carry (a trap-hunting review found each trapping): the face
/// values of many títulos past a trailer's total field or Int's range, a sequence file at
/// Int.max, a `--paid` share of 17 digits.
@Suite struct CnabWriteLimitTests {
    /// Títulos of the largest face value their field holds, for `bank` and `format`.
    static func titles(_ count: Int, amount: String) -> String {
        (0..<count).map { k in
            CnabWriteReviewTests.title(#""amount_cents": 15000"#, #""amount_cents": \#(amount)"#)
                .replacingOccurrences(of: #""nosso_numero": "1001""#, with: #""nosso_numero": "\#(2_000 + k)""#)
        }.joined(separator: "\n") + "\n"
    }

    /// 9,300 Bradesco 240 títulos of the largest face value a segment P holds (15 digits) add up
    /// past Int's range (this trapped); a remessa's trailers carry no total, so all are written.
    @Test func facesPastIntsRangeNoTrailerCarriesAreWritten() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.titles(9_300, amount: "999999999999999").write(toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
        let r = troca(["cnab", "write", "--bank", "237", "--format", "240", "--date", "2026-11-30", "in.jsonl", "--output", "out.rem"], cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains("read 9300 lines: 9300 used, 0 rejected"), "\(r.stderrText)")
    }

    /// Santander 400's file trailer totals the títulos in 13 digits, as much as one título's
    /// face value holds: a second título of the most would take it past its field (written
    /// blank before), so it is refused, said, and the first is written with its total.
    @Test func facesPastTheTrailersTotalAreRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // (Santander's detail names the beneficiário: the file record gives it.)
        let header = #"{"record": "file", "part": "header", "company": {"document_type": "cnpj", "document": "15213972000131"}}"# + "\n"
        try (header + Self.titles(3, amount: "9999999999999")).write(toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
        let r = troca(["cnab", "write", "--bank", "033", "--format", "400", "--date", "2026-11-30", "in.jsonl", "--output", "out.rem"], cwd: dir)
        #expect(r.status == .dataError, "\(r.stderrText)")
        #expect(
            r.stderrText.components(separatedBy: "[write.file-full] the títulos' face values would add up to more than the file trailer's total holds (99999999999.99)")
                .count == 3, "\(r.stderrText)")
        #expect(r.stderrText.contains("read 4 lines: 2 used, 2 rejected"), "\(r.stderrText)")
        let text = try String(contentsOfFile: dir + "/out.rem", encoding: .isoLatin1)
        let trailer = Array(CnabWriteReviewTests.lines(text)[2].utf8)
        #expect(String(decoding: trailer[7..<20], as: UTF8.self) == "9999999999999", "\(text)")
    }

    @Test func aSequenceFileAtIntMaxIsRefusedAndKept() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (CnabWriteReviewTests.title + "\n").write(toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
        try "9223372036854775807\n".write(toFile: dir + "/nsa", atomically: true, encoding: .utf8)
        let r = troca(["cnab", "write", "--bank", "237", "--format", "400", "--sequence-file", "nsa", "in.jsonl", "--output", "out.rem"], cwd: dir)
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("nsa: error: [write.header] the sequence file holds 9223372036854775807, after which no number can be written"), "\(r.stderrText)")
        #expect(try String(contentsOfFile: dir + "/nsa", encoding: .utf8) == "9223372036854775807\n")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.rem"))
    }

    @Test(arguments: ["99999999999999999", "2", "1.0000001"])
    func aPaidShareOutside0To1IsAUsageError(paid: String) {
        let r = troca(["cnab", "simulate", "--paid", paid, "--date", "2026-03-01", repoRoot + "/Fixtures/samples/REMESSA-240.rem"])
        #expect(r.status == .usage, "\(r.stderrText)")
        #expect(r.stderrText.contains("--paid must be a number from 0 to 1"), "\(r.stderrText)")
    }
}

/// `--output DIR` names the file by the date its header carries: the input's file record's
/// `generated_on` when it gives one (the remessa's own date), `--date` otherwise.
@Suite struct CnabWriteFileNameDateTests {
    @Test(arguments: [
        (#"{"record": "file", "part": "header", "generated_on": "2026-03-02"}"# + "\n", "CB020301.REM"),
        ("", "CB301101.REM"),
    ])
    func theNameTakesTheHeadersDate(fileRecord: String, name: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try (fileRecord + CnabWriteReviewTests.title + "\n").write(toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
        let r = troca(["cnab", "write", "--bank", "237", "--format", "400", "--date", "2026-11-30", "--sequence", "1", "--output", "out", "in.jsonl"], cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out") == [name])
    }
}
