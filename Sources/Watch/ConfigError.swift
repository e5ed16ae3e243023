import Records

/// A pipeline or watch configuration that cannot be used: the file, the JSON path of the bad
/// entry, and what was expected and found. Exit 78.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration file.
    public var file: String
    /// The JSON path of the bad entry, e.g. `$.stages[1].stage` (`$` for the whole file).
    public var path: String
    /// What is wrong.
    public var message: String
    /// Where a JSON syntax error is: 1-based line and byte column (0 when the error is not one;
    /// `path` is then `$`).
    public var line = 0
    /// See `line`.
    public var column = 0

    /// Creates an error.
    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// `FILE: $.path: message`, or `FILE:LINE:COL: message` for a JSON syntax error.
    public var description: String { line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(path): \(message)" }

    /// The message with the JSON path leading it, as a diagnostic says it after `FILE:`; a
    /// syntax error's position is said by its line and column instead.
    public var located: String { line > 0 ? message : "\(path): \(message)" }
}

/// Reads members of a JSON object, remembering the JSON path for error messages and refusing
/// members nobody asked for (a misspelt key is an error, not a silent default).
struct ConfigReader {
    let file: String
    let path: String
    let object: JSONObject

    init(file: String, path: String, value: JSONValue) throws(ConfigError) {
        guard case .object(let o) = value else {
            throw ConfigError(file: file, path: path, message: "expected an object, found \(value.kindName)")
        }
        self.file = file
        self.path = path
        self.object = o
    }

    func error(_ key: String?, _ message: String) -> ConfigError {
        ConfigError(file: file, path: key.map { "\(path).\($0)" } ?? path, message: message)
    }

    /// Refuses members other than `known`.
    func only(_ known: [String]) throws(ConfigError) {
        for m in object.members where !known.contains(m.key) {
            throw error(m.key, "unknown key \"\(m.key)\"\(Suggestion.hint(for: m.key, among: known) { "\"\($0)\"" }); expected one of: \(known.joined(separator: ", "))")
        }
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = object[key] else { return nil }
        guard case .string(let s) = v else { throw error(key, "expected a string, found \(v.kindName)") }
        return s
    }

    func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let s = try string(key) else { throw error(key, "missing; expected a string") }
        guard !s.isEmpty else { throw error(key, "expected a non-empty string, found \"\"") }
        return s
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let v = object[key] else { return nil }
        guard case .bool(let b) = v else { throw error(key, "expected true or false, found \(v.kindName)") }
        return b
    }

    /// A non-negative number of seconds (decimals allowed: 0.5).
    func seconds(_ key: String) throws(ConfigError) -> Double? {
        guard let v = object[key] else { return nil }
        guard case .number(let n) = v, let d = Double(n.text), d >= 0, d <= 86_400 else {
            throw error(key, "expected a number of seconds between 0 and 86400, found \(v.kindName)")
        }
        return d
    }

    func array(_ key: String) throws(ConfigError) -> [JSONValue]? {
        guard let v = object[key] else { return nil }
        guard case .array(let a) = v else { throw error(key, "expected an array, found \(v.kindName)") }
        return a
    }
}

extension JSONValue {
    /// What a value is, for messages: `a string ("x")`, `a number (3)`, `an array`…
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .number(let n): "the number \(n.text)"
        case .string(let s): "the string \"\(s)\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Loads a JSON configuration file, or throws a `ConfigError` for the whole file.
func loadJSON(_ path: String, name: String) throws(ConfigError) -> JSONValue {
    let bytes: [UInt8]
    do {
        bytes = try FileBytes.read(path)
    } catch {
        // The system's reason; the file is already named (as the user gave it, not `path`).
        throw ConfigError(file: name, path: "$", message: "cannot read: \(error.reason)")
    }
    guard let value = JSONValue(parsing: bytes) else {
        var e = ConfigError(file: name, path: "$", message: "not valid JSON")
        if let (problem, line, column) = JSONReader.syntaxError(inFile: bytes) { (e.message, e.line, e.column) = (problem, line, column) }
        throw e
    }
    if let (key, line, column) = JSONReader.repeatedKey(inFile: bytes) {
        var e = ConfigError(file: name, path: "$", message: "\"\(key)\" is given twice in one object: which one is meant?")
        (e.line, e.column) = (line, column)
        throw e
    }
    return value
}
