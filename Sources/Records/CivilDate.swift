/// A calendar date with no time and no time zone, as bank files and Troca's records carry them.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, 1…9999.
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, 1…31 (checked against the month and leap years).
    public let day: Int

    /// Writes the date as a JSON string, `"YYYY-MM-DD"` with its quotes: 12 bytes at `p`.
    @inlinable
    public func writeQuoted(to p: UnsafeMutablePointer<UInt8>) {
        p[0] = 34
        p[1] = UInt8(48 + year / 1000 % 10)
        p[2] = UInt8(48 + year / 100 % 10)
        p[3] = UInt8(48 + year / 10 % 10)
        p[4] = UInt8(48 + year % 10)
        p[5] = 45
        p[6] = UInt8(48 + month / 10)
        p[7] = UInt8(48 + month % 10)
        p[8] = 45
        p[9] = UInt8(48 + day / 10)
        p[10] = UInt8(48 + day % 10)
        p[11] = 34
    }

    /// Creates a date, or returns nil when the day does not exist (31/02, 29/02 of a common year).
    /// (Inlinable, as `isLeap` and `daysIn`: the emitter checks every date it writes with it.)
    @inlinable
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CivilDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let y = Digits.value(bytes[0..<4]), let m = Digits.value(bytes[5..<7]),
            let d = Digits.value(bytes[8..<10])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Whether `year` is a Gregorian leap year.
    @inlinable
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month of a year.
    @inlinable
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (negative before), by the proleptic Gregorian calendar.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `days` days after 1970-01-01.
    public init(daysSinceEpoch days: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        var bytes = [UInt8](repeating: 0, count: 10)
        Digits.write(year, width: 4, into: &bytes, at: 0)
        bytes[4] = UInt8(ascii: "-")
        Digits.write(month, width: 2, into: &bytes, at: 5)
        bytes[7] = UInt8(ascii: "-")
        Digits.write(day, width: 2, into: &bytes, at: 8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Orders dates by the calendar.
    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// Small helpers for ASCII digit runs.
public enum Digits {
    /// The value of a run of ASCII digits, or nil when any byte is not a digit or the run is empty.
    @inlinable
    public static func value<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        if bytes.isEmpty { return nil }
        var v = 0
        for b in bytes {
            let d = b &- 48
            if d > 9 { return nil }
            v = v &* 10 &+ Int(d)
        }
        return v
    }

    /// Writes `value` as `width` zero-padded digits into `bytes` at `offset`.
    public static func write(_ value: Int, width: Int, into bytes: inout [UInt8], at offset: Int) {
        precondition(offset >= 0 && offset + width <= bytes.count, "Digits.write: out of range")
        bytes.withUnsafeMutableBufferPointer { write(value, width: width, to: $0.baseAddress! + offset) }
    }

    /// Writes `value` as `width` zero-padded digits (its last `width` ones) at `p`.
    @inline(__always)
    public static func write(_ value: Int, width: Int, to p: UnsafeMutablePointer<UInt8>) {
        var v = value
        var i = width - 1
        while i >= 0 {
            p[i] = UInt8(48 + v % 10)
            v /= 10
            i -= 1
        }
    }
}
