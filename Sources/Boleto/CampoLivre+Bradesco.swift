/// Bradesco (237), BRD400 p.28 (campo livre) and p.17 (nosso número DV): agência (4) + carteira
/// (2) + nosso número (11, without its DV) + conta (7, without its DV) + `0`. The nosso
/// número's DV (printed, not in the barcode) is módulo 11 with weights 2–7 from the right over
/// carteira + nosso número: DV = 11 − remainder; remainder 1 ⇒ `P`, remainder 0 ⇒ `0`.
public enum BradescoCampoLivre: CampoLivreLayout {
    public static let bank = "237"
    public static let name = "Bradesco"

    /// The nosso número DV over carteira (2) + nosso número (11).
    public static func nossoNumeroDigit(carteira: some Collection<UInt8>, nossoNumero: some Collection<UInt8>) -> UInt8 {
        let r = CheckDigits.mod11Remainder(DigitBuffer(carteira) + DigitBuffer(nossoNumero), maxWeight: 7)
        switch r {
        case 0: return 48
        case 1: return UInt8(ascii: "P")
        default: return ascii(11 - r)
        }
    }

    public static func make(_ t: BoletoTitle) throws(BoletoError) -> (campoLivre: DigitBuffer, fields: CampoLivreFields) {
        let agency = try Field.digits(t.agency, 4, "agency", BoletoError.Code.agency, bank: bank)!
        let carteira = try Field.digits(t.carteira, 2, "carteira", BoletoError.Code.carteira, bank: bank)!
        let nn = try Field.nossoNumero(t.nossoNumero, 11, bank: bank) { nossoNumeroDigit(carteira: carteira, nossoNumero: $0) }
        let account = try Field.digits(t.account, 7, "account", BoletoError.Code.account, bank: bank)!
        var f = CampoLivreFields()
        f.agency = agency.text
        f.carteira = carteira.text
        f.account = account.text
        f.nossoNumero = (nn + [nossoNumeroDigit(carteira: carteira, nossoNumero: nn)]).text
        return (agency + carteira + nn + account + [48], f)
    }

    public static func read(_ c: [UInt8]) -> (fields: CampoLivreFields, problems: [BoletoError]) {
        var f = CampoLivreFields()
        let carteira = Array(c[4..<6])
        let nn = Array(c[6..<17])
        f.agency = Array(c[0..<4]).text
        f.carteira = carteira.text
        f.nossoNumero = (nn + [nossoNumeroDigit(carteira: carteira, nossoNumero: nn)]).text
        f.account = Array(c[17..<24]).text
        var problems: [BoletoError] = []
        if c[24] != 48 { problems.append(CampoLivre.problem("Bradesco's constant", at: 44, found: c[24], expected: 48)) }
        return (f, problems)
    }
}
