/// The fields of a `letter` job, as `troca letters select` writes them: what a template may name.
/// A template is checked against this tree when it is loaded, so a misspelt field fails before
/// any letter is rendered.
public indirect enum FieldShape: Sendable, Hashable {
    /// Text (names, codes, digits kept as strings).
    case text
    /// Integer centavos.
    case cents
    /// A plain integer (counts, days).
    case integer
    /// A civil date `YYYY-MM-DD`.
    case date
    /// An object with named members.
    case object([String: FieldShape])
    /// A list of elements of one shape.
    case list(FieldShape)

    /// A member of an object shape.
    public subscript(member member: String) -> FieldShape? {
        if case .object(let members) = self { return members[member] }
        return nil
    }
}

/// The `letter` record's shape.
public enum LetterSchema {
    /// An address in Correios order.
    public static let address = FieldShape.object([
        "street": .text, "number": .text, "complement": .text, "district": .text,
        "city": .text, "state": .text, "cep": .text,
    ])

    /// One título in a letter.
    public static let title = FieldShape.object([
        "document_number": .text, "nosso_numero": .text, "bank": .text, "due_date": .date,
        "amount_cents": .cents, "days_overdue": .integer, "fine_cents": .cents, "interest_cents": .cents,
        "correction_cents": .cents, "fees_cents": .cents, "discount_cents": .cents, "updated_cents": .cents,
    ])

    /// The whole job; `statement` is computed from `titles` when rendered (the debt statement).
    public static let job = FieldShape.object([
        "record": .text, "sequence": .integer, "step": .text, "template": .text, "inserts": .text,
        "as_of": .date, "days_overdue": .integer,
        "payer": .object(["name": .text, "document": .text, "document_type": .text, "address": address]),
        "sender": .object(["name": .text, "document": .text, "address": address]),
        "titles": .list(title),
        "total_cents": .cents, "fine_cents": .cents, "interest_cents": .cents, "correction_cents": .cents, "fees_cents": .cents,
        "discount_cents": .cents,
        "updated_total_cents": .cents,
        "boleto": .object([
            "bank": .text, "nosso_numero": .text, "due_date": .date, "amount_cents": .cents,
            "barcode": .text, "linha_digitavel": .text,
            "pix": .object(["key": .text, "name": .text, "city": .text, "txid": .text, "emv": .text]),
        ]),
        "statement": .text,
    ])
}
