import FixedWidth
import Foundation
import Records

/// Reads ERP fixed-width records through a layout into JSONL: the record whose `select`
/// matches, its fields as the layout's `to` paths say, `"record"` the layout record's name.
///
/// Unlike `troca cnab parse` (whose bank files carry payers' documents with wrong check digits,
/// read as they are), a `document` field is checked as `troca import` checks one: a CPF or
/// CNPJ by its check digits, of the kind its `…document_type` sibling says (`convert.document`,
/// the line rejected); and an enum value the layout does not list is emitted raw and reported
/// (`convert.enum`, a warning: the line is written).
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
            } else if field.format == .document, let message = FlatDecoder.documentProblem(field, in: record) {
                report(Diagnostic(.error, "convert.document", message, file: file, line: line, column: field.column, raw: raw))
                ok = false
            }
        }
        guard ok else { return false }
        for field in layout.records[r].fields where field.to != nil && field.format == .enumeration {
            // The listed value (every line, nearly) found in place: no text, no array per field.
            let raw = record[field.start..<field.end]
            // (Zeros no value has are a field not filled in: absent, as `cnab parse` reads them.)
            guard !field.enumMap.contains(where: { $0.raw.elementsEqual(raw) }), !raw.allSatisfy({ $0 == 0x30 }), let text = field.text(in: record)
            else { continue }
            let known = field.enumMap.map { String(decoding: $0.raw, as: UTF8.self) }.joined(separator: ", ")
            report(
                Diagnostic(
                    .warning, "convert.enum", "\(CellParsers.quote(Array(text.utf8))) in \(field.name) is none of the layout's values (\(known)): emitted as it is",
                    file: file, line: line, column: field.column))
        }
        out.append(prefixes[r])
        schemas[r].emit([SegmentRef(record: r, offset: 0, line: line)], store: record, into: &out, reasons: nil)
        out.appendSourceAndClose(fileJSON: fileJSON, line: line)
        return true
    }
}

extension FlatDecoder {
    /// Why a `document` field's bytes are not a valid CPF or CNPJ, or nil (also when blank or
    /// all zeros: no document). A type byte `1` asks for a CPF (zero-padded to the field), `2`
    /// for a CNPJ; another type, or none, for the kind its length says, blanks trimmed (11
    /// characters a CPF, 14 a CNPJ), as `FlatEncoder` checks the document emitted.
    static func documentProblem(_ field: CompiledField, in record: UnsafeBufferPointer<UInt8>) -> String? {
        var bytes = Array(record[field.start..<field.end])
        while let b = bytes.last, b == 0x20 || b == 0 { bytes.removeLast() }
        while let b = bytes.first, b == 0x20 || b == 0 { bytes.removeFirst() }
        if bytes.allSatisfy({ $0 == 48 }) { return nil }
        let found = "\"\(TextBytes.decode(bytes))\" in \(field.name)"
        // A CPF or CNPJ zero-padded to the field's width.
        func unpadded(_ count: Int) -> ArraySlice<UInt8>? {
            guard bytes.count >= count, bytes.dropLast(count).allSatisfy({ $0 == 48 }) else { return nil }
            return bytes.suffix(count)
        }
        let cpf = unpadded(11).map { BrazilianDocument.isValidCPF(Array($0)) } ?? false
        let cnpj = unpadded(14).map { BrazilianDocument.isValidCNPJ(Array($0)) } ?? false
        let type = field.spec.typeOffset >= 0 ? record[field.spec.typeOffset] : 0
        switch type {
        case UInt8(ascii: "1"):
            return cpf ? nil : "expected a CPF (11 digits, check digits matching) as the type 1 says, found \(found)"
        case UInt8(ascii: "2"):
            return cnpj ? nil : "expected a CNPJ (14 characters, check digits matching) as the type 2 says, found \(found)"
        default:
            // No type to go by: the document is emitted as the field holds it, zeros and all, and
            // `--to flat` reads that back by its length (11 a CPF, 14 a CNPJ): so it is checked here.
            let valid = bytes.count == 11 ? BrazilianDocument.isValidCPF(bytes) : BrazilianDocument.isValidCNPJ(bytes)
            return valid
                ? nil
                : "expected a CPF (11 characters) or a CNPJ (14) with matching check digits by its length, as no type 1 or 2 says which, found \(found)"
        }
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
    /// Whether `document` fields are checked by check digit (`troca convert`), and a missing
    /// `…document_type` written from the document's length.
    let checksDocuments: Bool
    /// Whether an absent amount (`9(n)V99`) or count (`format: int`) is written blank, as the
    /// reader reads absent, rather than zeros (`troca convert`: a round trip invents no 0).
    let blanksAbsentAmounts: Bool
    /// Each record's fields' `…document_type` sibling for a `document` field, and the reverse
    /// (the field's own index when it has none).
    let typeFields: [[Int]]
    let documentFields: [[Int]]

    /// Prepares `layout` for writing; `checksDocuments` checks CPF/CNPJ by check digit: a
    /// `document` field must hold a CPF (11 digits) or a CNPJ (14 characters, alphanumeric
    /// accepted) of the kind its `…document_type` sibling says, and a sibling left out is
    /// written as the document's kind (11 characters a CPF, 14 a CNPJ).
    /// `blanksAbsentAmounts` writes an absent amount or count blank rather than zeros.
    public init(layout: CompiledLayout, checksDocuments: Bool = false, blanksAbsentAmounts: Bool = false) {
        self.layout = layout
        self.checksDocuments = checksDocuments
        self.blanksAbsentAmounts = blanksAbsentAmounts
        var types: [[Int]] = []
        var documents: [[Int]] = []
        for r in layout.records {
            var t = Array(r.fields.indices)
            var d = Array(r.fields.indices)
            for (i, f) in r.fields.enumerated() where f.format == .document {
                guard let to = f.to, to.hasSuffix("document"),
                    let k = r.fields.firstIndex(where: { $0.to == to + "_type" && $0.format == .enumeration })
                else { continue }
                t[i] = k
                d[k] = i
            }
            types.append(t)
            documents.append(d)
        }
        typeFields = types
        documentFields = documents
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
        /// The stable code: `convert.field`, or `convert.document` for a CPF/CNPJ that is none.
        public var code: DiagnosticCode = "convert.field"
    }

    /// The layout record a JSON record is written as, or nil when its `"record"` names none.
    public func recordIndex(_ tape: JSONTape) -> Int? {
        guard let r = tape.member("record", of: 0), tape[r].kind == .string else { return nil }
        return recordByName[tape.string(r)]
    }

    /// Appends the line of record `r` for the object in `tape` (without a line end), or returns
    /// every problem.
    public func encode(_ tape: JSONTape, record r: Int, into out: inout [UInt8]) -> [Problem] {
        var cut: [String] = []
        return encode(tape, record: r, into: &out, cut: &cut)
    }

    /// The same, appending to `cut` the path of each free-text value cut to its field (names,
    /// addresses: the caller counts and reports them).
    public func encode(_ tape: JSONTape, record r: Int, into out: inout [UInt8], cut: inout [String]) -> [Problem] {
        var problems: [Problem] = []
        let fields = layout.records[r].fields
        for (k, field) in fields.enumerated() {
            let node = self.node(r, k, tape)
            if checksDocuments, field.format == .document, let node {
                let type = typeFields[r][k] == k ? nil : self.node(r, typeFields[r][k], tape)
                do {
                    try checkDocument(field, node, tape, kind: type.flatMap { tape[$0].kind == .string ? tape.string($0) : nil })
                } catch {
                    problems.append(Problem(field: field.name, message: error.message, node: node, code: "convert.document"))
                    out += [UInt8](repeating: 0x20, count: field.length)
                    continue
                }
            }
            do {
                if checksDocuments, node == nil, documentFields[r][k] != k, let document = self.node(r, documentFields[r][k], tape),
                    tape[document].kind == .string
                {
                    // No type given: the document's own kind, by its length.
                    let count = FlatEncoder.document(tape.bytes(document)).count
                    let json = Array((count == 14 ? "\"cnpj\"" : count == 11 ? "\"cpf\"" : "").utf8)
                    if let entry = field.enumMap.first(where: { $0.json == json }) {
                        out += try fit(entry.raw, field, numeric: field.picture.kind == .numeric)
                        continue
                    }
                }
                var wasCut = false
                out += try value(field, node, tape, cut: &wasCut)
                if wasCut { cut.append(field.to ?? field.name) }
            } catch {
                problems.append(Problem(field: field.name, message: error.message, node: node))
                out += [UInt8](repeating: 0x20, count: field.length)
            }
        }
        return problems
    }

    /// The node of field `k` of record `r` in `tape`, nil when absent or null.
    func node(_ r: Int, _ k: Int, _ tape: JSONTape) -> Int? {
        let path = paths[r][k]
        if path.isEmpty { return nil }
        var node = 0
        for key in path {
            guard let next = tape.member(key, of: node) else { return nil }
            node = next
        }
        return tape[node].kind == .null ? nil : node
    }

    /// Throws unless the string at `node` is a CPF or CNPJ with matching check digits, of the
    /// kind `kind` (`cpf`, `cnpj`; nil or another: either, by its length).
    func checkDocument(_ field: CompiledField, _ node: Int, _ tape: JSONTape, kind: String?) throws(ParseProblem) {
        guard tape[node].kind == .string else { return }  // `value` says what it expected
        let bytes = FlatEncoder.document(tape.bytes(node))
        let path = field.to ?? field.name
        let found = "found \(CellParsers.quote(tape.bytes(node)))"
        switch kind {
        case "cpf":
            guard BrazilianDocument.isValidCPF(bytes) else {
                throw ParseProblem("\(path): expected a CPF (11 digits, check digits matching) as document_type says, \(found)")
            }
        case "cnpj":
            guard BrazilianDocument.isValidCNPJ(bytes) else {
                throw ParseProblem("\(path): expected a CNPJ (14 characters, check digits matching) as document_type says, \(found)")
            }
        default:
            guard bytes.count == 11 ? BrazilianDocument.isValidCPF(bytes) : BrazilianDocument.isValidCNPJ(bytes) else {
                throw ParseProblem("\(path): expected a CPF (11 digits) or a CNPJ (14 characters) with matching check digits, \(found)")
            }
        }
    }

    func value(_ field: CompiledField, _ node: Int?, _ tape: JSONTape, cut: inout Bool) throws(ParseProblem) -> [UInt8] {
        let numeric = field.picture.kind == .numeric
        let length = field.length
        guard let node else {
            if let d = field.defaultValue { return try fit(Array(d.utf8), field, numeric: numeric) }
            // Absent, written blank, as the reader reads absent (an enum's zeros read back absent
            // too, but blanks say "not filled in" in a text field as well), and, with
            // `blanksAbsentAmounts`, an amount's zeros an amount of 0 the record never had.
            let blank: Bool
            switch field.format {
            case .enumeration: blank = true
            case .units, .int: blank = blanksAbsentAmounts
            default: blank = false
            }
            return [UInt8](repeating: numeric && !blank ? 0x30 : 0x20, count: length)
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
        case .time:
            // As `convert` reads it: HH:MM:SS, written HHMMSS (a real time of day).
            let b = kind == .string ? Array(tape.bytes(node)) : []
            let digits = b.count == 8 && b[2] == 0x3A && b[5] == 0x3A ? [b[0], b[1], b[3], b[4], b[6], b[7]] : []
            func two(_ k: Int) -> Int { Int(digits[k] &- 48) * 10 + Int(digits[k + 1] &- 48) }
            guard digits.count == 6, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }), two(0) < 24, two(2) < 60, two(4) < 60 else {
                throw ParseProblem("\(path): expected a time HH:MM:SS for \(field.name), found \(CellParsers.quote(kind == .string ? b : Array("a \(kind)".utf8)))")
            }
            return try fit(digits, field, numeric: true)
        case .enumeration:
            var json: [UInt8] = []
            if kind == .string { JSONBytes.appendString(tape.string(node), to: &json) }
            guard let entry = field.enumMap.first(where: { $0.json == json }) else {
                let known = field.enumMap.map { String(decoding: $0.json, as: UTF8.self) }.joined(separator: ", ")
                throw ParseProblem("\(path): expected one of \(known) for \(field.name), found \(kind == .string ? CellParsers.quote(tape.bytes(node)) : "a \(kind)")")
            }
            return try fit(entry.raw, field, numeric: numeric)
        default:
            break
        }
        if numeric {
            let digits: [UInt8]
            switch kind {
            case .string where field.format == .units && path.hasSuffix("_cents"):
                // Money is integer centavos: "100" is text, as `export csv` says (export.cents).
                throw ParseProblem("\(path): expected integer centavos for \(field.name) \(field.picture.text), found the string \(CellParsers.quote(Array(tape.bytes(node))))")
            case .integer:
                let v = tape[node].value
                guard v >= 0 else { throw ParseProblem("\(path): a negative value (\(v)) does not fit \(field.name) \(field.picture.text)") }
                digits = Array(String(v).utf8)
            case .string:
                let document = field.format == .document
                // A CNPJ's letters are written in uppercase, and a document's punctuation dropped,
                // as `troca import` writes them.
                digits = document ? FlatEncoder.document(tape.bytes(node)) : Array(tape.bytes(node))
                guard !digits.isEmpty,
                    digits.allSatisfy({ ($0 >= 48 && $0 <= 57) || (document && $0 >= 65 && $0 <= 90) })
                else {
                    throw ParseProblem("\(path): expected \(document ? "a CPF/CNPJ" : "digits") for \(field.name) \(field.picture.text), found \(CellParsers.quote(tape.bytes(node)))")
                }
            default:
                throw ParseProblem("\(path): expected a number for \(field.name) \(field.picture.text)")
            }
            return try fit(digits, field, numeric: true)
        }
        // Text: ASCII, accents removed (one character, one byte).
        let text: String
        switch kind {
        case .string:
            text =
                field.format == .document ? String(decoding: FlatEncoder.document(tape.bytes(node)), as: UTF8.self) : tape.string(node)
        case .integer: text = String(tape[node].value)
        default: throw ParseProblem("\(path): expected text for \(field.name)")
        }
        // A UF as `troca import` reads one: two letters of a federative unit, written uppercase.
        if kind == .string, let to = field.to, to == "state" || to.hasSuffix(".state") {
            switch tape.bytes(node).withUnsafeBufferPointer({ CellParsers.uf($0) }) {
            case .success(let uf): return try fit(uf, field, numeric: false)
            case .failure(let p): throw ParseProblem("\(path): \(p.message) for \(field.name)")
            }
        }
        // An event record's `event` is one of the normalised events `cnab parse` writes (the
        // ERP acts on them: erp/baixas' ocorrência), not any text.
        if kind == .string, field.to == "event", !CodeTable.events.contains(tape.string(node)) {
            let known = CodeTable.events.sorted().joined(separator: ", ")
            throw ParseProblem("\(path): expected one of the events \(known) for \(field.name), found \(CellParsers.quote(tape.bytes(node)))")
        }
        // Printable ASCII is already its own folding (and Foundation's folding is costly).
        let ascii =
            text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) ? text : text.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        guard ascii.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            // Name the first character that has none (a control, a letter of another script).
            let bad = text.unicodeScalars.first { s in
                String(s).folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil).utf8.contains { $0 < 0x20 || $0 >= 0x7F }
            }
            let named = bad.map { s in CellParsers.isInvisible(s) ? CellParsers.code(s) : "\"\(s)\" (\(CellParsers.code(s)))" } ?? "a character"
            throw ParseProblem("\(path): \(CellParsers.quote(Array(text.utf8))) has \(named), which has no ASCII form, for \(field.name)")
        }
        var bytes = Array(ascii.utf8)
        if bytes.count > length, FlatEncoder.mayCut(field) {
            bytes = Array(bytes.prefix(length))
            cut = true
        }
        return try fit(bytes, field, numeric: false)
    }

    /// A CPF or CNPJ as given (`529.982.247-25`, `12.abc.345/01de-35`): its punctuation dropped
    /// and its letters uppercase, as `troca import` reads one.
    static func document<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        DocumentText.bare(bytes)
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
                "\(field.to ?? field.name): \(CellParsers.quote(bytes)) is longer than \(field.name) \(field.picture.text) (\(length) bytes)")
        }
        let pad = [UInt8](repeating: numeric ? 0x30 : 0x20, count: length - bytes.count)
        return numeric ? pad + bytes : bytes + pad
    }
}
