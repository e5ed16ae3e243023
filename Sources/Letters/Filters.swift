import Records

/// Why a filter cannot format a value.
struct FilterProblem: Error {
    var message: String
}

/// The template filters: `money`, `date`, `upper`, `cpf`, `cnpj`, `document`, `cep`, `linha`,
/// `bars`, `pad:N` (left-aligned in N characters; `pad:-N` right-aligned).
enum Filters {
    static let names = ["money", "date", "upper", "cpf", "cnpj", "document", "cep", "linha", "bars", "pad:N", "pad:-N"]

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
        default:
            guard text.hasPrefix("pad:"), let n = Int(text.dropFirst(4)), n != 0, abs(n) <= 200 else { return nil }
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
            case .cpf, .cnpj, .document, .cep, .linha:
                guard kind == .text else { return "\(f) formats a text field of digits" }
            case .upper, .pad:
                kind = .text
            }
        }
        return nil
    }

    static func apply(_ filters: [Template.Filter], to value: JSONValue) throws(FilterProblem) -> [UInt8] {
        var bytes: [UInt8]
        var integer: Int? = nil
        switch value {
        case .string(let s): bytes = Array(s.utf8)
        case .number(let n):
            bytes = Array(n.text.utf8)
            integer = n.exactInteger.map { Int($0) }
        case .bool(let b): bytes = Array((b ? "sim" : "não").utf8)
        default: throw FilterProblem(message: "expected a value, found an object or a list")
        }
        for f in filters {
            switch f {
            case .money:
                guard let cents = integer else { throw FilterProblem(message: "expected integer centavos, found \"\(String(decoding: bytes, as: UTF8.self))\"") }
                bytes = money(cents)
                integer = nil
            case .date:
                guard let d = CivilDate(iso: String(decoding: bytes, as: UTF8.self)) else {
                    throw FilterProblem(message: "expected a date YYYY-MM-DD, found \"\(String(decoding: bytes, as: UTF8.self))\"")
                }
                bytes = date(d)
            case .upper:
                bytes = Array(String(decoding: bytes, as: UTF8.self).uppercased().utf8)
            case .cpf:
                bytes = try mask(bytes, "###.###.###-##", "a CPF of 11 digits")
            case .cnpj:
                bytes = try mask(bytes, "##.###.###/####-##", "a CNPJ of 14 characters")
            case .document:
                bytes = bytes.count == 11 ? try mask(bytes, "###.###.###-##", "a CPF") : try mask(bytes, "##.###.###/####-##", "a CPF (11) or CNPJ (14)")
            case .cep:
                bytes = try mask(bytes, "#####-###", "a CEP of 8 digits")
            case .linha:
                bytes = try mask(bytes, "#####.##### #####.###### #####.###### # ##############", "a linha digitável of 47 digits")
            case .bars:
                break
            case .pad(let n):
                let width = Self.width(bytes)
                if width < abs(n) {
                    let fill = [UInt8](repeating: 0x20, count: abs(n) - width)
                    bytes = n > 0 ? bytes + fill : fill + bytes
                }
            }
        }
        return bytes
    }

    /// Characters in UTF-8 text (bytes that start a scalar).
    static func width(_ bytes: [UInt8]) -> Int {
        var n = 0
        for b in bytes where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// `R$ 1.234,56`; a negative amount `-R$ 1,00`. Exact: integer centavos, no rounding.
    static func money(_ cents: Int) -> [UInt8] {
        let magnitude = cents.magnitude
        let reais = String(magnitude / 100)
        var grouped: [UInt8] = []
        for (k, c) in reais.utf8.enumerated() {
            if k > 0, (reais.utf8.count - k) % 3 == 0 { grouped.append(UInt8(ascii: ".")) }
            grouped.append(c)
        }
        let c = Int(magnitude % 100)
        return Array((cents < 0 ? "-R$ " : "R$ ").utf8) + grouped + [UInt8(ascii: ","), UInt8(48 + c / 10), UInt8(48 + c % 10)]
    }

    /// `dd/MM/yyyy`.
    static func date(_ d: CivilDate) -> [UInt8] {
        var b = [UInt8](repeating: UInt8(ascii: "/"), count: 10)
        Digits.write(d.day, width: 2, into: &b, at: 0)
        Digits.write(d.month, width: 2, into: &b, at: 3)
        Digits.write(d.year, width: 4, into: &b, at: 6)
        return b
    }

    /// The characters put in the `#`s of `pattern`; their count must match.
    static func mask(_ bytes: [UInt8], _ pattern: StaticString, _ expected: String) throws(FilterProblem) -> [UInt8] {
        let slots = UnsafeBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount)
        let needed = slots.filter { $0 == UInt8(ascii: "#") }.count
        guard bytes.count == needed, bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) }) else {
            throw FilterProblem(message: "expected \(expected), found \"\(String(decoding: bytes, as: UTF8.self))\"")
        }
        var out: [UInt8] = []
        var k = 0
        for s in slots {
            if s == UInt8(ascii: "#") {
                out.append(bytes[k])
                k += 1
            } else {
                out.append(s)
            }
        }
        return out
    }
}
