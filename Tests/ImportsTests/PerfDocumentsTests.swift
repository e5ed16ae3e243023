@testable import Imports
import Records
import Testing

/// `BrazilianDocument.append` (a table per byte, the check digits in straight-line code) against
/// the plain reading it replaced, kept here as the reference: the same outcome, bytes and
/// message for random cells of every shape (valid CPFs and CNPJs, numeric and alphanumeric,
/// punctuated or not, lowercase, a digit changed, all equal, blanks, other bytes, every length).
@Suite("Documents read the fast way")
struct PerfDocumentsTests {
    /// The reading before the fast one, step by step.
    enum Reference {
        static func isValidCPF(_ d: [UInt8]) -> Bool {
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

        static func cnpjCheckDigits(_ body: [UInt8]) -> (Int, Int) {
            var sum1 = 0
            var sum2 = 0
            for i in 0..<12 {
                let v = Int(body[i]) - 48
                sum1 += v * ((11 - i) % 8 + 2)
                sum2 += v * ((12 - i) % 8 + 2)
            }
            let r1 = sum1 % 11
            let first = r1 < 2 ? 0 : 11 - r1
            sum2 += first * 2
            let r2 = sum2 % 11
            return (first, r2 < 2 ? 0 : 11 - r2)
        }

        static func isValidCNPJ(_ d: [UInt8]) -> Bool {
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
            let (a, b) = cnpjCheckDigits(Array(d[0..<12]))
            return a == Int(d[12] - 48) && b == Int(d[13] - 48)
        }

        /// (kind or nil, characters, message or nil)
        static func read(_ text: [UInt8]) -> (BrazilianDocument.Kind?, [UInt8], String?) {
            var d: [UInt8] = []
            var letters = false
            for (k, b) in text.enumerated() {
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d.append(b)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): d.append(b); letters = true
                case UInt8(ascii: "a")...UInt8(ascii: "z"): d.append(b - 32); letters = true
                case _ where DocumentText.isPunctuation(b): continue
                default:
                    let found =
                        b == 0x20
                        ? "a blank (U+0020 SPACE) between its characters"
                        : text.withUnsafeBufferPointer { CellParsers.character(in: $0, at: k) }
                    return (nil, [], "expected a CPF or CNPJ (digits, A-Z, and . / - only), found \(found)")
                }
            }
            let allEqual = d.allSatisfy { $0 == d[0] }
            let quoted = "\"" + TextBytes.decode(d) + "\""
            if d.count == 11 && !letters {
                if allEqual {
                    return (nil, [], "\(quoted): a CPF whose 11 digits are all equal is refused (its check digits match, but no such CPF is issued)")
                }
                return isValidCPF(d) ? (.cpf, d, nil) : (nil, [], "CPF check digits do not match")
            }
            if d.count == 14 {
                guard d[12] <= UInt8(ascii: "9"), d[13] <= UInt8(ascii: "9") else {
                    return (nil, [], "a CNPJ's last two characters (check digits) must be digits")
                }
                if allEqual { return (nil, [], "\(quoted): a CNPJ whose 14 characters are all equal is refused (no such CNPJ is issued)") }
                return isValidCNPJ(d) ? (.cnpj, d, nil) : (nil, [], "CNPJ check digits do not match")
            }
            let hint = !letters && [9, 10, 12, 13].contains(d.count) ? " (a spreadsheet may have dropped leading zeros)" : ""
            return (nil, [], "expected a CPF (11 digits) or a CNPJ (14 characters), found \(d.count) characters\(hint)")
        }
    }

    /// A random cell: often a valid document (punctuated or not, then perhaps spoiled), else
    /// random characters of the kinds a document cell holds.
    static func cell(_ rng: inout SplitMix64) -> [UInt8] {
        func pick(_ s: String) -> UInt8 { let a = Array(s.utf8); return a[Int(rng.next() % UInt64(a.count))] }
        let digits = "0123456789", alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        var chars: [UInt8]
        switch rng.next() % 6 {
        case 0, 1:
            var body = (0..<9).map { _ in pick(digits) }
            for n in [9, 10] {
                var sum = 0
                for i in 0..<n { sum += Int(body[i] - 48) * (n + 1 - i) }
                let r = sum % 11
                body.append(UInt8(48 + (r < 2 ? 0 : 11 - r)))
            }
            chars = body
        case 2, 3:
            var body = (0..<12).map { _ in rng.next() % 2 == 0 ? pick(digits) : pick(alnum) }
            let (a, b) = Reference.cnpjCheckDigits(body)
            body += [UInt8(48 + a), UInt8(48 + b)]
            chars = body
        case 4:
            let c = pick(alnum)
            chars = Array(repeating: c, count: rng.next() % 2 == 0 ? 11 : 14)
        default:
            chars = (0..<Int(rng.next() % 18)).map { _ in pick("0123456789AZaz./- \u{7F}\t#") }
            if rng.next() % 4 == 0 { chars.append(0xC3); chars.append(0xA9) }
        }
        switch rng.next() % 8 {
        case 1: chars = chars.map { $0 >= 65 && $0 <= 90 && rng.next() % 2 == 0 ? $0 + 32 : $0 }
        case 2, 3:
            // Punctuated: a separator after some characters.
            var out: [UInt8] = []
            for (i, c) in chars.enumerated() {
                out.append(c)
                if i < chars.count - 1 && rng.next() % 4 == 0 { out.append(pick("./-")) }
            }
            chars = out
        case 4, 5, 6:
            // As nearly every file writes them: `ddd.ddd.ddd-dd`, `dd.ddd.ddd/dddd-dd`.
            let marks: [Int: UInt8] =
                chars.count == 11 ? [3: 0x2E, 6: 0x2E, 9: 0x2D] : chars.count == 14 ? [2: 0x2E, 5: 0x2E, 8: 0x2F, 12: 0x2D] : [:]
            var out: [UInt8] = []
            for (i, c) in chars.enumerated() {
                if let m = marks[i] { out.append(rng.next() % 16 == 0 ? pick(",:/.-x0") : m) }
                out.append(c)
            }
            chars = out
        default: break
        }
        // Sometimes spoiled: one character changed.
        if !chars.isEmpty && rng.next() % 5 == 0 {
            let i = Int(rng.next() % UInt64(chars.count))
            chars[i] = pick(alnum + "x .")
        }
        return chars
    }

    @Test func theFastReadingIsThePlainOne() {
        var rng = SplitMix64(seed: 0x444F_4353)
        var out = ByteBuffer(capacity: 16)
        defer { out.deallocate() }
        var kinds = (cpf: 0, cnpj: 0, refused: 0)
        for _ in 0..<200_000 {
            let text = Self.cell(&rng)
            out.removeAll()
            out.append(0x2A)  // something before, left as it is
            let expected = Reference.read(text)
            let result = text.withUnsafeBufferPointer { BrazilianDocument.append($0, to: &out) }
            switch result {
            case .success(let kind):
                kinds.cpf += kind == .cpf ? 1 : 0
                kinds.cnpj += kind == .cnpj ? 1 : 0
                #expect(expected.0 == kind, "\(text)")
                #expect(Array(out.bytes) == [0x2A, 0x22] + expected.1 + [0x22], "\(text)")
            case .failure(let p):
                kinds.refused += 1
                #expect(expected.0 == nil, "\(text)")
                #expect(p.message == expected.2, "\(text)")
                #expect(Array(out.bytes) == [0x2A], "\(text)")
            }
            // The checks alone, on the bare characters.
            let bare = DocumentText.bare(text)
            bare.withUnsafeBufferPointer { b in
                #expect(DocumentText.isValidCPF(b) == Reference.isValidCPF(bare), "\(bare)")
                #expect(DocumentText.isValidCNPJ(b) == Reference.isValidCNPJ(bare), "\(bare)")
            }
        }
        // Every outcome was met often.
        #expect(kinds.cpf > 10_000 && kinds.cnpj > 10_000 && kinds.refused > 10_000, "\(kinds)")
    }
}
