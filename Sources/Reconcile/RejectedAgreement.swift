import Records

/// What is kept of an agreement that was rejected (refused when read, or left out because its id
/// repeats or its keys clash): its id, its debtor and the keys of its installments, so that a
/// payment for it is told from a payment nobody knows (outcome `rejected_agreement`).
///
/// Use: `RejectedAgreement(tape)` for a record `Agreement(tape)` refused, given to
/// `Reconciler(agreements:refused:options:)`; those it leaves out itself it keeps on its own.
public struct RejectedAgreement: Sendable, Hashable {
    /// The agreement's identifier, when it has one.
    public var id: String?
    /// The debtor's CPF or CNPJ, when given, punctuation dropped (`DocumentText.key`).
    public var partyDocument: String?
    /// The nosso números of its entrada and installments, as written.
    public var nossoNumeros: [String]
    /// The document numbers of its entrada and installments, as written.
    public var documentNumbers: [String]

    /// A rejected agreement from values.
    public init(id: String?, partyDocument: String? = nil, nossoNumeros: [String] = [], documentNumbers: [String] = []) {
        self.id = id
        self.partyDocument = partyDocument.map(DocumentText.key)
        self.nossoNumeros = nossoNumeros
        self.documentNumbers = documentNumbers
    }

    /// The keys of an agreement that was read but left out (a repeated id, clashing keys).
    init(_ agreement: Agreement) {
        self.init(
            id: agreement.id, partyDocument: agreement.partyDocument, nossoNumeros: agreement.installments.compactMap(\.nossoNumero),
            documentNumbers: agreement.installments.compactMap(\.documentNumber))
    }

    /// What can be told of an `agreement` record that `Agreement(tape)` refused, best effort:
    /// `id`, `party_document`, and the `nosso_numero` and `document_number` of `down_payment`
    /// and of each object in `installments`, each only when present and a non-empty string.
    /// Nothing else of the record is looked at, and nothing is refused.
    public init(_ tape: JSONTape) {
        func text(_ node: Int?) -> String? {
            guard let n = node, tape[n].kind == .string, tape[n].count > 0 else { return nil }
            return tape.string(n)
        }
        self.init(id: nil)
        guard tape.count > 0, tape[0].kind == .object else { return }
        let at = Agreement.Nodes(tape, of: 0)
        id = text(at.id)
        partyDocument = text(at.partyDocument).map(DocumentText.key)
        func keys(of object: Int) {
            guard tape[object].kind == .object else { return }
            let member = Agreement.Nodes(tape, of: object)
            if let v = text(member.nossoNumero) { nossoNumeros.append(v) }
            if let v = text(member.documentNumber) { documentNumbers.append(v) }
        }
        if let d = at.downPayment { keys(of: d) }
        if let list = at.installments, tape[list].kind == .array {
            var i = list + 1
            for _ in 0..<Int(tape[list].count) {
                keys(of: i)
                i = tape.next(after: i)
            }
        }
    }

    /// Whether it has a key a payment could carry (one without is of no use to reconciling).
    public var hasKeys: Bool { !nossoNumeros.isEmpty || !documentNumbers.isEmpty }

    /// The order rejected agreements are kept in, whatever the order they were read in: by id
    /// (those without one last), then party document, then keys.
    static func precedes(_ a: RejectedAgreement, _ b: RejectedAgreement) -> Bool {
        /// Known before unknown, then in order.
        func before(_ x: String?, _ y: String?) -> Bool {
            guard let x else { return false }
            guard let y else { return true }
            return x < y
        }
        if a.id != b.id { return before(a.id, b.id) }
        if a.partyDocument != b.partyDocument { return before(a.partyDocument, b.partyDocument) }
        if a.nossoNumeros != b.nossoNumeros { return a.nossoNumeros.lexicographicallyPrecedes(b.nossoNumeros) }
        return a.documentNumbers.lexicographicallyPrecedes(b.documentNumbers)
    }
}

/// The keys of the rejected agreements → which of them (an index in
/// `Reconciler.rejectedAgreements`), matched as the installments' keys are: nosso número by
/// `Reconciler.nossoNumeroKey`, document number as written. A key of two of them is the first's
/// (in `RejectedAgreement.precedes` order).
struct RejectedKeys: Sendable {
    var byNossoNumero: [String: Int] = [:]
    var byDocumentNumber: [String: Int] = [:]

    /// The index of `list`'s keys; nil when none of them has a key.
    init?(_ list: [RejectedAgreement]) {
        for (r, rejected) in list.enumerated() {
            for v in rejected.nossoNumeros {
                let k = Reconciler.nossoNumeroKey(v)
                if byNossoNumero[k] == nil { byNossoNumero[k] = r }
            }
            for k in rejected.documentNumbers where byDocumentNumber[k] == nil { byDocumentNumber[k] = r }
        }
        if byNossoNumero.isEmpty && byDocumentNumber.isEmpty { return nil }
    }

    /// The rejected agreement a payment's keys belong to, and the rule (the key) that found it:
    /// nosso número first, then document number.
    func owner(of p: Payment) -> (Int, MatchRule)? {
        if let k = p.nossoNumero.map(Reconciler.nossoNumeroKey), let r = byNossoNumero[k] { return (r, .nossoNumero) }
        if let k = p.documentNumber, let r = byDocumentNumber[k] { return (r, .documentNumber) }
        return nil
    }
}
