/// Santander (033), SANBOL ("Layout de Código de Barras" v31, Jan/2017) pp.6, 15–16: `9` +
/// código do beneficiário (7) + nosso número with its DV (13) + IOF (1: `0`; seguradoras 7, 8
/// or 9) + carteira (3: 101 cobrança simples rápida com registro…). The nosso número DV is
/// módulo 11 with weights 2–9 from the right: remainder 10 ⇒ 1, 0 or 1 ⇒ 0, else 11 − remainder.
public enum SantanderCampoLivre: CampoLivreLayout {
    public static let bank = "033"
    public static let name = "Santander"

    /// The nosso número DV over its 12 digits.
    public static func nossoNumeroDigit(_ nn: some Collection<UInt8>) -> UInt8 {
        let r = CheckDigits.mod11Remainder(DigitBuffer(nn))
        return r == 10 ? 49 : r <= 1 ? 48 : ascii(11 - r)
    }

    public static func make(_ t: BoletoTitle) throws(BoletoError) -> (campoLivre: DigitBuffer, fields: CampoLivreFields) {
        let convenio = try Field.digits(t.convenio, 7, "convenio (código do beneficiário)", BoletoError.Code.convenio, bank: bank)!
        let nn = try Field.nossoNumero(t.nossoNumero, 12, bank: bank, dv: nossoNumeroDigit)
        guard let carteira = t.carteira.map({ $0.utf8 }), carteira.count == 3, CheckDigits.allDigits(carteira) else {
            throw BoletoError(BoletoError.Code.carteira, "Santander carteira must be 3 digits (101, 102, 201…), found \"\(t.carteira ?? "")\"")
        }
        let full = nn + [nossoNumeroDigit(nn)]
        var f = CampoLivreFields()
        f.convenio = convenio.text
        f.nossoNumero = full.text
        f.carteira = t.carteira
        return ([57] + convenio + full + [48] + DigitBuffer(carteira), f)
    }

    public static func read(_ c: [UInt8]) -> (fields: CampoLivreFields, problems: [BoletoError]) {
        var f = CampoLivreFields()
        f.convenio = Array(c[1..<8]).text
        f.nossoNumero = Array(c[8..<21]).text
        f.carteira = Array(c[22..<25]).text
        var problems: [BoletoError] = []
        if c[0] != 57 { problems.append(CampoLivre.problem("Santander's constant", at: 20, found: c[0], expected: 57)) }
        let dv = nossoNumeroDigit(Array(c[8..<20]))
        if c[20] != dv { problems.append(CampoLivre.problem("nosso número check digit", at: 40, found: c[20], expected: dv)) }
        // The IOF digit: 0, or 7, 8 or 9 (the IOF rate of an insurer's boleto) — SANBOL p.6.
        if c[21] != 48 && !(55...57).contains(c[21]) {
            problems.append(
                BoletoError(
                    BoletoError.Code.checkDigit,
                    "Santander's IOF digit (barcode position 41) is \(String(UnicodeScalar(c[21]))), should be 0 (or 7, 8, 9 for an insurer's boleto)",
                    column: 41))
        }
        return (f, problems)
    }
}
