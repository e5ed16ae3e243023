/// A civil date (no time, no time zone) as boletos use them: a due date or the `--as-of` date.
/// Kept here rather than borrowed so that `Boleto` depends on Foundation alone.
public struct BoletoDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public let days: Int

    /// The date `days` days after 1970-01-01.
    public init(days: Int) { self.days = days }

    /// A date from its parts, or nil when there is no such day (proleptic Gregorian calendar).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else {
            return nil
        }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        days = era * 146097 + doe - 719468
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        // One pass over the bytes in place: hyphens at offsets 4 and 7, digits elsewhere.
        var text = text
        let parts: (Int, Int, Int)? = text.withUTF8 { b in
            guard b.count == 10 else { return nil }
            var year = 0, month = 0, day = 0
            for k in 0..<10 {
                let c = b[k]
                if k == 4 || k == 7 {
                    guard c == UInt8(ascii: "-") else { return nil }
                    continue
                }
                guard c &- 48 <= 9 else { return nil }
                let v = Int(c &- 48)
                switch k {
                case 0..<4: year = year * 10 + v
                case 5..<7: month = month * 10 + v
                default: day = day * 10 + v
                }
            }
            return (year, month, day)
        }
        guard let (year, month, day) = parts else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Whether `year` is a leap year.
    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// The number of days of a month.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Year, month and day.
    public var parts: (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = parts
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// The date `n` days later.
    public func adding(days n: Int) -> BoletoDate { BoletoDate(days: days + n) }

    /// Orders dates by the calendar.
    public static func < (a: BoletoDate, b: BoletoDate) -> Bool { a.days < b.days }
}
