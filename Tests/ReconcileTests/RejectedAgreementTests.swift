import Records
import Testing

@testable import Reconcile

/// Payments whose key belongs to a rejected agreement: told from payments nobody knows
/// (`rejected_agreement`, not `unmatched`), never applied, never shadowing a taken agreement.
@Suite struct RejectedAgreementTests {
    /// The rejected agreement a match names, as "id party" ("-" for what is not known).
    static func named(_ m: Match, _ r: Reconciler) -> String {
        guard let k = m.rejectedAgreement else { return "none" }
        return "\(r.rejectedAgreements[k].id ?? "-") \(r.rejectedAgreements[k].partyDocument ?? "-")"
    }

    @Test func aPaymentOfAnAgreementLeftOutForAKeyConflictIsNotUnmatched() {
        // OK-1 and CLASH both give nosso número K1: both are left out. A payment of K1 names the
        // first of them by id (CLASH); T1 is a taken agreement's; X9 is nobody's.
        let ok = agreement("OK-1", [("2026-10-10", 10_000, "K1")])
        let clash = agreement("CLASH", party: "52998224725", [("2026-10-10", 100, "K1"), ("2026-11-10", 100, "0042")])
        let taken = agreement("T", [("2026-10-10", 5_000, "T1")])
        var r = Reconciler(agreements: [ok, clash, taken])
        #expect(r.rejected.keys.sorted() == ["CLASH", "OK-1"])
        let m = r.reconcile([
            pay("K1", 10_000, "2026-10-09"), pay("T1", 5_000, "2026-10-10"), pay("X9", 10_000, "2026-10-11"),
            // All-digit: matched without leading zeros, as an installment's would be.
            pay("42", 100, "2026-10-12"),
        ])
        #expect(m.map(\.outcome) == [.rejectedAgreement, .exact, .unmatched, .rejectedAgreement])
        #expect(m[0].rule == .nossoNumero && m[0].agreement == nil && Self.named(m[0], r) == "CLASH 52998224725")
        #expect(m[0].appliedCents == 0 && m[0].balanceCents == 0 && m[0].creditCents == 0 && m[0].installment == nil)
        #expect(m[1].agreement == 0 && m[1].rejectedAgreement == nil)
        #expect(m[2].rule == nil && m[2].rejectedAgreement == nil)
        #expect(Self.named(m[3], r) == "CLASH 52998224725")
        #expect(Outcome.rejectedAgreement.isException && Outcome.all.last == .rejectedAgreement)
    }

    @Test func everyCopyOfARepeatedIdKeepsItsKeys() {
        let a = agreement("TWICE", [("2026-10-10", 100, "W1")])
        var b = agreement("TWICE", [("2026-10-10", 100, "W2")])
        b.installments[0].documentNumber = "TW/1"
        var r = Reconciler(agreements: [a, b])
        let m = r.reconcile([
            pay("W2", 100, "2026-10-01"), pay("W1", 100, "2026-10-02"),
            Payment(documentNumber: "TW/1", paidCents: 100, date: day("2026-10-03")),
        ])
        #expect(m.map(\.outcome) == [.rejectedAgreement, .rejectedAgreement, .rejectedAgreement])
        #expect(m.map { $0.rule?.rawValue ?? "-" } == ["nosso_numero", "nosso_numero", "document_number"])
        #expect(m.map { Self.named($0, r) } == Array(repeating: "TWICE 11144477735", count: 3))
    }

    @Test func theKeysOfARecordRefusedWhenReadAreTakenBestEffort() {
        // No id, a party document of the wrong kind, installments that do not add up: refused.
        // Its entrada's document number and the string keys of its installments are kept; a
        // key of the wrong kind, an empty one and an installment that is not an object are not.
        let text = #"{"record":"agreement","party_document":11144477735,"created_on":"2026-09-01","total_cents":1,"down_payment":{"due_date":"2026-09-05","amount_cents":100,"document_number":"E/0"},"installments":[{"number":1,"nosso_numero":"N1","document_number":""},{"number":2,"nosso_numero":7,"document_number":"D/2"},"three",{"nosso_numero":"N4"}]}"#
        let t = tape(text)
        #expect(throws: ReconcileError.self) { _ = try Agreement(t) }
        let refused = RejectedAgreement(t)
        #expect(refused == RejectedAgreement(id: nil, partyDocument: nil, nossoNumeros: ["N1", "N4"], documentNumbers: ["E/0", "D/2"]))
        let named = RejectedAgreement(
            tape(#"{"record":"agreement","id":"SUM","party_document":"11144477735","installments":{"nosso_numero":"N"}}"#))
        #expect(named == RejectedAgreement(id: "SUM", partyDocument: "11144477735") && !named.hasKeys)
        #expect(!RejectedAgreement(tape("[1,2]")).hasKeys)

        var r = Reconciler(agreements: [agreement("A", [("2026-10-10", 100, "A1")])], refused: [refused, named])
        #expect(r.rejectedAgreements == [refused], "one without keys is not kept")
        let m = r.reconcile([
            pay("N4", 100, "2026-10-01"), Payment(documentNumber: "E/0", paidCents: 100, date: day("2026-10-02")),
            pay("A1", 100, "2026-10-03"),
        ])
        #expect(m.map(\.outcome) == [.rejectedAgreement, .rejectedAgreement, .exact])
        #expect(m.map { Self.named($0, r) } == ["- -", "- -", "none"])
    }

    @Test func aTakenAgreementsKeyAlwaysWins() {
        // Taken A: nosso número S, document number A/1. Refused F: nosso números S and F2,
        // document number F/1.
        var a = agreement("A", [("2026-10-10", 100, "S"), ("2026-11-10", 100, nil)])
        a.installments[1].documentNumber = "A/2"
        let f = RejectedAgreement(id: "F", nossoNumeros: ["S", "F2"], documentNumbers: ["F/1"])
        var r = Reconciler(agreements: [a], refused: [f])
        let m = r.reconcile([
            pay("S", 100, "2026-10-01"),
            // F's nosso número, A's document number: A's key wins.
            Payment(nossoNumero: "F2", documentNumber: "A/2", paidCents: 100, date: day("2026-10-02")),
            // An unknown nosso número, F's document number: F's.
            Payment(nossoNumero: "Q", documentNumber: "F/1", paidCents: 100, date: day("2026-10-03")),
        ])
        #expect(m.map(\.outcome) == [.exact, .exact, .rejectedAgreement])
        #expect(m.map { $0.rule?.rawValue ?? "-" } == ["nosso_numero", "document_number", "document_number"])
        #expect(m[0].agreement == 0 && m[1].installment == 2 && Self.named(m[2], r) == "F -")
        #expect(r.standing(of: 0, asOf: day("2026-11-23")).status == "settled")
    }

    @Test func aRejectedAgreementsPaymentIsNotPlacedByAmountAndDate() {
        // The debtor's other agreement A has an open 100,00 due 10/10: by rule 3 the payment
        // would go to it. Its nosso número is the refused F's, so it goes nowhere.
        let a = agreement("A", [("2026-10-10", 10_000, nil)])
        let p = pay("F1", 10_000, "2026-10-10", party: "11144477735")
        var without = Reconciler(agreements: [a])
        #expect(without.reconcile([p])[0].rule == .partyAmountDate)
        var r = Reconciler(agreements: [a], refused: [RejectedAgreement(id: "F", partyDocument: "11144477735", nossoNumeros: ["F1"])])
        let m = r.reconcile([p])[0]
        #expect(m.outcome == .rejectedAgreement && m.rule == .nossoNumero && m.agreement == nil)
        #expect(r.standing(of: 0, asOf: day("2026-10-01")).openCents == 10_000)
    }

    @Test func withoutRejectedKeysNothingIsKept() {
        // The common case (the benchmark's): no index of rejected keys, so the lookup of a
        // payment no key finds makes one test more, and no lookup.
        let a = agreement("A", [("2026-10-10", 100, "A1")])
        let r = Reconciler(agreements: [a], refused: [RejectedAgreement(id: "X", partyDocument: "11144477735")])
        #expect(r.rejectedKeys == nil && r.rejectedAgreements.isEmpty)
        let clash = Reconciler(agreements: [a, agreement("B", [("2026-10-10", 100, "A1")])])
        #expect(clash.rejectedKeys != nil && clash.rejectedAgreements.map(\.id) == ["A", "B"])
    }
}
