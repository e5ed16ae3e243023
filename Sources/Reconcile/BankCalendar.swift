import Foundation
import Records

/// The days a boleto can be paid at a bank without charges (dias úteis bancários), for the
/// rule that a título due on a day without banking is paid on the next one as if on time (Lei
/// 7.089/1983; FEBRABAN's yearly notices): Saturdays, Sundays, the national holidays, the bank
/// holidays of Carnival (Monday and Tuesday) and Corpus Christi, and the local holidays a
/// `--holidays` file adds. 31 December is a business day with no service to the public: a
/// título due then is also payable on the next business day.
///
/// National holidays: 1 January, Good Friday, 21 April (Tiradentes), 1 May, 7 September,
/// 12 October, 2 November, 15 November, 20 November (from 2024, Lei 14.759/2023), 25 December.
/// Carnival is 48 and 47 days before Easter Sunday, Good Friday 2 days before, Corpus Christi
/// 60 days after.
public struct BankCalendar: Sendable, Hashable {
    /// Local (state or city) holidays added to the national calendar, as days since 1970-01-01.
    public var localHolidays: Set<Int>

    /// The national calendar alone.
    public static let national = BankCalendar()

    /// The national calendar plus `localHolidays`.
    public init(localHolidays: Set<CivilDate> = []) {
        self.localHolidays = Set(localHolidays.map(\.daysSinceEpoch))
    }

    /// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
    public static func easter(year y: Int) -> CivilDate {
        let a = y % 19, b = y / 100, c = y % 100
        let d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDate(year: y, month: month, day: day)!
    }

    /// The national and bank holidays of a year, in date order, with their names.
    public static func holidays(year: Int) -> [(date: CivilDate, name: String)] {
        let easter = easter(year: year).daysSinceEpoch
        var list: [(CivilDate, String)] = [
            (CivilDate(year: year, month: 1, day: 1)!, "Confraternização Universal"),
            (CivilDate(daysSinceEpoch: easter - 48), "Carnaval"),
            (CivilDate(daysSinceEpoch: easter - 47), "Carnaval"),
            (CivilDate(daysSinceEpoch: easter - 2), "Sexta-feira da Paixão"),
            (CivilDate(year: year, month: 4, day: 21)!, "Tiradentes"),
            (CivilDate(year: year, month: 5, day: 1)!, "Dia do Trabalho"),
            (CivilDate(daysSinceEpoch: easter + 60), "Corpus Christi"),
            (CivilDate(year: year, month: 9, day: 7)!, "Independência"),
            (CivilDate(year: year, month: 10, day: 12)!, "Nossa Senhora Aparecida"),
            (CivilDate(year: year, month: 11, day: 2)!, "Finados"),
            (CivilDate(year: year, month: 11, day: 15)!, "Proclamação da República"),
            (CivilDate(year: year, month: 12, day: 25)!, "Natal"),
        ]
        if year >= 2024 { list.append((CivilDate(year: year, month: 11, day: 20)!, "Consciência Negra")) }
        return list.sorted { $0.0 < $1.0 }
    }

    /// Whether `date` is a national or bank holiday (weekends aside).
    public static func isNationalHoliday(_ date: CivilDate) -> Bool {
        switch (date.month, date.day) {
        case (1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25): return true
        case (11, 20): return date.year >= 2024
        default: break
        }
        // Carnival (February or March), Good Friday (March or April), Corpus Christi (May or June).
        guard (2...6).contains(date.month) else { return false }
        switch date.daysSinceEpoch - easter(year: date.year).daysSinceEpoch {
        case -48, -47, -2, 60: return true
        default: return false
        }
    }

    /// Whether banks settle on `date`: not a weekend, a national or bank holiday, or a local holiday.
    public func isBusinessDay(_ date: CivilDate) -> Bool {
        let days = date.daysSinceEpoch
        // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays, 5 and 6 on weekends.
        let weekday = ((days + 3) % 7 + 7) % 7
        return weekday < 5 && !Self.isNationalHoliday(date) && !localHolidays.contains(days)
    }

    /// The last day a título due on `due` is paid on time: `due` itself when banks serve the
    /// public then, else the next day they do (31 December counts as a day without service).
    public func paymentDeadline(due: CivilDate) -> CivilDate {
        var day = due
        // Usually a few days (a weekend, a holiday or two, 31 December around New Year); a
        // holidays file could list long runs, so the search goes on for up to a year.
        for _ in 0..<400 {
            if isBusinessDay(day) && !(day.month == 12 && day.day == 31) { return day }
            day = CivilDate(daysSinceEpoch: day.daysSinceEpoch + 1)
        }
        return day
    }

    /// Whether a payment (or an update) on `date` is late for a título due on `due`.
    public func isLate(_ date: CivilDate, due: CivilDate) -> Bool {
        date > due && date > paymentDeadline(due: due)
    }

    /// Reads a holidays file: one date per line (`YYYY-MM-DD` or `dd/MM/yyyy`), optionally
    /// followed by a blank, `;`, `,` or tab and a name; blank lines and lines starting with `#`
    /// are skipped. A line that does not start with a real date is refused with its number.
    public init(holidays bytes: [UInt8]) throws(ReconcileConfigError) {
        var dates: Set<CivilDate> = []
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            var text = String(decoding: line, as: UTF8.self)
            if lineNumber == 1, text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let first = text.prefix { !" ;,\t".contains($0) }
            guard let date = Self.date(String(first)) else {
                // Shown printable and short: a binary or UTF-16 file must not reach the terminal raw.
                let shown = String(first.prefix(24).map { (32..<127).contains($0.asciiValue ?? 0) ? $0 : "?" })
                throw ReconcileConfigError(
                    "holidays.date", "expected a date (YYYY-MM-DD or dd/MM/yyyy) at the start of the line, found \"\(shown)\"",
                    line: lineNumber)
            }
            dates.insert(date)
        }
        self.init(localHolidays: dates)
    }

    static func date(_ text: String) -> CivilDate? {
        if let d = CivilDate(iso: text) { return d }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 2, parts[1].count == 2, parts[2].count == 4,
            let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2])
        else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }
}
