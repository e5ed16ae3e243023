/// A rate (a percentage) held exactly as an integer number of millionths of the whole:
/// 2% is 20,000, 0.0333% is 333, 100% is 1,000,000. Build one from the decimal text of a
/// percentage (`Rate(percent: "2.5")`) so that no binary fraction ever touches money.
public struct Rate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Millionths of the whole (1% = 10,000).
    public let millionths: Int

    /// A rate of `millionths` millionths.
    public init(millionths: Int) { self.millionths = millionths }

    /// No rate at all.
    public static let zero = Rate(millionths: 0)

    /// Parses a percentage written in decimal: `2`, `2.5`, `0.0333`, `-0.21` (a sign only when
    /// `signed`), with `.` or `,` before at most four decimals. Nil for anything else.
    public init?(percent text: String, signed: Bool = false) {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            guard signed else { return nil }
            negative = true
            bytes = bytes.dropFirst()
        }
        var whole = 0
        var decimals = 0
        var fraction = 0
        var seenPoint = false
        var digits = 0
        for b in bytes {
            if b == UInt8(ascii: ".") || b == UInt8(ascii: ",") {
                guard !seenPoint, digits > 0 else { return nil }
                seenPoint = true
                continue
            }
            guard b >= 48, b <= 57 else { return nil }
            if seenPoint {
                decimals += 1
                guard decimals <= 4 else { return nil }
                fraction = fraction * 10 + Int(b - 48)
            } else {
                digits += 1
                guard digits <= 9 else { return nil }
                whole = whole * 10 + Int(b - 48)
            }
        }
        guard digits > 0, !(seenPoint && decimals == 0) else { return nil }
        for _ in decimals..<4 { fraction *= 10 }
        // percent × 10,000 = millionths; four decimals of a percent are exactly whole millionths.
        let value = whole * 10_000 + fraction
        millionths = negative ? -value : value
    }

    /// The percentage in decimal, e.g. `2.5` for 25,000 millionths.
    public var description: String {
        let sign = millionths < 0 ? "-" : ""
        let v = millionths.magnitude
        var text = "\(sign)\(v / 10_000)"
        var fraction = v % 10_000
        if fraction > 0 {
            var digits = 4
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let f = String(fraction)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }

    /// Orders rates by value.
    public static func < (a: Rate, b: Rate) -> Bool { a.millionths < b.millionths }
}

/// Integer arithmetic for money with one explicit rounding rule.
public enum Cents {
    /// `numerator / denominator` rounded half away from zero (half-up for the non-negative
    /// amounts Troca computes): 2.5 → 3, 2.4999 → 2, -2.5 → -3. The numerator is 128-bit, so
    /// amount × rate × days never overflows. `denominator` must be positive.
    public static func divideRounded(_ numerator: Int128, by denominator: Int128) -> Int {
        Int(divideRounded128(numerator, by: denominator))
    }

    /// `divideRounded` kept in 128 bits, for values that may not fit an `Int`.
    public static func divideRounded128(_ numerator: Int128, by denominator: Int128) -> Int128 {
        let q = numerator / denominator
        let r = numerator % denominator
        let magnitudeTwice = (r < 0 ? -r : r) * 2
        if magnitudeTwice >= denominator { return numerator < 0 ? q - 1 : q + 1 }
        return q
    }

    /// The largest amount the debt update takes or gives, in centavos: R$ 10 trilhões. A
    /// título, or any component of its update, past it is rejected (`update.amount`,
    /// `update.overflow`) rather than computed; a party's statement of up to 9,000 such
    /// títulos still fits.
    public static let maximum = 1_000_000_000_000_000

    /// `cents × rate`, rounded half-up to the centavo.
    public static func apply(_ rate: Rate, to cents: Int) -> Int {
        divideRounded(Int128(cents) * Int128(rate.millionths), by: 1_000_000)
    }
}
