/// Sicredi (748), SIC400 §10.7.1 (campo livre) and §5.4 (nosso número): tipo de cobrança (1:
/// `1` com registro) + carteira (1: `1` simples) + nosso número (9: year 2, byte 1, sequence 5,
/// DV 1) + cooperativa (4) + posto (2) + código do beneficiário (5) + `1` when the barcode has
/// an amount, else `0` + `0` + DV (módulo 11, weights 2–9, remainder 0 or 1 ⇒ 0, else 11 − r)
/// of the 24 digits before it. The nosso número DV: módulo 11, weights 2–9, over cooperativa
/// (4) + posto (2) + beneficiário (5) + year (2) + byte (1) + sequence (5); 10 or 11 ⇒ 0.
///
/// In a título, `convenio` is posto (2) + código do beneficiário (5), 7 digits, and
/// `nosso_numero` the 8 digits year + byte + sequence (the year is never guessed).
public enum SicrediCampoLivre: CampoLivreLayout {
    public static let bank = "748"
    public static let name = "Sicredi"

    /// The nosso número DV.
    public static func nossoNumeroDigit(
        cooperativa: some Collection<UInt8>, convenio: some Collection<UInt8>, nossoNumero: some Collection<UInt8>
    ) -> UInt8 {
        let dv = 11 - CheckDigits.mod11Remainder(DigitBuffer(cooperativa) + DigitBuffer(convenio) + DigitBuffer(nossoNumero))
        return dv >= 10 ? 48 : ascii(dv)
    }

    /// The campo livre DV over its first 24 digits.
    public static func campoLivreDigit(_ digits: some Collection<UInt8>) -> UInt8 {
        let r = CheckDigits.mod11Remainder(DigitBuffer(digits))
        return r <= 1 ? 48 : ascii(11 - r)
    }

    public static func make(_ t: BoletoTitle) throws(BoletoError) -> (campoLivre: DigitBuffer, fields: CampoLivreFields) {
        let carteira = try Field.digits(t.carteira ?? "1", 1, "carteira", BoletoError.Code.carteira, bank: bank)!
        let coop = try Field.digits(t.agency, 4, "agency (cooperativa)", BoletoError.Code.agency, bank: bank)!
        guard let convenio = t.convenio, convenio.utf8.count == 7, CheckDigits.allDigits(convenio.utf8) else {
            throw BoletoError(
                BoletoError.Code.convenio, "Sicredi convenio must be 7 digits: posto (2) + código do beneficiário (5), found \"\(t.convenio ?? "")\"")
        }
        let conv = DigitBuffer(convenio.utf8)
        let nn = try Field.nossoNumero(t.nossoNumero, 8, bank: bank) { nossoNumeroDigit(cooperativa: coop, convenio: conv, nossoNumero: $0) }
        let full = nn + [nossoNumeroDigit(cooperativa: coop, convenio: conv, nossoNumero: nn)]
        var c: DigitBuffer = [49] + carteira + full + coop + conv
        c.append((t.amountCents ?? 0) > 0 ? 49 : 48)
        c.append(48)
        c.append(campoLivreDigit(c))
        var f = CampoLivreFields()
        f.carteira = carteira.text
        f.agency = coop.text
        f.convenio = conv.text
        f.nossoNumero = full.text
        return (c, f)
    }

    public static func read(_ c: [UInt8]) -> (fields: CampoLivreFields, problems: [BoletoError]) {
        var f = CampoLivreFields()
        let coop = Array(c[11..<15])
        let conv = Array(c[15..<22])
        f.carteira = Array(c[1..<2]).text
        f.nossoNumero = Array(c[2..<11]).text
        f.agency = coop.text
        f.convenio = conv.text
        var problems: [BoletoError] = []
        let nnDV = nossoNumeroDigit(cooperativa: coop, convenio: conv, nossoNumero: Array(c[2..<10]))
        if c[10] != nnDV { problems.append(CampoLivre.problem("nosso número check digit", at: 30, found: c[10], expected: nnDV)) }
        let dv = campoLivreDigit(Array(c[0..<24]))
        if c[24] != dv { problems.append(CampoLivre.problem("campo livre check digit", at: 44, found: c[24], expected: dv)) }
        return (f, problems)
    }
}
