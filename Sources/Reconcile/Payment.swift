import Records

/// A payment to reconcile: a retorno `event` with `event: paid` (`troca cnab parse`) or a
/// `payment` record (Pix, card, cash: `troca import payments`).
///
/// Use: `if let p = try Payment(tape, file: name, line: n) { … }` (nil for records that are not
/// payments), then `Reconciler.reconcile`.
public struct Payment: Sendable, Hashable {
    /// `event` or `payment`: the record it came from.
    public var kind: String
    /// Nosso número.
    public var nossoNumero: String?
    /// Seu número / document number.
    public var documentNumber: String?
    /// The payer's CPF or CNPJ (`payer.document`), punctuation dropped (`DocumentText.key`).
    public var partyDocument: String?
    /// The payment's own identifier (Pix end-to-end id, authorisation), for `payment` records.
    public var reference: String?
    /// Valor pago.
    public var paidCents: Int
    /// When it was paid: `occurrence_date` (the day the bank received it), else `credit_date`
    /// (events); `payment_date`, else `credit_date` (payments).
    public var date: CivilDate
    /// Where the payment was first read (the record's `source`, else the JSONL input's).
    public var sourceFile: String
    /// Its line there.
    public var sourceLine: Int
    /// A hash of the members that tell payments apart besides those above (`distinction`:
    /// `method`, `credit_date`): two payments are one seen twice only when this is equal too, so
    /// two real payments that differ only there are both applied.
    public var distinctionHash: UInt64 = 0

    /// A payment from values.
    public init(
        kind: String = "payment", nossoNumero: String? = nil, documentNumber: String? = nil, partyDocument: String? = nil,
        reference: String? = nil, paidCents: Int, date: CivilDate, sourceFile: String = "-", sourceLine: Int = 0
    ) {
        self.kind = kind
        self.nossoNumero = nossoNumero
        self.documentNumber = documentNumber
        self.partyDocument = partyDocument.map(DocumentText.key)
        self.reference = reference
        self.paidCents = paidCents
        self.date = date
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }

    /// A payment from values, its party document already a key (`DocumentText.key`).
    private init(
        kind: String, nossoNumero: String?, documentNumber: String?, partyKey: String?, reference: String?, paidCents: Int, date: CivilDate,
        sourceFile: String, sourceLine: Int, distinctionHash: UInt64
    ) {
        self.kind = kind
        self.nossoNumero = nossoNumero
        self.documentNumber = documentNumber
        self.partyDocument = partyKey
        self.reference = reference
        self.paidCents = paidCents
        self.date = date
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
        self.distinctionHash = distinctionHash
    }

    /// Reads a payment from a record: nil when the record is not one (an `event` other than
    /// `paid`, a `title`, a header…). Refused: no key at all (`reconcile.payment-key`), no or a
    /// negative `paid_cents` (`reconcile.payment-amount`), no date (`reconcile.payment-date`).
    public init?(_ tape: JSONTape, file: String, line: Int) throws(ReconcileError) {
        var given = false
        try self.init(tape, file: file, line: line, sourceGiven: &given)
    }

    /// As `init?(_:file:line:)`; `sourceGiven` tells whether the record gave its own `source`
    /// (else `sourceFile` and `sourceLine` are `file` and `line`: a reader that numbered its
    /// lines from another start renumbers those).
    public init?(_ tape: JSONTape, file: String, line: Int, sourceGiven: inout Bool) throws(ReconcileError) {
        var given = false
        guard let p = try RecordError.reading("reconcile.payment-field", { try Payment.read(tape, file: file, line: line, sourceGiven: &given) }) else {
            return nil
        }
        sourceGiven = given
        self = p
    }

    /// The nodes of the members a payment is read from, found in one walk of the record.
    private struct Nodes {
        var record, event, occurrenceDate, paymentDate, creditDate: Int?
        var nossoNumero, documentNumber, payer, paidCents, source, reference, method: Int?

        /// The last node of each member (as `JSONTape.member` would find it).
        init(_ tape: JSONTape) {
            tape.forEachMember(of: 0) { key, value in
                switch key.count {
                case 5: if key.isName("event") { event = value } else if key.isName("payer") { payer = value }
                case 6 where key.isName("method"): method = value
                case 6: if key.isName("record") { record = value } else if key.isName("source") { source = value }
                case 9: if key.isName("reference") { reference = value }
                case 10: if key.isName("paid_cents") { paidCents = value }
                case 11: if key.isName("credit_date") { creditDate = value }
                case 12: if key.isName("nosso_numero") { nossoNumero = value } else if key.isName("payment_date") { paymentDate = value }
                case 15: if key.isName("occurrence_date") { occurrenceDate = value } else if key.isName("document_number") { documentNumber = value }
                default: break
                }
            }
        }
    }

    private static func read(_ tape: JSONTape, file: String, line: Int, sourceGiven: inout Bool) throws -> Payment? {
        let at = Nodes(tape)
        guard let r = at.record else { return nil }
        let kind: String
        if tape.isString(r, "event") {
            kind = "event"
            // (As `text(at:) == "paid"`, without a string: refused when not a string or null.)
            guard let e = at.event, tape[e].kind != .null else { return nil }
            guard tape.isString(e, "paid") else {
                if tape[e].kind == .string { return nil }
                _ = try tape.text(at: e, "event")
                return nil
            }
        } else if tape.isString(r, "payment") {
            kind = "payment"
        } else {
            return nil
        }
        let date = kind == "event"
            ? try tape.date(at: at.occurrenceDate, "occurrence_date") ?? tape.date(at: at.creditDate, "credit_date")
            : try tape.date(at: at.paymentDate, "payment_date") ?? tape.date(at: at.creditDate, "credit_date")
        let nosso = try tape.text(at: at.nossoNumero, "nosso_numero")
        let doc = try tape.text(at: at.documentNumber, "document_number")
        var document: Int? = nil
        if let payer = at.payer {
            tape.forEachMember(of: payer) { key, value in if key.isName("document") { document = value } }
        }
        let party = try tape.text(at: document, "payer.document")
        guard nosso != nil || doc != nil || party != nil else {
            throw ReconcileError(
                "reconcile.payment-key", "expected nosso_numero, document_number or payer.document to match it by, found none")
        }
        guard let cents = try tape.integer(at: at.paidCents, "paid_cents") else {
            throw ReconcileError("reconcile.payment-amount", "expected paid_cents, found none")
        }
        guard cents > 0 else {
            throw ReconcileError("reconcile.payment-amount", "expected paid_cents above zero, found \(cents)", node: at.paidCents)
        }
        guard cents <= Cents.maximum else {
            throw ReconcileError(
                "reconcile.payment-amount", "expected paid_cents of at most \(Cents.maximum) (R$ 10 trilhões), found \(cents)", node: at.paidCents)
        }
        guard let date else {
            throw ReconcileError(
                "reconcile.payment-date",
                kind == "event" ? "expected occurrence_date or credit_date, found none" : "expected payment_date or credit_date, found none")
        }
        var sourceFile = file
        var sourceLine = line
        var fileNode: Int? = nil, lineNode: Int? = nil
        if let s = at.source {
            tape.forEachMember(of: s) { key, value in
                if key.isName("file") { fileNode = value } else if key.isName("line") { lineNode = value }
            }
        }
        if let f = try tape.text(at: fileNode, "file"), let l = try tape.integer(at: lineNode, "line") {
            sourceFile = f
            sourceLine = l
            sourceGiven = true
        }
        let reference = kind == "payment" ? try tape.text(at: at.reference, "reference") : nil
        // `DocumentText.key` gives a document of digits only (nearly all) as it is: told from its
        // bytes, not by going through the string.
        var partyKey = party
        if let p = party, let d = document, !tape.isDigits(d) { partyKey = DocumentText.key(p) }
        // Made once, every member at hand (made, then changed, it was copied twice over: a retain
        // of each string, and a release).
        return Payment(
            kind: kind, nossoNumero: nosso, documentNumber: doc, partyKey: partyKey, reference: reference, paidCents: cents, date: date,
            sourceFile: sourceFile, sourceLine: sourceLine, distinctionHash: distinction(tape, method: at.method, creditDate: at.creditDate))
    }

    /// A hash of the members that tell two payments of one key, amount and day apart besides
    /// those a payment keeps (`reference`): `method` (pix, boleto, cartão…) and `credit_date`.
    /// Only these: the same retorno parsed again by a later troca, whose records carry a member
    /// more or less, is still the same payment (a duplicate, never applied twice). 0 when the
    /// record has neither.
    static func distinction(_ tape: JSONTape, method: Int?, creditDate: Int?) -> UInt64 {
        // (Two calls, not a loop over an array of the two: no array made per payment.)
        func hash(_ node: Int?, tag: UInt64) -> UInt64 {
            guard let node, tape[node].kind == .string || tape[node].kind == .integer else { return 0 }
            var v: UInt64 = 0x243F_6A88_85A3_08D3 ^ tag
            if tape[node].kind == .integer {
                v = (v ^ UInt64(bitPattern: tape[node].value)) &* 0x9E37_79B9_7F4A_7C15
            } else {
                for b in tape.bytes(node) { v = (v ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            }
            v = (v ^ (v >> 30)) &* 0xBF58_476D_1CE4_E5B9
            v = (v ^ (v >> 27)) &* 0x94D0_49BB_1331_11EB
            return v ^ (v >> 31)
        }
        return hash(method, tag: 1) &+ hash(creditDate, tag: 2)
    }

    /// What makes two payments the same payment seen twice: everything but where it was read.
    public struct Identity: Hashable, Sendable {
        let kind: String
        let nossoNumero: String?
        let documentNumber: String?
        let partyDocument: String?
        let reference: String?
        let paidCents: Int
        let date: CivilDate
        let distinctionHash: UInt64
    }

    /// Whether the two have one identity (`identity == other.identity`), compared in place:
    /// building the identities would copy, and retain, their strings.
    public func isSamePayment(as other: Payment) -> Bool {
        paidCents == other.paidCents && date == other.date && nossoNumero == other.nossoNumero
            && documentNumber == other.documentNumber && partyDocument == other.partyDocument && reference == other.reference
            && kind == other.kind && distinctionHash == other.distinctionHash
    }

    /// This payment's identity.
    public var identity: Identity {
        Identity(
            kind: kind, nossoNumero: nossoNumero, documentNumber: documentNumber, partyDocument: partyDocument, reference: reference,
            paidCents: paidCents, date: date, distinctionHash: distinctionHash)
    }

    /// The canonical order payments are reconciled in, whatever order they were read in: by
    /// date, then amount, keys, reference, kind, method and credit date (`distinctionHash`), and last
    /// where they were read.
    public static func canonicallyOrdered(_ a: Payment, _ b: Payment) -> Bool {
        withUnsafePointer(to: a) { a in withUnsafePointer(to: b) { b in canonicallyOrdered(a, b) } }
    }

    /// `canonicallyOrdered(_:_:)` of two payments where they lie (neither copied).
    static func canonicallyOrdered(_ a: UnsafePointer<Payment>, _ b: UnsafePointer<Payment>) -> Bool {
        if a.pointee.date != b.pointee.date { return a.pointee.date < b.pointee.date }
        if a.pointee.paidCents != b.pointee.paidCents { return a.pointee.paidCents < b.pointee.paidCents }
        if a.pointee.nossoNumero != b.pointee.nossoNumero { return (a.pointee.nossoNumero ?? "") < (b.pointee.nossoNumero ?? "") }
        if a.pointee.documentNumber != b.pointee.documentNumber { return (a.pointee.documentNumber ?? "") < (b.pointee.documentNumber ?? "") }
        if a.pointee.partyDocument != b.pointee.partyDocument { return (a.pointee.partyDocument ?? "") < (b.pointee.partyDocument ?? "") }
        if a.pointee.reference != b.pointee.reference { return (a.pointee.reference ?? "") < (b.pointee.reference ?? "") }
        if a.pointee.kind != b.pointee.kind { return a.pointee.kind < b.pointee.kind }
        if a.pointee.distinctionHash != b.pointee.distinctionHash { return a.pointee.distinctionHash < b.pointee.distinctionHash }
        if a.pointee.sourceFile != b.pointee.sourceFile { return a.pointee.sourceFile < b.pointee.sourceFile }
        return a.pointee.sourceLine < b.pointee.sourceLine
    }
}
