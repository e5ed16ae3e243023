import Records

/// One CSV row of an agreement import, as `Importer.record` left it.
public struct AgreementRow {
    /// The line the row starts on.
    public var line: Int
    /// The row's bytes as read (for the reject stream).
    public var raw: UnsafeBufferPointer<UInt8>
    /// The agreement id's JSON (`"AC-1"`); empty when the row's id cannot be read.
    public var key: UnsafeBufferPointer<UInt8>
    /// A valid row: the buffer its record was written to, and each field's value in it as
    /// (offset, count) pairs in the map's order (count 0: blank). Nil for a rejected row.
    public var values: (bytes: UnsafePointer<UInt8>, spans: ArraySlice<Int>)?
    /// A rejected row: every problem `Importer.record` found in it.
    public var diagnostics: ArraySlice<Diagnostic>

    /// A row from what the importer reported.
    public init(
        line: Int, raw: UnsafeBufferPointer<UInt8>, key: UnsafeBufferPointer<UInt8>,
        values: (bytes: UnsafePointer<UInt8>, spans: ArraySlice<Int>)?, diagnostics: ArraySlice<Diagnostic>
    ) {
        self.line = line
        self.raw = raw
        self.key = key
        self.values = values
        self.diagnostics = diagnostics
    }
}

/// What became of the rows of one agreement, given when the agreement ends.
public enum AgreementOutcome {
    /// The agreement's record (without a newline), made of `rows` rows.
    case written(UnsafeBufferPointer<UInt8>, rows: Int)
    /// One row rejected, with its problems (the first has the row's raw bytes).
    case rejected([Diagnostic])
}

/// Groups the rows of an agreement CSV (one row per installment, the agreement's own columns
/// repeated on each) into `agreement` records (docs/maps.md, "Agreements").
///
/// Streaming: the rows of one agreement are consecutive, so only the agreement being read is
/// held, plus the ids already seen (`KeyRegister`). An agreement is written whole or not at
/// all: a bad row, cells of the agreement that differ between its rows, an id that comes back
/// after another agreement, or an agreement that the caller's `check` refuses (reconcile's
/// rules) rejects every one of its rows.
public final class AgreementRows {
    /// The agreement's own fields, in the order they are written (`installments` and
    /// `down_payment` come after `total_cents`).
    public static let agreementFields = [
        "id", "party_document", "origin_titles", "created_on", "total_cents", "break_rule.overdue_days",
        "break_rule.down_payment_days", "status",
    ]
    /// The fields read from each row into its installment (number 0: the entrada).
    public static let installmentFields = [
        "installments[].number", "installments[].due_date", "installments[].amount_cents", "installments[].nosso_numero",
        "installments[].document_number",
    ]
    /// What every agreement needs: a map without one of these would reject every row.
    static let requiredFields = [
        "id", "party_document", "created_on", "total_cents", "installments[].number", "installments[].due_date",
        "installments[].amount_cents",
    ]

    /// Checks an assembled `agreement` record as `troca reconcile` would; returns its code and
    /// reason when it is refused.
    public typealias Check = (UnsafeBufferPointer<UInt8>) -> (code: String, message: String)?

    /// The map checked for agreements, with the fields every agreement needs made required (so
    /// that a blank cell is reported at its row and column).
    public static func prepare(_ map: ColumnMap) throws(MapError) -> ColumnMap {
        var map = map
        let mapped = Set(map.fields.map(\.to))
        let missing = requiredFields.filter { !mapped.contains($0) }
        guard missing.isEmpty else {
            throw MapError("an agreement map needs \(missing.joined(separator: ", ")) (every agreement has them)")
        }
        guard map.key == "id" else {
            throw MapError("an agreement's rows are grouped by its id: leave \"key\" out or set it to \"id\"")
        }
        for k in map.fields.indices where requiredFields.contains(map.fields[k].to) { map.fields[k].required = true }
        return map
    }

    let importer: Importer
    let map: ColumnMap
    let file: String
    let fileJSON: [UInt8]
    let check: Check
    /// For each of `agreementFields` and `installmentFields`: the map's field index, or -1.
    let agreementIndex: [Int]
    let installmentIndex: [Int]
    let keys = KeyRegister()

    /// The agreement being read.
    struct Group {
        var key: [UInt8]
        var rows: [(line: Int, raw: [UInt8], diagnostics: [Diagnostic])] = []
        /// The line of the first row with a problem, if any.
        var firstBad: Int?
        /// The agreement's own values (JSON; nil: blank), from the first valid row, and its line.
        var own: [[UInt8]?]? = nil
        var ownLine = 0
        /// The entrada's members (without braces) and its line.
        var downPayment: [UInt8]? = nil
        var downPaymentLine = 0
        /// The installments' objects, comma-separated.
        var installments: [UInt8] = []
    }
    var group: Group?
    var record = ByteBuffer(capacity: 1024)

    /// Agreements written so far.
    public private(set) var written = 0
    /// Agreements rejected so far (each with all its rows).
    public private(set) var rejected = 0

    /// Groups rows converted by `importer` (compiled from a map `prepare` returned) read from `file`.
    public init(importer: Importer, map: ColumnMap, file: String, check: @escaping Check) {
        self.importer = importer
        self.map = map
        self.file = file
        self.check = check
        var f: [UInt8] = []
        JSONBytes.appendString(file, to: &f)
        fileJSON = f
        let index = { (path: String) in map.fields.firstIndex { $0.to == path } ?? -1 }
        agreementIndex = Self.agreementFields.map(index)
        installmentIndex = Self.installmentFields.map(index)
    }

    deinit { record.deallocate() }

    /// Takes the next row: a row with another id ends the agreement before it (given to `emit`).
    public func add(_ row: AgreementRow, _ emit: (AgreementOutcome) throws -> Void) rethrows {
        let raw = Array(row.raw)
        guard row.key.count > 0 else {
            // No id to place it by: it ends the agreement before it and is rejected alone.
            try finish(emit)
            var diagnostics = Array(row.diagnostics)
            if diagnostics.isEmpty {
                diagnostics.append(
                    Diagnostic(
                        .error, "import.required", "id is required: the row names no agreement", file: file, line: row.line, raw: raw))
            }
            try emit(.rejected(diagnostics))
            return
        }
        if let g = group, !g.key.elementsEqual(row.key) { try finish(emit) }
        var diagnostics = Array(row.diagnostics)
        if group == nil {
            group = Group(key: Array(row.key))
            if let first = keys.insert(hash: KeyRegister.hash(row.key), key: row.key, line: row.line) {
                diagnostics.append(importer.duplicateKey(row.key, line: row.line, first: first, raw: raw))
            }
        }
        if let values = row.values { take(values, line: row.line, raw: raw, into: &diagnostics) }
        if !diagnostics.isEmpty, group!.firstBad == nil { group!.firstBad = row.line }
        group!.rows.append((row.line, raw, diagnostics))
    }

    /// Ends the agreement being read, if any: its record or its rows' rejects go to `emit`.
    public func finish(_ emit: (AgreementOutcome) throws -> Void) rethrows {
        guard let g = group else { return }
        group = nil
        let first = g.rows[0].line
        var bad = g.firstBad
        var reason: Diagnostic? = nil
        if bad == nil {
            assemble(g)
            if let refused = check(record.bytes) {
                bad = first
                reason = Diagnostic(
                    .error, DiagnosticCode(rawValue: refused.code), "agreement \(text(g.key)): \(refused.message)", file: file, line: first,
                    raw: g.rows[0].raw)
            } else {
                written += 1
                try emit(.written(record.bytes, rows: g.rows.count))
                return
            }
        }
        rejected += 1
        for (k, row) in g.rows.enumerated() {
            if k == 0, let reason {
                try emit(.rejected([reason]))
            } else if !row.diagnostics.isEmpty {
                try emit(.rejected(row.diagnostics))
            } else {
                try emit(
                    .rejected([
                        Diagnostic(
                            .error, "import.agreement-rejected",
                            "this row belongs to agreement \(text(g.key)), rejected whole because of line \(bad!)", file: file,
                            line: row.line, column: importer.column(ofField: agreementIndex[0]), raw: row.raw)
                    ]))
            }
        }
    }

    /// A valid row's values: the agreement's own compared with its first valid row's, the
    /// installment kept (the entrada apart).
    func take(
        _ values: (bytes: UnsafePointer<UInt8>, spans: ArraySlice<Int>), line: Int, raw: [UInt8], into diagnostics: inout [Diagnostic]
    ) {
        func value(_ field: Int) -> UnsafeBufferPointer<UInt8>? {
            guard field >= 0 else { return nil }
            let at = values.spans.startIndex + 2 * field
            let (offset, count) = (values.spans[at], values.spans[at + 1])
            return count > 0 ? UnsafeBufferPointer(start: values.bytes + offset, count: count) : nil
        }
        let own = agreementIndex.map { value($0).map(Array.init) }
        if let reference = group!.own {
            for (k, field) in agreementIndex.enumerated() where field >= 0 && own[k] != reference[k] {
                let column = map.fields[field].columns.map { "\"\($0)\"" }.joined(separator: " + ")
                diagnostics.append(
                    Diagnostic(
                        .error, "import.agreement-mismatch",
                        "column \(column) → \(map.fields[field].to) is \(shown(own[k])) here but \(shown(reference[k])) on line "
                            + "\(group!.ownLine): an agreement's own cells must be the same on each of its rows", file: file, line: line,
                        column: importer.column(ofField: field), raw: raw))
            }
        }
        guard diagnostics.isEmpty else { return }
        if group!.own == nil { (group!.own, group!.ownLine) = (own, line) }
        // The installment's members, number first; number 0 is the entrada, written without it.
        let number = value(installmentIndex[0])
        let isEntrada = number.map { $0.count == 1 && $0[0] == UInt8(ascii: "0") } ?? false
        var members: [UInt8] = []
        for (k, path) in Self.installmentFields.enumerated() where !(isEntrada && k == 0) {
            if let v = value(installmentIndex[k]) { Self.append(path.dropFirst("installments[].".count), v, to: &members) }
        }
        if isEntrada {
            if group!.downPayment != nil {
                diagnostics.append(
                    Diagnostic(
                        .error, "import.agreement-entrada",
                        "a second entrada (installment 0) for agreement \(text(group!.key)): the first is on line \(group!.downPaymentLine)",
                        file: file, line: line, column: importer.column(ofField: installmentIndex[0]), raw: raw))
                return
            }
            (group!.downPayment, group!.downPaymentLine) = (members, line)
        } else {
            if !group!.installments.isEmpty { group!.installments.append(UInt8(ascii: ",")) }
            group!.installments.append(UInt8(ascii: "{"))
            group!.installments += members
            group!.installments.append(UInt8(ascii: "}"))
        }
    }

    /// Writes the agreement of `g` (every row valid) into `record`: its own fields in the order
    /// of `agreementFields`, with the entrada and installments before the break rule.
    func assemble(_ g: Group) {
        record.removeAll()
        record.append(contentsOf: "{\"record\":\"agreement\"")
        func member(_ name: String, _ json: [UInt8]) {
            record.append(0x2C)
            JSONBytes.appendString(name, to: &record)
            record.append(0x3A)
            record.append(json)
        }
        let rule = "break_rule."
        for (k, path) in Self.agreementFields.enumerated() {
            if path.hasPrefix(rule) {
                guard k == Self.agreementFields.firstIndex(where: { $0.hasPrefix(rule) }) else { continue }
                if let d = g.downPayment { member("down_payment", [UInt8(ascii: "{")] + d + [UInt8(ascii: "}")]) }
                member("installments", [UInt8(ascii: "[")] + g.installments + [UInt8(ascii: "]")])
                var members: [UInt8] = []
                for (j, p) in Self.agreementFields.enumerated() where p.hasPrefix(rule) {
                    if let v = g.own?[j] { Self.append(p.dropFirst(rule.count), v, to: &members) }
                }
                if !members.isEmpty { member("break_rule", [UInt8(ascii: "{")] + members + [UInt8(ascii: "}")]) }
            } else if let v = g.own?[k] {
                member(path, v)
            }
        }
        record.appendSourceAndClose(fileJSON: fileJSON, line: g.rows[0].line)
    }

    /// Appends the member `"name":json` to an object's `members`, after a comma unless it is the first.
    static func append<C: Collection<UInt8>>(_ name: Substring, _ json: C, to members: inout [UInt8]) {
        if !members.isEmpty { members.append(UInt8(ascii: ",")) }
        JSONBytes.appendString(String(name), to: &members)
        members.append(UInt8(ascii: ":"))
        members += json
    }

    /// A value for a message: its JSON, or `blank`.
    func shown(_ value: [UInt8]?) -> String { value.map(text) ?? "blank" }
    func text(_ json: [UInt8]) -> String { String(decoding: json, as: UTF8.self) }
}
