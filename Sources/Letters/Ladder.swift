import Boleto
import Records

/// Why a ladder (régua) cannot be used: the step or key and what is wrong.
public struct LadderError: Error, Sendable, Hashable {
    /// What was expected and what was found.
    public var message: String
}

/// A collection ladder (régua de cobrança): steps by days overdue, each with its template, and
/// the rules that decide which parties get a letter (docs/letters.md).
public struct Ladder: Sendable {
    /// One step: parties whose oldest overdue título is `fromDays…toDays` days late get its letter.
    public struct Step: Sendable, Hashable {
        public var name: String
        public var fromDays: Int
        /// nil: no upper bound.
        public var toDays: Int?
        public var template: String
        public var inserts: String?
        /// Whether the letter carries a boleto for the updated total.
        public var boleto: Bool

        /// Whether `days` overdue falls in this step.
        public func contains(_ days: Int) -> Bool { days >= fromDays && (toDays.map { days <= $0 } ?? true) }
        var range: String { "\(fromDays)…\(toDays.map(String.init) ?? "")" }
    }

    /// The account boletos are issued on, and how their nosso número and due date are chosen.
    public struct BoletoAccount: Sendable, Hashable {
        /// Bank, agency, account, carteira, convênio, as `troca boleto make` reads them; the
        /// nosso número, due date and amount are each letter's.
        public var account: BoletoTitle
        /// The first nosso número; each boleto made (this run and those in the history) takes the next.
        public var nossoNumeroFrom: Int
        /// Days from the as-of date to the boleto's due date.
        public var dueInDays: Int
        /// The Pix key the boleto híbrido's QR code pays, and the receiver's name and city its
        /// BR Code names; nil: boletos without Pix.
        public var pix: Pix?
    }

    /// A static Pix code's receiver: the key, and the name (≤ 25 characters) and city (≤ 15)
    /// the BR Code carries, folded to ASCII.
    public struct Pix: Sendable, Hashable {
        public var key: String
        public var name: String
        public var city: String

        /// The letter's payload: the updated total, txid `CARTA` and the letter's sequence.
        func payload(amountCents: Int, sequence: Int) throws(BoletoError) -> (txid: String, emv: String) {
            let txid = "CARTA\(sequence)"
            return (txid, try PixBRCode.boletoPayload(key: key, location: nil, txid: txid, name: name, city: city, amountCents: amountCents))
        }
    }

    public var steps: [Step]
    /// Parties owing less than this (updated total) get no letter.
    public var minimumBalanceCents: Int
    /// The sender, copied into each job (`sender`), as given.
    public var sender: JSONValue?
    public var boleto: BoletoAccount?

    /// Reads and checks a ladder: steps named once, ranges that do not overlap, a boleto account
    /// when a step asks for boletos.
    public init(json: [UInt8]) throws(LadderError) {
        guard let value = JSONValue(parsing: json), case .object(let o) = value else {
            throw LadderError(message: "expected a JSON object with \"steps\"")
        }
        func int(_ object: JSONObject, _ key: String, _ at: String, max: Int64? = nil) throws(LadderError) -> Int? {
            guard let v = object[key], v != .null else { return nil }
            guard case .number(let n) = v, let i = n.exactInteger, i >= 0, i <= max ?? i else {
                let expected = max.map { "a whole number 0…\($0)" } ?? "a non-negative integer"
                throw LadderError(message: "\(at)\(key): expected \(expected), found \(String(decoding: v.jsonText, as: UTF8.self))")
            }
            return Int(i)
        }
        minimumBalanceCents = try int(o, "minimum_balance_cents", "") ?? 0
        sender = o["sender"]
        if let sender {
            // Copied into every job: what `letters render` would refuse in it is the ladder's error.
            var job = JSONObject()
            job["sender"] = sender
            var tape = JSONTape()
            tape.append(.object(job))
            if let p = JobCheck().problem(in: tape) { throw LadderError(message: "\(p.message) (the sender is copied into every letter)") }
        }
        guard case .array(let list)? = o["steps"], !list.isEmpty else { throw LadderError(message: "steps: expected a non-empty list of steps") }
        var steps: [Step] = []
        for (k, item) in list.enumerated() {
            let at = "steps[\(k)]."
            guard case .object(let s) = item else { throw LadderError(message: "steps[\(k)]: expected an object") }
            guard let name = s.string("name"), !name.isEmpty else { throw LadderError(message: "\(at)name: expected a name") }
            guard let from = try int(s, "from_days", at), from >= 1 else {
                throw LadderError(message: "\(at)from_days: step \"\(name)\" needs from_days ≥ 1 (days overdue)")
            }
            let to = try int(s, "to_days", at)
            if let to, to < from { throw LadderError(message: "\(at)to_days: step \"\(name)\" ends (\(to)) before it starts (\(from))") }
            guard let template = s.string("template"), !template.isEmpty else { throw LadderError(message: "\(at)template: step \"\(name)\" needs a template") }
            if steps.contains(where: { $0.name == name }) { throw LadderError(message: "\(at)name: step \"\(name)\" is named twice") }
            var boleto = false
            if let b = s["boleto"], b != .null {
                guard case .bool(let v) = b else { throw LadderError(message: "\(at)boleto: expected true or false") }
                boleto = v
            }
            steps.append(Step(name: name, fromDays: from, toDays: to, template: template, inserts: s.string("inserts"), boleto: boleto))
        }
        let sorted = steps.sorted { $0.fromDays < $1.fromDays }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.toDays.map({ $0 >= b.fromDays }) ?? true {
            throw LadderError(message: "steps \"\(a.name)\" (\(a.range) days) and \"\(b.name)\" (\(b.range) days) overlap at \(b.fromDays) days overdue")
        }
        self.steps = sorted
        if case .object(let b)? = o["boleto"] {
            guard let bank = b.string("bank") else { throw LadderError(message: "boleto.bank: expected the bank code of the account boletos are issued on") }
            let account = BoletoTitle(
                bank: bank, agency: b.string("agency"), account: b.string("account"), accountDigit: b.string("account_digit"),
                carteira: b.string("carteira"), convenio: b.string("convenio"))
            let nossoNumeroFrom = try int(b, "nosso_numero_from", "boleto.") ?? 1
            try Self.checkAccount(account, nossoNumeroFrom: nossoNumeroFrom)
            boleto = BoletoAccount(
                account: account, nossoNumeroFrom: nossoNumeroFrom, dueInDays: try int(b, "due_in_days", "boleto.", max: 3650) ?? 5,
                pix: try Self.pix(b, sender: sender))
        } else {
            boleto = nil
            if let s = steps.first(where: \.boleto) {
                throw LadderError(message: "step \"\(s.name)\" asks for a boleto: the ladder needs a \"boleto\" object (bank, agency, account, carteira…)")
            }
        }
    }

    /// Whether the account can issue boletos at all: its bank's campo livre made for the first
    /// nosso número (a bank Troca has no layout for, an agency, account, carteira or convênio
    /// the bank's layout refuses, a first nosso número too long for it). Said when the ladder is
    /// loaded, not blamed on every party's letter.
    static func checkAccount(_ account: BoletoTitle, nossoNumeroFrom: Int) throws(LadderError) {
        var trial = account
        trial.nossoNumero = String(nossoNumeroFrom)
        trial.documentNumber = "1"
        trial.amountCents = 100
        do { _ = try CampoLivre.layout(for: account.bank).make(trial) } catch {
            throw LadderError(message: "boleto: no boleto can be made on this account (nosso_numero_from \(nossoNumeroFrom)): [\(error.code)] \(error.message)")
        }
    }

    /// The boleto object's Pix receiver (`pix_key`; `pix_name`, else the sender's name;
    /// `pix_city`, else the sender's city), checked by building a payload with it.
    static func pix(_ b: JSONObject, sender: JSONValue?) throws(LadderError) -> Pix? {
        guard let v = b["pix_key"], v != .null else { return nil }
        guard case .string(let key) = v, !key.isEmpty else { throw LadderError(message: "boleto.pix_key: expected the Pix key (chave) as a string") }
        let senderObject = sender?.object
        guard let name = b.string("pix_name") ?? senderObject?.string("name") else {
            throw LadderError(message: "boleto.pix_name: a Pix code names its receiver: give boleto.pix_name or sender.name")
        }
        guard let city = b.string("pix_city") ?? senderObject?["address"]?.object?.string("city") else {
            throw LadderError(message: "boleto.pix_city: a Pix code names its receiver's city: give boleto.pix_city or sender.address.city")
        }
        let pix = Pix(key: key, name: name, city: city)
        do { _ = try pix.payload(amountCents: 100, sequence: 1) } catch {
            let nameFrom = b.string("pix_name") == nil ? " (sender.name; boleto.pix_name overrides it)" : ""
            let cityFrom = b.string("pix_city") == nil ? " (sender.address.city; boleto.pix_city overrides it)" : ""
            throw LadderError(
                message: "boleto.pix_key: no Pix code can be made for key \"\(key)\", receiver \"\(name)\"\(nameFrom), city \"\(city)\"\(cityFrom): \(error.message)")
        }
        return pix
    }

    /// The step for a party whose oldest título is `days` overdue.
    public func step(forDaysOverdue days: Int) -> Step? { steps.first { $0.contains(days) } }
}

extension JSONValue {
    /// Compact JSON.
    var jsonText: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }
}
