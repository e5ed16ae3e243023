import Foundation
import Testing
import TrocaCLI

/// Review (letters select: documents compared as raw strings): a party's document written with
/// its punctuation (`529.982.247-25`) and without (`52998224725`) is one party, for grouping,
/// agreements and the history alike.
@Suite struct LettersPartyDocumentTests {
    @Test func aDocumentWithOrWithoutPunctuationIsOneParty() throws {
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var titles = String(decoding: bytes(dir + "/titulos.jsonl"), as: UTF8.self)
        // Maria's second título, the Padaria's agreement and Pedro's letter in the history, masked.
        let maria = #""document_number":"NF-1002","#
        let lines = titles.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.contains(maria) ? line.replacingOccurrences(of: #""document":"52998224725""#, with: #""document":"529.982.247-25""#) : String(line)
        }
        titles = lines.joined(separator: "\n")
        #expect(titles.contains("529.982.247-25"))
        titles = titles.replacingOccurrences(
            of: #""party_document":"04252011000110""#, with: #""party_document":"04.252.011/0001-10""#)
        try Data(titles.utf8).write(to: URL(fileURLWithPath: dir + "/titulos.jsonl"))
        let history = String(decoding: bytes(dir + "/sent.jsonl"), as: UTF8.self)
            .replacingOccurrences(of: #""party":"21522345640""#, with: #""party":"215.223.456-40""#)
        try Data(history.utf8).write(to: URL(fileURLWithPath: dir + "/sent.jsonl"))
        let r = troca(selectArgs + ["--commit"], cwd: dir)
        // As with the bare documents (LettersSelectCLITests.countsReconcile).
        #expect(
            r.stderrText.contains(
                "13 títulos → 5 in 4 letters, 1 not yet due, 3 skipped (in a current agreement 1, below the minimum balance 1, already sent this step 1"),
            "\(r.stderrText)")
        let job = try #require(r.records.first)
        #expect((job["titles"] as? [[String: Any]])?.count == 2, "both of Maria's títulos in her one letter")
        let appended = String(decoding: bytes(dir + "/sent.jsonl"), as: UTF8.self).split(separator: "\n").dropFirst()
        #expect(appended.first?.contains(#""party":"52998224725","step":"cobranca-30""#) == true, "\(appended)")
    }

    /// An agreement naming the party with punctuation keeps its letter back, and the other way round.
    @Test(arguments: [("444.444.444-44", "44444444444"), ("44444444444", "444.444.444-44")])
    func anAgreementMatchesTheDocumentHoweverWritten(agreement: String, title: String) throws {
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let titles = String(decoding: bytes(dir + "/titulos.jsonl"), as: UTF8.self)
            .replacingOccurrences(of: #""document":"52998224725""#, with: #""document":"\#(title)""#)
            + #"{"record":"agreement_status","party_document":"\#(agreement)","status":"current"}"# + "\n"
        try Data(titles.utf8).write(to: URL(fileURLWithPath: dir + "/titulos.jsonl"))
        let r = troca(selectArgs, cwd: dir)
        #expect(r.stderrText.contains("→ 3 in 3 letters, 1 not yet due, 5 skipped (in a current agreement 3,"), "\(r.stderrText)")
    }
}
