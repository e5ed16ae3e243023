import CNAB
import FixedWidth
import Foundation
import Records
import Testing

/// `write(parse(file))` for every exact-length remessa of ../shared/corpus (INDEX.tsv) and our
/// own CNAB 400 samples. Each corpus file's outcome is in Fixtures/roundtrip-manifest.tsv:
/// `exact`, or the first difference with the field that holds it (a field the layout does not
/// read, or a sample that breaks its manual there). `TROCA_RECORD=1` rewrites the manifest.
@Suite struct RoundTripTests {
    static let root = WriterTests.root
    static let corpus = root.appendingPathComponent("../shared/corpus").standardizedFileURL
    static let manifestPath = root.appendingPathComponent("Fixtures/roundtrip-manifest.tsv").path

    /// The remessas: path, bank, format.
    static func remessas() -> [(path: String, bank: String, format: CNABFormat)] {
        guard let index = try? String(contentsOf: corpus.appendingPathComponent("INDEX.tsv"), encoding: .utf8) else { return [] }
        return index.split(separator: "\n").dropFirst().compactMap { row in
            let c = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count > 8, c[5] == "remessa", c[8] == "exact", c[4] == "240" || c[4] == "400" else { return nil }
            return (c[0], c[3], c[4] == "240" ? .cnab240 : .cnab400)
        }
    }

    /// Lines without their CR/LF/EOF bytes, blank lines dropped.
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x0A).map { Array($0.filter { $0 != 0x0D && $0 != 0x1A }) }.filter { !$0.allSatisfy { $0 == 0x20 } }
    }

    /// `exact`, or where and in which field the rewritten file first differs.
    static func outcome(_ original: [UInt8], bank: String, format: CNABFormat) throws -> String {
        let parsed = try WriterTests.parse(original)
        var found: [Diagnostic] = []
        let options = CNABWriteOptions(format: format, bank: bank, date: CivilDate(year: 2026, month: 1, day: 1)!)
        let writer: CNABWriter
        do {
            writer = try CNABWriter(library: LayoutLibrary(), options: options)
        } catch let e as CNABWriter.SetupError {
            return "not written: \(e.code.rawValue)"
        }
        let (written, _) = try writer.write(
            MemorySource(Array(parsed.lines.joined(separator: [0x0A]))), file: "p", diagnostics: DiagnosticSink { found.append($0) })
        if written == original { return "exact" }
        let a = lines(written)
        let b = lines(original)
        guard a.count == b.count else { return "records \(a.count) vs \(b.count)" }
        guard let i = a.indices.first(where: { a[$0] != b[$0] }) else { return "same records, other line ends" }
        guard a[i].count == b[i].count, let col = a[i].indices.first(where: { a[i][$0] != b[i][$0] }) else {
            return "line \(i + 1): lengths"
        }
        let layout = try CompiledLayout(try LayoutLibrary().layout(named: writer.layoutName))
        let name = b[i].withUnsafeBufferPointer { line -> String in
            guard let r = layout.select(line) else { return "?" }
            let field = layout.records[r].fields.first { $0.start <= col && col < $0.start + $0.length }
            return "\(layout.records[r].name).\(field?.name ?? "?")"
        }
        return "line \(i + 1) col \(col + 1): \(name)"
    }

    static func manifest() -> [String: String] {
        guard let text = try? String(contentsOfFile: manifestPath, encoding: .utf8) else { return [:] }
        var rows: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let c = line.split(separator: "\t", maxSplits: 1).map(String.init)
            if c.count == 2 { rows[c[0]] = c[1] }
        }
        return rows
    }

    @Test("every exact-length corpus remessa is rewritten byte for byte, or differs where the manifest says")
    func corpusRemessas() throws {
        let remessas = Self.remessas()
        try #require(remessas.count > 40, "../shared/corpus/INDEX.tsv lists the corpus remessas")
        var actual: [(String, String)] = []
        for r in remessas {
            guard let data = FileManager.default.contents(atPath: Self.corpus.appendingPathComponent(r.path).path) else { continue }
            actual.append((r.path, try Self.outcome([UInt8](data), bank: r.bank, format: r.format)))
        }
        if ProcessInfo.processInfo.environment["TROCA_RECORD"] == "1" {
            let text = "path\toutcome\n" + actual.map { "\($0.0)\t\($0.1)\n" }.joined()
            try text.write(toFile: Self.manifestPath, atomically: true, encoding: .utf8)
            Issue.record("recorded \(Self.manifestPath); run again without TROCA_RECORD")
            return
        }
        let expected = Self.manifest()
        #expect(expected.count == actual.count, "manifest rows")
        for (path, outcome) in actual {
            #expect(expected[path] == outcome, "\(path)")
        }
        #expect(actual.contains { $0.1 == "exact" })
    }

    @Test("our CNAB 400 remessa samples are rewritten byte for byte", arguments: ["001", "033", "104", "237", "341", "748", "756"])
    func samples400(bank: String) throws {
        let original = WriterTests.bytes("Fixtures/samples/cnab400/\(bank)/remessa.rem")
        #expect(try Self.outcome(original, bank: bank, format: .cnab400) == "exact")
    }
}
