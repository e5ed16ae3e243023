import Records
import Testing

@testable import Reconcile

func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }
func pct(_ text: String) -> Rate { Rate(percent: text, signed: true)! }

/// Worked examples of the debt update, each computed by hand in its comment.
@Suite struct DebtUpdateTests {
    static let standard = DebtRules(fine: pct("2"), interest: pct("1"), fees: pct("10"))

    @Test func fineInterestAndFeesAfterThirtyDays() throws {
        // R$ 1.000,00 due 2026-01-10, as of 2026-02-09: 21 days of January + 9 of February = 30.
        // multa 2% = 2.000; juros 1% a month × 30/30 = 1.000; honorários 10% × (100.000 + 2.000
        // + 1.000 = 103.000) = 10.300; total 100.000 + 2.000 + 1.000 + 10.300 = 113.300.
        let u = try Self.standard.update(principalCents: 100_000, dueDate: day("2026-01-10"), asOf: day("2026-02-09"), index: nil)
        #expect(u == DebtUpdate(daysLate: 30, principalCents: 100_000, fineCents: 2_000, interestCents: 1_000, feesCents: 10_300))
        #expect(u.totalCents == 113_300)
    }

    @Test func dailyInterestRoundsHalfUp() throws {
        // 123,45 at 0.033% a day for 10 days: 12.345 × 0.00033 × 10 = 40.7385 → 41;
        // multa 2% of 12.345 = 246.9 → 247; total 12.345 + 247 + 41 = 12.633.
        let rules = DebtRules(fine: pct("2"), interest: pct("0.033"), interestPeriod: .day)
        let u = try rules.update(principalCents: 12_345, dueDate: day("2026-03-01"), asOf: day("2026-03-11"), index: nil)
        #expect(u.fineCents == 247)
        #expect(u.interestCents == 41)
        #expect(u.totalCents == 12_633)
    }

    @Test(arguments: [(25, 1), (24, 0), (75, 2), (74, 1)])
    func halfACentavoRoundsUp(principal: Int, fine: Int) throws {
        // 2% of 25 = 0.5 → 1; of 24 = 0.48 → 0; of 75 = 1.5 → 2; of 74 = 1.48 → 1.
        let rules = DebtRules(fine: pct("2"))
        // Due on a business day (a Tuesday), updated the day after.
        let u = try rules.update(principalCents: principal, dueDate: day("2026-05-05"), asOf: day("2026-05-06"), index: nil)
        #expect(u.fineCents == fine)
    }

    @Test func correctionProRataDieAcrossTwoMonths() throws {
        // 1.000,00 due 2026-10-10, as of 2026-11-23 (44 days), index: October 0.40%, November 0.30%.
        // factor = (1 + 0.004 × 21/31) × (1 + 0.003 × 23/30) = 1.0027096774 × 1.0023 = 1.0050159097
        // corrected 100.501,59 → 100.502, correção 502; multa 2% × 100.502 = 2.010,04 → 2.010;
        // juros 1% × 44/30 × 100.502 = 1.474,03 → 1.474; honorários 10% × 103.986 = 10.398,6 →
        // 10.399; total 100.000 + 502 + 2.010 + 1.474 + 10.399 = 114.385.
        var rules = Self.standard
        rules.correction = true
        let index = IndexTable([(2026, 10, pct("0.40")), (2026, 11, pct("0.30"))])
        let u = try rules.update(principalCents: 100_000, dueDate: day("2026-10-10"), asOf: day("2026-11-23"), index: index)
        #expect(
            u == DebtUpdate(daysLate: 44, principalCents: 100_000, correctionCents: 502, fineCents: 2_010, interestCents: 1_474, feesCents: 10_399))
        #expect(u.totalCents == 114_385)
    }

    @Test func deflationDoesNotReduceTheDebt() throws {
        // A whole April at -0.50%: factor 0.995, corrected 99.500: the correction stays 0.
        let rules = DebtRules(correction: true)
        let index = IndexTable([(2026, 4, pct("-0.50"))])
        let u = try rules.update(principalCents: 100_000, dueDate: day("2026-03-31"), asOf: day("2026-04-30"), index: index)
        #expect(u.correctionCents == 0)
        #expect(u.totalCents == 100_000)
    }

    @Test func graceDaysWaiveThenCountFromTheDueDate() throws {
        // 5 days of grace: 5 days late owes nothing; 6 days late owes multa 2% × 30.000 = 600 and
        // juros 1% × 6/30 × 30.000 = 60 (counted from the due date, not from the end of the grace).
        var rules = Self.standard
        rules.fees = .zero
        rules.graceDays = 5
        let inGrace = try rules.update(principalCents: 30_000, dueDate: day("2026-06-30"), asOf: day("2026-07-05"), index: nil)
        #expect(inGrace.totalCents == 30_000 && inGrace.daysLate == 5)
        let after = try rules.update(principalCents: 30_000, dueDate: day("2026-06-30"), asOf: day("2026-07-06"), index: nil)
        #expect(after.fineCents == 600 && after.interestCents == 60 && after.totalCents == 30_660)
    }

    @Test func cashDiscountIsTakenOffTheCharges() throws {
        // As in the first example, charges 2.000 + 1.000 + 10.300 = 13.300.
        // 50% of the charges: 6.650 → total 113.300 − 6.650 = 106.650.
        // 100%: the charges go, the principal stays: 100.000.
        var rules = Self.standard
        rules.discount = pct("50")
        let half = try rules.update(principalCents: 100_000, dueDate: day("2026-01-10"), asOf: day("2026-02-09"), index: nil)
        #expect(half.discountCents == 6_650 && half.totalCents == 106_650)
        rules.discount = pct("100")
        let all = try rules.update(principalCents: 100_000, dueDate: day("2026-01-10"), asOf: day("2026-02-09"), index: nil)
        #expect(all.discountCents == 13_300 && all.totalCents == 100_000)
    }

    @Test func aMissingIndexMonthIsRefusedNotGuessed() {
        let rules = DebtRules(correction: true)
        let index = IndexTable([(2026, 10, pct("0.40"))])
        #expect(throws: UpdateError.self) {
            try rules.update(principalCents: 100, dueDate: day("2026-10-10"), asOf: day("2026-11-02"), index: index)
        }
        do {
            _ = try rules.update(principalCents: 100, dueDate: day("2026-10-10"), asOf: day("2026-11-02"), index: index)
        } catch {
            #expect(error.code == "update.index-missing")
            #expect(error.message.contains("2026-11"))
        }
        #expect(throws: UpdateError.self) {
            // Due on a Saturday: on time through Tuesday the 13th (Monday the 12th is a holiday),
            // late on Wednesday the 14th.
            try rules.update(principalCents: 100, dueDate: day("2026-10-10"), asOf: day("2026-10-14"), index: nil)
        }
    }

    @Test func negativePrincipalIsRefused() {
        #expect(throws: UpdateError.self) {
            try Self.standard.update(principalCents: -1, dueDate: day("2026-10-10"), asOf: day("2026-10-12"), index: nil)
        }
    }

    @Test func statementSumsItsTitles() throws {
        let a = try Self.standard.update(principalCents: 100_000, dueDate: day("2026-01-10"), asOf: day("2026-02-09"), index: nil)
        let b = try Self.standard.update(principalCents: 5_000, dueDate: day("2026-03-10"), asOf: day("2026-02-09"), index: nil)
        var s = DebtStatement(partyDocument: "52998224725")
        try s.add(a)
        try s.add(b)
        // 113.300 + 5.000 (not yet due) = 118.300.
        #expect(s.titles == 2 && s.principalCents == 105_000 && s.totalCents == 118_300 && s.feesCents == 10_300)
    }

    /// A sum past Int's range refuses the título (`update.overflow`) and leaves the statement as
    /// it was; it never traps.
    @Test func aStatementThatWouldOverflowRefusesTheTitle() throws {
        let most = DebtUpdate(daysLate: 0, principalCents: Cents.maximum)
        var s = DebtStatement(partyDocument: "52998224725")
        let fits = Int.max / Cents.maximum  // 9,223 títulos of the most
        for _ in 0..<fits { try s.add(most) }
        let before = s
        #expect(throws: UpdateError.self) { try s.add(most) }
        do { try s.add(most) } catch { #expect(error.code == "update.overflow" && error.message.contains("52998224725")) }
        #expect(s == before && s.titles == fits && s.totalCents == fits * Cents.maximum)
    }
}

/// Properties over random rules, amounts and dates (seeded, so repeatable).
@Suite struct DebtUpdatePropertyTests {
    static func randomRules(_ rng: inout SplitMix64) -> DebtRules {
        DebtRules(
            fine: Rate(millionths: rng.below(100_001)), interest: Rate(millionths: rng.below(50_001)),
            interestPeriod: rng.chance(50) ? .month : .day, correction: rng.chance(50), fees: Rate(millionths: rng.below(200_001)),
            discount: Rate(millionths: rng.below(1_000_001)),
            graceDays: rng.chance(30) ? rng.below(10) : 0)
    }

    /// Non-negative monthly rates 2020…2030 (a deflation month may lower a corrected amount).
    static func randomIndex(_ rng: inout SplitMix64) -> IndexTable {
        var entries: [(year: Int, month: Int, rate: Rate)] = []
        for y in 2020...2030 { for m in 1...12 { entries.append((y, m, Rate(millionths: rng.below(20_000)))) } }
        return IndexTable(entries)
    }

    @Test func monotonicInDaysLateAndZeroBeforeDue() throws {
        var rng = SplitMix64(seed: 20261123)
        let index = Self.randomIndex(&rng)
        for _ in 0..<200 {
            let rules = Self.randomRules(&rng)
            let principal = rng.chance(20) ? rng.below(100) : rng.below(10_000_000_000)
            let due = CivilDate(daysSinceEpoch: day("2021-01-01").daysSinceEpoch + rng.below(2000))
            var previous = principal
            for offset in -5...120 {
                let asOf = CivilDate(daysSinceEpoch: due.daysSinceEpoch + offset)
                let u = try rules.update(principalCents: principal, dueDate: due, asOf: asOf, index: index)
                #expect(
                    u.totalCents == u.principalCents + u.correctionCents + u.fineCents + u.interestCents + u.feesCents - u.discountCents)
                if offset <= 0 {
                    #expect(u.totalCents == principal && u.chargesCents == 0, "nothing is added before or on the due date")
                }
                #expect(u.totalCents >= previous, "total fell from \(previous) to \(u.totalCents) at day \(offset)")
                #expect(u.totalCents >= principal, "the discount never reaches the principal")
                previous = u.totalCents
            }
        }
    }
}

/// Reading percentages, rules files and index tables.
@Suite struct RulesInputTests {
    @Test(arguments: [("2", 20_000), ("2.5", 25_000), ("0.0333", 333), ("1,5", 15_000), ("100", 1_000_000), ("0", 0)])
    func percentages(text: String, millionths: Int) {
        #expect(Rate(percent: text)?.millionths == millionths)
    }

    @Test(arguments: ["", ".5", "2.", "2.00001", "abc", "-1", "1e2", "1.2.3", " 1"])
    func notPercentages(text: String) {
        #expect(Rate(percent: text) == nil)
    }

    @Test func signedPercentagesForIndexRates() {
        #expect(Rate(percent: "-0.21", signed: true)?.millionths == -2_100)
        #expect(Rate(percent: "-0.21", signed: true)?.description == "-0.21")
    }

    @Test func rulesFile() throws {
        let text = #"{"fine_percent": 2, "interest_percent": "0.033", "interest_per": "day", "correction": true, "fees_percent": 10.5, "grace_days": 3, "discount_percent": 1}"#
        let rules = try DebtRules(json: Array(text.utf8))
        #expect(
            rules
                == DebtRules(
                    fine: pct("2"), interest: pct("0.033"), interestPeriod: .day, correction: true, fees: pct("10.5"),
                    discount: pct("1"), graceDays: 3))
    }

    /// A JSON number is a number however it is written: `1e1` is 10, `2.5E-1` is 0.25; still at
    /// most 4 decimals (`1.23456e1` is 12.3456, `1.23456e-1` is refused).
    @Test func percentagesWithAnExponent() throws {
        let rules = try DebtRules(json: Array(#"{"fine_percent": 1e1, "interest_percent": 2.5E-1, "fees_percent": 1.23456e1}"#.utf8))
        #expect(rules == DebtRules(fine: pct("10"), interest: pct("0.25"), fees: pct("12.3456")))
        #expect(throws: ReconcileConfigError.self) { try DebtRules(json: Array(#"{"fine_percent": 1.23456e-1}"#.utf8)) }
        #expect(DebtRules.plainDecimal("-5E0") == "-5" && DebtRules.plainDecimal("7") == "7" && DebtRules.plainDecimal("3e-3") == "0.003")
    }

    @Test(arguments: [
        (#"{"fine": 2}"#, "rules.field"), (#"{"fine_percent": -2}"#, "rules.percent"), (#"{"fine_percent": 2.12345}"#, "rules.percent"),
        (#"{"interest_per": "year"}"#, "rules.field"), (#"{"discount_on": "total"}"#, "rules.field"), (#"{"correction": "yes"}"#, "rules.field"), (#"[1]"#, "rules.json"),
        (#"{"grace_days": -1}"#, "rules.field"), (#"{"fees_percent": 101}"#, "rules.percent"),
    ])
    func badRulesFiles(text: String, code: String) {
        do {
            _ = try DebtRules(json: Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == code)
        }
    }

    /// Amounts and rates past what the arithmetic holds are refused with a code, never a trap.
    @Test func hugeAmountsAndFactorsAreRefusedNotComputed() throws {
        func code(_ body: () throws -> DebtUpdate) -> String? {
            do {
                _ = try body()
                return nil
            } catch {
                return (error as? UpdateError)?.code ?? "\(error)"
            }
        }
        // Above R$ 10 trilhões (10^15 centavos): the título's amount itself.
        #expect(code { try DebtUpdateTests.standard.update(principalCents: 922_337_203_685_477_580, dueDate: day("2000-01-10"), asOf: day("2026-01-10"), index: nil) } == "update.amount")
        // 10^15 centavos at 100% a day for 9,496 days: interest alone is 9.5 × 10^18.
        let daily = DebtRules(interest: pct("100"), interestPeriod: .day)
        #expect(code { try daily.update(principalCents: 1_000_000_000_000_000, dueDate: day("2000-01-10"), asOf: day("2026-01-10"), index: nil) } == "update.overflow")
        // 30% a month from 1988-01-11 through 1994-12-31, about 84 months (1.3^84 ≈ 3.8 × 10^9):
        // past the billion-fold bound of a factor.
        var csv = "month,rate_percent\n"
        for y in 1988...1994 { for m in 1...12 { csv += "\(y)-\(m < 10 ? "0" : "")\(m),30\n" } }
        let index = try IndexTable(csv: Array(csv.utf8))
        let corrected = DebtRules(correction: true)
        #expect(code { try corrected.update(principalCents: 100, dueDate: day("1988-01-10"), asOf: day("1994-12-31"), index: index) } == "update.overflow")
        // Through 1994-06-30, about 78 months (1.3^78 ≈ 7.6 × 10^8, which trapped when the
        // factor was an Int), and over one year (1.3^12 ≈ 23.3), it still computes.
        #expect(code { try corrected.update(principalCents: 100, dueDate: day("1988-01-10"), asOf: day("1994-06-30"), index: index) } == nil)
        #expect(code { try corrected.update(principalCents: 100, dueDate: day("1988-01-31"), asOf: day("1988-12-31"), index: index) } == nil)
    }

    @Test func indexTableCSV() throws {
        let csv = "# illustrative\nmonth;rate_percent\r\n2026-01;0,30\n\n2026-02;-0,05\n"
        let t = try IndexTable(csv: Array(csv.utf8))
        #expect(t.rate(year: 2026, month: 1)?.millionths == 3_000)
        #expect(t.rate(year: 2026, month: 2)?.millionths == -500)
        #expect(t.rate(year: 2026, month: 3) == nil)
    }

    @Test(arguments: [
        ("month,rate_percent\n2026-01,0.3\n2026-01,0.4\n", "index.month", 3), ("month,rate_percent\n2026-13,0.3\n", "index.month", 2),
        ("month,rate_percent\n2026-01,abc\n", "index.rate", 2), ("month,rate_percent\n2026-01\n", "index.row", 2), ("", "index.empty", 0),
    ])
    func badIndexTables(csv: String, code: String, line: Int) {
        do {
            _ = try IndexTable(csv: Array(csv.utf8))
            Issue.record("accepted \(csv)")
        } catch {
            #expect(error.code == code)
            #expect(error.line == line)
        }
    }

    @Test func factorOverWholeMonths() throws {
        // January 1% then February 2%, whole months: 1.01 × 1.02 = 1.0302 exactly.
        let t = IndexTable([(2026, 1, pct("1")), (2026, 2, pct("2"))])
        #expect(try t.factor(after: day("2025-12-31"), through: day("2026-02-28")) == 1_030_200_000_000)
        #expect(try t.factor(after: day("2026-02-28"), through: day("2026-02-28")) == IndexTable.factorScale)
    }
}
