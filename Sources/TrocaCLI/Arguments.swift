/// A usage error: printed with the command's usage line, exit 64.
struct UsageError: Error {
    let message: String
}

/// Raw arguments split into options and positionals, checked against what a command accepts.
/// `--name value` and `--name=value` both work; `--` ends options; `-` is a positional (stdin).
struct Arguments {
    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    /// Scans `args`; `valued` are the options taking a value, `flags` those without.
    init(_ args: [String], valued: Set<String>, flags allowedFlags: Set<String>) throws(UsageError) {
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let arg = args[i]
            i += 1
            if onlyPositionals || !arg.hasPrefix("--") {
                if !onlyPositionals, arg.hasPrefix("-"), arg != "-" {
                    throw UsageError(message: "unknown option \(arg)")
                }
                positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            var name = String(arg.dropFirst(2))
            var inline: String? = nil
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if valued.contains(name) {
                if let inline {
                    values[name, default: []].append(inline)
                } else {
                    guard i < args.count else { throw UsageError(message: "option --\(name) needs a value") }
                    values[name, default: []].append(args[i])
                    i += 1
                }
            } else if allowedFlags.contains(name), inline == nil {
                flags.insert(name)
            } else {
                throw UsageError(message: "unknown option --\(name)")
            }
        }
    }

    /// The last value of an option.
    func value(_ name: String) -> String? { values[name]?.last }

    /// An option's integer value.
    func int(_ name: String) throws(UsageError) -> Int? {
        guard let v = value(name) else { return nil }
        guard let n = Int(v), n >= 0 else { throw UsageError(message: "--\(name) needs a non-negative number, found \"\(v)\"") }
        return n
    }

    /// Whether a flag was given.
    func has(_ flag: String) -> Bool { flags.contains(flag) }
}
