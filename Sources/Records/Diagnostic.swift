/// How serious a finding is: an error rejects a record (or a file); a warning only informs.
public struct Severity: RawRepresentable, Sendable, Hashable {
    /// The raw value.
    public let rawValue: String
    /// Creates a value from its raw value.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The record (or file) could not be taken as it is.
    public static let error = Severity(rawValue: "error")
    /// The input was read, but something about it deserves a look.
    public static let warning = Severity(rawValue: "warning")
    /// Extra context for a previous finding.
    public static let note = Severity(rawValue: "note")
}

/// A stable, documented identifier of a kind of finding, such as `cnab.record-length`.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
    /// The raw value.
    public let rawValue: String
    /// Creates a value from its raw value.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a code from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }
}

/// One finding about an input, positioned as `file:line:column` (1-based; columns are byte positions
/// as in the bank manuals; 0 when the finding is about the whole file or line).
public struct Diagnostic: Sendable, Hashable {
    /// Error, warning or note.
    public var severity: Severity
    /// The stable code, e.g. `cnab.date`.
    public var code: DiagnosticCode
    /// What was expected and what was found, lowercase, without a final period.
    public var message: String
    /// The input's name as the user gave it (`-` for standard input).
    public var file: String
    /// 1-based line number, 0 for the whole file.
    public var line: Int
    /// 1-based byte column, 0 for the whole line.
    public var column: Int
    /// The raw bytes of the line the finding is about, when there is one.
    public var raw: [UInt8]?

    /// Creates a finding.
    public init(
        _ severity: Severity, _ code: DiagnosticCode, _ message: String,
        file: String, line: Int = 0, column: Int = 0, raw: [UInt8]? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.raw = raw
    }

    /// `FILE:LINE:COL: error: [code] message`, the form printed on stderr after `troca: `.
    public var formatted: String {
        var location = file
        if line > 0 {
            location += ":\(line)"
            if column > 0 { location += ":\(column)" }
        }
        return Diagnostic.showingControls("\(location): \(severity.rawValue): [\(code.rawValue)] \(message)")
    }

    /// `text` with each control character (C0, DEL, C1, and the Unicode line and paragraph
    /// separators) shown as its code, `<U+000D>`, as the imports already quote cell values: a
    /// diagnostic is one line on stderr, and a carriage return or newline taken from an input
    /// (a boleto line typed with its `\r`, a key of a JSON file, a template's tag) would split
    /// it or overwrite it on a terminal. Done here, where every finding is printed, so no
    /// stage has to remember it; text already shown this way has no control left to change.
    /// The JSONL `reject` record keeps the message as it is: JSON escapes it.
    public static func showingControls(_ text: String) -> String {
        // Almost every message is plain: looked at byte by byte, copied only when it must be.
        // (C1 controls are C2 80–9F in UTF-8, the separators E2 80 A8–A9.)
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029 {
                out.append(contentsOf: "<\(code(of: s.value))>".unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// A character's code as messages write it: `U+000D`, `U+00A0`, `U+1F600` (four hex digits
    /// at least).
    public static func code(of scalar: UInt32) -> String {
        let hex = String(scalar, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The finding as one JSONL `reject` record (without the final newline).
    public func jsonLine() -> [UInt8] {
        var w = JSONObjectWriter()
        w.string("record", "reject")
        w.string("severity", severity.rawValue)
        w.string("code", code.rawValue)
        w.string("message", message)
        w.string("file", file)
        w.int("line", line)
        w.int("column", column)
        if let raw { w.latin1("raw", raw[...]) }
        return w.finish()
    }
}
