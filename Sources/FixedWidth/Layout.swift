import Foundation
import Records

/// A fixed-width layout as written in a JSON file under `layouts/` (see layouts/README.md).
public struct Layout: Sendable, Codable, Hashable {
    /// `layout` for a fixed-width layout, `codes` for a code table.
    public var kind: String
    /// The layout's name, its path under `layouts/` without `.json`.
    public var name: String
    /// The manual version the layout follows.
    public var version: String
    /// A short description naming the manual.
    public var doc: String?
    /// Bytes per record.
    public var recordLength: Int
    /// The name of a layout whose records this one inherits.
    public var extends: String?
    /// The record layouts.
    public var records: [RecordLayout]
    /// How a bank departs from the manual's file structure (inherited through `extends`).
    public var checks: LayoutChecks? = nil
    /// How a file of this layout is written: its end-of-file byte and file name (inherited).
    public var writing: LayoutWriting? = nil
    /// New defaults for inherited fields, by `record.field` (a bank's layout version codes in
    /// headers it otherwise takes as they are): applied when `extends` is resolved.
    public var defaults: [String: String]? = nil

    enum CodingKeys: String, CodingKey {
        case kind, name, version, doc, extends, records, checks, writing, defaults
        case recordLength = "record_length"
    }
}

/// How a bank wants its files written, beyond the records.
public struct LayoutWriting: Sendable, Codable, Hashable {
    /// A byte written after the last line, in hex (`1A`: Bradesco's end-of-file mark).
    public var endOfFile: String?
    /// The file name when `--output` is a directory: `{dd}`, `{mm}`, `{yy}`, `{yyyy}` (the
    /// generation date), `{seq:N}` (the file sequence, N digits), `{n:N}` (the first N-digit
    /// counter from 01 whose name is free in the directory); anything else is literal.
    public var fileName: String?
    /// Output paths a título registered (código de movimento 01) must give, as the bank's
    /// manual marks them mandatory (`payer.name`, `payer.document`); `cnab write` rejects one
    /// without them.
    public var requiredOnRegister: [String]?

    /// Creates rules.
    public init(endOfFile: String? = nil, fileName: String? = nil, requiredOnRegister: [String]? = nil) {
        self.endOfFile = endOfFile
        self.fileName = fileName
        self.requiredOnRegister = requiredOnRegister
    }

    enum CodingKeys: String, CodingKey {
        case endOfFile = "end_of_file"
        case fileName = "file_name"
        case requiredOnRegister = "required_on_register"
    }
}

/// File-structure rules a bank's real files follow instead of the manual's, as data: each is
/// checked as the bank writes it, not dropped.
public struct LayoutChecks: Sendable, Codable, Hashable {
    /// `sequential` (the default: 1, 2, 3…) or `any` (the bank numbers its batches its own way).
    public var batchNumbers: String?
    /// What a batch trailer's record count counts: `all` (the default: header, details, trailer)
    /// or `details`.
    public var batchRecordCount: String?
    /// What the file trailer's record count counts: `all` (the default: every record) or `details`.
    public var fileRecordCount: String?

    /// Creates rules.
    public init(batchNumbers: String? = nil, batchRecordCount: String? = nil, fileRecordCount: String? = nil) {
        self.batchNumbers = batchNumbers
        self.batchRecordCount = batchRecordCount
        self.fileRecordCount = fileRecordCount
    }

    enum CodingKeys: String, CodingKey {
        case batchNumbers = "batch_numbers"
        case batchRecordCount = "batch_record_count"
        case fileRecordCount = "file_record_count"
    }
}

/// One record type of a layout.
public struct RecordLayout: Sendable, Codable, Hashable {
    /// snake_case name, unique in the layout.
    public var name: String
    /// The record's part in the file structure (`file_header`, `batch_header`, `detail`, …).
    public var role: RecordRole?
    /// Whether this detail segment starts a título.
    public var startsGroup: Bool?
    /// Segments (record names) a group started by this record must contain.
    public var requires: [String]?
    /// Used when no other record matches (an unknown segment): reported and kept raw.
    public var fallback: Bool?
    /// The conditions that identify the record.
    public var select: [Selector]
    /// The fields, in position order.
    public var fields: [FieldLayout]
    /// The manual's page.
    public var doc: String?

    enum CodingKeys: String, CodingKey {
        case name, role, requires, fallback, select, fields, doc
        case startsGroup = "starts_group"
    }
}

/// The part a record plays in a CNAB file.
public struct RecordRole: RawRepresentable, Sendable, Codable, Hashable {
    /// The raw value.
    public let rawValue: String
    /// Creates a value from its raw value.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Header de arquivo.
    public static let fileHeader = RecordRole(rawValue: "file_header")
    /// Header de lote.
    public static let batchHeader = RecordRole(rawValue: "batch_header")
    /// A detail record (segment in CNAB 240, type 1/7… in CNAB 400).
    public static let detail = RecordRole(rawValue: "detail")
    /// Trailer de lote.
    public static let batchTrailer = RecordRole(rawValue: "batch_trailer")
    /// Trailer de arquivo.
    public static let fileTrailer = RecordRole(rawValue: "file_trailer")
    /// Every role the engine knows.
    public static let known: Set<RecordRole> = [.fileHeader, .batchHeader, .detail, .batchTrailer, .fileTrailer]
}

/// A condition identifying a record: the bytes at `pos` equal one of `values`.
public struct Selector: Sendable, Codable, Hashable {
    /// `[start, end]`, 1-based inclusive.
    public var pos: [Int]
    /// Accepted values.
    public var values: [String]
}

/// One field of a record.
public struct FieldLayout: Sendable, Codable, Hashable {
    /// snake_case name from the manual; fillers are `filler_NNN`.
    public var name: String
    /// `[start, end]`, 1-based inclusive.
    public var pos: [Int]
    /// The picture, e.g. `9(13)V99`.
    public var picture: String
    /// How the value is read (`ddMMyyyy`, `int`, `enum`, …).
    public var format: String?
    /// Raw value → emitted value, with `format: enum`.
    public var `enum`: [String: String]?
    /// Value written when none is given.
    public var `default`: String?
    /// Output record path, e.g. `payer.name`; `_`-prefixed names are structural.
    public var to: String?
    /// A note on the field.
    public var doc: String?
    /// Whether `cnab write` may cut a value too long for this text field (names, addresses,
    /// messages) instead of rejecting the título; absent: decided by the field's path.
    public var truncate: Bool? = nil
    /// Whether `cnab write` keeps this text field's letters as given instead of uppercasing them:
    /// case-sensitive identifiers (a Pix txid, an EVP key, a URL).
    public var keepCase: Bool? = nil
    /// Another field of the same record that this one repeats: `cnab write` fills it as it
    /// fills that one (its value, else its default); reading emits only that one. For a value a
    /// manual puts twice in one record (Caixa's código do beneficiário, header de lote 34-39 and
    /// 60-65), which one output path holds.
    public var sameAs: String? = nil

    enum CodingKeys: String, CodingKey {
        case name, pos, picture, format, `enum`, `default`, to, doc, truncate
        case keepCase = "keep_case"
        case sameAs = "same_as"
    }

    /// Whether this field is a named filler.
    public var isFiller: Bool { name == "filler" || name.hasPrefix("filler_") }
}

/// A code table (`kind: codes`): movement codes, their normalised events and reason tables.
public struct CodeTable: Sendable, Codable, Hashable {
    /// A retorno movement code.
    public struct Movement: Sendable, Codable, Hashable {
        /// The manual's text.
        public var text: String
        /// The normalised event.
        public var event: String
        /// The reason table the motivos of this movement come from.
        public var reasons: String?
    }
    /// A remessa movement code.
    public struct RemessaMovement: Sendable, Codable, Hashable {
        /// The manual's text.
        public var text: String
        /// The normalised movement name.
        public var movement: String
    }
    /// `codes`.
    public var kind: String
    /// The table's name.
    public var name: String
    /// The manual version.
    public var version: String
    /// A short description.
    public var doc: String?
    /// Retorno movement code → meaning.
    public var movements: [String: Movement]
    /// Reason table name → code → text.
    public var reasons: [String: [String: String]]
    /// Remessa movement code → meaning.
    public var remessaMovements: [String: RemessaMovement]?

    enum CodingKeys: String, CodingKey {
        case kind, name, version, doc, movements, reasons
        case remessaMovements = "remessa_movements"
    }

    /// The events a movement may normalise to.
    public static let events: Set<String> = [
        "registered", "rejected", "paid", "written_off", "changed", "protested", "fee", "other",
    ]
}

/// A layout that could not be loaded, naming the file and the JSON path. Exit 78.
public struct LayoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or built-in name) the problem is in.
    public var file: String
    /// The JSON path, e.g. `records[2].fields[5].pos`.
    public var path: String
    /// A stable code such as `layout.unknown` or `layout.json`.
    public var code: DiagnosticCode
    /// What is wrong.
    public var message: String
    /// Where a JSON syntax error is: 1-based line and byte column (0 when the error is not one).
    public var line = 0
    /// See `line`.
    public var column = 0

    /// Creates an error.
    public init(file: String, path: String = "", code: DiagnosticCode = "layout.invalid", message: String) {
        self.file = file
        self.path = path
        self.code = code
        self.message = message
    }

    /// `FILE[:LINE:COL]: error: [code] path: message`, DESIGN.md's diagnostic (printed after
    /// `troca: `); the JSON path leads the message, as a configuration's does.
    public var description: String {
        Diagnostic(.error, code, path.isEmpty ? message : "\(path): \(message)", file: file, line: line, column: column).formatted
    }
}

extension LayoutError {
    /// Translates a `DecodingError` into a message with the coding path (code `layout.json`); a
    /// source that is not JSON at all is said at the line and column where it stops being JSON.
    static func from(_ error: Error, source: LayoutSource) -> LayoutError {
        let file = source.displayName
        if let (problem, line, column) = JSONReader.syntaxError(inFile: source.json) {
            var e = LayoutError(file: file, code: "layout.json", message: problem)
            (e.line, e.column) = (line, column)
            return e
        }
        func render(_ path: [CodingKey]) -> String {
            var s = ""
            for key in path {
                if let i = key.intValue {
                    s += "[\(i)]"
                } else {
                    s += s.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return s
        }
        guard let e = error as? DecodingError else {
            return LayoutError(file: file, code: "layout.json", message: "\(error)")
        }
        switch e {
        case .keyNotFound(let key, let ctx):
            return LayoutError(file: file, path: render(ctx.codingPath), code: "layout.json", message: "missing key \"\(key.stringValue)\"")
        case .typeMismatch(let type, let ctx):
            let found = JSONKindName.of(at: ctx.codingPath, in: source.json).map { ", found \($0)" } ?? ""
            return LayoutError(
                file: file, path: render(ctx.codingPath), code: "layout.json", message: "expected \(JSONKindName.expected(type))\(found)")
        case .valueNotFound(let type, let ctx):
            return LayoutError(
                file: file, path: render(ctx.codingPath), code: "layout.json", message: "expected \(JSONKindName.expected(type)), found null")
        case .dataCorrupted(let ctx):
            let underlying = (ctx.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return LayoutError(
                file: file, path: render(ctx.codingPath), code: "layout.json",
                message: "not valid JSON" + (underlying.map { ": \($0)" } ?? ""))
        @unknown default:
            return LayoutError(file: file, code: "layout.json", message: "\(e)")
        }
    }
}

/// JSON kinds as a layout's author knows them ("an array", "a string"), for decoding errors that
/// would otherwise name Swift types (`Array<Any>`, `Dictionary<String, Any>`).
enum JSONKindName {
    /// The JSON kind a decoder asked for as `type`, in `JSONKind.noun`'s words.
    static func expected(_ type: Any.Type) -> String {
        let name = "\(type)"
        if name.hasPrefix("Array<") { return JSONKind.array.noun }
        if name.hasPrefix("Dictionary<") { return JSONKind.object.noun }
        switch name {
        case "String", "Character": return JSONKind.string.noun
        case "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64": return "an integer"
        case "Double", "Float", "Decimal": return JSONKind.number.noun
        case "Bool": return "a boolean"
        default: return "a value of another kind"
        }
    }

    /// The kind of the value at `path` in the JSON text `json` (`JSONKind.noun`), nil when the
    /// path leads nowhere.
    static func of(at path: [CodingKey], in json: [UInt8]) -> String? {
        var tape = JSONTape()
        guard json.withUnsafeBufferPointer({ JSONReader.parse($0, into: &tape) }) else { return nil }
        var index = 0
        for key in path {
            switch tape[index].kind {
            case .object:
                guard let member = tape.member(key.stringValue, of: index) else { return nil }
                index = member
            case .array:
                guard let wanted = key.intValue else { return nil }
                let end = tape.next(after: index)
                var element = index + 1
                for _ in 0..<wanted where element < end { element = tape.next(after: element) }
                guard element < end else { return nil }
                index = element
            default:
                return nil
            }
        }
        return tape[index].kind.noun
    }
}
