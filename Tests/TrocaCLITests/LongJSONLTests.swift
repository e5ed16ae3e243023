import Foundation
import Testing

/// A record one stage writes, the next reads, however long its JSON line: a letter job of a party
/// with hundreds of títulos was over the 64 KiB fixed-width limit, so `letters render` refused
/// what `letters select` made, and the letter was never sent.
@Suite struct LongJSONLTests {
    /// 600 títulos of one payer, all overdue: one letter job of about 150 KB.
    static func titles() throws -> String {
        let first = try String(contentsOfFile: repoRoot + "/Fixtures/samples/letters/titulos.jsonl", encoding: .utf8).split(separator: "\n")[0]
        return (0..<600).map { k in
            first.replacingOccurrences(of: #""document_number":"NF-1001""#, with: #""document_number":"NF-\#(10_000 + k)""#)
                .replacingOccurrences(of: #""nosso_numero":"00000005000""#, with: #""nosso_numero":"\#(String(format: "%011d", 70_000 + k))""#)
        }.joined(separator: "\n") + "\n"
    }

    @Test func aPartyWithHundredsOfTitlesGetsItsLetter() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.titles().write(toFile: dir + "/titulos.jsonl", atomically: true, encoding: .utf8)
        let samples = repoRoot + "/Fixtures/samples/letters"
        let select = troca(
            ["letters", "select", "--ladder", samples + "/regua.json", "--as-of", "2026-11-23", "titulos.jsonl", "--output", "jobs.jsonl"], cwd: dir)
        #expect(select.status == .ok, "\(select.stderrText)")
        let jobs = try String(contentsOfFile: dir + "/jobs.jsonl", encoding: .utf8)
        let job = try #require(jobs.split(separator: "\n").first)
        try #require(jobs.split(separator: "\n").count == 1 && job.utf8.count > 64 << 10, "a job line over 64 KiB: \(job.utf8.count) bytes")
        let templates = ["cobranca-30.txt", "lembrete-5.txt", "aviso-final-60.txt"].flatMap { ["--template", samples + "/" + $0] }
        for format in ["text", "lst"] {
            let render = troca(["letters", "render"] + templates + ["--format", format, "--as-of", "2026-11-23", "jobs.jsonl"], cwd: dir)
            #expect(render.status == .ok, "\(format): \(render.stderrText)")
            #expect(render.stderrText.contains("read 1 records: 1 letter rendered, 0 rejected"), "\(format): \(render.stderrText)")
            #expect(render.stdoutText.contains("NF-10599"), "\(format): the last título is in the letter")
        }
        // And the other JSONL stages read it too.
        let export = troca(["export", "csv", "--columns", "record,payer.name", "jobs.jsonl"], cwd: dir)
        #expect(export.status == .ok && export.stdoutText.split(separator: "\n").count == 2, "\(export.stderrText)")
    }


    /// Past the JSONL limit (16 MiB) a line is still refused, with the limit named.
    @Test func aLinePastTheJSONLLimitIsRefusedNamingIt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let long = #"{"record":"title","note":""# + String(repeating: "x", count: 16 << 20) + "\"}\n" + #"{"record":"title","document_number":"A"}"# + "\n"
        try long.write(toFile: dir + "/t.jsonl", atomically: true, encoding: .utf8)
        let r = troca(["export", "csv", "--columns", "document_number", "t.jsonl"], cwd: dir)
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("t.jsonl:1: error: [export.json] a line longer than 16777216 bytes"), "\(r.stderrText)")
        #expect(r.stdoutText.split(separator: "\n").map(String.init) == ["document_number", "A"])
    }
}

extension BinaryTests {
    /// `cnab write` reads a título whose line is over 64 KiB (a long note the remessa has no field
    /// for), on one thread (lines read in turn) and on two and three (lines parsed ahead): the
    /// real binary, as `TROCA_THREADS` is the process's.
    @Test func cnabWriteReadsALongTitleLine() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let long = CnabWriteReviewTests.title(#""record": "title", "#, #""record": "title", "note": "\#(String(repeating: "n", count: 100_000))", "#)
        try (long + "\n" + CnabWriteReviewTests.title + "\n").write(toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
        let outputs = try outputsWithThreads("'\(binary)' cnab write --bank 237 --format 400 --date 2026-11-30 in.jsonl 2>&1 >/dev/null", cwd: dir)
        for (k, said) in outputs.enumerated() {
            #expect(said.contains("read 2 lines: 2 used, 0 rejected"), "TROCA_THREADS=\(k + 1): \(said)")
        }
    }
}
