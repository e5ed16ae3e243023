import Records

/// An agreement or payment that cannot be reconciled (`agreement.total`, `reconcile.payment-key`…).
public typealias ReconcileError = RecordError

/// One parcela of an agreement; number 0 is the down payment (entrada).
public struct Installment: Sendable, Hashable {
    /// 0 for the entrada, then 1, 2, 3…
    public var number: Int
    /// Vencimento.
    public var dueDate: CivilDate
    /// Valor da parcela.
    public var amountCents: Int
    /// The nosso número of its boleto, when it has one.
    public var nossoNumero: String?
    /// Its document number (seu número), when it has one.
    public var documentNumber: String?

    /// An installment from values.
    public init(number: Int, dueDate: CivilDate, amountCents: Int, nossoNumero: String? = nil, documentNumber: String? = nil) {
        self.number = number
        self.dueDate = dueDate
        self.amountCents = amountCents
        self.nossoNumero = nossoNumero
        self.documentNumber = documentNumber
    }
}

/// When an agreement breaks by itself (quebra automática).
public struct BreakRule: Sendable, Hashable {
    /// Broken when an installment is unpaid more than this many days after its due date (nil: never).
    public var overdueDays: Int?
    /// Broken when the entrada is unpaid more than this many days after its due date (nil: as `overdueDays`).
    public var downPaymentDays: Int?

    /// A rule from values.
    public init(overdueDays: Int? = nil, downPaymentDays: Int? = nil) {
        self.overdueDays = overdueDays
        self.downPaymentDays = downPaymentDays
    }

    /// The days of grace of an installment before the agreement breaks, and the rule's name.
    func limit(_ number: Int) -> (days: Int, rule: String)? {
        if number == 0, let d = downPaymentDays { return (d, "down_payment_days") }
        if let d = overdueDays { return (d, "overdue_days") }
        return nil
    }
}

/// A payment agreement (acordo): a debtor's origin títulos replaced by an entrada and
/// installments, read from an `agreement` JSONL record (docs/records.md).
///
/// Use: `let a = try Agreement(tape)` for each record, then `Reconciler(agreements:)`.
public struct Agreement: Sendable, Hashable {
    /// The agreement's identifier.
    public var id: String
    /// The debtor's CPF or CNPJ, punctuation dropped (`DocumentText.key`).
    public var partyDocument: String
    /// The títulos the agreement replaces (their document numbers).
    public var originTitles: [String]
    /// When it was made.
    public var createdOn: CivilDate
    /// The agreed total: the entrada plus the installments.
    public var totalCents: Int
    /// The entrada (number 0) if any, then installments 1…n, in due-date order.
    public var installments: [Installment]
    /// When it breaks by itself.
    public var breakRule: BreakRule
    /// `active` (default), `broken` (broken by hand) or `cancelled`, as given.
    public var status: String

    /// An agreement from values (not checked: `Agreement(tape)` checks what it reads).
    public init(
        id: String, partyDocument: String, originTitles: [String] = [], createdOn: CivilDate, totalCents: Int,
        installments: [Installment], breakRule: BreakRule = BreakRule(), status: String = "active"
    ) {
        self.id = id
        self.partyDocument = DocumentText.key(partyDocument)
        self.originTitles = originTitles
        self.createdOn = createdOn
        self.totalCents = totalCents
        self.installments = installments
        self.breakRule = breakRule
        self.status = status
    }

    /// Reads and checks an `agreement` record. Refused, never guessed: a missing field, amounts
    /// not above zero, installments that do not add up to `total_cents`, numbers not 1…n, due
    /// dates out of order or before `created_on`, an unknown status.
    public init(_ tape: JSONTape) throws(ReconcileError) {
        self = try RecordError.reading("agreement.field") { try Agreement(reading: tape) }
    }

    /// The nodes of the members an agreement (or one of its installments) is read from, found
    /// in one walk of the object: the last of each name, as `JSONTape.member` would find it.
    /// (`RejectedAgreement` reads the keys of a refused agreement through it too.)
    struct Nodes {
        var id, partyDocument, originTitles, createdOn, totalCents, downPayment, installments, breakRule, status: Int?
        var number, dueDate, amountCents, nossoNumero, documentNumber: Int?

        init(_ tape: JSONTape, of object: Int) {
            tape.forEachMember(of: object) { key, value in
                switch key.count {
                case 2: if key.isName("id") { id = value }
                case 6: if key.isName("number") { number = value } else if key.isName("status") { status = value }
                case 8: if key.isName("due_date") { dueDate = value }
                case 10: if key.isName("created_on") { createdOn = value } else if key.isName("break_rule") { breakRule = value }
                case 11: if key.isName("total_cents") { totalCents = value }
                case 12:
                    if key.isName("amount_cents") { amountCents = value } else if key.isName("down_payment") { downPayment = value }
                    else if key.isName("installments") { installments = value } else if key.isName("nosso_numero") { nossoNumero = value }
                case 13: if key.isName("origin_titles") { originTitles = value }
                case 14: if key.isName("party_document") { partyDocument = value }
                case 15: if key.isName("document_number") { documentNumber = value }
                default: break
                }
            }
        }
    }

    private init(reading tape: JSONTape) throws {
        func required<T>(_ value: T?, _ path: String, _ what: String) throws -> T {
            guard let value else { throw ReconcileError("agreement.field", "expected \(path) (\(what)), found none") }
            return value
        }
        let at = Nodes(tape, of: 0)
        let id = try required(try tape.text(at: at.id, "id"), "id", "the agreement's identifier")
        let party = try required(try tape.text(at: at.partyDocument, "party_document"), "party_document", "the debtor's CPF/CNPJ")
        let created = try required(try tape.date(at: at.createdOn, "created_on"), "created_on", "a date YYYY-MM-DD")
        let total = try required(try tape.integer(at: at.totalCents, "total_cents"), "total_cents", "the agreed total in centavos")
        var origins: [String] = []
        if let n = at.originTitles, tape[n].kind != .null {
            guard tape[n].kind == .array else { throw FieldError("origin_titles", "expected an array of strings, found \(tape.kindName(n))", node: n) }
            var i = n + 1
            for _ in 0..<tape[n].count {
                guard tape[i].kind == .string else {
                    throw FieldError("origin_titles", "expected an array of strings, found \(tape.kindName(i)) in it", node: i)
                }
                origins.append(tape.string(i))
                i = tape.next(after: i)
            }
        }
        var installments: [Installment] = []
        // Each installment's due_date node, for a message about its date.
        var dueNodes: [Int?] = []
        // Room for the entrada and the installments at once: grown one by one, each array was
        // made some three times over.
        let room = 1 + (at.installments.map { tape[$0].kind == .array ? Int(tape[$0].count) : 0 } ?? 0)
        installments.reserveCapacity(room)
        dueNodes.reserveCapacity(room)
        if let d = at.downPayment, tape[d].kind != .null {
            guard tape[d].kind == .object else { throw FieldError("down_payment", "expected an object, found \(tape.kindName(d))", node: d) }
            let member = Nodes(tape, of: d)
            installments.append(try Self.installment(tape, member, number: 0))
            dueNodes.append(member.dueDate)
        }
        let list = try required(at.installments, "installments", "an array of installments")
        guard tape[list].kind == .array, tape[list].count > 0 else {
            throw FieldError("installments", "expected a non-empty array, found \(tape.kindName(list))", node: list)
        }
        var i = list + 1
        for k in 0..<Int(tape[list].count) {
            guard tape[i].kind == .object else { throw FieldError("installments[\(k)]", "expected an object, found \(tape.kindName(i))", node: i) }
            let member = Nodes(tape, of: i)
            guard let number = try tape.integer(at: member.number, "number") else {
                throw ReconcileError("agreement.field", "expected installments[\(k)].number (1, 2, 3…), found none", node: i)
            }
            guard number == k + 1 else {
                throw ReconcileError(
                    "agreement.number", "installments must be numbered 1…n in order: expected \(k + 1), found \(number)", node: member.number)
            }
            installments.append(try Self.installment(tape, member, number: number))
            dueNodes.append(member.dueDate)
            i = tape.next(after: i)
        }
        var previous: Installment? = nil
        for (inst, due) in zip(installments, dueNodes) {
            if inst.dueDate < created {
                throw ReconcileError(
                    "agreement.dates", "installment \(inst.number) is due \(inst.dueDate), before the agreement was made (\(created))", node: due)
            }
            if let p = previous, !(p.dueDate <= inst.dueDate) || (p.number > 0 && p.dueDate == inst.dueDate) {
                throw ReconcileError(
                    "agreement.dates",
                    "due dates out of order: installment \(inst.number) is due \(inst.dueDate), installment \(p.number) \(p.dueDate)", node: due)
            }
            previous = inst
        }
        // Each amount is at most `Cents.maximum`: only thousands of installments could pass Int's
        // range, and that many is an agreement refused, never a trap.
        var sum = 0
        for inst in installments {
            let (next, overflow) = sum.addingReportingOverflow(inst.amountCents)
            guard !overflow else {
                throw ReconcileError(
                    "agreement.total", "the entrada and installments add up to more than \(Money.format(Int.max)), expected total_cents \(Money.format(total))",
                    node: at.totalCents)
            }
            sum = next
        }
        guard sum == total else {
            throw ReconcileError(
                "agreement.total",
                "the entrada and installments add up to \(Money.format(sum)), expected total_cents \(Money.format(total))", node: at.totalCents)
        }
        var rule = BreakRule()
        if let r = at.breakRule, tape[r].kind != .null {
            guard tape[r].kind == .object else { throw FieldError("break_rule", "expected an object, found \(tape.kindName(r))", node: r) }
            // Both members found in one walk of the object (no path looked up, no array made).
            var overdue: Int? = nil, downPayment: Int? = nil
            tape.forEachMember(of: r) { key, value in
                if key.isName("overdue_days") { overdue = value } else if key.isName("down_payment_days") { downPayment = value }
            }
            rule.overdueDays = try tape.integer(at: overdue, "overdue_days")
            rule.downPaymentDays = try tape.integer(at: downPayment, "down_payment_days")
            func refuseNegative(_ name: String, _ v: Int?, _ node: Int?) throws {
                if let v, v < 0 { throw ReconcileError("agreement.field", "break_rule.\(name): expected 0 or more days, found \(v)", node: node) }
            }
            try refuseNegative("overdue_days", rule.overdueDays, overdue)
            try refuseNegative("down_payment_days", rule.downPaymentDays, downPayment)
        }
        let status = try tape.text(at: at.status, "status") ?? "active"
        guard status == "active" || status == "broken" || status == "cancelled" else {
            throw ReconcileError("agreement.field", "status: expected active, broken or cancelled, found \"\(status)\"", node: at.status)
        }
        self.init(
            id: id, partyDocument: party, originTitles: origins, createdOn: created, totalCents: total, installments: installments,
            breakRule: rule, status: status)
    }

    private static func installment(_ tape: JSONTape, _ member: Nodes, number: Int) throws -> Installment {
        var path: String { number == 0 ? "down_payment" : "installment \(number)" }
        guard let due = try tape.date(at: member.dueDate, "due_date") else {
            throw ReconcileError("agreement.field", "\(path): expected due_date (a date YYYY-MM-DD), found none")
        }
        guard let amount = try tape.integer(at: member.amountCents, "amount_cents") else {
            throw ReconcileError("agreement.field", "\(path): expected amount_cents, found none")
        }
        guard amount > 0 else {
            throw ReconcileError("agreement.amount", "\(path): expected amount_cents above zero, found \(amount)", node: member.amountCents)
        }
        guard amount <= Cents.maximum else {
            throw ReconcileError(
                "agreement.amount", "\(path): expected amount_cents of at most \(Cents.maximum) (R$ 10 trilhões), found \(amount)",
                node: member.amountCents)
        }
        return Installment(
            number: number, dueDate: due, amountCents: amount, nossoNumero: try tape.text(at: member.nossoNumero, "nosso_numero"),
            documentNumber: try tape.text(at: member.documentNumber, "document_number"))
    }
}
