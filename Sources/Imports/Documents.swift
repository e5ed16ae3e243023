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
        // Room for every byte and the quotes, made once: the characters are then stored unchecked.
        out.reserve(text.count &+ 2)
        let o = out.base + mark
        o[0] = 0x22
        // The spellings nearly every file uses, `ddd.ddd.ddd-dd` and `dd.ddd.ddd/dddd-dd` (digits
        // only), checked a word at a time and moved in a few stores; any other spelling, or one
        // whose check digits fail, is read below (which also says why it fails).
        if let p = text.baseAddress {
            if text.count == 14, punctuatedCPF(p, into: o + 1), isValidCPF(UnsafeBufferPointer(start: o + 1, count: 11)) {
                o[12] = 0x22
                out.count = mark &+ 13
                return .success(.cpf)
            }
            if text.count == 18, punctuatedCNPJ(p, into: o + 1), isValidCNPJ(UnsafeBufferPointer(start: o + 1, count: 14)) {
                o[15] = 0x22
                out.count = mark &+ 16
                return .success(.cnpj)
            }
        }
        var count = 0
        var letters = false
        let table = documentCharacter
        if let p = text.baseAddress {
            for k in 0..<text.count {
                let c = table[Int(p[k])]
                if c >= 0x30 {
                    o[1 &+ count] = c
                    count &+= 1
                    letters = letters || c >= 0x41
                } else if c == 0 {
                    let b = p[k]
                    let found = b == 0x20 ? "a blank (U+0020 SPACE) between its characters" : CellParsers.character(in: text, at: k)
                    return .failure(Problem(message: "expected a CPF or CNPJ (digits, A-Z, and . / - only), found \(found)"))
                }
            }
        }
        out.count = mark &+ 1 &+ count
        let d = UnsafeBufferPointer(start: out.base + mark + 1, count: count)
        // (`isValidCPF` and `isValidCNPJ` refuse characters all equal: why a document failed is
        // looked into only when it did.)
        if count == 11 && !letters {
            guard isValidCPF(d) else {
                out.truncate(to: mark)
                if d.allSatisfy({ $0 == d[0] }) {
                    let reason = "a CPF whose 11 digits are all equal is refused (its check digits match, but no such CPF is issued)"
                    return .failure(Problem(message: "\(quoted(Array(d))): \(reason)"))
                }
                return .failure(Problem(message: "CPF check digits do not match"))
            }
            out.append(0x22)
            return .success(.cpf)
        }
        if count == 14 {
            guard d[12] <= UInt8(ascii: "9"), d[13] <= UInt8(ascii: "9") else {
                out.truncate(to: mark)
                return .failure(Problem(message: "a CNPJ's last two characters (check digits) must be digits"))
            }
            guard isValidCNPJ(d) else {
                out.truncate(to: mark)
                if d.allSatisfy({ $0 == d[0] }) {
                    let reason = "a CNPJ whose 14 characters are all equal is refused (no such CNPJ is issued)"
                    return .failure(Problem(message: "\(quoted(Array(d))): \(reason)"))
                }
                return .failure(Problem(message: "CNPJ check digits do not match"))
            }
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

    /// Whether the 14 bytes at `p` are `ddd.ddd.ddd-dd`; if so its 11 digits are stored at `o`
    /// (which has room for 13 bytes).
    @inline(__always)
    static func punctuatedCPF(_ p: UnsafePointer<UInt8>, into o: UnsafeMutablePointer<UInt8>) -> Bool {
        // Bytes 0-7 `ddd.ddd.` and 6-13 `d.ddd-dd`.
        guard digits(load(p), except: 0xFF00_0000_FF00_0000, are: 0x2E00_0000_2E00_0000),
            digits(load(p + 6), except: 0x0000_FF00_0000_FF00, are: 0x0000_2D00_0000_2E00)
        else { return false }
        move(4, from: p, to: o)
        move(4, from: p + 4, to: o + 3)
        move(4, from: p + 8, to: o + 6)
        move(2, from: p + 12, to: o + 9)
        return true
    }

    /// Whether the 18 bytes at `p` are `dd.ddd.ddd/dddd-dd`; if so its 14 digits are stored at
    /// `o` (which has room for 16 bytes).
    @inline(__always)
    static func punctuatedCNPJ(_ p: UnsafePointer<UInt8>, into o: UnsafeMutablePointer<UInt8>) -> Bool {
        // Bytes 0-7 `dd.ddd.d` and 8-15 `dd/dddd-`, then the last two.
        guard digits(load(p), except: 0x00FF_0000_00FF_0000, are: 0x002E_0000_002E_0000),
            digits(load(p + 8), except: 0xFF00_0000_00FF_0000, are: 0x2D00_0000_002F_0000),
            p[16] &- 48 < 10, p[17] &- 48 < 10
        else { return false }
        move(4, from: p, to: o)
        move(4, from: p + 3, to: o + 2)
        move(4, from: p + 7, to: o + 5)
        move(4, from: p + 11, to: o + 8)
        move(2, from: p + 16, to: o + 12)
        return true
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> UInt64 { UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) }

    /// Whether the bytes of `w` under `mask` are `separators` and all the others ASCII digits
    /// (as `DocumentText.areDigits`).
    @inline(__always)
    static func digits(_ w: UInt64, except mask: UInt64, are separators: UInt64) -> Bool {
        let nibbles = 0xF0F0_F0F0_F0F0_F0F0 & ~mask, threes = 0x3030_3030_3030_3030 & ~mask
        return w & mask == separators && w & nibbles == threes && (w &+ (0x0606_0606_0606_0606 & ~mask)) & nibbles == threes
    }

    /// Copies 4 or 2 bytes in one load and store.
    @inline(__always)
    static func move(_ n: Int, from p: UnsafePointer<UInt8>, to o: UnsafeMutablePointer<UInt8>) {
        if n == 4 {
            UnsafeMutableRawPointer(o).storeBytes(of: UnsafeRawPointer(p).loadUnaligned(as: UInt32.self), as: UInt32.self)
        } else {
            UnsafeMutableRawPointer(o).storeBytes(of: UnsafeRawPointer(p).loadUnaligned(as: UInt16.self), as: UInt16.self)
        }
    }

    /// What each byte is in a written document: a character as it is kept (0-9, A-Z, a-z
    /// uppercased), 1 for punctuation (`DocumentText.isPunctuation`, dropped), 0 for anything
    /// else (refused). Filled once, then only read, from any thread.
    nonisolated(unsafe) static let documentCharacter: UnsafeMutablePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 {
            let c = UInt8(b)
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"): t[b] = c
            case UInt8(ascii: "a")...UInt8(ascii: "z"): t[b] = c &- 32
            case _ where DocumentText.isPunctuation(c): t[b] = 1
            default: t[b] = 0
            }
        }
        return t
    }()

    /// `isValidCPF` for 11 bytes known to be ASCII digits (`punctuatedCPF` checked them): not
    /// all equal, and both check digits matching (the sums as `DocumentText.isValidCPF` makes them).
    /// Out of line: inlined in the row's loop, its sums cost the loop registers.
    @inline(never)
    static func isValidDigitsCPF(_ p: UnsafePointer<UInt8>) -> Bool { DocumentText.isValidCPFDigits(p) }

    /// `isValidCNPJ` for 14 bytes known to be ASCII digits (`punctuatedCNPJ` checked them): not
    /// all equal, and the check digits matching.
    @inline(__always)
    static func isValidDigitsCNPJ(_ d: UnsafePointer<UInt8>) -> Bool {
        // Bytes 0-7 and 6-13: every byte of the 14 in one word or the other.
        let first = UInt64(d[0]) &* 0x0101_0101_0101_0101
        if load(d) == first && load(d + 6) == first { return false }
        let (a, b) = DocumentText.cnpjCheckDigits(UnsafeBufferPointer(start: d, count: 12))
        return a == Int(d[12] &- 48) && b == Int(d[13] &- 48)
    }

    /// Whether 11 digits are a CPF: both check digits match and the digits are not all equal.
    public static func isValidCPF(_ d: [UInt8]) -> Bool { d.withUnsafeBufferPointer { isValidCPF($0) } }

    static func isValidCPF(_ d: UnsafeBufferPointer<UInt8>) -> Bool { DocumentText.isValidCPF(d) }

    /// Whether 14 characters are a CNPJ (numeric or alphanumeric): the 12 first 0-9 or A-Z, the
    /// check digits matching, and not all characters equal.
    public static func isValidCNPJ(_ d: [UInt8]) -> Bool { d.withUnsafeBufferPointer { isValidCNPJ($0) } }

    static func isValidCNPJ(_ d: UnsafeBufferPointer<UInt8>) -> Bool { DocumentText.isValidCNPJ(d) }

    /// The two check digits of a CNPJ's 12-character body (0-9, A-Z), by mod 11 over the
    /// characters' ASCII codes minus 48.
    public static func checkDigits(cnpjBody body: [UInt8]) -> (Int, Int) {
        body.withUnsafeBufferPointer { checkDigits($0) }
    }

    static func checkDigits(_ body: UnsafeBufferPointer<UInt8>) -> (Int, Int) { DocumentText.cnpjCheckDigits(body) }

    static func quoted(_ bytes: [UInt8]) -> String {
        "\"" + TextBytes.decode(bytes) + "\""
    }
}

import Records
