import Foundation
import Testing

/// What a review of the day's fixes found: UTF-16 JSONL read by every JSONL stage (and read
/// again the same way), a registration written as code 1, the unknown-details message under
/// `--layout`, Banrisul 400's trailer total, a header error after output went to stdout.
@Suite struct ReviewFollowUpTests {
    /// `text` as UTF-16LE with its byte order mark, as Windows PowerShell's `>` writes it.
    static func utf16(_ text: String) -> Data { Data([0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) }

    @Test func everyJSONLStageReadsUTF16() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.utf16(CnabWriteReviewTests.title + "\r\n").write(to: URL(fileURLWithPath: dir + "/t16.jsonl"))
        let write = troca(["cnab", "write", "--bank", "237", "--format", "400", "t16.jsonl"], cwd: dir)
        #expect(write.status == .ok && write.stderrText.contains("read 1 lines: 1 used, 0 rejected"), "\(write.stderrText)")
        let boleto = troca(["boleto", "make", "--as-of", "2026-11-30", "t16.jsonl"], cwd: dir)
        #expect(boleto.stderrText.contains("read 1 lines"), "\(boleto.stderrText)")
        #expect(!boleto.stderrText.contains("boleto.json"), "\(boleto.stderrText)")
        let samples = repoRoot + "/Fixtures/samples/letters"
        let jobs = troca(["letters", "select", "--ladder", samples + "/regua.json", "--as-of", "2026-11-23", samples + "/titulos.jsonl"])
        try Self.utf16(jobs.stdoutText).write(to: URL(fileURLWithPath: dir + "/jobs16.jsonl"))
        let render = troca(
            [
                "letters", "render", "--template", samples + "/cobranca-30.txt", "--template", samples + "/lembrete-5.txt",
                "--template", samples + "/aviso-final-60.txt", "--format", "text", "jobs16.jsonl",
            ], cwd: dir)
        #expect(render.status == .ok && !render.stderrText.contains("letters.json"), "\(render.stderrText)")
    }

    /// Agreements read again for the ones rejected late (an id given twice) are read as they
    /// were the first time: a UTF-16 file's lines quoted as UTF-8, at the id's column.
    @Test func aUTF16AgreementsFileIsQuotedAsRead() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let agreement =
            #"{"record":"agreement","id":"TWICE","party_document":"52998224725","created_on":"2026-09-01","total_cents":100,"#
            + #""installments":[{"number":1,"due_date":"2026-10-10","amount_cents":100}]}"#
        try Self.utf16(agreement + "\n" + agreement + "\n").write(to: URL(fileURLWithPath: dir + "/a16.jsonl"))
        let r = troca(["reconcile", "--agreements", "a16.jsonl", "--as-of", "2026-11-23", "--rejects", "rej.jsonl", "-"], cwd: dir)
        #expect(r.stderrText.contains("a16.jsonl:1:28: error: [agreement.duplicate]"), "\(r.stderrText)")
        let rejects = try String(contentsOfFile: dir + "/rej.jsonl", encoding: .utf8)
        #expect(rejects.contains("TWICE") && !rejects.contains("\\u0000"), "\(rejects)")
    }

    /// A registration is code 01 however the input writes it: 1 or "1" too.
    @Test(arguments: [#""code": 1"#, #""code": "1""#, #""code": "01""#])
    func aRegistrationWrittenAsOneNeedsItsPayer(code: String) throws {
        let title = CnabWriteReviewTests.title(#""code": "01""#, code).replacingOccurrences(of: #""name": "José da Conceição", "#, with: "")
        let r = troca(["cnab", "write", "--bank", "237", "--format", "400"], stdin: Array((title + "\n").utf8))
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("nome_pagador (payer.name) is required"), "\(r.stderrText)")
    }

    /// Under `--layout`, the layout is the user's, not the header's: said so, with no hint to use it.
    @Test func unknownDetailsUnderALayoutGiven() {
        let r = troca(["cnab", "parse", repoRoot + "/Fixtures/samples/REMESSA-240.rem", "--layout", "cnab240/341/retorno"])
        #expect(r.stderrText.contains("is a record of cnab240/341/retorno, the layout given: they read as records of"), "\(r.stderrText)")
        #expect(!r.stderrText.contains("if the header is wrong"), "\(r.stderrText)")
    }

    /// Banrisul 400's trailer totals the títulos (28–40), computed as Santander's is.
    @Test func banrisulTrailerTotalIsComputed() throws {
        let r = troca(
            ["cnab", "write", "--bank", "041", "--format", "400", "--date", "2026-11-30"], stdin: Array((CnabWriteReviewTests.title + "\n").utf8))
        let lines = r.stdoutText.split(separator: "\r\n")
        let trailer = try #require(lines.last { $0.hasPrefix("9") })
        #expect(trailer.dropFirst(27).prefix(13) == "0000000015000", "\(r.stderrText) \(trailer)")
    }

    /// A batch record whose header cannot be written, after output went to standard output: said
    /// to be an incomplete file to discard.
    @Test func aHeaderErrorAfterOutputToStdoutSaysToDiscardIt() {
        let batch = #"{"record": "batch", "part": "header", "batch": 1, "agency": "123456789"}"#
        let r = troca(["cnab", "write", "--bank", "237", "--format", "240"], stdin: Array((batch + "\n" + CnabWriteReviewTests.title + "\n").utf8))
        #expect(r.status == .dataError)
        #expect(
            r.stderrText.contains("no remessa written: a header cannot be written (what went to standard output before it is an incomplete file: discard it)"),
            "\(r.stderrText)")
    }
}
