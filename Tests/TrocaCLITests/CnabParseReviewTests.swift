import Foundation
import Testing

import TrocaCLI

/// `cnab parse` and `check` findings of a review: what reaches `--rejects`, and what the
/// summary says when a broken file's `--output` is not kept.
@Suite struct CnabParseReviewTests {
    /// Our Itaú CNAB 240 retorno with its batch trailer's record count (18–23) changed to 11:
    /// `cnab.batch-count`, fatal.
    static func badBatchCount(in dir: String) throws -> String {
        let text = try #require(FileManager.default.contents(atPath: repoRoot + "/Fixtures/samples/cnab240/341/retorno.ret"))
        var lines = [UInt8](text).split(separator: 0x0A).map(Array.init)
        lines[10].replaceSubrange(17..<23, with: Array("000011".utf8))
        let path = dir + "/RET.ret"
        FileManager.default.createFile(atPath: path, contents: Data(lines.map { $0 + [0x0A] }.joined()))
        return path
    }

    static func rejects(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// A structural error (no line of it rejected) reaches the rejects file too, without raw
    /// bytes: the rejects file of a run that failed says why. (It replaced an older one, empty.)
    @Test func aStructuralErrorReachesTheRejectsFile() throws {
        let dir = try temporaryDirectory()
        let input = try Self.badBatchCount(in: dir)
        FileManager.default.createFile(atPath: dir + "/rejects.jsonl", contents: Data("old\n".utf8))
        let r = troca(["cnab", "parse", input, "--output", dir + "/out.jsonl", "--rejects", dir + "/rejects.jsonl"])
        #expect(r.status == .dataError)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.jsonl"))
        let rejects = try Self.rejects(dir + "/rejects.jsonl")
        #expect(rejects.count == 1, "\(rejects)")
        #expect(rejects.first?["code"] as? String == "cnab.batch-count" && rejects.first?["line"] as? Int == 11)
        #expect(rejects.first?["column"] as? Int == 18 && rejects.first?["raw"] == nil && rejects.first?["record"] as? String == "reject")

        // `check` the same.
        let c = troca(["cnab", "check", input, "--rejects", dir + "/check.jsonl"])
        #expect(c.status == .dataError)
        #expect(try Self.rejects(dir + "/check.jsonl").map { $0["code"] as? String } == ["cnab.batch-count"])
    }

    /// A file with no trailer: `cnab.no-file-trailer` reaches the rejects file.
    @Test func aMissingTrailerReachesTheRejectsFile() throws {
        let dir = try temporaryDirectory()
        let text = try #require(FileManager.default.contents(atPath: repoRoot + "/Fixtures/samples/cnab240/341/retorno.ret"))
        let lines = [UInt8](text).split(separator: 0x0A).map(Array.init)
        FileManager.default.createFile(atPath: dir + "/RET.ret", contents: Data(lines.dropLast().map { $0 + [0x0A] }.joined()))
        let r = troca(["cnab", "parse", dir + "/RET.ret", "--rejects", dir + "/rejects.jsonl"])
        #expect(r.status == .dataError)
        let codes = try Self.rejects(dir + "/rejects.jsonl").map { $0["code"] as? String }
        #expect(codes.contains("cnab.no-file-trailer"), "\(codes)")
    }

    /// When the --output file of a broken file is not kept, the summary does not say its
    /// records were written.
    @Test func theSummaryOfADiscardedOutputSaysNotWritten() throws {
        let dir = try temporaryDirectory()
        let input = try Self.badBatchCount(in: dir)
        let r = troca(["cnab", "parse", input, "--output", dir + "/out.jsonl"])
        #expect(r.status == .dataError)
        let summary = try #require(r.stderrText.split(separator: "\n").first { $0.contains("cnab parse: \(input): read") })
        #expect(!summary.contains("written,") && summary.contains("12 valid") && summary.contains("not written"), "\(summary)")
        // Without --output, the records went to standard output: written.
        let plain = troca(["cnab", "parse", input])
        #expect(plain.stderrText.contains("read 12 lines: 12 written"), "\(plain.stderrText)")
    }

    /// A file whose details are another bank's (a "BB" header over Unicred's records): the
    /// hint names the layouts that read a detail whole, Unicred's among them, not the first
    /// few whose record type matches.
    @Test func unknownDetailsHintNamesTheLayoutThatReadsThem() {
        let file = corpusRoot + "/Maxwbh+pyCobranca/001/cnab400-retorno/tests__fixtures__retorno__CNAB400UNICRED.RET"
        let r = troca(["cnab", "check", file])
        #expect(r.status == .dataError)
        let line = r.stderrText.split(separator: "\n").first { $0.contains("[cnab.unknown-details]") }.map(String.init) ?? ""
        #expect(line.contains("cnab400/136/retorno"), "\(r.stderrText)")
        // Layouts whose record type 1 matches but whose fields do not all read are left out.
        #expect(!line.contains("cnab400/004/retorno") && !line.contains("cnab400/070/retorno"), "\(line)")
    }

    /// A CNAB 400 payer's CPF comes out as 11 digits, as a CNAB 240 one does (docs/records.md:
    /// a CPF is 11 digits, a CNPJ 14): the type is the two digits 01/02 there, and its last one
    /// says which. Written back, the same bytes.
    @Test func cnab400CPFIsElevenDigits() throws {
        for bank in ["237", "001", "341", "104", "756"] {
            let r = troca(["cnab", "parse", "Fixtures/samples/cnab400/\(bank)/remessa.rem"])
            let payers = r.records.compactMap { $0["payer"] as? [String: Any] }
            try #require(!payers.isEmpty, "\(bank)")
            for p in payers {
                let document = p["document"] as? String ?? ""
                switch p["document_type"] as? String {
                case "cpf": #expect(document.count == 11, "\(bank): \(document)")
                case "cnpj": #expect(document.count == 14, "\(bank): \(document)")
                default: break
                }
            }
        }
    }

    /// --bank naming another bank than the file header's: the file is read as asked, and said.
    @Test func aForcedBankOtherThanTheHeadersIsSaid() {
        let r = troca(["cnab", "parse", "--bank", "341", "Fixtures/samples/RETORNO-240.ret"])
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains("RETORNO-240.ret:1:1: warning: [cnab.bank-forced] the file header names bank 999"), "\(r.stderrText)")
        let same = troca(["cnab", "parse", "--bank", "999", "Fixtures/samples/RETORNO-240.ret"])
        #expect(!same.stderrText.contains("cnab.bank-forced"))
    }

    /// --format naming the other family than the file's header: one error, the whole file
    /// rejected with it, not one error per line read at the wrong length.
    @Test func aFormatOtherThanTheHeadersIsOneError() {
        for (format, file, seen) in [("400", "Fixtures/samples/RETORNO-240.ret", "240"), ("240", "Fixtures/samples/cnab400/237/retorno.ret", "400")] {
            let r = troca(["cnab", "parse", "--format", format, file])
            #expect(r.status == .dataError)
            let errors = r.stderrText.split(separator: "\n").filter { $0.contains(": error: [") }
            #expect(errors.count == 1, "\(r.stderrText)")
            #expect(errors.first?.contains("[cnab.format] --format \(format) given, but line 1 is a CNAB \(seen) file header") == true, "\(r.stderrText)")
        }
    }
}
