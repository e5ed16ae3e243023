import Records

/// How a field's bytes become a value.
public enum FieldFormat: Sendable, Hashable {
    /// `X(n)`: text, blanks trimmed.
    case text
    /// `9(n)`: a string of digits kept as written (identifiers keep their leading zeros).
    case digits
    /// `9(n)V9(m)`: an integer count of the last decimal's units (centavos for `V99`).
    case units
    /// `format: int`: a JSON integer.
    case int
    /// `ddMMyyyy`, `ddMMyy` or `yyyyMMdd`.
    case date(DateOrder)
    /// `HHmmss`.
    case time
    /// A CPF/CNPJ (digits, or letters and digits for the alphanumeric CNPJ).
    case document
    /// A run of 2-byte reason codes.
    case reasons
    /// A code mapped to a name by the field's `enum`.
    case enumeration

    /// The order of a date's parts.
    public enum DateOrder: Sendable, Hashable {
        case dayMonthYear4, dayMonthYear2, year4MonthDay
    }
}

/// A field ready for the hot path: 0-based offsets, parsed picture and format.
public struct CompiledField: Sendable {
    /// The manual's name.
    public let name: String
    /// 0-based start offset in the record.
    public let start: Int
    /// Width in bytes.
    public let length: Int
    /// The parsed picture.
    public let picture: Picture
    /// How the bytes become a value.
    public let format: FieldFormat
    /// The output path, if any.
    public let to: String?
    /// The default value for writing.
    public let defaultValue: String?
    /// For `enum` fields: raw bytes → emitted text.
    let enumMap: [(raw: [UInt8], value: String)]
    /// For `document` fields: offset of the sibling one-byte `…document_type` field.
    var documentTypeOffset: Int?

    /// 1-based column of the first byte, as in the manual.
    public var column: Int { start + 1 }
    /// 1-based last position.
    public var end: Int { start + length }
}

/// A record layout ready for the hot path.
public struct CompiledRecord: Sendable {
    /// The record's name.
    public let name: String
    /// Its role in the file structure.
    public let role: RecordRole?
    /// Whether it starts a título group.
    public let startsGroup: Bool
    /// Record names a group started by this one must contain.
    public let requires: [String]
    /// Whether this is the layout's record for unknown segments.
    public let fallback: Bool
    /// Selection conditions: 0-based start, length, accepted values.
    let selectors: [(start: Int, length: Int, values: [[UInt8]])]
    /// The fields in position order.
    public let fields: [CompiledField]

    /// The index of the field mapped to a structural or output name.
    public func fieldIndex(to name: String) -> Int? {
        fields.firstIndex { $0.to == name }
    }
}

/// A layout compiled for reading: record selection and field decoding on bytes.
public struct CompiledLayout: Sendable {
    /// The layout as loaded (extends resolved).
    public let layout: Layout
    /// The records in layout order.
    public let records: [CompiledRecord]
    /// Bytes per record.
    public var recordLength: Int { layout.recordLength }
    /// The prefix of diagnostic codes raised while reading (`cnab` → `cnab.date`).
    public let codePrefix: String

    /// Compiles a resolved layout. Throws when a picture or format is malformed (lint first).
    public init(_ layout: Layout, codePrefix: String = "field") throws(LayoutError) {
        self.layout = layout
        self.codePrefix = codePrefix
        var compiled: [CompiledRecord] = []
        for (r, record) in layout.records.enumerated() {
            var fields: [CompiledField] = []
            for (f, field) in record.fields.enumerated() {
                let path = "records[\(r)].fields[\(f)]"
                guard field.pos.count == 2 else {
                    throw LayoutError(file: layout.name, path: path + ".pos", message: "pos must be [start, end]")
                }
                let picture: Picture
                do { picture = try Picture(field.picture) } catch {
                    throw LayoutError(file: layout.name, path: path + ".picture", message: error.description)
                }
                let format: FieldFormat
                switch field.format {
                case nil: format = picture.kind == .alphanumeric ? .text : picture.decimals > 0 ? .units : .digits
                case "ddMMyyyy": format = .date(.dayMonthYear4)
                case "ddMMyy": format = .date(.dayMonthYear2)
                case "yyyyMMdd": format = .date(.year4MonthDay)
                case "HHmmss": format = .time
                case "int": format = .int
                case "document": format = .document
                case "reasons": format = .reasons
                case "enum": format = .enumeration
                case let other?:
                    throw LayoutError(file: layout.name, path: path + ".format", message: "unknown format \"\(other)\"")
                }
                fields.append(
                    CompiledField(
                        name: field.name, start: field.pos[0] - 1, length: field.pos[1] - field.pos[0] + 1,
                        picture: picture, format: format, to: field.to, defaultValue: field.default,
                        enumMap: (field.enum ?? [:]).sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.value) },
                        documentTypeOffset: nil))
            }
            for i in fields.indices where fields[i].format == .document {
                if let to = fields[i].to, to.hasSuffix("document") {
                    let typePath = to + "_type"
                    if let t = fields.first(where: { $0.to == typePath }), t.length == 1 {
                        fields[i].documentTypeOffset = t.start
                    }
                }
            }
            let selectors = record.select.map { sel in
                (start: (sel.pos.first ?? 1) - 1, length: (sel.pos.last ?? 1) - (sel.pos.first ?? 1) + 1,
                 values: sel.values.map { Array($0.utf8) })
            }
            compiled.append(
                CompiledRecord(
                    name: record.name, role: record.role, startsGroup: record.startsGroup ?? false,
                    requires: record.requires ?? [], fallback: record.fallback ?? false, selectors: selectors, fields: fields))
        }
        self.records = compiled
    }

    /// The index of the record named `name`.
    public func recordIndex(named name: String) -> Int? {
        records.firstIndex { $0.name == name }
    }

    /// The record a line is, by the layout's selection rules: among the records whose every
    /// condition holds, the one with the most conditions (the first declared on a tie).
    public func select(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        var best: Int? = nil
        var bestCount = -1
        for r in records.indices {
            let record = records[r]
            if record.selectors.count <= bestCount { continue }
            if matches(record, line) {
                best = r
                bestCount = record.selectors.count
            }
        }
        return best
    }

    func matches(_ record: CompiledRecord, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for sel in record.selectors {
            guard sel.start + sel.length <= line.count else { return false }
            var any = false
            for value in sel.values {
                var equal = true
                for k in 0..<sel.length where line[sel.start + k] != value[k] {
                    equal = false
                    break
                }
                if equal { any = true; break }
            }
            if !any { return false }
        }
        return true
    }
}
