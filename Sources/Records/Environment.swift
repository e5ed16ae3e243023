#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The environment variables Troca reads, looked up one by one (building Foundation's whole
/// environment dictionary costs more than reading a small file).
public enum Environment {
    /// The variables Troca reads.
    public static let names = ["TROCA_LAYOUTS", "TROCA_THREADS", "TROCA_LST_RUN_BYTES"]

    /// A variable's value, nil when unset.
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The variables of `names` that are set.
    public static var troca: [String: String] {
        var found: [String: String] = [:]
        for name in names { if let v = value(name) { found[name] = v } }
        return found
    }

    /// `TROCA_THREADS` when it is a positive number.
    public static var threads: Int? {
        value("TROCA_THREADS").flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }
}
