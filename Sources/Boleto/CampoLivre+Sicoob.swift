/// Sicoob (756), as brcobranca's `boleto/sicoob.rb` implements the Sicoob layout (secondary
/// source; facts file §C.5): carteira (1) + cooperativa (4) + modalidade (2, `01` simples com
/// registro) + código do cliente (7) + nosso número with its DV (8) + parcela (3, `001`).
/// The nosso número DV: over cooperativa (4) + código do cliente (10, zero-padded) + nosso
/// número (7), weights 3, 1, 9, 7 repeating from the left; DV = 11 − (sum mod 11), remainder 0
/// or 1 ⇒ 0.
public enum SicoobCampoLivre: CampoLivreLayout {
    public static let bank = "756"
    public static let name = "Sicoob"

    /// The nosso número DV.
    public static func nossoNumeroDigit(
        cooperativa: some Collection<UInt8>, client: some Collection<UInt8>, nossoNumero: some Collection<UInt8>
    ) -> UInt8 {
        let weights = (3, 1, 9, 7)
        var sum = 0
        var digits = DigitBuffer(cooperativa)
        for _ in 0..<max(0, 10 - client.count) { digits.append(48) }
        digits.append(contentsOf: client)
        digits.append(contentsOf: nossoNumero)
        for (k, d) in digits.enumerated() {
            let w = k % 4 == 0 ? weights.0 : k % 4 == 1 ? weights.1 : k % 4 == 2 ? weights.2 : weights.3
            sum += Int(d - 48) * w
        }
        let r = sum % 11
        return r <= 1 ? 48 : ascii(11 - r)
    }

    public static func make(_ t: BoletoTitle) throws(BoletoError) -> (campoLivre: DigitBuffer, fields: CampoLivreFields) {
        let carteira = try Field.digits(t.carteira ?? "1", 1, "carteira", BoletoError.Code.carteira, bank: bank)!
        let coop = try Field.digits(t.agency, 4, "agency (cooperativa)", BoletoError.Code.agency, bank: bank)!
        let client = try Field.digits(t.convenio, 7, "convenio (código do cliente)", BoletoError.Code.convenio, bank: bank)!
        let nn = try Field.nossoNumero(t.nossoNumero, 7, bank: bank) { nossoNumeroDigit(cooperativa: coop, client: client, nossoNumero: $0) }
        let full = nn + [nossoNumeroDigit(cooperativa: coop, client: client, nossoNumero: nn)]
        var f = CampoLivreFields()
        f.carteira = carteira.text
        f.agency = coop.text
        f.convenio = client.text
        f.nossoNumero = full.text
        return (carteira + coop + DigitBuffer(ascii: "01") + client + full + DigitBuffer(ascii: "001"), f)
    }

    public static func read(_ c: [UInt8]) -> (fields: CampoLivreFields, problems: [BoletoError]) {
        var f = CampoLivreFields()
        let coop = Array(c[1..<5])
        let client = Array(c[7..<14])
        f.carteira = Array(c[0..<1]).text
        f.agency = coop.text
        f.convenio = client.text
        f.nossoNumero = Array(c[14..<22]).text
        let dv = nossoNumeroDigit(cooperativa: coop, client: client, nossoNumero: Array(c[14..<21]))
        var problems: [BoletoError] = []
        if c[21] != dv { problems.append(CampoLivre.problem("nosso número check digit", at: 41, found: c[21], expected: dv)) }
        return (f, problems)
    }
}
