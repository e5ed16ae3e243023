/// The 44-digit barcode of a boleto de cobrança (ficha de compensação), as the Carta-Circular
/// BACEN 2.926/2000 defines it (restated in BBBOL §2.3.2, BRD400 p.28):
///
/// | pos | size | content |
/// |---|---|---|
/// | 1–3 | 3 | bank code |
/// | 4 | 1 | currency (`9` = real) |
/// | 5 | 1 | general check digit (`CheckDigits.barcodeGeneral`) |
/// | 6–9 | 4 | fator de vencimento (`DueDateFactor`) |
/// | 10–19 | 10 | amount in centavos, 9(8)V99 |
/// | 20–44 | 25 | campo livre, the bank's own (`CampoLivre`) |
public struct Barcode: Sendable, Hashable, CustomStringConvertible {
    /// The 44 ASCII digits, inline (no heap allocation per barcode).
    public let code: DigitBuffer
    /// The 44 ASCII digits.
    public var digits: [UInt8] { Array(code) }

    /// The largest amount the 10-digit value field holds: R$ 99.999.999,99.
    public static let maxAmountCents = 9_999_999_999

    /// Builds a barcode from its parts, computing the general check digit.
    public init(bank: String, currency: UInt8 = UInt8(ascii: "9"), factor: Int, amountCents: Int, campoLivre: some Collection<UInt8>) throws(BoletoError) {
        let bankBytes = bank.utf8
        guard bankBytes.count == 3, CheckDigits.allDigits(bankBytes) else {
            throw BoletoError(BoletoError.Code.bank, "bank must be 3 digits, found \"\(bank)\"")
        }
        guard amountCents >= 0, amountCents <= Self.maxAmountCents else {
            throw BoletoError(BoletoError.Code.amount, "amount_cents must be 0…\(Self.maxAmountCents) (10 digits in the barcode), found \(amountCents)")
        }
        guard (0...9999).contains(factor) else {
            throw BoletoError(BoletoError.Code.factor, "factor must be 0000…9999, found \(factor)")
        }
        guard campoLivre.count == 25, CheckDigits.allDigits(campoLivre) else {
            throw BoletoError(BoletoError.Code.field, "campo livre must be 25 digits, found \(campoLivre.count)")
        }
        var d = DigitBuffer(bankBytes)
        d.append(currency)
        d.append(48)
        d.append(decimal: factor, width: 4)
        d.append(decimal: amountCents, width: 10)
        d.append(contentsOf: campoLivre)
        d[4] = UInt8(48 + Self.generalDigit(of: d))
        code = d
    }

    /// Wraps 44 digits without checking them (see `check()`).
    public init(unchecked digits: [UInt8]) {
        precondition(digits.count == 44)
        code = DigitBuffer(digits)
    }

    /// The general check digit the other 43 digits call for.
    public static func generalDigit(of digits: [UInt8]) -> Int {
        generalDigit(of: DigitBuffer(digits))
    }

    /// The general check digit of 44 digits whose fifth is skipped: módulo 11, weights 2–9 from the
    /// right (`CheckDigits.barcodeGeneral` of the other 43, without copying them out).
    static func generalDigit(of digits: DigitBuffer) -> Int {
        let sum = digits.withContiguousStorageIfAvailable { d in
            var sum = 0
            var w = 2
            var k = 43
            while k >= 0 {
                if k != 4 {
                    sum &+= Int(d[k] &- 48) &* w
                    w = w == 9 ? 2 : w &+ 1
                }
                k -= 1
            }
            return sum
        }!
        let dv = 11 - sum % 11
        return dv == 0 || dv >= 10 ? 1 : dv
    }

    /// Nil when the general check digit is right, else the error (column = digit position).
    public func check() -> BoletoError? {
        let expected = Self.generalDigit(of: code)
        let found = Int(code[4] - 48)
        guard expected != found else { return nil }
        return BoletoError(
            BoletoError.Code.checkDigit, "general check digit (barcode position 5) is \(found), should be \(expected)", column: 5)
    }

    /// Bank code, positions 1–3.
    public var bank: String { DigitBuffer(code[0..<3]).text }
    /// Currency code, position 4.
    public var currency: String { String(UnicodeScalar(code[3])) }
    /// Fator de vencimento, positions 6–9.
    public var factor: Int { digitValue(code[5..<9]) }
    /// Amount in centavos, positions 10–19.
    public var amountCents: Int { digitValue(code[9..<19]) }
    /// Campo livre, positions 20–44.
    public var campoLivre: [UInt8] { Array(code[19..<44]) }
    /// The 44 digits.
    public var description: String { code.text }

    /// The linha digitável of this barcode.
    public var linhaDigitavel: LinhaDigitavel { LinhaDigitavel(barcode: self) }
}

/// The 47-digit linha digitável (BBBOL §2.3.4; BRD400 p.29):
/// `AAABC.CCCCX DDDDD.DDDDDY EEEEE.EEEEEZ K UUUUVVVVVVVVVV` — field 1 is barcode 1–4 and 20–24
/// with its módulo 10 digit, field 2 barcode 25–34 + DV, field 3 barcode 35–44 + DV, field 4 the
/// general check digit, field 5 the factor and amount (barcode 6–19).
public struct LinhaDigitavel: Sendable, Hashable, CustomStringConvertible {
    /// The 47 ASCII digits, inline (no heap allocation per line).
    public let code: DigitBuffer
    /// The 47 ASCII digits.
    public var digits: [UInt8] { Array(code) }

    /// Where each field starts in the 47 digits, and its length with its DV.
    static let fields: [(start: Int, count: Int)] = [(0, 10), (10, 11), (21, 11)]

    /// The line of a barcode.
    public init(barcode b: Barcode) {
        let c = b.code
        var d = DigitBuffer()
        /// Appends the módulo 10 digit of the line's digits from `start` on.
        func dv(from start: Int) { d.append(UInt8(48 + CheckDigits.mod10(d[start...]))) }
        d.append(contentsOf: c[0..<4])
        d.append(contentsOf: c[19..<24])
        dv(from: 0)
        d.append(contentsOf: c[24..<34])
        dv(from: 10)
        d.append(contentsOf: c[34..<44])
        dv(from: 21)
        d.append(c[4])
        d.append(contentsOf: c[5..<19])
        code = d
    }

    /// Wraps 47 digits without checking them (see `check()`).
    public init(unchecked digits: [UInt8]) {
        precondition(digits.count == 47)
        code = DigitBuffer(digits)
    }

    /// The barcode the line stands for (its field check digits dropped).
    public var barcode: Barcode {
        let d = digits
        var c: [UInt8] = []
        c.reserveCapacity(44)
        c.append(contentsOf: d[0..<4])
        c.append(d[32])
        c.append(contentsOf: d[33..<47])
        c.append(contentsOf: d[4..<9])
        c.append(contentsOf: d[10..<20])
        c.append(contentsOf: d[21..<31])
        return Barcode(unchecked: c)
    }

    /// Every check digit that is wrong: fields 1–3 (módulo 10) and the general one; each error's
    /// column is the digit's 1-based position in the 47 digits.
    public func check() -> [BoletoError] {
        var errors: [BoletoError] = []
        for (k, f) in Self.fields.enumerated() {
            let expected = CheckDigits.mod10(digits[f.start..<f.start + f.count - 1])
            let at = f.start + f.count - 1
            let found = Int(digits[at] - 48)
            if expected != found {
                errors.append(
                    BoletoError(
                        BoletoError.Code.checkDigit, "field \(k + 1) check digit (line position \(at + 1)) is \(found), should be \(expected)",
                        column: at + 1))
            }
        }
        if let e = barcode.check() {
            errors.append(
                BoletoError(
                    BoletoError.Code.checkDigit,
                    "general check digit (field 4, line position 33) is \(digits[32] - 48), should be \(Barcode.generalDigit(of: barcode.digits))",
                    column: 33))
            _ = e
        }
        return errors
    }

    /// The digits only.
    public var description: String { digits.text }

    /// The printed form: `AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE`.
    public var formatted: String {
        let d = digits
        var s: [UInt8] = []
        s.reserveCapacity(54)
        s += d[0..<5]; s.append(46); s += d[5..<10]; s.append(32)
        s += d[10..<15]; s.append(46); s += d[15..<21]; s.append(32)
        s += d[21..<26]; s.append(46); s += d[26..<32]; s.append(32)
        s.append(d[32]); s.append(32)
        s += d[33..<47]
        return s.text
    }
}
