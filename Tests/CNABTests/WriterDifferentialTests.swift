import FixedWidth
import Foundation
import Records
import Testing

@testable import CNAB

/// The compiled writer against the writer it replaced (`LegacyCNABWriter`, JSONSerialization and
/// `[String: Any]`): on the samples' records and on random mutations of them (long names,
/// accents, overflowing numbers, missing fields, nulls, wrong types, odd numbers, repeated and
/// dotted keys, malformed lines), both give the same bytes, the same diagnostics and the same
/// summary, and read = written + rejected + skipped holds.
@Suite struct WriterDifferentialTests {
    struct Outcome: Equatable, CustomStringConvertible {
        var bytes: [UInt8]
        var summary: String
        var diagnostics: [String]
        var description: String { "\(summary)\n" + diagnostics.joined(separator: "\n") }
    }

    /// A título refused for a value says the value's column (the legacy writer says none): it is
    /// checked to be where a JSON value starts in the line, then left out of the comparison.
    static func valueColumnChecked(_ d: Diagnostic) -> Diagnostic {
        guard d.code.rawValue.hasPrefix("write."), d.code != "write.json", d.column > 0 else { return d }
        let raw = d.raw ?? []
        #expect(
            d.column <= raw.count && Array("\"{[-0123456789tfn".utf8).contains(raw[d.column - 1]),
            "\(d.code) column \(d.column) is not at a value: \(String(decoding: raw, as: UTF8.self))")
        var without = d
        without.column = 0
        return without
    }

    static func describe(_ d: Diagnostic) -> String {
        "\(d.severity.rawValue) \(d.code.rawValue) \(d.line):\(d.column) \(d.message) raw=\(String(decoding: d.raw ?? [], as: UTF8.self))"
    }

    static func options(_ format: CNABFormat, _ bank: String, _ direction: String) -> CNABWriteOptions {
        var o = CNABWriteOptions(format: format, bank: bank, date: CivilDate(year: 2026, month: 11, day: 30)!, time: 37230, fileSequence: 4)
        o.direction = direction
        return o
    }

    /// The compiled writer's outcome, the same with lines parsed on the caller's thread or ahead.
    static func new(_ jsonl: [UInt8], _ options: CNABWriteOptions) throws -> Outcome {
        var outcomes: [Outcome] = []
        for threads in [1, 2] {
            var options = options
            options.threads = threads
            var found: [String] = []
            let (bytes, s) = try CNABWriter(library: LayoutLibrary(), options: options).write(
                MemorySource(jsonl), file: "in.jsonl", diagnostics: DiagnosticSink { found.append(describe(valueColumnChecked($0))) })
            #expect(s.lines == s.used + s.rejected + s.skipped, "read = written + rejected + skipped")
            outcomes.append(Outcome(bytes: bytes, summary: "\(s)", diagnostics: found))
        }
        #expect(outcomes[0] == outcomes[1], "one thread or two")
        return outcomes[0]
    }

    @Test("many lines (several chunks made ahead): the same file with one thread or two")
    func manyLines() throws {
        let lines = try WriterTests.parse(WriterTests.bytes("Fixtures/samples/REMESSA-240.rem")).lines
        let titles = lines.filter { $0.starts(with: Array("{\"record\":\"title\"".utf8)) }
        var rng = SplitMix64(seed: 5)
        var input: [[UInt8]] = []
        for k in 0..<3_000 {
            input.append(k % 97 == 0 ? Array("not json".utf8) : k % 89 == 0 ? [] : rng.pick(titles))
            // A título of 200 KB (a tape a worker does not keep), and títulos after it in its chunk.
            if k == 1_500 {
                var long = rng.pick(titles)
                long.removeLast()
                input.append(long + Array((",\"note\":\"" + String(repeating: "n", count: 200_000) + "\"}").utf8))
            }
        }
        input.append(Array(("{\"record\":\"title\",\"payer\":{\"name\":\"" + String(repeating: "x", count: 70_000) + "\"}}").utf8))
        _ = try Self.new(Array(input.joined(separator: [0x0A])), Self.options(.cnab240, "999", "remessa"))
    }

    /// Títulos made ahead on worker threads know nothing of the file record: those that take
    /// its bank or company (giving none) are written with them all the same, in every chunk of
    /// lines (512 a chunk), with one, two or three threads; so are their refusals.
    @Test("títulos taking the file record's bank and company: the same file with one, two or three threads")
    func titlesTakingTheFileRecordsValues() throws {
        let lines = try WriterTests.parse(WriterTests.bytes("Fixtures/samples/cnab400/033/remessa.rem")).lines
        let titles = lines.filter { $0.starts(with: Array("{\"record\":\"title\"".utf8)) }.map { line -> [UInt8] in
            var o = (try! JSONSerialization.jsonObject(with: Data(line))) as! [String: Any]
            o["bank"] = nil
            o["company"] = nil
            return Array(try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]))
        }
        let header = Array(
            #"{"record":"file","part":"header","bank":"033","company":{"document_type":"cnpj","document":"11222333000181","name":"ÁGUA LTDA"}}"#
                .utf8)
        var rng = SplitMix64(seed: 11)
        for withHeader in [true, false] {
            var input: [[UInt8]] = withHeader ? [header] : []
            for k in 0..<1_500 {
                switch k % 211 {
                case 17: input.append(header)  // after the first título: refused
                case 40: input.append(Array(#"{"record":"title","bank":"237","due_date":"2026-12-01","amount_cents":1}"#.utf8))
                default: input.append(rng.pick(titles))
                }
            }
            let jsonl = Array(input.joined(separator: [0x0A]))
            var outcomes: [Outcome] = []
            for threads in [1, 2, 3] {
                var options = Self.options(.cnab400, "033", "remessa")
                options.threads = threads
                var found: [String] = []
                let (bytes, s) = try CNABWriter(library: LayoutLibrary(), options: options).write(
                    MemorySource(jsonl), file: "in.jsonl", diagnostics: DiagnosticSink { found.append(Self.describe($0)) })
                #expect(s.lines == s.used + s.rejected + s.skipped)
                outcomes.append(Outcome(bytes: bytes, summary: "\(s)", diagnostics: found))
            }
            #expect(outcomes[0] == outcomes[1] && outcomes[0] == outcomes[2], "header \(withHeader)")
            // The file record's company is written in the títulos' records. Without one first,
            // the 17 títulos before line 18's are refused for want of a beneficiário, and that
            // one is the file's (no título has been written yet to make it come too late).
            let written = String(decoding: outcomes[0].bytes, as: UTF8.self)
            #expect(written.components(separatedBy: "11222333000181").count > 1_000)
            #expect(outcomes[0].diagnostics.filter { $0.contains("company.document") }.count == (withHeader ? 0 : 17))
        }
    }

    static func legacy(_ jsonl: [UInt8], _ options: CNABWriteOptions) throws -> Outcome {
        var found: [String] = []
        let (bytes, s) = try LegacyCNABWriter(library: LayoutLibrary(), options: options).write(
            MemorySource(jsonl), file: "in.jsonl", diagnostics: DiagnosticSink { found.append(describe($0)) })
        return Outcome(bytes: bytes, summary: "\(s)", diagnostics: found)
    }

    /// Files whose records are the fuzzer's material: path, format, the bank to write for, direction.
    static let files: [(String, CNABFormat, String, String)] = [
        ("Fixtures/samples/REMESSA-240.rem", .cnab240, "999", "remessa"),
        ("Fixtures/samples/REMESSA-240.rem", .cnab240, "341", "remessa"),
        ("Fixtures/samples/REMESSA-240.rem", .cnab240, "001", "remessa"),
        ("Fixtures/samples/RETORNO-240.ret", .cnab240, "999", "retorno"),
        ("Fixtures/samples/cnab400/001/remessa.rem", .cnab400, "001", "remessa"),
        ("Fixtures/samples/cnab400/033/remessa.rem", .cnab400, "033", "remessa"),
        ("Fixtures/samples/cnab400/104/remessa.rem", .cnab400, "104", "remessa"),
        ("Fixtures/samples/cnab400/237/remessa.rem", .cnab400, "237", "remessa"),
        ("Fixtures/samples/cnab400/237/retorno.ret", .cnab400, "237", "retorno"),
        ("Fixtures/samples/cnab400/341/remessa.rem", .cnab400, "341", "remessa"),
        ("Fixtures/samples/cnab400/748/remessa.rem", .cnab400, "748", "remessa"),
        ("Fixtures/samples/cnab400/756/remessa.rem", .cnab400, "756", "remessa"),
    ]

    @Test("the samples' records: the same bytes as before", arguments: files.indices)
    func samples(index: Int) throws {
        let (path, format, bank, direction) = Self.files[index]
        let lines = try WriterTests.parse(WriterTests.bytes(path)).lines.map(Self.withoutBank)
        let jsonl = Array(lines.joined(separator: [0x0A]))
        let options = Self.options(format, bank, direction)
        let a = try Self.new(jsonl, options)
        let b = try Self.legacy(jsonl, options)
        #expect(a.bytes == b.bytes, "\(Self.difference(a.bytes, b.bytes))")
        #expect(a.summary == b.summary && a.diagnostics == b.diagnostics, "new:\n\(a)\nlegacy:\n\(b)")
    }

    /// A record without its `bank` member: the file is the bank's the options name (a file
    /// record of another bank is written with it, a título of another bank refused), where the
    /// legacy writer wrote whatever bank a record carried; without it both take the options'.
    static func withoutBank(_ line: [UInt8]) -> [UInt8] {
        let text = String(decoding: line, as: UTF8.self)
        guard let r = text.range(of: #""bank":"[^"]*","#, options: .regularExpression) else { return line }
        return Array(text.replacingCharacters(in: r, with: "").utf8)
    }

    static let strings: [String] = [
        String(repeating: "Ç", count: 60), "José D'Ávila", "ß", "Æther Øre ªº°", "ção\tnova\nlinha", "emoji 😀 here", "\u{212A}", "e\u{301}",
        "", " ", "abc", "12345678901234567890123456789012345", "-5", "2026-02-31", "2026-12-10", "20261210", "10:30:00", "1030",
        "0", "000000000000000000000000000001", "ABC123", "abc123", "cpf", "cnpj", "register", "01", "RUA SÃO JOÃO, 1696 - APTO 12",
        String(repeating: "A", count: 300), "\u{0}\u{1}x", "naïve café", "\u{feff}bom", "Ω≈ç√∫", "¿qué?", "x\u{7f}y",
    ]

    static func weird(_ rng: inout SplitMix64) -> Any {
        switch rng.below(5) {
        case 0, 1: return rng.pick(strings)
        case 2: return rng.pick([0, -1, 12, 250_000, 999_999_999_999_999, 12.5, 12.25, 1e19, -0.5] as [Any])
        case 3: return rng.pick([true, false, NSNull()] as [Any])
        default: return rng.pick([["01", "02"], [["code": "AB"], "03"], [1, 2], [String: Any](), ["x": 1], [["code": 7]]] as [Any])
        }
    }

    /// The dotted paths of an object's leaves.
    static func leaves(_ o: [String: Any], _ prefix: [String] = []) -> [[String]] {
        o.flatMap { k, v -> [[String]] in
            if let d = v as? [String: Any], !d.isEmpty { return leaves(d, prefix + [k]) }
            return [prefix + [k]]
        }
    }

    static func set(_ o: inout [String: Any], _ path: ArraySlice<String>, _ value: Any?) {
        guard let key = path.first else { return }
        if path.count == 1 {
            o[key] = value
        } else if var d = o[key] as? [String: Any] {
            set(&d, path.dropFirst(), value)
            o[key] = d
        }
    }

    /// A título (or event) line, mutated.
    static func mutate(_ line: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        guard var o = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else { return line }
        o["source"] = nil
        for _ in 0..<(1 + rng.below(3)) {
            let paths = leaves(o).sorted { $0.joined(separator: ".") < $1.joined(separator: ".") }
            guard !paths.isEmpty else { break }
            let path = rng.pick(paths)
            switch rng.below(10) {
            case 0, 1, 2, 3: set(&o, path[...], weird(&rng))
            case 4: set(&o, path[...], nil)
            case 5: if path.count > 1 { o[path[0]] = rng.pick([NSNull(), "flat", [String: Any]()] as [Any]) }
            case 6:
                // A nested object written as dotted keys (the same paths).
                if let d = o[path[0]] as? [String: Any] {
                    o[path[0]] = nil
                    for (k, v) in d { o[path[0] + "." + k] = v }
                }
            case 7: o[rng.pick(["bank", "batch", "amount_cents", "face_cents", "due_date", "record"])] = weird(&rng)
            case 8: o[rng.pick(["bank", "batch", "amount_cents", "due_date", "payer"])] = nil
            default: o["extra_\(rng.below(3))"] = weird(&rng)
            }
        }
        guard
            var text = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])).map({ String(decoding: $0, as: UTF8.self) })
        else { return line }
        // Text-level changes JSONSerialization cannot make: repeated keys, odd number literals, spacing.
        switch rng.below(8) {
        case 0:
            // (Not an object where dotted keys give the same paths: which one the old writer took
            // depended on dictionary order.)
            let dotted = o.keys.contains { $0.contains(".") }
            let key = rng.pick(["amount_cents", "due_date", "payer", "bank", "nosso_numero", "batch"])
            let value = rng.pick(
                dotted ? ["5", "null", "[1]"] : ["5", "\"2026-01-02\"", "null", "{\"name\":\"X\"}", "\"NN-1\"", "[1]", "2"])
            text.removeLast()
            text += ",\"\(key)\":\(value)}"
        case 1:
            let literal = rng.pick([
                "1.5e2", "150.0", "15000E-2", "-0", "123456789012345678901", "18446744073709551615", "1e19", "0.30000000000000004",
                "-1000000000000000000",
            ])
            if let r = text.range(of: #""amount_cents":"#) {
                let rest = text[r.upperBound...]
                let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
                text.replaceSubrange(r.upperBound..<end, with: literal)
            }
        case 2: text = text.replacingOccurrences(of: ",", with: " , ") + " \r"
        case 3: text.insert(contentsOf: ",", at: text.index(before: text.endIndex))
        default: break
        }
        return Array(text.utf8)
    }

    static let noise: [String] = [
        "", "   ", "not json", "[1]", "{", "{\"record\":\"title\"} x", "{\"record\":\"foo\"}", "{\"record\":1}",
        "{\"record\":\"file\",\"part\":1}",
        "{\"record\":\"event\",\"code\":\"06\"}", "{\"record\":\"title\",\"code\":\"01\"}",
        "{\"record\":\"file\",\"part\":\"header\",\"company\":{\"name\":\"ÁGUA & LUZ LTDA\"}}",
        "{\"record\":\"file\",\"part\":\"trailer\",\"record_count\":1}",
        "{\"record\":\"batch\",\"part\":\"header\",\"batch\":3,\"message_1\":\"OLÁ\"}",
        "{\"record\":\"batch\",\"part\":\"trailer\",\"notice\":\"1\"}",
        "\u{feff}{\"record\":\"title\",\"due_date\":\"2026-12-01\",\"amount_cents\":1}",
        "{\"record\":\"title\",\"due_date\":\"2026-12-01\",\"amount_cents\":1,\"payer\":{\"name\":\""
            + String(repeating: "ã", count: 40_000) + "\"}}",
    ]

    @Test("random títulos: the same bytes, diagnostics and summary as before", arguments: files.indices)
    func fuzz(index: Int) throws {
        let (path, format, bank, direction) = Self.files[index]
        let lines = try WriterTests.parse(WriterTests.bytes(path)).lines.map(Self.withoutBank)
        let kind = direction == "remessa" ? "title" : "event"
        let details = lines.filter { (try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])?["record"] as? String == kind }
        let headers = lines.filter { !details.contains($0) }
        try #require(!details.isEmpty)
        var rng = SplitMix64(seed: UInt64(index) * 7919 + 1)
        for round in 0..<(Int(ProcessInfo.processInfo.environment["TROCA_FUZZ_ROUNDS"] ?? "") ?? 6) {
            var input: [[UInt8]] = round % 2 == 0 ? Array(headers.prefix(2)) : []
            for _ in 0..<40 {
                switch rng.below(10) {
                case 0: input.append(Array(rng.pick(Self.noise).utf8))
                case 1, 2: input.append(rng.pick(details))
                default: input.append(Self.mutate(rng.pick(details), &rng))
                }
            }
            let jsonl = Array(input.joined(separator: [0x0A]))
            let options = Self.options(format, bank, direction)
            let a = try Self.new(jsonl, options)
            let b = try Self.legacy(jsonl, options)
            #expect(a.bytes == b.bytes, "\(path) round \(round): \(Self.difference(a.bytes, b.bytes))")
            #expect(a.summary == b.summary, "\(path) round \(round): \(a.summary) vs \(b.summary)")
            if let k = (0..<min(a.diagnostics.count, b.diagnostics.count)).first(where: { a.diagnostics[$0] != b.diagnostics[$0] })
                ?? (a.diagnostics.count == b.diagnostics.count ? nil : min(a.diagnostics.count, b.diagnostics.count))
            {
                Issue.record(
                    "\(path) round \(round): diagnostic \(k):\nnew:    \(k < a.diagnostics.count ? a.diagnostics[k] : "none")\nlegacy: \(k < b.diagnostics.count ? b.diagnostics[k] : "none")"
                )
            }
            // What was written reads back as a file of the same layout.
            let back = try WriterTests.parse(a.bytes)
            #expect(!back.summary.fatal, "\(path) round \(round): \(back.diagnostics.map(\.formatted).prefix(3))")
        }
    }

    /// Where two files first differ, as lines.
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let la = a.split(separator: 0x0A, omittingEmptySubsequences: false)
        let lb = b.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard let i = (0..<min(la.count, lb.count)).first(where: { !la[$0].elementsEqual(lb[$0]) }) else {
            return "\(la.count) vs \(lb.count) lines"
        }
        return "line \(i + 1):\nnew:    \(String(decoding: la[i], as: UTF8.self))\nlegacy: \(String(decoding: lb[i], as: UTF8.self))"
    }

    @Test("transliteration a character at a time is the whole string's", arguments: [1, 2, 3])
    func transliteration(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("aZ09 -/.,'\"\t\n\u{1}\u{7f}ÁÉÍÓÚáéíóúÂÊÔâêôÃÕãõÇçÀàÜüÑñßÆæØøÐðÞþ×÷ªº°¿¡µ¶·¸¹²³¼½¾ÿ\u{a0}\u{ad}\u{80}\u{9f}")
        for _ in 0..<3_000 {
            let text = String((0..<rng.below(12)).map { _ in rng.pick(alphabet) })
            var out: [UInt8] = []
            _ = Array(text.utf8).withUnsafeBufferPointer { Transliteration.append($0, to: &out) }
            #expect(String(decoding: out, as: UTF8.self) == Transliteration.ascii(text), "\(text.debugDescription)")
        }
        // Beyond Latin-1 the whole string goes through the reference.
        for text in ["e\u{301}", "Ωmega", "😀x", "ǅ", "ﬁ"] {
            var out: [UInt8] = []
            _ = Array(text.utf8).withUnsafeBufferPointer { Transliteration.append($0, to: &out) }
            #expect(String(decoding: out, as: UTF8.self) == Transliteration.ascii(text))
        }
    }
}
