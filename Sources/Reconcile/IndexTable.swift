import Records

/// Monthly rates of a price index (IPCA, INPC, IGP-M…) for correção monetária, read from a CSV
/// file of `month,rate_percent` rows (docs/reconcile.md): `2026-01,0.16`.
///
/// Use: `let ipca = try IndexTable(csv: bytes)`, then pass it to `DebtRules.update`; or
/// `factor(after:through:)` for the correction factor between two dates.
public struct IndexTable: Sendable, Hashable {
    /// Each month's rate, keyed by `year * 12 + month - 1`.
    public private(set) var rates: [Int: Rate] = [:]
    /// Decimal places of the correction factor (kept as an integer scaled by 10^12).
    public static let factorScale: Int128 = 1_000_000_000_000

    /// An empty table, or one from `(year, month, rate)` triples.
    public init(_ entries: [(year: Int, month: Int, rate: Rate)] = []) {
        for e in entries { rates[e.year * 12 + e.month - 1] = e.rate }
    }

    /// Reads the CSV: a header row, then `YYYY-MM` and a rate in percent per row (a `;` in the
    /// header makes `;` the delimiter and lets the rate use a decimal comma). Blank lines and
    /// lines starting with `#` are ignored. A month given twice, a bad month or rate is refused.
    public init(csv bytes: [UInt8]) throws(ReconcileConfigError) {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if let first = lines.first, first.starts(with: [0xEF, 0xBB, 0xBF]) { lines[0] = first.dropFirst(3) }
        var delimiter: UInt8? = nil
        for (k, rawLine) in lines.enumerated() {
            let number = k + 1
            var line = rawLine
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 }) || line.first == UInt8(ascii: "#") { continue }
            guard let d = delimiter else {
                delimiter = line.contains(UInt8(ascii: ";")) ? UInt8(ascii: ";") : UInt8(ascii: ",")
                continue
            }
            let cells = line.split(separator: d, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self).trimmingBlanks
            }
            guard cells.count == 2 else {
                throw ReconcileConfigError("index.row", "expected 2 cells (month, rate_percent), found \(cells.count)", line: number)
            }
            let m = Array(cells[0].utf8)
            guard m.count == 7, m[4] == UInt8(ascii: "-"), let year = Digits.value(m[0..<4]), let month = Digits.value(m[5..<7]),
                (1...12).contains(month), year >= 1
            else {
                throw ReconcileConfigError("index.month", "expected a month YYYY-MM, found \"\(cells[0])\"", line: number)
            }
            guard let rate = Rate(percent: cells[1], signed: true), rate.millionths > -1_000_000 else {
                throw ReconcileConfigError(
                    "index.rate", "expected a monthly rate in percent above -100 with at most 4 decimals, found \"\(cells[1])\"",
                    line: number)
            }
            let key = year * 12 + month - 1
            guard rates[key] == nil else {
                throw ReconcileConfigError("index.month", "month \(cells[0]) is given twice", line: number)
            }
            rates[key] = rate
        }
        guard delimiter != nil else { throw ReconcileConfigError("index.empty", "expected a header row and monthly rates, found none") }
    }

    /// The rate of a month, or nil when the table lacks it.
    public func rate(year: Int, month: Int) -> Rate? { rates[year * 12 + month - 1] }

    /// The correction factor over the days after `start` through `end`, scaled by
    /// `factorScale` (10^12 is 1): the product, month by month, of
    /// `1 + rate × days of the month in the period / days in the month` (pro rata die within a
    /// month), rounded half-up to 12 decimals after each month. `factorScale` when `end` is not
    /// after `start`. Throws `update.index-missing` naming the first month the table lacks.
    public func factor(after start: CivilDate, through end: CivilDate) throws(UpdateError) -> Int128 {
        var factor = Self.factorScale
        var day = start.daysSinceEpoch + 1
        let last = end.daysSinceEpoch
        while day <= last {
            let date = CivilDate(daysSinceEpoch: day)
            let inMonth = CivilDate.daysIn(month: date.month, year: date.year)
            let monthEnd = day + (inMonth - date.day)
            let through = min(monthEnd, last)
            let days = through - day + 1
            guard let rate = rate(year: date.year, month: date.month) else {
                let m = "\(date.year)-\(date.month < 10 ? "0" : "")\(date.month)"
                throw UpdateError(
                    "update.index-missing", "the index table has no rate for \(m), needed to correct from \(start) to \(end)")
            }
            let denominator = Int128(inMonth) * 1_000_000
            let multiplier = denominator + Int128(rate.millionths) * Int128(days)
            factor = Cents.divideRounded128(factor * multiplier, by: denominator)
            // A billion-fold correction is past any real table (one that spans the old
            // currencies divides by their conversions); beyond it the product could overflow.
            guard factor <= Self.factorScale * 1_000_000_000 else {
                throw UpdateError(
                    "update.overflow", "the index multiplies a debt by more than a billion from \(start) to \(end): check the index table")
            }
            day = through + 1
        }
        return factor
    }
}

