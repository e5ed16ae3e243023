/// Masks CPF and CNPJ numbers in log text, so that logs can be shared without personal data.
///
/// What is masked (each kept to its first three and last two characters, the rest `*`):
/// - a run of exactly 11 or 14 digits not touching another digit or letter (bare CPF, CNPJ);
/// - the printed forms `000.000.000-00` (CPF) and `00.000.000/0000-00` (CNPJ), where the first
///   twelve characters of a CNPJ may be letters (the alphanumeric CNPJ of July 2026);
/// - a bare alphanumeric CNPJ: 12 characters of `[0-9A-Z]` holding at least one letter, then
///   two digits, not touching another letter or digit.
/// Masking more than needed (an 11-digit nosso número) is accepted: logs lose nothing that the
/// files themselves do not keep.
public enum DocumentMask {
    /// `text` with every CPF/CNPJ-looking token masked.
    public static func mask(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if i > 0, isAlnum(bytes[i - 1]) {
                i += 1
                continue
            }
            if let n = tokenLength(bytes, at: i) {
                hide(&bytes, from: i, count: n)
                i += n
            } else {
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The length of a CPF/CNPJ token starting at `i`, or nil.
    static func tokenLength(_ b: [UInt8], at i: Int) -> Int? {
        for shape in shapes {
            let n = shape.count
            guard i + n <= b.count else { continue }
            if i + n < b.count, isAlnum(b[i + n]) { continue }
            var ok = true
            var letters = 0
            for (k, want) in shape.enumerated() {
                let c = b[i + k]
                switch want {
                case UInt8(ascii: "9"): ok = isDigit(c)
                case UInt8(ascii: "A"):
                    ok = isDigit(c) || (c >= 65 && c <= 90)
                    if !isDigit(c) { letters += 1 }
                default: ok = c == want
                }
                if !ok { break }
            }
            // A bare 14-character alphanumeric token counts only when it holds a letter (else
            // it is the all-digit shape, already tried) — "AAAAAAAAAAAA99" with letters.
            if ok, shape == bareAlphanumeric, letters == 0 { continue }
            if ok { return n }
        }
        return nil
    }

    static let bareAlphanumeric = Array("AAAAAAAAAAAA99".utf8)
    static let shapes: [[UInt8]] = [
        Array("AA.AAA.AAA/AAAA-99".utf8),
        Array("999.999.999-99".utf8),
        Array("99999999999999".utf8),
        bareAlphanumeric,
        Array("99999999999".utf8),
    ]

    static func hide(_ b: inout [UInt8], from start: Int, count: Int) {
        for k in (start + 3)..<(start + count - 2) where isAlnum(b[k]) { b[k] = UInt8(ascii: "*") }
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
}
