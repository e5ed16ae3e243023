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
    /// A run of reason codes of `width` bytes each (2, 3 or 4: `reasons`, `reasons3`, `reasons4`).
    case reasons(width: Int)

    /// The reason formats' names in layouts, and their code widths.
    public static let reasonWidths: [String: Int] = ["reasons": 2, "reasons3": 3, "reasons4": 4]

    /// The code width of a reason field; nil for other formats.
    public var reasonWidth: Int? {
        if case .reasons(let width) = self { return width }
        return nil
    }
    /// A code mapped to a name by the field's `enum`.
    case enumeration

    /// The order of a date's parts.
    public enum DateOrder: Sendable, Hashable {
        case dayMonthYear4, dayMonthYear2, year4MonthDay

        /// How many digits `write` writes: 8, or 6 for a two-digit year.
        public var count: Int { self == .dayMonthYear2 ? 6 : 8 }

        /// Writes `digits(d)` at `p` (room for `count` bytes), without an array. Each part
        /// written as `Digits.write` writes it: its last `width` digits, zero-padded.
        @inline(__always)
        public func write(_ d: CivilDate, to p: UnsafeMutablePointer<UInt8>) {
            @inline(__always) func put(_ value: Int, _ width: Int, _ at: Int) { Digits.write(value, width: width, to: p + at) }
            switch self {
            case .dayMonthYear4:
                put(d.day, 2, 0)
                put(d.month, 2, 2)
                put(d.year, 4, 4)
            case .dayMonthYear2:
                put(d.day, 2, 0)
                put(d.month, 2, 2)
                put(d.year % 100, 2, 4)
            case .year4MonthDay:
                put(d.year, 4, 0)
                put(d.month, 2, 4)
                put(d.day, 2, 6)
            }
        }

        /// The date's digits in this order (8, or 6 for a two-digit year).
        public func digits(_ d: CivilDate) -> [UInt8] {
            var b = [UInt8](repeating: 0x30, count: count)
            b.withUnsafeMutableBufferPointer { write(d, to: $0.baseAddress!) }
            return b
        }
    }
}

/// A field of a compiled layout: its names from the manual and its `FieldSpec`.
public struct CompiledField: Sendable {
    /// The manual's name.
    public let name: String
    /// The parsed picture.
    public let picture: Picture
    /// The output path, if any.
    public let to: String?
    /// The default value for writing.
    public let defaultValue: String?
    /// The layout's `truncate`: whether writing may cut a value to fit (nil: by path).
    public let truncate: Bool?
    /// The layout's `keep_case`: written as given, not uppercased.
    public let keepCase: Bool
    /// For `enum` fields: raw bytes → emitted value.
    public let enumMap: [EnumEntry]
    /// Offsets and format, for the hot path.
    public internal(set) var spec: FieldSpec
    /// The layout's `same_as`: the field of the same record this one repeats when written.
    public var sameAs: String? = nil

    /// 0-based start offset in the record.
    public var start: Int { spec.start }
    /// Width in bytes.
    public var length: Int { spec.length }
    /// How the bytes become a value.
    public var format: FieldFormat { spec.format }
    /// 1-based column of the first byte, as in the manual.
    public var column: Int { spec.start + 1 }
    /// 1-based last position.
    public var end: Int { spec.start + spec.length }
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
    /// The fields' specs, for the hot path.
    public let specs: [FieldSpec]
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
    /// The value tables of `enum` fields, indexed by `FieldSpec.enumIndex`.
    public let enumTables: [[EnumEntry]]
    let selectTable: SelectTable

    /// Compiles a resolved layout. Throws when a picture or format is malformed (lint first).
    public init(_ layout: Layout, codePrefix: String = "field") throws(LayoutError) {
        self.layout = layout
        self.codePrefix = codePrefix
        var compiled: [CompiledRecord] = []
        var enumTables: [[EnumEntry]] = []
        for (r, record) in layout.records.enumerated() {
            var fields: [CompiledField] = []
            for (f, field) in record.fields.enumerated() {
                let path = "records[\(r)].fields[\(f)]"
                guard field.pos.count == 2 else {
                    throw LayoutError(file: layout.name, path: path + ".pos", code: "layout.pos", message: "pos must be [start, end]")
                }
                let picture: Picture
                do { picture = try Picture(field.picture) } catch {
                    throw LayoutError(file: layout.name, path: path + ".picture", code: "layout.picture", message: error.description)
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
                case let name? where FieldFormat.reasonWidths[name] != nil: format = .reasons(width: FieldFormat.reasonWidths[name]!)
                case "enum": format = .enumeration
                case let other?:
                    throw LayoutError(
                        file: layout.name, path: path + ".format", code: "layout.format", message: "unknown format \"\(other)\"")
                }
                let entries = (field.enum ?? [:]).sorted { $0.key < $1.key }.map { raw, value in
                    var json: [UInt8] = []
                    JSONBytes.appendString(value, to: &json)
                    return EnumEntry(raw: Array(raw.utf8), json: json)
                }
                var enumIndex = -1
                if field.enum != nil {
                    enumIndex = enumTables.count
                    enumTables.append(entries)
                }
                fields.append(
                    CompiledField(
                        name: field.name, picture: picture, to: field.to, defaultValue: field.default, truncate: field.truncate,
                        keepCase: field.keepCase ?? false, enumMap: entries,
                        spec: FieldSpec(
                            start: field.pos[0] - 1, length: field.pos[1] - field.pos[0] + 1, format: format,
                            typeOffset: -1, enumIndex: enumIndex), sameAs: field.sameAs))
            }
            for i in fields.indices where fields[i].format == .document {
                if let to = fields[i].to, to.hasSuffix("document") {
                    let typePath = to + "_type"
                    // The type's last byte: `1` (CPF) or `2` (CNPJ) in a one-byte type, and in
                    // the two-digit `01`/`02` of the CNAB 400 layouts.
                    if let t = fields.first(where: { $0.to == typePath }), t.length == 1 || t.length == 2 {
                        fields[i].spec.typeOffset = t.start + t.length - 1
                    }
                }
            }
            let selectors = record.select.map { sel in
                (
                    start: (sel.pos.first ?? 1) - 1, length: (sel.pos.last ?? 1) - (sel.pos.first ?? 1) + 1,
                    values: sel.values.map { Array($0.utf8) }
                )
            }
            compiled.append(
                CompiledRecord(
                    name: record.name, role: record.role, startsGroup: record.startsGroup ?? false,
                    requires: record.requires ?? [], fallback: record.fallback ?? false, selectors: selectors, fields: fields,
                    specs: fields.map(\.spec)))
        }
        self.records = compiled
        self.enumTables = enumTables
        self.selectTable = SelectTable(compiled)
    }

    /// The index of the record named `name`.
    public func recordIndex(named name: String) -> Int? {
        records.firstIndex { $0.name == name }
    }

    /// The record a line is, by the layout's selection rules: among the records whose every
    /// condition holds, the one with the most conditions (the first declared on a tie).
    public func select(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        selectTable.select(line)
    }
}

/// Record selection flattened into plain arrays: no reference counting per line.
struct SelectTable: Sendable {
    struct Condition: Sendable {
        var start: Int
        var length: Int
        var valuesStart: Int
        var valueCount: Int
    }
    /// Per record: its first condition and how many.
    let records: [(first: Int, count: Int)]
    let conditions: [Condition]
    let values: [UInt8]
    /// Every byte position a condition looks at, when there are at most 8: the selection is a
    /// function of these bytes alone, so it can be cached by them (see `SelectCache`).
    let keyPositions: [Int]?

    init(_ compiled: [CompiledRecord]) {
        var records: [(first: Int, count: Int)] = []
        var conditions: [Condition] = []
        var values: [UInt8] = []
        for record in compiled {
            records.append((conditions.count, record.selectors.count))
            for sel in record.selectors {
                conditions.append(Condition(start: sel.start, length: sel.length, valuesStart: values.count, valueCount: sel.values.count))
                for v in sel.values { values.append(contentsOf: v.count == sel.length ? v : Array(repeating: 0xFF, count: sel.length)) }
            }
        }
        self.records = records
        self.conditions = conditions
        self.values = values
        var positions = Set<Int>()
        for c in conditions { for p in c.start..<(c.start + c.length) { positions.insert(p) } }
        self.keyPositions = positions.count <= 8 ? positions.sorted() : nil
    }

    func select(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        records.withUnsafeBufferPointer { records in
            conditions.withUnsafeBufferPointer { conditions in
                values.withUnsafeBufferPointer { values in
                    var best = -1
                    var bestCount = -1
                    for r in 0..<records.count {
                        let rec = records[r]
                        if rec.count <= bestCount { continue }
                        var all = true
                        for c in rec.first..<(rec.first + rec.count) {
                            let cond = conditions[c]
                            guard cond.start + cond.length <= line.count else { all = false; break }
                            var any = false
                            var v = cond.valuesStart
                            for _ in 0..<cond.valueCount {
                                var equal = true
                                for k in 0..<cond.length where line[cond.start + k] != values[v + k] { equal = false; break }
                                if equal { any = true; break }
                                v += cond.length
                            }
                            if !any { all = false; break }
                        }
                        if all {
                            best = r
                            bestCount = rec.count
                        }
                    }
                    return best >= 0 ? best : nil
                }
            }
        }
    }
}

/// Remembers recent selections by the bytes at the selector positions: a direct-mapped table
/// of 256 entries, so memory stays constant whatever the input. Reset it when the layout changes.
public struct SelectCache: Sendable {
    @usableFromInline var keys = [UInt64](repeating: 0, count: 256)
    /// The selected record + 1; 0 for an empty slot, -1 for "no record".
    @usableFromInline var results = [Int](repeating: 0, count: 256)
    /// The key positions, up to 8 (`count` 0: selection cannot be cached).
    @usableFromInline var positions: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline var count = 0

    /// An empty cache, for no layout.
    public init() {}

    /// An empty cache for `layout`.
    public init(_ layout: CompiledLayout) {
        if let p = layout.selectTable.keyPositions, !p.isEmpty {
            count = p.count
            withUnsafeMutableBytes(of: &positions) { raw in
                for (k, v) in p.enumerated() { raw.storeBytes(of: v, toByteOffset: k * MemoryLayout<Int>.stride, as: Int.self) }
            }
        }
    }

    /// What the cache knows of the line: `.hit(record)` (nil: no record), or `.miss(slot, key)`
    /// to be answered by `store` after asking the layout.
    public enum Lookup {
        case hit(Int?)
        case miss(slot: Int, key: UInt64)
        case uncached
    }

    /// Looks the line's key bytes up, without touching the layout.
    @inlinable @inline(__always)
    public func lookup(_ line: UnsafeBufferPointer<UInt8>) -> Lookup {
        guard count > 0 else { return .uncached }
        var key: UInt64 = 0
        let n = count
        let ok: Bool = withUnsafeBytes(of: positions) { raw in
            for k in 0..<n {
                let p = raw.load(fromByteOffset: k * MemoryLayout<Int>.stride, as: Int.self)
                guard p < line.count else { return false }
                key = key << 8 | UInt64(line[p])
            }
            return true
        }
        guard ok else { return .uncached }
        let slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56)
        let hit = results[slot]
        if hit != 0, keys[slot] == key { return .hit(hit > 0 ? hit - 1 : nil) }
        return .miss(slot: slot, key: key)
    }

    /// The record `line` is: from the cache when its key bytes were seen before, else `ask`ed
    /// (the layout's `select`) and remembered. The layout is asked through a closure so that the
    /// caller can keep it behind a reference (reading a `CompiledLayout` value copies it).
    @inlinable @inline(__always)
    public mutating func select(_ line: UnsafeBufferPointer<UInt8>, ask: (UnsafeBufferPointer<UInt8>) -> Int?) -> Int? {
        switch lookup(line) {
        case .hit(let r): return r
        case .miss(let slot, let key):
            let selected = ask(line)
            store(selected, slot: slot, key: key)
            return selected
        case .uncached: return ask(line)
        }
    }

    /// Remembers the layout's answer for a missed key.
    @inlinable
    public mutating func store(_ selected: Int?, slot: Int, key: UInt64) {
        keys[slot] = key
        results[slot] = selected.map { $0 + 1 } ?? -1
    }
}
