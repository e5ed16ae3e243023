import Foundation
extension JSONReader {
    /// Why a JSONL line is not a record, for its diagnostic, and the 1-based column it is about:
    /// for a line that is not JSON, its first bad byte (`syntaxError`); for an object that gives
    /// a key twice (`parseRecord`), the key and its second place; for JSON that is not an
    /// object (an array, or a lone string, number, boolean or null), what it is and where it
    /// starts; 0 for UTF-16 or UTF-32 text. Only for a line `parseRecord` refused or read as an
    /// array: it reads it again.
    public static func notAnObject(_ line: UnsafeBufferPointer<UInt8>) -> (message: String, column: Int) {
        if let found = scalar(line) { return ("expected a JSON object, found \(found.kind)", found.column) }
        if let (problem, column) = syntaxError(line) { return ("expected a JSON object: \(problem)", column) }
        var tape = JSONTape()
        guard parse(line, into: &tape) else { return ("expected a JSON object", 0) }
        if tape[0].kind == .object, let key = tape.repeatedKey() {
            return (
                "the key \"\(tape.string(key))\" is given twice in one object: which of its two values is meant cannot be told",
                column(ofNode: key, in: line)
            )
        }
        guard isUTF8(line) else { return ("expected a JSON object, found an array", 0) }
        let bom = line.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let start = line[bom...].firstIndex { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A } ?? bom
        return ("expected a JSON object, found an array", start + 1)
    }

    /// What a UTF-8 line holding one JSON scalar (`"text"`, `42`, `true`, `null`: valid JSON,
    /// though `parse` takes only an object or an array at the top) is, and its 1-based column;
    /// nil for anything else. It parses the line inside brackets, for a line already refused.
    static func scalar(_ line: UnsafeBufferPointer<UInt8>) -> (kind: String, column: Int)? {
        guard isUTF8(line) else { return nil }
        let bom = line.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard let start = line[bom...].firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }),
            line[start] != 0x5B, line[start] != 0x7B
        else { return nil }
        var wrapped: [UInt8] = [0x5B]
        wrapped += line[start...]
        wrapped.append(0x5D)
        var tape = JSONTape()
        guard wrapped.withUnsafeBufferPointer({ parse($0, into: &tape) }), tape[0].kind == .array, tape[0].count == 1 else { return nil }
        guard tape[1].kind != .array, tape[1].kind != .object else { return nil }
        return (tape[1].kind.noun, start + 1)
    }

    /// Where a JSONL line that is not JSON stops being JSON, and what is there: the 1-based column
    /// of its first bad byte (`errorOffset`), or just past its end when it ends too soon; nil when
    /// the line is JSON, or UTF-16 or UTF-32 text.
    public static func syntaxError(_ line: UnsafeBufferPointer<UInt8>) -> (problem: String, column: Int)? {
        guard let offset = errorOffset(line) else { return nil }
        guard offset < line.count else { return ("not valid JSON, the line ends inside it", offset + 1) }
        if tooDeep(at: offset, in: line) { return (Self.tooDeepProblem, offset + 1) }
        return ("not valid JSON at \(shown(line[offset]))", offset + 1)
    }

    /// What a text nested past `maxDepth` is told.
    public static let tooDeepProblem = "nested more than \(maxDepth) levels deep (the most Troca reads)"

    /// Whether the parser stopped at `offset` because a container opens there one level past
    /// `maxDepth` (JSON, perhaps, but deeper than any record), not because the text is not JSON.
    static func tooDeep<C: Collection>(at offset: Int, in text: C) -> Bool where C.Element == UInt8, C.Index == Int {
        guard offset < text.count, text[offset] == 0x5B || text[offset] == 0x7B else { return false }
        var depth = 0
        var inString = false
        var escaped = false
        for i in text.startIndex..<offset {
            let b = text[i]
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
            } else if b == 0x22 {
                inString = true
            } else if b == 0x5B || b == 0x7B {
                depth += 1
            } else if b == 0x5D || b == 0x7D {
                depth -= 1
            }
        }
        return depth >= maxDepth
    }

    /// Where a whole file (a configuration, a layout) that is not JSON stops being JSON, and what
    /// is there: the 1-based line and byte column of its first bad byte, or of the end of its
    /// last value when it ends too soon; nil when the text is JSON, or UTF-16 or UTF-32 text.
    /// It parses `text`: call it when a reader refused the file.
    public static func syntaxError(inFile text: [UInt8]) -> (problem: String, line: Int, column: Int)? {
        guard let offset = text.withUnsafeBufferPointer({ errorOffset($0) }) else { return nil }
        var end = offset
        let problem: String
        if offset < text.count {
            problem = tooDeep(at: offset, in: text) ? tooDeepProblem : "not valid JSON at \(shown(text[offset]))"
        } else {
            // Ends too soon: said just past its last byte that is not a blank or a line end.
            while end > 0, [0x20, 0x09, 0x0D, 0x0A].contains(text[end - 1]) { end -= 1 }
            problem = end == 0 ? "not valid JSON: the file is empty" : "not valid JSON, the file ends inside it"
        }
        let (line, column) = position(of: end, in: text)
        return (problem, line, column)
    }

    /// The 1-based line and byte column of byte `offset` of a text.
    static func position<C: BidirectionalCollection>(of offset: Int, in text: C) -> (line: Int, column: Int)
    where C.Element == UInt8, C.Index == Int {
        let lineStart = text[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        return (1 + text[..<lineStart].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }, offset - lineStart + 1)
    }

    /// The first member name given twice in one object of a JSON text, with the 1-based line
    /// and byte column of its second key; nil when there is none, or the text is not JSON. For
    /// configuration files: a reader keeps one of the two values, and the other is silently
    /// ignored, which a misspelt or pasted-twice setting must never be.
    public static func repeatedKey(inFile text: [UInt8]) -> (key: String, line: Int, column: Int)? {
        var tape = JSONTape()
        return text.withUnsafeBufferPointer { buffer -> (key: String, line: Int, column: Int)? in
            guard parse(buffer, into: &tape) else { return nil }
            for node in 0..<tape.count where tape[node].kind == .object {
                // Keys compared as the tape holds them, unescaped: "a\u0062" is "ab".
                var seen: Set<ArraySlice<UInt8>> = []
                var key = node + 1
                for _ in 0..<Int(tape[node].count) {
                    if !seen.insert(tape.bytes(key)).inserted {
                        let offset = column(ofNode: key, in: buffer) - 1
                        guard offset >= 0 else { return nil }
                        let (line, column) = position(of: offset, in: buffer)
                        return (tape.string(key), line, column)
                    }
                    key = tape.next(after: key + 1)
                }
            }
            return nil
        }
    }

    /// A byte as a message shows it: `"x"` when printable ASCII (`"\""` for a quote), else
    /// `byte 0xC3`.
    static func shown(_ byte: UInt8) -> String {
        let escape = byte == 0x22 || byte == 0x5C ? "\\" : ""
        return byte >= 0x20 && byte < 0x7F
            ? "\"\(escape)\(Character(Unicode.Scalar(byte)))\"" : "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}

extension JSONReader {
    /// The 1-based column where node `node` of a line's tape begins (`parse` numbers nodes in
    /// document order: a container before its contents, an object's key before its value), for
    /// a diagnostic about that value; 0 when the line has no such node or is not UTF-8 JSON. It
    /// reads the line again, so is for the rare record refused, not for every one.
    public static func column(ofNode node: Int, in line: UnsafeBufferPointer<UInt8>) -> Int {
        // UTF-16 or UTF-32 text: its nodes are not where its bytes are.
        guard isUTF8(line) else { return 0 }
        var walk = NodeWalk(line: line, target: node)
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { walk.i = 3 }
        walk.skipSpace()
        guard walk.value(depth: 0), let found = walk.found else { return 0 }
        return found + 1
    }

    /// Whether `parse` reads `line` as UTF-8 (so a node's byte offsets are the line's).
    static func isUTF8(_ line: UnsafeBufferPointer<UInt8>) -> Bool { encoding(of: line).encoding == .utf8 }

    /// Steps through a line known to be JSON (it parsed), counting nodes as `parse` makes them,
    /// until node `target`.
    private struct NodeWalk {
        let line: UnsafeBufferPointer<UInt8>
        let target: Int
        var i = 0
        var count = 0
        var found: Int?

        mutating func skipSpace() {
            while i < line.count, line[i] == 0x20 || line[i] == 0x0A || line[i] == 0x0D || line[i] == 0x09 { i += 1 }
        }

        /// Counts the node at `i`; false when the line is not as `parse` read it, or the target
        /// is found (nothing more to read).
        mutating func node() -> Bool {
            if count == target { found = i }
            count += 1
            return found == nil
        }

        mutating func value(depth: Int) -> Bool {
            guard i < line.count, depth <= JSONReader.maxDepth, node() else { return found != nil }
            switch line[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let keyed = line[i] == UInt8(ascii: "{")
                let close = keyed ? UInt8(ascii: "}") : UInt8(ascii: "]")
                i += 1
                while true {
                    skipSpace()
                    guard i < line.count else { return false }
                    if line[i] == close {
                        i += 1
                        return true
                    }
                    if keyed {
                        guard line[i] == UInt8(ascii: "\""), node() else { return found != nil }
                        guard string() else { return false }
                        skipSpace()
                        guard i < line.count, line[i] == UInt8(ascii: ":") else { return false }
                        i += 1
                        skipSpace()
                    }
                    guard value(depth: depth + 1) else { return false }
                    if found != nil { return true }
                    skipSpace()
                    guard i < line.count else { return false }
                    if line[i] == UInt8(ascii: ",") {
                        i += 1
                    } else if line[i] != close {
                        return false
                    }
                }
            case UInt8(ascii: "\""):
                return string()
            default:
                // A number or a literal: up to the next delimiter.
                let start = i
                while i < line.count, !",]} \t\r\n".utf8.contains(line[i]) { i += 1 }
                return i > start
            }
        }

        /// Past a string at `i` (its opening quote).
        mutating func string() -> Bool {
            i += 1
            while i < line.count {
                switch line[i] {
                case UInt8(ascii: "\""):
                    i += 1
                    return true
                case UInt8(ascii: "\\"): i += 2
                default: i += 1
                }
            }
            return false
        }
    }
}

extension JSONTape {
    /// The node of a path from the object at `index`, or nil: members by name, separated by dots
    /// (`payer.document`), and array elements by their 0-based index in brackets
    /// (`installments[2].nosso_numero`). A part that is not `name[k]…` is a member name as it is.
    public func node(_ path: String, of index: Int = 0) -> Int? {
        // A plain member name (most lookups, record after record: `source.file`'s parts, a
        // payment's members) without splitting or making a string per part.
        let plain =
            path.utf8.withContiguousStorageIfAvailable { memchr($0.baseAddress!, 46, $0.count) == nil && memchr($0.baseAddress!, 91, $0.count) == nil }
            ?? !path.utf8.contains { $0 == 46 || $0 == 91 }
        if plain { return member(path, of: index) }
        // One part after another (`payer.document` in `update`, título after título), without
        // an array of the parts.
        var at = index
        var rest = Substring(path)
        while true {
            let dot = rest.firstIndex(of: ".")
            let (name, elements) = Self.pathPart(dot.map { rest[..<$0] } ?? rest)
            guard let next = member(String(name), of: at) else { return nil }
            at = next
            for k in elements {
                guard self[at].kind == .array, k < Int(self[at].count) else { return nil }
                var element = at + 1
                for _ in 0..<k { element = self.next(after: element) }
                at = element
            }
            guard let dot else { return at }
            rest = rest[rest.index(after: dot)...]
        }
    }

    /// A path part's member name and the element indexes after it: `installments[2]` is
    /// ("installments", [2]); a part with no well-formed brackets is all name.
    static func pathPart(_ part: Substring) -> (Substring, [Int]) {
        guard part.last == "]", let open = part.firstIndex(of: "[") else { return (part, []) }
        var indexes: [Int] = []
        var rest = part[open...]
        while rest.first == "[" {
            guard let close = rest.firstIndex(of: "]"), let k = Int(rest[rest.index(after: rest.startIndex)..<close]), k >= 0 else {
                return (part, [])
            }
            indexes.append(k)
            rest = rest[rest.index(after: close)...]
        }
        return rest.isEmpty ? (part[..<open], indexes) : (part, [])
    }
}

extension JSONReader {
    /// The 1-based column in `line` of the value at `path` (`payer.address.cep`,
    /// `installments[0].due_date`: `JSONTape.node(_:of:)`) of the object the line is; 0 when
    /// the line has none there or is not a JSON object. It parses the line again, so is for the
    /// rare record refused, not for every one.
    public static func column(ofPath path: String, in line: UnsafeBufferPointer<UInt8>) -> Int {
        var tape = JSONTape()
        guard parse(line, into: &tape), tape.count > 0, tape[0].kind == .object, let node = tape.node(path) else { return 0 }
        return column(ofNode: node, in: line)
    }
}
