import Records

/// Checks a `letter` job's values against the kinds its schema declares, before anything of it
/// is rendered: a letter must not print an amount it could not read (`"abc"` centavos shown as
/// R$ 0,00), a count that is not one (`vencidos há abc dias`), or a control character that
/// breaks its pages (a form feed in a name is a page break in the text output).
///
/// The fields the schema names (the only ones a template can print) are checked wherever the
/// job has them, printed or not, so that a job is refused the same way in every format:
/// - `cents`: an integer 0…`maxCents` (15 digits of centavos, what a CNAB amount field
///   `9(13)V99` holds; a letter's amounts — face values, charges, discounts, totals — are never
///   negative);
/// - `integer`: an integer 0…`maxInteger` (sequence, days overdue);
/// - `date`: a date `YYYY-MM-DD`;
/// - `text`: no control character (U+0000…U+001F, U+007F…U+009F; tab and line feed too).
///
/// `null` is an absent value, for every kind: a template that needs the value rejects the job
/// as missing (`letters.missing-value`). A value of an unexpected kind for a text field (a number
/// for `number`) or an object or list not where the schema has one is left to the template,
/// which prints it or says it is missing.
public struct JobCheck: Sendable {
    /// The largest amount in centavos: 15 digits.
    public static let maxCents: Int64 = 999_999_999_999_999
    /// The largest count (`sequence`, `days_overdue`): 9 digits.
    public static let maxInteger: Int64 = 999_999_999

    /// Why a job cannot be rendered: its stable code (`letters.value`), what was expected and
    /// found (the path of the value first), and the tape node of the value.
    public struct Problem: Error, Sendable, Hashable {
        public var code: String
        public var message: String
        /// The value's node in the job's tape (for its column: `JSONReader.column(ofNode:in:)`).
        public var node: Int
    }

    /// The schema as byte keys, found with `JSONTape.member` (the last of repeated keys, as the
    /// template reads them).
    indirect enum Shape: Sendable {
        case text, cents, integer, date
        case object([Member])
        case list(Shape)
    }

    struct Member: Sendable {
        var key: [UInt8]
        var name: String
        var shape: Shape
    }

    let root: Shape

    /// A check of jobs of `schema`.
    public init(schema: FieldShape = LetterSchema.job) {
        root = Self.compile(schema)
    }

    static func compile(_ shape: FieldShape) -> Shape {
        switch shape {
        case .text: return .text
        case .cents: return .cents
        case .integer: return .integer
        case .date: return .date
        case .list(let element): return .list(compile(element))
        case .object(let members):
            return .object(members.keys.sorted().map { Member(key: Array($0.utf8), name: $0, shape: compile(members[$0]!)) })
        }
    }

    /// The first problem of the job at node 0 of `tape`, or nil when its values are as declared.
    public func problem(in tape: JSONTape) -> Problem? {
        var path: [String] = []
        guard let (node, what) = check(tape, 0, root, &path) else { return nil }
        var text = ""
        for part in path.reversed() { text += part.hasPrefix("[") || text.isEmpty ? part : "." + part }
        return Problem(code: "letters.value", message: "\(text): \(what)", node: node)
    }

    /// The node and the trouble of the first bad value at or below `node`; `path` gets the
    /// parts of its path, innermost first.
    func check(_ tape: JSONTape, _ node: Int, _ shape: Shape, _ path: inout [String]) -> (Int, String)? {
        let n = tape[node]
        if n.kind == .null { return nil }
        switch shape {
        case .object(let members):
            guard n.kind == .object else { return nil }
            for m in members {
                guard let v = tape.member(m.key, of: node) else { continue }
                if let found = check(tape, v, m.shape, &path) {
                    path.append(m.name)
                    return found
                }
            }
        case .list(let element):
            guard n.kind == .array else { return nil }
            var item = node + 1
            for k in 0..<Int(n.count) {
                if let found = check(tape, item, element, &path) {
                    path.append("[\(k)]")
                    return found
                }
                item = tape.next(after: item)
            }
        case .cents:
            guard n.kind == .integer, n.value >= 0, n.value <= Self.maxCents else {
                return (node, "expected integer centavos 0…\(Self.maxCents), found \(Self.found(tape, node))")
            }
        case .integer:
            guard n.kind == .integer, n.value >= 0, n.value <= Self.maxInteger else {
                return (node, "expected a whole number 0…\(Self.maxInteger), found \(Self.found(tape, node))")
            }
        case .date:
            guard n.kind == .string, Filters.civilDate(tape.bytes(node)) != nil else {
                return (node, "expected a date YYYY-MM-DD, found \(Self.found(tape, node))")
            }
        case .text:
            guard n.kind == .string, let (scalar, character) = Self.controlCharacter(tape.bytes(node)) else { return nil }
            let hex = String(scalar, radix: 16, uppercase: true)
            return (
                node,
                "holds a control character (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex), character \(character)), "
                    + "which a letter does not print: it would break the page (text, PDF) or the LST record"
            )
        }
        return nil
    }

    /// The first control character of UTF-8 `bytes` (C0, DEL, C1) and its 1-based position in
    /// characters, or nil. C1 characters are U+0080…U+009F, encoded C2 80…C2 9F.
    static func controlCharacter(_ bytes: ArraySlice<UInt8>) -> (UInt32, Int)? {
        var characters = 0
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b & 0xC0 != 0x80 { characters += 1 }
            if b < 0x20 || b == 0x7F { return (UInt32(b), characters) }
            if b == 0xC2, i + 1 < bytes.endIndex, bytes[i + 1] >= 0x80, bytes[i + 1] <= 0x9F { return (UInt32(bytes[i + 1]), characters) }
            i += 1
        }
        return nil
    }

    /// A value as the message shows it: its JSON text, cut after 40 bytes.
    static func found(_ tape: JSONTape, _ node: Int) -> String {
        var out: [UInt8] = []
        tape.value(at: node).write(to: &out)
        if out.count > 40 {
            var cut = 40
            while cut > 0, out[cut] & 0xC0 == 0x80 { cut -= 1 }
            return String(decoding: out[..<cut], as: UTF8.self) + "…"
        }
        return String(decoding: out, as: UTF8.self)
    }
}
