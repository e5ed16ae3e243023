import Records

/// The fields of a `title` record that a debt update needs, read from a parsed JSONL line.
///
/// Use: `let t = try DebtTitle(tape)` (the tape of one `title` record), then
/// `rules.update(principalCents: t.amountCents, dueDate: t.dueDate, asOf: date, index: table)`.
public struct DebtTitle: Sendable, Hashable {
    /// Seu número.
    public var documentNumber: String?
    /// Nosso número.
    public var nossoNumero: String?
    /// The payer's CPF or CNPJ (`payer.document`), punctuation dropped (`DocumentText.key`).
    public var partyDocument: String?
    /// Vencimento.
    public var dueDate: CivilDate
    /// Valor nominal (`amount_cents`).
    public var amountCents: Int

    /// A título from values.
    public init(documentNumber: String? = nil, nossoNumero: String? = nil, partyDocument: String? = nil, dueDate: CivilDate, amountCents: Int) {
        self.documentNumber = documentNumber
        self.nossoNumero = nossoNumero
        self.partyDocument = partyDocument.map(DocumentText.key)
        self.dueDate = dueDate
        self.amountCents = amountCents
    }

    /// Reads a `title` record: `due_date` and `amount_cents` (zero to `Cents.maximum`) are required.
    /// Throws `update.title` saying which field is missing or wrong.
    public init(_ tape: JSONTape) throws(UpdateError) {
        self = try RecordError.reading("update.title") {
            guard let due = try tape.date("due_date") else { throw UpdateError("update.title", "the title has no due_date") }
            guard let amount = try tape.integer("amount_cents") else {
                throw UpdateError("update.title", "the title has no amount_cents")
            }
            // Both bounds here, at the value's column: `rules.update` checks them again, but its
            // error knows no field (an amount past the most was reported at column 0).
            guard amount >= 0 else {
                throw UpdateError("update.amount", "expected amount_cents of zero or more, found \(amount)", node: tape.member("amount_cents", of: 0))
            }
            guard amount <= Cents.maximum else {
                throw UpdateError(
                    "update.amount", "expected amount_cents of at most \(Cents.maximum) (R$ 10 trilhões), found \(amount)",
                    node: tape.member("amount_cents", of: 0))
            }
            return DebtTitle(
                documentNumber: try tape.text("document_number"), nossoNumero: try tape.text("nosso_numero"),
                partyDocument: try tape.text("payer.document"), dueDate: due, amountCents: amount)
        }
    }
}
