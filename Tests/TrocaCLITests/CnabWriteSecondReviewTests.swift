import Foundation
import Testing
import TrocaCLI

/// `cnab write` and `cnab simulate` regressions a second review caught: amounts given as text
/// or fractions, the beneficiário of CNAB 400 details and of batch records, what a simulated
/// retorno says (Sicoob's missing rejection code, Santander's entry-rejected code, Y-01
/// segments, 400 trailer counts), zero amounts, file names in another case, the NSA summary
/// and transliteration.
@Suite struct CnabWriteSecondReviewTests {
    /// The file record the reviewer's inputs start with: the company only here.
    static let header =
        #"{"record": "file", "part": "header", "company": {"document_type": "cnpj", "document": "15213972000131", "name": "Troca Comercio"}, "#
        + #""convenio": "1234567", "agency": "02517", "agency_digit": "8", "account": "00011903", "account_digit": "3"}"#

    /// The file record for `bank`: Caixa's código do beneficiário has 6 digits, Sicredi's 5.
    static func header(_ bank: String) -> String {
        bank == "104" ? header.replacingOccurrences(of: "1234567", with: "123456")
            : bank == "748" ? header.replacingOccurrences(of: "1234567", with: "12345") : header
    }

    /// A título with no company of its own; `n` its numbers, `amount` its amount's JSON.
    static func title(_ n: Int, amount: String = "15000", due: String = "2026-12-10", extra: String = "") -> String {
        #"{"record": "title", "code": "01", "agency": "02517", "agency_digit": "8", "account": "00011903", "account_digit": "3", "#
            + #""carteira": "1", "bank_carteira": "09", "document_number": "DP000\#(n)", "due_date": "\#(due)", "amount_cents": \#(amount), "#
            + #""species": "02", "acceptance": "N", "issue_date": "2026-11-30", "payer": {"document_type": "cpf", "document": "40341118010", "#
            + #""name": "JOSE DA CONCEICAO", "address": {"street": "Rua Sao Joao, 100", "district": "Centro", "cep": "01001000", "#
            + #""city": "Sao Paulo", "state": "SP"}}, "nosso_numero": "\#(n)"\#(extra)}"#
    }

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\r\n", omittingEmptySubsequences: true) }

    static func write(_ bank: String, _ format: String, _ input: String, _ extra: [String] = [], cwd: String = repoRoot) -> RunResult {
        troca(["cnab", "write", "--bank", bank, "--format", format, "--date", "2026-11-30", "--sequence", "7"] + extra, stdin: Array(input.utf8), cwd: cwd)
    }

    /// Every bank's CNAB 400 remessa: an amount given as text ("1500") or as a fraction (12.5)
    /// is refused (write.type), never written into its detail and left out of the trailer's
    /// total, nor cut to 12; the trailer of what is written checks clean.
    @Test(arguments: ["001", "033", "104", "237", "341", "748", "756"])
    func amountThatIsNotWholeCentavosIsRefused(bank: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = [Self.header(bank), Self.title(1, amount: "1000"), Self.title(2, amount: #""1500""#), Self.title(3, amount: "12.5"),
                     Self.title(4, amount: #""0012""#)].joined(separator: "\n") + "\n"
        let run = Self.write(bank, "400", bank == "748" ? input.replacingOccurrences(of: #""species": "02""#, with: #""species": "A""#) : input,
                             ["--output", "r.rem"], cwd: dir)
        #expect(run.status == .dataError, "\(run.stderrText)")
        #expect(run.stderrText.contains(#"error: [write.type] "#) && run.stderrText.contains(#""1500" is text, not a number (amounts are integer centavos)"#), "\(run.stderrText)")
        #expect(run.stderrText.contains("12.5 is not a whole number"), "\(run.stderrText)")
        #expect(run.stderrText.contains("read 5 lines: 2 used, 3 rejected"), "\(run.stderrText)")
        let check = troca(["cnab", "check", "r.rem"], cwd: dir)
        #expect(check.status == .ok && !check.stderrText.contains("warning"), "\(check.stderrText)")
    }

    /// The same in CNAB 240 (the batch trailer holds no total in a remessa, but the rule is one).
    @Test func amountAsTextIsRefusedIn240() {
        let run = Self.write("341", "240", Self.header + "\n" + Self.title(1, amount: #""1500""#) + "\n")
        #expect(run.status == .dataError && run.stderrText.contains("is text, not a number"), "\(run.stderrText)")
    }

    /// CNAB 400 details that name the beneficiário (tipo and número de inscrição da empresa, 2–17)
    /// take the file record's company when the título gives none; with no company anywhere, the
    /// título is refused for the missing field rather than written with 00 and zeros.
    @Test(arguments: ["001", "033", "104", "341", "756"])
    func detailTakesTheFileRecordsCompany(bank: String) throws {
        let run = Self.write(bank, "400", Self.header(bank) + "\n" + Self.title(1) + "\n")
        #expect(run.status == .ok, "\(run.stderrText)")
        let detail = Self.lines(run.stdoutText)[1]
        #expect(detail.utf8.dropFirst(1).prefix(16).elementsEqual("0215213972000131".utf8), "\(detail)")
        let alone = Self.write(bank, "400", Self.title(1) + "\n")
        #expect(alone.status == .dataError, "\(alone.stderrText)")
        #expect(alone.stderrText.contains("error: [write.required] numero_inscricao_empresa (company.document) is required"), "\(alone.stderrText)")
        // A título's own company wins.
 let own = Self.write(
            bank, "400", Self.header(bank) + "\n" + Self.title(1, extra: #", "company": {"document_type": "cpf", "document": "40341118010"}"#) + "\n")
        #expect(Self.lines(own.stdoutText)[1].utf8.dropFirst(1).prefix(16).elementsEqual("0100040341118010".utf8), "\(own.stdoutText)")
        // And simulate then confirms the títulos.
        let simulated = troca(["cnab", "simulate", "--date", "2026-12-01", "--paid", "0"], stdin: run.stdout)
        #expect(simulated.stderrText.contains("1 títulos → 1 registered, 0 paid, 0 rejected"), "\(simulated.stderrText)")
    }

    /// An explicit batch record without bank and company takes the file record's company and
    /// --bank, as a batch opened from a título does.
    @Test func batchRecordTakesTheFileHeadersCompanyAndBank() {
        let batch = #"{"record": "batch", "part": "header", "batch": 1, "agency": "02517", "agency_digit": "8", "account": "00011903", "account_digit": "3", "convenio": "1234567"}"#
        let run = Self.write("341", "240", [Self.header, batch, Self.title(1)].joined(separator: "\n") + "\n")
        #expect(run.status == .ok, "\(run.stderrText)")
        let batchHeader = Array(Self.lines(run.stdoutText)[1].utf8)
        #expect(String(decoding: batchHeader[0..<3], as: UTF8.self) == "341")
        #expect(String(decoding: batchHeader[17..<18], as: UTF8.self) == "2" && String(decoding: batchHeader[18..<33], as: UTF8.self) == "015213972000131")
        #expect(String(decoding: batchHeader[73..<87], as: UTF8.self) == "TROCA COMERCIO")
        let fromTitle = Self.write("341", "240", [Self.header, Self.title(1)].joined(separator: "\n") + "\n")
        #expect(Self.lines(fromTitle.stdoutText)[1] == Self.lines(run.stdoutText)[1])
    }

    static func remessa(_ bank: String, _ format: String, _ titles: [String]) -> [UInt8] {
        let run = Self.write(bank, format, ([Self.header(bank)] + titles).joined(separator: "\n") + "\n")
        return run.stdout
    }

    /// Sicoob 400's table has no code for a rejected título: an invalid one is neither confirmed
    /// nor paid, and a warning says so once.
    @Test func sicoob400RefusesWithoutARejectionCode() {
        let rem = Self.remessa("756", "400", [Self.title(1), Self.title(2, amount: "0"), Self.title(3, due: "2026-11-01")])
        let run = troca(["cnab", "simulate", "--seed", "4", "--paid", "1", "--date", "2026-12-01"], stdin: rem)
        #expect(run.stderrText.contains("3 títulos → 1 registered, 1 paid, 0 rejected, 2 refused without an event (no rejection code)"), "\(run.stderrText)")
        #expect(run.stderrText.components(separatedBy: "[simulate.no-rejection-code]").count == 2, "\(run.stderrText)")
        let events = troca(["cnab", "parse"], stdin: run.stdout).records.filter { $0["record"] as? String == "event" }
        #expect(events.map { $0["event"] as? String } == ["registered", "paid"], "\(events)")
    }

    /// Santander 400 refuses an entry with 03 "Entrada de título rejeitada", not 01 "Título não existe".
    @Test func santanderRejectsWithTheEntryRejectedCode() {
        let rem = Self.remessa("033", "400", [Self.title(1, amount: "0")])
        let events = troca(["cnab", "parse"], stdin: troca(["cnab", "simulate", "--date", "2026-12-01"], stdin: rem).stdout).records
            .filter { $0["record"] as? String == "event" }
        #expect(events.count == 1 && events[0]["code"] as? String == "03" && events[0]["event"] as? String == "rejected", "\(events)")
    }

    /// A simulated 240 retorno writes no empty Y-01 segment: the remessa's guarantor
    /// `{"document_type": "none"}` is no value.
    @Test(arguments: ["001", "033", "104", "237", "341", "748", "756"])
    func noEmptyY01Segment(bank: String) {
        let rem = Self.remessa(bank, "240", [Self.title(1), Self.title(2)])
        let retorno = troca(["cnab", "simulate", "--date", "2026-12-01", "--paid", "1"], stdin: rem)
        #expect(retorno.status == .ok, "\(retorno.stderrText)")
        let details = Self.lines(retorno.stdoutText).map { Array($0.utf8) }.filter { $0[7] == UInt8(ascii: "3") }
        #expect(!details.isEmpty && !details.contains { $0[13] == UInt8(ascii: "Y") }, "\(retorno.stdoutText)")
    }

    /// A simulated CNAB 400 retorno's trailer counts títulos em cobrança: each título confirmed,
    /// once (not its payment again, not a refused one), and their face values once.
    @Test func retorno400TrailerCountsTitulos() throws {
        let rem = Self.remessa("237", "400", [Self.title(1, amount: "1000"), Self.title(2, amount: "2000"), Self.title(3, amount: "4000", due: "2026-11-01")])
        let run = troca(["cnab", "simulate", "--date", "2026-12-01", "--paid", "1"], stdin: rem)
        #expect(run.stderrText.contains("3 títulos → 2 registered, 2 paid, 1 rejected"), "\(run.stderrText)")
        let trailer = Array(Self.lines(run.stdoutText).last!.utf8)
        #expect(String(decoding: trailer[17..<25], as: UTF8.self) == "00000002", "\(run.stdoutText)")
        #expect(String(decoding: trailer[25..<39], as: UTF8.self) == "00000000003000", "\(run.stdoutText)")
    }

    /// A registered título of amount 0 is written with one warning (simulate rejects it).
    @Test func zeroAmountWarns() {
        let run = Self.write("237", "400", [Self.header, Self.title(1, amount: "0"), Self.title(2), Self.title(3, amount: "0")].joined(separator: "\n") + "\n")
        #expect(run.status == .ok, "\(run.stderrText)")
        #expect(
            run.stderrText.contains(
                "warning: [write.zero-amount] amount_cents is 0 in 2 título(s) registered, the first from line 2"), "\(run.stderrText)")
        let simulated = troca(["cnab", "simulate", "--date", "2026-12-01"], stdin: run.stdout)
        #expect(simulated.stderrText.contains("2 rejected"), "\(simulated.stderrText)")
    }

    /// --output DIR takes no name another file has in another case.
    @Test func fileNamesAreFreeOnlyInNoCase() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: dir + "/CB301101.rem", atomically: true, encoding: .utf8)
        let input = Self.header + "\n" + Self.title(1) + "\n"
        let run = Self.write("237", "400", input, ["--output", "."], cwd: dir)
        #expect(run.status == .ok && run.stderrText.contains("/CB301102.REM"), "\(run.stderrText)")
        let sicoob = Self.write("756", "400", input, ["--output", "."], cwd: dir)
        let bb = Self.write("001", "400", input, ["--output", "."], cwd: dir)
        #expect(sicoob.stderrText.contains("remessa-20261130-01.REM") && bb.stderrText.contains("remessa-20261130-02.rem"), "\(sicoob.stderrText)\(bb.stderrText)")
    }

    /// Letters with no accent to strip are spelt out: œ → OE as æ → AE, ß ø đ ł þ.
    @Test func transliterationSpellsLigaturesAndStrokes() {
        let run = Self.write(
            "237", "400", Self.header + "\n" + Self.title(1).replacingOccurrences(of: "JOSE DA CONCEICAO", with: "Œuvre cœur ßø đł þÆ") + "\n")
        #expect(run.status == .ok && !run.stderrText.contains("write.character"), "\(run.stderrText)")
        #expect(run.stdoutText.contains("OEUVRE COEUR SSO DL THAE"), "\(run.stdoutText)")
    }
}

extension CnabWriteSecondReviewTests {
    /// A file header that cannot be written stops the remessa; the rejects file is still kept,
    /// holding the títulos refused before it and the header's error, so that it says why no
    /// remessa was written (it used to be thrown away, the reasons only on stderr).
    @Test func aHeaderThatCannotBeWrittenKeepsTheRejectsFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = #"{"record":"file","part":"header","agency":1.5}"# + "\n" + #"{"record":"title","nosso_numero":"1"}"# + "\n"
        let run = Self.write("237", "240", input, ["--output", "h.rem", "--rejects", "h.rej"], cwd: dir)
        #expect(run.status == .dataError, "\(run.stderrText)")
        #expect(run.stderrText.contains("no remessa written: a header cannot be written"), "\(run.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/h.rem"))
        let rejects = try String(contentsOfFile: dir + "/h.rej", encoding: .utf8).split(separator: "\n")
        #expect(rejects.count == 2, "\(rejects)")
        #expect(rejects.contains { $0.contains(#""code":"write.header""#) }, "\(rejects)")
        #expect(rejects.contains { $0.contains(#""code":"write.required""#) }, "\(rejects)")
    }
}

/// A new user's walk through the README (2026-12-02): the remessa is --bank's.
@Suite struct CnabWriteBankTests {
    static func parsed() -> [UInt8] {
        troca(["cnab", "parse", "Fixtures/samples/REMESSA-240.rem"]).stdout
    }

    /// A file record of another bank is written with --bank's code, said; a título of another
    /// bank is rejected at its bank's column.
    @Test func theFileIsTheBankGiven() throws {
        let r = troca(["cnab", "write", "--bank", "341", "--format", "240", "--date", "2026-11-30", "--time", "10:00:00", "-"], stdin: Self.parsed())
        #expect(r.status == .dataError, "\(r.stderrText)")
        #expect(r.stderrText.contains("warning: [write.bank-mismatch] the file record's bank is 999, the remessa is bank 341's"), "\(r.stderrText)")
        #expect(r.stderrText.contains("error: [write.bank] the título's bank is 999"), "\(r.stderrText)")
        #expect(r.stdout.starts(with: Array("341".utf8)), "the header is bank 341's")
        // Without their bank the títulos take the file's.
        let bare = String(decoding: Self.parsed(), as: UTF8.self).replacingOccurrences(of: #""bank":"999","#, with: "")
        let ok = troca(["cnab", "write", "--bank", "341", "--format", "240", "--date", "2026-11-30", "--time", "10:00:00", "-"], stdin: Array(bare.utf8))
        #expect(!ok.stderrText.contains("[write.bank]"), "\(ok.stderrText)")
    }

    @Test func aBankWithoutA240LayoutIsWrittenInFEBRABANsWithAWarning() {
        let r = troca(["cnab", "write", "--bank", "123", "--format", "240", "--date", "2026-11-30", "--time", "10:00:00", "-"], stdin: [])
        #expect(r.stderrText.contains("warning: [write.generic-layout] no CNAB 240 remessa layout for bank 123 yet"), "\(r.stderrText)")
        let bad = troca(["cnab", "write", "--bank", "23", "--format", "240", "-"], stdin: [])
        #expect(bad.status == .usage)
        #expect(bad.stderrText.contains(#"--bank must be a 3-digit bank code (001, 237, 341…), found "23""#), "\(bad.stderrText)")
    }

    @Test func anOutputDirectoryThatIsNotThereIsSaid() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = troca(["cnab", "write", "--bank", "237", "--format", "240", "--output", "remessas/", "-"], stdin: [], cwd: dir)
        #expect(r.status == .cantCreate, "\(r.stderrText)")
        #expect(r.stderrText.contains("[write.output] the directory remessas/ does not exist"), "\(r.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
