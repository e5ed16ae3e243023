import FixedWidth
import Records

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
///
/// The map is compiled into plain values behind pointers (a plan per field, an emit program, the
/// constants' JSON), so that a row costs no allocation, reference counting or access checks.
public final class Importer {
    let map: ColumnMap
    let file: String
    let header: [String]
    /// For each mapped field: the 0-based columns it reads.
    let sources: [[Int]]

    /// One field, compiled.
    struct Plan {
        var type: UInt8
        var amountStyle: CellParsers.AmountStyle
        var dateFormat: CellParsers.DateFormat
        var required: Bool
        var column: Int  // the only column, or -1 (constant, or several columns)
        var columnsStart: Int  // in `columns`
        var columnsCount: Int
        var constant: (Int, Int)  // JSON in `constants`, count 0: none
        var defaultValue: (Int, Int)  // JSON in `constants`
        var defaultType: (Int, Int)  // its document_type JSON
        var separator: (Int, Int)  // raw bytes in `constants`
        var documentTypeSlot: Int  // -1: none
        var split: UInt8  // a list's item separator, 0: not a list
    }

    /// One step of writing a record's members.
    struct Op {
        var kind: UInt8  // 0 leaf, 1 open, 2 close
        var key: (Int, Int)  // `"name":` bytes in `constants` (a comma just before them)
        var slot: Int
    }

    static let text: UInt8 = 0, digits: UInt8 = 1, integer: UInt8 = 2, amount: UInt8 = 3, date: UInt8 = 4,
        document: UInt8 = 5, cep: UInt8 = 6, uf: UInt8 = 7

    /// What a row touches, behind a pointer.
    struct State {
        var values: ByteBuffer
        var scratch: ByteBuffer
        /// The key's value in `values` (offset, count) of the last row taken.
        var key = (0, 0)
    }

    let plans: UnsafeMutablePointer<Plan>
    let planCount: Int
    let columns: UnsafeMutablePointer<Int>
    let ops: UnsafeMutablePointer<Op>
    let opCount: Int
    let constants: UnsafeMutablePointer<UInt8>
    let slots: UnsafeMutablePointer<(Int, Int)>
    let slotCount: Int
    let marks: UnsafeMutablePointer<Int>
    /// Where each field's value (its JSON) was written by the last `record` call, as (offset in
    /// its `out`, count); count 0: absent.
    let values: UnsafeMutablePointer<(Int, Int)>
    let state: UnsafeMutablePointer<State>
    let keyField: Int
    let keyColumn: Int
    /// `"cpf"` and `"cnpj"` in `constants`, for derived document types.
    let cpfJSON: (Int, Int)
    let cnpjJSON: (Int, Int)
    /// `{"record":"title"` in `constants`.
    let prefixJSON: (Int, Int)
    /// `,"source":{"file":"NAME","line":` in `constants`.
    let sourceJSON: (Int, Int)
    /// The short way's steps (`Step`, one per op), and the room it makes for a record besides
    /// the cells: each cell is at most the raw record, read by at most `columnUses` fields.
    let steps: UnsafeMutablePointer<Step>
    let stepCount: Int
    let rowRoom: Int
    let columnUses: Int
    /// Whether rows are tried the short way first (off only in tests, to compare with the general path).
    var commonRows = true
    /// Whether `value(ofField:)` is kept for every row taken; false for an import that does not
    /// read it (the short way then does not note where each value went).
    public var keepsValues = true

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
                        let hint = Suggestion.hint(for: wanted, among: trimmed) { "\"\($0)\"" }
                        throw MapError("\(file): column \"\(name)\" (for \(f.to)) is not in the header\(hint); the header has: \(list)")
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
        var docSlots: [Int] = Array(repeating: -1, count: map.fields.count)
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

        var constantBytes: [UInt8] = []
        func add(_ bytes: [UInt8]) -> (Int, Int) {
            let r = (constantBytes.count, bytes.count)
            constantBytes += bytes
            return r
        }

        // Plans; constants and defaults are parsed once, here.
        var planList: [Plan] = []
        var columnList: [Int] = []
        var scratch = ByteBuffer(capacity: 256)
        defer { scratch.deallocate() }
        for (i, f) in map.fields.enumerated() {
            let code: UInt8
            switch f.type {
            case .digits: code = Importer.digits
            case .integer: code = Importer.integer
            case .amount: code = Importer.amount
            case .date: code = Importer.date
            case .document: code = Importer.document
            case .cep: code = Importer.cep
            case .uf: code = Importer.uf
            default: code = Importer.text
            }
            var plan = Plan(
                type: code, amountStyle: f.format.flatMap(CellParsers.AmountStyle.init(rawValue:)) ?? .auto,
                dateFormat: f.format.flatMap(CellParsers.DateFormat.init(rawValue:)) ?? .auto, required: f.required,
                column: sources[i].count == 1 ? sources[i][0] : -1, columnsStart: columnList.count, columnsCount: sources[i].count,
                constant: (0, 0), defaultValue: (0, 0), defaultType: (0, 0), separator: add(Array(f.separator.utf8)),
                documentTypeSlot: docSlots[i], split: f.split)
            columnList += sources[i]
            for (isDefault, text) in [(false, f.value), (true, f.defaultValue)] {
                guard let text else { continue }
                scratch.removeAll()
                var kind: BrazilianDocument.Kind? = nil
                let problem = Array(text.utf8).withUnsafeBufferPointer { text in
                    withUnsafePointer(to: plan) { Importer.parse(text, $0, into: &scratch, kind: &kind) }
                }
                if let problem {
                    throw MapError("\(f.to): the map's value \"\(text)\" is not valid: \(problem.message)")
                }
                let json = add(Array(scratch.bytes))
                var typeJSON = (0, 0)
                if let kind {
                    var t: [UInt8] = []
                    JSONBytes.appendString(kind.rawValue, to: &t)
                    typeJSON = add(t)
                }
                if isDefault {
                    plan.defaultValue = json
                    plan.defaultType = typeJSON
                } else {
                    plan.constant = json
                    plan.defaultType = typeJSON
                }
            }
            planList.append(plan)
        }

        cpfJSON = add(Array("\"cpf\"".utf8))
        cnpjJSON = add(Array("\"cnpj\"".utf8))

        // The emit program, in the order fields first appear.
        var leaves: [(path: [String], slot: Int)] = []
        for (i, f) in map.fields.enumerated() {
            leaves.append((f.to.split(separator: ".").map(String.init), i))
            for d in derived where d.after == f.to {
                leaves.append((d.path.split(separator: ".").map(String.init), d.slot))
            }
        }
        var opList: [Op] = []
        /// A member's key, kept after a comma: the member and the comma before it are then one
        /// run of constants (`appendCommonRow`).
        func addKey(_ key: [UInt8]) -> (Int, Int) {
            let (offset, count) = add([0x2C] + key)
            return (offset + 1, count - 1)
        }
        func build(_ leaves: [(path: [String], slot: Int)]) {
            var order: [String] = []
            var groups: [String: [(path: [String], slot: Int)]] = [:]
            for leaf in leaves {
                let head = leaf.path[0]
                if leaf.path.count == 1 {
                    order.append("\u{0}\(leaf.slot)")
                    groups["\u{0}\(leaf.slot)"] = [leaf]
                } else {
                    if groups[head] == nil { order.append(head) }
                    groups[head, default: []].append((Array(leaf.path.dropFirst()), leaf.slot))
                }
            }
            for name in order {
                let group = groups[name]!
                if name.hasPrefix("\u{0}") {
                    var key: [UInt8] = []
                    JSONBytes.appendString(group[0].path[0], to: &key)
                    key.append(UInt8(ascii: ":"))
                    opList.append(Op(kind: 0, key: addKey(key), slot: group[0].slot))
                } else {
                    var key: [UInt8] = []
                    JSONBytes.appendString(name, to: &key)
                    key += Array(":{".utf8)
                    opList.append(Op(kind: 1, key: addKey(key), slot: -1))
                    build(group)
                    opList.append(Op(kind: 2, key: (0, 0), slot: -1))
                }
            }
        }
        build(leaves)
        // What every record starts and ends with, kept with the constants (no array on the row's path).
        var fileBytes: [UInt8] = []
        JSONBytes.appendString(file, to: &fileBytes)
        prefixJSON = add(Array("{\"record\":\"\(map.kind.rawValue)\"".utf8))
        sourceJSON = add(Array(",\"source\":{\"file\":".utf8) + fileBytes + Array(",\"line\":".utf8))

        plans = .allocate(capacity: max(planList.count, 1))
        plans.initialize(from: planList, count: planList.count)
        planCount = planList.count
        columns = .allocate(capacity: max(columnList.count, 1))
        columns.initialize(from: columnList, count: columnList.count)
        ops = .allocate(capacity: max(opList.count, 1))
        ops.initialize(from: opList, count: opList.count)
        opCount = opList.count
        // 32 bytes more than the constants: `appendCommonRow` copies them whole words at a time.
        constants = .allocate(capacity: constantBytes.count + 32)
        constants.initialize(repeating: 0, count: constantBytes.count + 32)
        constants.update(from: constantBytes, count: constantBytes.count)
        let stepList = Importer.compileSteps(opList, planList, keyField: map.key.flatMap { k in map.fields.firstIndex { $0.to == k } } ?? -1)
        steps = .allocate(capacity: max(stepList.count, 1))
        steps.initialize(from: stepList, count: stepList.count)
        stepCount = stepList.count
        // Every constant once (keys, values, prefix, source), a derived type, a value of
        // another type, or 32 bytes written past a constant, per op; the line and `}}`.
        rowRoom = constantBytes.count + 40 * opList.count + 64
        var uses: [Int: Int] = [:]
        for plan in planList where plan.column >= 0 { uses[plan.column, default: 0] += 1 }
        columnUses = uses.values.max() ?? 0
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: (0, 0), count: max(count, 1))
        marks = .allocate(capacity: 64)
        marks.initialize(repeating: 0, count: 64)
        values = .allocate(capacity: max(planList.count, 1))
        values.initialize(repeating: (0, 0), count: max(planList.count, 1))
        state = .allocate(capacity: 1)
        state.initialize(to: State(values: ByteBuffer(capacity: 4096), scratch: ByteBuffer(capacity: 1024)))
        let key = map.key.flatMap { k in map.fields.firstIndex { $0.to == k } }
        keyField = key ?? -1
        keyColumn = key.flatMap { sources[$0].first.map { $0 + 1 } } ?? 0
    }

    deinit {
        plans.deallocate()
        columns.deallocate()
        ops.deallocate()
        steps.deallocate()
        constants.deallocate()
        slots.deallocate()
        marks.deallocate()
        values.deallocate()
        state.pointee.values.deallocate()
        state.pointee.scratch.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The header's columns the map reads.
    public var columnsRead: [String] { sources.flatMap { $0 }.map { header[$0] } }

    /// Checks the current row of `reader` and, when it is valid, appends its record (without a
    /// newline) to `out` and returns true; otherwise reports every problem to `report` and
    /// returns false. The key is not looked up here (rows may be converted on several threads):
    /// the caller checks `key` against a `KeyRegister` in the rows' order, and drops the record
    /// when it repeats (`duplicateKey`).
    public func record(_ reader: CSVReader, into out: inout ByteBuffer, report: (Diagnostic) -> Void) -> Bool {
        let line = reader.line
        state.pointee.key = (0, 0)
        if reader.count != header.count {
            keepKeyOfUnreadRow(reader)
            let column = min(reader.count, header.count) + 1
            report(
                Diagnostic(
                    .error, "csv.ragged",
                    "expected \(header.count) fields as in the header, found \(reader.count)"
                        + (reader.count > header.count ? " (a delimiter inside an unquoted field?)" : ""), file: file, line: line,
                    column: column, raw: Array(reader.raw)))
            return false
        }
        if let p = reader.problem {
            keepKeyOfUnreadRow(reader)
            report(Diagnostic(.error, p.code, p.message, file: file, line: line, column: p.column, raw: Array(reader.raw)))
            return false
        }
        if commonRows, appendCommonRow(reader, line: line, into: &out) { return true }
        // One pass over the emit program, each field's value parsed straight into `out` after
        // its key (rolled back when absent); a row with a problem is rolled back whole.
        let mark = out.count
        out.appendBytes(UnsafeBufferPointer(start: constants + prefixJSON.0, count: prefixJSON.1))
        var problems: [(field: Int, diagnostic: Diagnostic)] = []
        var depth = 0
        // marks[2d]: where the object at depth d opened; marks[2d+1]: members written in it.
        marks[1] = 1
        for k in 0..<opCount {
            let op = ops[k]
            switch op.kind {
            case 0:
                let member = out.count
                if marks[2 * depth + 1] > 0 { out.append(0x2C) }
                out.appendBytes(UnsafeBufferPointer(start: constants + op.key.0, count: op.key.1))
                let value = out.count
                if op.slot < planCount {
                    guard appendValue(of: op.slot, reader, to: &out, problems: &problems) else {
                        values[op.slot] = (0, 0)
                        out.truncate(to: member)
                        continue
                    }
                    values[op.slot] = (value, out.count - value)
                    if op.slot == keyField { keepKey(UnsafeBufferPointer(start: out.base + value, count: out.count - value)) }
                } else {
                    // A document_type derived from its document, set when the document was read.
                    let (offset, count) = slots[op.slot]
                    guard count > 0 else {
                        out.truncate(to: member)
                        continue
                    }
                    out.appendBytes(UnsafeBufferPointer(start: constants + offset, count: count))
                }
                marks[2 * depth + 1] += 1
            case 1:
                let open = out.count
                if marks[2 * depth + 1] > 0 { out.append(0x2C) }
                out.appendBytes(UnsafeBufferPointer(start: constants + op.key.0, count: op.key.1))
                depth += 1
                marks[2 * depth] = open
                marks[2 * depth + 1] = 0
            default:
                if marks[2 * depth + 1] > 0 {
                    out.append(0x7D)
                    depth -= 1
                    marks[2 * depth + 1] += 1
                } else {
                    out.truncate(to: marks[2 * depth])
                    depth -= 1
                }
            }
        }
        guard problems.isEmpty else {
            out.truncate(to: mark)
            // In the map's order of fields, whatever the order of the record's members.
            for p in problems.sorted(by: { $0.field < $1.field }) { report(p.diagnostic) }
            return false
        }
        out.appendBytes(UnsafeBufferPointer(start: constants + sourceJSON.0, count: sourceJSON.1))
        CellFastPaths.appendInt(line, to: &out)
        out.append(0x7D)
        out.append(0x7D)
        return true
    }

    /// Appends field `i`'s value (its JSON) to `out` and returns true; false when it is absent
    /// (blank, no default) or invalid (its diagnostic added to `problems`). A document field
    /// also sets its derived document_type's slot (JSON in `constants`, count 0: none).
    @inline(__always)
    func appendValue(of i: Int, _ reader: CSVReader, to out: inout ByteBuffer, problems: inout [(field: Int, diagnostic: Diagnostic)])
        -> Bool
    {
        // Read in place: a copy of the plan (112 bytes) costs more than the few fields used,
        // and its wide stores stall the narrower loads that follow.
        let plan = plans + i
        if plan.pointee.documentTypeSlot >= 0 { slots[plan.pointee.documentTypeSlot] = (0, 0) }
        if plan.pointee.constant.1 > 0 {
            out.appendBytes(UnsafeBufferPointer(start: constants + plan.pointee.constant.0, count: plan.pointee.constant.1))
            if plan.pointee.documentTypeSlot >= 0 { slots[plan.pointee.documentTypeSlot] = plan.pointee.defaultType }
            return true
        }
        // The text: one cell, or several joined.
        let st = state
        var text: UnsafeBufferPointer<UInt8>
        if plan.pointee.column >= 0 {
            text = Importer.trim(reader.cell(plan.pointee.column))
        } else {
            st.pointee.scratch.removeAll()
            for k in 0..<plan.pointee.columnsCount {
                let cell = Importer.trim(reader.cell(columns[plan.pointee.columnsStart + k]))
                if cell.isEmpty { continue }
                if st.pointee.scratch.count > 0 {
                    st.pointee.scratch.appendBytes(UnsafeBufferPointer(start: constants + plan.pointee.separator.0, count: plan.pointee.separator.1))
                }
                st.pointee.scratch.appendBytes(cell)
            }
            text = st.pointee.scratch.bytes
        }
        if text.isEmpty {
            if plan.pointee.defaultValue.1 > 0 {
                out.appendBytes(UnsafeBufferPointer(start: constants + plan.pointee.defaultValue.0, count: plan.pointee.defaultValue.1))
                if plan.pointee.documentTypeSlot >= 0 { slots[plan.pointee.documentTypeSlot] = plan.pointee.defaultType }
                return true
            }
            if plan.pointee.required {
                let f = map.fields[i]
                let names = f.columns.map { "\"\($0)\"" }.joined(separator: ", ")
                problems.append(
                    (i, Diagnostic(
                        .error, "import.required", "\(f.to) is required and column \(names) is blank", file: file, line: reader.line,
                        column: columnOf(i), raw: Array(reader.raw))))
            }
            return false
        }
        var kind: BrazilianDocument.Kind? = nil
        if let problem = Importer.parse(text, plan, into: &out, kind: &kind) {
            let f = map.fields[i]
            let names = f.columns.map { "\"\($0)\"" }.joined(separator: " + ")
            problems.append(
                (i, Diagnostic(
                    .error, DiagnosticCode(rawValue: "import." + f.type.rawValue), "column \(names) → \(f.to): \(problem.message)",
                    file: file, line: reader.line, column: columnOf(i), raw: Array(reader.raw))))
            return false
        }
        if let kind, plan.pointee.documentTypeSlot >= 0 { slots[plan.pointee.documentTypeSlot] = kind == .cpf ? cpfJSON : cnpjJSON }
        return true
    }

    /// Keeps the row's key (its JSON) for `key`.
    @inline(__always)
    func keepKey(_ value: UnsafeBufferPointer<UInt8>) {
        state.pointee.values.removeAll()
        state.pointee.values.appendBytes(value)
        state.pointee.key = (0, value.count)
    }

    /// A row `record` cannot read (ragged, or broken quoting) still names its key when the key's
    /// column is there and its cell is valid: kept for the caller (an agreement's rows are
    /// grouped by it), never written.
    func keepKeyOfUnreadRow(_ reader: CSVReader) {
        guard keyField >= 0 else { return }
        let plan = plans[keyField]
        if plan.constant.1 > 0 {
            keepKey(UnsafeBufferPointer(start: constants + plan.constant.0, count: plan.constant.1))
            return
        }
        guard plan.column >= 0, plan.column < reader.count else { return }
        let text = Importer.trim(reader.cell(plan.column))
        guard !text.isEmpty else { return }
        var kind: BrazilianDocument.Kind? = nil
        state.pointee.values.removeAll()
        if Importer.parse(text, plans + keyField, into: &state.pointee.values, kind: &kind) == nil {
            state.pointee.key = (0, state.pointee.values.count)
        }
    }

    /// The number of fields of the map, in its order.
    public var fieldCount: Int { planCount }

    /// Where field `i`'s value (its JSON) lies in the `out` of the last `record` call that
    /// returned true: (offset, count), count 0 when the field was left out (when `keepsValues`).
    public func value(ofField i: Int) -> (offset: Int, count: Int) {
        let (offset, count) = values[i]
        return (offset, count)
    }

    /// The CSV column (1-based) field `i` is read from (its first; 0 for a constant).
    public func column(ofField i: Int) -> Int { columnOf(i) }

    /// The key's JSON (`"NF-1"`) of the row `record` last looked at; empty when the map has no
    /// key or the row left it blank or invalid. A rejected row may still have one (its other
    /// cells were wrong). Valid until the next row.
    public var key: UnsafeBufferPointer<UInt8> {
        let (offset, count) = keyField >= 0 ? state.pointee.key : (0, 0)
        return UnsafeBufferPointer(start: state.pointee.values.base + offset, count: count)
    }

    /// The diagnostic of a row whose key `value` (its JSON) repeats the row of line `first`.
    public func duplicateKey(_ value: UnsafeBufferPointer<UInt8>, line: Int, first: Int, raw: [UInt8]) -> Diagnostic {
        Diagnostic(
            .error, "import.duplicate-key",
            "\(map.fields[keyField].to) \(String(decoding: value, as: UTF8.self)) repeats the record of line \(first); the second is rejected",
            file: file, line: line, column: keyColumn, raw: raw)
    }

    /// Another importer of the same map and header, for another thread (each keeps its own
    /// scratch state).
    public func replica() -> Importer {
        do {
            return try Importer(map: map, header: header, file: file)
        } catch {
            preconditionFailure("a map that compiled for this header compiles again: \(error)")
        }
    }

    func columnOf(_ i: Int) -> Int { sources[i].first.map { $0 + 1 } ?? 0 }

    /// Parses `text` by the plan's type, appending its JSON to `out`; returns the problem when
    /// the text is not valid (and leaves `out` as it was).
    static func parse(
        _ text: UnsafeBufferPointer<UInt8>, _ plan: UnsafePointer<Plan>, into out: inout ByteBuffer, kind: inout BrazilianDocument.Kind?
    ) -> ParseProblem? {
        switch plan.pointee.type {
        case _ where plan.pointee.split != 0:
            return appendList(text, plan.pointee, into: &out)
        case Importer.amount:
            switch CellParsers.amount(text, style: plan.pointee.amountStyle) {
            case .success(let cents): CellFastPaths.appendInt(cents, to: &out)
            case .failure(let p): return p
            }
        case Importer.integer:
            switch CellParsers.integer(text) {
            case .success(let v): JSONBytes.appendInt(v, to: &out)
            case .failure(let p): return p
            }
        case Importer.date:
            let format = plan.pointee.dateFormat
            if format != .iso && format != .ddMMyy && CellFastPaths.appendDayMonthYear(text, to: &out) { return nil }
            switch CellParsers.date(text, format: format) {
            case .success(let d):
                out.reserve(12)
                d.writeQuoted(to: out.base + out.count)
                out.count += 12
            case .failure(let p): return p
            }
        case Importer.document:
            switch BrazilianDocument.append(text, to: &out) {
            case .success(let k): kind = k
            case .failure(let p): return ParseProblem(p.message)
            }
        case Importer.cep:
            return CellParsers.cep(text, into: &out)
        case Importer.uf:
            return CellParsers.uf(text, into: &out)
        case Importer.digits:
            for b in text where b &- 48 > 9 { return ParseProblem("expected digits only, found \(CellParsers.quote(text))") }
            appendText(text, to: &out)
        default:
            appendText(unneutralised(text), to: &out)
        }
        return nil
    }

    /// Text without the `'` `troca export csv` puts before a cell a spreadsheet would run as a
    /// formula (`'=SUM(A1)`, `'-`, `'+55`) or that starts with `'` itself (`''a`): one `'` off,
    /// so that import(export(x)) == x. Any other text is as it is (`'a` stays `'a`).
    @inline(__always)
    static func unneutralised(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard text.count >= 2, text[0] == UInt8(ascii: "'"), text[1] == UInt8(ascii: "'") || CSVExport.isFormulaStart(text[1])
        else { return text }
        return UnsafeBufferPointer(rebasing: text.dropFirst())
    }

    /// A list field's text cut at the plan's `split` byte, each item trimmed and read by the
    /// plan's type, blank items dropped: a JSON array (`["NF-1","NF-2"]`).
    static func appendList(_ text: UnsafeBufferPointer<UInt8>, _ plan: Plan, into out: inout ByteBuffer) -> ParseProblem? {
        let mark = out.count
        var item = plan
        item.split = 0
        var kind: BrazilianDocument.Kind? = nil
        out.append(0x5B)
        var start = 0
        var written = 0
        for end in 0...text.count where end == text.count || text[end] == plan.split {
            let cell = trim(UnsafeBufferPointer(rebasing: text[start..<end]))
            start = end + 1
            if cell.isEmpty { continue }
            if written > 0 { out.append(0x2C) }
            if let problem = withUnsafePointer(to: item, { parse(cell, $0, into: &out, kind: &kind) }) {
                out.truncate(to: mark)
                return problem
            }
            written += 1
        }
        out.append(0x5D)
        return nil
    }

    /// A cell as a JSON string: copied in one go when it needs no escape and is ASCII or valid
    /// UTF-8 (the common case), else through `JSONBytes.appendText` (escapes, Windows-1252).
    @inline(__always)
    static func appendText(_ text: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer) {
        let classes = CellFastPaths.textClasses(text)
        if classes & 1 != 0 {
            JSONBytes.appendText(text, to: &out)
            return
        }
        if classes != 0 && !TextBytes.isValidUTF8(text) {
            JSONBytes.appendText(text, to: &out)
            return
        }
        out.append(0x22)
        out.appendBytes(text)
        out.append(0x22)
    }

    /// The cell without blanks (and tabs) around it.
    @inline(__always)
    static func trim(_ cell: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = cell.baseAddress else { return cell }
        var s = 0
        var e = cell.count
        while s < e, base[s] == 0x20 || base[s] == 0x09 { s += 1 }
        while e > s, base[e - 1] == 0x20 || base[e - 1] == 0x09 { e -= 1 }
        return UnsafeBufferPointer(start: base + s, count: e - s)
    }

    /// A key's 64-bit hash (keys are kept as hashes so that memory grows by a few words per
    /// row): its bytes taken 8 at a time (the last word overlapping the one before; below 8
    /// bytes, one by one), each mixed in by a multiply, and the whole finished by MurmurHash3's
    /// `fmix64`, so that every bit of the key moves the bits `KeyTable` slots by.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(n)
        @inline(__always) func mix(_ w: UInt64) { h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 29 }
        if let p = bytes.baseAddress {
            let raw = UnsafeRawPointer(p)
            if n >= 8 {
                var i = 0
                while i &+ 8 <= n {
                    mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    i &+= 8
                }
                if i < n { mix(raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)) }
            } else {
                var w: UInt64 = 0
                for k in 0..<n { w |= UInt64(p[k]) << (8 &* UInt64(k)) }
                mix(w)
            }
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}


/// The keys of the rows taken so far, in the file's order, to reject a repeated one with the
/// line of the first (the one table of an import that grows with the input: about 48 bytes a
/// distinct key, and the key's own bytes).
public final class KeyRegister {
    /// Behind a pointer: no exclusive-access check per row.
    let table: UnsafeMutablePointer<KeyTable> = {
        let t = UnsafeMutablePointer<KeyTable>.allocate(capacity: 1)
        t.initialize(to: KeyTable())
        return t
    }()

    /// An empty register.
    public init() {}

    deinit {
        table.pointee.deallocate()
        table.deinitialize(count: 1)
        table.deallocate()
    }

    /// A key's hash, as `insert(hash:line:)` takes it (computed where the row is converted).
    public static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 { Importer.hash(key) }

    /// Records `key`, whose hash (`KeyRegister.hash`) is `hash`, for `line`; returns the line
    /// of an earlier row with the same key instead. Keys are compared by their bytes when their
    /// hashes are the same: two keys that only share a hash are two keys.
    public func insert(hash: UInt64, key: UnsafeBufferPointer<UInt8>, line: Int) -> Int? {
        table.pointee.insert(hash, key: key, line: line)
    }

    /// Reads the table where `hashes[range]` would go, all at once, before they are inserted
    /// one by one in order: a table of a million keys is far larger than the caches, and
    /// independent reads wait for memory together instead of one after the other. Changes
    /// nothing.
    public func warm(_ hashes: [UInt64], _ range: Range<Int>) {
        let t = table.pointee
        var seen: UInt64 = 0
        for k in range.clamped(to: hashes.indices) { seen |= t.entries[t.slot(of: hashes[k])].hash }
        warmth = seen
    }
    /// What `warm` read, kept so that its reads are not optimised away.
    var warmth: UInt64 = 0
}

/// The keys seen so far, as 64-bit hashes with the number of their key: open addressing over
/// one allocation that doubles when half full (about 32 bytes a key), and, by number, each
/// key's line and bytes (16 bytes and the key's own).
struct KeyTable {
    /// Each hash beside its key's number, so that a probe touches one cache line (a table of a
    /// million keys is far larger than the caches: one miss per row, not two).
    var entries: UnsafeMutablePointer<(hash: UInt64, line: Int)>
    var capacity: Int
    var count = 0
    /// By key number: its row's line, and where its bytes are in `bytes` (offset << 24 | count).
    /// Both grow by `realloc` (large blocks are remapped, not copied and faulted in again).
    var keys = UnsafeMutablePointer<(line: Int, span: UInt64)>(OpaquePointer(malloc(4096 * MemoryLayout<(line: Int, span: UInt64)>.stride)!))
    var keysCapacity = 4096
    var bytes = UnsafeMutablePointer<UInt8>(OpaquePointer(malloc(1 << 16)!))
    var bytesCount = 0
    var bytesCapacity = 1 << 16

    init(capacity: Int = 1 << 12) {
        self.capacity = capacity
        entries = KeyTable.zeroed(capacity)
    }

    func deallocate() {
        KeyTable.release(entries, capacity)
        free(keys)
        free(bytes)
    }

    /// Whether key number `k` is `key`.
    @inline(__always)
    func isKey(_ k: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let span = keys[k].span
        let count = Int(span & 0xFF_FFFF)
        guard count == key.count else { return false }
        return count == 0 || memcmp(bytes + Int(span >> 24), key.baseAddress!, count) == 0
    }

    /// Keeps `key` as key number `n` (`count`), found on `line`.
    mutating func keep(_ key: UnsafeBufferPointer<UInt8>, line: Int, as n: Int) {
        if n == keysCapacity {
            keysCapacity *= 2
            guard let grown = realloc(keys, keysCapacity * MemoryLayout<(line: Int, span: UInt64)>.stride) else { fatalError("out of memory for \(keysCapacity) keys") }
            keys = UnsafeMutablePointer(OpaquePointer(grown))
        }
        if bytesCount + key.count > bytesCapacity {
            while bytesCount + key.count > bytesCapacity { bytesCapacity *= 2 }
            guard let grown = realloc(bytes, bytesCapacity) else { fatalError("out of memory for \(bytesCapacity) bytes of keys") }
            bytes = UnsafeMutablePointer(OpaquePointer(grown))
        }
        keys[n] = (line, UInt64(bytesCount) << 24 | UInt64(key.count))
        if let base = key.baseAddress { (bytes + bytesCount).update(from: base, count: key.count) }
        bytesCount += key.count
    }

    /// `capacity` empty entries (all zero), allocated and zeroed by the process, not mapped
    /// fresh from the kernel (as they were for a while): each doubled
    /// table then reuses the heap memory the smaller ones left (malloc raises its mmap threshold
    /// after the first large block is freed), where fresh mappings cost a page fault per 4 KiB
    /// touched on every doubling (48k faults on 1M rows against 29k; the memset is cheaper).
    static func zeroed(_ capacity: Int) -> UnsafeMutablePointer<(hash: UInt64, line: Int)> {
        let entries = UnsafeMutablePointer<(hash: UInt64, line: Int)>.allocate(capacity: capacity)
        entries.initialize(repeating: (0, 0), count: capacity)
        return entries
    }

    /// Frees what `zeroed` allocated.
    static func release(_ entries: UnsafeMutablePointer<(hash: UInt64, line: Int)>, _ capacity: Int) {
        entries.deallocate()
    }

    /// Where a hash's probe starts.
    @inline(__always)
    func slot(of hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash == 0 ? 1 : hash) >> 7) & (capacity - 1) }

    /// Records `key` (hash `hash`) for `line`; returns the line of an earlier row with the same
    /// key instead. (An entry's `line` field holds its key's number.)
    mutating func insert(_ hash: UInt64, key: UnsafeBufferPointer<UInt8>, line: Int) -> Int? {
        let h = hash == 0 ? 1 : hash  // 0 marks an empty slot
        var i = slot(of: h)
        while entries[i].hash != 0 {
            if entries[i].hash == h, isKey(entries[i].line, key) { return keys[entries[i].line].line }
            i = (i + 1) & (capacity - 1)
        }
        // Keys of up to 16 MiB (a cell is at most the 1 MiB of a record), 2^40 bytes of them.
        precondition(key.count < 1 << 24 && bytesCount < 1 << 40, "a key too long to keep")
        entries[i] = (h, count)
        keep(key, line: line, as: count)
        count += 1
        if count * 2 > capacity { grow() }
        return nil
    }

    mutating func grow() {
        let (old, oldCapacity) = (entries, capacity)
        capacity *= 2
        entries = KeyTable.zeroed(capacity)
        for k in 0..<oldCapacity where old[k].hash != 0 {
            var i = Int(truncatingIfNeeded: old[k].hash >> 7) & (capacity - 1)
            while entries[i].hash != 0 { i = (i + 1) & (capacity - 1) }
            entries[i] = old[k]
        }
        KeyTable.release(old, oldCapacity)
    }
}

extension ByteBuffer {
    /// Ends an imported record: `,"source":{"file":…,"line":N}}` (`fileJSON` is the file name
    /// already as a JSON string).
    mutating func appendSourceAndClose(fileJSON: [UInt8], line: Int) {
        append(contentsOf: ",\"source\":{\"file\":")
        append(fileJSON)
        append(contentsOf: ",\"line\":")
        CellFastPaths.appendInt(line, to: &self)
        append(contentsOf: "}}")
    }
}
