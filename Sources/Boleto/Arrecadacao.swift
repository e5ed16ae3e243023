/// An arrecadação barcode (utilities, taxes, fines: FEBRABAN "Layout Padrão de Arrecadação/
/// Recebimento com Utilização do Código de Barras", version 7, §3–10):
///
/// | pos | size | content |
/// |---|---|---|
/// | 1 | 1 | product: `8` = arrecadação |
/// | 2 | 1 | segment (`Arrecadacao.segmentNames`) |
/// | 3 | 1 | value identifier: 6/7 ⇒ módulo 10, 8/9 ⇒ módulo 11; 6/8 real value, 7/9 reference |
/// | 4 | 1 | general check digit over the other 43 |
/// | 5–15 | 11 | value |
/// | 16–19 | 4 | company/agency id (segment 6: 16–23, the CNPJ root) |
/// | 20–44 | 25 | free field (segment 6: 24–44) |
///
/// Its typed line has 48 digits: four blocks of 11 barcode digits, each followed by its own
/// check digit (by the same modulus as the general one).
public struct Arrecadacao: Sendable, Hashable {
    /// The 44 barcode digits.
    public let digits: [UInt8]

    /// Segment names (ARR7 §4).
    public static let segmentNames: [UInt8: String] = [
        49: "prefeituras", 50: "saneamento", 51: "energia elétrica e gás", 52: "telecomunicações",
        53: "órgãos governamentais", 54: "carnês e assemelhados ou demais empresas identificadas por CNPJ",
        55: "multas de trânsito", 57: "uso exclusivo do banco",
    ]

    /// Wraps 44 digits without checking them (see `check()`).
    public init(unchecked digits: [UInt8]) {
        precondition(digits.count == 44)
        self.digits = digits
    }

    /// Builds a barcode from its 43 digits without the general DV (product, segment, identifier,
    /// then 40 digits), computing that DV.
    public init(withoutCheckDigit d43: [UInt8]) throws(BoletoError) {
        guard d43.count == 43, CheckDigits.allDigits(d43), d43[0] == 56 else {
            throw BoletoError(BoletoError.Code.length, "an arrecadação barcode without its DV has 43 digits starting with 8")
        }
        guard Self.modulus(d43[2]) != nil else {
            throw BoletoError(BoletoError.Code.field, "value identifier must be 6, 7, 8 or 9, found \(d43[2] - 48)", column: 3)
        }
        var d = Array(d43[0..<3])
        d.append(48)
        d += d43[3...]
        d[3] = UInt8(48 + Self.checkDigit(d[0..<3] + d[4..<44], identifier: d[2]))
        digits = d
    }

    /// 10 or 11 by the value identifier (position 3), nil when it is none of 6–9.
    public static func modulus(_ identifier: UInt8) -> Int? {
        switch identifier {
        case 54, 55: return 10
        case 56, 57: return 11
        default: return nil
        }
    }

    /// The check digit of `digits` by the modulus the identifier calls for.
    public static func checkDigit<C: BidirectionalCollection>(_ digits: C, identifier: UInt8) -> Int where C.Element == UInt8 {
        modulus(identifier) == 11 ? CheckDigits.arrecadacaoMod11(digits) : CheckDigits.mod10(digits)
    }

    /// Segment, position 2.
    public var segment: UInt8 { digits[1] }
    /// Value identifier, position 3.
    public var identifier: UInt8 { digits[2] }
    /// Whether the value field is an amount in reais (identifiers 6 and 8) rather than a
    /// reference quantity (7 and 9).
    public var isEffectiveValue: Bool { identifier == 54 || identifier == 56 }
    /// The value field (positions 5–15).
    public var value: Int { digitValue(digits[4..<15]) }
    /// Company id: positions 16–19, or the 8-digit CNPJ root (16–23) for segment 6.
    public var company: String { Array(digits[15..<(segment == 54 ? 23 : 19)]).text }
    /// Free field after the company id.
    public var freeField: String { Array(digits[(segment == 54 ? 23 : 19)...]).text }

    /// The problems of this barcode: an unknown identifier or a wrong general DV (column 4).
    public func check() -> BoletoError? {
        guard Self.modulus(identifier) != nil else {
            return BoletoError(BoletoError.Code.field, "value identifier (position 3) must be 6, 7, 8 or 9, found \(identifier - 48)", column: 3)
        }
        let expected = Self.checkDigit(digits[0..<3] + digits[4..<44], identifier: identifier)
        let found = Int(digits[3] - 48)
        guard expected != found else { return nil }
        let m = Self.modulus(identifier)!
        return BoletoError(
            BoletoError.Code.checkDigit, "general check digit (barcode position 4, módulo \(m)) is \(found), should be \(expected)", column: 4)
    }

    /// The 48-digit line: each 11-digit block followed by its DV.
    public var line: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48)
        for k in 0..<4 {
            let block = digits[(k * 11)..<(k * 11 + 11)]
            out += block
            out.append(UInt8(48 + Self.checkDigit(block, identifier: identifier)))
        }
        return out
    }

    /// The printed line: `XXXXXXXXXXX-D XXXXXXXXXXX-D XXXXXXXXXXX-D XXXXXXXXXXX-D`.
    public var formattedLine: String {
        let l = line
        var s: [UInt8] = []
        for k in 0..<4 {
            if k > 0 { s.append(32) }
            s += l[(k * 12)..<(k * 12 + 11)]
            s.append(45)
            s.append(l[k * 12 + 11])
        }
        return s.text
    }

    /// Reads a 48-digit line: the barcode, and every wrong block DV (columns are positions in the 48).
    public static func fromLine(_ line: [UInt8]) -> (Arrecadacao, [BoletoError]) {
        precondition(line.count == 48)
        var d: [UInt8] = []
        var errors: [BoletoError] = []
        for k in 0..<4 {
            d += line[(k * 12)..<(k * 12 + 11)]
        }
        let a = Arrecadacao(unchecked: d)
        if let m = modulus(a.identifier) {
            for k in 0..<4 {
                let block = line[(k * 12)..<(k * 12 + 11)]
                let expected = checkDigit(block, identifier: a.identifier)
                let found = Int(line[k * 12 + 11] - 48)
                if expected != found {
                    errors.append(
                        BoletoError(
                            BoletoError.Code.checkDigit,
                            "block \(k + 1) check digit (line position \(k * 12 + 12), módulo \(m)) is \(found), should be \(expected)",
                            column: k * 12 + 12))
                }
            }
        }
        if let e = a.check() {
            // The general DV is barcode position 4, which is line position 4 too.
            errors.append(e)
        }
        return (a, errors)
    }
}
