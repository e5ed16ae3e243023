import Boleto
import Foundation
import Testing

@Suite struct DueDateFactorTests {
    /// BRD400 p.34, SIC400 §10.7.5, FEBRABAN FB-082/FB-122 and the Itaú table (facts §C.3, §H).
    @Test(arguments: [
        ("2000-07-03", 1000), ("2000-07-05", 1002), ("2002-05-01", 1667), ("2010-11-17", 4789),
        ("2025-02-21", 9999), ("2025-02-22", 1000), ("2025-02-23", 1001), ("2049-10-13", 9999), ("2049-10-14", 1000),
    ])
    func knownFactors(_ day: String, _ factor: Int) {
        #expect(DueDateFactor.factor(for: date(day)) == factor)
        // Read back on the due date itself, the factor names that date.
        #expect(DueDateFactor.date(for: factor, asOf: date(day)) == date(day))
    }

    @Test func beforeTheFirstFactorThereIsNone() {
        #expect(DueDateFactor.factor(for: date("2000-07-02")) == nil)
    }

    /// The window example of brcobranca's calculo_data.rb: on 2014-03-13 (factor 6001) a boleto
    /// may be due from 2005-12-24 (factor 3000) to 2029-04-03 (factor 2501 of the next era).
    @Test func windowEdges() {
        let asOf = date("2014-03-13")
        #expect(DueDateFactor.factor(for: asOf) == 6001)
        #expect(DueDateFactor.window(asOf: asOf) == date("2005-12-24")...date("2029-04-03"))
        #expect(DueDateFactor.date(for: 3000, asOf: asOf) == date("2005-12-24"))
        #expect(DueDateFactor.date(for: 2501, asOf: asOf) == date("2029-04-03"))
        // 2999 is 2005-12-23 (one day early) or 2030-… (too late): no date.
        #expect(DueDateFactor.date(for: 2999, asOf: asOf) == nil)
        #expect(DueDateFactor.date(for: 2502, asOf: asOf) == nil)
        #expect(DueDateFactor.date(for: 999, asOf: asOf) == nil)
    }

    /// After the 2025 restart, factor 1000 read in 2026 is 2025-02-22, not 2000-07-03.
    @Test func restartDisambiguation() {
        #expect(DueDateFactor.date(for: 1000, asOf: date("2026-03-15")) == date("2025-02-22"))
        #expect(DueDateFactor.date(for: 9999, asOf: date("2026-03-15")) == date("2025-02-21"))
        #expect(DueDateFactor.date(for: 1386, asOf: date("2026-03-15")) == date("2026-03-15"))
        #expect(DueDateFactor.date(for: 9999, asOf: date("2049-01-01")) == date("2049-10-13"))
        #expect(DueDateFactor.date(for: 1000, asOf: date("2049-10-14")) == date("2049-10-14"))
        #expect(DueDateFactor.date(for: 1000, asOf: date("2001-01-01")) == date("2000-07-03"))
    }

    /// Random dates 2000-07-03 … 2060: the factor agrees with Foundation's calendar arithmetic,
    /// and reading it back anywhere in the window gives the date again.
    @Test func randomDatesBothWays() {
        var rng = Seeded(seed: 2025_02_22)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let base = calendar.date(from: DateComponents(year: 1997, month: 10, day: 7))!
        for _ in 0..<3000 {
            let days = Int.random(in: 0...(date("2060-12-31").days - date("2000-07-03").days), using: &rng)
            let due = date("2000-07-03").adding(days: days)
            let (y, m, dd) = due.parts
            let foundation = calendar.dateComponents([.day], from: base, to: calendar.date(from: DateComponents(year: y, month: m, day: dd))!).day!
            let expected = (foundation - 1000) % 9000 + 1000
            #expect(DueDateFactor.factor(for: due) == expected, "\(due)")
            let shift = Int.random(in: -5500...3001, using: &rng)
            #expect(DueDateFactor.date(for: expected, asOf: due.adding(days: shift)) == due, "\(due) read \(shift) days away")
        }
    }

    @Test func isoDates() {
        #expect(BoletoDate(iso: "2025-02-29") == nil)
        #expect(BoletoDate(iso: "2024-02-29")?.description == "2024-02-29")
        #expect(BoletoDate(iso: "2024-2-29") == nil)
        #expect(date("1970-01-01").days == 0)
    }
}
