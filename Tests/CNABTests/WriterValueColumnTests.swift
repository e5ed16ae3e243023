import FixedWidth
import Foundation
import Records
import Testing

@testable import CNAB

/// `cnab write`: a título refused for a value is said at that value's column (the byte where the
/// value the writer used starts), whatever way the value reached the field: a dotted key, a
/// joined field, an enum, reasons; a key given twice refuses the record at the second key; no
/// column for a value that is not in the line (the bank a título takes from the file header).
@Suite struct WriterValueColumnTests {
    static let title = String(decoding: WriterTests.bytes("Fixtures/cnab-write/0001-titles-accents-rejects/titles.jsonl"), as: UTF8.self)
        .split(separator: "\n")[1]

    /// The diagnostics of writing `lines` (one thread, then two).
    static func diagnostics(_ lines: [[UInt8]], direction: String = "remessa") throws -> [Diagnostic] {
        var all: [[Diagnostic]] = []
        for threads in [1, 2] {
            var options = WriterDifferentialTests.options(.cnab240, "999", direction)
            options.threads = threads
            var found: [Diagnostic] = []
            _ = try CNABWriter(library: LayoutLibrary(), options: options).write(
                MemorySource(Array(lines.joined(separator: [0x0A]))), file: "in.jsonl", diagnostics: DiagnosticSink { found.append($0) })
            all.append(found.filter { $0.severity == .error })
        }
        #expect(all[0].map { "\($0.line):\($0.column)" } == all[1].map { "\($0.line):\($0.column)" })
        return all[0]
    }

    /// The 1-based column of the last `marker` in `line`.
    static func column(of marker: String, in line: [UInt8]) -> Int {
        let m = Array(marker.utf8)
        let at = (0...(line.count - m.count)).last { Array(line[$0..<$0 + m.count]) == m }!
        return at + 1
    }

    @Test(
        arguments: [
            // The value itself, then the marker of where its column is (the last such text).
            (#""document_number": "DP0001""#, #""document_number": "DP0001-SEU-NUMERO-LONGO""#, #""DP0001-SEU"#),
            // Given twice: which is meant cannot be told; the record is refused at the second key.
            (#""00000000180000000001"}"#, #""00000000180000000001", "document_number": "Y234567890123456789"}"#, #""document_number": "Y"#),
            (#""document_number": "DP0001""#, #""document_number": true, "document_number": [1]"#, #""document_number": [1]"#),
            // A dotted key for a nested value; an enum.
            (#""00000000180000000001"}"#, #""00000000180000000001", "payer.document_type": "zzz"}"#, #""zzz""#),
            // A field laid over two (the CEP's five digits and its suffix).
            (#""cep": ""#, #""cep": "123456789012", "x": ""#, #""123456789012""#),
            (#""00000000180000000001"}"#, #""00000000180000000001", "amount_cents": 1.5}"#, #""amount_cents": 1.5"#),
            // An object where text is wanted: refused (it was written blank, without a word).
            (#""document_number": "DP0001""#, #""document_number": {"a": "DP0001"}"#, #"{"a""#),
        ])
    func theValueUsedIsPointedAt(replacing: String, with: String, marker: String) throws {
        let text = Self.title.replacingOccurrences(of: replacing, with: with)
        #expect(text != String(Self.title), "\(replacing) not in the título")
        for (prefix, suffix) in [([UInt8](), [UInt8]()), ([0xEF, 0xBB, 0xBF], [0x0D])] {
            let line = prefix + Array(text.utf8) + suffix
            let found = try Self.diagnostics([line])
            try #require(found.count == 1, "\(found)")
            #expect(found[0].column == Self.column(of: marker, in: line), "\(found[0].message)")
        }
    }

    /// An object where a field wants a value is said as such, never written blank.
    @Test func anObjectWhereAFieldWantsAValueIsRefused() throws {
        let text = Self.title.replacingOccurrences(of: #""document_number": "DP0001""#, with: #""document_number": {"a": 1}"#)
        let found = try Self.diagnostics([Array(text.utf8)])
        #expect(found.map(\.code.rawValue) == ["write.type"])
        #expect(found.first?.message.contains("an object where the layout wants X(15)") == true, "\(found)")
    }

    /// A file header value that cannot be written stops the write (no valid file without its
    /// header), said at the file record's line and the value's column, not at the título's.
    @Test func aValueFromTheFileHeaderStopsTheWriteAtItsColumn() throws {
        let header = Array(#"{"record": "file", "part": "header", "bank": [1]}"#.utf8)
        let title = Array(Self.title.replacingOccurrences(of: #""record": "title","#, with: #""record": "title", "x": [[1]],"#).utf8)
        do {
            let found = try Self.diagnostics([header, title])
            Issue.record("written, with \(found)")
        } catch let e as CNABWriter.HeaderError {
            #expect(e.diagnostic.code == "write.header" && e.diagnostic.line == 1, "\(e.diagnostic)")
            #expect(e.diagnostic.column == Self.column(of: "[1]", in: header), "\(e.diagnostic)")
            #expect(e.description.contains("banco: an array where the layout wants 9(3)"), "\(e.description)")
        }
    }

    @Test func reasonsOfTheWrongWidthAreSaidAtTheirArray() throws {
        let retorno = try WriterTests.parse(WriterTests.bytes("Fixtures/samples/RETORNO-240.ret")).lines
        let event = try #require(retorno.first { String(decoding: $0, as: UTF8.self).contains(#""reasons":[{"code":"04""#) })
        let text = String(decoding: event, as: UTF8.self).replacingOccurrences(
            of: #""reasons":[{"code":"04""#, with: #""reasons":["AB",{"code":"045""#)
        let found = try Self.diagnostics([Array(text.utf8)], direction: "retorno")
        try #require(found.count == 1, "\(found)")
        #expect(found[0].message.contains("045"))
        #expect(found[0].column == Self.column(of: #"["AB""#, in: Array(text.utf8)), "\(found[0])")
    }
}
