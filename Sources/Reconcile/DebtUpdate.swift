import Records

/// A record that cannot be taken as it is — a título that cannot be updated, an agreement or a
/// payment that cannot be reconciled: a stable code (`update.amount`, `agreement.total`,
/// `reconcile.payment-key`…) and what was expected and found.
public struct RecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable code.
    public let code: String
    /// What was expected and what was found.
    public let message: String
    /// The node of the record's value it is about, when it is about one: its column in the line
    /// is `JSONReader.column(ofNode:in:)`.
    public var node: Int?
    /// Or the path of that value in the record (`installments[2].nosso_numero`, as
    /// `JSONTape.node(_:of:)` reads it), for an error found once the record's nodes are gone.
    public var path: String?

    /// Creates an error, about the value at `node` (or `path`) when given.
    public init(_ code: String, _ message: String, node: Int? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.node = node
        self.path = path
    }

    /// The error as the diagnostic of record `line` of `file`, whose bytes are `raw`: at the
    /// column of the value it is about (0 when it is about none), the line quoted.
    public func diagnostic(file: String, line: Int, raw: UnsafeBufferPointer<UInt8>) -> Diagnostic {
        let column = node.map { JSONReader.column(ofNode: $0, in: raw) } ?? path.map { JSONReader.column(ofPath: $0, in: raw) } ?? 0
        return Diagnostic(.error, DiagnosticCode(rawValue: code), message, file: file, line: line, column: column, raw: Array(raw))
    }

    /// As `diagnostic(file:line:raw:)`, a warning: the record is kept (its line is not quoted).
    public func warning(file: String, line: Int, raw: UnsafeBufferPointer<UInt8>) -> Diagnostic {
        var d = diagnostic(file: file, line: line, raw: raw)
        d.severity = .warning
        d.raw = nil
        return d
    }

    /// `[code] message`.
    public var description: String { "[\(code)] \(message)" }

    /// Runs `body`, turning a member of the wrong kind into this error with `code`.
    static func reading<T>(_ code: String, _ body: () throws -> T) throws(RecordError) -> T {
        do {
            return try body()
        } catch let e as FieldError {
            throw RecordError(code, "\(e.path): \(e.expected)", node: e.node)
        } catch let e as RecordError {
            throw e
        } catch {
            throw RecordError(code, "\(error)")
        }
    }
}

/// A título that cannot be updated (`update.title`, `update.amount`, `update.index-missing`).
public typealias UpdateError = RecordError

/// One título's debt as of a date: each component and the total, in centavos.
///
/// `totalCents == principalCents + correctionCents + fineCents + interestCents + feesCents -
/// discountCents` always holds: each component is rounded once (half-up to the centavo, from
/// exact integer arithmetic) and the total is their sum. Made by `DebtRules.update`.
public struct DebtUpdate: Sendable, Hashable {
    /// Days from the due date to the as-of date (0 when not past due).
    public var daysLate: Int
    /// The amount owed before the update (valor original).
    public var principalCents: Int
    /// Correção monetária: corrected principal − principal (never negative).
    public var correctionCents: Int
    /// Multa.
    public var fineCents: Int
    /// Juros de mora.
    public var interestCents: Int
    /// Honorários.
    public var feesCents: Int
    /// Desconto à vista.
    public var discountCents: Int
    /// What is owed as of the date.
    public var totalCents: Int

    /// An update with every component given; the total is their sum.
    public init(
        daysLate: Int, principalCents: Int, correctionCents: Int = 0, fineCents: Int = 0, interestCents: Int = 0,
        feesCents: Int = 0, discountCents: Int = 0
    ) {
        self.daysLate = daysLate
        self.principalCents = principalCents
        self.correctionCents = correctionCents
        self.fineCents = fineCents
        self.interestCents = interestCents
        self.feesCents = feesCents
        self.discountCents = discountCents
        totalCents = principalCents + correctionCents + fineCents + interestCents + feesCents - discountCents
    }

    /// What the update adds to the principal (total − principal).
    public var chargesCents: Int { totalCents - principalCents }
}

extension DebtRules {
    /// The debt of one título as of `asOf` (docs/reconcile.md, "How a título is updated"):
    ///
    /// 1. Not past due, past due by at most `graceDays`, or due on a day without banking and
    ///    updated by the next business day (`calendar`): nothing is added (total = principal).
    /// 2. Correção: principal × `index.factor(after: due, through: asOf)`, rounded half-up;
    ///    the correction is what that adds, and never less than zero (deflation does not reduce a debt).
    /// 3. Multa: corrected × `fine`. Juros: corrected × `interest` × days late (÷ 30 per month).
    /// 4. Honorários: (corrected + multa + juros) × `fees`.
    /// 5. Desconto à vista: `discount` × the charges (correção + multa + juros + honorários).
    ///
    /// Every component is rounded half-up to the centavo once, from exact 128-bit integer
    /// arithmetic. Throws `update.amount` for a principal below zero or above `Cents.maximum`,
    /// `update.overflow` when a component would pass `Cents.maximum` (or the index factor a
    /// billion), and `update.index-missing` when correction needs a month the table lacks (or
    /// no table was given).
    public func update(principalCents: Int, dueDate: CivilDate, asOf: CivilDate, index: IndexTable?) throws(UpdateError)
        -> DebtUpdate
    {
        guard principalCents >= 0 else {
            throw UpdateError("update.amount", "expected an amount of zero or more centavos, found \(principalCents)")
        }
        guard principalCents <= Cents.maximum else {
            throw UpdateError(
                "update.amount", "expected an amount of at most \(Cents.maximum) centavos (R$ 10 trilhões), found \(principalCents)")
        }
        /// A component in 128 bits, as an `Int` when it is within `Cents.maximum`.
        func bounded(_ value: Int128, _ what: String) throws(UpdateError) -> Int {
            guard value <= Int128(Cents.maximum) else {
                throw UpdateError(
                    "update.overflow",
                    "the \(what) of \(principalCents) centavos due \(dueDate) comes to more than R$ 10 trilhões as of \(asOf): check the amount, the rules and the index")
            }
            return Int(value)
        }
        let days = asOf.daysSinceEpoch - dueDate.daysSinceEpoch
        if days > 0, let calendar, !calendar.isLate(asOf, due: dueDate) { return DebtUpdate(daysLate: 0, principalCents: principalCents) }
        guard days > 0, days > graceDays else { return DebtUpdate(daysLate: max(days, 0), principalCents: principalCents) }
        var correction = 0
        if self.correction {
            guard let index else {
                throw UpdateError("update.index-missing", "the rules ask for correction and no index table was given")
            }
            let factor = try index.factor(after: dueDate, through: asOf)
            let corrected = try bounded(Cents.divideRounded128(Int128(principalCents) * factor, by: IndexTable.factorScale), "correction")
            correction = max(0, corrected - principalCents)
        }
        let corrected = principalCents + correction
        func applied(_ rate: Rate, to cents: Int, _ what: String) throws(UpdateError) -> Int {
            try bounded(Cents.divideRounded128(Int128(cents) * Int128(rate.millionths), by: 1_000_000), what)
        }
        let fine = try applied(self.fine, to: corrected, "fine")
        let perDay: Int128 = interestPeriod == .day ? 1_000_000 : 30_000_000
        let interest = try bounded(
            Cents.divideRounded128(Int128(corrected) * Int128(self.interest.millionths) * Int128(days), by: perDay), "interest")
        let fees = try applied(self.fees, to: try bounded(Int128(corrected) + Int128(fine) + Int128(interest), "debt before fees"), "fees")
        let charges = try bounded(Int128(correction) + Int128(fine) + Int128(interest) + Int128(fees), "total of the charges")
        _ = try bounded(Int128(principalCents) + Int128(charges), "total")
        let discount = try applied(self.discount, to: charges, "discount")
        return DebtUpdate(
            daysLate: days, principalCents: principalCents, correctionCents: correction, fineCents: fine,
            interestCents: interest, feesCents: fees, discountCents: discount)
    }
}

/// A debt statement (demonstrativo de débito) of one party: its títulos' updates summed.
///
/// Use: `var s = DebtStatement(partyDocument: doc)`, `try s.add(update)` for each of its títulos.
public struct DebtStatement: Sendable, Hashable {
    /// The party's CPF or CNPJ.
    public var partyDocument: String
    /// The number of títulos added.
    public var titles = 0
    /// The sums of the títulos' components.
    public var principalCents = 0
    /// Sum of correção.
    public var correctionCents = 0
    /// Sum of multa.
    public var fineCents = 0
    /// Sum of juros.
    public var interestCents = 0
    /// Sum of honorários.
    public var feesCents = 0
    /// Sum of descontos.
    public var discountCents = 0
    /// Sum of totals.
    public var totalCents = 0

    /// An empty statement for a party.
    public init(partyDocument: String) { self.partyDocument = partyDocument }

    /// Adds one título's update; `update.overflow` (the statement left as it was) when a sum
    /// would pass Int's range: a título is at most `Cents.maximum`, so it takes over 9,000 of
    /// them at the most for one party, but that is a título refused, never a trap.
    public mutating func add(_ u: DebtUpdate) throws(UpdateError) {
        var next = self
        func sum(_ a: Int, _ b: Int, _ what: String) throws(UpdateError) -> Int {
            let (s, overflow) = a.addingReportingOverflow(b)
            guard !overflow else {
                throw UpdateError(
                    "update.overflow", "the demonstrativo of \(partyDocument) would come to more than \(Money.format(Int.max)) (its \(what)) with this título")
            }
            return s
        }
        next.titles += 1
        next.principalCents = try sum(principalCents, u.principalCents, "principal")
        next.correctionCents = try sum(correctionCents, u.correctionCents, "correção")
        next.fineCents = try sum(fineCents, u.fineCents, "multa")
        next.interestCents = try sum(interestCents, u.interestCents, "juros")
        next.feesCents = try sum(feesCents, u.feesCents, "honorários")
        next.discountCents = try sum(discountCents, u.discountCents, "desconto")
        next.totalCents = try sum(totalCents, u.totalCents, "total")
        self = next
    }
}
