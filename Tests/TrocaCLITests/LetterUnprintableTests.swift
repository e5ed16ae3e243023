import Foundation
import Testing

@testable import TrocaCLI

extension BinaryTests {
    /// The LST finds a character Windows-1252 lacks as it encodes the print lines (after the
    /// letter record), the PDF before it lays a letter out: the same jobs refused for the same
    /// character at the same column, in the payer, the sender, the statement or the Pix code, a
    /// Latin letter folded rather than refused, and the character refusing a job before a letter
    /// record that cannot hold it (an address not mailable is said first, in both).
    @Test func lettersLSTRefusesWhatThePDFRefuses() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try lettersWorkdir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let job = String(decoding: FileManager.default.contents(atPath: repoRoot + "/Fixtures/letters-render/0002-lst/stdin")!, as: UTF8.self)
            .split(separator: "\n")[0]
        func variant(_ from: String, _ to: String) -> String {
            let s = String(job)
            guard let r = s.range(of: from) else { return s }
            return s.replacingCharacters(in: r, with: to)
        }
        let payer = try #require(job.range(of: #""payer":{"name":""#).map { String(job[$0.upperBound...].prefix { $0 != "\"" }) })
        let jobs = [
            String(job),
            variant(#""payer":{"name":""# + payer, #""payer":{"name":"Li 李 Wei"#),
            variant(#""sender":{"name":""#, #""sender":{"name":"✓ "#),
            variant(#""document_number":""#, #""document_number":"李"#),
            variant(#""payer":{"name":""# + payer, #""payer":{"name":"Łukasz Wójcik ő"#),
            variant(#""payer":{"name":""# + payer, #""payer":{"name":"Li 李 Wei"#).replacingOccurrences(
                of: #""inserts":""#, with: #""inserts":""# + String(repeating: "X", count: 300)),
            variant(#""cep":""#, #""cep":"李"#),
        ]
        try (jobs.joined(separator: "\n") + "\n").write(toFile: dir + "/jobs.jsonl", atomically: true, encoding: .utf8)
        func refusals(_ format: String) throws -> [String] {
            let out = try shell(
                "'\(binary)' letters render --template cobranca-30.txt --template lembrete-5.txt --template aviso-final-60.txt --format \(format) "
                    + "--as-of 2026-11-23 jobs.jsonl --output out.\(format) 2>&1",
                cwd: dir
            ).output
            return out.split(separator: "\n").filter { $0.contains("error:") }.map {
                // The line, column and reason, without the format's own words.
                String($0).replacingOccurrences(of: "the LST's print lines (Windows-1252)", with: "W").replacingOccurrences(
                    of: "the PDF's fonts (WinAnsiEncoding, Windows-1252)", with: "W"
                ).replacingOccurrences(of: "[letters.lst]", with: "[code]").replacingOccurrences(of: "[letters.pdf]", with: "[code]")
            }
        }
        let lst = try refusals("lst")
        #expect(lst == (try refusals("pdf")))
        #expect(lst.count == 5, "\(lst)")
        #expect(lst.filter { $0.contains("cannot print \"李\"") }.count == 3, "\(lst)")
        #expect(lst.contains { $0.contains("jobs.jsonl:6:") && $0.contains("cannot print \"李\"") }, "\(lst)")
        #expect(lst.contains { $0.contains("jobs.jsonl:7:") && $0.contains("letters.address") }, "\(lst)")
    }
}
