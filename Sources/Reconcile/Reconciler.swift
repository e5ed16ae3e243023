import Foundation
import Records

/// How a payment found its installment.
public struct MatchRule: RawRepresentable, Sendable, Hashable {
    /// Its place in `names`: applying a payment compares and counts rules as bytes, not strings.
    public let code: UInt8
    static let names = ["nosso_numero", "document_number", "party_amount_date"]
    /// The raw value, as written in `match` records.
    public var rawValue: String { Self.names[Int(code)] }
    /// The rule of a raw value; nil for a name that is none.
    public init?(rawValue: String) {
        guard let k = Self.names.firstIndex(of: rawValue) else { return nil }
        code = UInt8(k)
    }
    private init(_ code: UInt8) { self.code = code }
    /// The payment's nosso número is an installment's.
    public static let nossoNumero = MatchRule(0)
    /// The payment's document number is an installment's.
    public static let documentNumber = MatchRule(1)
    /// The payer's document, an amount within the tolerance of an open balance, a date within the window of its due date.
    public static let partyAmountDate = MatchRule(2)
    /// Every rule, in the order they are tried (`all[k].code == k`).
    public static let all: [MatchRule] = [.nossoNumero, .documentNumber, .partyAmountDate]
}

/// What became of a payment.
public struct Outcome: RawRepresentable, Sendable, Hashable {
    /// Its place in `names` (and in `all`): applying a payment compares and counts outcomes as
    /// bytes, not strings.
    public let code: UInt8
    static let names = [
        "exact", "partial", "overpaid", "late", "duplicate", "unmatched", "broken_agreement", "settled_agreement",
        "cancelled_agreement", "rejected_agreement",
    ]
    /// The raw value, as written in `match` records.
    public var rawValue: String { Self.names[Int(code)] }
    /// The outcome of a raw value; nil for a name that is none.
    public init?(rawValue: String) {
        guard let k = Self.names.firstIndex(of: rawValue) else { return nil }
        code = UInt8(k)
    }
    private init(_ code: UInt8) { self.code = code }
    /// Paid the installment's open balance, on time.
    public static let exact = Outcome(0)
    /// Paid less than the open balance: the rest stays open on the installment.
    public static let partial = Outcome(1)
    /// Paid more than the open balance (or an installment already paid): the excess is credit.
    public static let overpaid = Outcome(2)
    /// Paid the balance after the due date: the late charges the rules ask for are reported.
    public static let late = Outcome(3)
    /// The same payment seen before (the same retorno reconciled twice): never counted twice.
    public static let duplicate = Outcome(4)
    /// No installment matches it.
    public static let unmatched = Outcome(5)
    /// Its installment's agreement was broken before the payment.
    public static let brokenAgreement = Outcome(6)
    /// Its installment's agreement was already settled.
    public static let settledAgreement = Outcome(7)
    /// Its installment's agreement was cancelled.
    public static let cancelledAgreement = Outcome(8)
    /// Its nosso número or document number is that of an agreement that was rejected (and of no
    /// agreement taken): the agreement is to be fixed and the run made again.
    public static let rejectedAgreement = Outcome(9)
    /// Every outcome, matched ones first (`all[k].code == k`).
    public static let all: [Outcome] = (0..<UInt8(names.count)).map(Outcome.init)
    /// Whether this outcome is an exception (the payment was not applied to an installment):
    /// the matched ones are the first four.
    public var isException: Bool { code > Self.late.code }
}

/// One payment's result: which installment it went to, by which rule, and how — `Applied`'s
/// fields (`m.outcome`, `m.appliedCents`…) with its payments themselves instead of their indexes.
@dynamicMemberLookup
public struct Match: Sendable, Hashable {
    /// The payment.
    public var payment: Payment
    /// For a duplicate: the payment it repeats.
    public var duplicateOf: Payment?
    /// The rest of the result, as applying made it.
    public var result: Applied

    /// The match of an `Applied` result, its payments taken from `payments` (those it was
    /// applied from).
    public init(_ r: Applied, in payments: UnsafeBufferPointer<Payment>) {
        payment = payments[r.payment]
        duplicateOf = r.duplicateOf.map { payments[$0] }
        result = r
    }

    /// `result`'s fields, as the match's own.
    public subscript<T>(dynamicMember path: WritableKeyPath<Applied, T>) -> T {
        get { result[keyPath: path] }
        set { result[keyPath: path] = newValue }
    }

    /// `result`'s read-only fields.
    public subscript<T>(dynamicMember path: KeyPath<Applied, T>) -> T { result[keyPath: path] }
}

/// One payment's result, with the payments named by their index among those applied instead of
/// copied (`Match` has them copied): what `Reconciler.reconcile(_:inOrder:applied:)` hands on, so
/// that a million results are made, queued and formatted without a copy of any payment's
/// strings (each copy a retain, and a release later). Indexes and the due day are kept in 32
/// bits (-1: none), so a result is a few cache lines' worth less to move.
public struct Applied: Sendable, Hashable {
    /// The payment's index.
    public let payment: Int
    /// What became of it.
    public var outcome: Outcome
    /// The rule that found the installment, or the rejected agreement's key (nil when unmatched
    /// or a duplicate).
    public var rule: MatchRule?
    private var agreementIndex: Int32 = -1
    private var rejectedIndex: Int32 = -1
    private var installmentNumber: Int32 = -1
    /// The due date's day (`CivilDate.daysSinceEpoch`; `Int32.min`: none), as applying has it.
    fileprivate var dueDay = Int32.min
    private var duplicateIndex: Int32 = -1
    /// The part of the payment applied to the installment's balance.
    public var appliedCents = 0
    /// The installment's balance after the payment.
    public var balanceCents = 0
    /// The part of the payment left over after balance and late charges: credit.
    public var creditCents = 0
    /// Days from the due date to the payment (0 when on time).
    public var daysLate = 0
    /// Late charges owed per the rules on the balance paid late (0 without rules).
    public var lateChargesCents = 0
    /// The part of the late charges the payment covered.
    public var chargesPaidCents = 0
    /// The shortfall closed as a difference within `--tolerance-cents` (rule 3 only): the
    /// installment is paid, not left open by a few centavos.
    public var writtenOffCents = 0
    /// Why the late charges could not be computed (an index month missing, an amount past
    /// `Cents.maximum`): `lateChargesCents` is then 0 and not to be trusted.
    public var chargesProblem: UpdateError?
    /// The agreement's credit passes Int's range with this payment's (said by the first such
    /// payment only): it is held at Int.max, a total not to be trusted.
    public var creditOverflow = false

    init(payment: Int, outcome: Outcome) {
        self.payment = payment
        self.outcome = outcome
    }

    /// The agreement's index in `Reconciler.agreements`.
    public var agreement: Int? {
        get { agreementIndex < 0 ? nil : Int(agreementIndex) }
        set { agreementIndex = newValue.map { Int32($0) } ?? -1 }
    }
    /// For `rejected_agreement`: the agreement's index in `Reconciler.rejectedAgreements`.
    public var rejectedAgreement: Int? {
        get { rejectedIndex < 0 ? nil : Int(rejectedIndex) }
        set { rejectedIndex = newValue.map { Int32($0) } ?? -1 }
    }
    /// The installment's number (0: entrada).
    public var installment: Int? {
        get { installmentNumber < 0 ? nil : Int(installmentNumber) }
        set { installmentNumber = newValue.map { Int32($0) } ?? -1 }
    }
    /// The installment's due date.
    public var dueDate: CivilDate? {
        get { dueDay == .min ? nil : CivilDate(daysSinceEpoch: Int(dueDay)) }
        set { dueDay = newValue.map { Int32($0.daysSinceEpoch) } ?? .min }
    }
    /// For a duplicate: the index of the payment it repeats.
    public var duplicateOf: Int? {
        get { duplicateIndex < 0 ? nil : Int(duplicateIndex) }
        set { duplicateIndex = newValue.map { Int32($0) } ?? -1 }
    }
}

/// An agreement's standing as of a date.
public struct AgreementStanding: Sendable, Hashable {
    /// `current`, `settled`, `broken` or `cancelled`.
    public var status: String
    /// For `broken` by rule: the installment that broke it (0: entrada).
    public var brokenInstallment: Int?
    /// The rule that broke it: `overdue_days`, `down_payment_days`, or `given` (status broken in the input).
    public var brokenRule: String?
    /// The first day it was broken (the day after the installment's limit).
    public var brokenOn: CivilDate?
    /// Paid towards installments.
    public var paidCents = 0
    /// Still open.
    public var openCents = 0
    /// Open and past due as of the date.
    public var overdueCents = 0
    /// Credit from overpayments.
    public var creditCents = 0
    /// Installments fully paid.
    public var installmentsPaid = 0
    /// The first installment with an open balance, and that balance.
    public var nextDue: (number: Int, dueDate: CivilDate, balanceCents: Int)?

    /// Equal when every figure is (the next installment compared by number and balance).
    public static func == (a: AgreementStanding, b: AgreementStanding) -> Bool {
        a.status == b.status && a.brokenInstallment == b.brokenInstallment && a.brokenRule == b.brokenRule && a.brokenOn == b.brokenOn
            && a.paidCents == b.paidCents && a.openCents == b.openCents && a.overdueCents == b.overdueCents
            && a.creditCents == b.creditCents && a.installmentsPaid == b.installmentsPaid
            && a.nextDue?.number == b.nextDue?.number && a.nextDue?.balanceCents == b.nextDue?.balanceCents
    }

    /// Hashes the status and the main amounts.
    public func hash(into h: inout Hasher) {
        h.combine(status)
        h.combine(paidCents)
        h.combine(openCents)
    }
}

/// How payments are matched and late charges computed.
public struct MatchOptions: Sendable {
    /// Rule 3: the largest difference between the payment and an open balance.
    public var toleranceCents: Int
    /// Rule 3: the most days between the payment and the installment's due date, either way.
    public var windowDays: Int
    /// Late charges of installments paid late (none when nil).
    public var rules: DebtRules?
    /// The index table the rules' correction needs.
    public var index: IndexTable?
    /// Which payments are late: after the due date and after the next business day when the due
    /// date has no banking (nil: any day after the due date). With rules, theirs is used.
    public var calendar: BankCalendar?

    /// The calendar that tells late payments: the rules', else `calendar`.
    public var lateCalendar: BankCalendar? { rules.map(\.calendar) ?? calendar }

    /// Options from values.
    public init(
        toleranceCents: Int = 0, windowDays: Int = 10, rules: DebtRules? = nil, index: IndexTable? = nil,
        calendar: BankCalendar? = .national
    ) {
        self.calendar = calendar
        self.toleranceCents = toleranceCents
        self.windowDays = windowDays
        self.rules = rules
        self.index = index
    }
}

/// Reconciles payments against agreements (docs/reconcile.md): finds each payment's installment
/// (nosso número → document number → party + amount + date), applies it, and tells each
/// agreement's standing as of a date. The result does not depend on the order payments or
/// agreements are given in: payments are applied in `Payment.canonicallyOrdered` order.
///
/// Use: `var r = Reconciler(agreements: list, options: o)`; `let matches = r.reconcile(payments)`;
/// `r.standing(of: k, asOf: date)` for each agreement `k`.
public struct Reconciler: Sendable {
    /// The agreements, sorted by id.
    public private(set) var agreements: [Agreement]
    /// Per installment, agreement after agreement (agreement `a`'s installment `i` is at
    /// `states[a].first + i`): what applying a payment reads and changes, packed in one value so
    /// that a payment touches one cache line of installments and one of agreements (payments come
    /// in date order, so their installments are all over the table).
    struct InstallmentState {
        /// The open balance.
        var balance: Int
        /// The first day the agreement is broken if the installment is still open then
        /// (`Int.max`: never by itself).
        var breakDay: Int
        /// The due date (days since the epoch).
        var dueDay: Int32
        /// The last day it can be paid without being late: its payment deadline by the
        /// calendar (`BankCalendar.paymentDeadline`), or without one its due date.
        var lastOnTime: Int32
        /// 0: entrada, then 1, 2, 3…
        var number: Int32
    }
    /// Per agreement, as `InstallmentState`.
    struct AgreementState {
        /// Its installments: `installments[first..<end]`.
        var first: Int
        var end: Int
        /// Its open balance, paid and credit.
        var open: Int
        var paid = 0
        var credit = 0
        /// Cancelled in the input.
        var cancelled: Bool
        /// Broken (`brokenRule`: 0 given in the input, 1 overdue_days, 2 down_payment_days), by
        /// which installment (-1: given) and from which day.
        var broken = false
        var brokenRule: UInt8 = 0
        var brokenNumber: Int32 = 0
        var brokenDay: Int32 = 0

        static let rules = ["given", "overdue_days", "down_payment_days"]

        var breaking: (number: Int, rule: String, on: CivilDate)? {
            broken ? (Int(brokenNumber), Self.rules[Int(brokenRule)], CivilDate(daysSinceEpoch: Int(brokenDay))) : nil
        }

        mutating func breaks(_ b: (number: Int, rule: String, on: CivilDate)) {
            broken = true
            brokenNumber = Int32(b.number)
            brokenRule = UInt8(Self.rules.firstIndex(of: b.rule) ?? 0)
            brokenDay = Int32(b.on.daysSinceEpoch)
        }
    }
    var installments: [InstallmentState]
    var states: [AgreementState]
    let byNossoNumero: KeyIndex
    let byDocumentNumber: KeyIndex
    let byParty: [String: [Int]]
    /// The keys of `rejectedAgreements`; nil when none has a key (then a payment no taken
    /// agreement's key finds costs one test more, no lookup).
    let rejectedKeys: RejectedKeys?
    let options: MatchOptions

    /// Whether late charges are computed (the options have rules).
    public var hasRules: Bool { options.rules != nil }

    /// Agreements left out, by id, with the reason: an id given more than once, or a nosso
    /// número or document number given to two installments (of two agreements or of one).
    public private(set) var rejected: [String: ReconcileError] = [:]

    /// The agreements rejected (those given to `init` as refused when read, and those it left
    /// out, `rejected`) that have a key, in `RejectedAgreement.precedes` order: a payment whose
    /// key is one of theirs, and no taken agreement's, is a `rejected_agreement`.
    public private(set) var rejectedAgreements: [RejectedAgreement] = []

    /// Agreements whose ids repeat, or whose installments share a nosso número or document
    /// number with another installment, with the reason: `Reconciler` leaves them out.
    public static func conflicts(_ agreements: [Agreement]) -> [String: ReconcileError] {
        indexed(agreements.sorted { $0.id < $1.id }).rejected
    }

    /// A nosso número as matched: the same number however wide the field that carried it, so
    /// a retorno's `00000012345` (the bank's 11 positions) finds an installment's `12345`.
    /// Only leading zeros of an all-digit number are dropped; anything else is compared as is.
    public static func nossoNumeroKey(_ value: String) -> String {
        withNossoNumeroKey(value) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of `nossoNumeroKey(value)`, made without a string.
    static func withNossoNumeroKey<R>(_ value: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        KeyIndex.withUTF8(value) { bytes in
            var zeros = 0
            while zeros < bytes.count, bytes[zeros] == 48 { zeros += 1 }
            for b in bytes[zeros...] where b < 48 || b > 57 { return body(bytes) }
            if bytes.isEmpty || zeros == 0 { return body(bytes) }
            // All zeros: the key is the one zero left.
            return body(UnsafeBufferPointer(rebasing: bytes[(zeros == bytes.count ? zeros - 1 : zeros)...]))
        }
    }

    /// The key indexes of agreements sorted by id, and the agreements whose keys clash.
    static func indexed(_ list: [Agreement]) -> (
        nosso: KeyIndex, doc: KeyIndex, rejected: [String: ReconcileError]
    ) {
        var rejected: [String: ReconcileError] = [:]
        var k = 0
        while k < list.count {
            var end = k + 1
            while end < list.count, list[end].id == list[k].id { end += 1 }
            if end - k > 1 {
                rejected[list[k].id] = ReconcileError(
                    "agreement.duplicate", "agreement id \"\(list[k].id)\" is given \(end - k) times: none of them is taken", path: "id")
            }
            k = end
        }
        let count = list.withUnsafeBufferPointer { list in list.indices.reduce(0) { $0 + list[$1].installments.count } }
        if let (nosso, doc) = unclashedIndexes(list, count: count) { return (nosso, doc, rejected) }
        var nosso = KeyIndex(capacity: count)
        var doc = KeyIndex(capacity: count)
        // By kind and key: a nosso número and a document number of the same text are two keys
        // (in two indexes), and their clashes two clashes.
        struct ClashKey: Hashable {
            let label: String
            let key: String
        }
        /// Per key: the installments (agreement, installment index) that give it, in the order found.
        var clashes: [ClashKey: [(a: Int, i: Int)]] = [:]
        // The keys in the order their first clash was found: an agreement clashing more than once
        // is told its first clash, the same one every run (not the first in the dictionary's order).
        var clashOrder: [ClashKey] = []
        /// Installments `earlier` and (`a`, `i`) are given one key.
        func clash(_ key: ClashKey, _ earlier: (Int, Int), _ a: Int, _ i: Int) {
            if clashes[key] == nil { clashOrder.append(key) }
            clashes[key, default: [earlier]].append((a, i))
        }
        // Through buffers: the agreements and installments are read in place, not copied (a
        // copy retains each of their strings and arrays).
        list.withUnsafeBufferPointer { list in
            for a in list.indices {
                list[a].installments.withUnsafeBufferPointer { installments in
                    for i in installments.indices {
                        if let n = installments[i].nossoNumero {
                            withNossoNumeroKey(n) { key in
                                if let earlier = nosso.updateValue((a, i), forBytes: key) {
                                    clash(ClashKey(label: "nosso número", key: String(decoding: key, as: UTF8.self)), earlier, a, i)
                                }
                            }
                        }
                        if let key = installments[i].documentNumber, let earlier = doc.updateValue((a, i), forKey: key) {
                            clash(ClashKey(label: "document number", key: key), earlier, a, i)
                        }
                    }
                }
            }
        }
        for clash in clashOrder {
            let places = clashes[clash]!
            let names = Set(places.map { list[$0.a].id })
            let (label, key) = (clash.label, clash.key)
            let reason =
                names.count == 1
                ? "\(label) \"\(key)\" is given to two installments of agreement \"\(names.first!)\""
                : "\(label) \"\(key)\" belongs to installments of agreements \(names.sorted().joined(separator: ", ")): none of them is taken"
            // At the agreement's (first) installment with the key: the down payment, or the
            // installment numbered n, the nth of the array.
            let member = clash.label == "nosso número" ? "nosso_numero" : "document_number"
            for (a, i) in places where rejected[list[a].id] == nil {
                let number = list[a].installments[i].number
                let path = number == 0 ? "down_payment.\(member)" : "installments[\(number - 1)].\(member)"
                rejected[list[a].id] = ReconcileError("agreement.key-conflict", reason, path: path)
            }
        }
        return (nosso, doc, rejected)
    }

    /// The key indexes `indexed` makes, made faster when every key fits a slot and none is
    /// given twice (the usual file): the keys are gathered, then inserted in table order
    /// (`KeyIndex.insertAll`). Nil otherwise: `indexed` then goes key by key, in the order
    /// that names each clash's first agreement.
    static func unclashedIndexes(_ list: [Agreement], count: Int) -> (nosso: KeyIndex, doc: KeyIndex)? {
        var nossoEntries: [KeyIndex.Slot] = []
        var docEntries: [KeyIndex.Slot] = []
        nossoEntries.reserveCapacity(count)
        docEntries.reserveCapacity(count)
        let gathered = list.withUnsafeBufferPointer { list in
            for a in list.indices {
                let fits = list[a].installments.withUnsafeBufferPointer { installments in
                    for i in installments.indices {
                        if let n = installments[i].nossoNumero {
                            guard let e = withNossoNumeroKey(n, { KeyIndex.entry($0, (a, i)) }) else { return false }
                            nossoEntries.append(e)
                        }
                        if let d = installments[i].documentNumber {
                            guard let e = KeyIndex.withUTF8(d, { KeyIndex.entry($0, (a, i)) }) else { return false }
                            docEntries.append(e)
                        }
                    }
                    return true
                }
                if !fits { return false }
            }
            return true
        }
        guard gathered else { return nil }
        var nosso = KeyIndex(capacity: count)
        var doc = KeyIndex(capacity: count)
        guard nosso.insertAll(&nossoEntries), doc.insertAll(&docEntries) else { return nil }
        return (nosso, doc)
    }

    /// A reconciler over checked agreements; those whose ids or keys clash are left out and
    /// named in `rejected`. `refused`: the agreements refused when read (`RejectedAgreement(tape)`
    /// of each); with those left out, their keys tell their payments (`rejectedAgreements`).
    public init(agreements: [Agreement], refused: [RejectedAgreement] = [], options: MatchOptions = MatchOptions()) {
        // Agreements usually come sorted by id already: then they are taken as they are (a sort
        // would copy every agreement, a retain per string and array, to put none elsewhere).
        var list = agreements
        let sorted = list.withUnsafeBufferPointer { list in list.indices.dropFirst().allSatisfy { list[$0 - 1].id <= list[$0].id } }
        if !sorted { list.sort { $0.id < $1.id } }
        var (nosso, doc, rejected) = Self.indexed(list)
        var rejectedAgreements = refused.filter(\.hasKeys)
        if !rejected.isEmpty {
            for a in list where rejected[a.id] != nil {
                let r = RejectedAgreement(a)
                if r.hasKeys { rejectedAgreements.append(r) }
            }
            list.removeAll { rejected[$0.id] != nil }
            (nosso, doc, _) = Self.indexed(list)
        }
        self.rejected = rejected
        rejectedAgreements.sort(by: RejectedAgreement.precedes)
        self.rejectedAgreements = rejectedAgreements
        rejectedKeys = RejectedKeys(rejectedAgreements)
        self.agreements = list
        self.options = options
        byNossoNumero = nosso
        byDocumentNumber = doc
        var installments: [InstallmentState] = []
        var states: [AgreementState] = []
        installments.reserveCapacity(self.agreements.count * 4)
        states.reserveCapacity(self.agreements.count)
        // An installment within its payment deadline (due on a day without banking) is not
        // overdue, so cannot break its agreement before that deadline has passed.
        let calendar = options.lateCalendar
        // Due dates repeat (a few hundred days for a million installments): each deadline is
        // worked out once.
        var deadlines: [Int32: Int32] = [:]
        func lastOnTime(_ due: CivilDate) -> Int32 {
            let day = Int32(due.daysSinceEpoch)
            guard let calendar else { return day }
            if let d = deadlines[day] { return d }
            let d = Int32(calendar.paymentDeadline(due: due).daysSinceEpoch)
            deadlines[day] = d
            return d
        }
        list.withUnsafeBufferPointer { list in
            for a in list.indices {
                let first = installments.count
                let rule = list[a].breakRule
                list[a].installments.withUnsafeBufferPointer { given in
                    for k in given.indices {
                        let due = given[k].dueDate
                        let n = given[k].number
                        let deadline = lastOnTime(due)
                        installments.append(
                            InstallmentState(
                                balance: given[k].amountCents,
                                breakDay: rule.limit(n).map { limit in
                                    let last = due.daysSinceEpoch + limit.days
                                    return (calendar == nil ? last : max(last, Int(deadline))) + 1
                                } ?? Int.max,
                                dueDay: Int32(due.daysSinceEpoch), lastOnTime: deadline, number: Int32(n)))
                    }
                }
                var state = AgreementState(
                    first: first, end: installments.count, open: list[a].totalCents, cancelled: list[a].status == "cancelled")
                if list[a].status == "broken" { state.breaks((-1, "given", list[a].createdOn)) }
                states.append(state)
            }
        }
        self.installments = installments
        self.states = states
        var party: [String: [Int]] = [:]
        party.reserveCapacity(list.count)
        list.withUnsafeBufferPointer { list in
            for a in list.indices { party[list[a].partyDocument, default: []].append(a) }
        }
        byParty = party
    }

    /// Applies payments in canonical order and returns one `Match` each, in that order.
    public mutating func reconcile(_ payments: [Payment]) -> [Match] {
        var matches: [Match] = []
        matches.reserveCapacity(payments.count)
        reconcile(payments) { matches.append($0) }
        return matches
    }

    /// Applies payments in canonical order, handing each `Match` to `body` as it is made (so
    /// that a caller writing them out holds one at a time).
    public mutating func reconcile(_ payments: [Payment], each body: (consuming Match) throws -> Void) rethrows {
        try reconcile(payments, inOrder: Self.canonicalOrder(payments), each: body)
    }

    /// The indices of `payments` in the order they are applied (`Payment.canonicallyOrdered`).
    /// Apart from `reconcile` so that a caller may sort the payments while the agreements are
    /// still being read and indexed (it needs nothing of the reconciler).
    public static func canonicalOrder(_ payments: [Payment]) -> [Int] {
        // Sorted by a packed (date, amount) key first, a byte at a time (a radix sort: a few
        // passes over the keys, where a comparison sort made some twenty); the full order then
        // only sorts runs of one key. The keys travel with their indexes, and the payments are
        // read in place, not copied.
        payments.withUnsafeBufferPointer { payments in
            var keyed = payments.indices.map { k in
                Keyed(key: packedKey(payments[k]), index: k)
            }
            radixSort(&keyed)
            // Runs of one key sorted in place, their payments compared where they lie (a slice
            // sorted was copied, and each payment compared copied: a retain and a release of
            // every string).
            keyed.withUnsafeMutableBufferPointer { keyed in
                let base = payments.baseAddress!
                var start = 0
                while start < keyed.count {
                    var end = start + 1
                    while end < keyed.count, keyed[end].key == keyed[start].key { end += 1 }
                    if end - start > 1 {
                        var run = UnsafeMutableBufferPointer(rebasing: keyed[start..<end])
                        run.sort { a, b in
                            Payment.canonicallyOrdered(base + a.index, base + b.index)
                        }
                    }
                    start = end
                }
            }
            return keyed.map(\.index)
        }
    }

    /// A payment's place in the first sort, and its index.
    struct Keyed {
        var key: UInt64
        var index: Int
    }

    /// (date, amount) in one word that orders as the pair: the day (offset to be positive) above
    /// the amount in 40 bits (R$ 10 billion and more all alike). Equal keys are sorted by the
    /// full order.
    static func packedKey(_ p: Payment) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: p.date.daysSinceEpoch + 1 << 20)) << 40 | UInt64(min(max(p.paidCents, 0), 1 << 40 - 1))
    }

    /// Sorts by key, stably (least significant byte first); a byte all keys share takes no pass.
    static func radixSort(_ items: inout [Keyed]) {
        guard items.count > 1 else { return }
        var other = items
        var source = true  // the sorted-so-far items are in `items` (else in `other`)
        let all = items.reduce((and: ~UInt64(0), or: UInt64(0))) { ($0.and & $1.key, $0.or | $1.key) }
        for shift in stride(from: 0, to: 64, by: 8) where (all.and ^ all.or) >> UInt64(shift) & 0xFF != 0 {
            func pass(_ from: UnsafeMutableBufferPointer<Keyed>, _ to: UnsafeMutableBufferPointer<Keyed>) {
                var counts = [Int](repeating: 0, count: 257)
                for item in from { counts[Int(item.key >> UInt64(shift) & 0xFF) + 1] += 1 }
                for b in 1..<257 { counts[b] += counts[b - 1] }
                for item in from {
                    let b = Int(item.key >> UInt64(shift) & 0xFF)
                    to[counts[b]] = item
                    counts[b] += 1
                }
            }
            items.withUnsafeMutableBufferPointer { items in
                other.withUnsafeMutableBufferPointer { other in
                    if source { pass(items, other) } else { pass(other, items) }
                }
            }
            source.toggle()
        }
        if !source { items = other }
    }

    /// Applies payments in `order`, which must be `canonicalOrder(payments)`, as `reconcile(_:each:)`.
    public mutating func reconcile(_ payments: [Payment], inOrder order: [Int], each body: (consuming Match) throws -> Void) rethrows {
        try payments.withUnsafeBufferPointer { all in
            try reconcile(payments, inOrder: order) { r in try body(Match(r, in: all)) }
        }
    }

    /// Applies payments in `order`, which must be `canonicalOrder(payments)`, handing on each
    /// result with its payments by index (`Match(_:in:)` makes it a `Match`).
    public mutating func reconcile(_ payments: [Payment], inOrder order: [Int], applied body: (Applied) throws -> Void) rethrows {
        try reconcile(payments, prepared: prepare(payments, inOrder: order, threads: 1), applied: body)
    }

    /// A payment as applying it reads it, worked out beforehand (`prepare`), for all payments
    /// at once and on as many threads as asked: its amount and day, and the installment its nosso
    /// número or document number finds (rules 1 and 2 depend on no payment applied before).
    /// Applying, one payment after another, then reads them in order from one compact array
    /// instead of each payment and its key strings, scattered over memory.
    public struct Prepared: Sendable {
        /// The payment's index.
        let payment: Int32
        /// Its key's installment, `agreement` -1 when neither key finds one.
        var agreement: Int32 = -1
        var installment: Int32 = 0
        var rule = MatchRule.nossoNumero
        /// The installment's index in `installments` (apply reads it and the agreement's state
        /// at once, not one after the other: each lies anywhere in memory).
        var slot: Int32 = 0
        let day: Int32
        let paid: Int

        init(_ p: UnsafePointer<Payment>, _ index: Int) {
            payment = Int32(index)
            day = Int32(p.pointee.date.daysSinceEpoch)
            paid = p.pointee.paidCents
        }

        /// Its key's installment, found by `rule`.
        mutating func found(_ a: Int, _ i: Int, _ rule: MatchRule, at slot: Int) {
            agreement = Int32(a)
            installment = Int32(i)
            self.rule = rule
            self.slot = Int32(slot)
        }
    }

    /// The payments in `order` (`canonicalOrder(payments)`) prepared for `reconcile(_:prepared:applied:)`,
    /// on up to `threads` threads, each a part of the order of at least `minimumPart` payments.
    public func prepare(_ payments: [Payment], inOrder order: [Int], threads: Int, minimumPart: Int = 65_536) -> [Prepared] {
        precondition(order.count == payments.count && payments.count < Int32.max)
        guard !order.isEmpty else { return [] }
        let parts = max(1, min(threads, order.count / max(1, minimumPart)))
        // Struct of pointers each part reads, and writes its own range of (unchecked Sendable).
        struct Parts: @unchecked Sendable {
            let payments: UnsafeBufferPointer<Payment>
            let order: UnsafeBufferPointer<Int>
            let byPayment: UnsafeMutablePointer<Prepared>
            let out: UnsafeMutablePointer<Prepared>
        }
        func run(_ job: @Sendable (Range<Int>) -> Void) {
            let count = order.count
            if parts == 1 { job(0..<count) } else { DispatchQueue.concurrentPerform(iterations: parts) { part in job((count * part / parts)..<(count * (part + 1) / parts)) } }
        }
        return payments.withUnsafeBufferPointer { payments in
            order.withUnsafeBufferPointer { order in
                // Each payment prepared where it lies (in the order read, the payments one after
                // another in memory), its keys looked up in the indexes' order (`lookUpAll`): in
                // the order applied, each payment and each key was a cache miss. Then put in order.
                let byPayment = UnsafeMutablePointer<Prepared>.allocate(capacity: order.count)
                defer { byPayment.deallocate() }
                return [Prepared](unsafeUninitializedCapacity: order.count) { out, count in
                    let shared = Parts(payments: payments, order: order, byPayment: byPayment, out: out.baseAddress!)
                    run { range in self.prepareInPlace(shared.payments, range, into: shared.byPayment) }
                    run { range in
                        for n in range { (shared.out + n).initialize(to: shared.byPayment[shared.order[n]]) }
                    }
                    count = order.count
                }
            }
        }
    }

    /// `prepare` of the payments in `range`, each into `byPayment` at its own index, with the
    /// installment its keys find (rules 1 and 2): its nosso número, else its document number.
    func prepareInPlace(_ payments: UnsafeBufferPointer<Payment>, _ range: Range<Int>, into byPayment: UnsafeMutablePointer<Prepared>) {
        for k in range { (byPayment + k).initialize(to: Prepared(payments.baseAddress! + k, k)) }
        var probes: [KeyIndex.Probe] = []
        probes.reserveCapacity(range.count)
        /// Looks up in `index` the key `withKey` gives each payment not found yet (a key no slot
        /// holds at once, the others in the index's order), marking those found by `rule`.
        func round(_ index: KeyIndex, _ rule: MatchRule, _ withKey: (Int, (UnsafeBufferPointer<UInt8>) -> Void) -> Void) {
            probes.removeAll(keepingCapacity: true)
            for k in range where byPayment[k].agreement < 0 {
                withKey(k) { key in
                    if let probe = KeyIndex.probe(key, tag: k) {
                        probes.append(probe)
                    } else if let (a, i) = index[bytes: key] {
                        byPayment[k].found(a, i, rule, at: states[a].first + i)
                    }
                }
            }
            index.lookUpAll(&probes) { k, found in byPayment[k].found(found.0, found.1, rule, at: states[found.0].first + found.1) }
        }
        round(byNossoNumero, .nossoNumero) { k, body in
            if let n = payments[k].nossoNumero { Self.withNossoNumeroKey(n, body) }
        }
        round(byDocumentNumber, .documentNumber) { k, body in
            if let d = payments[k].documentNumber { KeyIndex.withUTF8(d, body) }
        }
    }

    /// Applies the payments `prepare` made ready, in their order, handing on each result.
    public mutating func reconcile(_ payments: [Payment], prepared: [Prepared], applied body: (Applied) throws -> Void) rethrows {
        // The payments are read in place (a copy would retain their strings), and only where
        // the prepared values do not tell: a possible duplicate, a payment no key finds.
        try payments.withUnsafeBufferPointer { payments in
            try prepared.withUnsafeBufferPointer { prepared in
                // The same payment seen again sorts right after its first sighting (only where
                // it was read differs), so a duplicate is one whose identity is the previous
                // payment's.
                var first = -1
                var touched = 0
                for n in prepared.indices {
                    if n % Touch.batch == 0 { touched &+= touch(prepared[n..<min(n + Touch.batch, prepared.count)]) }
                    let k = Int(prepared[n].payment)
                    if first >= 0, prepared[first].paid == prepared[n].paid, prepared[first].day == prepared[n].day,
                        payments[Int(prepared[first].payment)].isSamePayment(as: payments[k])
                    {
                        var r = Applied(payment: k, outcome: .duplicate)
                        r.duplicateOf = Int(prepared[first].payment)
                        try body(r)
                        continue
                    }
                    first = n
                    try body(apply(prepared.baseAddress! + n, payments.baseAddress! + k))
                }
                Touch.keep(touched)
            }
        }
    }

    /// Reads a word of the installment and agreement state each of these payments will change:
    /// they lie anywhere in memory, and in this loop, whose loads wait for nothing, their cache
    /// misses overlap, where `apply` met them one at a time (`Touch`).
    func touch(_ batch: UnsafeBufferPointer<Prepared>.SubSequence) -> Int {
        var sum = 0
        installments.withUnsafeBufferPointer { installments in
            states.withUnsafeBufferPointer { states in
                for r in batch where r.agreement >= 0 {
                    sum &+= installments[Int(r.slot)].balance &+ states[Int(r.agreement)].open
                }
            }
        }
        return sum
    }

    /// What `findOtherwise` found for a payment.
    enum Found {
        /// Agreement `a`'s installment at index `i`, by `rule`.
        case installment(Int, Int, MatchRule)
        /// A key of `rejectedAgreements[r]` (no taken agreement has it), by `rule`.
        case rejected(Int, MatchRule)
        case nothing
    }

    /// The installment of a payment its keys found nothing for (`prepare`): a rejected
    /// agreement's key, then rule 3. The rules go in order, a taken agreement's key before a
    /// rejected one's, and a rejected agreement's key before rule 3 (its payment is not placed
    /// on another agreement of the same debtor by amount and date).
    func findOtherwise(_ payment: UnsafePointer<Payment>) -> Found {
        if let rejectedKeys, let (r, rule) = rejectedKeys.owner(of: payment.pointee) { return .rejected(r, rule) }
        guard let party = payment.pointee.partyDocument, let list = byParty[party] else { return .nothing }
        var best: (Int, Int)? = nil
        let day = payment.pointee.date.daysSinceEpoch
        // From the installment states: no `Installment` copied (nor its strings retained).
        // Active agreements only: not cancelled or broken in the input, nor broken by their
        // dates by the payment's day (the same test `apply` makes; made only for an agreement
        // with an installment that would be taken, most have none).
        for a in list where agreements[a].status == "active" {
            var active: Bool? = nil
            for i in 0..<(states[a].end - states[a].first) {
                let inst = installments[states[a].first + i]
                guard inst.balance > 0, abs(inst.balance - payment.pointee.paidCents) <= options.toleranceCents,
                    abs(Int(inst.dueDay) - day) <= options.windowDays
                else { continue }
                if let (ba, bi) = best {
                    let b = installments[states[ba].first + bi]
                    if (inst.dueDay, agreements[a].id, inst.number) >= (b.dueDay, agreements[ba].id, b.number) { continue }
                }
                if active == nil {
                    active = !(states[a].broken ? Int(states[a].brokenDay) <= day : breaker(a, byDay: day) != nil)
                }
                guard active == true else { break }
                best = (a, i)
            }
        }
        guard let (a, i) = best else { return .nothing }
        return .installment(a, i, .partyAmountDate)
    }

    /// The installment that broke agreement `a` by `date` (its limit passed with a balance open), if any.
    func breaker(_ a: Int, by date: CivilDate) -> (number: Int, rule: String, on: CivilDate)? {
        breaker(a, byDay: date.daysSinceEpoch)
    }

    /// `breaker(_:by:)` of a day (`CivilDate.daysSinceEpoch`).
    func breaker(_ a: Int, byDay day: Int) -> (number: Int, rule: String, on: CivilDate)? {
        var found = -1
        for j in states[a].first..<states[a].end where installments[j].balance > 0 && installments[j].breakDay <= day {
            if found < 0 || installments[j].breakDay < installments[found].breakDay { found = j }
        }
        guard found >= 0 else { return nil }
        let number = Int(installments[found].number)
        let rule = number == 0 && agreements[a].breakRule.downPaymentDays != nil ? "down_payment_days" : "overdue_days"
        return (number, rule, CivilDate(daysSinceEpoch: installments[found].breakDay))
    }

    mutating func apply(_ prepared: UnsafePointer<Prepared>, _ payment: UnsafePointer<Payment>) -> Applied {
        let index = Int(prepared.pointee.payment)
        let byKey = prepared.pointee.agreement >= 0
        let found =
            byKey
            ? .installment(Int(prepared.pointee.agreement), Int(prepared.pointee.installment), prepared.pointee.rule)
            : findOtherwise(payment)
        // Days, not dates, until a date is needed (late charges): a `CivilDate` is a year, month
        // and day, and each way between the two was a good part of applying a payment.
        let day = Int(prepared.pointee.day)
        let paid = prepared.pointee.paid
        guard case let .installment(a, i, rule) = found else {
            var m = Applied(payment: index, outcome: .unmatched)
            if case let .rejected(r, rule) = found {
                m.outcome = .rejectedAgreement
                m.rule = rule
                m.rejectedAgreement = r
            }
            return m
        }
        let j = byKey ? Int(prepared.pointee.slot) : states[a].first + i
        let slot = installments[j]
        var m = Applied(payment: index, outcome: .exact)
        m.rule = rule
        m.agreement = a
        m.installment = Int(slot.number)
        m.dueDay = slot.dueDay
        if states[a].cancelled {
            m.outcome = .cancelledAgreement
        } else if !states[a].broken, let b = breaker(a, byDay: day) {
            states[a].breaks(b)
        }
        if m.outcome == .exact, states[a].broken, Int(states[a].brokenDay) <= day { m.outcome = .brokenAgreement }
        if m.outcome == .exact, states[a].open == 0 { m.outcome = .settledAgreement }
        if m.outcome.isException {
            m.balanceCents = slot.balance
            return m
        }
        let balance = slot.balance
        m.daysLate = max(0, day - Int(slot.dueDay))
        if day <= Int(slot.lastOnTime) { m.daysLate = 0 }
        if m.daysLate > 0, balance > 0, let rules = options.rules {
            let due = CivilDate(daysSinceEpoch: Int(slot.dueDay))
            let date = CivilDate(daysSinceEpoch: day)
            do {
                // On what this payment pays of the balance late, not on the whole balance: a
                // later payment of the rest owes its own charges, so the charges do not depend
                // on how the debtor split the payments (nor is a fine charged twice).
                m.lateChargesCents = try rules.update(principalCents: min(paid, balance), dueDate: due, asOf: date, index: options.index)
                    .chargesCents
            } catch {
                m.chargesProblem = error
            }
        }
        m.appliedCents = min(paid, balance)
        let rest = paid - m.appliedCents
        m.chargesPaidCents = min(rest, m.lateChargesCents)
        m.creditCents = rest - m.chargesPaidCents
        m.balanceCents = balance - m.appliedCents
        if m.rule == .partyAmountDate, m.balanceCents > 0, m.balanceCents <= options.toleranceCents {
            // Found because it was within the tolerance of this balance: the difference is
            // closed with it, or the agreement would later break over a few centavos.
            m.writtenOffCents = m.balanceCents
            m.balanceCents = 0
        }
        installments[j].balance = m.balanceCents
        states[a].open -= m.appliedCents + m.writtenOffCents
        states[a].paid += m.appliedCents
        // A payment is at most `Cents.maximum`, but nothing bounds how many overpay one agreement:
        // past Int's range (9,224 payments of the maximum) its credit is held at Int.max, not
        // trapped, and the match that passes it says so (`creditOverflow`: an error, never a
        // silent total).
        let credit = states[a].credit.addingReportingOverflow(m.creditCents)
        m.creditOverflow = credit.overflow && states[a].credit != Int.max
        states[a].credit = credit.overflow ? Int.max : credit.partialValue
        if m.balanceCents > 0 {
            m.outcome = .partial
        } else if m.daysLate > 0, balance > 0 {
            m.outcome = .late
        } else if m.creditCents > 0 {
            m.outcome = .overpaid
        }
        return m
    }

    /// Agreement `a`'s standing as of `date` (after `reconcile`).
    public func standing(of a: Int, asOf date: CivilDate) -> AgreementStanding {
        var s = AgreementStanding(status: "current")
        s.paidCents = states[a].paid
        s.creditCents = states[a].credit
        // From the installment states: no `Installment` copied (nor its strings retained).
        let day = date.daysSinceEpoch
        for j in states[a].first..<states[a].end {
            let b = installments[j].balance
            let dueDay = Int(installments[j].dueDay)
            s.openCents += b
            if b == 0 { s.installmentsPaid += 1 }
            if b > 0, dueDay < day, day > Int(installments[j].lastOnTime) { s.overdueCents += b }
            if b > 0, s.nextDue == nil { s.nextDue = (Int(installments[j].number), CivilDate(daysSinceEpoch: dueDay), b) }
        }
        if agreements[a].status == "cancelled" {
            s.status = "cancelled"
        } else if let b = states[a].breaking.flatMap({ $0.rule == "given" || $0.on <= date ? $0 : nil }) ?? breaker(a, by: date) {
            // (A break a payment dated after `date` found, on a later day, is not one yet.)
            s.status = "broken"
            s.brokenRule = b.rule
            if b.number >= 0 {
                s.brokenInstallment = b.number
                s.brokenOn = b.on
            }
        } else if s.openCents == 0 {
            s.status = "settled"
        }
        return s
    }
}
