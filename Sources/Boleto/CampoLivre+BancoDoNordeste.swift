/// Banco do Nordeste (004), "Compensação eletrônica (código de barras) — manual de instruções e
/// preenchimento dos bloquetes", leiaute do código de barras, as brcobranca, laravel-boleto,
/// BoletoNet and jrimum implement it (docs/boleto-banks.md has the sources and the examples):
/// agência (4) + conta (7) + the conta's digit (1) + nosso número (7) + its DV (1) + carteira,
/// the "tipo de operação" (2: 21 simples, 31 caucionada, 41 vinculada, 51 simplificada) + `000`.
/// The nosso número DV: módulo 11 with weights 2–8 from the right, DV = 11 − remainder,
/// remainder 0 or 1 ⇒ 0.
///
/// In a título the carteira is the campo livre's two digits, or one of the CNAB 400 remessa's
/// one-character codes that the sources agree on (4 → 21, 5 → 41, I → 51); the codes they
/// disagree on (1, 2, 6) are rejected, never guessed.
public enum BancoDoNordesteCampoLivre: CampoLivreLayout {
    public static let bank = "004"
    public static let name = "Banco do Nordeste"

    /// The carteiras (tipos de operação) the sources name.
    public static let carteiras = ["21", "31", "41", "51"]

    /// CNAB 400 remessa carteira codes (position 108) whose tipo de operação brcobranca and
    /// BoletoNet agree on.
    public static let remessaCarteiraCodes = ["4": "21", "5": "41", "I": "51"]

    /// The nosso número DV over its 7 digits.
    public static func nossoNumeroDigit(_ nossoNumero: some Collection<UInt8>) -> UInt8 {
        let r = CheckDigits.mod11Remainder(DigitBuffer(nossoNumero), maxWeight: 8)
        return r <= 1 ? 48 : ascii(11 - r)
    }

    public static func make(_ t: BoletoTitle) throws(BoletoError) -> (campoLivre: DigitBuffer, fields: CampoLivreFields) {
        let agency = try Field.digits(t.agency, 4, "agency", BoletoError.Code.agency, bank: bank)!
        let account = try Field.digits(t.account, 7, "account", BoletoError.Code.account, bank: bank)!
        guard let accountDigit = t.accountDigit, accountDigit.utf8.count == 1, CheckDigits.allDigits(accountDigit.utf8) else {
            throw BoletoError(
                BoletoError.Code.account,
                "Banco do Nordeste account_digit must be 1 digit (the barcode carries it), found \"\(t.accountDigit ?? "")\"")
        }
        let given = t.carteira.map { remessaCarteiraCodes[$0.uppercased()] ?? $0 }
        guard let carteira = given, carteiras.contains(carteira) else {
            throw BoletoError(
                BoletoError.Code.carteira,
                "Banco do Nordeste carteira (tipo de operação) must be one of \(carteiras.joined(separator: ", ")), "
                    + "or a CNAB 400 code 4, 5 or I; found \"\(t.carteira ?? "")\"")
        }
        let nn = try Field.nossoNumero(t.nossoNumero, 7, bank: bank) { nossoNumeroDigit($0) }
        let full = nn + [nossoNumeroDigit(nn)]
        var f = CampoLivreFields()
        f.agency = agency.text
        f.account = account.text
        f.accountDigit = accountDigit
        f.carteira = carteira
        f.nossoNumero = full.text
        return (agency + account + DigitBuffer(accountDigit.utf8) + full + DigitBuffer(carteira.utf8) + DigitBuffer(ascii: "000"), f)
    }

    public static func read(_ c: [UInt8]) -> (fields: CampoLivreFields, problems: [BoletoError]) {
        var f = CampoLivreFields()
        f.agency = Array(c[0..<4]).text
        f.account = Array(c[4..<11]).text
        f.accountDigit = Array(c[11..<12]).text
        f.nossoNumero = Array(c[12..<20]).text
        f.carteira = Array(c[20..<22]).text
        var problems: [BoletoError] = []
        let dv = nossoNumeroDigit(c[12..<19])
        if c[19] != dv { problems.append(CampoLivre.problem("nosso número check digit", at: 39, found: c[19], expected: dv)) }
        for k in 22..<25 where c[k] != 48 {
            problems.append(CampoLivre.problem("Banco do Nordeste's zeros", at: 20 + k, found: c[k], expected: 48))
        }
        return (f, problems)
    }
}
