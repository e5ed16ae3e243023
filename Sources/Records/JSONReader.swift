import Foundation

/// What a `JSONTape` node is.
public enum JSONKind: UInt8, Sendable {
    case null, `false`, `true`
    /// A number written as an integer of at most 18 digits: its value is exact in `JSONNode.value`.
    case integer
    /// Any other number: its literal is in the tape's text (see `JSONNumberValue`).
    case number
    case string, array, object
}

extension JSONKind {
    /// The kind as a message names it: "a string", "a number", "a boolean", "null", "an array",
    /// "an object".
    public var noun: String {
        switch self {
        case .null: return "null"
        case .false, .true: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Where one member of a JSON object lies in the text it was read from: its key's bytes (between
/// the quotes, as written) and its value's (from its first byte to its last).
public struct JSONMemberSpan: Sendable, Hashable {
    public var key: Range<Int>
    public var value: Range<Int>
    public init(key: Range<Int>, value: Range<Int>) {
        self.key = key
        self.value = value
    }
}

/// Where the members of a line's top-level object lie, filled by
/// `JSONReader.parse(_:into:members:)` and reused line after line.
public struct JSONMemberSpans: Sendable {
    /// Storage: the first `count` are the spans.
    var storage: [JSONMemberSpan] = []
    /// How many were recorded; nil when the last parse recorded none (a UTF-16 or UTF-32 line).
    var count: Int? = nil

    /// No spans yet.
    public init() {}

    /// The members' spans in order, or nil when the last parse could not record them.
    public var spans: ArraySlice<JSONMemberSpan>? { count.map { storage[0..<$0] } }

    /// Forgets the last spans and makes room for `capacity` (grown by doubling, kept from line to line).
    mutating func prepare(capacity: Int) {
        count = nil
        if capacity > storage.count {
            storage.append(
                contentsOf: repeatElement(JSONMemberSpan(key: 0..<0, value: 0..<0), count: max(capacity, storage.count * 2) - storage.count))
        }
    }
}

/// One node of a `JSONTape`.
public struct JSONNode: Sendable {
    /// `integer`: the value. `array`, `object`: the index of the node after the container's last
    /// descendant (so a container is skipped in one step).
    public var value: Int64
    /// `string`, `number`: where its bytes start in the tape's text.
    public var offset: Int32
    /// `string`, `number`: its byte count. `array`: its elements; `object`: its members.
    public var count: Int32
    /// What the node is.
    public var kind: JSONKind

    @inlinable
    init(_ kind: JSONKind, value: Int64 = 0, offset: Int32 = 0, count: Int32 = 0) {
        self.kind = kind
        self.value = value
        self.offset = offset
        self.count = count
    }
}

/// A JSON value parsed into a flat array of nodes in document order: a container is followed by
/// its contents (an object by key node, value nodes, key, value…), strings are unescaped UTF-8 in
/// one shared byte array. Built by `JSONReader` (or from a `JSONValue`), reused line after line
/// without allocating, and read by index. The arrays are storage, longer than what they hold:
/// `count` nodes, `textCount` bytes (and always `padding` more bytes readable after them).
public struct JSONTape: Sendable {
    /// Node storage: the root is node 0, the value's nodes are the first `count`.
    public internal(set) var nodes: [JSONNode] = []
    /// The number of nodes.
    public internal(set) var count = 0
    /// Byte storage for strings and non-integer numbers: the first `textCount` are used.
    public internal(set) var text: [UInt8] = []
    /// The number of bytes used in `text`.
    public internal(set) var textCount = 0
    /// Bytes readable past `textCount` (so a reader may load a whole word at the end of any string).
    public static let padding = 16
    /// Whether no object of the tape gives a key twice: set by `parseRecord` once it has checked,
    /// cleared by anything that changes the tape. A member is then the first of its name, and
    /// `member` stops there instead of reading every key for a later one.
    public internal(set) var keysUnique = false
    /// The parser's scratch for finding keys given twice (`JSONReader.KeySeen`), kept between
    /// records.
    var keySeen: [JSONReader.KeySeen] = []
    /// The keys the parser expects in the next record (`JSONReader.PredictedKey`), by node
    /// index: those of the last record it read whole that gave no key twice (records of one
    /// producer name the same keys in the same order). An entry is valid when its generation
    /// is `predictedGeneration` (the parse that wrote it, and was kept); `parses` numbers them.
    var predicted: [JSONReader.PredictedKey] = []
    var predictedGeneration: UInt32 = 0
    var parses: UInt32 = 0

    /// An empty tape.
    public init() {}

    /// Forgets the contents, keeping the memory.
    public mutating func removeAll() {
        count = 0
        textCount = 0
        keysUnique = false
    }

    /// Makes room for `nodes` more nodes and `bytes` more bytes of text (plus the padding).
    public mutating func reserve(nodes extra: Int, bytes: Int) {
        // (Every change of the tape makes room first.)
        keysUnique = false
        if count + extra > nodes.count {
            nodes.append(contentsOf: repeatElement(JSONNode(.null), count: max(count + extra, nodes.count * 2) - nodes.count))
        }
        if textCount + bytes + Self.padding > text.count {
            text.append(contentsOf: repeatElement(0, count: max(textCount + bytes + Self.padding, text.count * 2) - text.count))
        }
    }

    /// Kept for callers that finish a tape: the padding is always there.
    public mutating func finish() {}

    /// The node at `index` (below `count`).
    @inlinable
    public subscript(index: Int) -> JSONNode { nodes[index] }

    mutating func appendNode(_ node: JSONNode) {
        reserve(nodes: 1, bytes: 0)
        nodes[count] = node
        count += 1
    }

    mutating func appendText<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let n = bytes.count
        reserve(nodes: 0, bytes: n)
        let at = textCount
        text.withUnsafeMutableBufferPointer { text in
            if bytes.withContiguousStorageIfAvailable({ (text.baseAddress! + at).update(from: $0.baseAddress!, count: $0.count) }) == nil {
                var k = at
                for b in bytes {
                    text[k] = b
                    k += 1
                }
            }
        }
        textCount += n
    }

    /// Appends a string node for a string.
    public mutating func appendString(_ string: String) {
        var s = string
        s.withUTF8 { appendString($0) }
    }

    /// The index of the node after `index` and all its descendants.
    @inlinable
    public func next(after index: Int) -> Int {
        let node = nodes[index]
        return node.kind == .array || node.kind == .object ? Int(node.value) : index + 1
    }

    /// A string node's bytes (also a number node's literal).
    public func bytes(_ index: Int) -> ArraySlice<UInt8> {
        let node = nodes[index]
        return text[Int(node.offset)..<Int(node.offset) + Int(node.count)]
    }

    /// A string node's bytes (also a number node's literal) as a buffer, for hot paths: no
    /// slice of the storage is made (and retained).
    @inlinable
    public func withBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let node = nodes[index]
        return try text.withUnsafeBufferPointer { text in
            try body(UnsafeBufferPointer(start: text.baseAddress! + Int(node.offset), count: Int(node.count)))
        }
    }

    /// Whether a string node's bytes (a number node's literal) are `other`'s.
    @inlinable
    public func bytesEqual<C: Collection>(_ index: Int, _ other: C) -> Bool where C.Element == UInt8 {
        withBytes(index) { mine in
            let same = other.withContiguousStorageIfAvailable { theirs in
                theirs.count == mine.count && (mine.isEmpty || memcmp(mine.baseAddress!, theirs.baseAddress!, mine.count) == 0)
            }
            return same ?? mine.elementsEqual(other)
        }
    }

    /// A string node's text.
    @inlinable
    public func string(_ index: Int) -> String {
        withBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// The value node of the last member named `key` of the object at `index` (the last one wins,
    /// as with `JSONSerialization`), or nil.
    public func member(_ key: String, of index: Int) -> Int? {
        var key = key
        return key.withUTF8 { member($0, of: index) }
    }

    /// `member(_:of:)` for a key given as bytes (a stage that looks up many members per record
    /// keeps its keys as bytes): the object's keys are scanned through pointers, a key's first
    /// byte compared before the rest.
    public func member(_ wanted: UnsafeBufferPointer<UInt8>, of index: Int) -> Int? {
        guard nodes[index].kind == .object else { return nil }
        return nodes.withUnsafeBufferPointer { nodes in
            text.withUnsafeBufferPointer { text in
                var found: Int? = nil
                var i = index + 1
                // Nodes `index + 1…` are key, value, key, value… of the object (a container value
                // says where it ends); a key's bytes lie in `text`, which is never empty once a
                // parse has reserved it.
                for _ in 0..<nodes[index].count {
                    let k = nodes[i]
                    if Int(k.count) == wanted.count,
                        wanted.isEmpty
                            || (text[Int(k.offset)] == wanted[0] && memcmp(text.baseAddress! + Int(k.offset), wanted.baseAddress!, wanted.count) == 0)
                    {
                        found = i + 1
                        if keysUnique { break }
                    }
                    let v = nodes[i + 1]
                    i = v.kind == .array || v.kind == .object ? Int(v.value) : i + 2
                }
                return found
            }
        }
    }

    /// The first key node that repeats an earlier key of its object (keys compared as the tape
    /// holds them, unescaped: `"a\u0062"` is `"ab"`), or nil. Each key is hashed once (its
    /// length and first and last eight bytes) and sets one bit of its object's 64-bit filter;
    /// only a key whose bit is already set is looked for among the keys before it, by their
    /// hashes, and compared byte by byte only with a key of its very hash. A record of a dozen
    /// keys costs a dozen hashes and no comparison of bytes; an object of more than 64 keys
    /// (which fill the filter) is checked through a set.
    public func repeatedKey() -> Int? {
        nodes.withUnsafeBufferPointer { nodes in
            text.withUnsafeBufferPointer { text -> Int? in
                guard let t = text.baseAddress else { return nil }
                @inline(__always) func hash(_ k: JSONNode) -> UInt64 { JSONTape.keyHash(t + Int(k.offset), Int(k.count)) }
                @inline(__always) func same(_ a: JSONNode, _ b: JSONNode) -> Bool {
                    a.count == b.count && memcmp(t + Int(a.offset), t + Int(b.offset), Int(a.count)) == 0
                }
                // The hashes and nodes of the keys of the object being checked (at most 64).
                return withUnsafeTemporaryAllocation(of: (hash: UInt64, node: Int32).self, capacity: 64) { seen -> Int? in
                    for o in 0..<count where nodes[o].kind == .object && nodes[o].count > 1 {
                        let members = Int(nodes[o].count)
                        var i = o + 1
                        if members > 64 {
                            var keys: Set<ArraySlice<UInt8>> = []
                            for _ in 0..<members {
                                if !keys.insert(self.text[Int(nodes[i].offset)..<Int(nodes[i].offset) + Int(nodes[i].count)]).inserted { return i }
                                i = next(after: i + 1)
                            }
                            continue
                        }
                        var filter: UInt64 = 0
                        for m in 0..<members {
                            let key = nodes[i]
                            let h = hash(key)
                            let b: UInt64 = 1 &<< (h >> 58)
                            if filter & b != 0 {
                                for j in 0..<m where seen[j].hash == h && same(nodes[Int(seen[j].node)], key) { return i }
                            }
                            filter |= b
                            seen[m] = (h, Int32(truncatingIfNeeded: i))
                            let v = nodes[i + 1]
                            i = v.kind == .array || v.kind == .object ? Int(v.value) : i + 2
                        }
                    }
                    return nil
                }
            }
        }
    }

    /// A key's hash for finding one given twice (`repeatedKey`, and the parser as it reads): its
    /// length and its first and last eight bytes. A key of up to 8 bytes is read in one word
    /// (text always has padding after its last byte), the bytes past the key masked off.
    @inline(__always)
    static func keyHash(_ key: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let at = UnsafeRawPointer(key)
        var first = at.loadUnaligned(as: UInt64.self)
        if n < 8 { first &= (1 &<< UInt64(8 &* n)) &- 1 }
        let last = n > 8 ? at.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) : 0
        return (first ^ (last &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(truncatingIfNeeded: n)) &* 0xBF58_476D_1CE4_E5B9
    }

    /// `member(_:of:)` for a key given as an array of bytes.
    public func member(_ key: [UInt8], of index: Int) -> Int? {
        key.withUnsafeBufferPointer { member($0, of: index) }
    }

    /// Appends a string node.
    public mutating func appendString<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        appendNode(JSONNode(.string, offset: Int32(textCount), count: Int32(bytes.count)))
        appendText(bytes)
    }

    /// Appends a value (and its contents) as nodes.
    public mutating func append(_ value: JSONValue) {
        switch value {
        case .null: appendNode(JSONNode(.null))
        case .bool(let b): appendNode(JSONNode(b ? .true : .false))
        case .number(let n):
            if let v = n.exactInteger {
                appendNode(JSONNode(.integer, value: v))
            } else {
                appendNode(JSONNode(.number, offset: Int32(textCount), count: Int32(n.text.utf8.count)))
                appendText(n.text.utf8)
            }
        case .string(let s): appendString(s)
        case .array(let elements):
            let at = count
            appendNode(JSONNode(.array, count: Int32(elements.count)))
            for e in elements { append(e) }
            nodes[at].value = Int64(count)
        case .object(let object):
            let at = count
            appendNode(JSONNode(.object, count: Int32(object.members.count)))
            for m in object.members {
                appendString(m.key)
                append(m.value)
            }
            nodes[at].value = Int64(count)
        }
    }

    /// Builds in `out` the object at `index` with some members changed, without a tree: a
    /// changed key keeps its first place (its repeats dropped) with the new value, or is removed
    /// (nil); keys it did not have are appended in the order given — as setting them on a
    /// `JSONObject` would.
    public func object(at index: Int, changing changes: [(key: String, value: JSONValue?)], into out: inout JSONTape) {
        out.removeAll()
        let root = out.count
        out.appendNode(JSONNode(.object))
        var members: Int32 = 0
        var done: UInt64 = 0
        let keys = changes.map { Array($0.key.utf8) }
        precondition(changes.count <= 64)
        // Unchanged members are copied a run at a time.
        var i = index + 1
        var run = i
        var runMembers: Int32 = 0
        for _ in 0..<nodes[index].count {
            let v = i + 1
            let end = next(after: v)
            let key = nodes[i]
            let c = text.withUnsafeBufferPointer { text in
                keys.firstIndex { $0.count == Int(key.count) && memcmp($0, text.baseAddress! + Int(key.offset), $0.count) == 0 }
            }
            if let c {
                if run < i {
                    out.copy(from: self, run..<i)
                    members += runMembers
                }
                if done & (1 << UInt64(c)) == 0, let value = changes[c].value {
                    out.copy(from: self, i..<v)
                    out.append(value)
                    members += 1
                }
                done |= 1 << UInt64(c)
                run = end
                runMembers = 0
            } else {
                runMembers += 1
            }
            i = end
        }
        if run < i {
            out.copy(from: self, run..<i)
            members += runMembers
        }
        for (c, change) in changes.enumerated() where done & (1 << UInt64(c)) == 0 {
            if let value = change.value {
                out.appendString(change.key)
                out.append(value)
                members += 1
            }
        }
        out.nodes[root].count = members
        out.nodes[root].value = Int64(out.count)
    }

    /// Appends nodes `range` of another tape (a whole value and its contents).
    mutating func copy(from other: JSONTape, _ range: Range<Int>) {
        var bytes = 0
        for k in range where other.nodes[k].kind == .string || other.nodes[k].kind == .number { bytes += Int(other.nodes[k].count) }
        reserve(nodes: range.count, bytes: bytes)
        let shift = count - range.lowerBound
        nodes.withUnsafeMutableBufferPointer { nodes in
            text.withUnsafeMutableBufferPointer { text in
                other.nodes.withUnsafeBufferPointer { from in
                    other.text.withUnsafeBufferPointer { fromText in
                        for k in range {
                            var node = from[k]
                            switch node.kind {
                            case .string, .number:
                                (text.baseAddress! + textCount).update(
                                    from: fromText.baseAddress! + Int(node.offset), count: Int(node.count))
                                node.offset = Int32(textCount)
                                textCount += Int(node.count)
                            case .array, .object:
                                node.value += Int64(shift)
                            default: break
                            }
                            nodes[count] = node
                            count += 1
                        }
                    }
                }
            }
        }
    }

    /// The value at `index` as a tree.
    public func value(at index: Int) -> JSONValue {
        let node = nodes[index]
        switch node.kind {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .integer: return .number(JSONNumber(Int(node.value)))
        case .number: return .number(JSONNumber(literal: string(index)))
        case .string: return .string(string(index))
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(Int(node.count))
            var i = index + 1
            for _ in 0..<node.count {
                elements.append(value(at: i))
                i = next(after: i)
            }
            return .array(elements)
        case .object:
            var members: [JSONObject.Member] = []
            members.reserveCapacity(Int(node.count))
            var keys: [Int] = []
            keys.reserveCapacity(Int(node.count))
            var i = index + 1
            for _ in 0..<node.count {
                keys.append(i)
                members.append(JSONObject.Member(key: string(i), value: value(at: i + 1)))
                i = next(after: i + 1)
            }
            // A repeated key (rare): the object keeps its first place and last value.
            var repeated = false
            text.withUnsafeBufferPointer { text in
                outer: for a in keys.indices {
                    for b in keys.indices where b > a && nodes[keys[a]].count == nodes[keys[b]].count {
                        if memcmp(
                            text.baseAddress! + Int(nodes[keys[a]].offset), text.baseAddress! + Int(nodes[keys[b]].offset),
                            Int(nodes[keys[a]].count)) == 0
                        {
                            repeated = true
                            break outer
                        }
                    }
                }
            }
            return .object(repeated ? JSONObject(members: members) : JSONObject(unique: members))
        }
    }
}

/// A byte-level JSON parser for one JSONL line, accepting and rejecting exactly what Foundation's
/// `JSONSerialization` does (trailing commas, a leading BOM, UTF-16/32 detected by zero bytes,
/// at most 512 nested containers, strict UTF-8 in strings, numbers Foundation can represent),
/// so that a writer switching to it rejects the same lines.
public enum JSONReader {
    /// Containers nested deeper than this are rejected (as `JSONSerialization` does).
    public static let maxDepth = 512

    /// Parses one JSON text into `tape` (cleared first). Returns false when the bytes are not one
    /// well-formed JSON value (the tape then holds garbage).
    public static func parse(_ input: UnsafeBufferPointer<UInt8>, into tape: inout JSONTape) -> Bool {
        parse(input, into: &tape, spans: nil)
    }

    /// Parses one JSONL record like `parse(_:into:)`, and also refuses one whose objects give a
    /// key twice (`{"amount_cents":100,"amount_cents":999999}`): which value is meant cannot be
    /// told, and a stage keeping the last while another keeps the first would disagree about
    /// money (`notAnObject` says which key, and where). `parse` keeps JSONSerialization's
    /// leniency (the last value wins) for the readers that check repeats themselves.
    public static func parseRecord(_ input: UnsafeBufferPointer<UInt8>, into tape: inout JSONTape) -> Bool {
        // The parser looks for repeats as it reads the keys; only a record it could not clear
        // (a key seen twice, or an object too deep or too wide to follow) is checked again,
        // by `repeatedKey`, which also finds the key a message names.
        var suspect = false
        guard parse(input, into: &tape, spans: nil, suspect: &suspect), !suspect || tape.repeatedKey() == nil else { return false }
        tape.keysUnique = true
        return true
    }

    /// `parseRecord(_:into:)`, recording the top-level members' spans as `parse(_:into:members:)` does.
    public static func parseRecord(_ input: UnsafeBufferPointer<UInt8>, into tape: inout JSONTape, members: inout JSONMemberSpans) -> Bool {
        var suspect = false
        guard parse(input, into: &tape, members: &members, suspect: &suspect), !suspect || tape.repeatedKey() == nil else { return false }
        tape.keysUnique = true
        return true
    }

    /// Parses like `parse(_:into:)` and records in `members` where each member of the top-level
    /// object lies in `input` (for a stage that rewrites some members of a line and copies the
    /// rest as they are). Only for UTF-8 input: a UTF-16 or UTF-32 text, whose offsets are not
    /// the input's, records none (`members.spans` is then nil).
    public static func parse(_ input: UnsafeBufferPointer<UInt8>, into tape: inout JSONTape, members: inout JSONMemberSpans) -> Bool {
        var unasked = false
        return parse(input, into: &tape, members: &members, suspect: &unasked)
    }

    /// `parse(_:into:members:)`, looking for keys given twice as `parse(_:into:spans:suspect:)` does.
    static func parse(_ input: UnsafeBufferPointer<UInt8>, into tape: inout JSONTape, members: inout JSONMemberSpans, suspect: inout Bool) -> Bool {
        // A member takes at least four bytes (`"":0`), and a comma between two.
        members.prepare(capacity: input.count / 4 + 2)
        return withUnsafeMutablePointer(to: &members) { spans in
            withUnsafeMutablePointer(to: &suspect) { parse(input, into: &tape, spans: spans, suspect: $0) }
        }
    }

    /// Where a text that `parse` refused stops being JSON, for a diagnostic's column: the 0-based
    /// offset in `input` of the first byte that cannot go on a JSON object or array
    /// (`input.count` when the text ends too soon), or nil when `input` parses or is UTF-16 or
    /// UTF-32 (whose offsets are not the input's). It parses `input` again, apart from `parse`:
    /// call it only for a line `parse` refused.
    public static func errorOffset(_ input: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let b = input.baseAddress, input.count > 0 else { return 0 }
        let n = input.count
        // Offsets are the input's only in UTF-8 (its byte order mark skipped).
        let (encoding, skip) = Self.encoding(of: input)
        if encoding != .utf8 { return nil }
        guard n > skip else { return n }
        var tape = JSONTape()
        tape.reserve(nodes: Self.nodeBound(n), bytes: n)
        return tape.nodes.withUnsafeMutableBufferPointer { nodes in
            tape.text.withUnsafeMutableBufferPointer { text in
                var parser = Parser(p: b + skip, n: n - skip, nodes: nodes.baseAddress!, text: text.baseAddress!)
                return parser.document() ? nil : skip + min(parser.i, parser.n)
            }
        }
    }

    /// The most nodes `n` bytes can make before the parser stops. A node of a closed value takes
    /// two bytes at least (`[]`, `"",`, `0,`); a text that ends too soon lacks a closing byte for
    /// each container still open (at most `maxDepth`) and a number's delimiter: `[[[[[[[[[` is
    /// nine nodes in nine bytes. (Room for half as many, the bound before, let such a line write
    /// past the nodes and corrupt the heap.)
    static func nodeBound(_ n: Int) -> Int { n / 2 + maxDepth + 8 }

    /// The encoding of a JSON text as JSONSerialization finds it (a byte order mark, else zero
    /// bytes where UTF-16 and UTF-32 have them), and how many bytes its mark takes.
    static func encoding(of input: UnsafeBufferPointer<UInt8>) -> (encoding: String.Encoding, skip: Int) {
        guard let b = input.baseAddress else { return (.utf8, 0) }
        let n = input.count
        if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return (.utf8, 3) }
        if n >= 4, b[0] == 0, b[1] == 0, b[2] == 0xFE, b[3] == 0xFF { return (.utf32BigEndian, 4) }
        if n >= 2, b[0] == 0xFF, b[1] == 0xFE { return n >= 4 && b[2] == 0 && b[3] == 0 ? (.utf32LittleEndian, 4) : (.utf16LittleEndian, 2) }
        if n >= 2, b[0] == 0xFE, b[1] == 0xFF { return (.utf16BigEndian, 2) }
        if n >= 4 {
            switch (b[0], b[1], b[2], b[3]) {
            case (0, 0, 0, _): return (.utf32BigEndian, 0)
            case (_, 0, 0, 0): return (.utf32LittleEndian, 0)
            case (0, _, 0, _): return (.utf16BigEndian, 0)
            case (_, 0, _, 0): return (.utf16LittleEndian, 0)
            default: return (.utf8, 0)
            }
        }
        if n >= 2 {
            if b[0] == 0 { return (.utf16BigEndian, 0) }
            if b[1] == 0 { return (.utf16LittleEndian, 0) }
        }
        return (.utf8, 0)
    }

    /// `suspect`: when not nil, the parser looks for a key given twice in an object as it reads
    /// the keys, and sets it when it saw one, or an object it could not follow (more than 64
    /// keys, or deeper than `KeySeen.depths`): then, and only then, `repeatedKey` must look.
    static func parse(
        _ input: UnsafeBufferPointer<UInt8>, into tape: inout JSONTape, spans: UnsafeMutablePointer<JSONMemberSpans>?,
        suspect: UnsafeMutablePointer<Bool>? = nil
    ) -> Bool {
        tape.removeAll()
        guard input.count > 0 else { return false }
        let (encoding, skip) = Self.encoding(of: input)
        let rest = UnsafeBufferPointer(rebasing: input[skip...])
        if encoding != .utf8 {
            suspect?.pointee = true
            guard let text = String(bytes: rest, encoding: encoding) else { return false }
            var utf8 = Array(text.utf8)
            return utf8.withUnsafeMutableBufferPointer { parseUTF8(UnsafeBufferPointer($0), into: &tape) }
        }
        guard let suspect else { return parseUTF8(rest, into: &tape, spans: spans, offset: skip) }
        // The keys' scratch (4 KiB: too much for the stack, a malloc and a free per record when
        // it was a temporary allocation) is kept with the tape.
        if tape.keySeen.isEmpty { tape.keySeen = [KeySeen](repeating: KeySeen(hash: 0, offset: 0, count: 0), count: KeySeen.depths * 64) }
        var keys = tape.keySeen
        tape.keySeen = []
        defer { tape.keySeen = keys }
        // The keys expected (`PredictedKey`): room for the nodes the line can make, up to
        // `PredictedKey.limit`; a new generation for the keys this parse learns.
        let room = min(nodeBound(rest.count), PredictedKey.limit)
        if tape.predicted.count < room {
            tape.predicted.append(contentsOf: repeatElement(PredictedKey(), count: max(room, 2 * tape.predicted.count) - tape.predicted.count))
        }
        if tape.parses == UInt32.max {
            for k in tape.predicted.indices { tape.predicted[k].parent = -1 }
            tape.parses = 0
            tape.predictedGeneration = 0
        }
        tape.parses += 1
        let generation = tape.parses
        var predicted = tape.predicted
        tape.predicted = []
        defer { tape.predicted = predicted }
        let ok = keys.withUnsafeMutableBufferPointer { keys in
            predicted.withUnsafeMutableBufferPointer { predicted in
                parseUTF8(
                    rest, into: &tape, spans: spans, offset: skip, keys: keys.baseAddress!, suspect: suspect,
                    predicted: predicted.baseAddress!, predictedCount: predicted.count,
                    generations: (tape.predictedGeneration, generation))
            }
        }
        // A record read whole, with no key given twice (nor an object too deep or wide to tell):
        // its keys are expected of the next.
        if ok, !suspect.pointee { tape.predictedGeneration = generation }
        return ok
    }

    /// A key expected at a node index of the next record: its bytes followed by `":` (at most
    /// 24 in all, in three words, zeros past them), and the object and member it was. A key
    /// whose bytes the record gives at that node, right after its quote, is read without being
    /// scanned; and an object whose keys are all so found gives no key twice (they are the keys
    /// of one object of a record that gave none twice), so they are not hashed to find one.
    struct PredictedKey {
        /// The key's bytes and `":`, in three words (zeros past them), and the masks of their bytes.
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var w2: UInt64 = 0
        var m0: UInt64 = 0
        var m1: UInt64 = 0
        var m2: UInt64 = 0
        /// The key's length.
        var length: Int32 = 0
        /// The node of its object (-1: none), and its place among the object's members.
        var parent: Int32 = -1
        var member: Int32 = -1
        /// The parse that wrote it (valid when it is `JSONTape.predictedGeneration`).
        var generation: UInt32 = 0

        /// The longest key predicted (with `":`, three words).
        static let maxLength = 22
        /// Keys are expected at node indices below this (the table's most entries).
        static let limit = 4096

        /// Whether the `length + 2` bytes at `q` (`available` of them readable) are the key's
        /// and `":`.
        @inline(__always)
        func matches(_ q: UnsafePointer<UInt8>, available: Int) -> Bool {
            let raw = UnsafeRawPointer(q)
            if available >= 24 {
                // Three words, the bytes past the key's masked off.
                let a = (raw.loadUnaligned(as: UInt64.self) ^ w0) & m0
                let b = (raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ w1) & m1
                let c = (raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) ^ w2) & m2
                return a | b | c == 0
            }
            let n = Int(length) + 2
            guard n <= available else { return false }
            var words = (w0, w1, w2)
            return withUnsafeBytes(of: &words) { memcmp($0.baseAddress!, q, n) == 0 }
        }

        /// The low `n` bytes of a word (none below 1, all from 8).
        @inline(__always)
        static func mask(_ n: Int) -> UInt64 { n <= 0 ? 0 : n >= 8 ? ~0 : (1 &<< UInt64(n &* 8)) &- 1 }
    }

    /// A key of an object being read, as the parser keeps it to find one given twice: its hash,
    /// and where its text is.
    struct KeySeen {
        var hash: UInt64
        var offset: Int32
        var count: Int32

        /// The object depths followed (a record's members, and objects three deep in them);
        /// deeper ones are left to `repeatedKey`.
        static let depths = 4
    }

    /// `spans`: when not nil, where member spans are recorded (with room made for all), offset by
    /// `offset` (where `input` starts in the line they refer to).
    static func parseUTF8(
        _ input: UnsafeBufferPointer<UInt8>, into tape: inout JSONTape, spans: UnsafeMutablePointer<JSONMemberSpans>? = nil, offset: Int = 0,
        keys: UnsafeMutablePointer<KeySeen>? = nil, suspect: UnsafeMutablePointer<Bool>? = nil,
        predicted: UnsafeMutablePointer<PredictedKey>? = nil, predictedCount: Int = 0, generations: (valid: UInt32, this: UInt32) = (0, 0)
    ) -> Bool {
        guard let base = input.baseAddress, input.count > 0 else { return false }
        // Unescaping never lengthens text, and the storage is sized once and written through
        // pointers: room for the most nodes the input can make (`nodeBound`).
        tape.reserve(nodes: Self.nodeBound(input.count), bytes: input.count)
        var count = 0
        var textCount = 0
        let ok = tape.nodes.withUnsafeMutableBufferPointer { nodes in
            tape.text.withUnsafeMutableBufferPointer { text in
                var parser = Parser(p: base, n: input.count, nodes: nodes.baseAddress!, text: text.baseAddress!)
                parser.keys = keys
                if keys != nil, let predicted {
                    parser.predicting = true
                    parser.predicted = predicted
                    parser.predictedCount = predictedCount
                    parser.generations = generations
                }
                defer { suspect?.pointee = parser.repeated }
                guard let spans else {
                    let ok = parser.document()
                    (count, textCount) = (parser.count, parser.textCount)
                    return ok
                }
                return spans.pointee.storage.withUnsafeMutableBufferPointer { storage in
                    parser.spans = storage.baseAddress
                    parser.spanOffset = offset
                    let ok = parser.document()
                    (count, textCount) = (parser.count, parser.textCount)
                    spans.pointee.count = parser.spanCount
                    return ok
                }
            }
        }
        tape.count = count
        tape.textCount = textCount
        return ok
    }

    struct Parser {
        let p: UnsafePointer<UInt8>
        let n: Int
        var i = 0
        var depth = 0
        let nodes: UnsafeMutablePointer<JSONNode>
        var count = 0
        let text: UnsafeMutablePointer<UInt8>
        var textCount = 0
        /// When not nil, the spans of the top-level object's members are written here (room for
        /// all was made), as offsets from `spanOffset`.
        var spans: UnsafeMutablePointer<JSONMemberSpan>? = nil
        var spanCount = 0
        var spanOffset = 0
        /// When not nil, the keys of the objects being read, 64 for each depth followed
        /// (`KeySeen.depths`), to find a key given twice (`repeated`).
        var keys: UnsafeMutablePointer<KeySeen>? = nil
        /// A key was given twice in one object, or an object could not be followed.
        var repeated = false
        /// Whether keys are expected and learnt (`PredictedKey`, only when `keys` is set): by
        /// node index, below `predictedCount`; those of generation `generations.valid` are
        /// valid, and the keys read are written with `generations.this`.
        var predicting = false
        var predicted: UnsafeMutablePointer<PredictedKey> = UnsafeMutablePointer(bitPattern: 64)!
        var predictedCount = 0
        var generations: (valid: UInt32, this: UInt32) = (0, 0)

        init(p: UnsafePointer<UInt8>, n: Int, nodes: UnsafeMutablePointer<JSONNode>, text: UnsafeMutablePointer<UInt8>) {
            self.p = p
            self.n = n
            self.nodes = nodes
            self.text = text
        }

        @inline(__always)
        mutating func append(_ node: JSONNode) {
            nodes[count] = node
            count &+= 1
        }

        @inline(__always)
        mutating func appendText(_ from: UnsafePointer<UInt8>, _ length: Int) {
            // A word at a time while the input has a whole word there (the text storage is
            // padded, so a last word may spill over what follows).
            let to = UnsafeMutableRawPointer(text + textCount)
            let src = UnsafeRawPointer(from)
            let readable = n &- (from - p)
            if length <= 16, readable >= 16 {
                // (Most strings: two words, whatever their length.)
                to.storeBytes(of: src.loadUnaligned(as: UInt64.self), as: UInt64.self)
                to.storeBytes(of: src.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
            } else if length <= 32, (length + 7) & ~7 <= readable {
                var k = 0
                while k < length {
                    to.storeBytes(of: src.loadUnaligned(fromByteOffset: k, as: UInt64.self), toByteOffset: k, as: UInt64.self)
                    k += 8
                }
            } else {
                (text + textCount).update(from: from, count: length)
            }
            textCount &+= length
        }

        @inline(__always)
        mutating func appendByte(_ b: UInt8) {
            text[textCount] = b
            textCount += 1
        }

        @inline(__always)
        mutating func skipSpace() {
            // Most JSONL has no blanks between tokens.
            guard i < n, p[i] <= 0x20 else { return }
            while i < n {
                let c = p[i]
                guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
                i += 1
            }
        }

        mutating func document() -> Bool {
            skipSpace()
            // Like JSONSerialization without fragments: an object or an array.
            guard i < n, p[i] == UInt8(ascii: "{") || p[i] == UInt8(ascii: "[") else { return false }
            guard spans != nil && p[i] == UInt8(ascii: "{") ? recordedObject() : value() else { return false }
            skipSpace()
            return i == n
        }

        mutating func value() -> Bool {
            skipSpace()
            guard i < n else { return false }
            switch p[i] {
            case UInt8(ascii: "{"): return container(.object)
            case UInt8(ascii: "["): return container(.array)
            case UInt8(ascii: "\""): return plainString()
            case UInt8(ascii: "t"): return literal("true", .true)
            case UInt8(ascii: "f"): return literal("false", .false)
            case UInt8(ascii: "n"): return literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return false
            }
        }

        mutating func literal(_ word: StaticString, _ kind: JSONKind) -> Bool {
            let count = word.utf8CodeUnitCount
            // On failure `i` is left at the first byte that differs, or the end (`errorOffset`).
            guard i + count <= n else {
                var k = 0
                while i < n, p[i] == word.utf8Start[k] { (i, k) = (i + 1, k + 1) }
                return false
            }
            for k in 0..<count where p[i + k] != word.utf8Start[k] {
                i += k
                return false
            }
            i += count
            append(JSONNode(kind))
            return true
        }

        /// An object (`{`, members `"key": value`) or an array (`[`, values), at its opening byte.
        /// JSONSerialization accepts a trailing comma before the closing byte, and so does this.
        mutating func container(_ kind: JSONKind) -> Bool { container(kind, recording: false) }

        /// The top-level object, recording where its members lie in `spans`.
        mutating func recordedObject() -> Bool { container(.object, recording: true) }

        /// Inlined into the two above, so that the plain one carries no trace of the recording.
        @inline(__always)
        mutating func container(_ kind: JSONKind, recording: Bool) -> Bool {
            guard depth < JSONReader.maxDepth else { return false }
            depth += 1
            defer { depth -= 1 }
            let keyed = kind == .object
            let close = keyed ? UInt8(ascii: "}") : UInt8(ascii: "]")
            i &+= 1
            let at = count
            append(JSONNode(kind))
            var members: Int32 = 0
            // This object's keys, when followed: its depth's 64 places, and a filter of a bit per key.
            let seen = keyed && depth <= KeySeen.depths ? keys.map { $0 + (depth - 1) * 64 } : nil
            if keyed, keys != nil, seen == nil { repeated = true }
            var filter: UInt64 = 0
            skipSpace()
            guard i < n else { return false }
            if p[i] == close {
                i += 1
                nodes[at].value = Int64(count)
                return true
            }
            // Every key so far was the one expected (`PredictedKey`): none of them is remembered
            // in `seen`, and none is given twice.
            var expected = keyed && predicting
            while true {
                var key = 0..<0
                if keyed {
                    let keyStart = i
                    guard i < n, p[i] == UInt8(ascii: "\"") else { return false }
                    if expected, count < predictedCount, case let e = predicted[count], e.generation == generations.valid,
                        e.parent == Int32(truncatingIfNeeded: at), e.member == members, e.matches(p + (i &+ 1), available: n &- i &- 1)
                    {
                        predicted[count].generation = generations.this
                        // The key, `"`, `:`: as `plainString` and the lines below would read them.
                        let length = Int(e.length)
                        let start = textCount
                        appendText(p + (i &+ 1), length)
                        append(JSONNode(.string, offset: Int32(start), count: Int32(length)))
                        if recording { key = keyStart + 1 + spanOffset..<keyStart + 1 + length + spanOffset }
                        i &+= length &+ 3
                    } else {
                        if expected {
                            // The keys before were expected: remembered now, as they would have been.
                            expected = false
                            if let seen {
                                var k = at + 1
                                for m in 0..<Int(members) {
                                    remember(nodes[k], m, in: seen, &filter)
                                    let v = nodes[k + 1]
                                    k = v.kind == .array || v.kind == .object ? Int(v.value) : k + 2
                                }
                            }
                        }
                        guard plainString() else { return false }
                        if predicting { learn(keyStart, at, members) }
                        if let seen { remember(nodes[count - 1], Int(members), in: seen, &filter) }
                        if recording { key = keyStart + 1 + spanOffset..<i - 1 + spanOffset }
                        skipSpace()
                        guard i < n, p[i] == UInt8(ascii: ":") else { return false }
                        i += 1
                    }
                }
                if recording {
                    skipSpace()
                    let valueStart = i
                    guard value() else { return false }
                    spans![spanCount] = JSONMemberSpan(key: key, value: valueStart + spanOffset..<i + spanOffset)
                    spanCount += 1
                } else {
                    guard value() else { return false }
                }
                members &+= 1
                skipSpace()
                guard i < n else { return false }
                if p[i] == close {
                    i &+= 1
                    break
                }
                guard p[i] == UInt8(ascii: ",") else { return false }
                i &+= 1
                skipSpace()
                guard i < n else { return false }
                if p[i] == close {
                    i &+= 1
                    break
                }
            }
            nodes[at].count = members
            nodes[at].value = Int64(count)
            return true
        }

        /// Writes the key just read (the last node; its opening quote at `keyStart`, `i` past its
        /// closing one), member `member` of the object at node `parent`, as expected at its node
        /// in the next record (`PredictedKey`), when it is written as it is (no escape, only
        /// bytes `plainString` takes) and is short enough; else expects no key there.
        @inline(__always)
        mutating func learn(_ keyStart: Int, _ parent: Int, _ member: Int32) {
            let node = count - 1
            guard node < predictedCount else { return }
            let length = Int(nodes[node].count)
            let from = keyStart + 1
            // Escaped, the text is shorter than the bytes it is written with.
            guard length == i - 1 - from, length <= PredictedKey.maxLength, n - from >= 24 else {
                predicted[node].parent = -1
                return
            }
            let raw = UnsafeRawPointer(p + from)
            let keep = (PredictedKey.mask(length), PredictedKey.mask(length - 8), PredictedKey.mask(length - 16))
            var words = (
                raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            )
            guard Self.special(words.0) & keep.0 | Self.special(words.1) & keep.1 | Self.special(words.2) & keep.2 == 0 else {
                predicted[node].parent = -1
                return
            }
            words = (words.0 & keep.0, words.1 & keep.1, words.2 & keep.2)
            withUnsafeMutableBytes(of: &words) { b in
                b[length] = UInt8(ascii: "\"")
                b[length + 1] = UInt8(ascii: ":")
            }
            predicted[node] = PredictedKey(
                w0: words.0, w1: words.1, w2: words.2, m0: PredictedKey.mask(length + 2), m1: PredictedKey.mask(length - 6),
                m2: PredictedKey.mask(length - 14), length: Int32(length), parent: Int32(parent), member: member,
                generation: generations.this)
        }

        /// Keeps key `k`, the object's `m`th, in `seen`, and marks `repeated` when an earlier key
        /// of the object is the same (its hash, then its bytes) or the object has more keys than
        /// room. The hash is `repeatedKey`'s (`JSONTape.keyHash`).
        @inline(__always)
        mutating func remember(_ k: JSONNode, _ m: Int, in seen: UnsafeMutablePointer<KeySeen>, _ filter: inout UInt64) {
            guard m < 64 else {
                repeated = true
                return
            }
            let length = Int(k.count)
            let hash = JSONTape.keyHash(text + Int(k.offset), length)
            let bit: UInt64 = 1 &<< (hash >> 58)
            if filter & bit != 0 {
                for j in 0..<m where seen[j].hash == hash && seen[j].count == k.count {
                    if memcmp(text + Int(seen[j].offset), text + Int(k.offset), length) == 0 { repeated = true }
                }
            }
            filter |= bit
            seen[m] = KeySeen(hash: hash, offset: k.offset, count: k.count)
        }

        /// `string()`, for most strings without calling it: one of plain ASCII (no escape, no
        /// control character, no byte above 0x7F, no byte order mark at its start) whose closing
        /// quote a word read finds is taken here, as `string()` would take it; any other is left
        /// to `string()`, from its start.
        @inline(__always)
        mutating func plainString() -> Bool {
            // (Indices within the line, far from overflowing: wrapping arithmetic, unchecked.)
            let from = i &+ 1
            var j = from
            // A byte order mark at the start of a run is dropped: `string()`'s to do.
            guard j < n, p[j] != 0xEF else { return string() }
            while j &+ 8 <= n {
                let bits = Self.special(UInt64(littleEndian: UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self)))
                if bits != 0 {
                    j &+= bits.trailingZeroBitCount >> 3
                    guard p[j] == UInt8(ascii: "\"") else { return string() }
                    let start = textCount
                    appendText(p + from, j &- from)
                    i = j &+ 1
                    append(JSONNode(.string, offset: Int32(start), count: Int32(j &- from)))
                    return true
                }
                j &+= 8
            }
            return string()
        }

        /// A string at `p[i] == '"'`, unescaped into `text`. Invalid UTF-8, a control character, a
        /// bad escape or a lone surrogate rejects it. Like `String(bytes:encoding: .utf8)` on each
        /// run between escapes (what JSONSerialization does), a byte order mark at the start of
        /// a run is dropped. (Out of line: `plainString`, which leaves it the few strings that are
        /// not plain, is then small enough to be inlined where strings are read.)
        @inline(never)
        mutating func string() -> Bool {
            i += 1
            let start = textCount
            var run = i
            var runStart = true
            while true {
                if runStart {
                    if i < n, p[i] == 0xEF, i + 3 <= n, p[i + 1] == 0xBB, p[i + 2] == 0xBF {
                        i += 3
                        run = i
                    }
                    runStart = false
                }
                // Plain ASCII, a word at a time, up to the first byte that is not.
                while i + 8 <= n {
                    let bits = Self.special(UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)))
                    if bits != 0 {
                        i += bits.trailingZeroBitCount >> 3
                        break
                    }
                    i += 8
                }
                guard i < n else { return false }
                let c = p[i]
                if c == UInt8(ascii: "\"") {
                    appendText(p + run, i - run)
                    i += 1
                    append(JSONNode(.string, offset: Int32(start), count: Int32(textCount - start)))
                    return true
                } else if c == UInt8(ascii: "\\") {
                    appendText(p + run, i - run)
                    guard escape() else { return false }
                    run = i
                    runStart = true
                } else if c < 0x20 {
                    return false
                } else if c < 0x80 {
                    i += 1
                } else {
                    let length = Self.utf8Length(p + i, n - i)
                    guard length > 0 else { return false }
                    i += length
                }
            }
        }

        /// Nonzero when a word has a byte that ends a plain run: `"`, `\`, below 0x20 or above 0x7F.
        @inline(__always)
        static func special(_ v: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            @inline(__always) func zero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
            return (v & highs) | ((v &- ones &* 0x20) & ~v & highs) | zero(v ^ (ones &* 0x22)) | zero(v ^ (ones &* 0x5C))
        }

        /// The length of the valid UTF-8 sequence at `s` (strict: no overlong forms, surrogates or
        /// values above U+10FFFF), or 0.
        @inline(__always)
        static func utf8Length(_ s: UnsafePointer<UInt8>, _ available: Int) -> Int {
            let c = s[0]
            @inline(__always) func cont(_ k: Int) -> Bool { k < available && s[k] & 0xC0 == 0x80 }
            switch c {
            case 0xC2...0xDF: return cont(1) ? 2 : 0
            case 0xE0: return available > 1 && s[1] >= 0xA0 && s[1] <= 0xBF && cont(2) ? 3 : 0
            case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
            case 0xED: return available > 1 && s[1] >= 0x80 && s[1] <= 0x9F && cont(2) ? 3 : 0
            case 0xF0: return available > 1 && s[1] >= 0x90 && s[1] <= 0xBF && cont(2) && cont(3) ? 4 : 0
            case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
            case 0xF4: return available > 1 && s[1] >= 0x80 && s[1] <= 0x8F && cont(2) && cont(3) ? 4 : 0
            default: return 0
            }
        }

        /// On failure `i` is at the first byte that is not a hex digit, or the end.
        mutating func hex4() -> UInt32? {
            guard i + 4 <= n else {
                while i < n, (48...57).contains(p[i]) || (65...70).contains(p[i]) || (97...102).contains(p[i]) { i += 1 }
                return nil
            }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = p[i + k]
                let d: UInt8
                switch c {
                case 48...57: d = c - 48
                case 65...70: d = c - 55
                case 97...102: d = c - 87
                default:
                    i += k
                    return nil
                }
                v = v << 4 | UInt32(d)
            }
            i += 4
            return v
        }

        /// On failure `i` is at the bad byte, for `errorOffset` (the end when the text ends).
        mutating func escape() -> Bool {
            guard i + 1 < n else {
                i = n
                return false
            }
            let c = p[i + 1]
            i += 2
            switch c {
            case 0x22, 0x5C, 0x2F: appendByte(c)
            case UInt8(ascii: "b"): appendByte(0x08)
            case UInt8(ascii: "f"): appendByte(0x0C)
            case UInt8(ascii: "n"): appendByte(0x0A)
            case UInt8(ascii: "r"): appendByte(0x0D)
            case UInt8(ascii: "t"): appendByte(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return false }
                if scalar & 0xFC00 == 0xD800 {
                    guard i + 2 <= n, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                        if i + 1 == n, p[i] == UInt8(ascii: "\\") { i = n }
                        return false
                    }
                    i += 2
                    guard let low = hex4() else { return false }
                    guard low & 0xFC00 == 0xDC00 else {
                        // At the escape that should have been the low surrogate.
                        i -= 6
                        return false
                    }
                    scalar = (scalar - 0xD800) * 0x400 + (low - 0xDC00) + 0x10000
                } else if scalar & 0xFC00 == 0xDC00 {
                    i -= 6
                    return false
                }
                appendScalar(scalar)
            default:
                i -= 1
                return false
            }
            return true
        }

        mutating func appendScalar(_ v: UInt32) {
            if v < 0x80 {
                appendByte(UInt8(v))
            } else if v < 0x800 {
                appendByte(UInt8(0xC0 | (v >> 6)))
                appendByte(UInt8(0x80 | (v & 0x3F)))
            } else if v < 0x10000 {
                appendByte(UInt8(0xE0 | (v >> 12)))
                appendByte(UInt8(0x80 | ((v >> 6) & 0x3F)))
                appendByte(UInt8(0x80 | (v & 0x3F)))
            } else {
                appendByte(UInt8(0xF0 | (v >> 18)))
                appendByte(UInt8(0x80 | ((v >> 12) & 0x3F)))
                appendByte(UInt8(0x80 | ((v >> 6) & 0x3F)))
                appendByte(UInt8(0x80 | (v & 0x3F)))
            }
        }

        /// A number: JSON's grammar, then an integer of at most 18 digits exactly, anything else
        /// kept as its literal once Foundation could represent it.
        mutating func number() -> Bool {
            // Most numbers: a positive integer of at most 18 digits, no leading zero, ended by
            // `,` or `}`: taken here as the lines below would take it; any other is left to them.
            if p[i] &- 49 <= 8 {
                var j = i
                var v: Int64 = 0
                let end = min(n, i &+ 18)
                while j < end, p[j] &- 48 <= 9 {
                    v = v &* 10 &+ Int64(p[j] &- 48)
                    j &+= 1
                }
                if j < n, p[j] == UInt8(ascii: ",") || p[j] == UInt8(ascii: "}") {
                    i = j
                    append(JSONNode(.integer, value: v))
                    return true
                }
            }
            let start = i
            var integer = true
            var negative = false
            if p[i] == UInt8(ascii: "-") {
                negative = true
                i &+= 1
            }
            let digitsStart = i
            guard i < n, p[i] &- 48 <= 9 else { return false }
            var value: Int64 = 0
            if p[i] == 48 {
                i &+= 1
            } else {
                while i < n, p[i] &- 48 <= 9 {
                    value = value &* 10 &+ Int64(p[i] &- 48)
                    i &+= 1
                }
            }
            let digits = i - digitsStart
            if i < n, p[i] == UInt8(ascii: ".") {
                integer = false
                i &+= 1
                guard i < n, p[i] &- 48 <= 9 else { return false }
                while i < n, p[i] &- 48 <= 9 { i &+= 1 }
            }
            if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
                integer = false
                i &+= 1
                if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i &+= 1 }
                guard i < n, p[i] &- 48 <= 9 else { return false }
                while i < n, p[i] &- 48 <= 9 { i &+= 1 }
            }
            if i < n {
                // What may follow a number; anything else ("01", "1x") is malformed.
                switch p[i] {
                case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): break
                default: return false
                }
            }
            if integer, digits <= 18 {
                append(JSONNode(.integer, value: negative ? -value : value))
                return true
            }
            let literal = UnsafeBufferPointer(start: p + start, count: i - start)
            guard JSONNumber.foundationValue(String(decoding: literal, as: UTF8.self)) != nil else {
                i = start
                return false
            }
            append(JSONNode(.number, offset: Int32(textCount), count: Int32(literal.count)))
            appendText(p + start, literal.count)
            return true
        }
    }
}
