import Foundation
import Testing

@testable import FixedWidth

@Suite("LayoutLibrary")
struct LayoutLibraryTests {
    static func record(_ name: String, _ select: String, _ fieldName: String = "dado") -> String {
        recordJSON(name, role: "detail", select: select, fields: [fieldJSON("tipo", 1, 1, "X(1)"), fieldJSON(fieldName, 2, 10, "X(9)")])
    }

    static let base = source(
        "t/base",
        layoutJSON(
            "t/base", length: 10,
            records: [
                record("header", "H"), record("detail", "D"), record("trailer", "T"),
            ]))
    static let child = source(
        "t/child",
        layoutJSON(
            "t/child", length: 10, extends: "t/base",
            records: [
                record("extra", "E"), record("detail", "D", "novo"),
            ]))

    @Test("extends: inherited records first, a record of the same name replaced in place, new ones appended")
    func extendsResolution() throws {
        let layout = try library(Self.base, Self.child).layout(named: "t/child")
        #expect(layout.name == "t/child")
        #expect(layout.records.map(\.name) == ["header", "detail", "trailer", "extra"])
        #expect(layout.records[1].fields.map(\.name) == ["tipo", "novo"])
        #expect(layout.records[0].fields.map(\.name) == ["tipo", "dado"])
        #expect(layout.extends == "t/base")
    }

    @Test("extends chains resolve through every level")
    func extendsChain() throws {
        let grandchild = source(
            "t/grandchild",
            layoutJSON(
                "t/grandchild", length: 10, extends: "t/child",
                records: [
                    Self.record("header", "H", "outro"), Self.record("more", "M"),
                ]))
        let layout = try library(Self.base, Self.child, grandchild).layout(named: "t/grandchild")
        #expect(layout.records.map(\.name) == ["header", "detail", "trailer", "extra", "more"])
        #expect(layout.records[0].fields[1].name == "outro")
        #expect(layout.records[1].fields[1].name == "novo")
        // The base alone is unchanged.
        #expect(try library(Self.base, Self.child, grandchild).layout(named: "t/base").records.count == 3)
    }

    @Test(
        "an extends cycle is an error that shows the cycle",
        arguments: [
            (["t/a": "t/b", "t/b": "t/a"], "t/a", "extends cycle: t/a -> t/b -> t/a"),
            (["t/a": "t/a"], "t/a", "extends cycle: t/a -> t/a"),
            (["t/a": "t/b", "t/b": "t/c", "t/c": "t/b"], "t/a", "extends cycle: t/a -> t/b -> t/c -> t/b"),
        ])
    func cycle(parents: [String: String], name: String, message: String) {
        var lib = LayoutLibrary(builtin: false)
        for (child, parent) in parents {
            lib.add(source(child, layoutJSON(child, length: 10, extends: parent, records: [Self.record("r", "R")])))
        }
        #expect {
            _ = try lib.layout(named: name)
        } throws: { error in
            guard let error = error as? LayoutError else { return false }
            return error.message == message && error.path == "extends" && error.file == "/layouts/\(name).json"
        }
    }

    @Test(
        "an unknown layout is an error naming it",
        arguments: [
            ("t/nope", "t/nope"),  // asked for directly
            ("t/orphan", "t/missing"),  // named by extends
        ])
    func unknown(name: String, missing: String) {
        let orphan = source("t/orphan", layoutJSON("t/orphan", length: 10, extends: "t/missing", records: [Self.record("r", "R")]))
        #expect {
            _ = try library(Self.base, orphan).layout(named: name)
        } throws: { error in
            (error as? LayoutError)?.description.contains(#"unknown layout "\#(missing)""#) == true
        }
    }

    @Test("a child whose record length differs from its parent's is an error")
    func recordLengthMismatch() {
        let wide = source("t/wide", layoutJSON("t/wide", length: 12, extends: "t/base", records: []))
        #expect {
            _ = try library(Self.base, wide).layout(named: "t/wide")
        } throws: { error in
            guard let error = error as? LayoutError else { return false }
            return error.path == "record_length" && error.message.contains("12") && error.message.contains("10")
        }
    }

    @Test(
        "a layout that cannot be decoded names its file and the JSON path",
        arguments: [
            (
                fieldJSON("dado", 2, 10, "X(9)").replacingOccurrences(of: "[2, 10]", with: #""2-10""#),
                "records[0].fields[1].pos", "expected"
            ),
            (#"{ "name": "dado", "pos": [2, 10] }"#, "records[0].fields[1]", #"missing key "picture""#),
            (
                fieldJSON("dado", 2, 10, "X(9)").replacingOccurrences(of: "10]", with: "null]"),
                "records[0].fields[1].pos[1]", "expected"
            ),
            (fieldJSON("dado", 2, 10, "X(9)", #""format": 8"#), "records[0].fields[1].format", "expected"),
        ])
    func decodingErrors(badField: String, path: String, message: String) {
        let bad = source(
            "t/bad",
            layoutJSON(
                "t/bad", length: 10,
                records: [
                    recordJSON("r", fields: [fieldJSON("tipo", 1, 1, "X(1)"), badField])
                ]))
        #expect {
            _ = try library(bad).layout(named: "t/bad")
        } throws: { error in
            guard let error = error as? LayoutError else { return false }
            return error.file == "/layouts/t/bad.json" && error.path == path && error.message.contains(message)
                && error.description.hasPrefix("/layouts/t/bad.json: error: [layout.json] \(path): ")
        }
    }

    @Test("text that is not JSON, or a code table asked for as a layout, is an error naming the file")
    func notALayout() {
        let broken = LayoutSource(name: "t/broken", origin: "/layouts/t/broken.json", json: Array(#"{ "kind": "layout", "#.utf8))
        let codes = source("t/codes", #"{ "kind": "codes", "name": "t/codes", "version": "1", "movements": {}, "reasons": {} }"#)
        let flat = source(
            "t/flat",
            layoutJSON("t/flat", length: 10, records: [Self.record("r", "R")])
                .replacingOccurrences(of: #""kind": "layout""#, with: #""kind": "flat""#))
        #expect {
            _ = try library(broken).layout(named: "t/broken")
        } throws: { error in
            // Said where it ends, just past its last byte that is not a blank.
            (error as? LayoutError)?.description
                == "/layouts/t/broken.json:1:20: error: [layout.json] not valid JSON, the file ends inside it"
        }
        #expect {
            _ = try library(codes).layout(named: "t/codes")
        } throws: { error in
            (error as? LayoutError)?.file == "/layouts/t/codes.json"
        }
        #expect {
            _ = try library(flat).layout(named: "t/flat")
        } throws: { error in
            // Refused by lint, which knows the two kinds a file under layouts/ can be.
            (error as? LayoutError).map { $0.path == "kind" && $0.message == #"expected "layout" or "codes", found "flat""# } ?? false
        }
        #expect(throws: LayoutError.self) { _ = try library(Self.base).codes(named: "t/base") }
        #expect((try? library(codes).codes(named: "t/codes"))?.name == "t/codes")
    }

    @Test("names by kind, built-ins, and overriding by name")
    func namesAndOverrides() throws {
        let codes = source("t/codes", #"{ "kind": "codes", "name": "t/codes", "version": "1", "movements": {}, "reasons": {} }"#)
        let lib = library(Self.base, Self.child, codes)
        #expect(lib.names() == ["t/base", "t/child"])
        #expect(lib.names(kind: "codes") == ["t/codes"])

        var builtin = LayoutLibrary()
        #expect(builtin.names().contains("cnab240/febraban/retorno"))
        #expect(builtin.names(kind: "codes").contains("cnab240/febraban/occurrences"))
        #expect(LayoutLibrary(builtin: false).sources.isEmpty)
        builtin.add(source("cnab240/febraban/common", layoutJSON("cnab240/febraban/common", length: 10, records: [Self.record("r", "R")])))
        #expect(try builtin.layout(named: "cnab240/febraban/common").recordLength == 10)
        #expect(try builtin.source(named: "cnab240/febraban/common").displayName == "/layouts/cnab240/febraban/common.json")
        #expect(try LayoutLibrary().source(named: "cnab240/febraban/common").displayName == "built-in cnab240/febraban/common.json")
    }

    @Test("scanning a directory finds every .json below it, named by relative path, and nothing else")
    func scan() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-scan-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/bank/sub", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/bank/sub/retorno.json"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/a.json"))
        try Data("# doc".utf8).write(to: URL(fileURLWithPath: dir + "/README.md"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/bank/notes.json.bak"))
        let found = try LayoutLibrary.scan(directory: dir)
        #expect(found.map(\.name) == ["a", "bank/sub/retorno"])
        #expect(found.allSatisfy { $0.json == Array("{}".utf8) })
        #expect(found.last?.origin == dir + "/bank/sub/retorno.json")
        #expect {
            _ = try LayoutLibrary.scan(directory: dir + "/nowhere")
        } throws: { error in
            (error as? LayoutError)?.message == "layouts directory not found"
        }
    }
}
