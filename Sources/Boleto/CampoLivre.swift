/// A bank's campo livre (barcode positions 20–44): how a título's fields are laid out in it,
/// and how they are read back. One type per bank, in `CampoLivre+<Bank>.swift`, each citing the
/// manual it follows (facts file §C.5).
public protocol CampoLivreLayout {
    /// The bank code.
    static var bank: String { get }
    /// The bank's name, for messages.
    static var name: String { get }
    /// The 25 digits for a título, and the fields as written (nosso número with its DV).
    static func make(_ title: BoletoTitle) throws(BoletoError) -> (campoLivre: DigitBuffer, fields: CampoLivreFields)
    /// The fields a campo livre holds, and its internal check digits that are wrong (columns
    /// are barcode positions).
    static func read(_ campoLivre: [UInt8]) -> (fields: CampoLivreFields, problems: [BoletoError])
}

/// The banks whose campo livre Troca writes and reads.
public enum CampoLivre {
    /// The bank codes Troca knows, in order.
    public static let banks = ["001", "004", "033", "041", "104", "237", "341", "748", "756"]

    /// The layout of a bank code, if Troca knows it.
    public static func known(_ bank: String) -> (any CampoLivreLayout.Type)? {
        switch bank {
        case BancoDoBrasilCampoLivre.bank: return BancoDoBrasilCampoLivre.self
        case BancoDoNordesteCampoLivre.bank: return BancoDoNordesteCampoLivre.self
        case SantanderCampoLivre.bank: return SantanderCampoLivre.self
        case BanrisulCampoLivre.bank: return BanrisulCampoLivre.self
        case CaixaCampoLivre.bank: return CaixaCampoLivre.self
        case BradescoCampoLivre.bank: return BradescoCampoLivre.self
        case ItauCampoLivre.bank: return ItauCampoLivre.self
        case SicrediCampoLivre.bank: return SicrediCampoLivre.self
        case SicoobCampoLivre.bank: return SicoobCampoLivre.self
        default: return nil
        }
    }

    /// The layout of a bank, or an error naming the banks Troca knows.
    public static func layout(for bank: String) throws(BoletoError) -> any CampoLivreLayout.Type {
        guard let l = known(bank) else {
            throw BoletoError(
                BoletoError.Code.bank,
                "no campo livre layout for bank \"\(bank)\"; known: \(banks.joined(separator: ", "))")
        }
        return l
    }

    /// A wrong check digit inside a campo livre (column = barcode position).
    static func problem(_ what: String, at barcodePosition: Int, found: UInt8, expected: UInt8) -> BoletoError {
        BoletoError(
            BoletoError.Code.checkDigit,
            "\(what) (barcode position \(barcodePosition)) is \(String(UnicodeScalar(found))), should be \(String(UnicodeScalar(expected)))",
            column: barcodePosition)
    }
}

/// A digit value as its ASCII byte.
@inline(__always)
func ascii(_ d: Int) -> UInt8 { UInt8(48 + d) }
