/// A boleto made for a título: its barcode, line, and the fields as the bank's layout wrote them.
public struct Boleto: Sendable, Hashable {
    /// The 44-digit barcode.
    public var barcode: Barcode
    /// The 47-digit line.
    public var linhaDigitavel: LinhaDigitavel
    /// The título's fields as written in the campo livre (`nossoNumero` with its DV).
    public var fields: CampoLivreFields
    /// The due date, and its factor.
    public var dueDate: BoletoDate
    /// The fator de vencimento.
    public var factor: Int
}

/// Makes boletos: the checks a título must pass, in the order a reader expects the reasons.
public enum BoletoMaker {
    /// The boleto of `title`, which must be payable when read on `asOf`: its due date must lie in
    /// FEBRABAN's window around `asOf` (else a reader then would take the factor for another date).
    public static func make(_ title: BoletoTitle, asOf: BoletoDate) throws(BoletoError) -> Boleto {
        let layout = try CampoLivre.layout(for: title.bank)
        guard let amount = title.amountCents else {
            throw BoletoError(BoletoError.Code.amount, "amount_cents is required")
        }
        guard amount >= 0 else {
            throw BoletoError(BoletoError.Code.amount, "amount_cents \(amount) is negative: an amount is 0 or more centavos")
        }
        guard amount <= Barcode.maxAmountCents else {
            throw BoletoError(
                BoletoError.Code.amount,
                "amount_cents \(amount) does not fit the barcode's 10 digits (at most \(Barcode.maxAmountCents), R$ 99.999.999,99)")
        }
        guard let due = title.dueDate else {
            throw BoletoError(BoletoError.Code.factor, "due_date is required (boletos \"à vista\" are no longer allowed)")
        }
        guard let factor = DueDateFactor.factor(for: due) else {
            throw BoletoError(BoletoError.Code.factor, "due_date \(due) is before \(DueDateFactor.firstDate), the first date a factor can say")
        }
        let window = DueDateFactor.window(asOf: asOf)
        guard window.contains(due) else {
            throw BoletoError(
                BoletoError.Code.factor,
                "due_date \(due) is outside the factor window around \(asOf) (\(window.lowerBound) … \(window.upperBound)): its factor \(factor) would be read as another date"
            )
        }
        let (campoLivre, fields) = try layout.make(title)
        let barcode = try Barcode(bank: title.bank, factor: factor, amountCents: amount, campoLivre: campoLivre)
        return Boleto(barcode: barcode, linhaDigitavel: barcode.linhaDigitavel, fields: fields, dueDate: due, factor: factor)
    }
}
