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
    /// thousands separators in groups of three, at most two decimals.
    public static func amount(_ text: UnsafeBufferPointer<UInt8>, style: AmountStyle = .auto) -> Result<Int, ParseProblem> {
        var i = 0
        let n = text.count
        var negative = false
        func skipBlanks() { while i < n, text[i] == 0x20 || text[i] == 0xA0 { i += 1 } }
        if i < n, text[i] == UInt8(ascii: "-") { negative = true; i += 1; skipBlanks() }
        if i + 1 < n, text[i] == UInt8(ascii: "R"), text[i + 1] == UInt8(ascii: "$") {
            i += 2
            skipBlanks()
            if !negative, i < n, text[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        }
        // Digits and separators only from here.
        var intDigits: [UInt8] = []
        var groups: [Int] = []  // lengths of digit runs between separators
        var seps: [UInt8] = []
        var run = 0
        while i < n {
            let c = text[i]
            if c >= 48 && c <= 57 {
                intDigits.append(c)
                run += 1
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: ",") {
                groups.append(run)
                seps.append(c)
                run = 0
            } else {
                return .failure(ParseProblem("expected an amount such as 1.234,56 or 1234.56, found \(quote(text))"))
            }
            i += 1
        }
        groups.append(run)
        guard !intDigits.isEmpty, groups.allSatisfy({ $0 > 0 }) else {
            return .failure(ParseProblem("expected an amount such as 1.234,56 or 1234.56, found \(quote(text))"))
        }
        // Decide which separator (if any) is the decimal one.
        var decimal: UInt8? = nil
        switch style {
        case .br: decimal = seps.contains(UInt8(ascii: ",")) ? UInt8(ascii: ",") : nil
        case .plain: decimal = seps.contains(UInt8(ascii: ".")) ? UInt8(ascii: ".") : nil
        case .auto:
            if let last = seps.last {
                let other = last == UInt8(ascii: ",") ? UInt8(ascii: ".") : UInt8(ascii: ",")
                if seps.dropLast().contains(last) {
                    decimal = nil  // 1.234.567: every separator is a thousands one
                } else if seps.contains(other) {
                    decimal = last  // 1.234,56 or 1,234.56
                } else if last == UInt8(ascii: ",") {
                    decimal = last  // 1234,56
                } else if groups.last! == 3 {
                    return .failure(
                        ParseProblem(
                            "ambiguous amount \(quote(text)): 1.234 may be one thousand or one point two; set \"format\": \"br\" or \"plain\" in the map"))
                } else {
                    decimal = last  // 1234.5, 1234.56
                }
            }
        }
        // Check the shape: separators other than the decimal one split groups of 3.
        let decimalIndex = decimal.flatMap { d in seps.lastIndex(of: d) }
        if let d = decimal, seps.filter({ $0 == d }).count > 1 {
            return .failure(ParseProblem("expected one decimal separator in \(quote(text))"))
        }
        for (k, s) in seps.enumerated() where k != decimalIndex {
            if let di = decimalIndex, k > di { return .failure(ParseProblem("a thousands separator after the decimals in \(quote(text))")) }
            if s == decimal { continue }
            guard groups[k + 1] == 3, k > 0 || groups[0] <= 3 else {
                return .failure(ParseProblem("expected thousands in groups of three digits in \(quote(text))"))
            }
        }
        if let di = decimalIndex {
            guard di == seps.count - 1 else { return .failure(ParseProblem("expected the decimals last in \(quote(text))")) }
            if groups.last! > 2 {
                return .failure(ParseProblem("expected at most 2 decimal places (centavos), found \(groups.last!) in \(quote(text))"))
            }
        }
        let fraction = decimalIndex == nil ? 0 : groups.last!
        guard intDigits.count <= 17 else { return .failure(ParseProblem("amount too large: \(quote(text))")) }
        var value = 0
        for d in intDigits { value = value * 10 + Int(d - 48) }
        if fraction == 0 { value *= 100 } else if fraction == 1 { value *= 10 }
        return .success(negative ? -value : value)
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

    /// A civil date.
    public static func date(_ text: UnsafeBufferPointer<UInt8>, format: DateFormat = .auto) -> Result<CivilDate, ParseProblem> {
        let expected: String
        switch format {
        case .auto: expected = "a date dd/MM/yyyy, dd/MM/yy or yyyy-MM-dd"
        default: expected = "a date " + format.rawValue
        }
        let bad = ParseProblem("expected \(expected), found \(quote(text))")
        let parts = text.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        if parts.count == 3, format != .iso {
            guard (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
                let d = Digits.value(parts[0]), let m = Digits.value(parts[1]), let y = Digits.value(parts[2])
            else { return .failure(bad) }
            var year = y
            switch parts[2].count {
            case 4 where format != .ddMMyy: break
            case 2 where format != .ddMMyyyy: year = y < 70 ? 2000 + y : 1900 + y
            default: return .failure(bad)
            }
            guard let date = CivilDate(year: year, month: m, day: d) else {
                return .failure(ParseProblem("no such date: \(quote(text)) (day \(d), month \(m), year \(year))"))
            }
            return .success(date)
        }
        let iso = text.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        if iso.count == 3, format == .auto || format == .iso, iso[0].count == 4, iso[1].count == 2, iso[2].count == 2,
            let y = Digits.value(iso[0]), let m = Digits.value(iso[1]), let d = Digits.value(iso[2])
        {
            guard let date = CivilDate(year: y, month: m, day: d) else {
                return .failure(ParseProblem("no such date: \(quote(text))"))
            }
            return .success(date)
        }
        return .failure(bad)
    }

    /// A CEP: 8 digits, written `01310-100`, `01310100` or `01.310-100`.
    public static func cep(_ text: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], ParseProblem> {
        var digits: [UInt8] = []
        for b in text {
            if b >= 48 && b <= 57 { digits.append(b) } else if b == UInt8(ascii: "-") || b == UInt8(ascii: ".") { continue } else {
                return .failure(ParseProblem("expected a CEP (8 digits, 01310-100), found \(quote(text))"))
            }
        }
        guard digits.count == 8 else {
            let hint = digits.count == 7 ? " (a spreadsheet may have dropped a leading zero)" : ""
            return .failure(ParseProblem("expected a CEP of 8 digits, found \(digits.count) in \(quote(text))\(hint)"))
        }
        return .success(digits)
    }

    /// The 27 federative units.
    public static let ufs: Set<String> = [
        "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI", "RJ",
        "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
    ]

    /// A UF, two letters in either case → uppercase.
    public static func uf(_ text: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], ParseProblem> {
        let upper = text.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
        guard upper.count == 2, ufs.contains(String(decoding: upper, as: UTF8.self)) else {
            return .failure(ParseProblem("expected a UF (SP, RJ, MG…), found \(quote(text))"))
        }
        return .success(upper)
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

    static func quote<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let text = TextBytes.decode(bytes)
        return "\"" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "\""
    }
}

/// Why a cell's value was refused: what was expected and what was found.
public struct ParseProblem: Error, Sendable, Hashable {
    /// The message, lowercase, without a final period.
    public var message: String
    /// Creates a problem.
    public init(_ message: String) { self.message = message }
}
