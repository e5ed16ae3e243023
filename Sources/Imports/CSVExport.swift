import Records

/// Writes chosen fields of JSONL records as CSV rows for spreadsheets: a header row of the column
/// paths, one row per record. Cells a spreadsheet would run as formulas are neutralised.
public struct CSVExport: Sendable {
    /// The columns: dotted paths into each record (`payer.address.city`).
    public let columns: [String]
    let paths: [[String]]
    /// Excel in Portuguese: `;`, amounts `1.234,56`, dates `dd/MM/yyyy`, UTF-8 byte order mark,
    /// CRLF. Otherwise `,`, amounts `1234.56`, ISO dates, no mark, LF.
    public let excelBR: Bool

    /// Prepares an export of `columns`.
    public init(columns: [String], excelBR: Bool) {
        self.columns = columns
        self.paths = columns.map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
        self.excelBR = excelBR
    }

    var delimiter: UInt8 { excelBR ? UInt8(ascii: ";") : UInt8(ascii: ",") }

    /// The bytes before the first row: a UTF-8 byte order mark with `excelBR`, so that Excel
    /// reads the file as UTF-8.
    public var preamble: [UInt8] { excelBR ? [0xEF, 0xBB, 0xBF] : [] }

    /// The header row, with its line end.
    public func header(into out: inout ByteBuffer) {
        for (i, c) in columns.enumerated() {
            if i > 0 { out.append(delimiter) }
            cell(Array(c.utf8), text: true, into: &out)
        }
        endRow(&out)
    }

    func endRow(_ out: inout ByteBuffer) {
        if excelBR { out.append(0x0D) }
        out.append(0x0A)
    }

    /// Appends the row of the object at node 0 of `tape`, with its line end. A missing field or
    /// `null` is an empty cell.
    public func row(_ tape: JSONTape, into out: inout ByteBuffer) {
        for (i, path) in paths.enumerated() {
            if i > 0 { out.append(delimiter) }
            guard let node = CSVExport.find(path, in: tape) else { continue }
            let last = path.last ?? ""
            switch tape[node].kind {
            case .null: break
            case .true: out.append(contentsOf: "true")
            case .false: out.append(contentsOf: "false")
            case .integer:
                let v = Int(tape[node].value)
                if last.hasSuffix("_cents") {
                    cell(amount(v), text: false, into: &out)
                } else {
                    JSONBytes.appendInt(v, to: &out)
                }
            case .number:
                let text = Array(tape.bytes(node))
                // Centavos beyond 18 digits, written from their digits (`problem` refuses them first).
                if last.hasSuffix("_cents"), let formatted = amount(digits: text) {
                    cell(formatted, text: false, into: &out)
                } else {
                    cell(text, text: false, into: &out)
                }
            case .string:
                let bytes = Array(tape.bytes(node))
                if excelBR, CSVExport.isDateField(last), let date = CSVExport.isoDate(bytes) {
                    cell(date, text: false, into: &out)
                } else {
                    cell(bytes, text: true, into: &out)
                }
            case .array, .object:
                var json: [UInt8] = []
                tape.value(at: node).write(to: &json)
                cell(json, text: true, into: &out)
            }
        }
        endRow(&out)
    }

    /// Why the object at node 0 of `tape` cannot be exported, column by column: a `*_cents`
    /// value that is not integer centavos (`1.5`, `1e2`, `"100"`, `true`: `export.cents`), which
    /// a spreadsheet would show, and `troca import` read back, as another amount, or that has
    /// more than 17 digits (`export.cents`: `troca import` would refuse it); a string with
    /// a NUL character (`"a\u0000b"`: `export.nul`), which no CSV cell carries as text (`troca
    /// import` refuses a file with a NUL byte as binary, `csv.binary`, and so do spreadsheets).
    /// Returns the first, with its code and the value's node.
    public func problem(_ tape: JSONTape) -> (code: String, message: String, node: Int)? {
        for (i, path) in paths.enumerated() {
            guard let node = CSVExport.find(path, in: tape) else { continue }
            let kind = tape[node].kind
            if path.last?.hasSuffix("_cents") == true {
                if kind == .null { continue }
                var found: [UInt8] = []
                tape.value(at: node).write(to: &found)
                // Beyond 17 digits an amount does not read back (`CellParsers.amount` refuses it).
                let large: Bool
                switch kind {
                case .integer: large = tape[node].value.magnitude > CSVExport.maxCents
                case .number where amount(digits: Array(tape.bytes(node))) != nil: large = true
                default: large = false
                }
                if kind == .integer && !large { continue }
                if large {
                    return (
                        "export.cents",
                        "\(columns[i]) holds \(String(decoding: found, as: UTF8.self)) centavos, more than the 17 digits troca import reads back in an amount: the record is not exported",
                        node
                    )
                }
                return ("export.cents", "expected integer centavos in \(columns[i]), found \(String(decoding: found, as: UTF8.self))", node)
            }
            if kind == .string, tape.bytes(node).contains(0) {
                return (
                    "export.nul",
                    "\(columns[i]) holds a NUL character (U+0000), which a CSV file cannot carry as text (troca import refuses such a file as binary data): the record is not exported",
                    node
                )
            }
        }
        return nil
    }

    /// The largest centavos exported (17 digits, 999999999999999.99): `troca import` reads no
    /// longer amount, and a file it cannot read back is not written.
    public static let maxCents: UInt64 = 99_999_999_999_999_999

    /// Whether the object at node 0 of `tape` has column `i` (a `null` counts).
    public func has(column i: Int, in tape: JSONTape) -> Bool {
        CSVExport.find(paths[i], in: tape) != nil
    }

    /// The node at a dotted path from the root object, or nil.
    static func find(_ path: [String], in tape: JSONTape) -> Int? {
        var node = 0
        for key in path {
            guard let next = tape.member(key, of: node) else { return nil }
            node = next
        }
        return node
    }

    /// Appends a cell, quoted when it holds the delimiter, a quote or a line break; text starting
    /// with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so that no spreadsheet runs it as a
    /// formula (OWASP's CSV injection advice), and so does text starting with `'`, so that
    /// `troca import`, which takes one `'` off such a cell, reads back the text exported.
    func cell(_ bytes: [UInt8], text: Bool, into out: inout ByteBuffer) {
        let neutralise = text && (CSVExport.isFormulaStart(bytes.first) || bytes.first == UInt8(ascii: "'"))
        let needsQuotes = bytes.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        if needsQuotes { out.append(0x22) }
        if neutralise { out.append(UInt8(ascii: "'")) }
        for b in bytes {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        if needsQuotes { out.append(0x22) }
    }

    /// Whether a cell starting with `byte` would be read as a formula.
    public static func isFormulaStart(_ byte: UInt8?) -> Bool {
        guard let b = byte else { return false }
        return b == UInt8(ascii: "=") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "@")
            || b == 0x09 || b == 0x0D
    }

    /// An integer literal of centavos (`-` and digits, of any length) as an amount; nil for any
    /// other number (a fraction, an exponent).
    func amount(digits text: [UInt8]) -> [UInt8]? {
        let negative = text.first == UInt8(ascii: "-")
        var digits = Array(text.dropFirst(negative ? 1 : 0))
        guard !digits.isEmpty, digits.allSatisfy({ $0 &- 48 <= 9 }) else { return nil }
        while digits.count > 1, digits[0] == 48 { digits.removeFirst() }
        while digits.count < 3 { digits.insert(48, at: 0) }
        let units = digits.dropLast(2)
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        for (i, d) in units.enumerated() {
            if excelBR, i > 0, (units.count - i) % 3 == 0 { out.append(UInt8(ascii: ".")) }
            out.append(d)
        }
        out.append(excelBR ? UInt8(ascii: ",") : UInt8(ascii: "."))
        out += digits.suffix(2)
        return out
    }

    /// Centavos as `1234.56`, or `1.234,56` with `excelBR`.
    func amount(_ cents: Int) -> [UInt8] { amount(digits: Array(String(cents).utf8))! }

    /// Whether a field holds a date, by its name as docs/records.md and the column maps name
    /// dates: `date`, `*_date`, `*_on` (`due_date`, `created_on`). Only these are written
    /// dd/MM/yyyy with `excelBR`: a document number "2026-01-05" is text.
    static func isDateField(_ name: String) -> Bool {
        name == "date" || name.hasSuffix("_date") || name.hasSuffix("_on")
    }

    /// `YYYY-MM-DD` → `dd/MM/yyyy`, or nil when the text is not a date of that shape.
    static func isoDate(_ b: [UInt8]) -> [UInt8]? {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            CivilDate(iso: String(decoding: b, as: UTF8.self)) != nil
        else { return nil }
        return [b[8], b[9], UInt8(ascii: "/"), b[5], b[6], UInt8(ascii: "/"), b[0], b[1], b[2], b[3]]
    }
}
