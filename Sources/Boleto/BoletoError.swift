/// Why a code or a título cannot make (or is not) a valid boleto: a stable dotted code such as
/// `boleto.check-digit`, a lowercase message saying what was expected and what was found, and,
/// for codes read from text, the 1-based position of the offending character in that text.
public struct BoletoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable code (`boleto.length`, `boleto.character`, `boleto.check-digit`, …).
    public var code: String
    /// What was expected and what was found.
    public var message: String
    /// 1-based position in the text the error is about (0 when it is about the whole value).
    public var column: Int

    /// Creates an error.
    public init(_ code: String, _ message: String, column: Int = 0) {
        self.code = code
        self.message = message
        self.column = column
    }

    /// `[code] message`.
    public var description: String { "[\(code)] \(message)" }

    /// Codes, kept in one place so that they stay stable.
    public enum Code {
        /// A code has the wrong number of digits.
        public static let length = "boleto.length"
        /// A character that is neither a digit nor an accepted separator.
        public static let character = "boleto.character"
        /// A check digit does not match.
        public static let checkDigit = "boleto.check-digit"
        /// A due date outside what a factor can say.
        public static let factor = "boleto.factor"
        /// An amount that does not fit the barcode.
        public static let amount = "boleto.amount"
        /// A missing or malformed convênio / código do beneficiário.
        public static let convenio = "boleto.convenio"
        /// A nosso número too long, malformed, or with a wrong check digit.
        public static let nossoNumero = "boleto.nosso-numero"
        /// A bank whose campo livre Troca does not know.
        public static let bank = "boleto.bank"
        /// A missing or malformed agency.
        public static let agency = "boleto.agency"
        /// A missing or malformed account (or account digit).
        public static let account = "boleto.account"
        /// A carteira the bank's layout does not accept.
        public static let carteira = "boleto.carteira"
        /// A missing or malformed field of a título.
        public static let field = "boleto.field"
        /// A Pix BR Code that cannot be built or read.
        public static let pix = "boleto.pix"
        /// A code that is none of: bank barcode or line, arrecadação barcode or line, Pix payload.
        public static let kind = "boleto.kind"
    }
}
