import FixedWidth
import Foundation
import Records
import Testing

/// docs/records.md lists every field a stage writes; these tests keep it true.
@Suite struct RecordsDocTests {
    /// Field names in the first column of the doc's tables: | `name` | …
    static func documented() throws -> Set<String> {
        let text = try String(contentsOfFile: repoRoot + "/docs/records.md", encoding: .utf8)
        var names: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cell = line.dropFirst(3)
            if let end = cell.firstIndex(of: "`") { names.insert(String(cell[..<end])) }
        }
        return names
    }

    /// Every `to` path of every built-in layout.
    static func layoutPaths() throws -> Set<String> {
        let library = LayoutLibrary()
        var paths: Set<String> = []
        for name in library.names(kind: "layout") {
            for record in try library.layout(named: name).records {
                for field in record.fields {
                    if let to = field.to, !to.hasPrefix("_") { paths.insert(to) }
                }
            }
        }
        return paths
    }

    /// Dotted paths of a JSON value's leaves (array elements as `key[]`).
    static func keys(_ value: Any, prefix: String = "") -> Set<String> {
        var out: Set<String> = []
        if let object = value as? [String: Any] {
            for (k, v) in object {
                let path = prefix.isEmpty ? k : prefix + "." + k
                if v is [String: Any] || v is [Any] { out.formUnion(keys(v, prefix: path)) } else { out.insert(path) }
            }
        } else if let array = value as? [Any] {
            for v in array { out.formUnion(keys(v, prefix: prefix + "[]")) }
        }
        return out
    }

    /// The JSON lines the stages write from our samples: parsing them and a file with rejects
    /// and an unknown segment (and its reject records), the imports, the golden cases of the
    /// boleto, update, reconcile and letters select stages, and the history `letters select
    /// --commit` appends.
    static func writtenLines() throws -> [String] {
        var lines: [String] = []
        func take(_ text: String) { lines += text.split(separator: "\n").filter { $0.hasPrefix("{") }.map(String.init) }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("troca-doc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let inputs = [
            "Fixtures/samples/RETORNO-240.ret", "Fixtures/samples/REMESSA-240.rem",
            "Fixtures/cnab-parse/0012-unknown-segment-kept/RET.ret",
            "Fixtures/cnab-parse/0004-invalid-date-rejects-titulo/RET.ret",
        ]
        let rejects = tmp + "/rejects.jsonl"
        take(troca(["cnab", "parse", "--rejects", rejects] + inputs).stdoutText)
        // The records the imports write, from the example maps and samples.
        for (kind, map, csv) in [
            ("titles", "maps/titulos.json", "Fixtures/samples/imports/titulos.csv"),
            ("parties", "maps/clientes.json", "Fixtures/samples/imports/clientes.csv"),
            ("payments", "maps/baixas.json", "Fixtures/samples/imports/baixas.csv"),
        ] {
            take(troca(["import", kind, "--map", map, csv]).stdoutText)
        }
        take(try String(contentsOfFile: rejects, encoding: .utf8))
        // Agreements, from the sample and from a file with an entrada, a status and both break rules.
        for csv in ["Fixtures/samples/imports/acordos.csv", "Fixtures/import-agreements/0002-entrada-row/ACORDOS.csv"] {
            take(troca(["import", "agreements", "--map", "maps/acordos.json", csv]).stdoutText)
        }
        // Records the boleto, update, reconcile and letters select stages write, as their golden cases hold them.
        let fixtures = repoRoot + "/Fixtures"
        for dir in try FileManager.default.contentsOfDirectory(atPath: fixtures) where dir.hasPrefix("boleto-") || dir == "update" || dir == "reconcile" || dir == "letters-select" {
            for c in try FileManager.default.contentsOfDirectory(atPath: fixtures + "/" + dir) {
                take((try? String(contentsOfFile: "\(fixtures)/\(dir)/\(c)/expout", encoding: .utf8)) ?? "")
            }
        }
        // The `letter_sent` records `letters select --commit` appends to its history (the sample
        // ladder's boleto step gives some a nosso número).
        let sample = repoRoot + "/Fixtures/letters-select/0001-sample"
        try FileManager.default.copyItem(atPath: repoRoot + "/Fixtures/samples/letters/sent.jsonl", toPath: tmp + "/sent.jsonl")
        let select = troca(
            ["letters", "select", "--ladder", repoRoot + "/Fixtures/samples/letters/regua.json", "--as-of", "2026-11-23",
                "--history", tmp + "/sent.jsonl", "--commit", "--output", tmp + "/letters.jsonl"],
            stdin: try [UInt8](Data(contentsOf: URL(fileURLWithPath: sample + "/stdin"))))
        #expect(select.status == .ok || select.status == .dataError, "\(select.stderrText)")
        take(try String(contentsOfFile: tmp + "/sent.jsonl", encoding: .utf8))
        return lines
    }

    /// Keys actually written (see `writtenLines`).
    static func observed() throws -> Set<String> {
        var seen: Set<String> = []
        for line in try writtenLines() {
            seen.formUnion(keys(try JSONSerialization.jsonObject(with: Data(line.utf8))))
        }
        return seen
    }

    /// The types the doc gives each field (a name in several tables may have several).
    static func documentedTypes() throws -> [String: Set<String>] {
        let text = try String(contentsOfFile: repoRoot + "/docs/records.md", encoding: .utf8)
        var types: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 3, cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { continue }
            let name = String(cells[1].dropFirst().dropLast())
            if !cells[2].isEmpty { types[name, default: []].insert(cells[2]) }
        }
        // `titles[].…` rows make `titles` an array, `titles.…` rows an object, besides what its
        // own row says (an `agreement`'s installments are an array, an `agreement_status`'s a count).
        for name in Array(types.keys) {
            if let r = name.range(of: "[].") { types[String(name[..<r.lowerBound]), default: []].insert("array") }
            var prefix = name[...]
            while let dot = prefix.lastIndex(of: ".") {
                prefix = prefix[..<dot]
                if !prefix.hasSuffix("[]") { types[String(prefix), default: []].insert("object") }
            }
        }
        return types
    }

    /// Whether a value of `kind` (with its text, for strings) is of the doc's `type`.
    static func value(_ kind: JSONKind, _ text: String, isOf type: String) -> Bool {
        switch type {
        case "integer": return kind == .integer
        case "string": return kind == .string
        case "date": return kind == .string && text.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil
        case "time": return kind == .string && text.wholeMatch(of: /[0-9]{2}:[0-9]{2}:[0-9]{2}/) != nil
        case "boolean": return kind == .true || kind == .false
        case "array": return kind == .array
        case "object": return kind == .object
        default: return false
        }
    }

    /// Each documented field of `line` whose value is not of a type the doc gives it, as
    /// `record path: found KIND, documented TYPES`.
    static func mistyped(_ line: String, _ types: [String: Set<String>]) -> [String] {
        var tape = JSONTape()
        guard line.utf8.withContiguousStorageIfAvailable({ JSONReader.parse($0, into: &tape) }) ?? Array(line.utf8).withUnsafeBufferPointer({ JSONReader.parse($0, into: &tape) }),
            tape[0].kind == .object
        else { return ["not a JSON object: \(line)"] }
        let record = tape.member("record", of: 0).map { tape.string($0) } ?? "?"
        var found: [String] = []
        func check(_ index: Int, _ path: String) {
            let node = tape[index]
            if let documented = types[path], !path.isEmpty {
                let text = node.kind == .string ? tape.string(index) : ""
                if !documented.contains(where: { value(node.kind, text, isOf: $0) }) {
                    found.append("\(record) \(path): found \(node.kind.noun) \(node.kind == .string ? "\"\(text)\"" : ""), documented \(documented.sorted())")
                }
            }
            switch node.kind {
            case .object:
                var i = index + 1
                for _ in 0..<Int(node.count) {
                    let key = tape.string(i)
                    check(i + 1, path.isEmpty ? key : path + "." + key)
                    i = tape.next(after: i + 1)
                }
            case .array:
                let end = tape.next(after: index)
                var i = index + 1
                while i < end {
                    check(i, path + "[]")
                    i = tape.next(after: i)
                }
            default: break
            }
        }
        check(0, "")
        return found
    }

    @Test func everyWrittenFieldIsDocumented() throws {
        let documented = try Self.documented()
        let written = try Self.observed().union(Self.layoutPaths())
        let missing = written.subtracting(documented).sorted()
        #expect(missing.isEmpty, "fields written but not in docs/records.md: \(missing)")
    }

    @Test func everyDocumentedFieldIsWritten() throws {
        let documented = try Self.documented()
        let written = try Self.observed().union(Self.layoutPaths())
        let stale = documented.subtracting(written).sorted()
        #expect(stale.isEmpty, "docs/records.md lists fields nothing writes: \(stale)")
    }

    /// The values the stages write are of the types the doc gives (an integer is a JSON
    /// integer, a date a `YYYY-MM-DD` string…), on the outputs above and, when it is beside the
    /// checkout, on every file of the real-world corpus `cnab parse` reads.
    @Test func everyWrittenValueHasItsDocumentedType() throws {
        let types = try Self.documentedTypes()
        var lines = try Self.writtenLines()
        let index = corpusRoot + "/INDEX.tsv"
        if let rows = try? String(contentsOfFile: index, encoding: .utf8) {
            let files = rows.split(separator: "\n").dropFirst().map { corpusRoot + "/" + $0.split(separator: "\t")[0] }
            #expect(files.count > 50)
            for chunk in stride(from: 0, to: files.count, by: 20) {
                let run = troca(["cnab", "parse"] + files[chunk..<min(chunk + 20, files.count)])
                lines += run.stdoutText.split(separator: "\n").map(String.init)
            }
        }
        var problems: [String: Int] = [:]
        for line in lines { for p in Self.mistyped(line, types) { problems[p, default: 0] += 1 } }
        #expect(problems.isEmpty, "values not of their documented type: \(problems.keys.sorted().prefix(20))")
    }

    /// A layout field reads as the type the doc gives the path it fills: a `9` picture without
    /// `V` stays a string of digits unless its format is `int`, so a count or percentage mapped
    /// to an integer path needs `"format": "int"` (Banrisul 400's percentual de multa was
    /// emitted as "020"). The LST layouts are left out: they are written from values, never
    /// read into records (their section of the doc says so).
    @Test func everyLayoutFieldReadsAsItsDocumentedType() throws {
        let types = try Self.documentedTypes()
        let library = LayoutLibrary()
        var problems: [String] = []
        for name in library.names(kind: "layout") where !name.hasPrefix("lst/") {
            for record in try CompiledLayout(try library.layout(named: name)).records {
                for field in record.fields {
                    guard let to = field.to, !to.hasPrefix("_"), let documented = types[to] else { continue }
                    let kind: String
                    switch field.format {
                    case .int, .units: kind = "integer"
                    case .date: kind = "date"
                    case .time: kind = "time"
                    case .reasons: kind = "array"
                    case .text, .digits, .document, .enumeration: kind = "string"
                    }
                    if !documented.contains(kind) {
                        problems.append("\(name) \(record.name).\(field.name) (\(field.picture)) → \(to): reads as \(kind), documented \(documented.sorted())")
                    }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems)")
    }

    /// Every kind of record a stage writes (`record` of the outputs above, the history's
    /// `letter_sent` among them) has its own section in the doc, headed with its name.
    @Test func everyWrittenRecordKindHasASection() throws {
        let text = try String(contentsOfFile: repoRoot + "/docs/records.md", encoding: .utf8)
        let headings = text.split(separator: "\n").filter { $0.hasPrefix("#") }
        var kinds: Set<String> = []
        for line in try Self.writtenLines() {
            if let kind = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["record"] as? String { kinds.insert(kind) }
        }
        #expect(kinds.contains("letter_sent"))
        let missing = kinds.filter { kind in !headings.contains { $0.contains("`\(kind)`") } }.sorted()
        #expect(missing.isEmpty, "record kinds without a section in docs/records.md: \(missing)")
    }
}
