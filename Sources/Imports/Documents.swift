/// CPF and CNPJ: shape and check digits (mod 11), the CNPJ alphanumeric as the Receita Federal
/// defines it from July 2026 (the 12 first characters 0-9 or A-Z, each worth its ASCII code
/// minus 48, so digits keep their value and A is 17; the two check digits stay digits).
public enum BrazilianDocument {
    /// What a document is.
    public enum Kind: String, Sendable {
        /// Cadastro de Pessoas Físicas, 11 digits.
        case cpf
        /// Cadastro Nacional da Pessoa Jurídica, 14 characters.
        case cnpj
    }

    /// Why a document was refused.
    public struct Problem: Error, Sendable, Hashable {
        /// What was expected and what was found.
        public var message: String
    }

    /// Reads a CPF or CNPJ written with or without punctuation (`.`, `/`, `-`; not blanks):
    /// returns its kind and its characters (letters uppercased), or the reason it is not one.
    public static func parse<C: Collection>(_ text: C) -> Result<(Kind, [UInt8]), Problem> where C.Element == UInt8 {
        let bytes = Array(text)
        var out = ByteBuffer(capacity: 32)
        defer { out.deallocate() }
        let result = bytes.withUnsafeBufferPointer { append($0, to: &out) }
        switch result {
        case .success(let kind): return .success((kind, Array(out.bytes.dropFirst().dropLast())))
        case .failure(let p): return .failure(p)
        }
    }

    /// Appends the document's characters as a JSON string (letters uppercased, punctuation
    /// dropped) and returns its kind, or leaves `out` as it was and returns the problem.
    /// Allocates nothing for a valid document.
    public static func append(_ text: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer) -> Result<Kind, Problem> {
        let mark = out.count
        out.append(0x22)
        var letters = false
        for (k, b) in text.enumerated() {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): out.append(b)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(b); letters = true
            case UInt8(ascii: "a")...UInt8(ascii: "z"): out.append(b - 32); letters = true
            case _ where DocumentText.isPunctuation(b): continue
            default:
                out.truncate(to: mark)
                let found = b == 0x20 ? "a blank (U+0020 SPACE) between its characters" : CellParsers.character(in: text, at: k)
                return .failure(Problem(message: "expected a CPF or CNPJ (digits, A-Z, and . / - only), found \(found)"))
            }
        }
        let count = out.count - mark - 1
        let d = UnsafeBufferPointer(start: out.base + mark + 1, count: count)
        let allEqual = d.allSatisfy { $0 == d[0] }
        if count == 11 && !letters {
            guard !allEqual else {
                out.truncate(to: mark)
                let reason = "a CPF whose 11 digits are all equal is refused (its check digits match, but no such CPF is issued)"
                return .failure(Problem(message: "\(quoted(Array(d))): \(reason)"))
            }
            guard isValidCPF(d) else { out.truncate(to: mark); return .failure(Problem(message: "CPF check digits do not match")) }
            out.append(0x22)
            return .success(.cpf)
        }
        if count == 14 {
            guard d[12] <= UInt8(ascii: "9"), d[13] <= UInt8(ascii: "9") else {
                out.truncate(to: mark)
                return .failure(Problem(message: "a CNPJ's last two characters (check digits) must be digits"))
            }
            guard !allEqual else {
                out.truncate(to: mark)
                let reason = "a CNPJ whose 14 characters are all equal is refused (no such CNPJ is issued)"
                return .failure(Problem(message: "\(quoted(Array(d))): \(reason)"))
            }
            guard isValidCNPJ(d) else { out.truncate(to: mark); return .failure(Problem(message: "CNPJ check digits do not match")) }
            out.append(0x22)
            return .success(.cnpj)
        }
        out.truncate(to: mark)
        var hint = ""
        if !letters && (count == 9 || count == 10 || count == 12 || count == 13) {
            hint = " (a spreadsheet may have dropped leading zeros)"
        }
        return .failure(Problem(message: "expected a CPF (11 digits) or a CNPJ (14 characters), found \(count) characters\(hint)"))
    }

    /// Whether 11 digits are a CPF: both check digits match and the digits are not all equal.
    public static func isValidCPF(_ d: [UInt8]) -> Bool { d.withUnsafeBufferPointer { isValidCPF($0) } }

    static func isValidCPF(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        guard d.count == 11 else { return false }
        var allEqual = true
        for b in d {
            if b &- 48 > 9 { return false }
            if b != d[0] { allEqual = false }
        }
        if allEqual { return false }
        func check(_ n: Int) -> Int {
            var sum = 0
            for i in 0..<n { sum += Int(d[i] - 48) * (n + 1 - i) }
            let r = sum % 11
            return r < 2 ? 0 : 11 - r
        }
        return check(9) == Int(d[9] - 48) && check(10) == Int(d[10] - 48)
    }

    /// Whether 14 characters are a CNPJ (numeric or alphanumeric): the 12 first 0-9 or A-Z, the
    /// check digits matching, and not all characters equal.
    public static func isValidCNPJ(_ d: [UInt8]) -> Bool { d.withUnsafeBufferPointer { isValidCNPJ($0) } }

    static func isValidCNPJ(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        guard d.count == 14 else { return false }
        var allEqual = true
        for i in 0..<14 {
            let c = d[i]
            let digit = c &- 48 < 10
            let letter = c &- 65 < 26
            if i < 12 ? !(digit || letter) : !digit { return false }
            if c != d[0] { allEqual = false }
        }
        if allEqual { return false }
        let (a, b) = checkDigits(UnsafeBufferPointer(rebasing: d[0..<12]))
        return a == Int(d[12] - 48) && b == Int(d[13] - 48)
    }

    /// The two check digits of a CNPJ's 12-character body (0-9, A-Z), by mod 11 over the
    /// characters' ASCII codes minus 48.
    public static func checkDigits(cnpjBody body: [UInt8]) -> (Int, Int) {
        body.withUnsafeBufferPointer { checkDigits($0) }
    }

    static func checkDigits(_ body: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        // Weights 2…9 from the right, restarting at 2.
        var sum1 = 0
        var sum2 = 0
        for i in 0..<12 {
            let v = Int(body[i]) - 48
            let fromRight1 = 11 - i  // position from the right in the 12-character body, 0-based
            sum1 += v * (fromRight1 % 8 + 2)
            let fromRight2 = 12 - i  // in the 13 characters body + first digit
            sum2 += v * (fromRight2 % 8 + 2)
        }
        let r1 = sum1 % 11
        let first = r1 < 2 ? 0 : 11 - r1
        sum2 += first * 2
        let r2 = sum2 % 11
        return (first, r2 < 2 ? 0 : 11 - r2)
    }

    static func quoted(_ bytes: [UInt8]) -> String {
        "\"" + TextBytes.decode(bytes) + "\""
    }
}

import Records
