import CNAB
import FixedWidth
import Foundation
import Records
import Testing

/// Engine rules that need a specially shaped layout or input to show.
@Suite struct EngineTests {
    static let sample: [UInt8] = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return [UInt8](FileManager.default.contents(atPath: url.path + "/Fixtures/samples/RETORNO-240.ret")!)
    }()

    func read(_ bytes: [UInt8], library: LayoutLibrary) throws -> (CNABReadSummary, [Diagnostic]) {
        var found: [Diagnostic] = []
        let sink = DiagnosticSink { found.append($0) }
        let writer = RecordWriter { _ in }
        let summary = try CNABReader(library: library, file: "RET.ret").read(MemorySource(bytes), output: writer, diagnostics: sink)
        return (summary, found)
    }

    /// The file trailer's record count is 6 digits, so a file of a million records or more can only
    /// carry the count modulo 10^6. Shown here with the field narrowed to its last digit (modulo 10)
    /// on our 14-line sample, whose trailer says 000014.
    @Test func aRecordCountTooBigForItsFieldIsTakenModuloItsWidth() throws {
        var library = LayoutLibrary()
        let common = try #require(BuiltinLayouts.files.first { $0.name == "cnab240/febraban/common" })
        let narrowed = common.json.replacingOccurrences(
            of: #""name": "quantidade_registros", "pos": [24, 29], "picture": "9(6)""#,
            with: #""name": "quantidade_registros", "pos": [29, 29], "picture": "9(1)""#)
        #expect(narrowed != common.json)
        library.add(LayoutSource(name: common.name, origin: "test", json: Array(narrowed.utf8)))

        let (ok, okFound) = try read(Self.sample, library: library)
        #expect(!ok.fatal)
        #expect(okFound.contains { $0.code == "cnab.count-overflow" && $0.severity == .warning && $0.line == 14 && $0.column == 29 })

        // A last digit that is not the count modulo 10 is still the fatal error.
        var lines = Self.sample.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        lines[13][28] = UInt8(ascii: "7")
        let (bad, badFound) = try read(Array(lines.joined(separator: [0x0A])), library: library)
        #expect(bad.fatal)
        #expect(badFound.contains { $0.code == "cnab.file-count" })
    }

    /// Títulos formatted on worker threads (`threads` > 1) come out byte for byte as formatted
    /// on the reading thread, with chunks cut every few records, on our samples and every CNAB
    /// 240 file of the corpus (layout switches, rejected títulos and unknown segments included).
    @Test func threadsChangeNoByte() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        var inputs: [(String, [UInt8])] = [
            ("RETORNO-240.ret", Self.sample),
            ("REMESSA-240.rem", [UInt8](FileManager.default.contents(atPath: url.path + "/Fixtures/samples/REMESSA-240.rem")!)),
        ]
        let corpus = url.appendingPathComponent("../shared/corpus").standardizedFileURL
        let index = (try? String(contentsOf: corpus.appendingPathComponent("INDEX.tsv"), encoding: .utf8)) ?? ""
        for row in index.split(separator: "\n").dropFirst() {
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count > 4, columns[4] == "240" else { continue }
            if let bytes = FileManager.default.contents(atPath: corpus.appendingPathComponent(String(columns[0])).path) {
                inputs.append((String(columns[0]), [UInt8](bytes)))
            }
        }
        #expect(inputs.count > 60, "the corpus has 68 CNAB 240 files")
        func parse(_ bytes: [UInt8], threads: Int) throws -> [UInt8] {
            var out: [UInt8] = []
            let writer = RecordWriter(threshold: 700) { out.append(contentsOf: $0) }
            _ = try CNABReader(library: LayoutLibrary(), file: "f", options: CNABReadOptions(threads: threads))
                .read(MemorySource(bytes), output: writer, diagnostics: DiagnosticSink { _ in })
            try writer.finish()
            return out
        }
        for (name, bytes) in inputs {
            let serial = try parse(bytes, threads: 1)
            #expect(!serial.isEmpty, "\(name)")
            for threads in [2, 3] {
                #expect(try parse(bytes, threads: threads) == serial, "\(name), \(threads) threads")
            }
        }
    }
}

