import Foundation
import Records

/// Reading members of a record parsed into a `JSONTape` (node 0 is the object).
extension JSONTape {
    /// A string member's text; nil when absent, null, or empty. Throws when it is another kind.
    func text(_ path: String, of index: Int = 0) throws(FieldError) -> String? {
        try text(at: node(path, of: index), path)
    }

    /// As `text(_:of:)`, for a node already found (`path` names it in messages).
    func text(at node: Int?, _ path: String) throws(FieldError) -> String? {
        guard let n = node else { return nil }
        switch self[n].kind {
        case .null: return nil
        case .string: return self[n].count == 0 ? nil : string(n)
        default: throw FieldError(path, "expected a string, found \(kindName(n))", node: n)
        }
    }

    /// Whether string node `n`'s bytes are all ASCII digits.
    func isDigits(_ n: Int) -> Bool {
        let node = self[n]
        return text.withUnsafeBufferPointer { text in
            UnsafeBufferPointer(rebasing: text[Int(node.offset)..<Int(node.offset) + Int(node.count)]).allSatisfy { $0 &- 48 < 10 }
        }
    }

    /// Whether node `n` is a string of `name`'s bytes (compared in place, no `String` made).
    @inline(__always)
    func isString(_ n: Int, _ name: StaticString) -> Bool {
        let node = self[n]
        guard node.kind == .string, Int(node.count) == name.utf8CodeUnitCount else { return false }
        return text.withUnsafeBufferPointer { memcmp($0.baseAddress! + Int(node.offset), name.utf8Start, Int(node.count)) == 0 }
    }

    /// An integer member; nil when absent or null. Throws when it is another kind.
    func integer(_ path: String, of index: Int = 0) throws(FieldError) -> Int? {
        try integer(at: node(path, of: index), path)
    }

    /// As `integer(_:of:)`, for a node already found (`path` names it in messages).
    func integer(at node: Int?, _ path: String) throws(FieldError) -> Int? {
        guard let n = node else { return nil }
        switch self[n].kind {
        case .null: return nil
        case .integer: return Int(self[n].value)
        case .number where string(n).utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 45 }):
            // A whole number too long for the reader's integers (19 digits or more).
            throw FieldError(path, "expected a whole number of at most 18 digits, found \(string(n))", node: n)
        default: throw FieldError(path, "expected a whole number, found \(kindName(n))", node: n)
        }
    }

    /// A date member (`YYYY-MM-DD`); nil when absent or null. Throws when it is not a real date.
    func date(_ path: String, of index: Int = 0) throws(FieldError) -> CivilDate? {
        try date(at: node(path, of: index), path)
    }

    /// As `date(_:of:)`, for a node already found (`path` names it in messages).
    func date(at node: Int?, _ path: String) throws(FieldError) -> CivilDate? {
        guard let n = node, self[n].kind != .null else { return nil }
        if self[n].kind == .string, self[n].count == 10 {
            // Read in place: an array slice of the bytes (`bytes(_:)`) costs a retain and a release.
            let offset = Int(self[n].offset)
            let found: CivilDate? = text.withUnsafeBufferPointer { text in
                let b = UnsafeBufferPointer(rebasing: text[offset..<offset + 10])
                guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), let y = Digits.value(b[0..<4]), let m = Digits.value(b[5..<7]),
                    let d = Digits.value(b[8..<10])
                else { return nil }
                return CivilDate(year: y, month: m, day: d)
            }
            if let found { return found }
        }
        guard let s = try text(at: n, path) else { return nil }
        throw FieldError(path, "expected a date YYYY-MM-DD, found \"\(s)\"", node: n)
    }

    /// Calls `body` with each member of the object at `index`: its key's bytes and its value's
    /// node, in document order. Reading several members in one pass costs one walk of the
    /// object instead of one `member` walk (and one key `String`) each; a caller that keeps
    /// the last node seen for a key gets what `member` would give (the last one wins).
    func forEachMember(of index: Int, _ body: (UnsafeRawBufferPointer, Int) -> Void) {
        guard nodes[index].kind == .object else { return }
        nodes.withUnsafeBufferPointer { nodes in
            text.withUnsafeBytes { text in
                var i = index + 1
                for _ in 0..<nodes[index].count {
                    let k = nodes[i]
                    // A key's bytes lie within the text's first `textCount` bytes (the reader put them there).
                    body(UnsafeRawBufferPointer(rebasing: text[Int(k.offset)..<Int(k.offset) + Int(k.count)]), i + 1)
                    let v = nodes[i + 1]
                    i = v.kind == .array || v.kind == .object ? Int(v.value) : i + 2
                }
            }
        }
    }

    /// What a node is, for messages: `a string "5,00"`, `a number 1.5`, `an object`.
    func kindName(_ n: Int) -> String {
        switch self[n].kind {
        case .integer: return "the number \(self[n].value)"
        case .number: return "the number \(string(n))"
        case .string: return "the string \"\(string(n))\""
        case let kind: return kind.noun
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
    /// The node of the value it is about (`JSONReader.column(ofNode:in:)`), when there is one.
    let node: Int?
    init(_ path: String, _ expected: String, node: Int? = nil) {
        self.path = path
        self.expected = expected
        self.node = node
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes are the name's (a member key compared without making a `String`).
    /// Inlined, and names of 8 bytes or more compared as two (overlapping) words: a record's
    /// every key is tried against a few names, so a `memcmp` call each was a good part of reading.
    @inline(__always)
    func isName(_ name: StaticString) -> Bool {
        let n = name.utf8CodeUnitCount
        guard count == n, let a = baseAddress else { return count == n }
        let b = UnsafeRawPointer(name.utf8Start)
        if n >= 8 {
            // In bounds: both hold n >= 8 bytes, so the words at 0 and n - 8 lie within them.
            return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                && a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        for k in 0..<n where a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
        return true
    }
}
