import FixedWidth
import Records

/// What an import did with a file.
public struct ImportSummary: Sendable, Hashable {
    /// Data rows read (after the header; blank lines not counted).
    public var read = 0
    /// Records written.
    public var written = 0
    /// Rows rejected.
    public var rejected = 0
    /// Blank lines skipped.
    public var skipped = 0
    /// Whether reading stopped at a structural error (the output should not be kept).
    public var fatal = false
    /// Whether reading stopped because `maxRejects` was passed.
    public var stopped = false
    /// An empty summary.
    public init() {}
}

/// Turns CSV rows into JSONL records through a column map: every cell checked by its type, every
/// problem a diagnostic at `line:column` (column: the CSV column number), a repeated key rejected
/// with the line of the first.
public final class Importer {
    let map: ColumnMap
    let file: String
    let header: [String]
    /// For each mapped field: the 0-based columns it reads.
    let sources: [[Int]]
    /// The JSON tree of the output record.
    let tree: [Node]
    /// Slot of each mapped field; derived `document_type` slots follow.
    let slotCount: Int
    let documentTypeSlot: [Int?]
    let keyField: Int?
    /// Per row: each slot's JSON value as (offset, count) in `values`; count 0 is absent.
    var slots: [(Int, Int)]
    var values: ByteBuffer
    var scratch: [UInt8] = []
    var keys: [UInt64: Int] = [:]
    let fileJSON: [UInt8]
    let recordPrefix: [UInt8]

    indirect enum Node {
        case leaf(key: [UInt8], slot: Int)
        case object(key: [UInt8], children: [Node])
    }

    /// Prepares a map for a file whose header is `header`; a column the map names that is not in
    /// the header is a `MapError` that lists the header's columns.
    public init(map: ColumnMap, header: [String], file: String) throws(MapError) {
        self.map = map
        self.file = file
        let trimmed = header.map { $0.trimmingBlanks }
        self.header = trimmed
        var sources: [[Int]] = []
        for f in map.fields {
            var cols: [Int] = []
            for name in f.columns {
                let wanted = name.trimmingBlanks
                var matches = trimmed.indices.filter { trimmed[$0] == wanted }
                if matches.isEmpty {
                    matches = trimmed.indices.filter { trimmed[$0].lowercased() == wanted.lowercased() }
                }
                guard matches.count == 1 else {
                    let list = trimmed.map { "\"\($0)\"" }.joined(separator: ", ")
                    if matches.isEmpty {
                        throw MapError("\(file): column \"\(name)\" (for \(f.to)) is not in the header; the header has: \(list)")
                    }
                    throw MapError("\(file): column \"\(name)\" (for \(f.to)) appears \(matches.count) times in the header")
                }
                cols.append(matches[0])
            }
            sources.append(cols)
        }
        self.sources = sources
        // Slots: one per field, then a document_type for each document field whose sibling
        // document_type is not mapped.
        var docSlots: [Int?] = Array(repeating: nil, count: map.fields.count)
        var count = map.fields.count
        var derived: [(path: String, slot: Int, after: String)] = []
        let mapped = Set(map.fields.map(\.to))
        for (i, f) in map.fields.enumerated() where f.type == .document {
            let typePath = f.to + "_type"
            if f.to.hasSuffix("document"), map.kind.fields.contains(typePath), !mapped.contains(typePath) {
                docSlots[i] = count
                derived.append((typePath, count, f.to))
                count += 1
            }
        }
        slotCount = count
        documentTypeSlot = docSlots
        keyField = map.key.flatMap { k in map.fields.firstIndex { $0.to == k } }
        // The tree, in the order fields first appear.
        var leaves: [(path: [String], slot: Int)] = []
        for (i, f) in map.fields.enumerated() {
            leaves.append((f.to.split(separator: ".").map(String.init), i))
            for d in derived where d.after == f.to {
                leaves.append((d.path.split(separator: ".").map(String.init), d.slot))
            }
        }
        tree = Importer.build(leaves)
        slots = Array(repeating: (0, 0), count: count)
        values = ByteBuffer(capacity: 4096)
        var f: [UInt8] = []
        JSONBytes.appendString(file, to: &f)
        fileJSON = f
        recordPrefix = Array("{\"record\":\"\(map.kind.rawValue)\"".utf8)
        // Constants and defaults are checked once, here.
        for (i, field) in map.fields.enumerated() {
            for constant in [field.value, field.defaultValue].compactMap({ $0 }) {
                let bytes = Array(constant.utf8)
                let problem = bytes.withUnsafeBufferPointer { parse($0, field: i) }
                if let problem {
                    throw MapError("\(field.to): the map's value \"\(constant)\" is not valid: \(problem.message)")
                }
            }
        }
        values.removeAll()
    }

    deinit { values.deallocate() }

    static func build(_ leaves: [(path: [String], slot: Int)]) -> [Node] {
        var order: [String] = []
        var groups: [String: [(path: [String], slot: Int)]] = [:]
        var nodes: [Node] = []
        var firstIndex: [String: Int] = [:]
        for leaf in leaves {
            let head = leaf.path[0]
            if leaf.path.count == 1 {
                var key: [UInt8] = []
                JSONBytes.appendString(head, to: &key)
                nodes.append(.leaf(key: key, slot: leaf.slot))
                order.append("")
            } else {
                if groups[head] == nil {
                    firstIndex[head] = nodes.count
                    nodes.append(.leaf(key: [], slot: -1))  // placeholder
                    order.append(head)
                }
                groups[head, default: []].append((Array(leaf.path.dropFirst()), leaf.slot))
            }
        }
        for (head, index) in firstIndex {
            var key: [UInt8] = []
            JSONBytes.appendString(head, to: &key)
            nodes[index] = .object(key: key, children: build(groups[head]!))
        }
        return nodes
    }

    /// The map's header names that the file lacks are errors; this lists the columns read.
    public var columnsRead: [String] { sources.flatMap { $0 }.map { header[$0] } }

    /// Checks the current row of `reader` and, when it is valid, appends its record (without a
    /// newline) to `out` and returns true; otherwise reports every problem to `report` and
    /// returns false.
    public func convert(_ reader: CSVReader, into out: inout ByteBuffer, report: (Diagnostic) -> Void) -> Bool {
        let line = reader.line
        func fail(_ code: DiagnosticCode, _ message: String, column: Int) {
            report(Diagnostic(.error, code, message, file: file, line: line, column: column, raw: Array(reader.raw)))
        }
        if reader.count != header.count {
            let column = min(reader.count, header.count) + 1
            fail(
                "csv.ragged",
                "expected \(header.count) fields as in the header, found \(reader.count)"
                    + (reader.count > header.count ? " (a delimiter inside an unquoted field?)" : ""), column: column)
            return false
        }
        if let p = reader.problem {
            fail(p.code, p.message, column: p.column)
            return false
        }
        values.removeAll()
        var ok = true
        for (i, field) in map.fields.enumerated() {
            slots[i] = (0, 0)
            if let d = documentTypeSlot[i] { slots[d] = (0, 0) }
            // Gather the text.
            scratch.removeAll(keepingCapacity: true)
            var column = sources[i].first.map { $0 + 1 } ?? 0
            if let value = field.value {
                scratch.append(contentsOf: value.utf8)
            } else if sources[i].count == 1 {
                let cell = Importer.trim(reader.cell(sources[i][0]))
                scratch.append(contentsOf: cell)
            } else {
                for c in sources[i] {
                    let cell = Importer.trim(reader.cell(c))
                    if cell.isEmpty { continue }
                    if !scratch.isEmpty { scratch.append(contentsOf: field.separator.utf8) }
                    scratch.append(contentsOf: cell)
                }
            }
            if scratch.isEmpty, let d = field.defaultValue { scratch.append(contentsOf: d.utf8) }
            if scratch.isEmpty {
                if field.required {
                    let names = field.columns.map { "\"\($0)\"" }.joined(separator: ", ")
                    fail("import.required", "\(field.to) is required and column \(names) is blank", column: column)
                    ok = false
                }
                continue
            }
            let problem = scratch.withUnsafeBufferPointer { parse($0, field: i) }
            if let problem {
                if field.value != nil { column = 0 }
                let names = field.columns.map { "\"\($0)\"" }.joined(separator: " + ")
                fail(
                    DiagnosticCode(rawValue: "import." + field.type.rawValue),
                    "\(names.isEmpty ? "" : "column \(names) → ")\(field.to): \(problem.message)", column: column)
                ok = false
            }
        }
        guard ok else { return false }
        if let k = keyField, slots[k].1 > 0 {
            let hash = Importer.hash(UnsafeBufferPointer(start: values.base + slots[k].0, count: slots[k].1))
            if let first = keys[hash] {
                let text = String(decoding: UnsafeBufferPointer(start: values.base + slots[k].0, count: slots[k].1), as: UTF8.self)
                fail(
                    "import.duplicate-key",
                    "\(map.fields[k].to) \(text) repeats the record of line \(first); the second is rejected",
                    column: sources[k].first.map { $0 + 1 } ?? 0)
                return false
            }
            keys[hash] = line
        }
        out.append(recordPrefix)
        emit(tree, into: &out)
        out.append(contentsOf: ",\"source\":{\"file\":")
        out.append(fileJSON)
        out.append(contentsOf: ",\"line\":")
        JSONBytes.appendInt(line, to: &out)
        out.append(contentsOf: "}}")
        return true
    }

    /// Writes the members of `nodes` (each preceded by a comma); returns whether any was written.
    @discardableResult
    func emit(_ nodes: [Node], into out: inout ByteBuffer, first: Bool = false) -> Bool {
        var wrote = false
        for node in nodes {
            switch node {
            case .leaf(let key, let slot):
                let (offset, count) = slots[slot]
                if count == 0 { continue }
                if !(first && !wrote) { out.append(0x2C) }
                out.append(key)
                out.append(0x3A)
                out.appendBytes(UnsafeBufferPointer(start: values.base + offset, count: count))
                wrote = true
            case .object(let key, let children):
                let mark = out.count
                if !(first && !wrote) { out.append(0x2C) }
                out.append(key)
                out.append(contentsOf: ":{")
                if emit(children, into: &out, first: true) {
                    out.append(0x7D)
                    wrote = true
                } else {
                    out.truncate(to: mark)
                }
            }
        }
        return wrote
    }

    /// Parses `text` as field `i`'s type and stores its JSON in the field's slot; returns the
    /// problem when the text is not valid.
    func parse(_ text: UnsafeBufferPointer<UInt8>, field i: Int) -> ParseProblem? {
        let field = map.fields[i]
        let from = values.count
        switch field.type {
        case .amount:
            let style = field.format.flatMap(CellParsers.AmountStyle.init(rawValue:)) ?? .auto
            switch CellParsers.amount(text, style: style) {
            case .success(let cents): JSONBytes.appendInt(cents, to: &values)
            case .failure(let p): return p
            }
        case .integer:
            switch CellParsers.integer(text) {
            case .success(let v): JSONBytes.appendInt(v, to: &values)
            case .failure(let p): return p
            }
        case .date:
            let format = field.format.flatMap(CellParsers.DateFormat.init(rawValue:)) ?? .auto
            switch CellParsers.date(text, format: format) {
            case .success(let d):
                values.reserve(12)
                d.writeQuoted(to: values.base + values.count)
                values.count += 12
            case .failure(let p): return p
            }
        case .document:
            switch BrazilianDocument.parse(text) {
            case .success(let (kind, chars)):
                values.append(0x22)
                values.append(chars)
                values.append(0x22)
                if let d = documentTypeSlot[i] {
                    slots[i] = (from, values.count - from)
                    let typeFrom = values.count
                    JSONBytes.appendString(kind.rawValue, to: &values)
                    slots[d] = (typeFrom, values.count - typeFrom)
                    return nil
                }
            case .failure(let p): return ParseProblem(p.message)
            }
        case .cep:
            switch CellParsers.cep(text) {
            case .success(let d): values.append(0x22); values.append(d); values.append(0x22)
            case .failure(let p): return p
            }
        case .uf:
            switch CellParsers.uf(text) {
            case .success(let d): values.append(0x22); values.append(d); values.append(0x22)
            case .failure(let p): return p
            }
        case .digits:
            if case .failure(let p) = CellParsers.digits(text) { return p }
            JSONBytes.appendText(text, to: &values)
        default:
            JSONBytes.appendText(text, to: &values)
        }
        slots[i] = (from, values.count - from)
        return nil
    }

    /// The cell without blanks (and tabs) around it.
    @inline(__always)
    static func trim(_ cell: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var s = 0
        var e = cell.count
        while s < e, cell[s] == 0x20 || cell[s] == 0x09 { s += 1 }
        while e > s, cell[e - 1] == 0x20 || cell[e - 1] == 0x09 { e -= 1 }
        return UnsafeBufferPointer(rebasing: cell[s..<e])
    }

    /// FNV-1a, 64 bits: keys are kept as hashes so that memory grows by a few words per row.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}

extension String {
    var trimmingBlanks: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
