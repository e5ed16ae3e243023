/// Itaú (341), ITABOL ("Especificação do boleto", Mar/2015) §8.3.2 and ITA400 p.77:
/// - carteiras in general: carteira (3) + nosso número (8) + DAC (1) + agência (4) + conta (5)
///   + DAC of agência/conta (1) + `000`. The nosso número's DAC is módulo 10 of agência + conta
///   (without its DAC) + carteira + nosso número; for carteiras 126, 131, 146, 150 and 168 of
///   carteira + nosso número only. The agência/conta DAC is módulo 10 of agência + conta.
/// - special carteiras 107, 122, 142, 143, 196 and 198 (ITABOL Anexo 5): carteira (3) + nosso
///   número (8) + seu número (7) + código do cliente (5) + DAC (módulo 10 of positions 20–42) +
///   `0`. Which DAC is printed beside these nosso números is not in our sources, and the
///   implementations disagree (docs/boleto-banks.md): for them `nosso_numero` is written
///   without one, never guessed.
public enum ItauCampoLivre: CampoLivreLayout {
    public static let bank = "341"
    public static let name = "Itaú"

    /// Carteiras whose nosso número DAC leaves agência and conta out.
    public static let shortDACCarteiras: Set<String> = ["126", "131", "146", "150", "168"]
    /// Carteiras with the 15-digit special layout.
    public static let specialCarteiras: Set<String> = ["107", "122", "142", "143", "196", "198"]

    /// The nosso número DAC.
    public static func nossoNumeroDAC(
        agency: some Collection<UInt8>, account: some Collection<UInt8>, carteira: some Collection<UInt8>, nossoNumero: some Collection<UInt8>
    ) -> UInt8 {
        let carteira = DigitBuffer(carteira)
        return shortDACCarteiras.contains(carteira.text)
            ? ascii(CheckDigits.mod10(carteira + DigitBuffer(nossoNumero)))
            : ascii(CheckDigits.mod10(DigitBuffer(agency) + DigitBuffer(account) + carteira + DigitBuffer(nossoNumero)))
    }

    public static func make(_ t: BoletoTitle) throws(BoletoError) -> (campoLivre: DigitBuffer, fields: CampoLivreFields) {
        guard let carteiraText = t.carteira, carteiraText.utf8.count == 3, CheckDigits.allDigits(carteiraText.utf8) else {
            throw BoletoError(BoletoError.Code.carteira, "Itaú carteira must be 3 digits (109, 112, 157…), found \"\(t.carteira ?? "")\"")
        }
        let carteira = DigitBuffer(carteiraText.utf8)
        var f = CampoLivreFields()
        f.carteira = carteiraText
        if specialCarteiras.contains(carteiraText) {
            let nn = try Field.digits(t.nossoNumero, 8, "nosso_numero", BoletoError.Code.nossoNumero, bank: bank)!
            let seu = try Field.digits(t.documentNumber, 7, "document_number (seu número, digits)", BoletoError.Code.field, bank: bank)!
            let client = try Field.digits(t.convenio, 5, "convenio (código do cliente)", BoletoError.Code.convenio, bank: bank)!
            var c = carteira + nn + seu + client
            c.append(ascii(CheckDigits.mod10(c)))
            c.append(48)
            f.nossoNumero = nn.text
            f.documentNumber = seu.text
            f.convenio = client.text
            f.layout = "special-carteira"
            return (c, f)
        }
        let agency = try Field.digits(t.agency, 4, "agency", BoletoError.Code.agency, bank: bank)!
        let account = try Field.digits(t.account, 5, "account", BoletoError.Code.account, bank: bank)!
        let accountDAC = ascii(CheckDigits.mod10(agency + account))
        if let given = t.accountDigit, !given.isEmpty, !given.utf8.elementsEqual(CollectionOfOne(accountDAC)) {
            throw BoletoError(
                BoletoError.Code.account,
                "account_digit is \"\(given)\", Itaú's DAC of agency \(agency.text) and account \(account.text) is \(String(UnicodeScalar(accountDAC)))")
        }
        let nn = try Field.nossoNumero(t.nossoNumero, 8, bank: bank) {
            nossoNumeroDAC(agency: agency, account: account, carteira: carteira, nossoNumero: $0)
        }
        let dac = nossoNumeroDAC(agency: agency, account: account, carteira: carteira, nossoNumero: nn)
        f.nossoNumero = (nn + [dac]).text
        f.agency = agency.text
        f.account = account.text
        f.accountDigit = String(UnicodeScalar(accountDAC))
        f.layout = "standard"
        return (carteira + nn + [dac] + agency + account + [accountDAC] + DigitBuffer(ascii: "000"), f)
    }

    public static func read(_ c: [UInt8]) -> (fields: CampoLivreFields, problems: [BoletoError]) {
        var f = CampoLivreFields()
        let carteira = Array(c[0..<3])
        f.carteira = carteira.text
        var problems: [BoletoError] = []
        if specialCarteiras.contains(carteira.text) {
            f.nossoNumero = Array(c[3..<11]).text
            f.documentNumber = Array(c[11..<18]).text
            f.convenio = Array(c[18..<23]).text
            f.layout = "special-carteira"
            let dac = ascii(CheckDigits.mod10(c[0..<23]))
            if c[23] != dac { problems.append(CampoLivre.problem("campo livre DAC", at: 43, found: c[23], expected: dac)) }
            if c[24] != 48 { problems.append(CampoLivre.problem("Itaú's constant", at: 44, found: c[24], expected: 48)) }
            return (f, problems)
        }
        let nn = Array(c[3..<11])
        let agency = Array(c[12..<16])
        let account = Array(c[16..<21])
        f.nossoNumero = Array(c[3..<12]).text
        f.agency = agency.text
        f.account = account.text
        f.accountDigit = String(UnicodeScalar(c[21]))
        f.layout = "standard"
        let dac = nossoNumeroDAC(agency: agency, account: account, carteira: carteira, nossoNumero: nn)
        if c[11] != dac { problems.append(CampoLivre.problem("nosso número DAC", at: 31, found: c[11], expected: dac)) }
        let accountDAC = ascii(CheckDigits.mod10(agency + account))
        if c[21] != accountDAC { problems.append(CampoLivre.problem("agência/conta DAC", at: 41, found: c[21], expected: accountDAC)) }
        for k in 22..<25 where c[k] != 48 {
            problems.append(CampoLivre.problem("Itaú's constant 000", at: k + 20, found: c[k], expected: 48))
            break
        }
        return (f, problems)
    }
}
