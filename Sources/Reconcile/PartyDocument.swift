import Records

/// The CPF or CNPJ a record names its party by (a payment's `payer.document`, an agreement's
/// `party_document`, a título's `payer.document`), as `troca reconcile` matches it and
/// `troca update` groups its demonstrativos by it: `DocumentText.key`, so `111.444.777-35`
/// and `11144477735` are one party.
///
/// A document that is not a CPF or CNPJ (its length, its characters or its check digits) is
/// warned about and the record kept, its document compared as written (punctuation aside): the
/// record's amounts and other keys are sound, and refusing it would drop a payment that its
/// nosso número still places (a retorno's payer document is the bank's copy, not ours).
public enum PartyDocument {
    /// The warning for `key` (as `DocumentText.key` gives it) when it is not a valid CPF or
    /// CNPJ, with `code`, about the value of `member` (a path, `payer.document`) in `tape`;
    /// nil for a valid one (then nothing else is looked at).
    public static func problem(_ key: String, code: String, member: String, in tape: JSONTape) -> RecordError? {
        guard !DocumentText.isValid(key) else { return nil }
        let count = key.utf8.count
        let shape = key.utf8.allSatisfy { $0 &- 48 < 10 || $0 &- 65 < 26 }
        let reason: String
        if !shape {
            reason = "expected digits (and, in a CNPJ, letters A-Z) between . / - only"
        } else if count == 11 || count == 14 {
            reason = "its \(count == 11 ? "CPF" : "CNPJ") check digits do not match"
        } else {
            reason = "expected a CPF (11 digits) or a CNPJ (14 characters), found \(count) characters"
        }
        return RecordError(
            code, "\(member) \"\(key)\" is not a valid CPF or CNPJ: \(reason); the record is kept, its document compared as written",
            node: tape.node(member, of: 0))
    }
}
