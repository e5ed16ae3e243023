/// Money is integer centavos; this formats it for messages.
public enum Money {
    /// `123456` → `"1234.56"`; negative amounts keep their sign.
    public static func format(_ cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let v = cents.magnitude
        let fraction = v % 100
        return "\(sign)\(v / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
