import Records

/// Why a filter cannot format a value.
struct FilterProblem: Error {
    var message: String
}

/// The template filters: `money`, `date`, `upper`, `cpf`, `cnpj`, `document`, `cep`, `linha`,
/// `bars`, `qr`, `pad:N` (left-aligned in N characters; `pad:-N` right-aligned).
enum Filters {
    static let names = ["money", "date", "upper", "cpf", "cnpj", "document", "cep", "linha", "bars", "qr", "pad:N", "pad:-N"]

    static func parse(_ text: String) -> Template.Filter? {
        switch text {
        case "money": return .money
        case "date": return .date
        case "upper": return .upper
        case "cpf": return .cpf
        case "cnpj": return .cnpj
        case "document": return .document
        case "cep": return .cep
        case "linha": return .linha
        case "bars": return .bars
        case "qr": return .qr
        default:
            guard text.hasPrefix("pad:"), let n = Int(text.dropFirst(4)), n != 0, n.magnitude <= 200 else { return nil }
            return .pad(n)
        }
    }

    /// Whether the filters suit a field of `shape`, checked at load: nil when they do.
    static func check(_ filters: [Template.Filter], _ shape: FieldShape) -> String? {
        var kind = shape
        for (k, f) in filters.enumerated() {
            switch f {
            case .money:
                guard kind == .cents || kind == .integer else { return "money formats centavos (a *_cents field)" }
                kind = .text
            case .date:
                guard kind == .date else { return "date formats a date field (due_date, as_of…)" }
                kind = .text
            case .bars:
                guard kind == .text, k == filters.count - 1 else { return "bars draws a barcode's digits and must be the last filter" }
            case .qr:
                guard kind == .text, k == filters.count - 1 else { return "qr draws a Pix payload's QR code and must be the last filter" }
            case .cpf, .cnpj, .document, .cep, .linha:
                guard kind == .text else { return "\(f) formats a text field of digits" }
            case .upper, .pad:
                kind = .text
            }
        }
        return nil
    }

    /// Formats the value at `node` of `tape` through `filters` into `out` (cleared first);
    /// `scratch` is a spare buffer. Works on bytes: no `String` unless a filter needs Unicode
    /// rules (`upper` beyond Latin-1, a value's text in a message).
    static func apply(
        _ filters: UnsafeBufferPointer<Template.Filter>, to node: Int, of tape: JSONTape, into out: inout LetterBytes, scratch: inout LetterBytes
    ) throws(FilterProblem) {
        out.removeAll()
        var integer: Int? = nil
        let n = tape[node]
        switch n.kind {
        case .string, .number:
            tape.text.withUnsafeBufferPointer { out.appendBytes(UnsafeBufferPointer(rebasing: $0[Int(n.offset)..<(Int(n.offset) + Int(n.count))])) }
        case .integer:
            appendInteger(n.value, to: &out)
            integer = Int(n.value)
        case .true: out.append(contentsOf: Array("sim".utf8))
        case .false: out.append(contentsOf: Array("não".utf8))
        default: throw FilterProblem(message: "expected a value, found an object or a list")
        }
        for f in filters {
            switch f {
            case .money:
                guard let cents = integer else { throw FilterProblem(message: "expected integer centavos, found \"\(String(decoding: out.array, as: UTF8.self))\"") }
                out.removeAll()
                appendMoney(cents, to: &out)
                integer = nil
            case .date:
                guard let d = out.withUnsafeBufferPointer({ civilDate($0) }) else {
                    throw FilterProblem(message: "expected a date YYYY-MM-DD, found \"\(String(decoding: out.array, as: UTF8.self))\"")
                }
                out.removeAll()
                appendDate(d, to: &out)
            case .upper:
                if !out.withUnsafeBufferPointer({ upperLatin1($0, into: &scratch) }) {
                    scratch.removeAll()
                    scratch.append(contentsOf: Array(String(decoding: out.array, as: UTF8.self).uppercased().utf8))
                }
                swap(&out, &scratch)
            case .cpf:
                try out.withUnsafeBufferPointer { (b) throws(FilterProblem) in try mask(b, "###.###.###-##", "a CPF of 11 digits", into: &scratch) }
                swap(&out, &scratch)
            case .cnpj:
                try out.withUnsafeBufferPointer { (b) throws(FilterProblem) in try mask(b, "##.###.###/####-##", "a CNPJ of 14 characters", into: &scratch) }
                swap(&out, &scratch)
            case .document:
                // Its length without the masks' separators, should it come written with them.
                let length = out.withUnsafeBufferPointer { $0.lazy.filter({ $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: "/") }).count }
                if length == 11 {
                    try out.withUnsafeBufferPointer { (b) throws(FilterProblem) in try mask(b, "###.###.###-##", "a CPF", into: &scratch) }
                } else {
                    try out.withUnsafeBufferPointer { (b) throws(FilterProblem) in try mask(b, "##.###.###/####-##", "a CPF (11) or CNPJ (14)", into: &scratch) }
                }
                swap(&out, &scratch)
            case .cep:
                try out.withUnsafeBufferPointer { (b) throws(FilterProblem) in try mask(b, "#####-###", "a CEP of 8 digits", into: &scratch) }
                swap(&out, &scratch)
            case .linha:
                try out.withUnsafeBufferPointer { (b) throws(FilterProblem) in try mask(b, "#####.##### #####.###### #####.###### # ##############", "a linha digitável of 47 digits", into: &scratch) }
                swap(&out, &scratch)
            case .bars, .qr:
                break
            case .pad(let n):
                let width = out.withUnsafeBufferPointer { Self.width($0) }
                if width < abs(n) {
                    if n > 0 {
                        out.appendBlanks(abs(n) - width)
                    } else {
                        scratch.removeAll()
                        scratch.appendBlanks(abs(n) - width)
                        out.withUnsafeBufferPointer { scratch.appendBytes($0) }
                        swap(&out, &scratch)
                    }
                }
            }
        }
    }

    /// Appends an integer's decimal digits (with `-` when negative), as `String(value)` writes them.
    static func appendInteger<Out: ByteAppending>(_ value: Int64, to out: inout Out) {
        appendWrittenBackwards(24, to: &out) { writeInteger(value, endingAt: $0) }
    }

    /// Appends what `write` writes right to left, ending at the end of `room` bytes on the
    /// stack (it returns how many), at once.
    @inline(__always)
    static func appendWrittenBackwards<Out: ByteAppending>(_ room: Int, to out: inout Out, _ write: (UnsafeMutablePointer<UInt8>) -> Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: room) { b in
            let end = b.baseAddress! + room
            let n = write(end)
            out.appendBytes(UnsafeBufferPointer(start: end - n, count: n))
        }
    }

    /// Writes `value`'s decimal digits (with `-` when negative) right to left, the last just
    /// before `end`, and returns how many bytes they took: 20 at most.
    @inline(__always)
    static func writeInteger(_ value: Int64, endingAt end: UnsafeMutablePointer<UInt8>) -> Int {
        var d = JSONBytes.writeDigits(UInt(value.magnitude), endingAt: end)
        if value < 0 {
            d -= 1
            d[0] = UInt8(ascii: "-")
        }
        return end - d
    }

    /// The date of `YYYY-MM-DD` bytes, as `CivilDate(iso:)` reads it, without a `String`.
    static func civilDate<C: RandomAccessCollection<UInt8>>(_ b: C) -> CivilDate? where C.Index == Int {
        let s = b.startIndex
        guard b.count == 10, b[s + 4] == UInt8(ascii: "-"), b[s + 7] == UInt8(ascii: "-"),
            let y = Digits.value(b[s..<(s + 4)]), let m = Digits.value(b[(s + 5)..<(s + 7)]), let d = Digits.value(b[(s + 8)..<(s + 10)])
        else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    /// `String.uppercased()` of UTF-8 text made of ASCII and Latin-1 letters (`ç` → `Ç`), into
    /// `out`; false, with `out` undefined, when the text has other characters (`ß` → `SS`, `ÿ`,
    /// combining marks…), which the caller gives to `String`.
    static func upperLatin1(_ b: UnsafeBufferPointer<UInt8>, into out: inout LetterBytes) -> Bool {
        out.removeAll()
        // As many bytes out as in: written through a pointer into room made once.
        let o = out.room(b.count)
        let done = {
                var i = 0
                let n = b.count
                while i < n {
                    let c = b[i]
                    if c < 0x80 {
                        o[i] = c >= 0x61 && c <= 0x7A ? c - 0x20 : c
                        i += 1
                        continue
                    }
                    // U+00C0…U+00FF is C3 80…C3 BF: À…Þ and × stay, à…þ (not ÷) lose 0x20; ß and ÿ do not map to one Latin-1 letter.
                    guard c == 0xC3, i + 1 < n else { return false }
                    let d = b[i + 1]
                    switch d {
                    case 0x80...0x9E, 0xB7: o[i] = c; o[i + 1] = d
                    case 0xA0...0xBE: o[i] = c; o[i + 1] = d - 0x20
                    default: return false
                    }
                    i += 2
                }
                return true
        }()
        if done { out.advance(b.count) }
        return done
    }

    /// Characters in UTF-8 text (bytes that start a scalar).
    static func width(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in bytes where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// `R$ 1.234,56`; a negative amount `-R$ 1,00`. Exact: integer centavos, no rounding.
    static func money(_ cents: Int) -> [UInt8] {
        var out: [UInt8] = []
        appendMoney(cents, to: &out)
        return out
    }

    /// Appends `money(cents)`.
    static func appendMoney<Out: ByteAppending>(_ cents: Int, to out: inout Out) {
        appendWrittenBackwards(40, to: &out) { writeMoney(cents, endingAt: $0) }
    }

    /// Writes `money(cents)` right to left, its last byte just before `end`, and returns how
    /// many bytes it took: 29 at most (`-R$ ` and 17 digits of reais in groups of three).
    @inline(__always)
    static func writeMoney(_ cents: Int, endingAt end: UnsafeMutablePointer<UInt8>) -> Int {
        let magnitude = cents.magnitude
        var d = end
        let c = magnitude % 100
        d[-1] = UInt8(48 + c % 10)
        d[-2] = UInt8(48 + c / 10)
        d[-3] = UInt8(ascii: ",")
        d -= 3
        var reais = magnitude / 100
        var digits = 0
        repeat {
            if digits > 0, digits % 3 == 0 {
                d -= 1
                d[0] = UInt8(ascii: ".")
            }
            d -= 1
            d[0] = UInt8(48 + reais % 10)
            reais /= 10
            digits += 1
        } while reais > 0
        d[-1] = 0x20
        d[-2] = UInt8(ascii: "$")
        d[-3] = UInt8(ascii: "R")
        d -= 3
        if cents < 0 {
            d -= 1
            d[0] = UInt8(ascii: "-")
        }
        return end - d
    }

    /// `dd/MM/yyyy`.
    static func date(_ d: CivilDate) -> [UInt8] {
        var out: [UInt8] = []
        appendDate(d, to: &out)
        return out
    }

    /// Appends `date(d)`.
    static func appendDate<Out: ByteAppending>(_ d: CivilDate, to out: inout Out) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { b in
            writeDate(d, to: b.baseAddress!)
            out.appendBytes(UnsafeBufferPointer(b))
        }
    }

    /// Writes `dd/MM/yyyy` in the 10 bytes at `p`.
    @inline(__always)
    static func writeDate(_ d: CivilDate, to p: UnsafeMutablePointer<UInt8>) {
        p[0] = UInt8(48 + d.day / 10 % 10)
        p[1] = UInt8(48 + d.day % 10)
        p[2] = UInt8(ascii: "/")
        p[3] = UInt8(48 + d.month / 10 % 10)
        p[4] = UInt8(48 + d.month % 10)
        p[5] = UInt8(ascii: "/")
        p[6] = UInt8(48 + d.year / 1000 % 10)
        p[7] = UInt8(48 + d.year / 100 % 10)
        p[8] = UInt8(48 + d.year / 10 % 10)
        p[9] = UInt8(48 + d.year % 10)
    }

    /// The characters put in the `#`s of `pattern`, into `out` (cleared first); their count must match.
    static func mask(_ bytes: UnsafeBufferPointer<UInt8>, _ pattern: StaticString, _ expected: String, into out: inout LetterBytes) throws(FilterProblem) {
        let slots = UnsafeBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount)
        let isCharacter = { (b: UInt8) in (b >= 48 && b <= 57) || (b >= 65 && b <= 90) }
        // The usual value, as many characters as the mask has `#`s and nothing else: put in the
        // mask in one pass through a pointer, into room made once.
        out.removeAll()
        if bytes.count <= slots.count {
            let o = out.room(slots.count)
            var k = 0
            var j = 0
            while j < slots.count {
                let s = slots[j]
                if s == UInt8(ascii: "#") {
                    guard k < bytes.count, isCharacter(bytes[k]) else { break }
                    o[j] = bytes[k]
                    k += 1
                } else {
                    o[j] = s
                }
                j += 1
            }
            if j == slots.count, k == bytes.count {
                out.advance(slots.count)
                return
            }
        }
        var needed = 0
        for s in slots where s == UInt8(ascii: "#") { needed += 1 }
        // A value already written with separators (`80010-000`, `01.310-100`, `529.982.247-25`,
        // as an ERP or `letters select` may pass it on) is taken without them: the mask's own,
        // and `.` and `-` (which a CEP may carry, docs/letters.md), nothing else.
        let isSeparator = { (b: UInt8) in
            b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || (b != UInt8(ascii: "#") && slots.contains(b))
        }
        let characters = bytes.filter { !isSeparator($0) }
        guard characters.count == needed, characters.allSatisfy(isCharacter) else {
            throw FilterProblem(message: "expected \(expected), found \"\(String(decoding: bytes, as: UTF8.self))\"")
        }
        out.removeAll()
        var k = 0
        for s in slots {
            if s == UInt8(ascii: "#") {
                out.append(characters[k])
                k += 1
            } else {
                out.append(s)
            }
        }
    }
}
