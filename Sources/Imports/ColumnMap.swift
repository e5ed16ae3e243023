import Foundation
import Records

/// A column map or its use is wrong (exit 78): a bad JSON file, an unknown field or type, a
/// column that is not in the header.
public struct MapError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, with the fix when there is one.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// A textual form, for messages.
    public var description: String { message }
}

/// The kinds of record an import writes.
public struct ImportKind: RawRepresentable, Sendable, Hashable {
    /// The raw value, the record's `record` value (`title`, `party`, `payment`, `agreement`).
    public let rawValue: String
    /// Creates a value from its raw value.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Títulos (receivables).
    public static let title = ImportKind(rawValue: "title")
    /// Clients and debtors.
    public static let party = ImportKind(rawValue: "party")
    /// Payments received outside CNAB (Pix, card, cash, transfer).
    public static let payment = ImportKind(rawValue: "payment")
    /// Payment agreements (acordos), one CSV row per installment (`AgreementRows` groups them).
    public static let agreement = ImportKind(rawValue: "agreement")

    static let address = ["street", "number", "complement", "district", "city", "state", "cep"]

    /// The fields a map may fill for this kind, as dotted paths (docs/records.md).
    public var fields: [String] {
        switch self {
        case .title:
            return [
                "document_number", "nosso_numero", "bank", "agency", "agency_digit", "account", "account_digit",
                "convenio", "carteira", "bank_carteira", "species", "issue_date", "due_date", "amount_cents",
                "payer.name", "payer.document", "payer.document_type",
            ] + ImportKind.address.map { "payer.address." + $0 }
        case .party:
            return ["code", "name", "trade_name", "document", "document_type", "email", "phone"]
                + ImportKind.address.map { "address." + $0 }
        case .payment:
            return [
                "document_number", "nosso_numero", "payer.name", "payer.document", "payer.document_type", "method",
                "reference", "payment_date", "credit_date", "paid_cents", "fee_cents",
            ]
        case .agreement:
            return AgreementRows.agreementFields + AgreementRows.installmentFields
        default: return []
        }
    }

    /// The field whose value must be unique in a file (a repeated one is rejected), if any.
    public var defaultKey: String? {
        switch self {
        case .title: return "document_number"
        case .party: return "document"
        case .agreement: return "id"
        default: return nil
        }
    }

    /// The fields whose value is a list of strings, read from one cell cut at `split`.
    public var listFields: [String] {
        self == .agreement ? ["origin_titles"] : []
    }
}

/// The type of a mapped cell, and so how it is checked and written.
public struct CellType: RawRepresentable, Sendable, Hashable {
    /// The raw value, as written in a map.
    public let rawValue: String
    /// Creates a value from its raw value.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Text as it is, blanks around it removed (the default).
    public static let text = CellType(rawValue: "text")
    /// ASCII digits only, leading zeros kept (agency, account, nosso número).
    public static let digits = CellType(rawValue: "digits")
    /// A whole number.
    public static let integer = CellType(rawValue: "integer")
    /// Money → integer centavos (`format`: `auto`, `br`, `plain`).
    public static let amount = CellType(rawValue: "amount")
    /// A civil date (`format`: `auto`, `dd/MM/yyyy`, `dd/MM/yy`, `yyyy-MM-dd`).
    public static let date = CellType(rawValue: "date")
    /// A CPF or CNPJ (alphanumeric accepted), check digits verified, written without punctuation.
    public static let document = CellType(rawValue: "document")
    /// A CEP, written as 8 digits.
    public static let cep = CellType(rawValue: "cep")
    /// A UF, written in uppercase.
    public static let uf = CellType(rawValue: "uf")
    /// Every type.
    public static let all: [CellType] = [.text, .digits, .integer, .amount, .date, .document, .cep, .uf]
}

/// One field of a map: where its value comes from and how it is read.
public struct FieldMapping: Sendable, Hashable {
    /// The output path, e.g. `payer.address.city`.
    public var to: String
    /// Header names of the columns it is read from (more than one: concatenated).
    public var columns: [String]
    /// Joins the non-blank cells of `columns` (default one blank).
    public var separator: String
    /// A constant value (no column).
    public var value: String?
    /// The value used when the cells are blank.
    public var defaultValue: String?
    /// Whether a blank value (after `default`) rejects the row.
    public var required: Bool
    /// How the cell is read.
    public var type: CellType
    /// The type's format (amounts and dates).
    public var format: String?
    /// A list field: the byte its text is cut at into items (0: not a list).
    public var split: UInt8 = 0
}

/// A column map: which CSV column fills which record field, with types (docs/maps.md).
public struct ColumnMap: Sendable, Hashable {
    /// The record kind the map writes.
    public var kind: ImportKind
    /// The delimiter, when the map fixes it.
    public var delimiter: UInt8?
    /// The field whose values must be unique (nil: none).
    public var key: String?
    /// The fields, in output order.
    public var fields: [FieldMapping]

    /// Reads a map from its JSON text, for `kind` (a map saying another `record` is refused).
    public init(json: [UInt8], kind: ImportKind) throws(MapError) {
        let object: [String: Any]
        do {
            guard let o = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
                throw MapError("a column map is a JSON object")
            }
            object = o
        } catch let e as MapError {
            throw e
        } catch {
            // Where it stops being JSON, not Foundation's "The data is not in the correct format".
            guard let (problem, line, column) = JSONReader.syntaxError(inFile: json) else {
                throw MapError("the column map is not valid JSON")
            }
            throw MapError("the column map is \(problem) (line \(line), column \(column))")
        }
        let known: Set<String> = ["record", "doc", "delimiter", "key", "fields"]
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw MapError("unknown key \"\(unknown)\" in the column map\(Suggestion.hint(for: unknown, among: known.sorted()) { "\"\($0)\"" }) (known: \(known.sorted().joined(separator: ", ")))")
        }
        if let record = object["record"] {
            guard let r = record as? String, r == kind.rawValue else {
                throw MapError("the map is for \"\(record)\" records, this import writes \"\(kind.rawValue)\"")
            }
        }
        self.kind = kind
        if let d = object["delimiter"] {
            guard let s = d as? String, let b = ColumnMap.delimiterByte(s) else {
                throw MapError("\"delimiter\" must be \",\", \";\" or \"\\t\", found \(d)")
            }
            delimiter = b
        }
        let fieldNames = kind.fields
        if let k = object["key"] {
            if k is NSNull {
                key = nil
            } else {
                guard let s = k as? String, fieldNames.contains(s) else {
                    throw MapError("\"key\" must name a \(kind.rawValue) field, found \(k)")
                }
                key = s
            }
        } else {
            key = kind.defaultKey
        }
        guard let list = object["fields"] as? [Any], !list.isEmpty else {
            throw MapError("the map needs \"fields\": a list of {\"to\": FIELD, \"column\": HEADER, …}")
        }
        fields = []
        var seen: Set<String> = []
        for (n, item) in list.enumerated() {
            guard let f = item as? [String: Any] else { throw MapError("fields[\(n)] is not an object") }
            let allowed: Set<String> = [
                "to", "column", "columns", "separator", "value", "default", "required", "type", "format", "split", "doc",
            ]
            if let unknown = f.keys.filter({ !allowed.contains($0) }).sorted().first {
                throw MapError("fields[\(n)]: unknown key \"\(unknown)\"\(Suggestion.hint(for: unknown, among: allowed.sorted()) { "\"\($0)\"" }) (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard let to = f["to"] as? String else { throw MapError("fields[\(n)] needs \"to\": the record field it fills") }
            guard fieldNames.contains(to) else {
                throw MapError("fields[\(n)]: \(kind.rawValue) records have no field \"\(to)\"; known: \(fieldNames.joined(separator: ", "))")
            }
            guard seen.insert(to).inserted else { throw MapError("fields[\(n)]: \"\(to)\" is mapped twice") }
            var columns: [String] = []
            if let c = f["column"] {
                guard let s = c as? String else { throw MapError("fields[\(n)] (\(to)): \"column\" must be a header name") }
                columns = [s]
            }
            if let cs = f["columns"] {
                guard columns.isEmpty, let list = cs as? [String], !list.isEmpty else {
                    throw MapError("fields[\(n)] (\(to)): \"columns\" must be a non-empty list of header names, without \"column\"")
                }
                columns = list
            }
            let value = try ColumnMap.constant(f, "value", n, to)
            guard columns.isEmpty != (value == nil) else {
                throw MapError("fields[\(n)] (\(to)): give either \"column\"/\"columns\" or a constant \"value\"")
            }
            let typeName = try ColumnMap.string(f, "type", n, to) ?? ColumnMap.defaultType(for: to).rawValue
            let type = CellType(rawValue: typeName)
            guard CellType.all.contains(type) else {
                throw MapError("fields[\(n)] (\(to)): unknown type \"\(typeName)\" (known: \(CellType.all.map(\.rawValue).joined(separator: ", ")))")
            }
            try ColumnMap.check(type: type, for: to, n)
            let format = try ColumnMap.string(f, "format", n, to)
            if let format {
                switch type {
                case .amount where CellParsers.AmountStyle(rawValue: format) != nil: break
                case .date where CellParsers.DateFormat(rawValue: format) != nil: break
                default:
                    throw MapError("fields[\(n)] (\(to)): format \"\(format)\" does not apply to type \(type.rawValue) (amount: auto, br, plain; date: auto, dd/MM/yyyy, dd/MM/yy, yyyy-MM-dd)")
                }
            }
            var split: UInt8 = 0
            if kind.listFields.contains(to) {
                let s = f["split"] as? String ?? ","
                guard s.utf8.count == 1, let b = s.utf8.first, b > 0x20, b < 0x7F else {
                    let found = f["split"].map { "\($0)" } ?? ""
                    throw MapError("fields[\(n)] (\(to)): \"split\" must be one visible ASCII character, found \"\(found)\"")
                }
                split = b
            } else if f["split"] != nil {
                let lists = kind.listFields.isEmpty ? "none" : kind.listFields.joined(separator: ", ")
                throw MapError("fields[\(n)] (\(to)): \"split\" applies only to a list (\(kind.rawValue): \(lists))")
            }
            fields.append(
                FieldMapping(
                    to: to, columns: columns, separator: try ColumnMap.string(f, "separator", n, to) ?? " ", value: value,
                    defaultValue: try ColumnMap.constant(f, "default", n, to), required: try ColumnMap.bool(f, "required", n, to) ?? false,
                    type: type,
                    format: format, split: split))
        }
    }

    /// A field's boolean member (`required`), nil when absent; anything but a JSON `true` or
    /// `false` (`"true"`, `"yes"`, `1`, `null`) is refused rather than read as false.
    static func bool(_ f: [String: Any], _ member: String, _ n: Int, _ to: String) throws(MapError) -> Bool? {
        guard let v = f[member] else { return nil }
        guard let b = MapValue.boolean(v) else {
            throw MapError(
                "fields[\(n)] (\(to)): \"\(member)\" must be true or false (a JSON boolean, without quotes), found \(MapValue.describe(v))")
        }
        return b
    }

    /// A field's constant `value` or `default`, as cell text: a string as it is, a number as
    /// written; nil when absent. A boolean, null, list or object is refused (`true` became the
    /// text "1").
    static func constant(_ f: [String: Any], _ member: String, _ n: Int, _ to: String) throws(MapError) -> String? {
        guard let v = f[member] else { return nil }
        if let s = v as? String { return s }
        if let number = v as? NSNumber, MapValue.boolean(number) == nil { return "\(number)" }
        throw MapError("fields[\(n)] (\(to)): \"\(member)\" must be a string or a number, found \(MapValue.describe(v))")
    }

    /// A field's string member (`type`, `format`, `separator`), nil when absent; a number,
    /// boolean, null, list or object is refused rather than ignored.
    static func string(_ f: [String: Any], _ member: String, _ n: Int, _ to: String) throws(MapError) -> String? {
        guard let v = f[member] else { return nil }
        guard let s = v as? String else {
            throw MapError("fields[\(n)] (\(to)): \"\(member)\" must be a string, found \(MapValue.describe(v))")
        }
        return s
    }

    /// `,`, `;`, tab (`\t` or `tab`) → the byte.
    public static func delimiterByte(_ s: String) -> UInt8? {
        switch s {
        case ",": return 0x2C
        case ";": return 0x3B
        case "\t", "\\t", "tab": return 0x09
        case "|": return 0x7C
        default: return nil
        }
    }

    /// The type a field gets when the map names none: by its name.
    public static func defaultType(for path: String) -> CellType {
        let last = path.split(separator: ".").last.map(String.init) ?? path
        if last.hasSuffix("_cents") { return .amount }
        if last.hasSuffix("_date") || last.hasSuffix("_on") { return .date }
        if last.hasSuffix("_days") || path == "installments[].number" { return .integer }
        if last == "document" || last.hasSuffix("_document") { return .document }
        if last == "cep" { return .cep }
        if last == "state" { return .uf }
        return .text
    }

    static func check(type: CellType, for path: String, _ n: Int) throws(MapError) {
        if path.hasSuffix("_cents"), type != .amount, type != .integer {
            throw MapError("fields[\(n)] (\(path)): a *_cents field is an amount or an integer, not \(type.rawValue)")
        }
        if path.hasSuffix("_date") || path.hasSuffix("_on"), type != .date {
            throw MapError("fields[\(n)] (\(path)): a *_date or *_on field is a date, not \(type.rawValue)")
        }
        if path.hasSuffix("_days") || path == "installments[].number", type != .integer {
            throw MapError("fields[\(n)] (\(path)): a count of days or an installment number is an integer, not \(type.rawValue)")
        }
    }
}

/// What `JSONSerialization` made of a map's JSON value, told apart strictly (Foundation bridges
/// the number 1 to `true`, and a boolean to a number). (Not `Records.JSONKind`, a tape node's.)
enum MapValue {
    /// The value of a JSON `true` or `false`; nil for anything else (a number, a string, null).
    static func boolean(_ v: Any) -> Bool? {
        guard let number = v as? NSNumber, isBooleanNumber(number) else { return nil }
        return number.boolValue
    }

    static func isBooleanNumber(_ n: NSNumber) -> Bool {
        // Darwin: CFBoolean; swift-corelibs-foundation: an NSNumber made from a Bool, objCType "c".
        #if canImport(Darwin)
            return CFGetTypeID(n) == CFBooleanGetTypeID()
        #else
            return String(cString: n.objCType) == "c"
        #endif
    }

    /// The value as a map's author wrote it, for messages: `"yes"`, `1`, `null`, `a list`.
    static func describe(_ v: Any) -> String {
        switch v {
        case is NSNull: return "null"
        case let s as String: return "\"\(s)\" (a string)"
        case let n as NSNumber: return isBooleanNumber(n) ? (n.boolValue ? "true" : "false") : "\(n) (a number)"
        case is [Any]: return "a list"
        case is [String: Any]: return "an object"
        default: return "\(v)"
        }
    }
}
