import Boleto
import Foundation
import Testing
import TrocaCLI

/// The sample ladder, templates and títulos of Fixtures/samples/letters, as-of 2026-11-23.
let lettersSamples = repoRoot + "/Fixtures/samples/letters"

/// A fresh directory holding copies of the sample files.
func lettersWorkdir() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-letters-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for f in try FileManager.default.contentsOfDirectory(atPath: lettersSamples) {
        try FileManager.default.copyItem(atPath: lettersSamples + "/" + f, toPath: dir + "/" + f)
    }
    // Fine 2 %, interest 1 % a month pro rata die, no correction, no fees: easy to check by hand.
    try Data(#"{"fine_percent": 2, "interest_percent": 1, "interest_per": "month", "correction": false}"#.utf8).write(to: URL(fileURLWithPath: dir + "/regras.json"))
    return dir
}

func bytes(_ path: String) -> [UInt8] { FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? [] }

let selectArgs = ["letters", "select", "--ladder", "regua.json", "--as-of", "2026-11-23", "--rules", "regras.json", "--history", "sent.jsonl", "titulos.jsonl"]
let allTemplates = ["--template", "cobranca-30.txt", "--template", "lembrete-5.txt", "--template", "aviso-final-60.txt"]

@Suite struct LettersSelectCLITests {
    /// titulos.jsonl as of 2026-11-23 (days overdue in brackets):
    /// Maria NF-1001 [34], NF-1002 [18] → cobranca-30 (oldest 34); João NF-2001 [69] → aviso-final;
    /// São José DUP-3001/1 [13] → lembrete, DUP-3001/2 due 2026-12-10 not yet due;
    /// Ana NF-4001 [53] → cobranca-30; Padaria NF-5001: in a current agreement;
    /// Carlos (CEP of 7 digits), Fernanda (UF XX), Roberto (no street): rejected addresses;
    /// Luiza NF-9001 R$ 20,00 < minimum R$ 50,00; Pedro NF-9101 [34] → cobranca-30, already in sent.jsonl;
    /// the last título has no due date: rejected.
    /// 13 títulos = 5 in 4 letters + 1 not due + 3 skipped + 4 rejected.
    @Test func countsReconcile() throws {
        let dir = try lettersWorkdir()
        let r = troca(selectArgs, cwd: dir)
        #expect(r.status == .dataError)
        #expect(
            r.stderrText.contains(
                "letters select: titulos.jsonl: read 14 records: 13 títulos → 5 in 4 letters, 1 not yet due, 3 skipped (in a current agreement 1, "
                    + "below the minimum balance 1, already sent this step 1, not on a ladder step 0), 4 rejected; 1 agreements, 0 other, 0 malformed (rejected)"),
            "\(r.stderrText)")
        let jobs = r.records
        #expect(jobs.map { $0["step"] as? String } == ["cobranca-30", "aviso-final", "lembrete", "cobranca-30"])
        // sent.jsonl's last sequence is 41.
        #expect(jobs.map { $0["sequence"] as? Int } == [42, 43, 44, 45])
        #expect(r.stderrText.contains("titulos.jsonl:9:337: error: [letters.address] address not mailable: payer.address.cep \"9001000\" is not 8 digits"))
        #expect(r.stderrText.contains("titulos.jsonl:14:1: error: [letters.title] due_date: expected a date YYYY-MM-DD, it is missing"))
    }

    /// João's NF-2001: R$ 3.000,00 due 2026-09-15, 69 days late on 2026-11-23: fine 2 % = 60,00;
    /// interest 1 % a month × 69/30 = 2,3 % = 69,00; updated 3.129,00, which his boleto carries.
    @Test func debtUpdateAndBoleto() throws {
        let dir = try lettersWorkdir()
        let r = troca(selectArgs, cwd: dir)
        let joao = try #require(r.records.first { ($0["step"] as? String) == "aviso-final" })
        let title = try #require((joao["titles"] as? [[String: Any]])?.first)
        #expect(title["fine_cents"] as? Int == 6000)
        #expect(title["interest_cents"] as? Int == 6900)
        #expect(title["updated_cents"] as? Int == 312900)
        #expect(joao["updated_total_cents"] as? Int == 312900)
        let boleto = try #require(joao["boleto"] as? [String: Any])
        #expect(boleto["amount_cents"] as? Int == 312900)
        #expect(boleto["due_date"] as? String == "2026-11-28")
        // The ladder's nosso_numero_from is 7000001, no boleto in the history, and Maria's letter
        // (first) took 7000001: João's is 7000002, with Bradesco's DV over carteira 09.
        #expect((boleto["nosso_numero"] as? String)?.hasPrefix("00007000002") == true)
        let barcode = try #require(boleto["barcode"] as? String)
        #expect(barcode.count == 44)
        #expect(Barcode(unchecked: Array(barcode.utf8)).check() == nil)
        #expect(Barcode(unchecked: Array(barcode.utf8)).amountCents == 312900)
    }

    /// A CEP given with its separators (`80010-000`) and a UF in small letters are accepted
    /// (docs/letters.md "Addresses"), and the job carries them as docs/records.md says: the CEP
    /// as 8 digits, the UF in capitals.
    @Test func aJobCarriesTheCEPAsEightDigits() throws {
        let dir = try lettersWorkdir()
        let titles = String(decoding: bytes(dir + "/titulos.jsonl"), as: UTF8.self)
            .replacingOccurrences(of: #""state":"PR","cep":"80010000""#, with: #""state":"pr","cep":"80010-000""#)
        #expect(titles.contains("80010-000"))
        try Data(titles.utf8).write(to: URL(fileURLWithPath: dir + "/titulos.jsonl"))
        let r = troca(selectArgs, cwd: dir)
        let maria = try #require(r.records.first { (($0["payer"] as? [String: Any])?["name"] as? String)?.hasPrefix("Maria") == true })
        let address = try #require((maria["payer"] as? [String: Any])?["address"] as? [String: Any])
        #expect(address["cep"] as? String == "80010000" && address["state"] as? String == "PR", "\(address)")
    }

    @Test func commitAppendsAndARepeatIsSkipped() throws {
        let dir = try lettersWorkdir()
        let before = bytes(dir + "/sent.jsonl")
        _ = troca(selectArgs, cwd: dir)
        #expect(bytes(dir + "/sent.jsonl") == before, "without --commit the history is only read")
        let first = troca(selectArgs + ["--commit"], cwd: dir)
        #expect(first.records.count == 4)
        let history = String(decoding: bytes(dir + "/sent.jsonl"), as: UTF8.self).split(separator: "\n")
        #expect(history.count == 5)
        #expect(history.last?.contains(#""step":"cobranca-30","as_of":"2026-11-23","sequence":45"#) == true)
        // The same day again: every party with a letter is now "already sent" (5 títulos + Pedro's 1 = 6; with the agreement and the minimum, 8 skipped).
        let second = troca(selectArgs + ["--commit"], cwd: dir)
        #expect(second.records.isEmpty)
        #expect(second.stderrText.contains("0 in 0 letters, 1 not yet due, 8 skipped (in a current agreement 1, below the minimum balance 1, already sent this step 6"), "\(second.stderrText)")
        #expect(String(decoding: bytes(dir + "/sent.jsonl"), as: UTF8.self).split(separator: "\n").count == 5)
    }

    /// A history that is not there is said (a mistyped name would resend every letter); one
    /// that cannot be read stops the run with 66.
    @Test func aMissingHistoryIsSaidAndAnUnreadableOneStops() throws {
        let dir = try lettersWorkdir()
        let args = selectArgs.map { $0 == "sent.jsonl" ? "nowhere.jsonl" : $0 }
        let fresh = troca(args, cwd: dir)
        #expect(fresh.stderrText.contains("nowhere.jsonl: no history there yet: starting an empty one"), "\(fresh.stderrText)")
        #expect(fresh.records.count > 4, "without the history, letters already sent are selected again")
        let unreadable = troca(selectArgs.map { $0 == "sent.jsonl" ? "." : $0 }, cwd: dir)
        #expect(unreadable.status == .noInput, "\(unreadable.stderrText)")
    }

    /// A run stopped while appending leaves part of a line without its line feed: a run that
    /// reads says so and leaves it out (Maria's torn cobranca-30 does not count as sent); a run
    /// that commits cuts it off before appending, so every line is a whole record again.
    @Test func anIncompleteLastLineIsLeftOutAndCutBeforeAppending() throws {
        let dir = try lettersWorkdir()
        let original = bytes(dir + "/sent.jsonl")
        let torn = Array(#"{"record":"letter_sent","party":"52998224725","step":"cobr"#.utf8)
        try Data(original + torn).write(to: URL(fileURLWithPath: dir + "/sent.jsonl"))
        let read = troca(selectArgs, cwd: dir)
        #expect(read.stderrText.contains("sent.jsonl:2: warning: [letters.history-incomplete] the last line is not whole JSON"), "\(read.stderrText)")
        #expect(read.records.count == 4 && read.records.first?["step"] as? String == "cobranca-30")
        #expect(bytes(dir + "/sent.jsonl") == original + torn, "a run that only reads changes nothing")
        let commit = troca(selectArgs + ["--commit"], cwd: dir)
        #expect(commit.records.map { $0["sequence"] as? Int } == [42, 43, 44, 45])
        let after = bytes(dir + "/sent.jsonl")
        #expect(Array(after.prefix(original.count)) == original)
        let lines = after.split(separator: 0x0A, omittingEmptySubsequences: false)
        #expect(lines.count == 6 && lines.last?.isEmpty == true, "five whole lines, each ended")
        for line in lines.dropLast() {
            let o = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            #expect(o?["record"] as? String == "letter_sent")
        }
        #expect(!troca(selectArgs, cwd: dir).stderrText.contains("history-incomplete"))
    }

    /// A history edited by hand may end its last record without a line feed: that record counts
    /// (Pedro's letter stays "already sent"), and the next append starts on a line of its own.
    @Test func aWholeLastRecordWithoutLineFeedCounts() throws {
        let dir = try lettersWorkdir()
        var original = bytes(dir + "/sent.jsonl")
        #expect(original.last == 0x0A)
        original.removeLast()
        try Data(original).write(to: URL(fileURLWithPath: dir + "/sent.jsonl"))
        let commit = troca(selectArgs + ["--commit"], cwd: dir)
        #expect(commit.stderrText.contains("already sent this step 1"), "\(commit.stderrText)")
        #expect(!commit.stderrText.contains("history-incomplete"))
        let lines = String(decoding: bytes(dir + "/sent.jsonl"), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 6 && lines[0] == Substring(String(decoding: original, as: UTF8.self)) && lines[5].isEmpty)
    }

    /// Whole JSON that is not a letter is wrong wherever it is, line feed or not (only part of
    /// an append is taken for one); a sequence written as 41.0 still continues at 42.
    @Test func aWrongLastRecordIsAnErrorAndSequencesAreNumbers() throws {
        let dir = try lettersWorkdir()
        let original = bytes(dir + "/sent.jsonl")
        try Data(original + Array(#"{"record":"other"}"#.utf8)).write(to: URL(fileURLWithPath: dir + "/sent.jsonl"))
        let wrong = troca(selectArgs + ["--commit"], cwd: dir)
        #expect(wrong.status == .dataError)
        #expect(wrong.stderrText.contains("sent.jsonl:2: error: [letters.history] expected a letter_sent record"), "\(wrong.stderrText)")
        #expect(wrong.stderrText.hasSuffix("letters select: titulos.jsonl: read 14 records: no letter selected, the history sent.jsonl is wrong\n"))
        #expect(wrong.stdout.isEmpty)
        #expect(bytes(dir + "/sent.jsonl") == original + Array(#"{"record":"other"}"#.utf8), "a wrong history is left as it is")
        let decimal = String(decoding: original, as: UTF8.self).replacingOccurrences(of: #""sequence":41"#, with: #""sequence":41.0"#)
        #expect(decimal != String(decoding: original, as: UTF8.self))
        try Data(decimal.utf8).write(to: URL(fileURLWithPath: dir + "/sent.jsonl"))
        #expect(troca(selectArgs, cwd: dir).records.map { $0["sequence"] as? Int } == [42, 43, 44, 45])
    }

    /// Two `--commit` runs at once (real processes) take turns on `sent.jsonl.lock`: whichever
    /// reads second sees the other's letters as sent, so the four letters are selected and
    /// recorded once, with four different sequence numbers and nosso números.
    @Test func twoCommittingRunsAtOnceSeeEachOther() throws {
        let binary = try #require(BinaryTests.binary, "the troca executable is built beside the tests")
        let dir = try lettersWorkdir()
        let args = (selectArgs + ["--commit"]).map { "'\($0)'" }.joined(separator: " ")
        let script = "for k in 1 2 3; do '\(binary)' \(args) > run$k.jsonl 2>run$k.err & done; wait"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        try p.run()
        p.waitUntilExit()
        var jobs: [[String: Any]] = []
        for k in 1...3 {
            for line in bytes(dir + "/run\(k).jsonl").split(separator: 0x0A) {
                jobs.append(try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]))
            }
        }
        #expect(jobs.count == 4, "\(jobs.map { $0["sequence"] ?? "?" })")
        #expect(Set(jobs.compactMap { $0["sequence"] as? Int }) == [42, 43, 44, 45])
        let history = String(decoding: bytes(dir + "/sent.jsonl"), as: UTF8.self).split(separator: "\n")
        #expect(history.count == 5)
        let boletos = jobs.compactMap { ($0["boleto"] as? [String: Any])?["nosso_numero"] as? String }
        #expect(Set(boletos).count == boletos.count)
    }

    @Test func overlappingStepsAreAConfigError() throws {
        let dir = try lettersWorkdir()
        try Data(#"{"steps":[{"name":"a","from_days":5,"to_days":30,"template":"a.txt"},{"name":"b","from_days":20,"template":"b.txt"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/bad.json"))
        let r = troca(["letters", "select", "--ladder", "bad.json", "--as-of", "2026-11-23", "titulos.jsonl"], cwd: dir)
        #expect(r.status == .config)
        #expect(r.stderrText == "troca: bad.json: error: [letters.ladder] steps \"a\" (5…30 days) and \"b\" (20… days) overlap at 20 days overdue\n")
        #expect(r.stdout.isEmpty)
    }
}

@Suite struct LettersRenderCLITests {
    func jobs(_ dir: String) -> [UInt8] { troca(selectArgs, cwd: dir).stdout }

    @Test func textPagesAndCounts() throws {
        let dir = try lettersWorkdir()
        let r = troca(["letters", "render", "--format", "text"] + allTemplates, stdin: jobs(dir), cwd: dir)
        #expect(r.status == .ok)
        #expect(r.stderrText == "troca: letters render: -: read 4 records: 4 letters rendered, 0 rejected, 0 skipped; 4 pages\n")
        let pages = r.stdoutText.split(separator: "\u{0C}", omittingEmptySubsequences: false)
        #expect(pages.count == 4)
        for page in pages {
            let lines = page.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == 64)
            #expect(lines.allSatisfy { $0.count <= 80 })
            #expect(lines.last?.hasSuffix("Página 1 de 1") == true)
        }
    }

    @Test func lstInCEPOrderWithATrailerThatAgrees() throws {
        let dir = try lettersWorkdir()
        let r = troca(["letters", "render", "--format", "lst", "--as-of", "2026-11-23", "--batch", "7"] + allTemplates, stdin: jobs(dir), cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        let lines = r.stdout.split(separator: 0x0A).map { Array($0) }
        #expect(lines.allSatisfy { $0.last == 0x0D })
        let records = lines.filter { [UInt8(ascii: "H"), UInt8(ascii: "C"), UInt8(ascii: "T")].contains($0.first) }
        // 400 bytes and the CR of CRLF.
        #expect(records.allSatisfy { $0.count == 401 })
        func field(_ line: [UInt8], _ from: Int, _ to: Int) -> String { String(decoding: line[(from - 1)..<to], as: UTF8.self) }
        #expect(field(lines[0], 1, 15) == "H00000723112026")
        // CEPs of the four letters: Maria 80010000, João 20040002, São José 89010000, Ana 66020000.
        let letters = records.filter { $0.first == UInt8(ascii: "C") }
        #expect(letters.map { field($0, 210, 217) } == ["20040002", "66020000", "80010000", "89010000"])
        #expect(letters.map { field($0, 2, 8) } == ["0000001", "0000002", "0000003", "0000004"])
        // CEPNet digit of 20040002: 2+4+2 = 8 → 2.
        #expect(field(letters[0], 250, 250) == "2")
        let trailer = try #require(lines.last)
        #expect(field(trailer, 1, 7) == "T000007")
        #expect(Int(field(trailer, 8, 14)) == 4)
        #expect(Int(field(trailer, 43, 52)) == lines.count)
        let printLines = lines.count - 2 - letters.count
        #expect(Int(field(trailer, 33, 42)) == printLines)
        // Print lines: ASA `1` opens each of the 4 pages, a blank the other lines; ç is one byte (E7).
        #expect(lines.filter { $0.first == UInt8(ascii: "1") }.count == 4)
        #expect(lines.contains { $0.starts(with: Array("1COBRAN".utf8) + [0xC7]) })
        #expect(r.stderrText.contains("LST trailer: 4 letters, 4 sheets, 4 pages, \(printLines) print lines, \(lines.count) records (equal to the \(lines.count) lines written)"))
    }

    @Test func badJobsAreRejectedAndTheRestRendered() throws {
        let dir = try lettersWorkdir()
        let good = String(decoding: jobs(dir), as: UTF8.self).split(separator: "\n")[0]
        let badCEP = good.replacingOccurrences(of: #""cep":"80010000""#, with: #""cep":"8001""#)
        let noDistrict = good.replacingOccurrences(of: #""district":"Centro","#, with: "")
        let otherTemplate = good.replacingOccurrences(of: "cobranca-30.txt", with: "outra.txt")
        let input = [String(good), badCEP, "not json", noDistrict, otherTemplate, #"{"record":"title"}"#].joined(separator: "\n") + "\n"
        let r = troca(["letters", "render", "--template", "cobranca-30.txt", "--rejects", "rej.jsonl"], stdin: Array(input.utf8), cwd: dir)
        #expect(r.status == .dataError)
        // Said at the bad CEP's value, and at the address that lacks its district.
        func column(of text: String, in line: Substring) -> Int { Array(line.utf8).firstRange(of: Array(text.utf8))!.lowerBound + 1 }
        let cepColumn = column(of: #""8001""#, in: badCEP[...])
        let addressColumn = column(of: #""address":"#, in: noDistrict[...]) + #""address":"#.utf8.count
        #expect(r.stderrText.contains("-:2:\(cepColumn): error: [letters.address] address not mailable: payer.address.cep \"8001\" is not 8 digits"))
        #expect(r.stderrText.contains("-:3:1: error: [letters.json] expected a JSON object: not valid JSON at \"n\""))
        #expect(r.stderrText.contains("-:4:\(addressColumn): error: [letters.address] address not mailable: payer.address.district is missing"))
        #expect(Array(noDistrict.utf8)[addressColumn - 1] == UInt8(ascii: "{"))
        #expect(r.stderrText.contains("-:5: error: [letters.template] the job asks for template \"outra.txt\", not among --template cobranca-30.txt"))
        #expect(r.stderrText.contains("letters render: -: read 6 records: 1 letter rendered, 4 rejected, 1 skipped; 1 page"))
        #expect(String(decoding: bytes(dir + "/rej.jsonl"), as: UTF8.self).split(separator: "\n").count == 4)
    }

    @Test func missingValueRejectsOneJob() throws {
        let dir = try lettersWorkdir()
        try Data("{{payer.name}}\n{{payer.address.complement}}\n".utf8).write(to: URL(fileURLWithPath: dir + "/t.txt"))
        let input = Array(String(decoding: jobs(dir), as: UTF8.self).replacingOccurrences(of: "cobranca-30.txt", with: "t.txt").replacingOccurrences(of: "aviso-final-60.txt", with: "t.txt").replacingOccurrences(of: "lembrete-5.txt", with: "t.txt").utf8)
        let r = troca(["letters", "render", "--template", "t.txt"], stdin: input, cwd: dir)
        // Maria (apto 45) and São José (loja 2) have a complement; João and Ana have none.
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("-:2: error: [letters.missing-value] payer.address.complement is missing (t.txt:2:1)"))
        #expect(r.stderrText.contains("read 4 records: 2 letters rendered, 2 rejected, 0 skipped"))
    }

    @Test func aBadTemplateStopsBeforeReading() throws {
        let dir = try lettersWorkdir()
        try Data("Prezado {{payer.name}},\n\n{{#titles}}\n  {{document_number}} {{valor | money}}\n{{/titles}}\n".utf8).write(to: URL(fileURLWithPath: dir + "/t.txt"))
        let r = troca(["letters", "render", "--template", "t.txt"], stdin: jobs(dir), cwd: dir)
        #expect(r.status == .config)
        #expect(r.stderrText.hasPrefix("troca: t.txt:4:23: error: [letters.template-field] unknown field \"valor\""), "\(r.stderrText)")
        #expect(r.stdout.isEmpty)
    }
}

/// Runs a tool and returns its status and standard output.
func run(_ tool: String, _ args: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [tool] + args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The bars of each barcode drawn in a PDF's content streams (`x y w h re` lines up to `f`),
/// read back as Interleaved 2 of 5 elements: bar widths from `w`, space widths from the gap to
/// the next bar; narrow is the thinnest element, wide anything over twice it.
func barcodesDrawn(in pdf: [UInt8]) throws -> [[UInt8]] {
    let text = String(decoding: pdf.map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self)
    var found: [[UInt8]] = []
    var bars: [(x: Double, w: Double)] = []
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ")
        // Bars are 36.85 pt high (a QR code's modules are small squares).
        if parts.count == 5, parts[4] == "re", parts[3] == "36.85", let x = Double(parts[0]), let w = Double(parts[2]) {
            bars.append((x, w))
        } else if line == "f", !bars.isEmpty {
            var widths: [(isBar: Bool, width: Double)] = []
            for (k, b) in bars.enumerated() {
                widths.append((true, b.w))
                if k + 1 < bars.count { widths.append((false, bars[k + 1].x - (b.x + b.w))) }
            }
            let narrow = widths.map(\.width).min()!
            let elements = widths.map { Interleaved2of5.Element(isBar: $0.isBar, isWide: $0.width > 2 * narrow) }
            found.append(try Interleaved2of5.decode(elements))
            bars = []
        }
    }
    return found
}

@Suite struct LettersPDFTests {
    @Test func aRealPDFReadByPopplerWithBarsThatDecode() throws {
        let dir = try lettersWorkdir()
        let jobs = troca(selectArgs, cwd: dir).records
        let r = troca(["letters", "render", "--format", "pdf", "--output", "cartas.pdf"] + allTemplates, stdin: troca(selectArgs, cwd: dir).stdout, cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        let pdf = bytes(dir + "/cartas.pdf")
        #expect(pdf.starts(with: Array("%PDF-1.4".utf8)))
        #expect(!String(decoding: pdf.map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self).contains("CreationDate"))
        // pdftotext (poppler-utils; .ci/run installs it) finds every letter's name, amount and line.
        let text = try run("pdftotext", ["-layout", dir + "/cartas.pdf", "-"])
        #expect(text.status == 0, "pdftotext failed: install poppler-utils")
        for job in jobs {
            let payer = try #require(job["payer"] as? [String: Any])
            let name = try #require(payer["name"] as? String)
            #expect(text.output.contains(name.uppercased()), "\(name)")
            let total = try #require(job["updated_total_cents"] as? Int)
            // R$ with the thousands dot and decimal comma, e.g. 312900 → R$ 3.129,00.
            let reais = total / 100
            let money = "R$ " + (reais >= 1000 ? "\(reais / 1000).\(String(format: "%03d", reais % 1000))" : "\(reais)") + "," + String(format: "%02d", total % 100)
            #expect(text.output.contains(money), "\(money)")
            if let boleto = job["boleto"] as? [String: Any], let linha = boleto["linha_digitavel"] as? String {
                let d = Array(linha)
                let formatted = "\(String(d[0..<5])).\(String(d[5..<10])) \(String(d[10..<15])).\(String(d[15..<21])) \(String(d[21..<26])).\(String(d[26..<32])) \(d[32]) \(String(d[33...]))"
                #expect(text.output.contains(formatted), "\(formatted)")
            }
        }
        #expect(text.output.contains("Conceição"), "ç and ã print as themselves")
        // pdftoppm renders a page without error.
        let png = try run("pdftoppm", ["-r", "30", "-png", "-f", "1", "-l", "1", dir + "/cartas.pdf", dir + "/page"])
        #expect(png.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/page-1.png"))
        // The drawn bars decode to the barcode of each letter with a boleto, in order.
        let expected = jobs.compactMap { ($0["boleto"] as? [String: Any])?["barcode"] as? String }
        #expect(expected.count == 3)
        #expect(try barcodesDrawn(in: pdf).map { String(decoding: $0, as: UTF8.self) } == expected)
    }
}

/// Each QR code drawn in a PDF's content streams: its rectangles (`x y w h re` of one module's
/// height, up to `f`).
func qrCodesDrawn(in pdf: [UInt8]) -> [[(x: Double, y: Double, w: Double, h: Double)]] {
    let text = String(decoding: pdf.map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self)
    var found: [[(x: Double, y: Double, w: Double, h: Double)]] = []
    var rects: [(x: Double, y: Double, w: Double, h: Double)] = []
    for line in text.split(separator: "\n") {
        let p = line.split(separator: " ").compactMap { Double($0) }
        if line.hasSuffix(" re"), p.count == 4, !line.contains(" 36.85 re") {
            rects.append((p[0], p[1], p[2], p[3]))
        } else if line == "f" {
            if !rects.isEmpty { found.append(rects) }
            rects = []
        }
    }
    return found
}

/// The letters' Pix payloads rendered in a PDF, read back from the page images: pdftoppm renders
/// each page at 200 dpi, zbarimg (zbar-tools; .ci/run installs it) reads its QR codes.
func qrPayloadsRead(from pdfPath: String, dir: String) throws -> [String] {
    let r = try run("pdftoppm", ["-r", "200", "-gray", pdfPath, dir + "/qr-page"])
    #expect(r.status == 0, "pdftoppm failed: install poppler-utils")
    let pages = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("qr-page") && $0.hasSuffix(".pgm") }
    #expect(!pages.isEmpty)
    // pdftoppm pads the page numbers to the same width: names sort in page order.
    var read: [String] = []
    for page in pages.sorted() {
        let z = try run("zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", dir + "/" + page])
        // zbarimg exits 4 when a page has no symbol, 127 when it is not installed.
        #expect(z.status == 0 || z.status == 4, "zbarimg failed on \(page): install zbar-tools")
        read += z.output.split(separator: "\n").map(String.init)
    }
    return read
}

@Suite struct LettersPDFQRCodeTests {
    /// The sample ladder's boleto account has a Pix key, and its boleto templates draw
    /// `{{emv | qr}}` under the bars: each letter with a boleto carries a static BR Code for its
    /// updated total with txid CARTA + its sequence; every QR code reads back from the rendered
    /// page to its letter's exact payload, is 30–40 mm square, is drawn with fewer rectangles than
    /// it has dark modules, and the letters' text (the payload as "Pix copia e cola" too) is
    /// still there for pdftotext.
    @Test func pixQRCodesReadBackFromThePage() throws {
        let dir = try lettersWorkdir()
        let jobs = troca(selectArgs, cwd: dir).records
        var payloads: [String] = []
        for job in jobs {
            guard let boleto = job["boleto"] as? [String: Any] else { continue }
            let pix = try #require(boleto["pix"] as? [String: Any])
            let emv = try #require(pix["emv"] as? String)
            let code = try PixBRCode.decode(emv)
            #expect(code.key == "cobranca@exemplo.com.br" && code.merchantName == "Cobranca Exemplo Ltda" && code.merchantCity == "Sao Paulo")
            #expect(code.amountCents == boleto["amount_cents"] as? Int && code.amountCents == job["updated_total_cents"] as? Int)
            #expect(code.txid == "CARTA\(try #require(job["sequence"] as? Int))" && pix["txid"] as? String == code.txid)
            payloads.append(emv)
        }
        #expect(payloads.count == 3)
        let r = troca(["letters", "render", "--format", "pdf", "--output", "cartas.pdf"] + allTemplates, stdin: troca(selectArgs, cwd: dir).stdout, cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(try qrPayloadsRead(from: dir + "/cartas.pdf", dir: dir) == payloads)
        let drawn = qrCodesDrawn(in: bytes(dir + "/cartas.pdf"))
        #expect(drawn.count == 3)
        for (rects, payload) in zip(drawn, payloads) {
            let side = (rects.map { $0.x + $0.w }.max()! - rects.map(\.x).min()!) * 25.4 / 72
            let height = (rects.map { $0.y + $0.h }.max()! - rects.map(\.y).min()!) * 25.4 / 72
            #expect((30...40).contains(side) && abs(side - height) < 0.5, "\(side) × \(height) mm")
            let symbol = try QRCode(text: payload)
            #expect(rects.count < symbol.modules.filter { $0 }.count)
        }
        let text = try run("pdftotext", ["-layout", dir + "/cartas.pdf", "-"])
        #expect(text.status == 0, "pdftotext failed: install poppler-utils")
        // "Pix copia e cola" wraps at the page width (at a blank): compared without blanks.
        let printed = text.output.filter { !$0.isWhitespace }
        for payload in payloads { #expect(printed.contains("Pixcopiaecola:" + payload.filter { !$0.isWhitespace }), "\(payload)") }
        #expect(text.output.contains("MARIA DA CONCEIÇÃO"), "the letters' text")
    }
}

@Suite struct LettersLSTOptionsTests {
    func jobs(_ dir: String) -> [UInt8] { troca(selectArgs, cwd: dir).stdout }

    /// A template with {{newpage}} gives 2 pages a letter: 4 letters, 8 pages; simplex 8 sheets,
    /// duplex 4 (two pages a sheet).
    /// No job, no PDF: a file of no pages is not one poppler opens, so none is written.
    @Test func noLettersWriteNoPDF() throws {
        let dir = try lettersWorkdir()
        let r = troca(["letters", "render", "--template", "cobranca-30.txt", "--format", "pdf", "--output", "none.pdf"], stdin: [], cwd: dir)
        #expect(r.status == .ok)
        #expect(r.stderrText.contains("no PDF written: no letter to put in it"), "\(r.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.pdf"))
    }

    @Test func duplexHalvesTheSheets() throws {
        let dir = try lettersWorkdir()
        try Data("{{payer.name}}\n{{newpage}}\n{{statement}}\n".utf8).write(to: URL(fileURLWithPath: dir + "/t.txt"))
        let input = Array(String(decoding: jobs(dir), as: UTF8.self).replacingOccurrences(of: #""template":"[a-z0-9-]*\.txt""#, with: #""template":"t.txt""#, options: .regularExpression).utf8)
        let simplex = troca(["letters", "render", "--template", "t.txt", "--format", "lst"], stdin: input, cwd: dir)
        let duplex = troca(["letters", "render", "--template", "t.txt", "--format", "lst", "--duplex"], stdin: input, cwd: dir)
        #expect(simplex.stderrText.contains("LST trailer: 4 letters, 8 sheets, 8 pages"), "\(simplex.stderrText)")
        #expect(duplex.stderrText.contains("LST trailer: 4 letters, 4 sheets, 8 pages"), "\(duplex.stderrText)")
        // folhas (59–61) and páginas (62–64) of the first letter record.
        let record = try #require(duplex.stdout.split(separator: 0x0A).first { $0.first == UInt8(ascii: "C") })
        #expect(String(decoding: record.dropFirst(58).prefix(6), as: UTF8.self) == "001002")
    }

    @Test func aLayoutWithoutTheLSTRecordsIsAConfigError() throws {
        let dir = try lettersWorkdir()
        let r = troca(["letters", "render", "--template", "cobranca-30.txt", "--format", "lst", "--lst-layout", "erp/baixas"], stdin: jobs(dir), cwd: dir)
        #expect(r.status == .config)
        #expect(
            r.stderrText
                == "troca: built-in erp/baixas.json: error: [layout.lst] layout erp/baixas has no record named \"header\" (an LST layout needs header, letter and trailer)\n"
        )
    }

    /// The LST fixture's first job, changed by `edit`.
    func lstJob(_ edit: (String) -> String = { $0 }) -> String {
        let jobs = String(decoding: FileManager.default.contents(atPath: repoRoot + "/Fixtures/letters-render/0002-lst/stdin")!, as: UTF8.self)
        return edit(String(jobs.split(separator: "\n")[0])) + "\n"
    }

    /// A job whose sender the LST header cannot hold is rejected with its line (the next job's
    /// sender goes to the header); the run goes on and exits 65, read = rendered + rejected.
    @Test func aSenderTheHeaderCannotHoldRejectsItsJob() throws {
        let dir = try lettersWorkdir()
        let long = lstJob { $0.replacingOccurrences(of: #""document":"11222333000181""#, with: #""document":"112223330001810000""#) }
        let r = troca(["letters", "render", "--template", "cobranca-30.txt", "--format", "lst", "--as-of", "2026-11-23"], stdin: Array((long + lstJob()).utf8), cwd: dir)
        #expect(r.status == .dataError)
        #expect(
            r.stderrText.hasPrefix(
                "troca: -:1: error: [letters.lst] the LST header cannot hold this job's sender: remetente_documento: sender.document: \"112223330001810000\" is longer than"),
            "\(r.stderrText)")
        #expect(r.stderrText.contains("read 2 records: 1 letter rendered, 1 rejected, 0 skipped"), "\(r.stderrText)")
        let header = try #require(r.stdout.split(separator: 0x0A).first)
        #expect(String(decoding: header.dropFirst(65).prefix(14), as: UTF8.self) == "11222333000181")
    }

    /// A job refused between letters after it was rendered (its sender is the one the header
    /// would take, and cannot hold) leaves the others' bytes as they are: the spool is written
    /// from the chunk's output around it, and the LST is the one of the jobs without it.
    @Test func aJobRefusedBetweenLettersLeavesTheirBytes() throws {
        let dir = try lettersWorkdir()
        // A template that needs no sender (the jobs without one are letters too).
        try Data("{{payer.name}}\nCarta {{sequence}}, {{payer.address.city}}\n{{#sender}}De: {{name}}{{/sender}}\n".utf8).write(
            to: URL(fileURLWithPath: dir + "/cobranca-30.txt"))
        let sender = #","sender":{"name":"Cobrança Exemplo Ltda","document":"11222333000181","address":{"street":"Avenida Paulista","number":"1000","complement":"conj 12","district":"Bela Vista","city":"São Paulo","state":"SP","cep":"01310100"}}"#
        let noSender = lstJob { $0.replacingOccurrences(of: sender, with: "") }
        #expect(noSender != lstJob())
        let long = lstJob { $0.replacingOccurrences(of: #""document":"11222333000181""#, with: #""document":"112223330001810000""#) }
        let args = ["letters", "render", "--template", "cobranca-30.txt", "--format", "lst", "--as-of", "2026-11-23"]
        let with = troca(args, stdin: Array((noSender + noSender + long + lstJob() + noSender).utf8), cwd: dir)
        let without = troca(args, stdin: Array((noSender + noSender + lstJob() + noSender).utf8), cwd: dir)
        #expect(with.status == .dataError)
        #expect(with.stderrText.contains("troca: -:3: error: [letters.lst] the LST header cannot hold this job's sender"), "\(with.stderrText)")
        #expect(with.stderrText.contains("read 5 records: 4 letters rendered, 1 rejected, 0 skipped"), "\(with.stderrText)")
        #expect(without.status == .ok, "\(without.stderrText)")
        #expect(with.stdout == without.stdout)
    }

    /// Only the job whose sender the header takes is checked against the header: a later job's
    /// sender, in a later chunk of input (128 KiB), does not reject it.
    @Test func aLaterJobsLongSenderIsNotRejected() throws {
        let dir = try lettersWorkdir()
        let long = lstJob { $0.replacingOccurrences(of: #""document":"11222333000181""#, with: #""document":"112223330001810000""#) }
        // The chunk is cut once it holds 128 KiB: the long job is the first of the second chunk.
        let first = (128 << 10) / (lstJob().utf8.count - 1) + 1
        let jobs = String(repeating: lstJob(), count: first) + long + String(repeating: lstJob(), count: 200 - first)
        let r = troca(["letters", "render", "--template", "cobranca-30.txt", "--format", "lst", "--as-of", "2026-11-23"], stdin: Array(jobs.utf8), cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains("read 201 records: 201 letters rendered, 0 rejected, 0 skipped"), "\(r.stderrText)")
    }

    /// What the header takes from options is checked before any job is read (a usage error); what
    /// only the whole file can overflow (the trailer's boleto total) is an output error, in the
    /// diagnostic format, and no output file is left.
    @Test func lstHeaderOptionsAndTrailerOverflow() throws {
        let dir = try lettersWorkdir()
        let batch = troca(["letters", "render", "--template", "cobranca-30.txt", "--format", "lst", "--batch", "12345678"], stdin: Array(lstJob().utf8), cwd: dir)
        #expect(batch.status == .usage)
        #expect(batch.stderrText.contains("the LST header cannot hold --batch 12345678"), "\(batch.stderrText)")
        #expect(batch.stdout.isEmpty)
        let big = lstJob { $0.replacingOccurrences(of: #""amount_cents":197725,"barcode""#, with: #""amount_cents":999999999999999,"barcode""#) }
        #expect(big != lstJob())
        let r = troca(
            ["letters", "render", "--template", "cobranca-30.txt", "--format", "lst", "--as-of", "2026-11-23", "--output", "out.lst"],
            stdin: Array((big + big).utf8), cwd: dir)
        #expect(r.status == .ioError)
        #expect(r.stderrText.hasPrefix("troca: out.lst: error: [letters.lst-output] valor_boletos: "), "\(r.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.lst"))
    }

    @Test func maxRejectsStopsTheRun() throws {
        let dir = try lettersWorkdir()
        let bad = Array(String(repeating: "{\"record\":\"letter\",\"template\":\"cobranca-30.txt\"}\n", count: 5).utf8)
        let r = troca(["letters", "render", "--template", "cobranca-30.txt", "--max-rejects", "1"], stdin: bad, cwd: dir)
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("read 2 records: 0 letters rendered, 2 rejected, 0 skipped; 0 pages; stopped after 2 rejects (--max-rejects 1)"), "\(r.stderrText)")
    }
}

extension BinaryTests {
    /// `letters render` on 1, 2 and 3 threads (TROCA_THREADS, real processes): the same LST,
    /// text, rejects, diagnostics, summary and exit status, on about 3,000 jobs (some 30 chunks)
    /// with bad addresses, unknown templates, broken JSON, other records and blank lines among
    /// them, and with --max-rejects stopping in the middle.
    @Test func lettersRenderThreadsChangeNoByte() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = String(decoding: bytes(repoRoot + "/Fixtures/letters-render/0002-lst/stdin"), as: UTF8.self).split(separator: "\n").map(String.init)
        let bad = String(decoding: bytes(repoRoot + "/Fixtures/letters-render/0003-rejected-jobs/stdin"), as: UTF8.self).split(separator: "\n").map(String.init)
        var lines: [String] = []
        for k in 0..<3_000 {
            switch k % 89 {
            case 7, 31, 55, 70: lines.append(bad[(k / 89 + k) % bad.count])
            case 40: lines.append("")
            default:
                // Distinct sequences and CEPs (several letters per CEP, to check the stable order).
                let job = good[k % good.count]
                    .replacingOccurrences(of: #""sequence":4"#, with: "\"sequence\":\(k)0")
                    .replacingOccurrences(of: #""cep":"0"#, with: "\"cep\":\"\(k % 7)")
                lines.append(job)
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/jobs.jsonl", atomically: true, encoding: .utf8)
        let templates = allTemplates.joined(separator: " ")
        // With --max-rejects, the summary's read and skipped counts take in the blank lines read
        // ahead of the stop, which depends on the threads (as before this test): its other words only.
        for (extra, summary) in [
            ("--format lst --as-of 2026-11-23", ""), ("--format text", ""), ("--format lst --as-of 2026-11-23 --max-rejects 60", "| sed 's/read [0-9]* records//; s/, [0-9]* skipped//'"),
        ] {
            let outcomes = try outputsWithThreads(
                "'\(binary)' letters render \(templates) \(extra) --rejects rej.jsonl jobs.jsonl > out 2> err.txt; echo status=$?; md5sum out rej.jsonl | cut -c1-32; head -n -1 err.txt | md5sum; wc -l < out; tail -1 err.txt \(summary)", cwd: dir)
            #expect(outcomes[0].contains("status=65") && outcomes[0].contains("rejected"), "\(outcomes[0])")
            #expect(outcomes[1] == outcomes[0] && outcomes[2] == outcomes[0], "\(outcomes)")
        }
    }
}

extension BinaryTests {
    /// `letters render --format lst` on 1, 2 and 3 threads (TROCA_THREADS, real processes): the
    /// same LST, diagnostics, summary and exit status, for some 2.7 MB of letters in no CEP order
    /// (all in one run in memory), with bad lines among them; and the same with runs of 64 KiB
    /// (`TROCA_LST_RUN_BYTES`): some forty runs sorted, written to the spool file and merged.
    @Test func lettersRenderLSTThreadsChangeNoByte() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let jobs = String(decoding: FileManager.default.contents(atPath: repoRoot + "/Fixtures/letters-render/0002-lst/stdin")!, as: UTF8.self)
            .split(separator: "\n").map(String.init)
        var lines: [String] = []
        for k in 0..<1600 {
            var job = jobs[k % jobs.count]
            // The payer's CEP (the first in the line), in no order.
            if let r = job.range(of: #""cep":""#) {
                job.replaceSubrange(r.upperBound..<job.index(r.upperBound, offsetBy: 8), with: String(format: "%08d", (k * 7919) % 99_999_989 + 10))
            }
            if k % 97 == 5 { job = "not json \(k)" }
            lines.append(job)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/jobs.jsonl", atomically: true, encoding: .utf8)
        let outputs = try outputsWithThreads(
            "'\(binary)' letters render --template cobranca-30.txt --template lembrete-5.txt --template aviso-final-60.txt --format lst "
                + "--as-of 2026-11-23 jobs.jsonl > out.lst 2> err.txt; echo \"status $?\"; wc -c < out.lst; sha256sum < out.lst; cat err.txt",
            cwd: dir)
        #expect(outputs[0].contains("status 65"), "\(outputs[0])")
        #expect(outputs[0].contains("read 1600 records: 1583 letters rendered, 17 rejected"), "\(outputs[0])")
        let size = Int(outputs[0].split(separator: "\n")[1]) ?? 0
        #expect(size > 2 << 20, "\(size) bytes")
        #expect(outputs[1] == outputs[0])
        #expect(outputs[2] == outputs[0])
        let runs = try shell(
            "TROCA_LST_RUN_BYTES=65536 '\(binary)' letters render --template cobranca-30.txt --template lembrete-5.txt --template aviso-final-60.txt "
                + "--format lst --as-of 2026-11-23 jobs.jsonl > out.lst 2> err.txt; echo \"status $?\"; wc -c < out.lst; sha256sum < out.lst; cat err.txt",
            cwd: dir
        ).output
        #expect(runs == outputs[0])
    }
}
