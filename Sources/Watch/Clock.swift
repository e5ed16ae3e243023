#if canImport(Glibc)
    import Glibc
#endif

/// Wall-clock times for logs and journal lines, and the local civil date for `{date}` and
/// `done/YYYY-MM-DD/` (the operator's day).
public enum Clock {
    /// Now, as UTC `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format4(Int(parts.tm_year) + 1900) + "-" + two(Int(parts.tm_mon) + 1) + "-" + two(Int(parts.tm_mday)) + "T"
                + two(Int(parts.tm_hour)) + ":" + two(Int(parts.tm_min)) + ":" + two(Int(parts.tm_sec)) + "."
                + three(ts.tv_nsec / 1_000_000) + "Z")
    }

    /// Today's local date, `YYYY-MM-DD`.
    public static func today() -> String {
        var t = time(nil)
        var parts = tm()
        localtime_r(&t, &parts)
        return format4(Int(parts.tm_year) + 1900) + "-" + two(Int(parts.tm_mon) + 1) + "-" + two(Int(parts.tm_mday))
    }

    /// Seconds since an arbitrary start, for settle times (monotonic: not moved by clock changes).
    public static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    static func three(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)" }
    static func format4(_ n: Int) -> String { String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n) }
}
