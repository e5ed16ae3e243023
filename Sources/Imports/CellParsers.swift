import Records

/// Parsers for the cell types of a column map. Each takes a cell's bytes with surrounding
/// blanks already removed and returns the value or a message saying what was expected.
public enum CellParsers {
    /// How an amount is written.
    public enum AmountStyle: String, Sendable {
        /// `1.234,56` (comma decimals, dot thousands) or `1234.56`, told apart by the separators;
        /// a lone dot followed by three digits (`1.234`) is ambiguous and refused.
        case auto
        /// Brazilian: `1.234,56`, `1234,56`, `R$ 1.234,56`.
        case br
        /// Plain: `1234.56` (no thousands separator, or `,` thousands: `1,234.56`).
        case plain
    }

    /// An amount in integer centavos, exactly: optional `R$`, a sign (`-` before or after `R$`),
    /// thousands separators in groups of three, at most two decimals. Allocates nothing unless
    /// the text is refused.
    public static func amount(_ text: UnsafeBufferPointer<UInt8>, style: AmountStyle = .auto) -> Result<Int, ParseProblem> {
        let dot = UInt8(ascii: "."), comma = UInt8(ascii: ",")
        var i = 0
        var negative = false
        // Whether the cell is UTF-8 (else Windows-1252), looked at only when a byte beyond ASCII
        // may be a no-break space.
        var utf8: Bool? = nil
        /// The bytes of a blank at `k`: a space, or a no-break space (U+00A0; U+202F narrow, as
        /// CLDR's pt-BR currency format writes after R$) in the cell's encoding; 0 for none.
        func blank(_ k: Int) -> Int {
            let c = text[k]
            if c == 0x20 { return 1 }
            if c < 0x80 { return 0 }
            if utf8 == nil { utf8 = TextBytes.isValidUTF8(text) }
            if utf8 == true {
                if c == 0xC2, k + 1 < text.count, text[k + 1] == 0xA0 { return 2 }
                if c == 0xE2, k + 2 < text.count, text[k + 1] == 0x80, text[k + 2] == 0xAF { return 3 }
                return 0
            }
            return c == 0xA0 ? 1 : 0
        }
        // Blanks around the value (the caller trimmed spaces and tabs, not no-break spaces).
        var n = text.count
        while n > 0 {
            if text[n - 1] == 0x20 {
                n -= 1
            } else if text[n - 1] < 0x80 {
                break
            } else if n >= 2, blank(n - 2) == 2 {
                n -= 2
            } else if n >= 3, blank(n - 3) == 3 {
                n -= 3
            } else if blank(n - 1) == 1 {
                n -= 1
            } else {
                break
            }
        }
        func skipBlanks() {
            while i < n {
                let w = blank(i)
                if w == 0 { return }
                i += w
            }
        }
        func bad(at k: Int = -1) -> Result<Int, ParseProblem> {
            // A blank between the digits: the thousands separator of another locale (fr-FR,
            // a no-break space), or the digits of two cells run together.
            var hint = ""
            if k >= 0, blank(k) > 0 {
                hint = " (a blank is not a thousands separator: write 1.234,56 or 1234,56)"
            } else if k >= 0, text[k] >= 0x80 {
                // Beyond ASCII and printing like one (U+2212 MINUS SIGN, a full-width digit).
                hint = " (\(character(in: text, at: k)) is not a digit, separator or sign an amount may have)"
            }
            return .failure(ParseProblem("expected an amount such as 1.234,56 or 1234.56, found \(quote(text))\(hint)"))
        }
        skipBlanks()
        if i < n, text[i] == UInt8(ascii: "-") { negative = true; i += 1; skipBlanks() }
        if i + 1 < n, text[i] == UInt8(ascii: "R"), text[i + 1] == UInt8(ascii: "$") {
            i += 2
            skipBlanks()
            if !negative, i < n, text[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        }
        let from = i
        // Pass 1: the characters, the separators, the first and last digit runs.
        var dots = 0, commas = 0, run = 0, firstRun = -1, digits = 0
        var lastSep: UInt8 = 0
        while i < n {
            let c = text[i]
            if c &- 48 < 10 {
                run += 1
                digits += 1
            } else if c == dot || c == comma {
                if run == 0 { return bad() }
                if firstRun < 0 { firstRun = run }
                if c == dot { dots += 1 } else { commas += 1 }
                lastSep = c
                run = 0
            } else {
                return bad(at: i)
            }
            i += 1
        }
        if run == 0 { return bad() }
        let lastRun = run
        if firstRun < 0 { firstRun = run }
        var decimal: UInt8 = 0
        switch style {
        case .br: decimal = commas > 0 ? comma : 0
        case .plain: decimal = dots > 0 ? dot : 0
        case .auto:
            if dots + commas > 0 {
                let same = lastSep == comma ? commas : dots
                let other = lastSep == comma ? dots : commas
                if same > 1 {
                    decimal = 0
                } else if other > 0 || lastSep == comma {
                    decimal = lastSep
                } else if lastRun == 3 {
                    return .failure(
                        ParseProblem(
                            "ambiguous amount \(quote(text)): 1.234 may be one thousand or one point two; set \"format\": \"br\" or \"plain\" in the map"))
                } else {
                    decimal = lastSep
                }
            }
        }
        if decimal != 0 {
            if (decimal == comma ? commas : dots) > 1 { return .failure(ParseProblem("expected one decimal separator in \(quote(text))")) }
            if lastSep != decimal { return .failure(ParseProblem("expected the decimals last in \(quote(text))")) }
            if lastRun > 2 {
                return .failure(ParseProblem("expected at most 2 decimal places (centavos), found \(lastRun) in \(quote(text))"))
            }
        }
        let thousands = dots + commas - (decimal == 0 ? 0 : 1)
        if thousands > 0, firstRun > 3 { return .failure(ParseProblem("expected thousands in groups of three digits in \(quote(text))")) }
        if digits > 17 { return .failure(ParseProblem("amount too large: \(quote(text))")) }
        // Pass 2: groups after thousands separators have 3 digits; the value.
        var value = 0
        var fraction = 0
        var inFraction = false
        var seps = 0
        run = 0
        i = from
        while i < n {
            let c = text[i]
            if c &- 48 < 10 {
                value = value &* 10 &+ Int(c &- 48)
                run += 1
                if inFraction { fraction += 1 }
            } else {
                if seps > 0, !inFraction, run != 3 { return .failure(ParseProblem("expected thousands in groups of three digits in \(quote(text))")) }
                seps += 1
                if decimal != 0, seps == dots + commas { inFraction = true }
                run = 0
            }
            i += 1
        }
        if seps > 0, !inFraction, run != 3 { return .failure(ParseProblem("expected thousands in groups of three digits in \(quote(text))")) }
        // 17 digits fit an Int, but not once a whole number of reais becomes centavos.
        let (cents, overflow) = value.multipliedReportingOverflow(by: fraction == 0 ? 100 : fraction == 1 ? 10 : 1)
        if overflow { return .failure(ParseProblem("amount too large: \(quote(text))")) }
        return .success(negative ? -cents : cents)
    }

    /// The order of a date's parts.
    public enum DateFormat: String, Sendable {
        /// `dd/MM/yyyy`, `dd/MM/yy` (one-digit day or month accepted) or `yyyy-MM-dd`, by shape.
        case auto
        /// `dd/MM/yyyy` (also `d/M/yyyy`).
        case ddMMyyyy = "dd/MM/yyyy"
        /// `dd/MM/yy`: 00-69 is 2000-2069, 70-99 is 1970-1999.
        case ddMMyy = "dd/MM/yy"
        /// ISO `yyyy-MM-dd`.
        case iso = "yyyy-MM-dd"
    }

    /// A civil date. Allocates nothing unless the text is refused.
    public static func date(_ text: UnsafeBufferPointer<UInt8>, format: DateFormat = .auto) -> Result<CivilDate, ParseProblem> {
        func bad() -> Result<CivilDate, ParseProblem> {
            let expected = format == .auto ? "a date dd/MM/yyyy, dd/MM/yy or yyyy-MM-dd" : "a date " + format.rawValue
            return .failure(ParseProblem("expected \(expected), found \(quote(text))"))
        }
        let n = text.count
        /// The digits from `i` up to a non-digit: (value, count, next index).
        func number(_ from: Int) -> (Int, Int, Int) {
            var i = from
            var v = 0
            while i < n, text[i] &- 48 < 10, i - from < 5 {
                v = v * 10 + Int(text[i] &- 48)
                i += 1
            }
            return (v, i - from, i)
        }
        let (a, an, ai) = number(0)
        guard an > 0, ai < n else { return bad() }
        let sep = text[ai]
        let (b, bn, bi) = number(ai + 1)
        guard bn > 0, bi < n, text[bi] == sep else { return bad() }
        let (c, cn, ci) = number(bi + 1)
        guard cn > 0, ci == n else { return bad() }
        var y = 0, m = 0, d = 0
        if sep == UInt8(ascii: "/"), format != .iso, an <= 2, bn <= 2 {
            d = a
            m = b
            switch cn {
            case 4 where format != .ddMMyy: y = c
            case 2 where format != .ddMMyyyy: y = c < 70 ? 2000 + c : 1900 + c
            default: return bad()
            }
        } else if sep == UInt8(ascii: "-"), format == .auto || format == .iso, an == 4, bn == 2, cn == 2 {
            y = a
            m = b
            d = c
        } else {
            return bad()
        }
        guard let date = CivilDate(year: y, month: m, day: d) else {
            return .failure(ParseProblem("no such date: \(quote(text)) (day \(d), month \(m), year \(y))"))
        }
        return .success(date)
    }

    /// A CEP's 8 digits appended to `out` as a JSON string, or the problem.
    static func cep(_ text: UnsafeBufferPointer<UInt8>, into out: inout ByteBuffer) -> ParseProblem? {
        let mark = out.count
        out.append(0x22)
        var count = 0
        for b in text {
            if b &- 48 < 10 {
                out.append(b)
                count += 1
            } else if b != UInt8(ascii: "-") && b != UInt8(ascii: ".") {
                out.truncate(to: mark)
                return ParseProblem("expected a CEP (8 digits, 01310-100), found \(quote(text))")
            }
        }
        guard count == 8 else {
            out.truncate(to: mark)
            let hint = count == 7 ? " (a spreadsheet may have dropped a leading zero)" : ""
            return ParseProblem("expected a CEP of 8 digits, found \(count) in \(quote(text))\(hint)")
        }
        out.append(0x22)
        return nil
    }

    /// Which two-letter codes are UFs: index (first - A) * 26 + (second - A).
    static let ufTable: [Bool] = {
        var t = [Bool](repeating: false, count: 26 * 26)
        for uf in ufs {
            let b = Array(uf.utf8)
            t[Int(b[0] - 65) * 26 + Int(b[1] - 65)] = true
        }
        return t
    }()

    /// A UF appended to `out` as an uppercase JSON string, or the problem.
    static func uf(_ text: UnsafeBufferPointer<UInt8>, into out: inout ByteBuffer) -> ParseProblem? {
        if text.count == 2 {
            let a = text[0] & 0xDF, b = text[1] & 0xDF
            if a &- 65 < 26, b &- 65 < 26, text[0] | 0x20 &- 97 < 26, text[1] | 0x20 &- 97 < 26,
                ufTable[Int(a - 65) * 26 + Int(b - 65)]
            {
                out.append(0x22)
                out.append(a)
                out.append(b)
                out.append(0x22)
                return nil
            }
        }
        return ParseProblem("expected a UF (SP, RJ, MG…), found \(quote(text))")
    }

    /// A CEP: 8 digits, written `01310-100`, `01310100` or `01.310-100`.
    public static func cep(_ text: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], ParseProblem> {
        var out = ByteBuffer(capacity: 16)
        defer { out.deallocate() }
        if let p = cep(text, into: &out) { return .failure(p) }
        return .success(Array(out.bytes.dropFirst().dropLast()))
    }

    /// The 27 federative units.
    public static let ufs: Set<String> = [
        "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI", "RJ",
        "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
    ]

    /// A UF, two letters in either case → uppercase.
    public static func uf(_ text: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], ParseProblem> {
        var out = ByteBuffer(capacity: 16)
        defer { out.deallocate() }
        if let p = uf(text, into: &out) { return .failure(p) }
        return .success(Array(out.bytes.dropFirst().dropLast()))
    }

    /// An integer: optional sign, digits.
    public static func integer(_ text: UnsafeBufferPointer<UInt8>) -> Result<Int, ParseProblem> {
        var body = text[...]
        var negative = false
        if let f = body.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
            negative = f == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        guard body.count <= 18, let v = Digits.value(body) else {
            return .failure(ParseProblem("expected an integer, found \(quote(text))"))
        }
        return .success(negative ? -v : v)
    }

    /// Digits only (an identifier: agency, account, nosso número), leading zeros kept.
    public static func digits(_ text: UnsafeBufferPointer<UInt8>) -> Result<Void, ParseProblem> {
        guard !text.isEmpty, text.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return .failure(ParseProblem("expected digits only, found \(quote(text))"))
        }
        return .success(())
    }

    /// A cell's text in quotes for a message (UTF-8, or Windows-1252 bytes), cut after 40
    /// characters; a character that prints as nothing or as a blank but is not a space (a
    /// no-break space, a control, a zero-width mark) is shown as its code, `<U+00A0>`.
    static func quote<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let text = TextBytes.decode(bytes)
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        var out = String.UnicodeScalarView()
        for s in shown.unicodeScalars {
            if isInvisible(s) {
                out.append(contentsOf: "<\(code(s))>".unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return "\"" + String(out) + "\""
    }

    /// Whether a character prints as nothing or as a blank without being a space.
    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        if s == " " { return false }
        if s.value < 0x20 || (0x7F...0x9F).contains(s.value) { return true }
        let p = s.properties
        return p.isWhitespace || p.generalCategory == .format || p.generalCategory == .control
    }

    /// `U+00A0`.
    static func code(_ s: Unicode.Scalar) -> String { Diagnostic.code(of: s.value) }

    /// The character that starts at byte `k` of a cell, for a message: `"_"` for ASCII,
    /// `"５" (U+FF15 FULLWIDTH DIGIT FIVE)` beyond it (decoded as UTF-8 when the cell is, else
    /// as Windows-1252: never a UTF-8 byte shown as a Latin-1 letter), `U+00A0 NO-BREAK SPACE`
    /// for one that prints as nothing or as a blank.
    static func character(in text: UnsafeBufferPointer<UInt8>, at k: Int) -> String {
        var scalar = Unicode.Scalar(text[k])
        if text[k] >= 0x80 {
            if TextBytes.isValidUTF8(text) {
                var bytes = text[k...].makeIterator()
                var decoder = UTF8()
                if case .scalarValue(let s) = decoder.decode(&bytes) { scalar = s }
            } else if let s = Unicode.Scalar(TextBytes.cp1252Scalar(text[k])) {
                scalar = s
            }
        }
        let named = code(scalar) + (scalar.properties.name.map { " " + $0 } ?? "")
        if isInvisible(scalar) { return named }
        return "\"\(Character(scalar))\"" + (scalar.isASCII ? "" : " (\(named))")
    }
}

/// Why a cell's value was refused: what was expected and what was found.
public struct ParseProblem: Error, Sendable, Hashable {
    /// The message, lowercase, without a final period.
    public var message: String
    /// Creates a problem.
    public init(_ message: String) { self.message = message }
}
