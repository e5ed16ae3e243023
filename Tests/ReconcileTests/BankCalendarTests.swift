import Records
import Testing

@testable import Reconcile

/// The bank calendar: Easter, the national and bank holidays, and the next-business-day rule,
/// each date checked against a printed calendar in its comment.
@Suite struct BankCalendarTests {
    /// Easter Sundays as the Church's tables give them, including the earliest (22 March) and
    /// latest (25 April) possible.
    @Test(arguments: [
        ("2000-04-23"), ("2019-04-21"), ("2023-04-09"), ("2024-03-31"), ("2025-04-20"), ("2026-04-05"), ("2027-03-28"),
        ("2038-04-25"), ("2285-03-22"),
    ])
    func easter(_ text: String) {
        let d = day(text)
        #expect(BankCalendar.easter(year: d.year) == d)
    }

    /// 2026's days without banking, as FEBRABAN's calendar lists them (Carnival 16–17 February,
    /// Good Friday 3 April, Corpus Christi 4 June…).
    @Test func holidaysOf2026() {
        let expected = [
            "2026-01-01", "2026-02-16", "2026-02-17", "2026-04-03", "2026-04-21", "2026-05-01", "2026-06-04", "2026-09-07",
            "2026-10-12", "2026-11-02", "2026-11-15", "2026-11-20", "2026-12-25",
        ]
        #expect(BankCalendar.holidays(year: 2026).map(\.date.description) == expected)
        for text in expected { #expect(BankCalendar.isNationalHoliday(day(text)), "\(text)") }
        // Every other day of the year is not a holiday.
        let all = Set(expected)
        var d = day("2026-01-01")
        var others = 0
        while d.year == 2026 {
            if !all.contains(d.description) {
                #expect(!BankCalendar.isNationalHoliday(d), "\(d)")
                others += 1
            }
            d = CivilDate(daysSinceEpoch: d.daysSinceEpoch + 1)
        }
        #expect(others == 365 - 13)
    }

    /// Consciência Negra is a national holiday from 2024 (Lei 14.759/2023), not before.
    @Test func consciênciaNegraFrom2024() {
        #expect(!BankCalendar.isNationalHoliday(day("2023-11-20")))
        #expect(BankCalendar.isNationalHoliday(day("2024-11-20")))
        #expect(!BankCalendar.national.isBusinessDay(day("2025-11-20")))
    }

    /// Weekdays: 2026-11-21 is a Saturday, 22 a Sunday, 23 a Monday.
    @Test func weekends() {
        let c = BankCalendar.national
        #expect(!c.isBusinessDay(day("2026-11-21")) && !c.isBusinessDay(day("2026-11-22")))
        #expect(c.isBusinessDay(day("2026-11-23")) && c.isBusinessDay(day("2026-11-27")))
        #expect(!c.isBusinessDay(day("1970-01-03")) && c.isBusinessDay(day("1970-01-02")) && !c.isBusinessDay(day("1969-12-28")))
    }

    /// The last on-time day for a due date.
    @Test(arguments: [
        ("2026-11-23", "2026-11-23"),  // a Monday: itself
        ("2026-11-21", "2026-11-23"),  // Saturday → Monday
        ("2026-11-20", "2026-11-23"),  // Friday, Consciência Negra → Monday
        ("2026-02-14", "2026-02-18"),  // Saturday, then Carnival Monday and Tuesday → Ash Wednesday
        ("2026-10-10", "2026-10-13"),  // Saturday, Sunday, Monday 12 October → Tuesday
        ("2026-12-31", "2027-01-04"),  // 31 December (no service), 1 January (Friday), weekend → Monday
        ("2027-12-31", "2028-01-03"),  // a Friday 31 December, Saturday 1 January, Sunday → Monday
        ("2026-04-03", "2026-04-06"),  // Good Friday → Monday
        ("2023-11-20", "2023-11-20"),  // a Monday, before Consciência Negra was national
    ])
    func paymentDeadline(_ due: String, _ deadline: String) {
        #expect(BankCalendar.national.paymentDeadline(due: day(due)) == day(deadline))
    }

    /// A local holiday (9 July in São Paulo, a Thursday in 2026) moves the deadline too.
    @Test func localHolidays() throws {
        let sp = try BankCalendar(holidays: Array("# São Paulo\n\n2026-07-09 Revolução Constitucionalista\n25/01/2026;Aniversário\n".utf8))
        #expect(sp.paymentDeadline(due: day("2026-07-09")) == day("2026-07-10"))
        #expect(BankCalendar.national.paymentDeadline(due: day("2026-07-09")) == day("2026-07-09"))
        #expect(sp.localHolidays.count == 2)
        #expect(sp.isLate(day("2026-07-11"), due: day("2026-07-09")) && !sp.isLate(day("2026-07-10"), due: day("2026-07-09")))
    }

    /// A line that does not start with a real date is refused with its number.
    @Test(arguments: [
        ("2026-07-09\n2026-02-30\n", 2, "2026-02-30"), ("\u{FEFF}09/07/2026\nferiado\n", 2, "feriado"), ("9/7/2026\n", 1, "9/7/2026"),
        ("\u{1B}[2J\u{7}", 1, "?[2J?"),
    ])
    func badHolidaysFile(_ text: String, _ line: Int, _ shown: String) {
        badHolidaysBytes(Array(text.utf8), line, shown)
    }

    /// A UTF-16 file (byte order mark FF FE, then "20…" with a NUL after each digit).
    @Test func utf16HolidaysFile() {
        badHolidaysBytes([0xFF, 0xFE, 0x32, 0x00, 0x30, 0x00, 0x32, 0x00, 0x36, 0x00, 0x0A, 0x00], 1, "??2?0?2?6?")
    }

    func badHolidaysBytes(_ bytes: [UInt8], _ line: Int, _ shown: String) {
        do {
            _ = try BankCalendar(holidays: bytes)
            Issue.record("accepted")
        } catch {
            #expect(error.code == "holidays.date" && error.line == line, "\(error)")
            // What is quoted is printable ASCII: control bytes and other text become "?".
            #expect(error.message.hasSuffix("found \"\(shown)\""), "\(error)")
        }
    }

    /// The update and the reconciliation treat a due date without banking alike: on time by
    /// the next business day, then everything counts from the due date.
    @Test func updateAndReconcileUseTheCalendar() throws {
        // R$ 300,00 due Saturday 2026-11-21; multa 2%, juros 1% a month.
        let rules = DebtRules(fine: pct("2"), interest: pct("1"))
        let due = day("2026-11-21")
        #expect(try rules.update(principalCents: 30_000, dueDate: due, asOf: day("2026-11-23"), index: nil).chargesCents == 0)
        // Tuesday: 3 days late from Saturday. Multa 600; juros 30.000 × 1% × 3/30 = 30.
        let tuesday = try rules.update(principalCents: 30_000, dueDate: due, asOf: day("2026-11-24"), index: nil)
        #expect(tuesday.daysLate == 3 && tuesday.fineCents == 600 && tuesday.interestCents == 30)
        // Calendar days only: Monday is 2 days late (multa 600, juros 20).
        var calendarDays = rules
        calendarDays.calendar = nil
        let monday = try calendarDays.update(principalCents: 30_000, dueDate: due, asOf: day("2026-11-23"), index: nil)
        #expect(monday.daysLate == 2 && monday.fineCents == 600 && monday.interestCents == 20)
        let json = try DebtRules(json: Array(#"{"fine_percent": 2, "business_days": false}"#.utf8))
        #expect(json.calendar == nil)
        #expect(try DebtRules(json: Array(#"{"fine_percent": 2}"#.utf8)).calendar == .national)

        // Paid Monday: exact, not late; paid Tuesday: late, 3 days.
        for (date, outcome, days) in [("2026-11-23", Outcome.exact, 0), ("2026-11-24", Outcome.late, 3)] {
            var r = Reconciler(agreements: [agreement("S", [("2026-11-21", 30_000, "S1")])], options: MatchOptions(rules: rules))
            let m = r.reconcile([pay("S1", 30_000, date)])[0]
            #expect(m.outcome == outcome && m.daysLate == days, "\(date)")
            // Without rules, the options' calendar decides (the national one by default); nil
            // counts calendar days, so even Monday is late.
            var national = Reconciler(agreements: [agreement("S", [("2026-11-21", 30_000, "S1")])])
            #expect(national.reconcile([pay("S1", 30_000, date)])[0].outcome == outcome)
            var plain = Reconciler(agreements: [agreement("S", [("2026-11-21", 30_000, "S1")])], options: MatchOptions(calendar: nil))
            #expect(plain.reconcile([pay("S1", 30_000, date)])[0].outcome == .late)
        }
    }

    /// An installment within its payment deadline is neither overdue nor able to break its
    /// agreement. Due Saturday 2026-02-14, broken when more than 3 days overdue: by calendar days
    /// from the 18th, but the deadline is Ash Wednesday the 18th (weekend, then Carnival), so the
    /// agreement breaks only on the 19th.
    @Test func breakRuleWaitsForThePaymentDeadline() {
        func make(_ options: MatchOptions = MatchOptions()) -> Reconciler {
            Reconciler(
                agreements: [agreement("C", created: "2026-01-10", [("2026-02-14", 10_000, "C1"), ("2026-03-14", 10_000, "C2")], breakRule: BreakRule(overdueDays: 3))],
                options: options)
        }
        var r = make()
        let m = r.reconcile([pay("C1", 10_000, "2026-02-18")])[0]
        #expect(m.outcome == .exact && m.daysLate == 0)
        #expect(r.standing(of: 0, asOf: day("2026-02-18")).status == "current")

        let unpaid = make()
        let carnival = unpaid.standing(of: 0, asOf: day("2026-02-16"))
        #expect(carnival.status == "current" && carnival.overdueCents == 0)
        #expect(unpaid.standing(of: 0, asOf: day("2026-02-18")).status == "current")
        let thursday = unpaid.standing(of: 0, asOf: day("2026-02-19"))
        #expect(thursday.status == "broken" && thursday.overdueCents == 10_000 && thursday.brokenOn == day("2026-02-19"))

        // Counting calendar days, the same payment comes after the break (on the 18th).
        var calendarDays = make(MatchOptions(calendar: nil))
        #expect(calendarDays.reconcile([pay("C1", 10_000, "2026-02-18")])[0].outcome == .brokenAgreement)
        #expect(make(MatchOptions(calendar: nil)).standing(of: 0, asOf: day("2026-02-16")).overdueCents == 10_000)
    }
}
