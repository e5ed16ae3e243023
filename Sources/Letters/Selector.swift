import Boleto
import Reconcile
import Records

/// A letter already sent: the party and the ladder step (from the `--history` file).
public struct SentLetter: Sendable, Hashable {
    public var party: String
    public var step: String
    public init(party: String, step: String) {
        self.party = party
        self.step = step
    }
}

/// Chooses the letters due on a date: groups overdue títulos by party, finds each party's ladder
/// step, applies the skip rules, and builds one `letter` job per party.
public struct LetterSelector {
    /// What became of one input record.
    public enum Taken: Sendable, Hashable {
        /// An overdue título, kept for its party's letter (the party's outcome decides).
        case overdue
        /// A título not yet overdue on the as-of date.
        case notDue
        /// An agreement naming a party in a current agreement.
        case agreement
        /// Another record (not a title or agreement): counted, not used.
        case other
        /// The record cannot be used; `path` is where in it (a dotted path), when known.
        case rejected(code: String, message: String, path: String?)
    }

    /// Why a party gets no letter.
    public enum Skip: String, Sendable, Hashable, CaseIterable {
        case agreement = "in a current agreement"
        case belowMinimum = "below the minimum balance"
        case alreadySent = "already sent this step"
        case noStep = "not on a ladder step"
    }

    /// A party's outcome, with the input lines of its títulos.
    public enum Outcome {
        case letter(job: JSONObject, sent: SentLetter, boleto: Bool)
        case skipped(Skip)
        /// `path`: where in the party's títulos (a dotted path), when known.
        case rejected(code: String, message: String, path: String?)
    }

    public struct Party {
        public var key: String
        /// Its overdue títulos: days overdue, and the input line, kept as bytes (a tree per
        /// título would take several times the memory) and read again for the letter.
        public var titles: [(days: Int, line: Int, raw: [UInt8])] = []
    }

    public let ladder: Ladder
    public let asOf: CivilDate
    /// Letters already sent (a party gets no letter for a step it was sent).
    public var sent: Set<SentLetter>
    /// The next letter's `sequence`, and the next boleto's nosso número.
    public var nextSequence: Int
    public var nextNossoNumero: Int
    /// The debt update's rules (none: no charges, updated = face value) and index table.
    let rules: DebtRules?
    let index: IndexTable?
    /// A título due on a day without banking is not overdue until its next business day has
    /// passed (nil: calendar days).
    let calendar: BankCalendar?
    var parties: [String: Int] = [:]
    public private(set) var ordered: [Party] = []
    var inAgreement: Set<String> = []

    /// `sequence` numbers start at `nextSequence`; boletos take nosso números from
    /// `nextNossoNumero` on. With `rules`, each título is updated as of `asOf` by Reconcile's
    /// debt update (correction, fine, interest, fees, discount). Which títulos are overdue
    /// follows the rules' calendar, else `calendar`.
    public init(
        ladder: Ladder, asOf: CivilDate, sent: Set<SentLetter>, nextSequence: Int, nextNossoNumero: Int,
        rules: DebtRules? = nil, index: IndexTable? = nil, calendar: BankCalendar? = .national
    ) {
        self.calendar = rules.map(\.calendar) ?? calendar
        self.ladder = ladder
        self.asOf = asOf
        self.sent = sent
        self.nextSequence = nextSequence
        self.nextNossoNumero = nextNossoNumero
        self.rules = rules
        self.index = index
    }

    /// The check `letters render` makes of every job.
    static let check = JobCheck()

    /// The members of a título a letter keeps.
    static let titleMembers = ["document_number", "nosso_numero", "bank", "due_date", "amount_cents"]

    /// The key a record's party is grouped, matched with agreements and recorded in the history
    /// under: its document as `DocumentText.bare` writes it (`529.982.247-25` and `52998224725`
    /// are one party), else `name:` and its name.
    static func partyKey(_ o: JSONObject) -> String? {
        for holder in ["payer", "party"] {
            if case .object(let p)? = o[holder] {
                if let d = p.string("document").flatMap(documentKey) { return d }
                if let n = p.string("name"), !n.isEmpty { return "name:" + n }
            }
        }
        for key in ["party_document", "payer_document", "document"] {
            if let d = o.string(key).flatMap(documentKey) { return d }
        }
        return nil
    }

    /// A document as a party key, as reconcile and update compare one (`DocumentText.key`):
    /// punctuation (`.` `/` `-`) dropped, letters uppercase; nil when nothing is left.
    static func documentKey(_ document: String) -> String? {
        let key = DocumentText.key(document)
        return key.isEmpty ? nil : key
    }

    /// The key of a party as a `letter_sent` record of the history names it: a document written
    /// with punctuation (a history kept before documents were compared bare, or edited by hand)
    /// is the same party as the bare one.
    public static func historyKey(_ party: String) -> String {
        // Most lines name a bare document already: no copy made for them (a history is read
        // whole, tens of millions of lines a year).
        guard !party.hasPrefix("name:"), party.utf8.contains(where: { DocumentText.isPunctuation($0) || $0 &- 97 < 26 }) else { return party }
        return documentKey(party) ?? party
    }

    /// Takes one input record.
    public mutating func add(_ record: JSONObject, line: Int, raw: [UInt8]) -> Taken {
        switch record.string("record") {
        case "title":
            guard let key = Self.partyKey(record) else {
                return .rejected(
                    code: "letters.title", message: "title has no payer.document or payer.name: the letter has no addressee",
                    path: record["payer"] == nil ? nil : "payer")
            }
            guard let dueText = record.string("due_date"), let due = CivilDate(iso: dueText) else {
                let found = record["due_date"].map { "found " + String(decoding: $0.jsonText, as: UTF8.self) } ?? "it is missing"
                return .rejected(code: "letters.title", message: "due_date: expected a date YYYY-MM-DD, \(found)", path: "due_date")
            }
            guard case .number(let n)? = record["amount_cents"], let amount = n.exactInteger, amount >= 0 else {
                return .rejected(code: "letters.title", message: "amount_cents: expected integer centavos ≥ 0", path: "amount_cents")
            }
            let days = asOf.daysSinceEpoch - due.daysSinceEpoch
            guard days > 0, calendar?.isLate(asOf, due: due) ?? true else { return .notDue }
            if parties[key] == nil {
                parties[key] = ordered.count
                ordered.append(Party(key: key))
            }
            ordered[parties[key]!].titles.append((days, line, raw))
            return .overdue
        case "agreement", "agreement_status":
            let status = record.string("status")
            if let key = Self.partyKey(record), status == nil || status == "current" || status == "active" {
                inAgreement.insert(key)
            }
            return .agreement
        default:
            return .other
        }
    }

    /// Whether a party has overdue títulos in this run (so its history matters).
    public func holdsParty(_ key: String) -> Bool { parties[key] != nil }

    /// Calls `body` with every party's outcome, in the order the parties first appeared; each
    /// party's títulos are let go once its outcome is handed out, so memory falls as jobs are written.
    public mutating func finish(_ body: (Party, Outcome) throws -> Void) rethrows {
        for k in ordered.indices {
            let party = ordered[k]
            ordered[k] = Party(key: party.key)
            try body(party, outcome(party))
        }
    }

    mutating func outcome(_ party: Party) -> Outcome {
        if inAgreement.contains(party.key) { return .skipped(.agreement) }
        let days = party.titles.map(\.days).max() ?? 0
        guard let step = ladder.step(forDaysOverdue: days) else { return .skipped(.noStep) }
        if sent.contains(SentLetter(party: party.key, step: step.name)) { return .skipped(.alreadySent) }
        // The títulos as read (they were parsed once already), oldest first, then in input order.
        let read = party.titles.sorted { ($0.days, $1.line) > ($1.days, $0.line) }.compactMap { t in
            JSONValue(parsing: t.raw)?.object.map { ($0, t.days) }
        }
        let payer = party.titles.first.flatMap { JSONValue(parsing: $0.raw)?.object?["payer"] }
        let checked: PostalAddress
        switch PostalAddress.check(payer) {
        case .failure(let problem): return .rejected(code: "letters.address", message: problem.message, path: problem.path)
        case .success(let address): checked = address
        }
        var titles: [JSONValue] = []
        var statement = DebtStatement(partyDocument: party.key)
        for (t, d) in read {
            var o = JSONObject()
            for key in Self.titleMembers {
                if let v = t[key], v != .null { o[key] = v }
            }
            o["days_overdue"] = .number(JSONNumber(d))
            let face = t["amount_cents"]?.number?.exactInteger.map { Int($0) } ?? 0
            var u = DebtUpdate(daysLate: d, principalCents: face)
            if let rules, let due = t.string("due_date").flatMap(CivilDate.init(iso:)) {
                do { u = try rules.update(principalCents: face, dueDate: due, asOf: asOf, index: index) } catch {
                    return .rejected(code: error.code, message: "the debt update of título \(t.string("document_number") ?? t.string("nosso_numero") ?? "?"): \(error.message)", path: nil)
                }
            }
            Self.put(u, into: &o, updated: "updated_cents")
            do { try statement.add(u) } catch { return .rejected(code: error.code, message: error.message, path: nil) }
            titles.append(.object(o))
        }
        let totals = (face: statement.principalCents, updated: statement.totalCents)
        if totals.updated < ladder.minimumBalanceCents { return .skipped(.belowMinimum) }
        var job = JSONObject()
        job["record"] = .string("letter")
        job["sequence"] = .number(JSONNumber(nextSequence))
        job["step"] = .string(step.name)
        job["template"] = .string(step.template)
        if let inserts = step.inserts { job["inserts"] = .string(inserts) }
        job["as_of"] = .string(asOf.description)
        job["days_overdue"] = .number(JSONNumber(days))
        if case .object(let payer)? = payer {
            var p = JSONObject()
            for key in ["name", "document", "document_type", "address"] {
                if let v = payer[key], v != .null { p[key] = v }
            }
            // The CEP as 8 digits and the UF in capitals, as they were checked (docs/records.md).
            if case .object(var address)? = p["address"] {
                address["cep"] = .string(checked.cep)
                address["state"] = .string(checked.state)
                p["address"] = .object(address)
            }
            job["payer"] = .object(p)
        }
        if let sender = ladder.sender { job["sender"] = sender }
        job["titles"] = .array(titles)
        job["total_cents"] = .number(JSONNumber(totals.face))
        Self.put(
            DebtUpdate(
                daysLate: days, principalCents: statement.principalCents, correctionCents: statement.correctionCents,
                fineCents: statement.fineCents, interestCents: statement.interestCents, feesCents: statement.feesCents,
                discountCents: statement.discountCents), into: &job, updated: "updated_total_cents")
        // The job as `letters render` will check it (before a boleto takes a nosso número): a
        // título's text with a control character, an amount past 15 digits, would make a letter
        // that render refuses, recorded as sent by --commit all the same.
        var tape = JSONTape()
        tape.append(.object(job))
        if let problem = Self.check.problem(in: tape) {
            // At the título's own member: `payer.name`, `titles[0].amount_cents` → `amount_cents`.
            let path = problem.path.hasPrefix("payer.") ? problem.path : problem.path.hasPrefix("titles[") ? problem.path.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init) : nil
            return .rejected(code: problem.code, message: "the letter could not be rendered: \(problem.message)", path: path)
        }
        if step.boleto, let account = ladder.boleto {
            let dueDate = CivilDate(daysSinceEpoch: asOf.daysSinceEpoch + account.dueInDays)
            let due = BoletoDate(iso: dueDate.description)
            var title = account.account
            title.nossoNumero = String(nextNossoNumero)
            title.documentNumber = String(nextSequence)
            title.dueDate = due
            title.amountCents = totals.updated
            let asOfBoleto = BoletoDate(iso: asOf.description)!
            do {
                let b = try BoletoMaker.make(title, asOf: asOfBoleto)
                var o = JSONObject()
                o["bank"] = .string(title.bank)
                o["nosso_numero"] = .string(b.fields.nossoNumero ?? String(nextNossoNumero))
                o["due_date"] = .string(dueDate.description)
                o["amount_cents"] = .number(JSONNumber(totals.updated))
                o["barcode"] = .string(String(decoding: b.barcode.digits, as: UTF8.self))
                o["linha_digitavel"] = .string(String(decoding: b.linhaDigitavel.digits, as: UTF8.self))
                if let pix = account.pix {
                    // The same shape as `boleto make`'s `pix` member: what built it, and `emv`.
                    let code = try pix.payload(amountCents: totals.updated, sequence: nextSequence)
                    var p = JSONObject()
                    p["key"] = .string(pix.key)
                    p["name"] = .string(pix.name)
                    p["city"] = .string(pix.city)
                    p["txid"] = .string(code.txid)
                    p["emv"] = .string(code.emv)
                    o["pix"] = .object(p)
                }
                job["boleto"] = .object(o)
                nextNossoNumero += 1
            } catch {
                return .rejected(code: "letters.boleto", message: "the step's boleto cannot be made: \(error.message)", path: nil)
            }
        }
        nextSequence += 1
        return .letter(job: job, sent: SentLetter(party: party.key, step: step.name), boleto: job["boleto"] != nil)
    }

    /// The update's components, then the updated amount under `updated`.
    static func put(_ u: DebtUpdate, into o: inout JSONObject, updated: String) {
        o["correction_cents"] = .number(JSONNumber(u.correctionCents))
        o["fine_cents"] = .number(JSONNumber(u.fineCents))
        o["interest_cents"] = .number(JSONNumber(u.interestCents))
        o["fees_cents"] = .number(JSONNumber(u.feesCents))
        o["discount_cents"] = .number(JSONNumber(u.discountCents))
        o[updated] = .number(JSONNumber(u.totalCents))
    }
}
