import FixedWidth
import Foundation
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

    /// Keys actually written by parsing our samples and a file with rejects and an unknown segment.
    static func observed() throws -> Set<String> {
        var seen: Set<String> = []
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("troca-doc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let inputs = [
            "Fixtures/samples/RETORNO-240.ret", "Fixtures/samples/REMESSA-240.rem",
            "Fixtures/cnab-parse/0012-unknown-segment-kept/RET.ret",
            "Fixtures/cnab-parse/0004-invalid-date-rejects-titulo/RET.ret",
        ]
        let rejects = tmp + "/rejects.jsonl"
        let result = troca(["cnab", "parse", "--rejects", rejects] + inputs)
        for record in result.records { seen.formUnion(keys(record)) }
        // The records the imports write, from the example maps and samples.
        for (kind, map, csv) in [
            ("titles", "maps/titulos.json", "Fixtures/samples/imports/titulos.csv"),
            ("parties", "maps/clientes.json", "Fixtures/samples/imports/clientes.csv"),
            ("payments", "maps/baixas.json", "Fixtures/samples/imports/baixas.csv"),
        ] {
            for record in troca(["import", kind, "--map", map, csv]).records { seen.formUnion(keys(record)) }
        }
        let rejectText = try String(contentsOfFile: rejects, encoding: .utf8)
        for line in rejectText.split(separator: "\n") {
            seen.formUnion(keys(try JSONSerialization.jsonObject(with: Data(line.utf8))))
        }
        // Agreements, from the sample and from a file with an entrada, a status and both break rules.
        for csv in ["Fixtures/samples/imports/acordos.csv", "Fixtures/import-agreements/0002-entrada-row/ACORDOS.csv"] {
            for record in troca(["import", "agreements", "--map", "maps/acordos.json", csv]).records { seen.formUnion(keys(record)) }
        }
        // Records the boleto, update, reconcile and letters select stages write, as their golden cases hold them.
        let fixtures = repoRoot + "/Fixtures"
        for dir in try FileManager.default.contentsOfDirectory(atPath: fixtures) where dir.hasPrefix("boleto-") || dir == "update" || dir == "reconcile" || dir == "letters-select" {
            for c in try FileManager.default.contentsOfDirectory(atPath: fixtures + "/" + dir) {
                let text = (try? String(contentsOfFile: "\(fixtures)/\(dir)/\(c)/expout", encoding: .utf8)) ?? ""
                for line in text.split(separator: "\n") where line.hasPrefix("{") {
                    seen.formUnion(keys(try JSONSerialization.jsonObject(with: Data(line.utf8))))
                }
            }
        }
        return seen
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
}
