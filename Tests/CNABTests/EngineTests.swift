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
            with: #""name": "filler_024", "pos": [24, 28], "picture": "X(5)" }, { "name": "quantidade_registros", "pos": [29, 29], "picture": "9(1)""#)
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

    /// A file with no record at all (empty, or blank lines) has no header: the structural error,
    /// not an "ok" with nothing in it.
    @Test func anEmptyFileIsAStructuralError() throws {
        for bytes in [[], Array("\n  \r\n\n".utf8)] as [[UInt8]] {
            let (summary, found) = try read(bytes, library: LayoutLibrary())
            #expect(summary.fatal && summary.written == 0)
            #expect(found.map(\.code.rawValue) == ["cnab.empty"] && found.first?.severity == .error)
        }
    }

    /// An unknown segment where a título's T should be ends the título before it: the U after it
    /// is an orphan (rejected with its bytes), never merged into the previous título as a second U.
    /// An enum value the table does not list is warned of once per field, at its line, however
    /// the values before it came: six values in turn (five listed, one blank), more than the
    /// engine keeps of the values it has seen, then two unlisted ones.
    @Test func anUnlistedEnumValueIsWarnedOfAtItsLine() throws {
        let lines = Self.sample.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init).filter { !$0.isEmpty }
        let details = lines[2..<(lines.count - 2)]
        var body: [[UInt8]] = []
        var t = 0
        var unlisted: [Int] = []
        for k in 0..<1_200 {
            var line = details[details.startIndex + k % details.count]
            if line[13] == UInt8(ascii: "T") {
                // tipo_inscricao_pagador, 133: 1, 2, 0, blank, 3, 9, ...; then 7 and 8.
                let cycle: [UInt8] = [0x31, 0x32, 0x30, 0x20, 0x33, 0x39]
                line[132] = t == 400 ? 0x37 : t == 500 ? 0x38 : cycle[t % cycle.count]
                if t == 400 || t == 500 { unlisted.append(body.count + 3) }
                t += 1
            }
            body.append(line)
        }
        let file = [lines[0], lines[1]] + body + [lines[lines.count - 2], lines[lines.count - 1]]
        var found: [Diagnostic] = []
        _ = try CNABReader(library: LayoutLibrary(), file: "RET.ret", options: CNABReadOptions(emit: false, threads: 1))
            .read(MemorySource(Array(file.joined(separator: [0x0A]))), output: nil, diagnostics: DiagnosticSink { found.append($0) })
        let warned = found.filter { $0.code == "cnab.enum" }
        #expect(warned.count == 1, "\(warned)")
        #expect(warned.first?.line == unlisted.first && warned.first?.column == 133, "\(warned)")
        #expect(warned.first?.message.contains(#"is "7""#) == true, "\(warned)")
    }

    @Test func anUnknownSegmentEndsTheTituloBeforeIt() throws {
        var lines = Self.sample.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        #expect(lines[4][13] == UInt8(ascii: "T") && lines[5][13] == UInt8(ascii: "U"))
        lines[4][13] = UInt8(ascii: "Z")
        var out: [UInt8] = []
        var found: [Diagnostic] = []
        let writer = RecordWriter { out.append(contentsOf: $0) }
        let summary = try CNABReader(library: LayoutLibrary(), file: "RET.ret").read(
            MemorySource(Array(lines.joined(separator: [0x0A]))), output: writer, diagnostics: DiagnosticSink { found.append($0) })
        try writer.finish()
        #expect(found.contains { $0.code == "cnab.unknown-segment" && $0.line == 5 })
        #expect(found.contains { $0.code == "cnab.orphan-segment" && $0.line == 6 && $0.raw.map { Array($0.prefix(240)) } == Array(lines[5].prefix(240)) })
        #expect(summary.lines == summary.written + summary.rejected + summary.skipped && summary.rejected == 1)
        // The título of lines 3–4 is one event from its own T and U.
        let events = String(decoding: out, as: UTF8.self).split(separator: "\n").filter { $0.contains(#""record":"event""#) }
        #expect(events.first?.contains(#""source":{"file":"RET.ret","line":3}"#) == true)
        #expect(!events.contains { $0.contains(#""line":5}"#) || $0.contains(#""line":6}"#) })
    }

    /// Reads a sample CNAB 400 file with a copy of its first detail inserted as line 3, its
    /// record type changed to `type`: the copy, the records written and the diagnostics.
    static func readWithUnknownRecord(_ sample: String, type: Character) throws -> (
        unknown: [UInt8], records: [Substring], found: [Diagnostic], summary: CNABReadSummary
    ) {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let text = try #require(FileManager.default.contents(atPath: url.path + "/" + sample))
        var lines = [UInt8](text).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        #expect(lines[1].first == UInt8(ascii: "1"))
        var unknown = lines[1]
        unknown[0] = type.asciiValue!
        lines.insert(unknown, at: 2)
        var out: [UInt8] = []
        var found: [Diagnostic] = []
        let writer = RecordWriter { out.append(contentsOf: $0) }
        let summary = try CNABReader(library: LayoutLibrary(), file: "F").read(
            MemorySource(Array(lines.joined(separator: [0x0A]))), output: writer, diagnostics: DiagnosticSink { found.append($0) })
        try writer.finish()
        return (unknown, String(decoding: out, as: UTF8.self).split(separator: "\n"), found, summary)
    }

    /// A CNAB 400 remessa record of a type its bank's layout does not have (pyCobranca writes a
    /// "type 8" Pix record for every bank) is rejected with its raw bytes: the bank would refuse
    /// it. The título before it is written whole, and read = written + rejected.
    @Test func anUnknownCNAB400RecordTypeIsRejectedAndTheTituloKept() throws {
        let (unknown, records, found, summary) = try Self.readWithUnknownRecord("Fixtures/samples/cnab400/341/remessa.rem", type: "8")
        let rejected = found.filter { $0.code == "cnab.unknown-record" }
        #expect(rejected.count == 1 && rejected.first?.line == 3 && rejected.first?.column == 1, "\(found.map(\.formatted))")
        #expect(rejected.first?.severity == .error && rejected.first?.raw.map { Array($0.prefix(400)) } == Array(unknown.prefix(400)))
        #expect(!found.contains { $0.code == "cnab.unknown-segment" || $0.code == "cnab.group-rejected" })
        #expect(summary.rejected == 1 && summary.lines == summary.written + summary.rejected + summary.skipped, "\(summary)")
        #expect(!records.contains { $0.contains(#""record":"segment""#) })
        #expect(records.first { $0.contains(#""record":"title""#) }?.contains(#""line":2}"#) == true, "the título before it is kept")
    }

    /// In a retorno the same unknown record type is the bank's own record (Itaú's type 4 rateio,
    /// which the layout does not describe yet): kept as a segment record with a warning, never
    /// rejected, so a valid retorno still reads with exit 0.
    @Test func anUnknownCNAB400RecordTypeInARetornoIsKept() throws {
        let (_, records, found, summary) = try Self.readWithUnknownRecord("Fixtures/samples/cnab400/341/retorno.ret", type: "4")
        #expect(!found.contains { $0.code == "cnab.unknown-record" }, "\(found.map(\.formatted))")
        #expect(found.contains { $0.code == "cnab.unknown-segment" && $0.line == 3 && $0.severity == .warning })
        #expect(summary.lines == summary.written + summary.rejected + summary.skipped)
        #expect(records.contains { $0.contains(#""record":"segment""#) })
    }

    /// A remessa whose file header (143) and batch header (9) say no direction is told one by its
    /// first segment P, not by the catch-all record for segments a layout does not know (which
    /// read it as a retorno of unknown segments: no título, exit 0).
    @Test func aRemessaWithoutADirectionIsToldByItsFirstSegment() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let text = try #require(FileManager.default.contents(atPath: url.path + "/Fixtures/samples/REMESSA-240.rem"))
        var lines = [UInt8](text).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        #expect(lines[0][142] == UInt8(ascii: "1") && lines[1][8] == UInt8(ascii: "R") && lines[2][13] == UInt8(ascii: "P"))
        lines[0][142] = 0x20
        lines[1][8] = 0x20
        let (summary, found) = try read(Array(lines.joined(separator: [0x0A])), library: LayoutLibrary())
        #expect(summary.direction == "remessa" && summary.titles == 3, "\(summary)")
        #expect(!found.contains { $0.code == "cnab.unknown-segment" })
        #expect(found.contains { $0.code == "cnab.direction" && $0.line == 1 && $0.column == 143 })
    }

    /// Stopped by --max-rejects in the middle of a título: the segments read of it are rejected
    /// (a T whose U was never read is not written as a whole event).
    @Test func maxRejectsRejectsTheTituloInHand() throws {
        var lines = Self.sample.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        // Line 4 (a U) gets letters in an amount: its título (lines 3–4) is rejected, two lines,
        // more than --max-rejects 1: the run stops at line 4, before line 5's título is read whole.
        for k in 77..<80 { lines[3][k] = UInt8(ascii: "A") }
        lines[4][13] = UInt8(ascii: "T")
        var out: [UInt8] = []
        var found: [Diagnostic] = []
        let writer = RecordWriter { out.append(contentsOf: $0) }
        var options = CNABReadOptions(threads: 1)
        options.maxRejects = 1
        let summary = try CNABReader(library: LayoutLibrary(), file: "RET.ret", options: options).read(
            MemorySource(Array(lines.joined(separator: [0x0A]))), output: writer, diagnostics: DiagnosticSink { found.append($0) })
        try writer.finish()
        #expect(summary.stopped && !summary.fatal && found.contains { $0.code == "cnab.max-rejects" })
        #expect(!String(decoding: out, as: UTF8.self).contains(#""record":"event""#), "\(String(decoding: out, as: UTF8.self))")
        #expect(summary.lines == summary.written + summary.rejected + summary.skipped, "\(summary)")
    }

    /// A trailer whose record count is blank cannot be checked (and a bank refuses it): a warning
    /// at the field, for the batch trailer (18–23) and the file trailer (24–29) of our sample.
    @Test func aBlankRecordCountIsReported() throws {
        var lines = Self.sample.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        let (plain, plainFound) = try read(Self.sample, library: LayoutLibrary())
        #expect(!plain.fatal && !plainFound.contains { $0.code == "cnab.count-missing" })
        for k in 17..<23 { lines[12][k] = 0x20 }
        for k in 23..<29 { lines[13][k] = 0x20 }
        let (summary, found) = try read(Array(lines.joined(separator: [0x0A])), library: LayoutLibrary())
        #expect(!summary.fatal && summary.rejected == 0)
        let missing = found.filter { $0.code == "cnab.count-missing" }
        #expect(missing.map { [$0.line, $0.column] } == [[13, 18], [14, 24]], "\(found.map(\.formatted))")
        #expect(missing.allSatisfy { $0.severity == .warning })
    }

    /// A título of 9 segments (P, Q, R, three S and three Y of FEBRABAN's remessa, each a record
    /// of its own) outgrows the 8 slots a group starts with and the shapes cached: it is read as
    /// one título, and when a segment is bad every one is rejected with its own bytes. (A título
    /// longer than its layout's records would repeat one: rejected, `cnab.repeated-segment`.)
    @Test func aLongTituloKeepsEverySegment() throws {
        let remessa = [UInt8](FileManager.default.contents(atPath: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/Fixtures/samples/REMESSA-240.rem")!)
        let sample = remessa.split(separator: 0x0A).map { Array($0.prefix(240)) }
        func digits(_ n: Int, _ width: Int) -> [UInt8] { Array(String(format: "%0\(width)d", n).utf8) }
        #expect(sample[2][13] == UInt8(ascii: "P") && sample[3][13] == UInt8(ascii: "Q"))
        var lines = [sample[0], sample[1], sample[2], sample[3]]
        // R, S (generic), S type 1, S type 3, Y (generic, 04), Y01, Y53: Q's first 17 bytes, blanks after.
        for (segment, kind) in [("R", "  "), ("S", "  "), ("S", "1 "), ("S", "3 "), ("Y", "04"), ("Y", "01"), ("Y", "53")] {
            var line = Array(sample[3][0..<17]) + [UInt8](repeating: 0x20, count: 223)
            line[13] = Array(segment.utf8)[0]
            line.replaceSubrange(17..<19, with: Array(kind.utf8))
            lines.append(line)
        }
        for k in 2..<lines.count { lines[k].replaceSubrange(8..<13, with: digits(k - 1, 5)) }
        var batchTrailer = sample[sample.count - 2]
        batchTrailer.replaceSubrange(17..<23, with: digits(11, 6))
        var fileTrailer = sample[sample.count - 1]
        fileTrailer.replaceSubrange(17..<23, with: digits(1, 6))
        fileTrailer.replaceSubrange(23..<29, with: digits(13, 6))
        lines += [batchTrailer, fileTrailer]

        var records: [[UInt8]] = []
        var found: [Diagnostic] = []
        let writer = RecordWriter { records.append(contentsOf: $0.split(separator: 0x0A).map(Array.init)) }
        let summary = try CNABReader(library: LayoutLibrary(), file: "REM.rem").read(
            MemorySource(Array(lines.joined(separator: [0x0A]))), output: writer, diagnostics: DiagnosticSink { found.append($0) })
        try writer.finish()
        #expect(summary.titles == 1 && summary.rejected == 0 && !found.contains { $0.severity == .error }, "\(found.map(\.formatted))")
        let titles = records.filter { $0.starts(with: Array(#"{"record":"title""#.utf8)) }
        #expect(titles.count == 1)
        // Every segment's fields are in it: the last one's (Y53) too.
        #expect(titles.first.map { String(decoding: $0, as: UTF8.self).contains(#""print":"#) } == true)

        // A bad due date in P rejects the título: 9 lines, each reported with its own bytes.
        var bad = lines
        bad[2].replaceSubrange(77..<85, with: Array("31022026".utf8))
        var badFound: [Diagnostic] = []
        let badSummary = try CNABReader(library: LayoutLibrary(), file: "REM.rem").read(
            MemorySource(Array(bad.joined(separator: [0x0A]))), output: nil, diagnostics: DiagnosticSink { badFound.append($0) })
        #expect(badSummary.rejected == 9 && badSummary.titles == 0, "\(badFound.map(\.formatted))")
        let perLine = badFound.filter { $0.severity == .error && (3...11).contains($0.line) }
        #expect(perLine.count == 9, "\(perLine.map(\.code))")
        #expect(perLine.allSatisfy { $0.raw == bad[$0.line - 1] }, "\(perLine.filter { $0.raw != bad[$0.line - 1] }.map { "\($0.line) \($0.raw?.count ?? -1)" })")
        #expect(perLine.filter { $0.code == "cnab.group-rejected" }.count == 8)
    }

    /// Threads change no byte and no finding. With `threads` > 1 lines are read, and their
    /// `LineFacts` worked out, on a thread of their own, and títulos are formatted on workers;
    /// the records, diagnostics and counts are the same as on one thread — for `parse` and for
    /// `check`, on our samples, every CNAB 240 and 400 file of the corpus, and copies of a
    /// 3,000-line file with random bytes changed (wrong digits, banks, enums, sequences, lengths)
    /// past the first block, where the facts are used.
    @Test func threadsChangeNoByte() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let samples = url.path + "/Fixtures/samples"
        var inputs: [(String, [UInt8])] = [
            ("RETORNO-240.ret", Self.sample),
            ("REMESSA-240.rem", [UInt8](FileManager.default.contents(atPath: samples + "/REMESSA-240.rem")!)),
            ("cnab400/237/retorno.ret", [UInt8](FileManager.default.contents(atPath: samples + "/cnab400/237/retorno.ret")!)),
        ]
        let corpus = url.appendingPathComponent("../shared/corpus").standardizedFileURL
        let index = (try? String(contentsOf: corpus.appendingPathComponent("INDEX.tsv"), encoding: .utf8)) ?? ""
        for row in index.split(separator: "\n").dropFirst() {
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count > 4, columns[4] == "240" || columns[4] == "400" else { continue }
            if let bytes = FileManager.default.contents(atPath: corpus.appendingPathComponent(String(columns[0])).path) {
                inputs.append((String(columns[0]), [UInt8](bytes)))
            }
        }
        #expect(inputs.count > 120, "the corpus has 68 CNAB 240 and 65 CNAB 400 files")
        // A long file: the sample's títulos repeated (renumbered by nobody: sequence and
        // trailer findings included), then copies with random bytes changed.
        let lines = Self.sample.split(separator: 0x0A).map(Array.init)
        var long = lines[0] + [0x0A] + lines[1] + [0x0A]
        for k in 0..<1500 { long += lines[2 + k % (lines.count - 4)] + [0x0A] }
        long += lines[lines.count - 2] + [0x0A] + lines[lines.count - 1] + [0x0A]
        inputs.append(("long", long))
        var rng = SplitMix64(seed: 7)
        for copy in 0..<6 {
            var bytes = long
            for _ in 0..<(20 + copy * 10) {
                let at = 8 * 241 + Int(rng.next() % UInt64(bytes.count - 8 * 241))
                let pool: [UInt8] = [0x20, 0x30, 0x39, 0x41, 0x0A, 0x0D, 0x1A, 0x00, 0xC3]
                bytes[at] = pool[Int(rng.next() % UInt64(pool.count))]
            }
            inputs.append(("long, mutated \(copy)", bytes))
        }
        // Lines as the line reader splits them: cut past 64 KiB (the rest skipped), a last line
        // without LF, empty input, blank lines.
        let huge = [UInt8](repeating: 0x41, count: 70_000)
        inputs.append(("a long line", Array(long[0..<(241 * 20)]) + huge + [0x0A] + Array(long[(241 * 20)...])))
        inputs.append(("a long last line", Array(long[0..<(241 * 30)]) + huge + huge))
        inputs.append(("no final newline", Array(long.dropLast())))
        // A remessa whose header names no direction, its first batch after blank lines: the
        // first segment P (line 22) switches the layout in the middle of a read-ahead block, whose
        // later lines' facts were worked out with the retorno layout and must not be used.
        let remessa = [UInt8](FileManager.default.contents(atPath: samples + "/REMESSA-240.rem")!)
        let remessaLines = remessa.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        var undirected = remessaLines[0]
        undirected[142] = UInt8(ascii: "0")
        var late = undirected + [0x0A] + [UInt8](repeating: 0x0A, count: 20)
        for line in remessaLines.dropFirst() where !line.isEmpty { late += line + [0x0A] }
        inputs.append(("a remessa's direction told by its first segment, after blank lines", late))
        inputs.append(("empty", []))
        inputs.append(("newlines", [UInt8](repeating: 0x0A, count: 40)))
        func read(_ bytes: [UInt8], threads: Int, emit: Bool) throws -> ([UInt8], [Diagnostic], CNABReadSummary) {
            var out: [UInt8] = []
            var found: [Diagnostic] = []
            let writer = RecordWriter(threshold: 700) { out.append(contentsOf: $0) }
            // Small read-ahead blocks and reads of random sizes: lines cross block boundaries.
            var options = CNABReadOptions(emit: emit, threads: threads)
            if threads > 1 { options.blockSize = 997 * threads }
            let source: ByteSource = threads > 1 ? TrickleSource(bytes, seed: UInt64(bytes.count)) : MemorySource(bytes)
            let summary = try CNABReader(library: LayoutLibrary(), file: "f", options: options)
                .read(source, output: writer, diagnostics: DiagnosticSink { found.append($0) })
            try writer.finish()
            return (out, found, summary)
        }
        // A file mapped a window at a time (windows of four 997-byte blocks per thread, lines
        // cross them; the last window read), and from a descriptor already 5 bytes into its file.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("troca-mapped-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func readMapped(_ bytes: [UInt8], threads: Int, emit: Bool, skip: Int) throws -> ([UInt8], [Diagnostic], CNABReadSummary) {
            let path = directory.appendingPathComponent("input").path
            try Data([UInt8](repeating: 0x41, count: skip) + bytes).write(to: URL(fileURLWithPath: path))
            let source = try FileSource(path: path)
            if skip > 0 {
                var junk = [UInt8](repeating: 0, count: skip)
                let n = try junk.withUnsafeMutableBytes { try source.read(into: $0) }
                #expect(n == skip)
            }
            var out: [UInt8] = []
            var found: [Diagnostic] = []
            let writer = RecordWriter(threshold: 700) { out.append(contentsOf: $0) }
            var options = CNABReadOptions(emit: emit, threads: threads)
            options.blockSize = 997 * threads
            let summary = try CNABReader(library: LayoutLibrary(), file: "f", options: options)
                .read(source, output: writer, diagnostics: DiagnosticSink { found.append($0) })
            try writer.finish()
            // Read to its end, as read(2) would leave it.
            #expect(lseek(source.mappable!.descriptor, 0, SEEK_CUR) == off_t(skip + bytes.count), "the descriptor is left at the end")
            return (out, found, summary)
        }
        for (name, bytes) in inputs {
            // `check` finds what `parse` finds: the same diagnostics and counts, only no records.
            let parsed = try read(bytes, threads: 1, emit: true)
            let checked = try read(bytes, threads: 1, emit: false)
            let sameFindings = parsed.1 == checked.1
            #expect(sameFindings, "\(name): check and parse report different diagnostics")
            #expect(parsed.2.lines == checked.2.lines && parsed.2.rejected == checked.2.rejected, "\(name)")
            for emit in [true, false] {
                let serial = try read(bytes, threads: 1, emit: emit)
                #expect(serial.0.isEmpty != emit || serial.2.fatal || serial.2.lines == serial.2.skipped, "\(name)")
                for (threads, mapped) in [(2, false), (3, false), (2, true), (3, true)] {
                    let other =
                        mapped
                        ? try readMapped(bytes, threads: threads, emit: emit, skip: threads == 3 ? 5 : 0)
                        : try read(bytes, threads: threads, emit: emit)
                    // Compared as booleans: a failure names the input, not megabytes of bytes.
                    let (records, findings, summary) = (other.0 == serial.0, other.1 == serial.1, other.2 == serial.2)
                    let how = "\(name), \(threads) threads\(mapped ? ", mapped" : ""), emit \(emit)"
                    #expect(records, "\(how): records differ")
                    #expect(findings, "\(how): diagnostics differ")
                    #expect(summary, "\(how): \(other.2) != \(serial.2)")
                }
            }
        }
    }
}

/// Hands out its bytes a few at a time (1 to 5,000 per read), as a pipe may.
final class TrickleSource: ByteSource {
    let bytes: [UInt8]
    var position = 0
    var rng: SplitMix64

    init(_ bytes: [UInt8], seed: UInt64) {
        self.bytes = bytes
        rng = SplitMix64(seed: seed)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - position, 1 + Int(rng.next() % 5_000))
        if n > 0 {
            bytes.withUnsafeBytes { src in buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n) }
            position += n
        }
        return n
    }
}

/// A file whose header names one bank and whose details are another's (issue 3's example: a BB
/// file whose header carries Caixa's code) is said to be so, with the layouts the details are
/// records of, and exits 65 — not read quietly as a file of no título.
@Suite struct UnknownDetailsTests {
    static func sample(_ path: String) -> [UInt8] {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return [UInt8](FileManager.default.contents(atPath: url.path + "/Fixtures/samples/" + path)!)
    }

    @Test func aHeaderWhoseDetailsAreAnotherBanksIsAnError() throws {
        var bytes = Self.sample("cnab400/001/remessa.rem")
        // Header positions 77–79: the bank's code, 001 → 104 (Caixa).
        for (k, b) in "104".utf8.enumerated() { bytes[76 + k] = b }
        let (summary, diagnostics) = try EngineTests().read(bytes, library: LayoutLibrary())
        let said = try #require(diagnostics.first { $0.code == "cnab.unknown-details" })
        #expect(said.severity == .error && said.line == 0)
        #expect(said.message.hasPrefix("none of the file's"), "\(said.message)")
        #expect(said.message.contains("is a record of cnab400/104/remessa") && said.message.contains("cnab400/001/remessa"), "\(said.message)")
        #expect(summary.titles == 0 && summary.lines == summary.written + summary.rejected + summary.skipped)
    }

    @Test func theSameFileWithItsOwnHeaderIsNot() throws {
        let (summary, diagnostics) = try EngineTests().read(Self.sample("cnab400/001/remessa.rem"), library: LayoutLibrary())
        #expect(!diagnostics.contains { $0.code == "cnab.unknown-details" })
        #expect(summary.titles > 0)
    }
}
