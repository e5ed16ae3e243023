import Foundation
import Records
import Testing

@testable import FixedWidth

/// The repository root, found from this file's path (Tests/FixedWidthTests/Support.swift).
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// One field of a test layout as JSON; `extra` is appended inside the object (e.g. `"format": "int"`).
func fieldJSON(_ name: String, _ start: Int, _ end: Int, _ picture: String, _ extra: String = "") -> String {
    #"{ "name": "\#(name)", "pos": [\#(start), \#(end)], "picture": "\#(picture)"\#(extra.isEmpty ? "" : ", " + extra) }"#
}

/// One record of a test layout as JSON, selected by `value` at position 1.
func recordJSON(
    _ name: String, role: String = "detail", select: String = "D", extra: String = "", fields: [String]
) -> String {
    #"{ "name": "\#(name)", "role": "\#(role)", "select": [ { "pos": [1, 1], "values": ["\#(select)"] } ]\#(extra.isEmpty ? "" : ", " + extra), "fields": [ \#(fields.joined(separator: ", ")) ] }"#
}

/// A whole test layout as JSON.
func layoutJSON(_ name: String, length: Int, extends: String? = nil, extra: String = "", records: [String]) -> String {
    var s = #"{ "kind": "layout", "name": "\#(name)", "version": "1", "record_length": \#(length)"#
    if let extends { s += #", "extends": "\#(extends)""# }
    if !extra.isEmpty { s += ", " + extra }
    return s + #", "records": [ \#(records.joined(separator: ", ")) ] }"#
}

/// A source named `name`, as if read from `/layouts/NAME.json`.
func source(_ name: String, _ json: String) -> LayoutSource {
    LayoutSource(name: name, origin: "/layouts/\(name).json", json: Array(json.utf8))
}

/// A library holding only the given layouts.
func library(_ sources: LayoutSource...) -> LayoutLibrary {
    var library = LayoutLibrary(builtin: false)
    for s in sources { library.add(s) }
    return library
}

/// Compiles a one-record layout of `length` bytes from its fields' JSON.
func compiledRecord(length: Int, _ fields: [String]) throws -> CompiledLayout {
    let lib = library(source("t/one", layoutJSON("t/one", length: length, records: [recordJSON("r", fields: fields)])))
    return try CompiledLayout(try lib.layout(named: "t/one"))
}

extension CompiledLayout {
    /// The field named `name` of the first record.
    func field(_ name: String) throws -> CompiledField {
        try #require(records[0].fields.first { $0.name == name }, "no field \(name)")
    }
}

extension CompiledField {
    /// The field's JSON value in `line` as text, or nil when absent; the value is checked to be
    /// valid JSON (as an array element) so a bad escape fails here.
    func jsonValue(in line: [UInt8], reasons: [String: String]? = nil) throws -> String? {
        var out: [UInt8] = []
        let written = line.withUnsafeBufferPointer { appendJSON($0, to: &out, reasons: reasons.map { ReasonTexts($0) }) }
        guard written else {
            #expect(out.isEmpty, "an absent value must append nothing")
            return nil
        }
        _ = try JSONSerialization.jsonObject(with: Data("[".utf8 + out + "]".utf8))
        return String(decoding: out, as: UTF8.self)
    }

    /// The problem the field has in `line`, if any.
    func problem(in line: [UInt8]) -> FieldProblem? {
        line.withUnsafeBufferPointer { problem(in: $0) }
    }
}

/// Bytes of a Swift string written with `\u{..}` escapes for raw bytes below 0x100.
func latin1(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { UInt8($0.value) }
}

