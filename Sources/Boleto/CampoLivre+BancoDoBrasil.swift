/// Banco do Brasil (001), BBBOL (Doc5175, Jan/2016):
/// - convênio of 7 digits (Anexo IX): `000000` + nosso número of 17 (convênio + 10-digit
///   sequence, no check digit) + carteira (2);
/// - convênio of 6 (Anexo VIII) or 4 (Anexo VII): nosso número of 11 (convênio + 5- or 7-digit
///   sequence) + agência (4) + conta (8) + carteira (2); the nosso número's check digit (printed,
///   not in the barcode) is módulo 11 with weights 9, 8 … 2 from the right, DV = remainder,
///   10 ⇒ `X` (Anexo XI).
/// The "nosso número livre" of 17 with convênio 6 (Anexo X, carteira 21) was for boletos sem
/// registro, which no longer exist; it is not written. Reading a 4/6 layout cannot tell a
/// convênio of 4 from one of 6 (both fill 11 digits), so `convenio` is not read back then.
public enum BancoDoBrasilCampoLivre: CampoLivreLayout {
    public static let bank = "001"
    public static let name = "Banco do Brasil"

    /// The nosso número check digit (Anexo XI): `0`…`9` or `X`.
    public static func nossoNumeroDigit(_ digits: some BidirectionalCollection<UInt8>) -> UInt8 {
        var sum = 0
        var w = 9
        for c in digits.reversed() {
            sum += Int(c - 48) * w
            w = w == 2 ? 9 : w - 1
        }
        let r = sum % 11
        return r == 10 ? UInt8(ascii: "X") : ascii(r)
    }

    public static func make(_ t: BoletoTitle) throws(BoletoError) -> (campoLivre: DigitBuffer, fields: CampoLivreFields) {
        guard let convenio = t.convenio, !convenio.isEmpty else {
            throw BoletoError(BoletoError.Code.convenio, "convenio is required for Banco do Brasil (4, 6 or 7 digits)")
        }
        guard CheckDigits.allDigits(convenio.utf8), [4, 6, 7].contains(convenio.utf8.count) else {
            throw BoletoError(BoletoError.Code.convenio, "Banco do Brasil convênio must have 4, 6 or 7 digits, found \"\(convenio)\"")
        }
        let conv = DigitBuffer(convenio.utf8)
        let carteira = try Field.digits(t.carteira, 2, "carteira", BoletoError.Code.carteira, bank: bank)!
        var f = CampoLivreFields()
        f.carteira = carteira.text
        if conv.count == 7 {
            let seq = try sequence(t.nossoNumero, convenio: conv, width: 10)
            let c = DigitBuffer(ascii: "000000") + conv + seq + carteira
            f.convenio = conv.text
            f.nossoNumero = (conv + seq).text
            f.layout = "convenio-7"
            return (c, f)
        }
        let seqWidth = 11 - conv.count
        let nn: DigitBuffer
        let given = t.nossoNumero?.utf8 ?? "".utf8
        if given.count == 12, CheckDigits.allDigits(given.prefix(11)), let last = given.last {
            // Eleven digits and the check digit.
            let base = DigitBuffer(given.prefix(11))
            guard base.starts(with: conv) else { throw startsWithConvenio(t.nossoNumero!, conv) }
            let dv = nossoNumeroDigit(base)
            guard last == dv || (dv == 88 && last == 120) else {
                throw BoletoError(
                    BoletoError.Code.nossoNumero,
                    "nosso_numero \"\(t.nossoNumero!)\": its 12th character is taken as its check digit, which should be \(String(UnicodeScalar(dv)))")
            }
            nn = base
        } else {
            nn = conv + (try sequence(t.nossoNumero, convenio: conv, width: seqWidth))
        }
        let agency = try Field.digits(t.agency, 4, "agency", BoletoError.Code.agency, bank: bank)!
        let account = try Field.digits(t.account, 8, "account", BoletoError.Code.account, bank: bank)!
        f.agency = agency.text
        f.account = account.text
        f.nossoNumero = (nn + [nossoNumeroDigit(nn)]).text
        f.layout = "convenio-4-6"
        return (nn + agency + account + carteira, f)
    }

    /// The sequence part of a nosso número given either alone or after the convênio.
    static func sequence(_ value: String?, convenio: DigitBuffer, width: Int) throws(BoletoError) -> DigitBuffer {
        guard let value, !value.isEmpty else { throw BoletoError(BoletoError.Code.nossoNumero, "nosso_numero is required") }
        let b = value.utf8
        guard CheckDigits.allDigits(b) else { throw BoletoError(BoletoError.Code.nossoNumero, "nosso_numero must be digits, found \"\(value)\"") }
        if b.count == convenio.count + width {
            guard b.starts(with: convenio) else { throw startsWithConvenio(value, convenio) }
            return DigitBuffer(b.suffix(width))
        }
        return try Field.digits(value, width, "nosso_numero (the sequence after the \(convenio.count)-digit convênio)", BoletoError.Code.nossoNumero, bank: bank)!
    }

    static func startsWithConvenio(_ value: String, _ convenio: DigitBuffer) -> BoletoError {
        BoletoError(BoletoError.Code.nossoNumero, "nosso_numero \"\(value)\" must start with the convênio \(convenio.text)")
    }

    public static func read(_ c: [UInt8]) -> (fields: CampoLivreFields, problems: [BoletoError]) {
        var f = CampoLivreFields()
        f.carteira = Array(c[23..<25]).text
        if c[0..<6].allSatisfy({ $0 == 48 }) {
            f.convenio = Array(c[6..<13]).text
            f.nossoNumero = Array(c[6..<23]).text
            f.layout = "convenio-7"
        } else {
            let nn = Array(c[0..<11])
            f.nossoNumero = (nn + [nossoNumeroDigit(nn)]).text
            f.agency = Array(c[11..<15]).text
            f.account = Array(c[15..<23]).text
            f.layout = "convenio-4-6"
        }
        return (f, [])
    }
}
