import Records

/// A wrong rules file or index table: what was expected and what was found, for exit 78.
public struct ReconcileConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code such as `rules.field` or `index.rate`.
    public let code: String
    /// What was expected and what was found.
    public let message: String
    /// The 1-based line of the file the error is on (0: the whole file).
    public let line: Int

    /// Creates an error.
    public init(_ code: String, _ message: String, line: Int = 0) {
        self.code = code
        self.message = message
        self.line = line
    }

    /// `[code] message`.
    public var description: String { "[\(code)] \(message)" }
}

/// How juros de mora accrue.
public struct InterestPeriod: RawRepresentable, Sendable, Hashable {
    /// The raw value, as written in the rules file.
    public let rawValue: String
    /// Creates a value from its raw value.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// A rate per month, simple, pro rata die over a 30-day commercial month (1% a month is
    /// 1/30 % a day).
    public static let month = InterestPeriod(rawValue: "month")
    /// A rate per day, simple.
    public static let day = InterestPeriod(rawValue: "day")
}

/// The rules of a debt update (cálculo de atualização), as read from `regras.json`
/// (docs/reconcile.md): multa, juros, correção monetária, honorários and the cash discount.
///
/// Use: `let rules = try DebtRules(json: bytes)`, then `rules.update(principalCents:dueDate:asOf:index:)`
/// for each título (with an `IndexTable` when `correction` is on).
public struct DebtRules: Sendable, Hashable {
    /// Multa: charged once, on the corrected principal, when the título is past due.
    public var fine: Rate
    /// Juros de mora: the rate per `interestPeriod`, simple, on the corrected principal.
    public var interest: Rate
    /// Whether `interest` is per month (pro rata die, 30-day month) or per day.
    public var interestPeriod: InterestPeriod
    /// Whether the principal is corrected by the index table's monthly rates (correção monetária).
    public var correction: Bool
    /// Honorários: a percentage of corrected principal + fine + interest.
    public var fees: Rate
    /// Desconto à vista: a percentage taken off the charges (correção + multa + juros +
    /// honorários), never off the principal, so that paying later never costs less.
    public var discount: Rate
    /// Days after the due date during which nothing is charged; past them, everything counts
    /// from the due date.
    public var graceDays: Int
    /// The bank calendar: a título due on a day without banking is on time on the next business
    /// day (`BankCalendar.paymentDeadline`); past it, everything counts from the due date. nil
    /// (`"business_days": false`): calendar days only.
    public var calendar: BankCalendar?

    /// Rules from values; the defaults charge nothing.
    public init(
        fine: Rate = .zero, interest: Rate = .zero, interestPeriod: InterestPeriod = .month, correction: Bool = false,
        fees: Rate = .zero, discount: Rate = .zero, graceDays: Int = 0, calendar: BankCalendar? = .national
    ) {
        self.calendar = calendar
        self.fine = fine
        self.interest = interest
        self.interestPeriod = interestPeriod
        self.correction = correction
        self.fees = fees
        self.discount = discount
        self.graceDays = graceDays
    }

    /// The members a rules file may have.
    public static let keys: [String] = [
        "fine_percent", "interest_percent", "interest_per", "correction", "fees_percent", "discount_percent",
        "grace_days", "business_days", "doc",
    ]

    /// Reads a rules file (a JSON object, docs/reconcile.md). Unknown members, percentages that
    /// are not decimal numbers of at most four decimals, or values out of range are refused.
    public init(json bytes: [UInt8]) throws(ReconcileConfigError) {
        guard let value = JSONValue(parsing: bytes), let object = value.object else {
            throw ReconcileConfigError("rules.json", "expected one JSON object")
        }
        self.init()
        for member in object.members {
            let v = member.value
            switch member.key {
            case "fine_percent": fine = try Self.percent(v, member.key, max: 1_000_000)
            case "interest_percent": interest = try Self.percent(v, member.key, max: 1_000_000)
            case "fees_percent": fees = try Self.percent(v, member.key, max: 1_000_000)
            case "discount_percent": discount = try Self.percent(v, member.key, max: 1_000_000)
            case "interest_per":
                guard let s = v.string, s == "month" || s == "day" else {
                    throw ReconcileConfigError("rules.field", "interest_per: expected \"month\" or \"day\", found \(Self.show(v))")
                }
                interestPeriod = InterestPeriod(rawValue: s)
            case "correction":
                guard case .bool(let b) = v else {
                    throw ReconcileConfigError("rules.field", "correction: expected true or false, found \(Self.show(v))")
                }
                correction = b
            case "grace_days":
                guard let n = v.number?.exactInteger, n >= 0, n <= 3650 else {
                    throw ReconcileConfigError("rules.field", "grace_days: expected a whole number of days 0…3650, found \(Self.show(v))")
                }
                graceDays = Int(n)
            case "business_days":
                guard case .bool(let b) = v else {
                    throw ReconcileConfigError("rules.field", "business_days: expected true or false, found \(Self.show(v))")
                }
                calendar = b ? .national : nil
            case "doc":
                continue
            default:
                throw ReconcileConfigError(
                    "rules.field", "unknown member \"\(member.key)\"; expected one of \(Self.keys.joined(separator: ", "))")
            }
        }
    }

    /// A percentage member: a JSON number or string of decimal text, 0…max millionths.
    static func percent(_ v: JSONValue, _ key: String, max: Int) throws(ReconcileConfigError) -> Rate {
        let text: String? = v.number.map { plainDecimal($0.text) } ?? v.string
        guard let text, let rate = Rate(percent: text), rate.millionths <= max else {
            throw ReconcileConfigError(
                "rules.percent",
                "\(key): expected a percentage 0…\(Rate(millionths: max)) with at most 4 decimals, found \(show(v))")
        }
        return rate
    }

    /// A JSON number's text without an exponent (`1e1` → `10`, `2.5E-1` → `0.25`), the decimal
    /// point moved; any other text as it is. A JSON number is a number however it is written.
    static func plainDecimal(_ text: String) -> String {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), let exponent = Int(text[text.index(after: e)...]),
            abs(exponent) <= 30
        else { return text }
        var mantissa = String(text[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let point = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
        var digits = mantissa.replacingOccurrences(of: ".", with: "")
        var at = point + exponent
        if at <= 0 {
            digits = String(repeating: "0", count: 1 - at) + digits
            at = 1
        }
        if at > digits.count { digits += String(repeating: "0", count: at - digits.count) }
        let whole = String(digits.prefix(at))
        var fraction = String(digits.dropFirst(at))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (negative ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }

    static func show(_ v: JSONValue) -> String {
        var out: [UInt8] = []
        v.write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
