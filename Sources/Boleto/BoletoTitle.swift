/// What a título gives to make its boleto: the fields of a JSONL `title` record that a campo
/// livre or the barcode use (names as in docs/records.md).
public struct BoletoTitle: Sendable, Hashable {
    /// Bank code, 3 digits.
    public var bank: String
    /// Agency (cooperativa for Sicoob and Sicredi), without its digit.
    public var agency: String?
    /// Account, without its digit.
    public var account: String?
    /// The account's digit, checked where the barcode carries one (Itaú DAC).
    public var accountDigit: String?
    /// The bank's carteira as printed on the boleto (BB 17, Bradesco 09, Itaú 109, Santander 101…).
    public var carteira: String?
    /// Convênio / código do beneficiário / código do cliente.
    public var convenio: String?
    /// Nosso número, without its check digit (or with it, which is then checked).
    public var nossoNumero: String?
    /// Seu número (Itaú special carteiras carry 7 digits of it).
    public var documentNumber: String?
    /// Due date.
    public var dueDate: BoletoDate?
    /// Amount in centavos.
    public var amountCents: Int?

    /// Creates a título.
    public init(
        bank: String, agency: String? = nil, account: String? = nil, accountDigit: String? = nil, carteira: String? = nil,
        convenio: String? = nil, nossoNumero: String? = nil, documentNumber: String? = nil, dueDate: BoletoDate? = nil,
        amountCents: Int? = nil
    ) {
        self.bank = bank
        self.agency = agency
        self.account = account
        self.accountDigit = accountDigit
        self.carteira = carteira
        self.convenio = convenio
        self.nossoNumero = nossoNumero
        self.documentNumber = documentNumber
        self.dueDate = dueDate
        self.amountCents = amountCents
    }
}

/// The título fields a campo livre carries, as a bank's layout writes them (zero-padded to
/// their width; `nossoNumero` with its check digit appended where the bank has one). Reading a
/// campo livre back gives the same values: that is the round trip the tests check.
public struct CampoLivreFields: Sendable, Hashable {
    /// Agency / cooperativa.
    public var agency: String?
    /// Account.
    public var account: String?
    /// The account's DAC, where the barcode carries it.
    public var accountDigit: String?
    /// Carteira.
    public var carteira: String?
    /// Convênio / código do beneficiário.
    public var convenio: String?
    /// Nosso número with its check digit appended (when the bank has one).
    public var nossoNumero: String?
    /// Seu número (Itaú special carteiras).
    public var documentNumber: String?
    /// Which of the bank's layouts it is (`convenio-7`, `convenio-4-6`, `special-carteira`…).
    public var layout: String?

    /// Empty fields.
    public init() {}

    /// The nosso número's check digits, the end of `nossoNumero`, for the layouts that append
    /// them: Banrisul's two-digit NC, one character for every other bank except Banco do
    /// Brasil's 7-digit convênio and Itaú's special carteiras, whose nosso número has none.
    /// `boleto make` and `boleto decode` split the nosso número with it.
    public var nossoNumeroDigit: String? {
        guard let nn = nossoNumero, layout != "convenio-7", layout != "special-carteira" else { return nil }
        let width = layout.map { BanrisulCampoLivre.layouts.contains($0) } == true ? 2 : 1
        // The fields are ASCII digits (and X or P): bytes are characters.
        guard nn.utf8.count >= width else { return nil }
        return String(decoding: nn.utf8.suffix(width), as: UTF8.self)
    }
}

extension CampoLivreFields {
    /// Whether the manual says this nosso número has no check digit, so that a título giving
    /// one is wrong: Banco do Brasil's 17-digit nosso número of a 7-digit convênio (BBBOL Anexo
    /// IX; facts file §C.5). Itaú's special carteiras are not in it: their printed digit is
    /// unsettled (docs/boleto-banks.md), not absent.
    public var nossoNumeroHasNoDigit: Bool { layout == "convenio-7" }
}

/// Field checks shared by the banks' layouts.
enum Field {
    /// `value` as exactly `width` digits: digits only, zero-padded on the left; extra leading
    /// zeros are dropped, anything longer is an error (never cut).
    static func digits(_ value: String?, _ width: Int, _ name: String, _ code: String, required: Bool = true, bank: String)
        throws(BoletoError) -> DigitBuffer?
    {
        guard let value, !value.isEmpty else {
            if required { throw BoletoError(code, "\(name) is required for bank \(bank)") }
            return nil
        }
        // Read in place; extra leading zeros are dropped down to the width, what is left copied once.
        var text = value
        let (isDigits, significant, padded): (Bool, Int, DigitBuffer?) = text.withUTF8 { b in
            guard CheckDigits.allDigits(b) else { return (false, 0, nil) }
            var first = 0
            while b.count - first > width, b[first] == 48 { first += 1 }
            let significant = b.count - first
            guard significant <= width else { return (true, significant, nil) }
            var d = DigitBuffer()
            for _ in significant..<width { d.append(48) }
            d.append(contentsOf: UnsafeBufferPointer(rebasing: b[first...]))
            return (true, significant, d)
        }
        guard isDigits else {
            throw BoletoError(code, "\(name) must be digits, found \"\(value)\"")
        }
        guard let padded else {
            throw BoletoError(code, "\(name) has \(significant) digits, bank \(bank) holds \(width): \"\(value)\"")
        }
        return padded
    }

    /// A nosso número of `width` digits, or `width` + 1 whose last character is its check digit,
    /// which must be `dv(base)`. Returns the base.
    static func nossoNumero(_ value: String?, _ width: Int, bank: String, dv: (DigitBuffer) -> UInt8) throws(BoletoError) -> DigitBuffer {
        guard let value, !value.isEmpty else {
            throw BoletoError(BoletoError.Code.nossoNumero, "nosso_numero is required")
        }
        let b = value.utf8
        if b.count == width + 1, CheckDigits.allDigits(b.dropLast()), let last = b.last {
            let base = DigitBuffer(b.dropLast())
            let expected = dv(base)
            guard last == expected || (expected >= 65 && last == expected + 32) else {
                throw BoletoError(
                    BoletoError.Code.nossoNumero,
                    "nosso_numero \"\(value)\" has \(b.count) characters: its last one, \(String(UnicodeScalar(last))), is taken as its check digit, which should be \(String(UnicodeScalar(expected)))"
                )
            }
            return base
        }
        return try digits(value, width, "nosso_numero", BoletoError.Code.nossoNumero, bank: bank)!
    }
}
