import CNAB
import FixedWidth
import Foundation
import Records
import Testing

// The real-world corpus test (DESIGN.md, "Testing"): every CNAB 240 and CNAB 400 sample file of
// ../shared/corpus (INDEX.tsv) is read with `CNABReader` in parse mode, and what happened is
// compared with Fixtures/corpus-manifest.tsv, one row per file.
//
// Regenerate the manifest after a deliberate change with
//     TROCA_RECORD=1 swift test --filter CorpusTests
// The recording run rewrites the manifest and fails on purpose; review the diff, then run again.

/// Paths and knobs of the corpus test, kept in one namespace so they clash with nothing else
/// in the test target.
enum Corpus {
    /// The repository root, found from this file's path (Tests/CNABTests/CorpusTests.swift).
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The shared corpus beside the checkout; CI always has it.
    static let root = URL(fileURLWithPath: repoRoot).appendingPathComponent("../shared/corpus").standardizedFileURL.path

    /// The checked-in manifest.
    static let manifestPath = (repoRoot as NSString).appendingPathComponent("Fixtures/corpus-manifest.tsv")

    /// `TROCA_RECORD=1` rewrites the manifest (and fails).
    static let recording = ProcessInfo.processInfo.environment["TROCA_RECORD"] == "1"

    /// The formats this test covers (INDEX.tsv column `format`).
    static let formats: Set<String> = ["240", "400"]

    /// Codes that reject a whole file: one error with line 1's raw bytes, the other lines counted with it.
    static let wholeFileCodes: Set<String> = ["cnab.format", "cnab.no-layout", "cnab.direction", "input.utf16"]

    static var corpusExists: Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: root, isDirectory: &isDir) && isDir.boolValue
    }

    static var missingCorpusMessage: Comment {
        "corpus directory not found at \(root): the corpus test needs ../shared/corpus beside the checkout (CI always has it)"
    }

    /// INDEX.tsv's CNAB 240/400 files: path → format.
    static func indexed() throws -> [String: String] {
        let path = (root as NSString).appendingPathComponent("INDEX.tsv")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CorpusError("cannot read \(path)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init),
            let pathColumn = header.firstIndex(of: "path"), let formatColumn = header.firstIndex(of: "format")
        else { throw CorpusError("\(path) has no path/format header") }
        var files: [String: String] = [:]
        for line in lines.dropFirst() {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cells.count > max(pathColumn, formatColumn) else { throw CorpusError("\(path): short row \(line)") }
            if formats.contains(cells[formatColumn]) { files[cells[pathColumn]] = cells[formatColumn] }
        }
        return files
    }

    /// `indexed()`, read once; nil when INDEX.tsv cannot be read.
    static let index: [String: String]? = try? indexed()

    /// CNAB 240/400 files present on disk (`<repo>/<bank>/cnab240-…/file`), relative paths.
    static func onDisk() -> Set<String> {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: Set<String> = []
        while let rel = walker.nextObject() as? String {
            let parts = rel.split(separator: "/")
            guard parts.count >= 4, parts[2].hasPrefix("cnab240-") || parts[2].hasPrefix("cnab400-") else { continue }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent(rel), isDirectory: &isDir), !isDir.boolValue
            {
                found.insert(rel)
            }
        }
        return found
    }
}

struct CorpusError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One manifest row: what reading one corpus file produced.
struct CorpusRow: Sendable, Hashable, CustomTestStringConvertible {
    static let columns = ["path", "outcome", "lines", "written", "rejected", "skipped", "titles", "fatal", "errors", "warnings"]

    var path: String
    /// `clean` (no errors) or `rejected` (errors).
    var outcome: String
    var lines: Int
    var written: Int
    var rejected: Int
    var skipped: Int
    var titles: Int
    var fatal: Bool
    /// Error codes with line:column, sorted by code, line, column; `-` when none.
    var errors: String
    /// Distinct warning codes, sorted; `-` when none.
    var warnings: String

    var testDescription: String { path }

    var tsv: String {
        [
            path, outcome, String(lines), String(written), String(rejected), String(skipped), String(titles),
            fatal ? "1" : "0", errors, warnings,
        ].joined(separator: "\t")
    }

    init(path: String, summary: CNABReadSummary, diagnostics: [Diagnostic]) {
        let errors = diagnostics.filter { $0.severity == .error }
            .sorted { ($0.code.rawValue, $0.line, $0.column) < ($1.code.rawValue, $1.line, $1.column) }
        let warnings = Set(diagnostics.filter { $0.severity == .warning }.map(\.code.rawValue)).sorted()
        self.path = path
        self.outcome = errors.isEmpty ? "clean" : "rejected"
        self.lines = summary.lines
        self.written = summary.written
        self.rejected = summary.rejected
        self.skipped = summary.skipped
        self.titles = summary.titles
        self.fatal = summary.fatal
        self.errors = errors.isEmpty ? "-" : errors.map { "\($0.code.rawValue)@\($0.line):\($0.column)" }.joined(separator: " ")
        self.warnings = warnings.isEmpty ? "-" : warnings.joined(separator: " ")
    }

    init(tsv line: Substring) throws {
        let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard c.count == Self.columns.count else {
            throw CorpusError("manifest row has \(c.count) columns, expected \(Self.columns.count): \(line)")
        }
        func int(_ i: Int) throws -> Int {
            guard let n = Int(c[i]) else { throw CorpusError("manifest column \(Self.columns[i]) is not a number in: \(line)") }
            return n
        }
        guard ["clean", "rejected"].contains(c[1]), ["0", "1"].contains(c[7]) else {
            throw CorpusError("manifest row has a bad outcome or fatal: \(line)")
        }
        path = c[0]
        outcome = c[1]
        lines = try int(2)
        written = try int(3)
        rejected = try int(4)
        skipped = try int(5)
        titles = try int(6)
        fatal = c[7] == "1"
        errors = c[8]
        warnings = c[9]
    }

    /// The manifest's rows, sorted by path; empty when it cannot be read (a test then fails).
    static func manifest() -> [CorpusRow] {
        (try? load()) ?? []
    }

    static func load() throws -> [CorpusRow] {
        guard let data = FileManager.default.contents(atPath: Corpus.manifestPath) else {
            throw CorpusError("cannot read \(Corpus.manifestPath)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard lines.first.map(String.init) == columns.joined(separator: "\t") else {
            throw CorpusError("\(Corpus.manifestPath) must start with the header \(columns.joined(separator: " "))")
        }
        return try lines.dropFirst().map { try CorpusRow(tsv: $0) }
    }
}

/// Everything one read of a corpus file produced.
struct CorpusRead {
    var summary: CNABReadSummary
    var diagnostics: [Diagnostic]
    var output: [UInt8]
    var writerRecords: Int

    /// Reads `path` (relative to the corpus) in parse mode, records into memory.
    init(path: String) throws {
        final class Collected {
            var output: [UInt8] = []
            var diagnostics: [Diagnostic] = []
        }
        let collected = Collected()
        let writer = RecordWriter { collected.output.append(contentsOf: $0) }
        let sink = DiagnosticSink { collected.diagnostics.append($0) }
        let source = try FileSource(path: (Corpus.root as NSString).appendingPathComponent(path), name: path)
        let reader = CNABReader(library: LayoutLibrary(), file: path, options: CNABReadOptions(emit: true))
        summary = try reader.read(source, output: writer, diagnostics: sink)
        try writer.finish()
        diagnostics = collected.diagnostics
        output = collected.output
        writerRecords = writer.records
    }
}

@Suite struct CorpusTests {
    @Test func corpusIsPresent() {
        #expect(Corpus.corpusExists, Corpus.missingCorpusMessage)
    }

    /// The manifest lists exactly the corpus's CNAB 240 and 400 files (INDEX.tsv and disk agree).
    /// With TROCA_RECORD=1, rewrites the manifest from the corpus and fails on purpose.
    @Test func manifestListsEveryCorpusFile() throws {
        try #require(Corpus.corpusExists, Corpus.missingCorpusMessage)
        let indexed = try Corpus.indexed()
        let disk = Corpus.onDisk()
        for path in Set(indexed.keys).subtracting(disk).sorted() {
            Issue.record("INDEX.tsv lists \(path), which is missing from the corpus directory")
        }
        for path in disk.subtracting(indexed.keys).sorted() {
            Issue.record("\(path) is in the corpus directory but not a CNAB 240/400 row of INDEX.tsv")
        }
        #expect(indexed.values.filter { $0 == "240" }.count >= 68, "the corpus should hold at least 68 CNAB 240 files")

        let corpus = Set(indexed.keys).union(disk)
        if Corpus.recording {
            var text = CorpusRow.columns.joined(separator: "\t") + "\n"
            for path in corpus.sorted() {
                let read = try CorpusRead(path: path)
                text += CorpusRow(path: path, summary: read.summary, diagnostics: read.diagnostics).tsv + "\n"
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: Corpus.manifestPath), options: .atomic)
            Issue.record("recorded \(corpus.count) rows in \(Corpus.manifestPath); run again without TROCA_RECORD to test")
            return
        }

        let rows = try CorpusRow.load()
        let listed = rows.map(\.path)
        #expect(listed == listed.sorted() && Set(listed).count == listed.count, "manifest rows must be sorted by path, without repeats")
        for path in corpus.subtracting(listed).sorted() {
            Issue.record("\(path) is in the corpus but not in Fixtures/corpus-manifest.tsv (re-record with TROCA_RECORD=1)")
        }
        for path in Set(listed).subtracting(corpus).sorted() {
            Issue.record("\(path) is in Fixtures/corpus-manifest.tsv but no longer in the corpus")
        }
    }

    @Test(arguments: CorpusRow.manifest())
    func corpusFile(_ row: CorpusRow) throws {
        if Corpus.recording { return }
        try #require(Corpus.corpusExists, Corpus.missingCorpusMessage)
        let read = try CorpusRead(path: row.path)
        let s = read.summary
        let actual = CorpusRow(path: row.path, summary: s, diagnostics: read.diagnostics)

        // The row's figures and codes, exactly.
        #expect(actual.outcome == row.outcome, "outcome")
        #expect(actual.lines == row.lines, "lines")
        #expect(actual.written == row.written, "written")
        #expect(actual.rejected == row.rejected, "rejected")
        #expect(actual.skipped == row.skipped, "skipped")
        #expect(actual.titles == row.titles, "titles")
        #expect(actual.fatal == row.fatal, "fatal")
        #expect(actual.errors == row.errors, "errors")
        #expect(actual.warnings == row.warnings, "warnings")

        // Every line read is written, rejected or skipped.
        #expect(s.lines == s.written + s.rejected + s.skipped, "lines == written + rejected + skipped")

        // Every output line is a JSON object, "record" first, with source {file, line}.
        let jsonLines = read.output.split(separator: 0x0A, omittingEmptySubsequences: false)
        #expect(read.output.isEmpty || read.output.last == 0x0A, "output ends with a newline")
        let records = read.output.isEmpty ? [] : Array(jsonLines.dropLast())
        #expect(records.count == s.records, "JSON records == summary.records")
        #expect(read.writerRecords == s.records, "RecordWriter.records == summary.records")
        var writtenLines: Set<Int> = []
        for (i, bytes) in records.enumerated() {
            let text = String(decoding: bytes, as: UTF8.self)
            guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
                Issue.record("output record \(i + 1) is not a JSON object: \(text)")
                continue
            }
            #expect(bytes.starts(with: Array("{\"record\":\"".utf8)), "\"record\" is not the first key: \(text)")
            #expect(object["record"] is String, "record is not a string: \(text)")
            guard let source = object["source"] as? [String: Any], let file = source["file"] as? String,
                let line = source["line"] as? Int
            else {
                Issue.record("output record \(i + 1) has no source {file, line}: \(text)")
                continue
            }
            #expect(file == row.path, "source.file")
            #expect((1...max(s.lines, 1)).contains(line), "source.line \(line) outside 1...\(s.lines)")
            writtenLines.insert(line)
        }

        // Every rejected line is reported by an error carrying its line number and raw bytes.
        let errors = read.diagnostics.filter { $0.severity == .error }
        let rawLines = Set(errors.filter { $0.line > 0 && !($0.raw ?? []).isEmpty }.map(\.line))
        let wholeFile = errors.contains { Corpus.wholeFileCodes.contains($0.code.rawValue) }
        if wholeFile {
            #expect(rawLines == [1], "a whole-file rejection reports line 1 with its raw bytes, found \(rawLines.sorted())")
            #expect(s.fatal && s.written == 0 && s.records == 0, "nothing is written from a rejected file")
            #expect(s.rejected + s.skipped == s.lines, "every line of a rejected file is counted as rejected (or skipped if blank)")
        } else {
            #expect(
                rawLines.count == s.rejected,
                "\(s.rejected) rejected line(s), but errors with raw bytes name \(rawLines.count) line(s): \(rawLines.sorted())")
        }
        #expect(writtenLines.isDisjoint(with: rawLines), "lines both written and rejected: \(writtenLines.intersection(rawLines).sorted())")
    }
}
