import Records
import Testing

@Suite("CivilDate")
struct CivilDateTests {
    @Test(
        "valid dates are created with their parts",
        arguments: [
            (2026, 1, 31), (2026, 2, 28), (2024, 2, 29), (2000, 2, 29), (2026, 4, 30),
            (2026, 12, 31), (1, 1, 1), (9999, 12, 31), (1970, 1, 1),
        ])
    func valid(year: Int, month: Int, day: Int) throws {
        let date = try #require(CivilDate(year: year, month: month, day: day))
        #expect(date.year == year)
        #expect(date.month == month)
        #expect(date.day == day)
    }

    @Test(
        "days that do not exist are rejected",
        arguments: [
            (2026, 2, 31), (2026, 2, 29), (2025, 2, 29), (1900, 2, 29), (2100, 2, 29),
            (2026, 4, 31), (2026, 6, 31), (2026, 9, 31), (2026, 11, 31),
            (2026, 1, 0), (2026, 1, 32), (2026, 0, 1), (2026, 13, 1), (0, 1, 1), (10000, 1, 1), (2026, -1, 1),
        ])
    func invalid(year: Int, month: Int, day: Int) {
        #expect(CivilDate(year: year, month: month, day: day) == nil)
    }

    @Test(
        "Gregorian leap years",
        arguments: [
            (2024, true), (2025, false), (2000, true), (1900, false), (2100, false), (2400, true), (1996, true),
        ])
    func leapYears(year: Int, leap: Bool) {
        #expect(CivilDate.isLeap(year) == leap)
        #expect(CivilDate.daysIn(month: 2, year: year) == (leap ? 29 : 28))
    }

    @Test(
        "days since 1970-01-01 for known dates",
        arguments: [
            ("1970-01-01", 0), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-03-01", 11017),
            ("2026-02-28", 20512), ("1997-10-07", 10141), ("0001-01-01", -719162), ("9999-12-31", 2932896),
        ])
    func knownDays(iso: String, days: Int) throws {
        let date = try #require(CivilDate(iso: iso))
        #expect(date.daysSinceEpoch == days)
        #expect(CivilDate(daysSinceEpoch: days) == date)
    }

    @Test("day numbers round-trip through dates, every day from 1899 to 2101")
    func dayNumbersRoundTrip() throws {
        let first = try #require(CivilDate(year: 1899, month: 1, day: 1)).daysSinceEpoch
        let last = try #require(CivilDate(year: 2101, month: 12, day: 31)).daysSinceEpoch
        var previous: CivilDate? = nil
        for days in first...last {
            let date = CivilDate(daysSinceEpoch: days)
            // The date is a real one, and it maps back to the same number.
            let rebuilt = CivilDate(year: date.year, month: date.month, day: date.day)
            #expect(rebuilt == date, "\(days) gave \(date.year)-\(date.month)-\(date.day)")
            #expect(date.daysSinceEpoch == days, "\(date)")
            if let previous { #expect(previous < date, "\(previous) then \(date)") }
            previous = date
        }
    }

    @Test("dates round-trip through day numbers, every day of every month from 1600 to 2400 on the 1st, 28th and last")
    func datesRoundTrip() {
        var expectedNext: Int? = nil
        for year in 1600...2400 {
            for month in 1...12 {
                let last = CivilDate.daysIn(month: month, year: year)
                for day in [1, 28, last] {
                    guard let date = CivilDate(year: year, month: month, day: day) else {
                        Issue.record("\(year)-\(month)-\(day) should exist")
                        continue
                    }
                    #expect(CivilDate(daysSinceEpoch: date.daysSinceEpoch) == date, "\(date)")
                }
                // The first of each month follows the last day of the previous month.
                let firstDay = CivilDate(year: year, month: month, day: 1)!.daysSinceEpoch
                if let expectedNext { #expect(firstDay == expectedNext, "\(year)-\(month)-01") }
                expectedNext = CivilDate(year: year, month: month, day: last)!.daysSinceEpoch + 1
            }
        }
    }

    @Test(
        "ISO text parses and prints back",
        arguments: [
            "2026-02-28", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "1970-01-01",
        ])
    func isoRoundTrip(text: String) throws {
        let date = try #require(CivilDate(iso: text))
        #expect(date.description == text)
    }

    @Test(
        "malformed or impossible ISO text is rejected",
        arguments: [
            "", "2026-02-31", "2025-02-29", "1900-02-29", "2026-2-01", "2026-02-1", "26-02-01", "2026/02/01",
            "2026-02-01 ", " 2026-02-01", "2026-02-01T00:00", "20260201", "2026-0a-01", "+026-02-01", "-026-02-01",
            "0000-01-01", "2026-13-01", "2026-00-10", "2026-01-00", "２０２６-01-01",
        ])
    func isoInvalid(text: String) {
        #expect(CivilDate(iso: text) == nil)
    }

    @Test("dates order by year, then month, then day")
    func ordering() throws {
        let a = try #require(CivilDate(iso: "2025-12-31"))
        let b = try #require(CivilDate(iso: "2026-01-01"))
        let c = try #require(CivilDate(iso: "2026-01-02"))
        #expect(a < b && b < c && a < c)
        #expect(!(b < a))
        #expect(!(b < b))
    }
}
