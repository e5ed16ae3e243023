import Records
import Testing

@testable import Reconcile

/// `Applied` (a result naming its payments by index, what `troca reconcile` queues) against
/// `Match` (the same result with the payments copied in), and the codes outcomes and rules are
/// compared and counted by.
@Suite struct AppliedTests {
    /// Payments meeting every path of `apply`: exact, partial, late with a holiday deadline,
    /// duplicate, rule 2, rule 3 within the tolerance, a rejected agreement's key, unmatched,
    /// broken and settled agreements.
    static func scenario() -> (Reconciler, [Payment]) {
        var docA = agreement("A", [("2026-10-10", 10_000, "N1"), ("2026-11-10", 10_000, "N2")])
        docA.installments[1].documentNumber = "DOC-A/2"
        let broken = agreement("B", party: "52998224725", [("2026-08-01", 5_000, "B1"), ("2026-09-01", 5_000, "B2")], breakRule: BreakRule(overdueDays: 30))
        let party = agreement("C", party: "39053344705", [("2026-10-15", 7_777, nil)])
        let settled = agreement("D", [("2026-10-01", 1_000, "D1")])
        // Two agreements claiming one nosso número: both rejected, their payments told so.
        let clashing = [agreement("E", [("2026-10-01", 1_000, "SAME")]), agreement("F", [("2026-10-01", 1_000, "SAME")])]
        let rules = DebtRules(fine: pct("2"), interest: pct("1"))
        let r = Reconciler(agreements: [docA, broken, party, settled] + clashing, options: MatchOptions(toleranceCents: 10, rules: rules))
        var byDocument = Payment(kind: "payment", documentNumber: "DOC-A/2", paidCents: 10_000, date: day("2026-11-09"), sourceFile: "p.csv", sourceLine: 4)
        byDocument.reference = "R-1"
        let payments = [
            pay("N1", 4_000, "2026-10-05", line: 1),
            pay("N1", 4_000, "2026-10-05", line: 2),  // the same payment again: a duplicate
            pay("00N1", 6_000, "2026-10-14", line: 3),  // no match: "00N1" is not all digits
            pay("N1", 6_500, "2026-10-14", line: 5),  // after 12/10 (a holiday): late
            byDocument,
            pay(nil, 7_770, "2026-10-20", party: "39053344705", line: 6),  // rule 3, 7 cents off
            pay("B2", 5_000, "2026-11-20", line: 7),  // B broke on 01/10
            pay("D1", 1_000, "2026-10-01", line: 8),
            pay("D1", 900, "2026-10-02", line: 9),  // D is settled
            pay("SAME", 1_000, "2026-10-01", line: 10),
            pay("ZZ", 1, "2026-10-01", line: 11),
        ]
        return (r, payments)
    }

    @Test func appliedResultsAreTheMatches() {
        var (byMatch, payments) = Self.scenario()
        var byApplied = byMatch
        let matches = byMatch.reconcile(payments)
        var applied: [Applied] = []
        byApplied.reconcile(payments, inOrder: Reconciler.canonicalOrder(payments)) { applied.append($0) }
        let rebuilt = payments.withUnsafeBufferPointer { all in applied.map { Match($0, in: all) } }
        #expect(rebuilt == matches)
        // Every path was taken, so the comparison above compared something.
        let seen = Set(matches.map(\.outcome))
        for o in [Outcome.exact, .partial, .late, .duplicate, .unmatched, .brokenAgreement, .settledAgreement, .rejectedAgreement] {
            #expect(seen.contains(o), "\(o.rawValue) not reached")
        }
        #expect(Set(matches.compactMap(\.rule)) == Set(MatchRule.all))
        #expect(matches.contains { $0.writtenOffCents == 7 })
        // The duplicate names the payment it repeats by index, and the match carries that payment.
        let dup = applied.first { $0.outcome == .duplicate }!
        #expect(payments[dup.duplicateOf!].sourceLine == 1 && payments[dup.payment].sourceLine == 2)
        for k in 0..<4 {
            #expect(byApplied.standing(of: k, asOf: day("2026-11-23")) == byMatch.standing(of: k, asOf: day("2026-11-23")))
        }
    }

    /// Prepared on several threads, each a part of the order, or on one: the same results.
    /// (The scenario repeated, so that the parts end anywhere in it.)
    @Test(arguments: [1, 2, 3, 7])
    func preparedOnThreadsGivesTheSameResults(threads: Int) {
        let (start, base) = Self.scenario()
        var payments: [Payment] = []
        for k in 0..<5 { payments += base.map { var p = $0; p.sourceLine += 100 * k; return p } }
        let order = Reconciler.canonicalOrder(payments)
        func results(_ prepared: [Reconciler.Prepared]) -> [Match] {
            var r = start
            var out: [Match] = []
            payments.withUnsafeBufferPointer { all in r.reconcile(payments, prepared: prepared) { out.append(Match($0, in: all)) } }
            return out
        }
        let one = results(start.prepare(payments, inOrder: order, threads: 1))
        let many = results(start.prepare(payments, inOrder: order, threads: threads, minimumPart: 1))
        #expect(many == one && one.count == payments.count)
        #expect(one.filter { $0.outcome == .duplicate }.count > 4)
    }

    /// `prepare` finds each payment's installment as a dictionary of each key would: its nosso
    /// número (without leading zeros) first, then its document number; payments' keys of every
    /// kind (digits, text, longer than a slot, not ASCII). The agreements' indexes built in the
    /// table's order (mode 0); with installments sharing keys (1: the clashes found key by key,
    /// their agreements rejected, the rest indexed in the table's order); or key by key because a
    /// key is not one a slot holds (2).
    @Test(arguments: [0, 1, 2]) func preparedKeysAreTheDictionaries(mode: Int) {
        let clash = mode == 1
        var rng = SplitMix64(seed: 4 + UInt64(mode))
        let texts = ["0", "7", "00123", "123", "N-1", "X", "AÇÃO-9", "A-VERY-LONG-NOSSO-NUMERO-1"]
        func key(_ k: Int) -> String { k < texts.count ? texts[k] : "\(k % 3 == 0 ? "000" : "")\(k)" }
        var agreements: [Agreement] = []
        var used = Set<String>()
        for a in 0..<300 {
            var parts: [(String, Int, String?)] = []
            for _ in 0..<(1 + rng.below(4)) {
                // Not the last two texts unless mode 2: they send the indexes key by key.
                var n = key(rng.below(2_000))
                while mode != 2 && texts.suffix(2).contains(n) { n = key(rng.below(2_000)) }
                let fresh = used.insert(Reconciler.nossoNumeroKey(n)).inserted
                parts.append(("2026-10-10", 100, fresh || clash ? n : nil))
            }
            var made = agreement("A\(a)", parts)
            for i in made.installments.indices where rng.below(2) == 0 { made.installments[i].documentNumber = "D\(a)/\(i)" }
            agreements.append(made)
        }
        if mode == 2 { agreements[7].installments[0].documentNumber = "D7/0-Ç" }
        let r = Reconciler(agreements: agreements)
        #expect(r.rejected.isEmpty != clash)
        #expect((Reconciler.unclashedIndexes(r.agreements, count: 0) != nil) == (mode != 2))
        var nosso: [String: (Int, Int)] = [:]
        var doc: [String: (Int, Int)] = [:]
        for (a, made) in r.agreements.enumerated() {
            for (i, inst) in made.installments.enumerated() {
                if let n = inst.nossoNumero { nosso[Reconciler.nossoNumeroKey(n)] = (a, i) }
                if let d = inst.documentNumber { doc[d] = (a, i) }
            }
        }
        let payments = (0..<3_000).map { k in
            var p = pay(rng.below(4) == 0 ? nil : key(rng.below(2_500)), 100, "2026-10-10", line: k)
            if rng.below(2) == 0 { p.documentNumber = "D\(rng.below(320))/\(rng.below(4))\(rng.below(9) == 0 ? "-Ç" : "")" }
            return p
        }
        let order = Reconciler.canonicalOrder(payments)
        for threads in [1, 2] {
            let prepared = r.prepare(payments, inOrder: order, threads: threads, minimumPart: 1_000)
            for (n, p) in prepared.enumerated() {
                let payment = payments[order[n]]
                #expect(Int(p.payment) == order[n])
                var expected: (Int, Int, MatchRule)? = nil
                if let v = payment.nossoNumero, let (a, i) = nosso[Reconciler.nossoNumeroKey(v)] {
                    expected = (a, i, .nossoNumero)
                } else if let v = payment.documentNumber, let (a, i) = doc[v] {
                    expected = (a, i, .documentNumber)
                }
                if let (a, i, rule) = expected {
                    #expect(Int(p.agreement) == a && Int(p.installment) == i && p.rule == rule, "payment \(order[n])")
                    #expect(Int(p.slot) == r.states[a].first + i)
                } else {
                    #expect(p.agreement == -1, "payment \(order[n])")
                }
            }
            // Each way was taken: found by each key, and by none.
            let found = prepared.filter { $0.agreement >= 0 }
            #expect(found.filter { $0.rule == .nossoNumero }.count > 100 && found.filter { $0.rule == .documentNumber }.count > 50)
            #expect(prepared.count - found.count > 100)
        }
    }

    /// The canonical order (radix-sorted keys, runs of one key by the full order) is
    /// `Payment.canonicallyOrdered`, whatever order the payments come in: random dates before and
    /// after 1970, few distinct amounts (many equal keys), amounts past the key's 40 bits.
    @Test(arguments: [1, 2, 3]) func theCanonicalOrderIsTheFullOrder(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let payments = (0..<3_000).map { k in
            pay(
                rng.below(4) == 0 ? nil : "N\(rng.below(50))", [1, 100, 5_000, 1 << 40 + 7, 1 << 41][rng.below(5)] + rng.below(3),
                CivilDate(daysSinceEpoch: rng.below(3) == 0 ? -rng.below(40_000) : rng.below(400)).description,
                party: rng.below(2) == 0 ? "P\(rng.below(9))" : nil, line: k)
        }
        let order = Reconciler.canonicalOrder(payments)
        #expect(Set(order).count == payments.count)
        let expected = payments.indices.sorted { Payment.canonicallyOrdered(payments[$0], payments[$1]) }
        #expect(order == expected)
        #expect(Reconciler.canonicalOrder(payments.reversed()).map { payments.count - 1 - $0 } == expected)
    }

    @Test func anAppliedResultWithoutAnInstallmentHasNoneOfItsFields() {
        var (r, payments) = Self.scenario()
        var applied: [Applied] = []
        r.reconcile(payments, inOrder: Reconciler.canonicalOrder(payments)) { applied.append($0) }
        let unmatched = applied.first { $0.outcome == .unmatched }!
        #expect(unmatched.agreement == nil && unmatched.installment == nil && unmatched.dueDate == nil && unmatched.duplicateOf == nil)
        let exact = applied.first { $0.outcome == .exact }!
        #expect(exact.agreement != nil && exact.installment != nil && exact.dueDate != nil)
        // A due date before 1970 is a negative day, not "none".
        var old = unmatched
        old.dueDate = day("1969-12-31")
        #expect(old.dueDate == day("1969-12-31"))
    }

    @Test func outcomesAndRulesByName() {
        for (k, o) in Outcome.all.enumerated() {
            #expect(Int(o.code) == k && Outcome(rawValue: o.rawValue) == o)
            #expect(o.isException == !["exact", "partial", "overpaid", "late"].contains(o.rawValue))
        }
        for (k, r) in MatchRule.all.enumerated() { #expect(Int(r.code) == k && MatchRule(rawValue: r.rawValue) == r) }
        #expect(Outcome(rawValue: "paid") == nil && MatchRule(rawValue: "") == nil)
        #expect(Outcome.brokenAgreement.rawValue == "broken_agreement" && MatchRule.partyAmountDate.rawValue == "party_amount_date")
    }
}
