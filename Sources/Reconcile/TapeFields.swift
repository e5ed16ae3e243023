import Records

/// Reading members of a record parsed into a `JSONTape` (node 0 is the object).
extension JSONTape {
    /// The node of a dotted path (`payer.document`) from the object at `index`, or nil.
    func node(_ path: String, of index: Int = 0) -> Int? {
        var at = index
        for part in path.split(separator: ".") {
            guard let next = member(String(part), of: at) else { return nil }
            at = next
        }
        return at
    }

    /// A string member's text; nil when absent, null, or empty. Throws when it is another kind.
    func text(_ path: String, of index: Int = 0) throws(FieldError) -> String? {
        guard let n = node(path, of: index) else { return nil }
        switch self[n].kind {
        case .null: return nil
        case .string: return self[n].count == 0 ? nil : string(n)
        default: throw FieldError(path, "expected a string, found \(kindName(n))")
        }
    }

    /// An integer member; nil when absent or null. Throws when it is another kind.
    func integer(_ path: String, of index: Int = 0) throws(FieldError) -> Int? {
        guard let n = node(path, of: index) else { return nil }
        switch self[n].kind {
        case .null: return nil
        case .integer: return Int(self[n].value)
        default: throw FieldError(path, "expected a whole number, found \(kindName(n))")
        }
    }

    /// A date member (`YYYY-MM-DD`); nil when absent or null. Throws when it is not a real date.
    func date(_ path: String, of index: Int = 0) throws(FieldError) -> CivilDate? {
        guard let s = try text(path, of: index) else { return nil }
        guard let d = CivilDate(iso: s) else { throw FieldError(path, "expected a date YYYY-MM-DD, found \"\(s)\"") }
        return d
    }

    /// What a node is, for messages: `a string "5,00"`, `a number 1.5`, `an object`.
    func kindName(_ n: Int) -> String {
        switch self[n].kind {
        case .null: return "null"
        case .true, .false: return "a boolean"
        case .integer: return "the number \(self[n].value)"
        case .number: return "the number \(string(n))"
        case .string: return "the string \"\(string(n))\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The object's `record` member (the kind of record), or nil.
    public var recordKind: String? {
        guard count > 0, self[0].kind == .object, let n = member("record", of: 0), self[n].kind == .string else { return nil }
        return string(n)
    }
}

/// A member of the wrong kind.
struct FieldError: Error {
    let path: String
    let expected: String
    init(_ path: String, _ expected: String) {
        self.path = path
        self.expected = expected
    }
}
