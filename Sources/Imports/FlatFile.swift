import FixedWidth
import Foundation
import Records

/// Reads ERP fixed-width records through a layout into JSONL: the record whose `select`
/// matches, its fields as the layout's `to` paths say, `"record"` the layout record's name.
public final class FlatDecoder {
    let layout: CompiledLayout
    let schemas: [OutputSchema]
    let prefixes: [[UInt8]]
    let fileJSON: [UInt8]
    let file: String

    /// Prepares `layout` for reading `file`.
    public init(layout: CompiledLayout, file: String) {
        self.layout = layout
        self.file = file
        schemas = layout.records.indices.map { OutputSchema(layout: layout, records: [$0]) }
        prefixes = layout.records.map { r in
            var p: [UInt8] = Array("{\"record\":".utf8)
            JSONBytes.appendString(r.name, to: &p)
            return p
        }
        var f: [UInt8] = []
        JSONBytes.appendString(file, to: &f)
        fileJSON = f
    }

    /// Appends the record of one normalised line (exactly `recordLength` bytes) to `out` and
    /// returns true, or reports why it cannot be read and returns false.
    public func decode(
        _ record: UnsafeBufferPointer<UInt8>, line: Int, raw: [UInt8], into out: inout ByteBuffer, report: (Diagnostic) -> Void
    ) -> Bool {
        guard let r = layout.select(record) else {
            report(
                Diagnostic(
                    .error, "convert.unknown-record", "no record of layout \(layout.layout.name) matches this line", file: file,
                    line: line, raw: raw))
            return false
        }
        var ok = true
        for field in layout.records[r].fields where field.to != nil {
            if let p = field.problem(in: record) {
                report(Diagnostic(.error, DiagnosticCode(rawValue: "convert." + p.kind), p.message, file: file, line: line, column: field.column, raw: raw))
                ok = false
            }
        }
        guard ok else { return false }
        out.append(prefixes[r])
        schemas[r].emit([SegmentRef(record: r, offset: 0, line: line)], store: record, into: &out, reasons: nil)
        out.appendSourceAndClose(fileJSON: fileJSON, line: line)
        return true
    }
}

/// Writes JSONL records as ERP fixed-width lines through a layout: a record whose `"record"`
/// names a layout record becomes one line of `recordLength` bytes plus CRLF.
public struct FlatEncoder {
    let layout: CompiledLayout
    let recordByName: [String: Int]
    /// Each record's fields' `to` paths split at the dots (empty for structural or absent ones),
    /// computed once rather than for every record written.
    let paths: [[[String]]]

    /// Prepares `layout` for writing.
    public init(layout: CompiledLayout) {
        self.layout = layout
        var byName: [String: Int] = [:]
        for (i, r) in layout.records.enumerated() where byName[r.name] == nil { byName[r.name] = i }
        recordByName = byName
        paths = layout.records.map { r in
            r.fields.map { f in
                guard let to = f.to, !to.hasPrefix("_") else { return [] }
                return to.split(separator: ".").map(String.init)
            }
        }
    }

    /// Why a record cannot be written: the field and what was wrong.
    public struct Problem: Error, Sendable, Hashable {
        /// The layout field.
        public var field: String
        /// What was expected and what was found.
        public var message: String
        /// The node of the value it is about (`JSONReader.column(ofNode:in:)`), when there is one.
        public var node: Int? = nil
    }

    /// The layout record a JSON record is written as, or nil when its `"record"` names none.
    public func recordIndex(_ tape: JSONTape) -> Int? {
        guard let r = tape.member("record", of: 0), tape[r].kind == .string else { return nil }
        return recordByName[tape.string(r)]
    }

    /// Appends the line of record `r` for the object in `tape` (without a line end), or returns
    /// every problem.
    public func encode(_ tape: JSONTape, record r: Int, into out: inout [UInt8]) -> [Problem] {
        var problems: [Problem] = []
        for (k, field) in layout.records[r].fields.enumerated() {
            var node: Int? = nil
            let path = paths[r][k]
            if !path.isEmpty {
                node = 0
                for key in path {
                    guard let n = node, let next = tape.member(key, of: n) else { node = nil; break }
                    node = next
                }
                if let n = node, tape[n].kind == .null { node = nil }
            }
            do {
                out += try value(field, node, tape)
            } catch {
                problems.append(Problem(field: field.name, message: error.message, node: node))
                out += [UInt8](repeating: 0x20, count: field.length)
            }
        }
        return problems
    }

    func value(_ field: CompiledField, _ node: Int?, _ tape: JSONTape) throws(ParseProblem) -> [UInt8] {
        let numeric = field.picture.kind == .numeric
        let length = field.length
        guard let node else {
            if let d = field.defaultValue { return try fit(Array(d.utf8), field, numeric: numeric) }
            return [UInt8](repeating: numeric ? 0x30 : 0x20, count: length)
        }
        let kind = tape[node].kind
        let path = field.to ?? field.name
        switch field.format {
        case .date(let order):
            guard kind == .string, let d = CivilDate(iso: tape.string(node)) else {
                throw ParseProblem("\(path): expected a date YYYY-MM-DD for \(field.name), found \(CellParsers.quote(kind == .string ? Array(tape.bytes(node)) : Array("a \(kind)".utf8)))")
            }
            let b = order.digits(d)
            return try fit(b, field, numeric: true)
        case .enumeration:
            var json: [UInt8] = []
            if kind == .string { JSONBytes.appendString(tape.string(node), to: &json) }
            guard let entry = field.enumMap.first(where: { $0.json == json }) else {
                let known = field.enumMap.map { String(decoding: $0.json, as: UTF8.self) }.joined(separator: ", ")
                throw ParseProblem("\(path): expected one of \(known) for \(field.name), found \(kind == .string ? "\"\(tape.string(node))\"" : "a \(kind)")")
            }
            return try fit(entry.raw, field, numeric: numeric)
        default:
            break
        }
        if numeric {
            let digits: [UInt8]
            switch kind {
            case .integer:
                let v = tape[node].value
                guard v >= 0 else { throw ParseProblem("\(path): a negative value (\(v)) does not fit \(field.name) \(field.picture.text)") }
                digits = Array(String(v).utf8)
            case .string:
                digits = Array(tape.bytes(node))
                let document = field.format == .document
                guard !digits.isEmpty,
                    digits.allSatisfy({ ($0 >= 48 && $0 <= 57) || (document && $0 >= 65 && $0 <= 90) })
                else {
                    throw ParseProblem("\(path): expected \(document ? "a CPF/CNPJ" : "digits") for \(field.name) \(field.picture.text), found \"\(tape.string(node))\"")
                }
            default:
                throw ParseProblem("\(path): expected a number for \(field.name) \(field.picture.text)")
            }
            return try fit(digits, field, numeric: true)
        }
        // Text: ASCII, accents removed (one character, one byte).
        let text: String
        switch kind {
        case .string: text = tape.string(node)
        case .integer: text = String(tape[node].value)
        default: throw ParseProblem("\(path): expected text for \(field.name)")
        }
        // Printable ASCII is already its own folding (and Foundation's folding is costly).
        let ascii =
            text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) ? text : text.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        guard ascii.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw ParseProblem("\(path): \"\(text)\" has characters that have no ASCII form for \(field.name)")
        }
        var bytes = Array(ascii.utf8)
        if bytes.count > length, FlatEncoder.mayCut(field) { bytes = Array(bytes.prefix(length)) }
        return try fit(bytes, field, numeric: false)
    }

    /// Names, addresses and messages may be cut to their field; identifiers never.
    static func mayCut(_ field: CompiledField) -> Bool {
        if let t = field.truncate { return t }
        let last = field.to?.split(separator: ".").last.map(String.init) ?? ""
        return ["name", "street", "district", "city", "complement", "trade_name"].contains(last) || last.hasPrefix("message")
    }

    func fit(_ bytes: [UInt8], _ field: CompiledField, numeric: Bool) throws(ParseProblem) -> [UInt8] {
        let length = field.length
        guard bytes.count <= length else {
            throw ParseProblem(
                "\(field.to ?? field.name): \"\(String(decoding: bytes, as: UTF8.self))\" is longer than \(field.name) \(field.picture.text) (\(length) bytes)")
        }
        let pad = [UInt8](repeating: numeric ? 0x30 : 0x20, count: length - bytes.count)
        return numeric ? pad + bytes : bytes + pad
    }
}
