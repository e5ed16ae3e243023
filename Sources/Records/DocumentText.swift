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
    /// (Straight-line code: the digits checked a word at a time, the weighted sums unrolled.)
    public static func isValidCPF(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        guard d.count == 11, let p = d.baseAddress else { return false }
        // Bytes 0-7 and 3-10: every byte of the 11 in one word or the other.
        let w0 = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let w1 = UnsafeRawPointer(p + 3).loadUnaligned(as: UInt64.self)
        guard areDigits(w0), areDigits(w1) else { return false }
        return isValidCPFDigits(p)
    }

    /// `isValidCPF` of 11 bytes already known to be ASCII digits: not all equal, and both check
    /// digits matching.
    @inline(__always)
    public static func isValidCPFDigits(_ p: UnsafePointer<UInt8>) -> Bool {
        // Bytes 0-7 and 3-10: every byte of the 11 in one word or the other.
        let first = UInt64(p[0]) &* 0x0101_0101_0101_0101
        if UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) == first && UnsafeRawPointer(p + 3).loadUnaligned(as: UInt64.self) == first {
            return false
        }
        @inline(__always) func v(_ i: Int) -> Int { Int(p[i] &- 48) }
        let body = v(0) &* 10 &+ v(1) &* 9 &+ v(2) &* 8 &+ v(3) &* 7 &+ v(4) &* 6 &+ v(5) &* 5 &+ v(6) &* 4 &+ v(7) &* 3
            &+ v(8) &* 2
        let r1 = body % 11
        let c1 = r1 < 2 ? 0 : 11 &- r1
        guard c1 == v(9) else { return false }
        // The second sum's weights are the first's plus one, and the first check digit's 2.
        let sum2 = body &+ v(0) &+ v(1) &+ v(2) &+ v(3) &+ v(4) &+ v(5) &+ v(6) &+ v(7) &+ v(8) &+ c1 &* 2
        let r2 = sum2 % 11
        return (r2 < 2 ? 0 : 11 &- r2) == v(10)
    }

    /// Whether each byte of `w` is an ASCII digit: its high nibble 3, and still 3 after adding 6
    /// (no carry crosses a byte whose high nibble is 3).
    @inline(__always)
    static func areDigits(_ w: UInt64) -> Bool {
        let nibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0, threes: UInt64 = 0x3030_3030_3030_3030
        return w & nibbles == threes && (w &+ 0x0606_0606_0606_0606) & nibbles == threes
    }

    /// Whether 14 bytes are a CNPJ (numeric or alphanumeric): the 12 first 0-9 or A-Z, the
    /// check digits matching, and not all characters equal.
    public static func isValidCNPJ(_ d: UnsafeBufferPointer<UInt8>) -> Bool {
        guard d.count == 14, let p = d.baseAddress else { return false }
        var allEqual = true
        for i in 0..<12 {
            let c = p[i]
            guard c &- 48 < 10 || c &- 65 < 26 else { return false }
            if c != p[0] { allEqual = false }
        }
        guard p[12] &- 48 < 10, p[13] &- 48 < 10 else { return false }
        if allEqual && p[12] == p[0] && p[13] == p[0] { return false }
        let (a, b) = cnpjCheckDigits(UnsafeBufferPointer(start: p, count: 12))
        return a == Int(p[12] &- 48) && b == Int(p[13] &- 48)
    }

    /// The two check digits of a CNPJ's 12-character body (0-9, A-Z), by mod 11 over the
    /// characters' ASCII codes minus 48 (the Receita Federal's rule from July 2026: digits
    /// keep their value, A is 17).
    public static func cnpjCheckDigits(_ body: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        // Weights 2…9 from the right, restarting at 2: 5 4 3 2 9 8 7 6 5 4 3 2 for the first
        // digit; for the second, 6 5 4 3 2 9 8 7 6 5 4 3 over the body and 2 for the first digit.
        precondition(body.count >= 12, "a CNPJ's body is 12 characters")
        let p = body.baseAddress!
        @inline(__always) func v(_ i: Int) -> Int { Int(p[i]) &- 48 }
        let (v0, v1, v2, v3, v4, v5) = (v(0), v(1), v(2), v(3), v(4), v(5))
        let (v6, v7, v8, v9, v10, v11) = (v(6), v(7), v(8), v(9), v(10), v(11))
        let sum1 = v0 &* 5 &+ v1 &* 4 &+ v2 &* 3 &+ v3 &* 2 &+ v4 &* 9 &+ v5 &* 8 &+ v6 &* 7 &+ v7 &* 6 &+ v8 &* 5 &+ v9 &* 4
            &+ v10 &* 3 &+ v11 &* 2
        let r1 = sum1 % 11
        let first = r1 < 2 ? 0 : 11 &- r1
        let sum2 = v0 &* 6 &+ v1 &* 5 &+ v2 &* 4 &+ v3 &* 3 &+ v4 &* 2 &+ v5 &* 9 &+ v6 &* 8 &+ v7 &* 7 &+ v8 &* 6 &+ v9 &* 5
            &+ v10 &* 4 &+ v11 &* 3 &+ first &* 2
        let r2 = sum2 % 11
        return (first, r2 < 2 ? 0 : 11 &- r2)
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
