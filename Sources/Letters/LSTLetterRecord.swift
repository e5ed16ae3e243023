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
        /// Whether the field has a default, and its bytes: a span of `bytes`.
        var hasDefault: Bool
        var defaultBytes: Range<Int>
        /// For a `.job` source, the keys below the root: a range of `keySpans`, each key's
        /// bytes a span of `bytes` (kept flat so that reading a field copies no array).
        var below: Range<Int>
    }

    let fields: [Field]
    /// The defaults' and the keys' bytes.
    let bytes: [UInt8]
    let keySpans: [Range<Int>]
    /// The record's length: its fields' lengths added up.
    let length: Int

    /// Prepares record `record` of `layout` (the letter record).
    init(layout: CompiledLayout, record: Int) {
        let compiled = layout.records[record].fields
        var bytes: [UInt8] = []
        var keySpans: [Range<Int>] = []
        var fields: [Field] = []
        for f in compiled {
            let path = f.to.map { $0.hasPrefix("_") ? [] : $0.split(separator: ".").map(String.init) } ?? []
            let d = f.defaultValue.map { Array($0.utf8) } ?? []
            let defaultBytes = bytes.count..<(bytes.count + d.count)
            bytes += d
            let firstKey = keySpans.count
            for key in path.dropFirst() {
                keySpans.append(bytes.count..<(bytes.count + key.utf8.count))
                bytes += key.utf8
            }
            fields.append(
                Field(
                    length: f.length, numeric: f.picture.kind == .numeric, format: f.format, mayCut: f.truncate ?? Self.mayCutByName(f.to),
                    source: Self.source(path), hasDefault: f.defaultValue != nil, defaultBytes: defaultBytes, below: firstKey..<keySpans.count))
        }
        self.fields = fields
        self.bytes = bytes
        self.keySpans = keySpans
        length = fields.reduce(0) { $0 + $1.length }
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
        case text(UnsafeBufferPointer<UInt8>)
        case other
    }

    /// Appends the record (no line end) for the job in `tape`; false, with `out` as it was,
    /// when a field needs the general encoder. The record's bytes are written through a pointer
    /// into room made for all of them at once: no array, slice or retain per field.
    func encode(
        _ tape: JSONTape, _ nodes: JobNodes, address: AddressBytes, pages: Int, sheets: Int, printLines: Int, into out: inout LetterBytes
    ) -> Bool {
        // The job's members the values' object takes, found once for all the fields.
        let roots = (nodes.sequence, nodes.template ?? nodes.step, nodes.inserts, nodes.boleto)
        let record = out.room(length)
        record.update(repeating: 0x20, count: length)
        let ok = {
            tape.text.withUnsafeBufferPointer { text in
                address.name.withUnsafeBufferPointer { name in
                    address.streetLine.withUnsafeBufferPointer { street in
                        address.district.withUnsafeBufferPointer { district in
                            address.city.withUnsafeBufferPointer { city in
                                address.state.withUnsafeBufferPointer { state in
                                    address.cep.withUnsafeBufferPointer { cep in
                                        fields.withUnsafeBufferPointer { fields in
                                            bytes.withUnsafeBufferPointer { keys in
                                                keySpans.withUnsafeBufferPointer { spans in
                                                var w = record
                                                for field in fields {
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
                                                        case .cepnetDigit: value = .integer(Int64(PostalAddress.cepnetDigit(cep)))
                                                        }
                                                    case .recipient(let part):
                                                        switch part {
                                                        case .name: value = .text(name)
                                                        case .street: value = .text(street)
                                                        case .district: value = .text(district)
                                                        case .cep: value = .text(cep)
                                                        case .city: value = .text(city)
                                                        case .state: value = .text(state)
                                                        }
                                                    case .job(let root):
                                                        let r: Int?
                                                        switch root {
                                                        case .letter: r = roots.0
                                                        case .template: r = roots.1
                                                        case .inserts: r = roots.2
                                                        case .boleto: r = roots.3
                                                        }
                                                        value = Self.value(tape, text, r, keys, spans[field.below])
                                                    }
                                                    guard Self.write(value, field, keys, to: w) else { return false }
                                                    w += field.length
                                                }
                                                return true
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }()
        guard ok else { return false }
        out.advance(length)
        return true
    }

    /// The job's value for a `.job` source, as the letter values' object holds it: the keys
    /// `below` (spans of `keys`) from the root member's node.
    static func value(
        _ tape: JSONTape, _ text: UnsafeBufferPointer<UInt8>, _ root: Int?, _ keys: UnsafeBufferPointer<UInt8>, _ below: Slice<UnsafeBufferPointer<Range<Int>>>
    ) -> Value {
        var node = root
        for key in below {
            guard let n = node else { break }
            node = tape.member(UnsafeBufferPointer(rebasing: keys[key]), of: n)
        }
        guard let n = node else { return .absent }
        let v = tape[n]
        switch v.kind {
        case .null: return .absent
        case .integer: return .integer(v.value)
        case .string: return .text(UnsafeBufferPointer(rebasing: text[Int(v.offset)..<(Int(v.offset) + Int(v.count))]))
        default: return .other
        }
    }

    /// Writes a field at `to` as `FlatEncoder` writes it (`field.length` bytes, the room for them
    /// filled with blanks), or returns false when it would not be plain.
    static func write(_ value: Value, _ field: Field, _ keys: UnsafeBufferPointer<UInt8>, to w: UnsafeMutablePointer<UInt8>) -> Bool {
        if case .enumeration = field.format { return false }
        switch value {
        case .other:
            return false
        case .absent:
            guard field.hasDefault else {
                if field.numeric { w.update(repeating: 0x30, count: field.length) }
                return true
            }
            return fit(UnsafeBufferPointer(rebasing: keys[field.defaultBytes]), field.numeric, field.length, w)
        case .integer(let v):
            if case .date = field.format { return false }
            guard !field.numeric || v >= 0 else { return false }
            // The decimal digits (and sign) of `v`.
            return JSONBytes.withDecimal(Int64(v)) { fit($0, field.numeric, field.length, w) }
        case .text(let bytes):
            if case .date(let order) = field.format {
                guard let d = Filters.civilDate(bytes) else { return false }
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { b in
                    order.write(d, to: b.baseAddress!)
                    return fit(UnsafeBufferPointer(rebasing: b[0..<order.count]), true, field.length, w)
                }
            }
            if field.numeric {
                let document = field.format == .document
                guard !bytes.isEmpty, bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || (document && $0 >= 65 && $0 <= 90) }) else { return false }
                return fit(bytes, true, field.length, w)
            }
            // Printable ASCII is its own folding; other text is Foundation's to fold.
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return false }
            let cut = bytes.count > field.length && field.mayCut ? UnsafeBufferPointer(rebasing: bytes[0..<field.length]) : bytes
            return fit(cut, false, field.length, w)
        }
    }

    /// Writes `bytes` padded to `length` at `w` (numbers: zeros on the left; text: blanks on the
    /// right, already there), or returns false when they are longer.
    @inline(__always)
    static func fit(_ bytes: UnsafeBufferPointer<UInt8>, _ numeric: Bool, _ length: Int, _ w: UnsafeMutablePointer<UInt8>) -> Bool {
        guard bytes.count <= length else { return false }
        guard let b = bytes.baseAddress else {
            if numeric { w.update(repeating: 0x30, count: length) }
            return true
        }
        if numeric {
            let pad = length - bytes.count
            w.update(repeating: 0x30, count: pad)
            ShortBytes.copy(b, to: w + pad, bytes.count)
        } else {
            ShortBytes.copy(b, to: w, bytes.count)
        }
        return true
    }
}
