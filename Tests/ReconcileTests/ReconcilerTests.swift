import Records
import Testing

@testable import Reconcile

func tape(_ json: String) -> JSONTape {
    var t = JSONTape()
    let ok = Array(json.utf8).withUnsafeBufferPointer { JSONReader.parse($0, into: &t) }
    precondition(ok, "bad JSON in a test: \(json)")
    return t
}

func agreement(
    _ id: String, party: String = "11144477735", created: String = "2026-09-01", _ parts: [(String, Int, String?)],
    entrada: (String, Int, String?)? = nil, breakRule: BreakRule = BreakRule(), status: String = "active"
) -> Agreement {
    var list: [Installment] = []
    if let e = entrada { list.append(Installment(number: 0, dueDate: day(e.0), amountCents: e.1, nossoNumero: e.2)) }
    for (k, p) in parts.enumerated() {
        list.append(Installment(number: k + 1, dueDate: day(p.0), amountCents: p.1, nossoNumero: p.2))
    }
    return Agreement(
        id: id, partyDocument: party, createdOn: day(created), totalCents: list.reduce(0) { $0 + $1.amountCents }, installments: list,
        breakRule: breakRule, status: status)
}

func pay(_ nosso: String?, _ cents: Int, _ date: String, party: String? = nil, line: Int = 1) -> Payment {
    Payment(kind: "event", nossoNumero: nosso, partyDocument: party, paidCents: cents, date: day(date), sourceFile: "RET.ret", sourceLine: line)
}

/// Worked examples of matching and outcomes, each computed by hand in its comment.
@Suite struct ReconcilerTests {
    @Test func partialThenRestThenOverpaid() {
        // Installments 100,00 (P1, due 10/10) and 100,00 (P2, due 10/11).
        // P1 40,00 on 05/10 → partial, 60,00 left; P1 60,00 on 09/10 → exact, 0 left;
        // P2 120,00 on 01/11 → overpaid: 100,00 applied, 20,00 credit; then the agreement is settled.
        var r = Reconciler(agreements: [agreement("A", [("2026-10-10", 10_000, "P1"), ("2026-11-10", 10_000, "P2")])])
        let m = r.reconcile([pay("P2", 12_000, "2026-11-01"), pay("P1", 6_000, "2026-10-09"), pay("P1", 4_000, "2026-10-05")])
        #expect(m.map(\.outcome) == [.partial, .exact, .overpaid])
        #expect(m.map(\.balanceCents) == [6_000, 0, 0])
        #expect(m[2].appliedCents == 10_000 && m[2].creditCents == 2_000)
        let s = r.standing(of: 0, asOf: day("2026-11-23"))
        #expect(s.status == "settled" && s.paidCents == 20_000 && s.creditCents == 2_000 && s.openCents == 0)
    }

    @Test func latePaymentReportsTheChargesOwed() {
        // 300,00 due 10/09 paid 306,60 on 30/09: 20 days late. Multa 2% = 6,00; juros 1% a month
        // × 20/30 × 300,00 = 2,00; charges 8,00. 300,00 applied, 6,60 of the charges paid, no credit.
        let rules = DebtRules(fine: pct("2"), interest: pct("1"))
        var r = Reconciler(agreements: [agreement("L", [("2026-09-10", 30_000, "L1")])], options: MatchOptions(rules: rules))
        let m = r.reconcile([pay("L1", 30_660, "2026-09-30")])[0]
        #expect(m.outcome == .late)
        #expect(m.daysLate == 20 && m.lateChargesCents == 800 && m.chargesPaidCents == 660 && m.creditCents == 0 && m.appliedCents == 30_000)
    }

    @Test func latePartialPaymentsOweChargesOnWhatTheyPay() {
        // 100,00 due 10/09, multa 2%, juros 1% a month; paid late on 30/09 (20 days), in two
        // parts or at once. 40,00 owes multa 0,80 + juros 1% × 20/30 × 40,00 = 0,2667 → 0,27:
        // 1,07; 60,00 owes 1,20 + 0,40 = 1,60; 2,67 in all, as the whole 100,00 owes
        // (2,00 + 0,6667 → 0,67): the fine is not charged twice. One centavo paid late owes nothing.
        let rules = DebtRules(fine: pct("2"), interest: pct("1"))
        var r = Reconciler(
            agreements: [
                agreement("H", [("2026-09-10", 10_000, "H1")]), agreement("W", [("2026-09-10", 10_000, "W1")]),
                agreement("C", [("2026-09-10", 10_000, "C1")]),
            ], options: MatchOptions(rules: rules))
        let m = r.reconcile([
            pay("H1", 4_000, "2026-09-30", line: 1), pay("H1", 6_000, "2026-09-30", line: 2), pay("W1", 10_000, "2026-09-30", line: 3),
            pay("C1", 1, "2026-09-30", line: 4),
        ])
        let byLine = Dictionary(uniqueKeysWithValues: m.map { ($0.payment.sourceLine, $0) })
        #expect(byLine[1]?.outcome == .partial && byLine[1]?.lateChargesCents == 107)
        #expect(byLine[2]?.outcome == .late && byLine[2]?.lateChargesCents == 160)
        #expect(byLine[3]?.outcome == .late && byLine[3]?.lateChargesCents == 267)
        #expect(byLine[4]?.outcome == .partial && byLine[4]?.lateChargesCents == 0)
    }

    @Test func ruleThreeSkipsAnAgreementBrokenByItsDates() {
        // One debtor: E1 (100,00 due 02/03 and 10/03, 3 days) is unpaid, so broken from 06/03;
        // E2 (100,00 due 12/03). A Pix of 100,00 on 11/03 with no key is within the window of
        // both E1's second installment and E2's: E1 is not active, so it pays E2, which is settled.
        let party = "52998224725"
        let e1 = agreement("E1", party: party, [("2026-03-02", 10_000, nil), ("2026-03-10", 10_000, nil)], breakRule: BreakRule(overdueDays: 3))
        let e2 = agreement("E2", party: party, [("2026-03-12", 10_000, nil)], breakRule: BreakRule(overdueDays: 3))
        var r = Reconciler(agreements: [e1, e2])
        let m = r.reconcile([pay(nil, 10_000, "2026-03-11", party: party)])
        #expect(m.first?.outcome == .exact && m.first?.rule == .partyAmountDate && m.first?.agreement == 1, "\(m)")  // E2 (agreements are sorted by id)
        #expect(r.standing(of: 1, asOf: day("2026-03-20")).status == "settled")
        #expect(r.standing(of: 0, asOf: day("2026-03-20")).status == "broken")
    }

    @Test func aBreakAfterTheAsOfDateIsNotOneYet() {
        // 100,00 due 10/03 with 5 days (limit 15/03), paid on 20/03: the payment finds the
        // agreement broken from 16/03. As of 12/03 the limit has not passed: current. As of 20/03: broken.
        var r = Reconciler(agreements: [agreement("H", [("2026-03-10", 10_000, "H1")], breakRule: BreakRule(overdueDays: 5))])
        let m = r.reconcile([pay("H1", 10_000, "2026-03-20")])
        #expect(m.first?.outcome == .brokenAgreement)
        #expect(r.standing(of: 0, asOf: day("2026-03-12")).status == "current")
        let later = r.standing(of: 0, asOf: day("2026-03-20"))
        #expect(later.status == "broken" && later.brokenOn == day("2026-03-16"))
    }

    @Test func paymentsThatDifferInAFieldNotReadAreBothApplied() {
        // Three payments of 100,00 of one installment of 300,00, the same day and key, told apart
        // only by fields reconcile does not read (method, credit date): three payments, settled.
        // The first read again from another file, with its members in another order and one
        // more member (a later troca's parse) is still the first: a duplicate.
        let lines = [
            #"{"record":"payment","nosso_numero":"F1","paid_cents":10000,"payment_date":"2026-03-09","method":"pix"}"#,
            #"{"record":"payment","nosso_numero":"F1","paid_cents":10000,"payment_date":"2026-03-09","method":"dinheiro"}"#,
            #"{"record":"payment","nosso_numero":"F1","paid_cents":10000,"payment_date":"2026-03-09","method":"pix","credit_date":"2026-03-10"}"#,
            #"{"method":"pix","paid_cents":10000,"record":"payment","convenio":"123456","nosso_numero":"F1","payment_date":"2026-03-09","source":{"file":"b","line":9}}"#,
        ]
        let payments = lines.enumerated().compactMap { k, json in try? Payment(tape(json), file: "a", line: k + 1) }
        try? #require(payments.count == 4)
        #expect(payments[0].distinctionHash == payments[3].distinctionHash, "member order, source and other members do not count")
        #expect(Set(payments.prefix(3).map(\.distinctionHash)).count == 3)
        var r = Reconciler(agreements: [agreement("F", [("2026-03-10", 30_000, "F1")])])
        let m = r.reconcile(payments)
        #expect(m.filter { $0.outcome == .duplicate }.count == 1, "\(m.map(\.outcome))")
        #expect(r.standing(of: 0, asOf: day("2026-03-20")).status == "settled")
    }

    @Test func aCreditPastIntsRangeIsSaidNotSilentlyHeld() {
        // 9,300 payments of about R$ 10 trilhões (each under `Cents.maximum`) to an installment
        // of 1,00 of an agreement still open (a second installment due in 2027): all but 1,00
        // is credit, 9.3·10¹⁸ centavos in all, past Int.max (9.22·10¹⁸). The credit is held at
        // Int.max and the match that passes it says so, once.
        var r = Reconciler(agreements: [agreement("C", [("2026-03-10", 100, "C1"), ("2027-03-10", 100, "C2")])])
        let payments = (0..<9_300).map { k in pay("C1", 1_000_000_000_000_000 - k, "2026-03-01", line: k + 1) }
        let m = r.reconcile(payments)
        let flagged = m.filter(\.creditOverflow)
        #expect(flagged.count == 1, "said once: \(flagged.count)")
        #expect(m.prefix(9_000).allSatisfy { !$0.creditOverflow })
        #expect(r.standing(of: 0, asOf: day("2026-03-20")).creditCents == Int.max)
    }

    @Test func aNossoNumeroMatchesHoweverWideItsField() {
        // The installment says 12345; a Bradesco retorno carries it in 11 positions, 00000012345.
        // Zeros are dropped only from an all-digit number: "00A1" and "A1" stay different.
        var r = Reconciler(agreements: [agreement("A", [("2026-10-10", 10_000, "12345"), ("2026-11-10", 10_000, "00A1")])])
        let m = r.reconcile([pay("00000012345", 10_000, "2026-10-10"), pay("A1", 10_000, "2026-11-10", line: 2)])
        #expect(m.map(\.outcome) == [.exact, .unmatched])
        #expect(m.first?.rule == .nossoNumero)
        #expect(Reconciler.nossoNumeroKey("000") == "0" && Reconciler.nossoNumeroKey("0012X") == "0012X")
    }

    @Test func theSamePaymentTwiceIsCountedOnce() {
        // One 100,00 installment; the same retorno line read twice: one exact, one duplicate.
        var r = Reconciler(agreements: [agreement("A", [("2026-10-10", 10_000, "P1")])])
        let p = pay("P1", 10_000, "2026-10-10", line: 7)
        let m = r.reconcile([p, p])
        #expect(m.map(\.outcome) == [.exact, .duplicate])
        #expect(m[1].duplicateOf?.sourceLine == 7)
        #expect(r.standing(of: 0, asOf: day("2026-11-01")).paidCents == 10_000)
    }

    @Test func entradaUnpaidBreaksTheAgreement() {
        // Entrada 50,00 due 10/09 with 5 days: unpaid, the agreement is broken from 16/09.
        // A payment of installment 1 on 20/09 goes to a broken agreement and is not applied.
        let a = agreement(
            "B", [("2026-10-10", 10_000, "I1")], entrada: ("2026-09-10", 5_000, "E0"),
            breakRule: BreakRule(overdueDays: 30, downPaymentDays: 5))
        var r = Reconciler(agreements: [a])
        let m = r.reconcile([pay("I1", 10_000, "2026-09-20")])[0]
        #expect(m.outcome == .brokenAgreement && m.appliedCents == 0)
        let s = r.standing(of: 0, asOf: day("2026-10-01"))
        #expect(s.status == "broken" && s.brokenRule == "down_payment_days" && s.brokenInstallment == 0 && s.brokenOn == day("2026-09-16"))
        #expect(s.openCents == 15_000 && s.overdueCents == 5_000 && s.nextDue?.number == 0)
    }

    @Test func paidOnTheLastDayOfTheLimitDoesNotBreak() {
        // Installment due 10/10 with 30 days: its limit is 09/11; paid on 09/11 → applied, current.
        let a = agreement("C", [("2026-10-10", 10_000, "I1"), ("2026-12-10", 10_000, "I2")], breakRule: BreakRule(overdueDays: 30))
        var r = Reconciler(agreements: [a])
        #expect(r.reconcile([pay("I1", 10_000, "2026-11-09")])[0].outcome == .late)
        #expect(r.standing(of: 0, asOf: day("2026-11-23")).status == "current")
        // Not paid at all: broken from 10/11.
        let untouched = Reconciler(agreements: [a])
        #expect(untouched.standing(of: 0, asOf: day("2026-11-10")).status == "broken")
        #expect(untouched.standing(of: 0, asOf: day("2026-11-09")).status == "current")
    }

    @Test func cancelledAndSettledAgreementsTakeNoPayment() {
        var r = Reconciler(agreements: [
            agreement("X", [("2026-10-10", 1_000, "X1")], status: "cancelled"), agreement("Y", [("2026-10-10", 1_000, "Y1")]),
        ])
        let m = r.reconcile([pay("X1", 1_000, "2026-10-01"), pay("Y1", 1_000, "2026-10-02"), pay("Y1", 500, "2026-10-03")])
        #expect(m.map(\.outcome) == [.cancelledAgreement, .exact, .settledAgreement])
    }

    @Test func partyAmountDateWithinToleranceAndWindow() {
        // Two open installments of 150,00 (due 20/11 and 20/12) and one of 80,00; a payment of
        // 149,90 on 18/11 with tolerance 0,20 and window 10 days: the 20/11 one (2 days away).
        // 150,00 on 01/10 (50 days before any due date) matches nothing.
        let a = agreement("T", [("2026-11-20", 15_000, nil), ("2026-12-20", 15_000, nil), ("2027-01-20", 8_000, nil)])
        var r = Reconciler(agreements: [a], options: MatchOptions(toleranceCents: 20, windowDays: 10))
        let m = r.reconcile([pay(nil, 14_990, "2026-11-18", party: "11144477735"), pay(nil, 15_000, "2026-10-01", party: "11144477735")])
        #expect(m[0].outcome == .unmatched)
        // Found within the tolerance, the 0,10 short is closed with it (written off), so the
        // installment is paid and the agreement cannot break over it later.
        #expect(m[1].rule == .partyAmountDate && m[1].installment == 1 && m[1].balanceCents == 0 && m[1].writtenOffCents == 10)
        #expect(m[1].outcome == .exact)
        let s = r.standing(of: 0, asOf: day("2026-12-01"))
        #expect(s.status == "current" && s.openCents == 23_000 && s.paidCents == 14_990)
    }

    @Test func nossoNumeroWinsOverDocumentNumber() {
        // The payment's nosso número is installment 2's and its document number installment 1's.
        var list = agreement("D", [("2026-10-10", 1_000, "N1"), ("2026-11-10", 1_000, "N2")])
        list.installments[0].documentNumber = "D/1"
        var r = Reconciler(agreements: [list])
        let p = Payment(nossoNumero: "N2", documentNumber: "D/1", paidCents: 1_000, date: day("2026-10-01"))
        let m = r.reconcile([p])[0]
        #expect(m.rule == .nossoNumero && m.installment == 2)
    }

    @Test func conflictsAreNamed() {
        let a = agreement("A", [("2026-10-10", 1_000, "K")])
        let b = agreement("B", [("2026-10-10", 1_000, "K")])
        let c = agreement("C", [("2026-10-10", 1_000, "Z")])
        let conflicts = Reconciler.conflicts([a, b, c, c])
        #expect(conflicts["A"]?.code == "agreement.key-conflict" && conflicts["B"]?.code == "agreement.key-conflict")
        #expect(conflicts["C"]?.code == "agreement.duplicate")
    }

    /// An agreement whose keys clash more than once is told the first clash found (agreements
    /// by id, installments in order), the same one every run: the clashes were said in the
    /// order of a dictionary, which differs between runs.
    @Test func anAgreementClashingTwiceIsToldItsFirstClashEveryRun() {
        let keys = (1...8).map { "K\($0)" }
        let a = agreement("A", keys.map { ("2026-10-10", 1_000, $0) })
        let others = keys.map { agreement("B" + $0, [("2026-10-10", 1_000, $0)]) }
        for _ in 0..<20 {
            let conflicts = Reconciler.conflicts([a] + others)
            #expect(conflicts["A"]?.message == "nosso número \"K1\" belongs to installments of agreements A, BK1: none of them is taken")
            #expect(conflicts["BK5"]?.message == "nosso número \"K5\" belongs to installments of agreements A, BK5: none of them is taken")
        }
    }
}

extension Array {
    /// A Fisher–Yates shuffle driven by the seeded generator.
    func shuffled(using rng: inout SplitMix64) -> [Element] {
        var out = self
        for i in stride(from: out.count - 1, to: 0, by: -1) { out.swapAt(i, rng.below(i + 1)) }
        return out
    }
}

/// Same inputs in any order, or twice, give the same result (seeded random agreements and payments).
@Suite struct OrderIndependenceTests {
    static func scenario(_ rng: inout SplitMix64) -> ([Agreement], [Payment]) {
        var agreements: [Agreement] = []
        var payments: [Payment] = []
        let parties = ["11144477735", "12345678909", "52998224725"]
        for k in 0..<40 {
            var parts: [(String, Int, String?)] = []
            var due = day("2026-01-05").daysSinceEpoch + rng.below(60)
            for n in 0..<(1 + rng.below(5)) {
                parts.append((CivilDate(daysSinceEpoch: due).description, 1_000 * (1 + rng.below(20)), rng.chance(70) ? "N\(k)-\(n)" : nil))
                due += 28 + rng.below(5)
            }
            let a = agreement(
                "A\(k)", party: rng.pick(parties), created: "2026-01-01", parts,
                breakRule: BreakRule(overdueDays: rng.chance(70) ? rng.below(40) : nil), status: rng.chance(10) ? "cancelled" : "active")
            agreements.append(a)
            for inst in a.installments where rng.chance(80) {
                let date = CivilDate(daysSinceEpoch: inst.dueDate.daysSinceEpoch - 5 + rng.below(60))
                let cents = rng.chance(60) ? inst.amountCents : inst.amountCents + rng.below(2_001) - 1_000
                let p = Payment(
                    kind: rng.chance(50) ? "event" : "payment", nossoNumero: inst.nossoNumero, partyDocument: a.partyDocument,
                    paidCents: max(1, cents), date: date, sourceFile: "in", sourceLine: payments.count + 1)
                payments.append(p)
                if rng.chance(15) {
                    var again = p
                    again.sourceLine = 100_000 + payments.count
                    payments.append(again)
                }
            }
        }
        for _ in 0..<20 {
            payments.append(
                Payment(
                    partyDocument: rng.pick(parties), paidCents: 1_000 * (1 + rng.below(20)),
                    date: CivilDate(daysSinceEpoch: day("2026-01-01").daysSinceEpoch + rng.below(200)), sourceFile: "in",
                    sourceLine: 200_000 + payments.count))
        }
        return (agreements, payments)
    }

    /// A match without where its payment was read (which copy of a duplicate comes first is the only thing shuffling may change).
    static func comparable(_ matches: [Match], _ r: Reconciler) -> [String] {
        matches.map { m in
            let a =
                m.agreement.map { r.agreements[$0].id }
                ?? m.rejectedAgreement.map { "rejected \(r.rejectedAgreements[$0].id ?? "?") \(r.rejectedAgreements[$0].partyDocument ?? "?")" }
                ?? "-"
            return "\(m.outcome.rawValue) \(m.rule?.rawValue ?? "-") \(a) \(m.installment ?? -1) \(m.payment.paidCents) \(m.payment.date) "
                + "\(m.appliedCents) \(m.balanceCents) \(m.creditCents) \(m.daysLate)"
        }
    }

    static func standings(_ r: Reconciler, _ asOf: CivilDate) -> [AgreementStanding] {
        r.agreements.indices.map { r.standing(of: $0, asOf: asOf) }
    }

    @Test func shuffledInputsGiveTheSameOutput() {
        var rng = SplitMix64(seed: 6)
        let asOf = day("2026-09-30")
        for round in 0..<10 {
            let (agreements, payments) = Self.scenario(&rng)
            var base = Reconciler(agreements: agreements, options: MatchOptions(toleranceCents: 50, windowDays: 10))
            let expected = Self.comparable(base.reconcile(payments), base)
            #expect(Set(expected.map { $0.split(separator: " ")[0] }).count >= 4, "round \(round) exercises several outcomes")
            for _ in 0..<5 {
                var shuffledRng = rng
                var r = Reconciler(agreements: agreements.shuffled(using: &shuffledRng), options: MatchOptions(toleranceCents: 50, windowDays: 10))
                let got = Self.comparable(r.reconcile(payments.shuffled(using: &shuffledRng)), r)
                #expect(got == expected)
                #expect(Self.standings(r, asOf) == Self.standings(base, asOf))
                _ = rng.next()
            }
        }
    }

    /// The scenario, plus agreements rejected every way (keys clashing between two of them, an
    /// id given twice, refused when read: some without an id or party document, some sharing a
    /// key with each other or with a taken agreement) and payments of their keys, some of them
    /// by a payer with taken agreements whose open balances rule 3 could find.
    static func rejectedScenario(_ rng: inout SplitMix64) -> ([Agreement], [RejectedAgreement], [Payment]) {
        var (agreements, payments) = scenario(&rng)
        let taken = agreements.flatMap { $0.installments.compactMap(\.nossoNumero) }
        var refused: [RejectedAgreement] = []
        var keys: [String] = []
        for k in 0..<8 {
            let party = rng.pick(["11144477735", "12345678909", "52998224725"])
            agreements.append(agreement("C\(k)", party: party, created: "2026-01-01", [("2026-02-01", 1_000, "CK\(k)")]))
            agreements.append(agreement("C\(k)b", party: party, created: "2026-01-01", [("2026-02-01", 1_000, "CK\(k)")]))
            agreements.append(agreement("D\(k)", created: "2026-01-01", [("2026-02-01", 1_000, "DA\(k)")]))
            agreements.append(agreement("D\(k)", party: party, created: "2026-01-01", [("2026-02-01", 1_000, "DB\(k)")]))
            refused.append(
                RejectedAgreement(
                    id: rng.chance(70) ? "F\(k % 5)" : nil, partyDocument: rng.chance(50) ? party : nil,
                    nossoNumeros: ["00FK\(k % 6)", rng.pick(taken), "FX\(k)"], documentNumbers: ["FD/\(k % 3)"]))
            keys += ["CK\(k)", "DA\(k)", "DB\(k)", "00FK\(k % 6)", "FX\(k)"]
        }
        for (n, key) in keys.enumerated() {
            payments.append(
                Payment(
                    nossoNumero: n % 4 == 3 ? nil : key, documentNumber: n % 4 == 3 ? "FD/\(n % 5)" : nil,
                    partyDocument: rng.pick(["11144477735", "12345678909"]), paidCents: 1_000 * (1 + rng.below(20)),
                    date: CivilDate(daysSinceEpoch: day("2026-01-01").daysSinceEpoch + rng.below(200)), sourceFile: "in",
                    sourceLine: 300_000 + n))
        }
        return (agreements, refused, payments)
    }

    @Test func shuffledInputsWithRejectedAgreementsGiveTheSameOutput() {
        var rng = SplitMix64(seed: 8)
        let asOf = day("2026-09-30")
        let options = MatchOptions(toleranceCents: 50, windowDays: 10)
        for round in 0..<5 {
            let (agreements, refused, payments) = Self.rejectedScenario(&rng)
            var base = Reconciler(agreements: agreements, refused: refused, options: options)
            let expected = Self.comparable(base.reconcile(payments), base)
            let rejected = expected.filter { $0.hasPrefix("rejected_agreement") }
            #expect(rejected.count >= 20, "round \(round) has payments of rejected agreements")
            #expect(rejected.contains { $0.contains(" rejected ? ") }, "round \(round) has one without an id")
            #expect(expected.contains { $0.hasPrefix("unmatched") } && expected.contains { $0.hasPrefix("exact") })
            for _ in 0..<5 {
                var shuffledRng = rng
                var r = Reconciler(
                    agreements: agreements.shuffled(using: &shuffledRng), refused: refused.shuffled(using: &shuffledRng), options: options)
                #expect(Self.comparable(r.reconcile(payments.shuffled(using: &shuffledRng)), r) == expected)
                #expect(r.rejectedAgreements == base.rejectedAgreements)
                #expect(Self.standings(r, asOf) == Self.standings(base, asOf))
                _ = rng.next()
            }
        }
    }

    @Test func reconcilingTheSamePaymentsAgainChangesNothing() {
        var rng = SplitMix64(seed: 7)
        let (agreements, payments) = Self.scenario(&rng)
        var once = Reconciler(agreements: agreements)
        let first = once.reconcile(payments)
        var twice = Reconciler(agreements: agreements)
        let both = twice.reconcile(payments + payments)
        let asOf = day("2026-12-31")
        #expect(Self.standings(twice, asOf) == Self.standings(once, asOf))
        #expect(both.count == 2 * first.count)
        #expect(both.filter { $0.outcome == .duplicate }.count == first.filter { $0.outcome == .duplicate }.count + first.count)
    }
}

/// Reading agreement and payment records.
@Suite struct ReconcileInputTests {
    static let good = #"{"record":"agreement","id":"A","party_document":"11144477735","created_on":"2026-09-01","total_cents":300,"down_payment":{"due_date":"2026-09-05","amount_cents":100},"installments":[{"number":1,"due_date":"2026-10-10","amount_cents":100,"nosso_numero":"N1"},{"number":2,"due_date":"2026-11-10","amount_cents":100,"document_number":"A/2"}],"break_rule":{"overdue_days":30,"down_payment_days":3},"origin_titles":["T1","T2"]}"#

    @Test func anAgreement() throws {
        let a = try Agreement(tape(Self.good))
        #expect(a.installments.map(\.number) == [0, 1, 2])
        #expect(a.installments.map(\.amountCents) == [100, 100, 100])
        #expect(a.installments[1].nossoNumero == "N1" && a.installments[2].documentNumber == "A/2")
        #expect(a.breakRule == BreakRule(overdueDays: 30, downPaymentDays: 3))
        #expect(a.originTitles == ["T1", "T2"] && a.status == "active")
    }

    @Test(arguments: [
        (#""total_cents":300"#, #""total_cents":301"#, "agreement.total"),
        (#""amount_cents":100,"nosso_numero""#, #""amount_cents":-100,"nosso_numero""#, "agreement.amount"),
        (#""number":2"#, #""number":3"#, "agreement.number"),
        (#""due_date":"2026-11-10""#, #""due_date":"2026-10-01""#, "agreement.dates"),
        (#""due_date":"2026-09-05""#, #""due_date":"2026-08-05""#, "agreement.dates"),
        (#""id":"A","#, "", "agreement.field"),
        (#""overdue_days":30"#, #""overdue_days":"30""#, "agreement.field"),
        (#""due_date":"2026-10-10""#, #""due_date":"2026-10-32""#, "agreement.field"),
    ])
    func badAgreements(from: String, to: String, code: String) {
        let text = Self.good.replacingOccurrences(of: from, with: to)
        #expect(text != Self.good)
        do {
            _ = try Agreement(tape(text))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == code)
        }
    }

    @Test func paymentsAndWhatIsNotOne() throws {
        let event = try Payment(
            tape(#"{"record":"event","event":"paid","nosso_numero":"N1","paid_cents":100,"occurrence_date":"2026-10-09","credit_date":"2026-10-10","source":{"file":"RET.ret","line":4}}"#),
            file: "-", line: 1)
        #expect(event?.date == day("2026-10-09") && event?.sourceFile == "RET.ret" && event?.sourceLine == 4)
        #expect(try Payment(tape(#"{"record":"event","event":"registered","nosso_numero":"N1"}"#), file: "-", line: 1) == nil)
        #expect(try Payment(tape(#"{"record":"title","nosso_numero":"N1"}"#), file: "-", line: 1) == nil)
        let pix = try Payment(
            tape(#"{"record":"payment","payer":{"document":"11144477735"},"paid_cents":100,"payment_date":"2026-10-09","reference":"E1"}"#),
            file: "p.jsonl", line: 3)
        #expect(pix?.partyDocument == "11144477735" && pix?.reference == "E1" && pix?.sourceFile == "p.jsonl")
    }

    @Test(arguments: [
        (#"{"record":"payment","paid_cents":100,"payment_date":"2026-10-09"}"#, "reconcile.payment-key"),
        (#"{"record":"payment","nosso_numero":"N","payment_date":"2026-10-09"}"#, "reconcile.payment-amount"),
        (#"{"record":"payment","nosso_numero":"N","paid_cents":0,"payment_date":"2026-10-09"}"#, "reconcile.payment-amount"),
        (#"{"record":"event","event":"paid","nosso_numero":"N","paid_cents":10}"#, "reconcile.payment-date"),
        (#"{"record":"payment","nosso_numero":7,"paid_cents":10,"payment_date":"2026-10-09"}"#, "reconcile.payment-field"),
        (#"{"record":"payment","nosso_numero":"N","paid_cents":9223372036854775807,"payment_date":"2026-10-09"}"#, "reconcile.payment-field"),
    ])
    func badPayments(text: String, code: String) {
        do {
            _ = try Payment(tape(text), file: "-", line: 1)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == code)
            // A whole number past the reader's 18 digits is named as such.
            if text.contains("9223372036854775807") {
                #expect(error.message.contains("at most 18 digits"), "\(error.message)")
            }
        }
    }
}

/// A document number typed with its accents decomposed (NFD, as some systems write them) is the
/// same key as the composed one (NFC): the payment finds its installment, and two agreements
/// giving it in either form clash, as with `Dictionary`'s string keys.
@Suite struct ReconcilerKeyEquivalenceTests {
    static func withDocument(_ id: String, _ document: String) -> Agreement {
        Agreement(
            id: id, partyDocument: "11144477735", createdOn: day("2026-09-01"), totalCents: 10_000,
            installments: [Installment(number: 1, dueDate: day("2026-10-10"), amountCents: 10_000, documentNumber: document)])
    }

    /// A nosso número and a document number of the same text are two keys: A and B clash on
    /// the one, C and D on the other, and each is told its own clash.
    @Test func aNossoNumeroAndADocumentNumberOfOneTextClashApart() {
        let r = Reconciler(agreements: [
            agreement("A", [("2026-10-10", 1_000, "K1")]), agreement("B", [("2026-10-10", 1_000, "K1")]),
            Self.withDocument("C", "K1"), Self.withDocument("D", "K1"),
        ])
        #expect(r.rejected.keys.sorted() == ["A", "B", "C", "D"])
        for id in ["A", "B"] {
            #expect(r.rejected[id]?.message == #"nosso número "K1" belongs to installments of agreements A, B: none of them is taken"#)
        }
        for id in ["C", "D"] {
            #expect(r.rejected[id]?.message == #"document number "K1" belongs to installments of agreements C, D: none of them is taken"#)
        }
    }

    @Test func aDecomposedDocumentNumberFindsTheComposedOne() {
        var r = Reconciler(agreements: [Self.withDocument("A", "AÇÃO-1")])
        let p = Payment(
            kind: "payment", documentNumber: "AC\u{327}A\u{303}O-1", paidCents: 10_000, date: day("2026-10-10"), sourceFile: "p.jsonl",
            sourceLine: 1)
        let m = r.reconcile([p])
        #expect(m.map(\.outcome) == [.exact])
        #expect(m.first?.rule == .documentNumber)
    }

    @Test func composedAndDecomposedDocumentNumbersClash() {
        let r = Reconciler(agreements: [Self.withDocument("A", "AÇÃO-1"), Self.withDocument("B", "AC\u{327}A\u{303}O-1")])
        #expect(r.rejected.keys.sorted() == ["A", "B"])
    }
}

/// A rejected agreement's error names the value it is about, for the reject's column: the id
/// given twice, or the agreement's first installment carrying the clashing key (the entrada is
/// `down_payment`, installment n the nth of `installments`).
@Suite struct ReconcilerConflictPlaceTests {
    @Test func eachRejectedAgreementIsToldWhereItsKeyIs() {
        let r = Reconciler(agreements: [
            agreement("A", [("2026-10-10", 1_000, "N1"), ("2026-11-10", 1_000, "K7")], entrada: ("2026-09-10", 500, "E0")),
            agreement("B", [("2026-10-10", 1_000, "K7")]),
            agreement("C", [("2026-10-10", 1_000, "X1")], entrada: ("2026-09-10", 500, "E0")),
            agreement("D", [("2026-10-10", 1_000, "S1"), ("2026-11-10", 1_000, "S2"), ("2026-12-10", 1_000, "S1")]),
            agreement("T", [("2026-10-10", 1_000, "T1")]), agreement("T", [("2026-10-10", 1_000, "T2")]),
        ])
        #expect(r.rejected.keys.sorted() == ["A", "B", "C", "D", "T"])
        // A's first clash found (agreements are indexed in id order) is K7, with B: it is told
        // that one, not the later one of its entrada with C's.
        #expect(r.rejected["A"]?.path == "installments[1].nosso_numero")
        #expect(r.rejected["C"]?.path == "down_payment.nosso_numero")
        #expect(r.rejected["B"]?.path == "installments[0].nosso_numero")
        #expect(r.rejected["D"]?.path == "installments[0].nosso_numero")
        #expect(r.rejected["T"]?.path == "id")
        #expect(r.rejected["T"]?.code == "agreement.duplicate")
    }

    @Test func aDocumentNumberClashIsAtTheDocumentNumber() {
        let docs = ["Q1", "Q2"].map { id in
            Agreement(
                id: id, partyDocument: "11144477735", createdOn: day("2026-09-01"), totalCents: 2_000,
                installments: [
                    Installment(number: 1, dueDate: day("2026-10-10"), amountCents: 1_000, documentNumber: "\(id)-1"),
                    Installment(number: 2, dueDate: day("2026-11-10"), amountCents: 1_000, documentNumber: "SAME"),
                ])
        }
        let r = Reconciler(agreements: docs)
        #expect(r.rejected["Q1"]?.path == "installments[1].document_number")
        #expect(r.rejected["Q2"]?.path == "installments[1].document_number")
    }
}

/// Money past Int's range is refused or held, never trapped on (a trap would end the run with
/// no diagnostic and no output).
@Suite struct ReconcilerOverflowTests {
    /// Credit is unbounded (any number of payments may overpay a current agreement): past Int's
    /// range it is held at Int.max. 9,224 payments of the most a payment may be (R$ 10 trilhões)
    /// go to the first installment, long paid, while the second keeps the agreement current.
    @Test func creditPastIntsRangeIsHeld() {
        var r = Reconciler(agreements: [agreement("A", [("2026-10-10", 10_000, "P1"), ("2030-10-10", 10_000, "P2")])])
        let count = Int.max / Cents.maximum + 1
        // Each payment on its own day (else they would be one payment seen many times).
        let payments = (0..<count).map { k in
            Payment(kind: "payment", nossoNumero: "P1", paidCents: Cents.maximum, date: CivilDate(daysSinceEpoch: 20_000 + k), sourceLine: k + 1)
        }
        let m = r.reconcile(payments)
        #expect(m.count == count && m.allSatisfy { $0.outcome == .overpaid || $0.outcome == .late })
        let s = r.standing(of: 0, asOf: day("2026-11-23"))
        #expect(s.creditCents == Int.max && s.status == "current")
    }
}
