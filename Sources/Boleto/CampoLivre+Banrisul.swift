/// Banrisul (041), "Cobrança Banrisul — leiaute CNAB 400, código de agência com 4 dígitos",
/// annexes "Campo livre — Sistema BDL/Carteira de Letras" and "Fórmula de cálculo do NC" (as
/// quoted by brcobranca and jrimum; docs/boleto-banks.md has the sources and the worked
/// examples): produto (1: `2` cobrança direta, fichário emitido pelo cliente; `1` cobrança
/// normal, emitido pelo Banrisul) + `1` + agência (4) + código do beneficiário (7) + nosso
/// número (8) + `40` + the NC of the 23 digits before it. The NC ("duplo dígito", `nc(_:)`) is
/// also the nosso número's check (printed `NNNNNNNN-NC`, not in the barcode) and the código's.
///
/// In a título, `convenio` is the código do beneficiário (up to 7 digits, with `agency`), or
/// the 13 digits CNAB 400 writes (agência 4 + código 7 + the código's NC, which is checked);
/// `nosso_numero` has 8 digits, or 10 whose last two are its NC. `make` writes produto 2 (the
/// beneficiário prints the boleto); `read` also takes produto 1 and the older layout of
/// three-digit agencies (agência 3 + código 7 + nosso número 8 + `041` + NC), which the
/// four-digit one replaced.
public enum BanrisulCampoLivre: CampoLivreLayout {
    public static let bank = "041"
    public static let name = "Banrisul"

    /// `CampoLivreFields.layout` of produto 2 (what `make` writes).
    public static let cobrancaDireta = "cobranca-direta"
    /// `CampoLivreFields.layout` of produto 1 (boletos the bank issues).
    public static let cobrancaNormal = "cobranca-normal"
    /// `CampoLivreFields.layout` of the older three-digit-agency layout (`read` only).
    public static let agencia3 = "agencia-3"
    /// The layouts above: their nosso número ends with a two-digit NC. (An array: `boleto make`
    /// asks once per título, and comparing three short strings costs less than hashing one.)
    public static let layouts = [cobrancaDireta, cobrancaNormal, agencia3]

    /// The NC (two check digits) of `digits`. First digit: módulo 10 (`CheckDigits.mod10`).
    /// Second: the remainder r of módulo 11 with weights 2–7 over the digits and the first
    /// digit; r = 0 ⇒ 0, otherwise 11 − r, except that r = 1 makes the first digit invalid: it
    /// goes up by one (9 wraps to 0) and r is computed again. That happens at most once: the
    /// first digit has weight 2, so r moves from 1 to 3 (or to 5 when 9 wraps to 0).
    public static func nc(_ digits: some Collection<UInt8>) -> DigitBuffer {
        let base = DigitBuffer(digits)
        func remainder(first: Int) -> Int {
            var d = base
            d.append(ascii(first))
            return CheckDigits.mod11Remainder(d, maxWeight: 7)
        }
        var first = CheckDigits.mod10(base)
        var r = remainder(first: first)
        if r == 1 {
            first = (first + 1) % 10
            r = remainder(first: first)
        }
        return [ascii(first), ascii(r == 0 ? 0 : 11 - r)]
    }

    public static func make(_ t: BoletoTitle) throws(BoletoError) -> (campoLivre: DigitBuffer, fields: CampoLivreFields) {
        let (agency, codigo) = try beneficiario(t)
        let nn = try nossoNumero(t.nossoNumero)
        var c = DigitBuffer(ascii: "21") + agency + codigo + nn + DigitBuffer(ascii: "40")
        c.append(contentsOf: nc(c))
        var f = CampoLivreFields()
        f.agency = agency.text
        f.convenio = codigo.text
        f.nossoNumero = (nn + nc(nn)).text
        f.layout = cobrancaDireta
        return (c, f)
    }

    public static func read(_ c: [UInt8]) -> (fields: CampoLivreFields, problems: [BoletoError]) {
        // The older layout has `041` at 40–42; the current one has the nosso número's last
        // digit at 40 and `40` at 41–42, so position 42 alone tells them apart.
        let older = c[20] == 48 && c[21] == 52 && c[22] == 49
        let codigoStart = older ? 5 : 6
        let nn = Array(c[codigoStart + 7..<codigoStart + 15])
        var f = CampoLivreFields()
        f.agency = Array(c[2..<codigoStart]).text
        f.convenio = Array(c[codigoStart..<codigoStart + 7]).text
        f.nossoNumero = (nn + nc(nn)).text
        var problems: [BoletoError] = []
        switch c[0] {
        case 50: f.layout = older ? agencia3 : cobrancaDireta
        case 49: f.layout = older ? agencia3 : cobrancaNormal
        default:
            problems.append(
                BoletoError(
                    BoletoError.Code.checkDigit,
                    "Banrisul's produto (barcode position 20) is \(String(UnicodeScalar(c[0]))), should be 1 or 2", column: 20))
        }
        if c[1] != 49 { problems.append(CampoLivre.problem("Banrisul's constant 1", at: 21, found: c[1], expected: 49)) }
        if !older {
            if c[21] != 52 { problems.append(CampoLivre.problem("Banrisul's constant 40", at: 41, found: c[21], expected: 52)) }
            if c[22] != 48 { problems.append(CampoLivre.problem("Banrisul's constant 40", at: 42, found: c[22], expected: 48)) }
        }
        let expected = nc(c[0..<23])
        if c[23] != expected[0] || c[24] != expected[1] {
            problems.append(
                BoletoError(
                    BoletoError.Code.checkDigit,
                    "campo livre NC (barcode positions 43–44) is \(Array(c[23..<25]).text), should be \(expected.text)", column: 43))
        }
        return (f, problems)
    }

    /// The agência (4) and the código do beneficiário (7) of a título: `convenio` of up to 7
    /// digits with `agency`, or the 13 digits CNAB 400 writes (agência + código + the código's
    /// NC), whose NC must be right and whose agência must be the título's `agency` if it has one.
    static func beneficiario(_ t: BoletoTitle) throws(BoletoError) -> (agency: DigitBuffer, codigo: DigitBuffer) {
        guard let convenio = t.convenio, convenio.utf8.count == 13, CheckDigits.allDigits(convenio.utf8) else {
            let agency = try Field.digits(t.agency, 4, "agency", BoletoError.Code.agency, bank: bank)!
            let codigo = try Field.digits(t.convenio, 7, "convenio (código do beneficiário)", BoletoError.Code.convenio, bank: bank)!
            return (agency, codigo)
        }
        let b = convenio.utf8
        let agency = DigitBuffer(b.prefix(4))
        let codigo = DigitBuffer(b.dropFirst(4).prefix(7))
        let given = DigitBuffer(b.suffix(2))
        guard given == nc(codigo) else {
            throw BoletoError(
                BoletoError.Code.convenio,
                "Banrisul convenio \"\(convenio)\" has 13 digits, agência + código + NC: its NC \(given) should be \(nc(codigo))")
        }
        if let own = try Field.digits(t.agency, 4, "agency", BoletoError.Code.agency, required: false, bank: bank), own != agency {
            throw BoletoError(BoletoError.Code.agency, "agency \(own) is not the agência \(agency) of convenio \"\(convenio)\"")
        }
        return (agency, codigo)
    }

    /// A nosso número of up to 8 digits, or 10 whose last two are its NC (which must be right).
    static func nossoNumero(_ value: String?) throws(BoletoError) -> DigitBuffer {
        guard let value, value.utf8.count == 10, CheckDigits.allDigits(value.utf8) else {
            return try Field.digits(value, 8, "nosso_numero", BoletoError.Code.nossoNumero, bank: bank)!
        }
        let base = DigitBuffer(value.utf8.prefix(8))
        let given = DigitBuffer(value.utf8.suffix(2))
        guard given == nc(base) else {
            throw BoletoError(
                BoletoError.Code.nossoNumero,
                "nosso_numero \"\(value)\" has 10 digits: its last two, \(given), are taken as its NC, which should be \(nc(base))")
        }
        return base
    }
}
