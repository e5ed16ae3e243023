import CNAB
import FixedWidth
import Foundation
import Records
import Testing

/// `CNABWriter`: JSONL records → remessa, checked by reading the result back with `CNABReader`.
@Suite struct WriterTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static func bytes(_ relative: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: root.appendingPathComponent(relative).path)!)
    }

    /// Parses bytes into JSONL records, with the diagnostics.
    static func parse(_ bytes: [UInt8]) throws -> (lines: [[UInt8]], diagnostics: [Diagnostic], summary: CNABReadSummary) {
        var out: [UInt8] = []
        var found: [Diagnostic] = []
        let writer = RecordWriter { out.append(contentsOf: $0) }
        let summary = try CNABReader(library: LayoutLibrary(), file: "in").read(
            MemorySource(bytes), output: writer, diagnostics: DiagnosticSink { found.append($0) })
        try writer.finish()
        return (out.split(separator: 0x0A).map(Array.init), found, summary)
    }

    static func write(_ jsonl: [UInt8], format: CNABFormat = .cnab240, bank: String = "999", sequence: Int? = 7) throws -> (
        bytes: [UInt8], summary: CNABWriteSummary, diagnostics: [Diagnostic]
    ) {
        var found: [Diagnostic] = []
        let options = CNABWriteOptions(
            format: format, bank: bank, date: CivilDate(year: 2026, month: 11, day: 30)!, time: 36000, fileSequence: sequence)
        let (bytes, summary) = try CNABWriter(library: LayoutLibrary(), options: options).write(
            MemorySource(jsonl), file: "titles.jsonl", diagnostics: DiagnosticSink { found.append($0) })
        return (bytes, summary, found)
    }

    static func object(_ line: [UInt8]) -> [String: Any] {
        var o = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] ?? [:]
        o["source"] = nil
        return o
    }

    @Test("write(parse(file)) gives back our FEBRABAN remessa sample byte for byte")
    func roundTripFile() throws {
        let original = Self.bytes("Fixtures/samples/REMESSA-240.rem")
        let parsed = try Self.parse(original)
        let (written, summary, diagnostics) = try Self.write(Array(parsed.lines.joined(separator: [0x0A])), sequence: nil)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.formatted))")
        #expect(summary.titles == 3)
        #expect(written == original)
    }

    @Test("parse(write(titles)) gives back the títulos; headers and trailers are made and counted")
    func roundTripTitles() throws {
        let parsed = try Self.parse(Self.bytes("Fixtures/samples/REMESSA-240.rem"))
        let titles = parsed.lines.filter { $0.starts(with: Array("{\"record\":\"title\"".utf8)) }
        #expect(titles.count == 3)
        let (written, summary, diagnostics) = try Self.write(Array(titles.joined(separator: [0x0A])))
        #expect(!diagnostics.contains { $0.severity == .error })
        #expect(summary.lines == 3 && summary.used == 3 && summary.rejected == 0)
        let back = try Self.parse(written)
        #expect(back.summary.rejected == 0 && !back.summary.fatal, "\(back.diagnostics.map(\.formatted))")
        #expect(!back.diagnostics.contains { $0.severity == .error })
        let again = back.lines.filter { $0.starts(with: Array("{\"record\":\"title\"".utf8)) }
        #expect(again.count == titles.count)
        for (a, b) in zip(titles, again) {
            #expect(NSDictionary(dictionary: Self.object(a)).isEqual(to: Self.object(b)), "\(String(decoding: b, as: UTF8.self))")
        }
        // Every line is 240 bytes and CRLF-terminated; the trailers count what was written.
        let lines = written.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.count == 241 && $0.last == 0x0D })
        let file = back.lines.compactMap { line -> [String: Any]? in
            let o = Self.object(line)
            return o["record"] as? String == "file" && o["part"] as? String == "trailer" ? o : nil
        }
        #expect(file.first?["record_count"] as? Int == lines.count)
        #expect(file.first?["batch_count"] as? Int == 1)
    }

    /// A line that is not a JSON object is said as the other JSONL stages say it, at the column
    /// of its first bad byte (or where an array starts), whether lines are parsed on the
    /// caller's thread or ahead.
    @Test(arguments: [1, 2])
    func aLineThatIsNotAnObjectIsSaidAtItsColumn(threads: Int) throws {
        let input = Self.title([:]) + "\n" + #"{"record":"title","amount_cents":12x}"# + "\n  [1]\n" + #"{"record":"#
        var options = CNABWriteOptions(format: .cnab240, bank: "999", date: CivilDate(year: 2026, month: 11, day: 30)!, time: 0, fileSequence: 1)
        options.threads = threads
        var found: [Diagnostic] = []
        let (_, summary) = try CNABWriter(library: LayoutLibrary(), options: options).write(
            MemorySource(Array(input.utf8)), file: "t.jsonl", diagnostics: DiagnosticSink { found.append($0) })
        #expect(summary.titles == 1 && summary.rejected == 3)
        #expect(
            found.filter { $0.code == "write.json" }.map(\.formatted) == [
                #"t.jsonl:2:36: error: [write.json] expected a JSON object: not valid JSON at "x""#,
                "t.jsonl:3:3: error: [write.json] expected a JSON object, found an array",
                "t.jsonl:4:11: error: [write.json] expected a JSON object: not valid JSON, the line ends inside it",
            ])
    }

    /// One título as a JSON line, with some fields replaced.
    static func title(_ changes: [String: Any]) -> String {
        var o: [String: Any] = [
            "record": "title", "code": "01", "agency": "02517", "account": "000000119039", "nosso_numero": "123",
            "document_number": "DOC-1", "due_date": "2026-12-10", "amount_cents": 15000,
            "payer": ["document_type": "cpf", "document": "40341118010", "name": "JOSÉ DA CONCEIÇÃO"],
        ]
        for (k, v) in changes { o[k] = v }
        let data = try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    @Test("text with no ASCII form is never written as '?': dashes, spaces and quotes become ASCII, the rest blanks, counted")
    func unmappedCharacters() throws {
        let names = [
            "JOSÉ D\u{2019}ÁVILA\u{A0}\u{2013}\u{A0}FILHO",  // typographic apostrophe, no-break spaces, en dash
            "\u{FF21}\u{FF22}\u{FF23} LTDA",  // full-width letters
            "MARIA \u{1F600} SOUZA",  // an emoji: no ASCII form
            "CAFÉ\u{D7}2\u{2026}",  // times sign, ellipsis
            "NA\u{AD}ME\u{200B}X",  // soft hyphen and zero-width space: dropped
            "IVAN \u{0416}UKOV µ",  // Cyrillic and the micro sign: no ASCII form
        ]
        let input = names.map { Self.title(["payer": ["document_type": "cpf", "document": "40341118010", "name": $0]]) }
        let (written, summary, diagnostics) = try Self.write(Array(input.joined(separator: "\n").utf8))
        #expect(summary.titles == names.count && summary.rejected == 0)
        #expect(!written.contains(UInt8(ascii: "?")), "no stand-in the bank would reject")
        #expect(written.allSatisfy { $0 < 0x80 }, "ASCII only")
        let back = try Self.parse(written)
        let read = back.lines.compactMap { (Self.object($0)["payer"] as? [String: Any])?["name"] as? String }
        #expect(read == ["JOSE D AVILA - FILHO", "ABC LTDA", "MARIA   SOUZA", "CAFEX2...", "NAMEX", "IVAN  UKOV"])
        // Lines 3 and 6 had characters written as blanks: one warning for the path, counting both.
        let warnings = diagnostics.filter { $0.code == "write.character" }
        #expect(warnings.count == 1)
        #expect(warnings.first?.line == 3 && warnings.first?.message.contains("payer.name") == true)
        #expect(warnings.first?.message.contains("in 2 record(s)") == true, "\(warnings.map(\.message))")
        // A plain ASCII or Latin-1 name gives no such warning.
        let plain = try Self.write(Array(Self.title([:]).utf8))
        #expect(!plain.diagnostics.contains { $0.code == "write.character" })
    }

    @Test("bad títulos are rejected with the field's name, the others written; nothing is lost")
    func rejects() throws {
        let input = [
            Self.title([:]),
            Self.title(["nosso_numero": String(repeating: "9", count: 21)]),  // 21 digits in 20
            Self.title(["due_date": NSNull()]),
            Self.title(["due_date": "2026-02-31"]),
            Self.title(["amount_cents": 12.5]),
            "not json",
            "",
            "{\"record\":\"event\",\"code\":\"06\"}",
            Self.title(["payer": ["name": String(repeating: "Ç", count: 60)]]),
        ].joined(separator: "\n")
        let (written, summary, diagnostics) = try Self.write(Array(input.utf8))
        #expect(summary.lines == 9)
        #expect(summary.used + summary.rejected + summary.skipped == summary.lines, "nothing lost")
        #expect(summary.titles == 2 && summary.rejected == 6 && summary.skipped == 1)
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.line) == [2, 3, 4, 5, 6, 8])
        try #require(errors.count == 6)
        #expect(errors.allSatisfy { $0.raw != nil && !$0.raw!.isEmpty })
        #expect(errors[0].code == "write.overflow" && errors[0].message.contains("nosso_numero"))
        #expect(errors[1].code == "write.required" && errors[1].message.contains("data_vencimento"))
        #expect(errors[2].code == "write.date")
        #expect(errors[3].code == "write.type")
        #expect(errors[4].code == "write.json")
        #expect(errors[5].code == "write.record")
        // The long name is cut to its 40 bytes, uppercase ASCII, and counted once.
        #expect(diagnostics.contains { $0.code == "write.truncated" && $0.message.contains("payer.name") && $0.line == 9 })
        let back = try Self.parse(written)
        #expect(back.summary.rejected == 0 && back.summary.titles == 2)
        let names = back.lines.compactMap { (Self.object($0)["payer"] as? [String: Any])?["name"] as? String }
        #expect(names == ["JOSE DA CONCEICAO", String(repeating: "C", count: 40)])
        #expect(written.allSatisfy { $0 < 0x80 }, "ASCII only")
    }

    @Test("títulos of other batches start new batches, numbered as written")
    func batches() throws {
        let input = [Self.title(["batch": 7]), Self.title(["batch": 7]), Self.title(["batch": 9]), Self.title([:])].joined(separator: "\n")
        let (written, summary, _) = try Self.write(Array(input.utf8))
        #expect(summary.titles == 4)
        let back = try Self.parse(written)
        #expect(back.summary.rejected == 0 && !back.summary.fatal, "\(back.diagnostics.map(\.formatted))")
        let batches = Self.objects(back.lines).filter { $0["record"] as? String == "title" }.map { $0["batch"] as? Int }
        #expect(batches == [1, 1, 2, 2])
    }

    static func objects(_ lines: [[UInt8]]) -> [[String: Any]] {
        lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any] }
    }

    @Test("a CNAB 400 bank without a remessa layout is a setup error naming the bank")
    func noLayout() {
        #expect(throws: CNABWriter.SetupError.self) { try Self.write([], format: .cnab400, bank: "999") }
    }
}

extension WriterTests {
    /// A field's `truncate` key decides whether a value too long for it is cut (one warning) or
    /// rejects the título, over the default by path: here the payer's name may no longer be cut,
    /// and the company's own reference (an identifier by default) may.
    @Test func truncateKeyOverridesTheDefault() throws {
        let source = try #require(BuiltinLayouts.files.first { $0.name == "cnab240/febraban/remessa" })
        let edited = source.json
            .replacingOccurrences(of: #""to": "payer.name" }"#, with: #""to": "payer.name", "truncate": false }"#)
            .replacingOccurrences(of: #""to": "company_use", "doc""#, with: #""to": "company_use", "truncate": true, "doc""#)
        #expect(edited != source.json)
        var library = LayoutLibrary()
        library.add(LayoutSource(name: source.name, origin: "test", json: Array(edited.utf8)))
        #expect(LayoutLint.lint(library.sources[source.name]!, in: library).isEmpty)
        // Only text fields with an output path may be cut.
        var numeric = LayoutLibrary()
        let wrong = source.json.replacingOccurrences(of: #""to": "amount_cents""#, with: #""to": "amount_cents", "truncate": true"#)
        numeric.add(LayoutSource(name: source.name, origin: "test", json: Array(wrong.utf8)))
        let problems = LayoutLint.lint(numeric.sources[source.name]!, in: numeric)
        #expect(wrong != source.json && problems.contains { $0.code == "layout.truncate" }, "\(problems)")
        let long = String(repeating: "X", count: 60)
        let titles = [
            #"{"record":"title","nosso_numero":"1","due_date":"2026-12-20","amount_cents":100,"company_use":"\#(long)","payer":{"name":"SHORT"}}"#,
            #"{"record":"title","nosso_numero":"2","due_date":"2026-12-20","amount_cents":100,"payer":{"name":"\#(long)"}}"#,
        ].joined(separator: "\n")
        func write(_ library: LayoutLibrary) throws -> (CNABWriteSummary, [Diagnostic]) {
            var found: [Diagnostic] = []
            let options = CNABWriteOptions(format: .cnab240, bank: "999", date: CivilDate(year: 2026, month: 11, day: 30)!, time: 0, fileSequence: 1)
            let (_, summary) = try CNABWriter(library: library, options: options).write(
                MemorySource(Array(titles.utf8)), file: "t.jsonl", diagnostics: DiagnosticSink { found.append($0) })
            return (summary, found)
        }
        // By default the long company_use rejects título 1 and the long name is cut in título 2.
        let (plain, plainFound) = try write(LayoutLibrary())
        #expect(plain.titles == 1 && plain.rejected == 1)
        #expect(plainFound.contains { $0.code == "write.overflow" && $0.line == 1 })
        #expect(plainFound.contains { $0.code == "write.truncated" && $0.message.contains("payer.name") })
        // With the keys, the other way round.
        let (keyed, keyedFound) = try write(library)
        #expect(keyed.titles == 1 && keyed.rejected == 1)
        #expect(keyedFound.contains { $0.code == "write.overflow" && $0.line == 2 })
        #expect(keyedFound.contains { $0.code == "write.truncated" && $0.message.contains("company_use") })
    }

    /// A batch past 99,999 detail records goes on in a new batch with the same header values: 50,001
    /// títulos of a P and a Q each, of which the 50,000th cannot be written (a nosso número
    /// of 21 digits, one more than its field) — so the 50,001st is the one that would be records 99,999 and 100,000 of batch 1.
    /// The input's batch trailer goes into the last part, without its figures for the whole batch.
    @Test("a batch past 99,999 detail records goes on in a new batch with the same header values, none rejected")
    func fullBatchContinues() throws {
        var jsonl: [UInt8] = []
        for k in 1...50_001 {
            let nosso = k == 50_000 ? "123456789012345678901" : "\(k)"
            jsonl.append(
                contentsOf: #"{"record":"title","nosso_numero":"\#(nosso)","due_date":"2026-12-20","amount_cents":\#(k),"payer":{"name":"P"}}"#
                    .utf8)
            jsonl.append(0x0A)
        }
        jsonl.append(contentsOf: #"{"record":"batch","part":"trailer","notice_number":"77","simple":{"count":50001,"total_cents":5}}"#.utf8)
        let (written, summary, diagnostics) = try Self.write(jsonl)
        #expect(summary.lines == 50_002 && summary.titles == 50_000 && summary.rejected == 1 && summary.used == 50_001)
        #expect(diagnostics.filter { $0.severity == .error }.map(\.line) == [50_000], "\(diagnostics.prefix(3).map(\.formatted))")
        let full = diagnostics.filter { $0.code == "write.batch-full" }
        #expect(full.count == 1 && full.first?.line == 50_001 && full.first?.severity == .warning)
        // Two batches: 99,998 detail records, then 2; each trailer counts its own (read back).
        let lines = written.split(separator: 0x0A).map { $0.dropLast() }
        let kinds = lines.map { $0[$0.startIndex + 7] }
        #expect(kinds.filter { $0 == UInt8(ascii: "1") }.count == 2 && kinds.filter { $0 == UInt8(ascii: "5") }.count == 2)
        let secondHeader = lines.firstIndex { $0[$0.startIndex + 7] == UInt8(ascii: "1") && $0[$0.startIndex + 3..<$0.startIndex + 7].elementsEqual("0002".utf8) }
        #expect(secondHeader == 1 + 1 + 99_998 + 1)
        let back = try Self.parse(written)
        #expect(back.summary.rejected == 0 && !back.summary.fatal && back.summary.titles == 50_000)
        #expect(back.diagnostics.allSatisfy { $0.code == "cnab.generic-layout" }, "\(back.diagnostics.prefix(3).map(\.formatted))")
        let trailers = back.lines.map(Self.object).filter { $0["record"] as? String == "batch" && $0["part"] as? String == "trailer" }
        #expect(trailers.map { $0["notice_number"] as? String } == [nil, "77"])
        #expect(trailers.map { $0["record_count"] as? Int } == [100_000, 4])
        #expect(trailers.allSatisfy { ($0["simple"] as? [String: Any])?["count"] as? Int ?? 0 == 0 })
    }

    /// A file whose sequence numbers would run past their field: the títulos that do not fit are
    /// rejected (never numbered short), and the trailer still numbers itself. Bradesco 400 with
    /// its six-digit sequence cut to three (999 lines), so that the test stays small.
    @Test func fullFileRejectsTheRest() throws {
        let source = try #require(BuiltinLayouts.files.first { $0.name == "cnab400/237/remessa" })
        let edited = source.json.replacingOccurrences(
            of: #"{ "name": "sequencial", "pos": [395, 400], "picture": "9(6)", "format": "int", "to": "_sequence","#,
            with: #"{ "name": "reserva_teste", "pos": [395, 397], "picture": "X(3)" }, { "name": "sequencial", "pos": [398, 400], "picture": "9(3)", "format": "int", "to": "_sequence","#)
        #expect(edited != source.json)
        var library = LayoutLibrary()
        library.add(LayoutSource(name: source.name, origin: "test", json: Array(edited.utf8)))
        #expect(LayoutLint.lint(library.sources[source.name]!, in: library).isEmpty)
        var jsonl = ""
        for k in 1...1_000 {
            jsonl += #"{"record":"title","carteira":"09","nosso_numero":"\#(k)","document_number":"D\#(k)","due_date":"2026-12-20","amount_cents":100,"payer":{"name":"P","document_type":"cpf","document":"11144477735"}}"# + "\n"
        }
        var found: [Diagnostic] = []
        let options = CNABWriteOptions(format: .cnab400, bank: "237", date: CivilDate(year: 2026, month: 11, day: 30)!, time: 0, fileSequence: 1)
        let (bytes, summary) = try CNABWriter(library: library, options: options).write(
            MemorySource(Array(jsonl.utf8)), file: "t.jsonl", diagnostics: DiagnosticSink { found.append($0) })
        // The header, 997 títulos and the trailer: lines 1…999.
        #expect(summary.lines == 1_000 && summary.titles == 997 && summary.rejected == 3)
        let full = found.filter { $0.code == "write.file-full" }
        #expect(full.map(\.line) == [998, 999, 1_000] && full.allSatisfy { $0.severity == .error })
        #expect(!found.contains { $0.code == "write.overflow" }, "\(found.prefix(3).map(\.formatted))")
        // (Bradesco ends its files with an end-of-file byte after the last CRLF.)
        #expect(bytes.last == 0x1A)
        let lines = bytes.dropLast().split(separator: 0x0A).map { Array($0.dropLast()) }
        #expect(lines.count == 999)
        #expect(lines.last.map { String(decoding: $0[394..<400], as: UTF8.self) } == "   999")
        #expect(lines.last?.first == UInt8(ascii: "9"))
    }

    /// DESIGN.md's example: "JOSÉ D'ÁVILA" → "JOSE D AVILA". Quotes and apostrophes, ASCII or
    /// typographic, are written blank in free text (names, addresses); accents are dropped and
    /// letters uppercased. An identifier keeps its quote (it comes back in the retorno, and is
    /// matched by it).
    @Test func quotesAreWrittenBlank() throws {
        let titles = [
            #"{"record":"title","nosso_numero":"1","due_date":"2026-12-20","amount_cents":100,"payer":{"name":"JOSÉ D'ÁVILA","address":{"street":"Rua \"Nova\" `7`"}}}"#,
            #"{"record":"title","nosso_numero":"2","document_number":"NF'12","due_date":"2026-12-20","amount_cents":100,"payer":{"name":"o'neil","address":{"street":"Av. D’Ávila “Sul”"}}}"#,
        ].joined(separator: "\n")
        let (written, summary, _) = try Self.write(Array(titles.utf8))
        #expect(summary.titles == 2)
        let text = String(decoding: written, as: UTF8.self)
        for expected in ["JOSE D AVILA ", "RUA  NOVA   7 ", "O NEIL ", "AV. D AVILA  SUL "] {
            #expect(text.contains(expected), "\(expected)")
        }
        #expect(text.contains("NF'12"))
        #expect(text.replacingOccurrences(of: "NF'12", with: "").allSatisfy { $0 != "'" && $0 != "\"" && $0 != "`" && $0 != "?" })
    }
}
