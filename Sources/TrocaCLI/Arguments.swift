import Records

/// A usage error: printed with the command's usage line, exit 64.
struct UsageError: Error {
    let message: String
}

/// Raw arguments split into options and positionals, checked against what a command accepts.
/// `--name value` and `--name=value` both work; a value that starts with `--` must be given
/// as `--name=value` (`--output --rejects` is an option without its value, never a file named
/// `--rejects`); `--` ends options; `-` is a positional (standard input), read once. An option
/// is given once, except the `repeatable` ones, whose values add up (`--template`, `--layouts`).
struct Arguments {
    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    /// Scans `args`; `valued` are the options taking a value, `flags` those without, and
    /// `repeatable` the valued options that may be given more than once.
    init(_ args: [String], valued: Set<String>, flags allowedFlags: Set<String>, repeatable: Set<String> = []) throws(UsageError) {
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let arg = args[i]
            i += 1
            if onlyPositionals || !arg.hasPrefix("--") {
                if !onlyPositionals, arg.hasPrefix("-"), arg != "-" {
                    throw UsageError(message: "unknown option \(arg)")
                }
                if arg == "-", positionals.contains("-") {
                    throw UsageError(message: "standard input (-) can be read once")
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
                let value: String
                if let inline {
                    value = inline
                } else {
                    // The next word is this option's value unless it is another option: a
                    // missing value never takes the next option as a file name.
                    guard i < args.count, !args[i].hasPrefix("--") else {
                        let found = i < args.count ? ", found \(args[i]) (a value that starts with -- is given as --\(name)=VALUE)" : ""
                        throw UsageError(message: "option --\(name) needs a value\(found)")
                    }
                    value = args[i]
                    i += 1
                }
                if let earlier = values[name]?.first, !repeatable.contains(name) {
                    throw UsageError(message: "option --\(name) given twice (\"\(earlier)\", then \"\(value)\"); it takes one value")
                }
                values[name, default: []].append(value)
            } else if allowedFlags.contains(name) {
                guard inline == nil else { throw UsageError(message: "option --\(name) takes no value") }
                guard !flags.contains(name) else { throw UsageError(message: "option --\(name) given twice") }
                flags.insert(name)
            } else {
                let known = valued.union(allowedFlags).union(["help"])
                throw UsageError(message: "unknown option --\(name)" + Suggestion.hint(for: name, among: known.sorted()) { "--" + $0 })
            }
        }
    }

    /// The value of an option (the last, for a repeatable one).
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
