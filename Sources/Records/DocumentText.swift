/// How people write a CPF or CNPJ (`529.982.247-25`, `12.abc.345/01de-35`): its characters with
/// `.`, `/` or `-` between them, letters in either case. One rule for every stage that takes a
/// document: `troca import` reads it so, `cnab write` and `convert --to flat` write it so (the
/// punctuation dropped, letters uppercase), and `reconcile` and `update` compare it so (`key`).
/// A blank is no punctuation (`529 982 247 25` is refused, as docs/maps.md says and as a CEP
/// `01310 100` is): two numbers pasted into one cell must not pass as one document. The check
/// digits are here too, for every module (`BrazilianDocument` in Imports builds its messages on
/// them).
public enum DocumentText {
    /// Whether `b` is punctuation a written document may carry between its characters.
    @inlinable @inline(__always)
    public static func isPunctuation(_ b: UInt8) -> Bool {
        b == 0x2E || b == 0x2F || b == 0x2D
    }

    /// Whether any byte of `bytes` is punctuation.
    @inlinable
    public static func hasPunctuation<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.contains(where: isPunctuation)
    }

    /// The document's characters: punctuation dropped, ASCII letters uppercase; any other byte
    /// kept as it is, for the caller to refuse.
    @inlinable
    public static func bare<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes where !isPunctuation(b) { out.append(b &- 97 < 26 ? b - 32 : b) }
        return out
    }

    /// The text a document is compared and grouped by (`troca reconcile`, `troca update`): its
    /// characters as `bare` gives them, so `111.444.777-35` and `11144477735` are one party. A
    /// document of digits only, as nearly all are, is returned as it is (nothing is made).
    @inlinable
    public static func key(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 &- 48 < 10 }) { return text }
        return String(decoding: bare(text.utf8), as: UTF8.self)
    }

    /// Whether `key` (a document as `key` or `bare` gives it) is a CPF (11 digits) or a CNPJ
    /// (14 characters, alphanumeric accepted) whose check digits match.
    public static func isValid(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { d in d.count == 11 ? isValidCPF(d) : d.count == 14 ? isValidCNPJ(d) : false }
    }

    /// Whether 11 bytes are a CPF: digits whose both check digits match, not all equal.
    public static func isValidCPF(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
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

    /// Whether 14 bytes are a CNPJ (numeric or alphanumeric): the 12 first 0-9 or A-Z, the
    /// check digits matching, and not all characters equal.
    public static func isValidCNPJ(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
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
        let (a, b) = cnpjCheckDigits(UnsafeBufferPointer(rebasing: d[0..<12]))
        return a == Int(d[12] - 48) && b == Int(d[13] - 48)
    }

    /// The two check digits of a CNPJ's 12-character body (0-9, A-Z), by mod 11 over the
    /// characters' ASCII codes minus 48 (the Receita Federal's rule from July 2026: digits
    /// keep their value, A is 17).
    public static func cnpjCheckDigits(_ body: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
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
}

extension String {
    /// The text without leading and trailing blanks and tabs (a CSV cell, a header name), found
    /// in its UTF-8 bytes: one pass, however many blanks (trimming a `Substring` a character at
    /// a time counted the rest each time, and a header cell of 32,000 blanks took 18 seconds).
    public var trimmingBlanks: String {
        let bytes = utf8
        guard let a = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
            let b = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
        else { return "" }
        return String(decoding: bytes[a...b], as: UTF8.self)
    }
}
