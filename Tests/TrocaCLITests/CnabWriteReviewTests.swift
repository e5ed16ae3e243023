import Foundation
import Testing
import TrocaCLI

/// `cnab write` and `cnab simulate` regressions a review caught: headers that cannot be written,
/// NSAs stored for every file, the batch header's remessa number, Santander 400's trailer total,
/// mandatory payer fields, and the simulator's reason for a payer without a document.
@Suite struct CnabWriteReviewTests {
    /// One Bradesco título, registered, with everything its detail record needs.
    static let title =
        #"{"record": "title", "code": "01", "agency": "1234", "agency_digit": "5", "account": "00012345", "account_digit": "6", "carteira": "9", "#
        + #""document_number": "DOC1", "due_date": "2026-12-10", "amount_cents": 15000, "species": "01", "acceptance": "N", "#
        + #""issue_date": "2026-11-30", "nosso_numero": "1001", "payer": {"document_type": "cpf", "document": "40341118010", "#
        + #""name": "José da Conceição", "address": {"street": "Rua São João, 100", "district": "Centro", "cep": "01001000", "#
        + #""city": "São Paulo", "state": "SP"}}}"#

    /// The título with `old` replaced by `new` in its JSON.
    static func title(_ old: String, _ new: String) -> String {
        precondition(title.contains(old))
        return title.replacingOccurrences(of: old, with: new)
    }

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\r\n", omittingEmptySubsequences: false) }

    /// A file header value that does not fit its field makes no file: an error naming the field
    /// and the value at its column, exit 65, --output neither created nor replaced, the NSA kept.
    @Test(arguments: [
        ("240", "\"123456789012345678\"", "numero_inscricao_empresa (company.document): \"123456789012345678\" has 18 digits, the field holds 14"),
        ("400", "\"123456789012345678901\"", "codigo_empresa (convenio): \"123456789012345678901\" has 21 digits, the field holds 20"),
    ])
    func fileHeaderValueThatDoesNotFitMakesNoFile(format: String, value: String, message: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header =
            #"{"record": "file", "part": "header", "company": {"document_type": "cnpj", "document": "123456789012345678", "name": "TROCA"}, "#
            + #""convenio": "123456789012345678901", "agency": "1234", "account": "12345", "account_digit": "6"}"#
        try (header + "\n" + Self.title + "\n").write(toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
        try "5\n".write(toFile: dir + "/nsa", atomically: true, encoding: .utf8)
        let column = try #require(header.range(of: value)).lowerBound.utf16Offset(in: header) + 1
        do {
            let run = troca(["cnab", "write", "--bank", "237", "--format", format, "--sequence-file", "nsa", "in.jsonl", "--output", "new.rem"], cwd: dir)
            #expect(run.status == .dataError, "\(run.stderrText)")
            #expect(
                run.stderrText.contains(
                    "troca: in.jsonl:1:\(column): error: [write.header] the file header cannot be written: \(message)"), "\(run.stderrText)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/new.rem"))
            #expect(try String(contentsOfFile: dir + "/nsa", encoding: .utf8) == "5\n")
        }
        try "keep\n".write(toFile: dir + "/old.rem", atomically: true, encoding: .utf8)
        let stdout = troca(["cnab", "write", "--bank", "237", "--format", format, "in.jsonl", "--output", "old.rem"], cwd: dir)
        #expect(stdout.status == .dataError && stdout.stdout.isEmpty)
        #expect(try String(contentsOfFile: dir + "/old.rem", encoding: .utf8) == "keep\n")
        // To standard output: nothing either.
        let piped = troca(["cnab", "write", "--bank", "237", "--format", format, "in.jsonl"], cwd: dir)
        #expect(piped.status == .dataError && piped.stdout.isEmpty)
    }

    /// An NSA the header cannot hold (--sequence, or the number after a sequence file's) is
    /// refused before anything is written, naming the field's width; the file keeps its number.
    @Test func sequenceThatDoesNotFitIsRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (Self.title + "\n").write(toFile: dir + "/in.jsonl", atomically: true, encoding: .utf8)
        let big = troca(["cnab", "write", "--bank", "237", "--format", "400", "--sequence", "10000000", "in.jsonl"], cwd: dir)
        #expect(big.status == .dataError && big.stdout.isEmpty)
        #expect(
            big.stderrText
                == "troca: --sequence: error: [write.header] file sequence number 10000000 does not fit sequencial_remessa (file_sequence), a field of 7 digits\n"
                + "troca: cnab write: in.jsonl: no remessa written: the file sequence number (NSA) does not fit the header\n",
            "\(big.stderrText)")
        try "9999999\n".write(toFile: dir + "/nsa", atomically: true, encoding: .utf8)
        let rolled = troca(["cnab", "write", "--bank", "237", "--format", "400", "--sequence-file", "nsa", "in.jsonl", "--output", "r.rem"], cwd: dir)
        #expect(rolled.status == .dataError && rolled.stderrText.contains("a field of 7 digits"), "\(rolled.stderrText)")
        #expect(rolled.stderrText.hasSuffix("troca: cnab write: in.jsonl: no remessa written: the file sequence number (NSA) does not fit the header\n"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.rem"))
        #expect(try String(contentsOfFile: dir + "/nsa", encoding: .utf8) == "9999999\n")
        // The 240 file header holds 6 digits: 1,000,000 is refused there.
        let wide = troca(["cnab", "write", "--bank", "237", "--format", "240", "--sequence", "1000000", "in.jsonl"], cwd: dir)
        #expect(wide.status == .dataError && wide.stderrText.contains("numero_sequencial_arquivo (file_sequence), a field of 6 digits"), "\(wide.stderrText)")
        #expect(troca(["cnab", "write", "--bank", "237", "--format", "240", "--sequence", "999999", "in.jsonl"], cwd: dir).status == .ok)
    }

    /// A remessa whose títulos were all rejected still carries an NSA, and stores it: the next
    /// run writes the number after it, never the same one.
    @Test func sequenceFileStoresTheNumberOfAFileWithoutTitulos() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (Self.title("\"due_date\": \"2026-12-10\", ", "") + "\n").write(toFile: dir + "/bad.jsonl", atomically: true, encoding: .utf8)
        try (Self.title + "\n").write(toFile: dir + "/good.jsonl", atomically: true, encoding: .utf8)
        try "5\n".write(toFile: dir + "/nsa", atomically: true, encoding: .utf8)
        let bad = troca(["cnab", "write", "--bank", "237", "--format", "400", "--sequence-file", "nsa", "bad.jsonl", "--output", "k1.rem"], cwd: dir)
        #expect(bad.status == .dataError)
        let k1 = try String(contentsOfFile: dir + "/k1.rem", encoding: .isoLatin1)
        #expect(Self.lines(k1)[0].utf8.dropFirst(110).prefix(7).elementsEqual("0000006".utf8), "\(k1)")
        #expect(try String(contentsOfFile: dir + "/nsa", encoding: .utf8) == "6\n")
        let good = troca(["cnab", "write", "--bank", "237", "--format", "400", "--sequence-file", "nsa", "good.jsonl", "--output", "k2.rem"], cwd: dir)
        #expect(good.status == .ok, "\(good.stderrText)")
        let k2 = try String(contentsOfFile: dir + "/k2.rem", encoding: .isoLatin1)
        #expect(Self.lines(k2)[0].utf8.dropFirst(110).prefix(7).elementsEqual("0000007".utf8), "\(k2)")
    }

    /// --sequence sets the batch header's remessa number (G079, 184–191: Bradesco's
    /// authoritative one) whether or not the input has a batch record; without it, a batch
    /// record's number is kept, and a batch opened from a título takes the file's NSA.
    @Test(arguments: ["237", "341", "033"]) func sequenceSetsTheBatchRemessaNumber(bank: String) throws {
        let batch = #"{"record": "batch", "part": "header", "remessa_number": 42, "agency": "1234", "account": "12345"}"#
        let file = #"{"record": "file", "part": "header", "file_sequence": 42}"#
        func remessaNumber(_ input: String, _ extra: [String]) -> String {
            let run = troca(["cnab", "write", "--bank", bank, "--format", "240"] + extra, stdin: Array(input.utf8))
            let line = Self.lines(run.stdoutText)[1]
            return String(decoding: line.utf8.dropFirst(183).prefix(8), as: UTF8.self)
        }
        #expect(remessaNumber(batch + "\n" + Self.title + "\n", ["--sequence", "7"]) == "00000007")
        #expect(remessaNumber(Self.title + "\n", ["--sequence", "7"]) == "00000007")
        #expect(remessaNumber(batch + "\n" + Self.title + "\n", []) == "00000042")
        #expect(remessaNumber(file + "\n" + Self.title + "\n", []) == "00000042")
    }

    /// Santander 400's remessa trailer totals the títulos written (8–20, B.6: mandatory), and
    /// `cnab check` warns when a trailer's total is not theirs.
    @Test func santander400TrailerTotalIsComputedAndChecked() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // (Santander's detail names the beneficiário: the file record gives it.)
        let input = #"{"record": "file", "part": "header", "company": {"document_type": "cnpj", "document": "15213972000131"}}"# + "\n"
            + Self.title + "\n" + Self.title("15000", "2550") + "\n" + Self.title("\"due_date\": \"2026-12-10\", ", "") + "\n"
        let run = troca(["cnab", "write", "--bank", "033", "--format", "400", "--output", "san.rem"], stdin: Array(input.utf8), cwd: dir)
        #expect(run.status == .dataError, "\(run.stderrText)")
        let text = try String(contentsOfFile: dir + "/san.rem", encoding: .isoLatin1)
        let trailer = Array(Self.lines(text)[3].utf8)
        #expect(String(decoding: trailer[7..<20], as: UTF8.self) == "0000000017550", "\(text)")
        #expect(!troca(["cnab", "check", "san.rem"], cwd: dir).stderrText.contains("cnab.trailer"))
        var bytes = Array(text.utf8)
        let at = bytes.count - 2 - 400 + 7
        bytes.replaceSubrange(at..<at + 13, with: Array("0000000099999".utf8))
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/bad.rem"))
        let check = troca(["cnab", "check", "bad.rem"], cwd: dir)
        #expect(
            check.stderrText.contains("bad.rem:4:8: error: [cnab.trailer-total] file trailer totals 999.99, the títulos' face values add up to 175.50"),
            "\(check.stderrText)")
        #expect(check.status == .dataError)
    }

    /// A registered título needs a due date that is not blank, and the payer's name and
    /// document where the manual marks them mandatory: each missing one is rejected with the
    /// field's name, at its column (or its object's); a write-off needs no payer.
    @Test(arguments: [
        (Self.title("\"due_date\": \"2026-12-10\"", "\"due_date\": \"\""), "data_vencimento (due_date) is required", "\"\", \"amount_cents\""),
        (Self.title("\"name\": \"José da Conceição\", ", ""), "nome_pagador (payer.name) is required", "{\"document_type\": \"cpf\", \"document\""),
        (Self.title("\"name\": \"José da Conceição\", ", "\"name\": \"   \", "), "nome_pagador (payer.name) is required", "\"   \""),
        (Self.title("\"document\": \"40341118010\", ", ""), "numero_inscricao_pagador (payer.document) is required", "{\"document_type\": \"cpf\", \"name\""),
        (String(Self.title[..<Self.title.range(of: "\"payer\"")!.lowerBound]) + "\"payer\": \"str\"}", "nome_pagador (payer.name) is required", "\"str\""),
    ])
    func mandatoryFieldsAreRequired(line: String, message: String, at: String) throws {
        let run = troca(["cnab", "write", "--bank", "237", "--format", "400"], stdin: Array((line + "\n").utf8))
        #expect(run.status == .dataError)
        let column = try #require(line.range(of: at)).lowerBound.utf16Offset(in: line) + 1
        #expect(run.stderrText.contains("troca: -:1:\(column): error: [write.required] \(message)"), "\(run.stderrText)")
        #expect(run.stderrText.contains("read 1 lines: 0 used, 1 rejected"), "\(run.stderrText)")
    }

    @Test func writeOffNeedsNoPayer() {
        let line = #"{"record": "title", "code": "02", "agency": "1234", "account": "00012345", "account_digit": "6", "carteira": "9", "nosso_numero": "1001", "due_date": "2026-12-10", "amount_cents": 15000}"#
        let run = troca(["cnab", "write", "--bank", "237", "--format", "400"], stdin: Array((line + "\n").utf8))
        #expect(run.status == .ok, "\(run.stderrText)")
    }

    /// `cnab simulate` rejects a título whose payer has a name but no document with the
    /// payer's inscrição reason (46 in Bradesco's and Sicredi's tables, FEBRABAN's 46 for
    /// Santander 240), not the name's (45) nor the beneficiário's (06).
    @Test(arguments: [("237", "400", 1, 218, "46"), ("748", "400", 1, 218, "46"), ("033", "240", 3, 17, "46")])
    func simulatedPayerWithoutDocumentGetsTheInscricaoReason(bank: String, format: String, line: Int, at: Int, reason: String) throws {
        // Sicredi's espécie is one letter: the título gives none.
        let title = Self.title("\"species\": \"01\", ", "")
        let written = troca(["cnab", "write", "--bank", bank, "--format", format, "--date", "2026-03-02"], stdin: Array((title + "\n").utf8))
        #expect(written.status == .ok, "\(written.stderrText)")
        // The payer's inscrição (type and number) zeroed, as a remessa only a bank would refuse.
        var bytes = written.stdout
        let start = line * (Int(format)! + 2) + at
        bytes.replaceSubrange(start..<start + 16, with: [UInt8](repeating: UInt8(ascii: "0"), count: 16))
        let simulated = troca(["cnab", "simulate", "-", "--seed", "1", "--paid", "1", "--date", "2026-04-01"], stdin: bytes)
        let events = troca(["cnab", "parse", "-"], stdin: simulated.stdout)
        let reasons = events.records.compactMap { $0["reasons"] as? [[String: Any]] }.flatMap { $0 }.compactMap { $0["code"] as? String }
        #expect(reasons == [reason], "\(simulated.stderrText) \(events.stdoutText)")
    }
}

/// Diagnostics say what the input says: digits counted as given, a number beyond 64 bits as
/// written, a message once however many records repeat it, a header's line.
@Suite struct CnabWriteWordingTests {
    @Test(arguments: [
        (CnabWriteReviewTests.title("\"cep\": \"01001000\"", "\"cep\": \"0100100099\""), "400",
         "cep_pagador (payer.address.cep): \"0100100099\" has 10 digits, the field holds 8"),
        (CnabWriteReviewTests.title("\"amount_cents\": 15000", "\"amount_cents\": 9223372036854775808"), "400",
         "valor_titulo (amount_cents): \"9223372036854775808\" has 19 digits, the field holds 13"),
        (CnabWriteReviewTests.title("\"amount_cents\": 15000", "\"amount_cents\": 1e30"), "400",
         "valor_titulo (amount_cents): \"1e+30\" is not digits"),
        (CnabWriteReviewTests.title("\"code\": \"01\"", "\"code\": \"123\""), "240",
         "codigo_movimento (code): \"123\" has 3 digits, the field holds 2\n"),
    ])
    func messagesSayTheInput(line: String, format: String, message: String) {
        let run = troca(["cnab", "write", "--bank", "237", "--format", format], stdin: Array((line + "\n").utf8))
        #expect(run.status == .dataError)
        #expect(run.stderrText.contains("error: [write.") && run.stderrText.contains("] " + message), "\(run.stderrText)")
    }

    @Test func aHeaderCutIsSaidAtItsLine() {
        let header = #"{"record": "file", "part": "header", "company": {"name": "Comércio Ação Ltda — uma razão social extremamente longa demais"}}"#
        let run = troca(["cnab", "write", "--bank", "237", "--format", "400"], stdin: Array((header + "\n" + CnabWriteReviewTests.title + "\n").utf8))
        #expect(run.status == .ok, "\(run.stderrText)")
        #expect(
            run.stderrText.hasPrefix("troca: -:1: warning: [write.truncated] company.name cut to its field in 1 record(s), the first from line 1\n"),
            "\(run.stderrText)")
    }
}
