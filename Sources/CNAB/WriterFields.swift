import FixedWidth
import Foundation
import Records

/// One group of a record's fields (fields sharing an output path share its value: CEP +
/// suffix, nosso número + DV), compiled for writing: where its value comes from and how its
/// bytes are made. Plain data, read per título without reference counting.
struct FieldOp {
    enum Source: UInt8 {
        /// No value: the default, else zeros or blanks.
        case none
        /// The batch number (`_batch`), in batch-level records.
        case batch
        /// The record's sequence number (`_sequence`).
        case sequence
        /// A constant (`_record_type`, `_segment`: the default or the record's selector value).
        case constant
        /// A value of the record by output path.
        case path
    }

    var source: Source
    /// The path node (`path`), else -1.
    var path: Int32
    /// The first field's start; the group's total length.
    var start: Int32
    var length: Int32
    /// The group's fields in `RecordProgram.spots`.
    var firstSpot: Int32
    var spotCount: Int32
    var format: FieldFormat
    var numeric: Bool
    var document: Bool
    var freeText: Bool
    /// Letters kept as given (the layout's `keep_case`), not uppercased.
    var keepCase: Bool
    var isEnum: Bool
    var isReasons: Bool
    /// A one-field numeric group that is not a date or time: an integer goes straight in.
    var plainNumeric: Bool
    /// The constant's text (`constant`), and the bytes written when there is no value and the
    /// group has a default, in `RecordProgram.pool` (-1: none).
    var constantAt: Int32
    var constantCount: Int32
    var defaultAt: Int32
    /// The enum's entries in `RecordProgram.enums` (name and code, bytes in the pool).
    var firstEnum: Int32
    var enumCount: Int32
    /// A `same_as` field, written again from its field's value: what befalls that value (cut,
    /// blanked, refused) is said once, by its field.
    var repeats = false
    /// A título's money (a detail record's numeric field whose path ends in `_cents`): a JSON number of whole centavos,
    /// never text (DESIGN.md: money is integer centavos), read as `CNABWriter.centavos` reads it
    /// for the trailers' totals.
    var centavos = false
    /// How a string value that fits the group may be written straight in (`Cell.fast`): 0 not,
    /// 1 as text, 2 as digits. Set for one-field groups that are not dates, times, enums or money.
    var fast: UInt8 = 0
}

/// An enum entry: its name as the layout's JSON writes it (escaped, without quotes) and its code.
struct EnumRef {
    var nameAt: Int32
    var nameCount: Int32
    var codeAt: Int32
    var codeCount: Int32
}

/// A field's place in the record.
struct FieldSpot {
    var start: Int32
    var length: Int32
    var numeric: Bool
}

/// What a group needs only now and then: names for messages, enum tables, defaults.
struct FieldInfo {
    var name: String
    var to: String?
    var picture: String
    /// Enum entries: the name as the layout's JSON writes it (escaped, without quotes) and the code.
    var enumNames: [[UInt8]]
    var enumCodes: [[UInt8]]
    /// The bytes written when there is no value and the field has a default.
    var defaultCell: [UInt8]?
    /// The text of a `constant` group.
    var constant: [UInt8]?
}

/// A record's groups in position order.
struct RecordProgram {
    var ops: [FieldOp]
    var spots: [FieldSpot]
    var infos: [FieldInfo]
    /// Constants, default cells and enum names and codes.
    var pool: [UInt8]
    var enums: [EnumRef]
    /// The groups written per record, in order: those whose bytes depend on the record's values
    /// or numbers. The others (fillers, defaults of groups without a path, constants) come out
    /// the same in every record, and are in `image` (`precompute`).
    var live: [Int32] = []
    /// The record's bytes up to the end of its last group with only the constant groups
    /// written, blanks elsewhere: copied over a record before its live groups are written.
    /// Empty when groups overlap (each is then written in turn, as laid out).
    var image: [UInt8] = []
}

/// A reason a título cannot be written.
struct Problem: Error {
    var code: DiagnosticCode
    var message: String
    /// The input node whose value it is about (-1: none), for the diagnostic's column.
    var node = -1
    /// The output path of the field it is about, when there is one (for a column when the
    /// input is not at hand as a tape: a header's values).
    var path: String? = nil
}

/// Text as it goes into a remessa: uppercase 7-bit ASCII, accents dropped.
enum Transliteration {
    /// Uppercase 7-bit ASCII: accents dropped (ç → C), full-width forms made plain, typographic
    /// quotes, dashes and spaces as their ASCII ones (’ ´ → ', “ ” « » → ", – — → -, no-break
    /// space → space, … → ...), format characters (soft hyphen, zero-width space) dropped, and
    /// any other character outside printable ASCII written as a blank. (Free text then has its
    /// quotes blank: `fill`.) The reference: the table below is made from it, and text beyond
    /// Latin-1 goes through it.
    static func ascii(_ text: String) -> String { counting(text).text }

    /// `ascii`, with the number of characters that have no ASCII form (written as blanks): a
    /// bank rejects `?` and other stand-ins, so the writer blanks them and says how many.
    static func counting(_ text: String) -> (text: String, unmapped: Int) {
        // Plain ASCII (most text) is only uppercased, byte by byte.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return (String(decoding: text.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self), 0)
        }
        let plain = text.applyingTransform(.fullwidthToHalfwidth, reverse: false) ?? text
        let folded = plain.applyingTransform(.stripDiacritics, reverse: false) ?? plain
        var out = ""
        var unmapped = 0
        out.unicodeScalars.reserveCapacity(folded.unicodeScalars.count)
        for scalar in folded.uppercased().unicodeScalars {
            switch scalar.value {
            case 0x20...0x7E: out.unicodeScalars.append(scalar)
            case 0xB4, 0x2018, 0x2019, 0x201A, 0x201B, 0x2032: out.unicodeScalars.append("'")
            case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0xAB, 0xBB: out.unicodeScalars.append("\"")
            case 0x09, 0x0A, 0x0D, 0xA0, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: out.unicodeScalars.append(" ")
            case 0x2010...0x2015, 0x2212: out.unicodeScalars.append("-")
            case 0x2026: out += "..."
            case 0xAD, 0x200B...0x200D, 0x2060, 0xFEFF: break
            case 0xBA, 0xB0: out.unicodeScalars.append("O")
            case 0xAA: out.unicodeScalars.append("A")
            // Letters with no decomposition to strip (after uppercasing): ß Æ Œ Ø Ð Đ Þ Ł Ħ Ŧ Ŋ,
            // written as their usual Latin spelling (œ → OE as æ → AE, þ → TH).
            case 0xDF: out += "SS"
            case 0xC6: out += "AE"
            case 0x152: out += "OE"
            case 0xDE: out += "TH"
            case 0xD0, 0x110: out.unicodeScalars.append("D")
            case 0x141: out.unicodeScalars.append("L")
            case 0x126: out.unicodeScalars.append("H")
            case 0x166: out.unicodeScalars.append("T")
            case 0x14A: out.unicodeScalars.append("N")
            case 0xD8: out.unicodeScalars.append("O")
            case 0xD7: out.unicodeScalars.append("X")
            default:
                out.unicodeScalars.append(" ")
                unmapped += 1
            }
        }
        return (out, unmapped)
    }

    /// A quote or apostrophe of ASCII (' " `), written blank in free text (names, addresses:
    /// "JOSÉ D'ÁVILA" → "JOSE D AVILA", DESIGN.md).
    @inline(__always)
    static func isQuote(_ b: UInt8) -> Bool { b == 0x27 || b == 0x22 || b == 0x60 }

    /// `counting` of each scalar U+0000…U+00FF alone. Text made only of these is transliterated
    /// a scalar at a time: stripping accents and uppercasing act on each of them separately (a
    /// test compares with `ascii` on random text).
    static let latin1: [(bytes: [UInt8], unmapped: Int)] = (0..<256).map {
        let (text, unmapped) = counting(String(Character(Unicode.Scalar(UInt8($0)))))
        return (Array(text.utf8), unmapped)
    }

    /// Appends the transliteration of valid UTF-8 `text` to `out`; returns how many of its
    /// characters have no ASCII form (written as blanks).
    @discardableResult
    static func append(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Int {
        var i = 0
        let n = text.count
        var latin = true
        var unmapped = 0
        while i < n {
            let b = text[i]
            let entry: (bytes: [UInt8], unmapped: Int)
            if b < 0x80 {
                entry = latin1[Int(b)]
                i += 1
            } else if b == 0xC2 || b == 0xC3, i + 1 < n {
                entry = latin1[Int((b & 0x1F) << 6 | (text[i + 1] & 0x3F))]
                i += 2
            } else {
                latin = false
                break
            }
            out.append(contentsOf: entry.bytes)
            unmapped += entry.unmapped
        }
        if !latin {
            out.removeAll(keepingCapacity: true)
            let (ascii, count) = counting(String(decoding: text, as: UTF8.self))
            out.append(contentsOf: ascii.utf8)
            return count
        }
        return unmapped
    }

    /// Whether text may be cut to its field when the layout does not say (`truncate`): names,
    /// addresses, messages may; identifiers (nosso número, seu número, codes) never are.
    static func isFreeText(_ path: String?) -> Bool {
        guard let last = path?.split(separator: ".").last else { return false }
        let words: Set<Substring> = ["name", "street", "district", "city", "complement", "payer_info", "text", "content", "bank_name"]
        return words.contains(last) || last.hasPrefix("message") || path!.hasPrefix("print.")
    }

    static func pad(_ bytes: [UInt8], numeric: Bool, length: Int) -> [UInt8] {
        let b = Array(bytes.prefix(length))
        return numeric ? [UInt8](repeating: 48, count: length - b.count) + b : b + [UInt8](repeating: 0x20, count: length - b.count)
    }
}

extension RecordProgram {
    /// Compiles a record's groups: fields with one output path (not `_`-prefixed) are grouped.
    init(_ record: CompiledRecord, selected: [Int: String], trie: PathTrie) {
        // A field that repeats another (`same_as`) is a group of its own, written from that
        // field's path and default (lint: the same picture).
        var groups: [(to: String?, fields: [Int], like: Int?)] = []
        for (i, field) in record.fields.enumerated() {
            if let target = field.sameAs, let t = record.fields.firstIndex(where: { $0.name == target }) {
                groups.append((record.fields[t].to, [i], t))
            } else if let to = field.to, !to.hasPrefix("_"), let g = groups.firstIndex(where: { $0.to == to && $0.like == nil }) {
                groups[g].fields.append(i)
            } else {
                groups.append((field.to, [i], nil))
            }
        }
        var ops: [FieldOp] = []
        var spots: [FieldSpot] = []
        var infos: [FieldInfo] = []
        var pool: [UInt8] = []
        var enums: [EnumRef] = []
        for group in groups {
            let fields = group.fields.map { record.fields[$0] }
            // The field whose value and default it is (itself, but for a `same_as`).
            let first = group.like.map { record.fields[$0] } ?? fields[0]
            let start = fields[0].start
            let length = fields.reduce(0) { $0 + $1.length }
            var source = FieldOp.Source.none
            var constant: [UInt8]? = nil
            switch group.to {
            case "_batch"?: source = .batch
            case "_sequence"?: source = .sequence
            case "_record_type"?, "_segment"?:
                source = .constant
                constant = (first.defaultValue ?? selected[group.fields[0]]).map { Array($0.utf8) }
            case .some: source = .path
            case nil: source = .none
            }
            let numeric = first.picture.kind == .numeric
            var enumNames: [[UInt8]] = []
            var enumCodes: [[UInt8]] = []
            for entry in first.enumMap {
                enumNames.append(Array(entry.json.dropFirst().dropLast()))
                enumCodes.append(entry.raw)
            }
            var defaultCell: [UInt8]? = nil
            if let d = first.defaultValue, fields.count == 1 {
                defaultCell = Transliteration.pad(Array(Transliteration.ascii(d).utf8), numeric: numeric, length: length)
            }
            ops.append(
                FieldOp(
                    source: source, path: source == .path ? trie.byPath[group.to!]! : -1, start: Int32(start), length: Int32(length),
                    firstSpot: Int32(spots.count), spotCount: Int32(fields.count), format: first.format, numeric: numeric,
                    document: first.format == .document, freeText: first.truncate ?? Transliteration.isFreeText(first.to),
                    keepCase: first.keepCase,
                    isEnum: first.format == .enumeration, isReasons: first.format.reasonWidth != nil,
                    plainNumeric: numeric && fields.count == 1 && first.format != .time
                        && !{ if case .date = first.format { return true } else { return false } }(),
                    constantAt: constant == nil ? -1 : Int32(pool.count),
                    constantCount: Int32(constant?.count ?? 0),
                    defaultAt: defaultCell == nil ? -1 : Int32(pool.count + (constant?.count ?? 0)),
                    firstEnum: Int32(enums.count), enumCount: Int32(enumNames.count), repeats: group.like != nil,
                    centavos: record.role == .detail && numeric && source == .path && group.like == nil && group.to!.hasSuffix("_cents")))
            let made = ops[ops.count - 1]
            switch made.format {
            case .date, .time, .enumeration: break
            default:
                if made.spotCount == 1, !made.isEnum, !made.centavos { ops[ops.count - 1].fast = made.numeric ? 2 : 1 }
            }
            pool += (constant ?? []) + (defaultCell ?? [])
            for (name, code) in zip(enumNames, enumCodes) {
                enums.append(
                    EnumRef(
                        nameAt: Int32(pool.count), nameCount: Int32(name.count), codeAt: Int32(pool.count + name.count),
                        codeCount: Int32(code.count)))
                pool += name + code
            }
            for f in fields { spots.append(FieldSpot(start: Int32(f.start), length: Int32(f.length), numeric: f.picture.kind == .numeric)) }
            infos.append(
                FieldInfo(
                    name: fields[0].name, to: group.to, picture: first.picture.text, enumNames: enumNames, enumCodes: enumCodes,
                    defaultCell: defaultCell, constant: constant))
        }
        self.init(ops: ops, spots: spots, infos: infos, pool: pool + [0], enums: enums)
        precompute()
    }

    /// Sets `live` and `image`: a group is written once into the image when its bytes cannot
    /// depend on the record (no path, no number: a filler, a default, a constant) and writing
    /// it finds no problem, cuts nothing and blanks nothing; it stays live otherwise, or when
    /// the record's groups overlap (the order they are written in then matters).
    mutating func precompute() {
        live = ops.indices.map { Int32($0) }
        image = []
        var end = 0
        for op in ops { end = max(end, Int(op.start + op.length)) }
        for spot in spots { end = max(end, Int(spot.start + spot.length)) }
        // Which group owns each byte: a group's own bytes (`start`, `length`) and its fields'.
        var owner = [Int](repeating: -1, count: end)
        for (g, op) in ops.enumerated() {
            var ranges = [Int(op.start)..<Int(op.start + op.length)]
            for s in Int(op.firstSpot)..<Int(op.firstSpot + op.spotCount) {
                ranges.append(Int(spots[s].start)..<Int(spots[s].start + spots[s].length))
            }
            for range in ranges {
                for b in range {
                    if owner[b] >= 0, owner[b] != g { return }
                    owner[b] = g
                }
            }
        }
        var made = [UInt8](repeating: 0x20, count: end)
        var kept: [Int32] = []
        // A group without a path reads no value: an empty tape and slots never read.
        var tape = JSONTape()
        tape.reserve(nodes: 1, bytes: 0)
        let value = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        let stamp = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
        value.initialize(to: -1)
        stamp.initialize(to: 0)
        defer {
            value.deallocate()
            stamp.deallocate()
        }
        let slots = SlotView(value: value, stamp: stamp, current: 1)
        var encoder = RecordEncoder()
        for (g, op) in ops.enumerated() {
            if op.source == .none || op.source == .constant {
                var one = self
                one.live = [Int32(g)]
                one.image = []
                var trial = [UInt8](repeating: 0x20, count: end)
                withUnsafePointer(to: &one) { one in
                    trial.withUnsafeMutableBufferPointer {
                        encoder.encode(one, RecordEncoder.Numbers(), into: $0.baseAddress!, tape, slots)
                    }
                }
                if encoder.problems.isEmpty, encoder.cuts.isEmpty, encoder.blanked.isEmpty {
                    for b in 0..<end where owner[b] == g { made[b] = trial[b] }
                    continue
                }
                encoder.problems.removeAll()
                encoder.cuts.removeAll()
                encoder.blanked.removeAll()
            }
            kept.append(Int32(g))
        }
        live = kept
        image = made
    }
}

/// Writes cells: a value's text → a field's bytes, as the bank wants them.
enum Cell {
    /// What writing a cell did; a failure is made a `Problem` only when it happens.
    enum Outcome {
        case written, cut
        case notDate, dateSize(Int), notTime, notDigits, tooManyDigits(Int), tooManyCharacters(Int)
    }

    /// The problem of a failed outcome, with the value's text.
    static func problem(_ outcome: Outcome, _ p: UnsafePointer<UInt8>, _ n: Int, _ op: FieldOp, length: Int) -> Problem? {
        let text = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        switch outcome {
        case .written, .cut: return nil
        case .notDate: return Problem(code: "write.date", message: "\"\(text)\" is not a date (YYYY-MM-DD)")
        case .dateSize(let size): return Problem(code: "write.date", message: "a \(size)-digit date in a \(length)-byte field")
        case .notTime: return Problem(code: "write.time", message: "\"\(text)\" is not a time (HH:MM:SS)")
        case .notDigits:
            return Problem(code: "write.numeric", message: "\"\(text)\" is not \(op.document ? "a document number" : "digits")")
        case .tooManyDigits(let count):
            return Problem(code: "write.overflow", message: "\"\(text)\" has \(count) digits, the field holds \(length)")
        case .tooManyCharacters(let count):
            return Problem(code: "write.overflow", message: "\"\(text)\" has \(count) characters, the field holds \(length)")
        }
    }

    /// Nonzero when a word has a byte outside printable ASCII (0x20…0x7E).
    @inline(__always)
    static func unprintable(_ v: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let x = v ^ (ones &* 0x7F)
        return (v & highs) | ((v &- ones &* 0x20) & ~v & highs) | ((x &- ones) & ~x & highs)
    }

    /// Whether `n` bytes at `p` are all printable ASCII.
    @inline(__always)
    static func printable(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        if n >= 8 {
            while i + 8 <= n {
                if unprintable(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) != 0 { return false }
                i += 8
            }
            // The rest as the last word, overlapping the one before.
            return i == n || unprintable(UnsafeRawPointer(p + n - 8).loadUnaligned(as: UInt64.self)) == 0
        }
        while i < n {
            let b = p[i]
            if b < 0x20 || b >= 0x7F { return false }
            i += 1
        }
        return true
    }

    /// The bytes of `text` (`n` bytes at `p`) in a group of `length` at `dst`: dates and times
    /// reordered, numbers right-aligned with zeros, text uppercase ASCII left-aligned and cut.
    /// On a failure nothing is written. `unmapped` counts the characters written as blanks for
    /// want of an ASCII form.
    @inline(__always)
    static func write(
        _ p: UnsafePointer<UInt8>, _ n: Int, _ op: FieldOp, length: Int, to dst: UnsafeMutablePointer<UInt8>, scratch: inout [UInt8],
        unmapped: inout Int
    ) -> Outcome {
        switch op.format {
        case .date(let order): return date(p, n, order, length: length, to: dst)
        case .time: return time(p, n, length: length, to: dst)
        default: break
        }
        if printable(p, n) { return fill(p, n, op, length: length, to: dst, upper: !op.keepCase) }
        scratch.removeAll(keepingCapacity: true)
        unmapped = Transliteration.append(UnsafeBufferPointer(start: p, count: n), to: &scratch)
        return scratch.withUnsafeBufferPointer { ascii in
            fill(ascii.baseAddress ?? p, ascii.count, op, length: length, to: dst, upper: false)
        }
    }

    static func date(_ p: UnsafePointer<UInt8>, _ n: Int, _ order: FieldFormat.DateOrder, length: Int, to dst: UnsafeMutablePointer<UInt8>)
        -> Outcome
    {
        if n == 0 {
            dst.update(repeating: 48, count: length)
            return .written
        }
        @inline(__always) func digits(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for k in from..<(from + count) {
                let d = p[k] &- 48
                if d > 9 { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard n == 10, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"), let y = digits(0, 4), let m = digits(5, 2),
            let d = digits(8, 2), let date = CivilDate(year: y, month: m, day: d)
        else { return .notDate }
        let size = order == .dayMonthYear2 ? 6 : 8
        guard size == length else { return .dateSize(size) }
        // The date is valid: its digits are the text's, reordered (day and month are two of
        // them, the year four, its last two for a two-digit year).
        _ = date
        @inline(__always) func put(_ from: Int, _ width: Int, _ at: Int) { (dst + at).update(from: p + from, count: width) }
        switch order {
        case .dayMonthYear4: put(8, 2, 0); put(5, 2, 2); put(0, 4, 4)
        case .dayMonthYear2: put(8, 2, 0); put(5, 2, 2); put(2, 2, 4)
        case .year4MonthDay: put(0, 4, 0); put(5, 2, 4); put(8, 2, 6)
        }
        return .written
    }

    static func time(_ p: UnsafePointer<UInt8>, _ n: Int, length: Int, to dst: UnsafeMutablePointer<UInt8>) -> Outcome {
        var count = 0
        var ok = true
        for k in 0..<n where p[k] != UInt8(ascii: ":") {
            if p[k] &- 48 > 9 { ok = false }
            count += 1
        }
        guard ok, count == length else { return .notTime }
        var at = 0
        for k in 0..<n where p[k] != UInt8(ascii: ":") {
            dst[at] = p[k]
            at += 1
        }
        return .written
    }

    /// `n` printable ASCII bytes at `a` (to be uppercased when `upper`) into the group. Quotes
    /// and apostrophes are written blank in free text (not in identifiers, nor in a field written
    /// as given).
    @inline(__always)
    static func fill(_ a: UnsafePointer<UInt8>, _ n: Int, _ op: FieldOp, length: Int, to dst: UnsafeMutablePointer<UInt8>, upper: Bool)
        -> Outcome
    {
        @inline(__always) func up(_ b: UInt8) -> UInt8 { upper && b &- 0x61 <= 25 ? b - 0x20 : b }
        if op.numeric {
            // Plain digits (most documents too) go in as they are.
            let digits = Words.allDigits(a, n)
            if op.document, !digits {
                // A CPF or CNPJ as people write it (123.456.789-09, 11.222.333/0001-81): its
                // punctuation dropped, as `troca import` drops it (`DocumentText`).
                let given = UnsafeBufferPointer(start: a, count: n)
                if DocumentText.hasPunctuation(given) {
                    let bare = DocumentText.bare(given)
                    return bare.withUnsafeBufferPointer { fill($0.baseAddress ?? a, $0.count, op, length: length, to: dst, upper: upper) }
                }
                for k in 0..<n {
                    let b = up(a[k])
                    guard b &- 48 <= 9 || b &- 65 <= 25 else { return .notDigits }
                }
            } else if !digits {
                return .notDigits
            }
            var from = 0
            while n - from > length, a[from] == 48 { from += 1 }
            let count = n - from
            // The digits as given (leading zeros too): "0100100099" has 10.
            guard count <= length else { return .tooManyDigits(n) }
            let zeros = length - count
            dst.update(repeating: 48, count: zeros)
            if op.document, !digits {
                for k in 0..<count { dst[zeros + k] = up(a[from + k]) }
            } else {
                (dst + zeros).update(from: a + from, count: count)
            }
            return .written
        }
        let cut = n > length
        if cut, !op.freeText { return .tooManyCharacters(n) }
        let count = min(n, length)
        if upper {
            copyUppercased(a, to: dst, count)
        } else {
            dst.update(from: a, count: count)
        }
        if op.freeText, !op.keepCase, hasQuote(dst, count) { for k in 0..<count where Transliteration.isQuote(dst[k]) { dst[k] = 0x20 } }
        if count < length { (dst + count).update(repeating: 0x20, count: length - count) }
        return cut ? .cut : .written
    }

    /// Whether `n` bytes at `p` hold a quote or apostrophe (`Transliteration.isQuote`), a word
    /// at a time.
    @inline(__always)
    static func hasQuote(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n >= 8 else {
            for k in 0..<n where Transliteration.isQuote(p[k]) { return true }
            return false
        }
        let ones: UInt64 = 0x0101_0101_0101_0101
        @inline(__always) func quoted(_ v: UInt64) -> Bool {
            // Nonzero exactly when a byte of `x` is zero (borrows only past a zero byte).
            @inline(__always) func zero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & (ones &* 0x80) }
            return zero(v ^ (ones &* 0x27)) | zero(v ^ (ones &* 0x22)) | zero(v ^ (ones &* 0x60)) != 0
        }
        var k = 0
        while k + 8 <= n {
            if quoted(UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self)) { return true }
            k += 8
        }
        return k < n && quoted(UnsafeRawPointer(p + n - 8).loadUnaligned(as: UInt64.self))
    }

    /// Writes a string value the way `write` does when it fits its group and all goes well (no
    /// problem, nothing cut, nothing blanked): digits that fit a numeric group (`FieldOp.fast`
    /// 2), printable ASCII that fits a text group (1). Returns false, having written nothing,
    /// for any other value, which is then written the general way.
    @inline(__always)
    static func fast(_ p: UnsafePointer<UInt8>, _ n: Int, _ op: FieldOp, to dst: UnsafeMutablePointer<UInt8>) -> Bool {
        let length = Int(op.length)
        guard n <= length else { return false }
        if op.fast == 2 {
            guard Words.allDigits(p, n) else { return false }
            ShortBytes.fill(dst, length - n, with: 48)
            ShortBytes.copy(p, to: dst + (length - n), n)
            return true
        }
        guard printable(p, n) else { return false }
        let upper = !op.keepCase
        if upper {
            copyUppercased(p, to: dst, n)
            if op.freeText, hasQuote(dst, n) { for k in 0..<n where Transliteration.isQuote(dst[k]) { dst[k] = 0x20 } }
        } else {
            ShortBytes.copy(p, to: dst, n)
        }
        ShortBytes.fill(dst + n, length - n, with: 0x20)
        return true
    }

    /// Copies `count` bytes of printable ASCII from `a` to `dst`, lowercase letters made
    /// uppercase (rare in bank text: copied a word at a time, then fixed), the rest as the last
    /// word, overlapping the one before.
    @inline(__always)
    static func copyUppercased(_ a: UnsafePointer<UInt8>, to dst: UnsafeMutablePointer<UInt8>, _ count: Int) {
        var k = 0
        while k + 8 <= count {
            let v = UnsafeRawPointer(a + k).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(dst + k).storeBytes(of: upperWord(v), as: UInt64.self)
            k += 8
        }
        if k < count, count >= 8 {
            let v = UnsafeRawPointer(a + count - 8).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(dst + count - 8).storeBytes(of: upperWord(v), as: UInt64.self)
            k = count
        }
        while k < count {
            let b = a[k]
            dst[k] = b &- 0x61 <= 25 ? b - 0x20 : b
            k += 1
        }
    }

    /// A word of printable ASCII with its lowercase letters made uppercase.
    @inline(__always)
    static func upperWord(_ v: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        // Bytes >= 'a' (0x61) and <= 'z' (0x7A): all bytes are below 0x80, so no carries cross.
        let aboveA = (v &+ ones &* (0x80 - 0x61)) & (ones &* 0x80)
        let aboveZ = (v &+ ones &* (0x80 - 0x7B)) & (ones &* 0x80)
        let lower = aboveA & ~aboveZ
        return v ^ (lower >> 2)
    }
}

/// Writes a record's groups from a record's values: the scratch of the hot loop, kept in a
/// struct so that the loop touches no class property.
struct RecordEncoder {
    /// Why the record cannot be written (the título's records share them).
    var problems: [Problem] = []
    /// Paths cut to their field.
    var cuts: [Int32] = []
    /// Paths with characters that have no ASCII form, written as blanks.
    var blanked: [Int32] = []
    var scratch: [UInt8] = []
    var cell = [UInt8](repeating: 0, count: 64)
    var codes: [UInt8] = []
    /// Every string value written the general way (`Cell.write`), not by `Cell.fast`: for the
    /// tests that compare the two.
    var general = false

    /// The numbers a record carries: its batch's and its own sequence (nil where the record has none).
    struct Numbers {
        var batch: Int?
        var sequence: Int?
    }

    /// Marks the problems from `start` on that name no node as about `node` (when there is
    /// one), and those that name no path as about `path`.
    @inline(never)
    mutating func stamp(_ node: Int, _ path: String?, from start: Int) {
        for k in start..<problems.count {
            if problems[k].node < 0 { problems[k].node = node }
            if problems[k].path == nil { problems[k].path = path }
        }
    }

    /// Writes a record into `dst` (blank-filled): its constant groups as one copy (`image`),
    /// then its live groups.
    mutating func encode(
        _ program: RecordProgram, _ numbers: Numbers, into dst: UnsafeMutablePointer<UInt8>, _ tape: JSONTape, _ slots: SlotView
    ) {
        var program = program
        withUnsafePointer(to: &program) { encode($0, numbers, into: dst, tape, slots) }
    }

    /// `encode`, reading the program where it is (`programs.baseAddress! + r`): passed as a
    /// value out of an array, a program was copied (its seven arrays retained and released) per
    /// record.
    mutating func encode(
        _ program: UnsafePointer<RecordProgram>, _ numbers: Numbers, into dst: UnsafeMutablePointer<UInt8>, _ tape: JSONTape,
        _ slots: SlotView
    ) {
        program.pointee.image.withUnsafeBufferPointer { image in
            if let from = image.baseAddress { dst.update(from: from, count: image.count) }
        }
        program.pointee.live.withUnsafeBufferPointer { live in
            program.pointee.ops.withUnsafeBufferPointer { ops in
                program.pointee.spots.withUnsafeBufferPointer { spots in
                    tape.nodes.withUnsafeBufferPointer { nodes in
                        tape.text.withUnsafeBufferPointer { text in
                            program.pointee.pool.withUnsafeBufferPointer { poolBuffer in
                                let pool = poolBuffer.baseAddress!
                                let base = text.baseAddress!
                                for index in live {
                                    let g = Int(index)
                                    let op = ops[g]
                                    var node = -1
                                    // A problem with this field's value is about its node.
                                    let before = problems.count
                                    defer { if problems.count > before { stamp(node, program.pointee.infos[g].to, from: before) } }
                                    switch op.source {
                                    case .none: break
                                    case .batch:
                                        if let n = numbers.batch {
                                            putNumber(Int64(n), op, g, program, dst, spots)
                                            continue
                                        }
                                    case .sequence:
                                        if let n = numbers.sequence {
                                            putNumber(Int64(n), op, g, program, dst, spots)
                                            continue
                                        }
                                    case .constant:
                                        if op.constantAt >= 0 {
                                            put(pool + Int(op.constantAt), Int(op.constantCount), op, g, program, dst, spots)
                                            continue
                                        }
                                    case .path:
                                        node = slots.node(op.path)
                                    }
                                    guard node >= 0 else {
                                        // No value: the default, else zeros for numeric fields (blanks are there).
                                        if op.defaultAt >= 0 {
                                            (dst + Int(op.start)).update(from: pool + Int(op.defaultAt), count: Int(op.length))
                                        } else {
                                            for s in Int(op.firstSpot)..<Int(op.firstSpot + op.spotCount) where spots[s].numeric {
                                                ShortBytes.fill(dst + Int(spots[s].start), Int(spots[s].length), with: 48)
                                            }
                                        }
                                        continue
                                    }
                                    let value = nodes[node]
                                    switch value.kind {
                                    case .string:
                                        let p = base + Int(value.offset)
                                        let n = Int(value.count)
                                        if op.fast != 0, !general, Cell.fast(p, n, op, to: dst + Int(op.start)) { continue }
                                        if op.centavos {
                                            // Text is not money: "1500" would be written but not totalled.
                                            problems.append(
                                                Problem(
                                                    code: "write.type",
                                                    message:
                                                        "\(program.pointee.infos[g].name): \"\(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))\" is text, not a number (amounts are integer centavos)"
                                                ))
                                        } else if op.isEnum {
                                            putEnum(p, n, op, g, program, pool, dst, spots)
                                        } else {
                                            put(p, n, op, g, program, dst, spots)
                                        }
                                    case .integer:
                                        putNumber(value.value, op, g, program, dst, spots)
                                    case .number:
                                        // Anything but an integer of up to 18 digits: as JSONSerialization's NSNumber.
                                        let literal = String(
                                            decoding: UnsafeBufferPointer(start: base + Int(value.offset), count: Int(value.count)),
                                            as: UTF8.self)
                                        guard let n = JSONNumber.foundationValue(literal) else { continue }
                                        let d = n.doubleValue
                                        // A number beyond 64 bits is said as it is (an integer's text as
                                        // written, else the number's), not wrapped round to a negative one.
                                        if d.magnitude >= 0x1p63 {
                                            var text =
                                                literal.utf8.allSatisfy({ $0 &- 48 <= 9 || $0 == UInt8(ascii: "-") }) ? literal : "\(n)"
                                            text.withUTF8 { put($0.baseAddress!, $0.count, op, g, program, dst, spots) }
                                            continue
                                        }
                                        guard d == d.rounded() else {
                                            problems.append(
                                                Problem(
                                                    code: "write.type",
                                                    message:
                                                        "\(program.pointee.infos[g].name): \(n) is not a whole number (amounts are integer centavos)"
                                                ))
                                            continue
                                        }
                                        putNumber(n.int64Value, op, g, program, dst, spots)
                                    case .true, .false:
                                        problems.append(
                                            Problem(
                                                code: "write.type",
                                                message:
                                                    "\(program.pointee.infos[g].name): a boolean where the layout wants \(program.pointee.infos[g].picture)"
                                            ))
                                    case .array where op.isReasons:
                                        // Reasons: the codes of `{"code": …}` objects and plain strings, joined.
                                        // Each code of the field's width: joined, one of another width would read
                                        // back as other codes.
                                        codes.removeAll(keepingCapacity: true)
                                        let width = op.format.reasonWidth ?? 2
                                        var wrong: String? = nil
                                        var i = node + 1
                                        for _ in 0..<value.count {
                                            let e = nodes[i]
                                            let before = codes.count
                                            if e.kind == .string {
                                                codes.append(
                                                    contentsOf: UnsafeBufferPointer(start: base + Int(e.offset), count: Int(e.count)))
                                            } else if e.kind == .object, let c = tape.member("code", of: i), nodes[c].kind == .string {
                                                codes.append(contentsOf: tape.bytes(c))
                                            } else {
                                                i = tape.next(after: i)
                                                continue
                                            }
                                            if codes.count - before != width, wrong == nil {
                                                wrong = String(decoding: codes[before...], as: UTF8.self)
                                            }
                                            i = tape.next(after: i)
                                        }
                                        if let wrong {
                                            problems.append(
                                                Problem(
                                                    code: "write.type",
                                                    message:
                                                        "\(program.pointee.infos[g].name): reason code \"\(wrong)\" is not \(width) characters"
                                                ))
                                            continue
                                        }
                                        let joined = codes
                                        joined.withUnsafeBufferPointer { c in
                                            put(c.baseAddress ?? base, c.count, op, g, program, dst, spots)
                                        }
                                    default:
                                        problems.append(
                                            Problem(
                                                code: "write.type",
                                                message:
                                                    "\(program.pointee.infos[g].name): \(value.kind == .object ? "an object" : "an array") where the layout wants \(program.pointee.infos[g].picture)"
                                            )
                                        )
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// An enum field: the value's name → its code (a code is taken as it is).
    mutating func putEnum(
        _ p: UnsafePointer<UInt8>, _ n: Int, _ op: FieldOp, _ g: Int, _ program: UnsafePointer<RecordProgram>, _ pool: UnsafePointer<UInt8>,
        _ dst: UnsafeMutablePointer<UInt8>, _ spots: UnsafeBufferPointer<FieldSpot>
    ) {
        let s = UnsafeBufferPointer(start: p, count: n)
        if s.allSatisfy({ $0 < 0x80 }) {
            let found: (UnsafePointer<UInt8>, Int)? = program.pointee.enums.withUnsafeBufferPointer { enums in
                let range = Int(op.firstEnum)..<Int(op.firstEnum + op.enumCount)
                for e in range where Int(enums[e].nameCount) == n && memcmp(pool + Int(enums[e].nameAt), p, n) == 0 {
                    return (pool + Int(enums[e].codeAt), Int(enums[e].codeCount))
                }
                for e in range where Int(enums[e].codeCount) == n && memcmp(pool + Int(enums[e].codeAt), p, n) == 0 { return (p, n) }
                return nil
            }
            if let (code, count) = found {
                put(code, count, op, g, program, dst, spots)
                return
            }
        } else {
            // Text beyond ASCII is compared as Swift strings are (canonical equivalence).
            let info = program.pointee.infos[g]
            let string = String(decoding: s, as: UTF8.self)
            if let k = info.enumNames.firstIndex(where: { String(decoding: $0, as: UTF8.self) == string }) {
                info.enumCodes[k].withUnsafeBufferPointer { put($0.baseAddress ?? p, $0.count, op, g, program, dst, spots) }
                return
            } else if info.enumCodes.contains(where: { String(decoding: $0, as: UTF8.self) == string }) {
                put(p, n, op, g, program, dst, spots)
                return
            }
        }
        let info = program.pointee.infos[g]
        let known = info.enumNames.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ")
        problems.append(
            Problem(code: "write.enum", message: "\(info.name): \"\(String(decoding: s, as: UTF8.self))\" is not one of \(known)"))
    }

    /// A number's decimal digits as the text of a group.
    @inline(__always)
    mutating func putNumber(
        _ value: Int64, _ op: FieldOp, _ g: Int, _ program: UnsafePointer<RecordProgram>, _ dst: UnsafeMutablePointer<UInt8>,
        _ spots: UnsafeBufferPointer<FieldSpot>
    ) {
        if op.plainNumeric, value >= 0 {
            // Right-aligned digits, zero-filled (a number that does not fit goes the long way,
            // to its problem).
            var digits = 1
            var v = value / 10
            while v > 0 {
                digits += 1
                v /= 10
            }
            let length = Int(op.length)
            if digits <= length {
                let at = dst + Int(op.start)
                var v = value
                for k in stride(from: length - 1, through: length - digits, by: -1) {
                    at[k] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                }
                ShortBytes.fill(at, length - digits, with: 48)
                return
            }
        }
        JSONBytes.withDecimal(value) { put($0.baseAddress!, $0.count, op, g, program, dst, spots) }
    }

    /// The text of a group into its fields; a problem is named with the field and its path.
    @inline(__always)
    mutating func put(
        _ p: UnsafePointer<UInt8>, _ n: Int, _ op: FieldOp, _ g: Int, _ program: UnsafePointer<RecordProgram>,
        _ dst: UnsafeMutablePointer<UInt8>,
        _ spots: UnsafeBufferPointer<FieldSpot>
    ) {
        let length = Int(op.length)
        let outcome: Cell.Outcome
        var unmapped = 0
        if op.spotCount == 1 {
            outcome = Cell.write(p, n, op, length: length, to: dst + Int(op.start), scratch: &scratch, unmapped: &unmapped)
        } else {
            // Joined fields: the cell is made whole, then laid over its fields.
            if cell.count < length { cell = [UInt8](repeating: 0, count: length) }
            var cell = self.cell
            self.cell = []
            outcome = cell.withUnsafeMutableBufferPointer {
                Cell.write(p, n, op, length: length, to: $0.baseAddress!, scratch: &scratch, unmapped: &unmapped)
            }
            switch outcome {
            case .written, .cut:
                var at = 0
                for s in Int(op.firstSpot)..<Int(op.firstSpot + op.spotCount) {
                    let spot = spots[s]
                    for k in 0..<Int(spot.length) { dst[Int(spot.start) + k] = cell[at + k] }
                    at += Int(spot.length)
                }
            default: break
            }
            self.cell = cell
        }
        if op.repeats { return }
        switch outcome {
        case .written, .cut:
            if case .cut = outcome { cuts.append(op.path) }
            if unmapped > 0 { blanked.append(op.path) }
        default:
            let problem = Cell.problem(outcome, p, n, op, length: length)!
            let info = program.pointee.infos[g]
            problems.append(Problem(code: problem.code, message: "\(info.name) (\(info.to ?? "")): \(problem.message)"))
        }
    }
}
