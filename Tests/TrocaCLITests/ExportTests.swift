import Foundation
import Testing
import TrocaCLI

/// `troca export csv`: formula neutralisation, Excel pt-BR conventions, and the round trip
/// import(export(x)) == x.
@Suite struct ExportTests {
    static let titleColumns = [
        "document_number", "nosso_numero", "bank", "carteira", "issue_date", "due_date", "amount_cents", "payer.name",
        "payer.document", "payer.document_type", "payer.address.street", "payer.address.number", "payer.address.complement",
        "payer.address.district", "payer.address.city", "payer.address.state", "payer.address.cep",
    ]

    /// A map reading back every exported column under its own name.
    static func identityMap(_ columns: [String]) -> String {
        let fields = columns.map { c -> String in
            let type = c == "payer.document_type" ? ",\"type\":\"text\"" : ""
            return "{\"to\":\"\(c)\",\"column\":\"\(c)\"\(type)}"
        }
        return "{\"record\":\"title\",\"fields\":[" + fields.joined(separator: ",") + "]}"
    }

    static func withoutSource(_ records: [[String: Any]]) -> [NSDictionary] {
        records.map { r in
            var r = r
            r["source"] = nil
            return r as NSDictionary
        }
    }

    @Test(arguments: [true, false])
    func roundTrip(excelBR: Bool) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.identityMap(Self.titleColumns).write(toFile: dir + "/map.json", atomically: true, encoding: .utf8)

        let imported = troca(["import", "titles", "--map", "maps/titulos.json", "Fixtures/samples/imports/titulos.csv"])
        #expect(imported.status == .ok)
        #expect(imported.records.count == 3)
        // Cells export neutralises (a formula, a lone "-", a phone "+55", text already starting
        // with "'") and text that only looks like a date come back as they were.
        let tricky = [
            #"{"record":"title","document_number":"=HYPERLINK(\"x\")","due_date":"2026-04-10","amount_cents":-5,"payer":{"name":"'já com aspa","address":{"street":"-Rua","complement":"-","city":"+55"}}}"#,
            #"{"record":"title","document_number":"2026-01-05","due_date":"2026-04-11","amount_cents":100,"payer":{"name":"''duas","address":{"street":"@casa","complement":"'=x","city":"'a"}}}"#,
        ]
        let trickyRecords = try tricky.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let exported = troca(
            ["export", "csv", "--columns", Self.titleColumns.joined(separator: ",")] + (excelBR ? ["--excel-br"] : []),
            stdin: imported.stdout + Array(tricky.map { $0 + "\n" }.joined().utf8))
        #expect(exported.status == .ok)
        if excelBR {
            #expect(exported.stdout.starts(with: [0xEF, 0xBB, 0xBF]))
            #expect(exported.stdoutText.contains(";1.234,56;"))
            #expect(exported.stdoutText.contains(";10/04/2026;"))
            #expect(exported.stdoutText.contains("\r\n"))
            #expect(exported.stdoutText.contains("\r\n2026-01-05;;;;;11/04/2026;1,00;'''duas;"), "\(exported.stdoutText)")
        } else {
            #expect(exported.stdoutText.contains(",1234.56,"))
            #expect(exported.stdoutText.contains(",2026-04-10,"))
            #expect(exported.stdoutText.contains("\n2026-01-05,,,,,2026-04-11,1.00,'''duas,"), "\(exported.stdoutText)")
        }
        #expect(exported.stdoutText.contains("\"'=HYPERLINK(\"\"x\"\")\""))
        let again = troca(["import", "titles", "--map", dir + "/map.json", "-"], stdin: exported.stdout)
        #expect(again.status == .ok, "\(again.stderrText)")
        #expect(Self.withoutSource(again.records) == Self.withoutSource(imported.records + trickyRecords))
    }

    @Test(arguments: ["=1+1", "+55 11 9999", "-2+3", "@SUM(A1)", "\tx", "\rx"])
    func formulasAreNeutralised(text: String) throws {
        let json = "{\"record\":\"party\",\"name\":" + String(decoding: try JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast() + "}\n"
        for excel in [true, false] {
            let result = troca(["export", "csv", "--columns", "name"] + (excel ? ["--excel-br"] : []), stdin: Array(json.utf8))
            #expect(result.status == .ok)
            let bytes = result.stdout
            let body = String(decoding: bytes[(bytes.firstIndex(of: 0x0A).map { $0 + 1 } ?? 0)...], as: UTF8.self)
            let cell = body.hasPrefix("\"") ? String(body.dropFirst()) : body
            #expect(cell.hasPrefix("'" + String(text.prefix(1))), "\(body.debugDescription)")
        }
    }

    @Test func numbersWeFormatAreNotNeutralised() {
        let result = troca(["export", "csv", "--columns", "paid_cents,count"], stdin: Array("{\"paid_cents\":-150,\"count\":-2}\n".utf8))
        #expect(result.stdoutText == "paid_cents,count\n-1.50,-2\n")
    }

    @Test func notJSONIsRejectedAndTheRestWritten() {
        let result = troca(["export", "csv", "--columns", "a"], stdin: Array("{\"a\":\"x\"}\n[1]\nnope\n{\"a\":\"y\"}\n".utf8))
        #expect(result.status.rawValue == 65)
        #expect(result.stdoutText == "a\nx\ny\n")
        #expect(result.stderrText.contains("-:2:1: error: [export.json] expected a JSON object, found an array"))
        #expect(result.stderrText.contains("-:3:1: error: [export.json] expected a JSON object: not valid JSON at \"n\""))
        #expect(result.stderrText.contains("read 4 lines: 2 written, 2 rejected, 0 skipped"))
    }

    /// Every line is counted: with --record, the other records are skipped, and so are blank lines.
    @Test func otherRecordsAndBlankLinesAreSkippedAndCounted() {
        let input = "{\"record\":\"event\",\"a\":1}\n{\"record\":\"file\"}\n\n{\"record\":\"event\",\"a\":2}\n"
        let result = troca(["export", "csv", "--record", "event", "--columns", "a"], stdin: Array(input.utf8))
        #expect(result.status == .ok)
        #expect(result.stdoutText == "a\n1\n2\n")
        #expect(result.stderrText.contains("read 4 lines: 2 written, 0 rejected, 2 skipped"))
    }

    /// Centavos of 19 digits and more (beyond Int) were written from their digits, as amounts
    /// `troca import` cannot read back: like a fraction in a `_cents` field, they are rejected
    /// (`export.cents`), not written.
    @Test func longCentavosAreRejected() {
        let input = #"{"a_cents":1000000000000000000}"# + "\n" + #"{"a_cents":-123456789012345678901}"# + "\n" + #"{"a_cents":12.5}"# + "\n"
        for excelBR in [false, true] {
            let run = troca(["export", "csv", "--columns", "a_cents"] + (excelBR ? ["--excel-br"] : []), stdin: Array(input.utf8))
            #expect(run.stdoutText.hasSuffix("a_cents" + (excelBR ? "\r\n" : "\n")), "\(run.stdoutText)")
            #expect(run.status == .dataError)
            for line in 1...3 { #expect(run.stderrText.contains("-:\(line):12: error: [export.cents]"), "\(run.stderrText)") }
        }
    }
}

extension ExportTests {
    /// A JSONL file in UTF-16 with its byte order mark (what Windows PowerShell's `>` writes,
    /// little-endian; or big-endian), or without one (some exporters' "Unicode"), reads as its
    /// UTF-8 text would: the same rows, the same line count, no invented line from the NUL half
    /// of the last line break, no NUL passed through; in `export csv` (from a file and from
    /// standard input) and in `convert --to flat`.
    @Test(arguments: [true, false], [true, false])
    func utf16JSONLReadsAsUTF8(littleEndian: Bool, mark: Bool) throws {
        let text =
            #"{"record":"title","document_number":"NF-1","due_date":"2026-04-10","amount_cents":100,"payer":{"name":"Zé 😀"}}"# + "\r\n"
            + #"{"record":"title","document_number":"NF-2","due_date":"2026-04-11","amount_cents":200}"# + "\r\n"
        func encoded(_ text: String) -> [UInt8] {
            let units = text.utf16.flatMap { u -> [UInt8] in
                littleEndian ? [UInt8(u & 0xFF), UInt8(u >> 8)] : [UInt8(u >> 8), UInt8(u & 0xFF)]
            }
            return (mark ? (littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]) : []) + units
        }
        let utf16 = encoded(text)
        // A flat file is ASCII: the name without its emoji.
        let flatText = text.replacingOccurrences(of: " 😀", with: "")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(utf16).write(to: URL(fileURLWithPath: dir + "/in.jsonl"))
        try Data(encoded(flatText)).write(to: URL(fileURLWithPath: dir + "/flat.jsonl"))
        let expected = troca(["export", "csv", "--columns", "document_number,payer.name"], stdin: Array(text.utf8))
        #expect(expected.stdoutText == "document_number,payer.name\nNF-1,Zé 😀\nNF-2,\n")
        for run in [
            troca(["export", "csv", "--columns", "document_number,payer.name", "in.jsonl"], cwd: dir),
            troca(["export", "csv", "--columns", "document_number,payer.name"], stdin: utf16),
        ] {
            #expect(run.status == .ok, "\(run.stderrText)")
            #expect(run.stdoutText == expected.stdoutText)
            #expect(run.stderrText.hasSuffix("read 2 lines: 2 written, 0 rejected, 0 skipped\n"), "\(run.stderrText)")
        }
        let flat = troca(["convert", "--layout", "erp/titulos-abertos", "--to", "flat", "flat.jsonl"], cwd: dir)
        let flatExpected = troca(["convert", "--layout", "erp/titulos-abertos", "--to", "flat"], stdin: Array(flatText.utf8))
        #expect(flat.status == .ok, "\(flat.stderrText)")
        #expect(flat.stdout == flatExpected.stdout && flat.stdout.count == 2 * 222)
        #expect(flat.stderrText.hasSuffix("read 2 lines: 2 written, 0 rejected, 0 skipped\n"), "\(flat.stderrText)")
    }

    /// Money is integer centavos: a `*_cents` value that is not (a fraction, an exponent, a
    /// string) rejects its record at the value's column, and the rest is written.
    @Test func centsThatAreNotIntegersAreRejected() {
        let input = [
            #"{"a":"x","paid_cents":150}"#, #"{"a":"y","paid_cents":1.5}"#, #"{"paid_cents":"100"}"#, #"{"paid_cents":1e2}"#, #"{"a":"z"}"#,
        ].map { $0 + "\n" }.joined()
        let result = troca(["export", "csv", "--columns", "a,paid_cents"], stdin: Array(input.utf8))
        #expect(result.status == .dataError)
        #expect(result.stdoutText == "a,paid_cents\nx,1.50\nz,\n")
        let said = result.stderrText
        #expect(said.contains("-:2:23: error: [export.cents] expected integer centavos in paid_cents, found 1.5"), "\(said)")
        #expect(result.stderrText.contains("-:3:15: error: [export.cents] expected integer centavos in paid_cents, found \"100\""))
        #expect(result.stderrText.contains("-:4:15: error: [export.cents]"))
        #expect(result.stderrText.contains("read 5 lines: 2 written, 3 rejected, 0 skipped"))
    }

    /// `--columns 'document_number, amount_cents'`: the blank after the comma is not part of the
    /// path (it used to be, and every amount cell was empty with exit 0); an empty path is still
    /// a usage error; a path no record has is said at the end (export.column, a warning).
    @Test func columnPathsAreTrimmedAndUnmatchedOnesSaid() {
        let input = #"{"document_number":"A","amount_cents":150,"note":null}"# + "\n" + #"{"document_number":"B"}"# + "\n"
        let result = troca(["export", "csv", "--columns", " document_number, amount_cents\t,note"], stdin: Array(input.utf8))
        #expect(result.status == .ok, "\(result.stderrText)")
        #expect(result.stdoutText == "document_number,amount_cents,note\nA,1.50,\nB,,\n")
        #expect(!result.stderrText.contains("export.column"), "\(result.stderrText)")
        for empty in ["a,,b", "a, ,b", "a,"] {
            #expect(troca(["export", "csv", "--columns", empty], stdin: Array(input.utf8)).status == .usage, "\(empty)")
        }
        let typo = troca(["export", "csv", "--columns", "document_number,amount_cent"], stdin: Array(input.utf8))
        #expect(typo.status == .ok)
        #expect(
            typo.stderrText.contains("troca: -: warning: [export.column] no record written has amount_cent: its column is empty in every row"),
            "\(typo.stderrText)")
        #expect(typo.stderrText.hasSuffix("read 2 lines: 2 written, 0 rejected, 0 skipped\n"))
    }

    /// Centavos beyond 17 digits (9223372036854775807 was written 92233720368547758.07) are more
    /// than `troca import` reads in an amount: export refuses them (export.cents), so that
    /// import(export(x)) == x holds for every record exported; the largest that import reads,
    /// either sign and either convention, round-trips.
    @Test(arguments: [true, false])
    func centsImportCannotReadAreRejected(excelBR: Bool) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let map = #"{"record":"title","fields":[{"to":"document_number","column":"document_number"},{"to":"amount_cents","column":"amount_cents"}]}"#
        try map.write(toFile: dir + "/map.json", atomically: true, encoding: .utf8)
        let amounts = ["99999999999999999", "-99999999999999999", "100000000000000000", "9223372036854775807", "-9223372036854775808", "123456789012345678901"]
        let input = amounts.enumerated().map { #"{"document_number":"D\#($0.offset)","amount_cents":\#($0.element)}"# + "\n" }.joined()
        let exported = troca(["export", "csv", "--columns", "document_number,amount_cents"] + (excelBR ? ["--excel-br"] : []), stdin: Array(input.utf8))
        #expect(exported.status == .dataError)
        #expect(exported.stderrText.contains("-:3:40: error: [export.cents] amount_cents holds 100000000000000000 centavos, more than the 17 digits"), "\(exported.stderrText)")
        #expect(exported.stderrText.contains("read 6 lines: 2 written, 4 rejected, 0 skipped"), "\(exported.stderrText)")
        let again = troca(["import", "titles", "--map", "map.json", "-"], stdin: exported.stdout, cwd: dir)
        #expect(again.status == .ok, "\(again.stderrText)")
        #expect(again.records.map { $0["amount_cents"] as? Int } == [99_999_999_999_999_999, -99_999_999_999_999_999])
    }
}
