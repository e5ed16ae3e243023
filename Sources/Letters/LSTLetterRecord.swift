import FixedWidth
import Records

/// The LST letter record written straight from a job's tape and its checked address, field by
/// field as the layout says — the values `LSTWriter.letterValues` would put in an object, and the
/// bytes `FlatEncoder` would make of them — without building that object, a tape of it or a
/// `String` per field. It does only the plain cases (ASCII text, digits, dates, defaults, fields
/// that fit or may be cut); for anything else (a value to fold with Foundation, one that does not
/// fit, an enumeration, a value of an odd kind) it gives up, and the caller encodes the record
/// the general way, which also words the problems.
struct LSTLetterRecord {
    /// Where a field's value comes from.
    enum Source {
        /// Nothing: the default, or zeros/blanks.
        case absent
        /// A count known when the letter is laid out.
        case count(Count)
        /// A part of the checked address.
        case recipient(Part)
        /// A job member (`sequence` as `letter`, `template`/`step`, `inserts`, `boleto`) and the
        /// members below it (the field's `below` keys).
        case job(Root)
        /// A value no plain field takes (the `recipient` object itself): always the general way.
        case general
    }

    enum Count { case zero, sheets, pages, printLines, cepnetDigit }
    enum Part { case name, street, district, cep, city, state }
    enum Root: Int { case letter, template, inserts, boleto }

    struct Field {
        var length: Int
        var numeric: Bool
        var format: FieldFormat
        var mayCut: Bool
        var source: Source
    }

    let fields: [Field]
    /// Per field: its default's bytes, and for a `.job` source the keys below the root (kept
    /// apart from `fields` so that reading a field copies no array).
    let defaults: [[UInt8]?]
    let below: [[[UInt8]]]

    /// Prepares record `record` of `layout` (the letter record).
    init(layout: CompiledLayout, record: Int) {
        let compiled = layout.records[record].fields
        let paths = compiled.map { f in f.to.map { $0.hasPrefix("_") ? [] : $0.split(separator: ".").map(String.init) } ?? [] }
        fields = zip(compiled, paths).map { f, path in
            Field(
                length: f.length, numeric: f.picture.kind == .numeric, format: f.format, mayCut: f.truncate ?? Self.mayCutByName(f.to),
                source: Self.source(path))
        }
        defaults = compiled.map { $0.defaultValue.map { Array($0.utf8) } }
        below = paths.map { $0.dropFirst().map { Array($0.utf8) } }
    }

    /// `FlatEncoder.mayCut` for a field without `truncate`: names, addresses and messages may be
    /// cut to their field, identifiers never.
    static func mayCutByName(_ to: String?) -> Bool {
        let last = to?.split(separator: ".").last.map(String.init) ?? ""
        return ["name", "street", "district", "city", "complement", "trade_name"].contains(last) || last.hasPrefix("message")
    }

    /// Where the value of `path` lies in the letter values' object.
    static func source(_ path: [String]) -> Source {
        guard let first = path.first else { return .absent }
        let below = Array(path.dropFirst())
        switch first {
        case "letter": return .job(.letter)
        case "template": return .job(.template)
        case "inserts": return .job(.inserts)
        case "boleto": return .job(.boleto)
        case "sequence", "sheets", "pages", "print_lines":
            // A number has no members.
            guard below.isEmpty else { return .absent }
            return .count(first == "sequence" ? .zero : first == "sheets" ? .sheets : first == "pages" ? .pages : .printLines)
        case "recipient":
            guard let part = below.first else { return .general }
            guard below.count == 1 else { return .absent }
            switch part {
            case "name": return .recipient(.name)
            case "street": return .recipient(.street)
            case "district": return .recipient(.district)
            case "cep": return .recipient(.cep)
            case "city": return .recipient(.city)
            case "state": return .recipient(.state)
            case "cepnet_digit": return .count(.cepnetDigit)
            default: return .absent
            }
        default: return .absent
        }
    }

    /// A field's value: nothing, an integer, text bytes, or one of another kind.
    enum Value {
        case absent
        case integer(Int64)
        case text(ArraySlice<UInt8>)
        case other
    }

    /// Appends the record (no line end) for the job in `tape`; false, with `out` as it was,
    /// when a field needs the general encoder.
    func encode(
        _ tape: JSONTape, address: AddressBytes, pages: Int, sheets: Int, printLines: Int, into out: inout [UInt8]
    ) -> Bool {
        let mark = out.count
        // The job's members the values' object takes, found once for all the fields.
        let roots = [
            tape.member("sequence", of: 0), tape.member("template", of: 0) ?? tape.member("step", of: 0), tape.member("inserts", of: 0),
            tape.member("boleto", of: 0),
        ]
        for (k, field) in fields.enumerated() {
            let value: Value
            switch field.source {
            case .absent: value = .absent
            case .general: value = .other
            case .count(let c):
                switch c {
                case .zero: value = .integer(0)
                case .sheets: value = .integer(Int64(sheets))
                case .pages: value = .integer(Int64(pages))
                case .printLines: value = .integer(Int64(printLines))
                case .cepnetDigit: value = .integer(Int64(PostalAddress.cepnetDigit(address.cep)))
                }
            case .recipient(let part):
                switch part {
                case .name: value = .text(address.name[...])
                case .street: value = .text(address.streetLine[...])
                case .district: value = .text(address.district[...])
                case .cep: value = .text(address.cep[...])
                case .city: value = .text(address.city[...])
                case .state: value = .text(address.state[...])
                }
            case .job(let root):
                value = Self.value(tape, roots[root.rawValue], below[k])
            }
            guard Self.write(value, field, defaults[k], into: &out) else {
                out.removeSubrange(mark...)
                return false
            }
        }
        return true
    }

    /// The job's value for a `.job` source, as the letter values' object holds it: the keys
    /// `below` from the root member's node.
    static func value(_ tape: JSONTape, _ root: Int?, _ below: [[UInt8]]) -> Value {
        var node = root
        for key in below {
            guard let n = node else { break }
            node = tape.member(key, of: n)
        }
        guard let n = node else { return .absent }
        switch tape[n].kind {
        case .null: return .absent
        case .integer: return .integer(tape[n].value)
        case .string: return .text(tape.bytes(n))
        default: return .other
        }
    }

    /// Appends a field as `FlatEncoder` writes it, or returns false when it would not be plain.
    static func write(_ value: Value, _ field: Field, _ defaultValue: [UInt8]?, into out: inout [UInt8]) -> Bool {
        if case .enumeration = field.format { return false }
        switch value {
        case .other:
            return false
        case .absent:
            guard let d = defaultValue else {
                out += repeatElement(field.numeric ? 0x30 : 0x20, count: field.length)
                return true
            }
            return fit(d[...], field.numeric, field.length, &out)
        case .integer(let v):
            if case .date = field.format { return false }
            guard !field.numeric || v >= 0 else { return false }
            var digits: [UInt8] = []
            Filters.appendInteger(v, to: &digits)
            return fit(digits[...], field.numeric, field.length, &out)
        case .text(let bytes):
            if case .date(let order) = field.format {
                guard let d = Filters.civilDate(bytes) else { return false }
                let b = order.digits(d)
                return fit(b[...], true, field.length, &out)
            }
            if field.numeric {
                let document = field.format == .document
                guard !bytes.isEmpty, bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || (document && $0 >= 65 && $0 <= 90) }) else { return false }
                return fit(bytes, true, field.length, &out)
            }
            // Printable ASCII is its own folding; other text is Foundation's to fold.
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return false }
            let cut = bytes.count > field.length && field.mayCut ? bytes.prefix(field.length) : bytes
            return fit(cut, false, field.length, &out)
        }
    }

    /// Appends `bytes` padded to `length` (numbers: zeros on the left; text: blanks on the
    /// right), or returns false when they are longer.
    static func fit(_ bytes: ArraySlice<UInt8>, _ numeric: Bool, _ length: Int, _ out: inout [UInt8]) -> Bool {
        guard bytes.count <= length else { return false }
        if numeric { out += repeatElement(0x30, count: length - bytes.count) }
        out += bytes
        if !numeric { out += repeatElement(0x20, count: length - bytes.count) }
        return true
    }
}
