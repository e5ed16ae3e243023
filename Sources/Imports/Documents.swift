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

    /// Reads a CPF or CNPJ written with or without punctuation (`.`, `/`, `-`, blanks):
    /// returns its kind and its characters (letters uppercased), or the reason it is not one.
    public static func parse<C: Collection>(_ text: C) -> Result<(Kind, [UInt8]), Problem> where C.Element == UInt8 {
        var chars: [UInt8] = []
        chars.reserveCapacity(14)
        for b in text {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"): chars.append(b)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): chars.append(b - 32)
            case UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: " "): continue
            default:
                return .failure(Problem(message: "expected a CPF or CNPJ (digits, A-Z, and . / - only), found a \(quoted([b]))"))
            }
        }
        let letters = chars.contains { $0 >= UInt8(ascii: "A") }
        if chars.count == 11 && !letters {
            guard isValidCPF(chars) else { return .failure(Problem(message: "CPF check digits do not match")) }
            return .success((.cpf, chars))
        }
        if chars.count == 14 {
            guard chars[12] <= UInt8(ascii: "9"), chars[13] <= UInt8(ascii: "9") else {
                return .failure(Problem(message: "a CNPJ's last two characters (check digits) must be digits"))
            }
            guard isValidCNPJ(chars) else { return .failure(Problem(message: "CNPJ check digits do not match")) }
            return .success((.cnpj, chars))
        }
        var hint = ""
        if !letters && (chars.count == 9 || chars.count == 10 || chars.count == 12 || chars.count == 13) {
            hint = " (a spreadsheet may have dropped leading zeros)"
        }
        return .failure(Problem(message: "expected a CPF (11 digits) or a CNPJ (14 characters), found \(chars.count) characters\(hint)"))
    }

    /// Whether 11 digits are a CPF: both check digits match and the digits are not all equal.
    public static func isValidCPF(_ d: [UInt8]) -> Bool {
        guard d.count == 11, d.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        if d.allSatisfy({ $0 == d[0] }) { return false }
        let v = d.map { Int($0) - 48 }
        func check(_ n: Int) -> Int {
            var sum = 0
            for i in 0..<n { sum += v[i] * (n + 1 - i) }
            let r = sum % 11
            return r < 2 ? 0 : 11 - r
        }
        return check(9) == v[9] && check(10) == v[10]
    }

    /// Whether 14 characters are a CNPJ (numeric or alphanumeric): the 12 first 0-9 or A-Z, the
    /// check digits matching, and not all characters equal.
    public static func isValidCNPJ(_ d: [UInt8]) -> Bool {
        guard d.count == 14 else { return false }
        for (i, c) in d.enumerated() {
            let digit = c >= 48 && c <= 57
            let letter = c >= 65 && c <= 90
            if i < 12 ? !(digit || letter) : !digit { return false }
        }
        if d.allSatisfy({ $0 == d[0] }) { return false }
        return checkDigits(cnpjBody: Array(d[0..<12])) == (Int(d[12]) - 48, Int(d[13]) - 48)
    }

    /// The two check digits of a CNPJ's 12-character body (0-9, A-Z), by mod 11 over the
    /// characters' ASCII codes minus 48.
    public static func checkDigits(cnpjBody body: [UInt8]) -> (Int, Int) {
        let v = body.map { Int($0) - 48 }
        func check(_ values: [Int]) -> Int {
            var sum = 0
            var weight = 2
            for x in values.reversed() {
                sum += x * weight
                weight = weight == 9 ? 2 : weight + 1
            }
            let r = sum % 11
            return r < 2 ? 0 : 11 - r
        }
        let first = check(v)
        return (first, check(v + [first]))
    }

    static func quoted(_ bytes: [UInt8]) -> String {
        "\"" + TextBytes.decode(bytes) + "\""
    }
}

import Records
