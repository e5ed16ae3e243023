import Foundation
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
        /// The value's path in the job (`titles[0].amount_cents`).
        public var path: String
        /// The value's node in the job's tape (for its column: `JSONReader.column(ofNode:in:)`).
        public var node: Int
    }

    /// The schema, flat (it is walked for every job: no indirect enum, no array per member):
    /// `entries[0]` is the job; an object's members are `entries[first..<first + count]`, a
    /// list's element shape is `entries[first]`; a member's key is `keys[keyStart..<keyEnd]`.
    enum Kind: UInt8, Sendable { case text, cents, integer, date, object, list }

    struct Entry: Sendable {
        var kind: Kind
        var keyStart: Int32 = 0
        var keyEnd: Int32 = 0
        var first: Int32 = 0
        var count: Int32 = 0
        /// An object's members by key: `slots[slotStart...slotStart + slotMask]`, an open
        /// addressing table of member entries (-1: empty) by `slot(_:_:_:)`.
        var slotStart: Int32 = 0
        var slotMask: Int32 = 0
    }

    var entries: [Entry] = []
    var keys: [UInt8] = []
    var slots: [Int32] = []
    /// Each entry's key as text, for messages.
    var names: [String] = []

    /// A check of jobs of `schema`. The job's own `statement`, if it has one, is not checked:
    /// `{{statement}}` is computed from `titles` when rendered, never read from the job.
    public init(schema: FieldShape = LetterSchema.job) {
        var shape = schema
        if case .object(var members) = shape, members[Template.statementPath[0]] != nil {
            members[Template.statementPath[0]] = nil
            shape = .object(members)
        }
        entries.append(Entry(kind: .object))
        names.append("")
        fill(0, shape)
        // Room to read a word from any key's start (`same`).
        keys += repeatElement(0, count: 8)
    }

    /// Whether the `n` bytes at `a` and `b` are the same; both may be read 8 bytes from their
    /// start (the tape's text has padding after its last byte, the schema's keys too). Keys of
    /// a job are short: one or two words compared, not a call to `memcmp`.
    @inline(__always)
    static func same(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let x = UnsafeRawPointer(a)
        let y = UnsafeRawPointer(b)
        if n <= 8 {
            guard n > 0 else { return true }
            let mask: UInt64 = n == 8 ? ~0 : (1 &<< UInt64(8 &* n)) &- 1
            return (UInt64(littleEndian: x.loadUnaligned(as: UInt64.self)) ^ UInt64(littleEndian: y.loadUnaligned(as: UInt64.self))) & mask == 0
        }
        return equalBytes(a, b, n)
    }

    /// Sets entry `at`'s kind from `shape` and appends the entries of its members or element.
    mutating func fill(_ at: Int, _ shape: FieldShape) {
        switch shape {
        case .text: entries[at].kind = .text
        case .cents: entries[at].kind = .cents
        case .integer: entries[at].kind = .integer
        case .date: entries[at].kind = .date
        case .list(let element):
            entries[at].kind = .list
            entries[at].first = Int32(entries.count)
            entries[at].count = 1
            entries.append(Entry(kind: .text))
            names.append("")
            fill(entries.count - 1, element)
        case .object(let members):
            entries[at].kind = .object
            let first = entries.count
            let sorted = members.keys.sorted()
            entries[at].first = Int32(first)
            entries[at].count = Int32(sorted.count)
            for name in sorted {
                entries.append(Entry(kind: .text, keyStart: Int32(keys.count), keyEnd: Int32(keys.count + name.utf8.count)))
                keys += name.utf8
                names.append(name)
            }
            // A table of at least twice the members, a power of two.
            var size = 8
            while size < 2 * sorted.count { size *= 2 }
            let slotStart = slots.count
            slots += repeatElement(-1, count: size)
            entries[at].slotStart = Int32(slotStart)
            entries[at].slotMask = Int32(size - 1)
            for (k, name) in sorted.enumerated() {
                let b = Array(name.utf8)
                var h = Self.slot(b.count, b.first ?? 0, b.last ?? 0) & (size - 1)
                while slots[slotStart + h] >= 0 { h = (h + 1) & (size - 1) }
                slots[slotStart + h] = Int32(first + k)
            }
            for (k, name) in sorted.enumerated() { fill(first + k, members[name]!) }
        }
    }

    /// Where a key of `count` bytes, first `first` and last `last`, starts its search in a table.
    @inline(__always)
    static func slot(_ count: Int, _ first: UInt8, _ last: UInt8) -> Int {
        count &* 31 &+ Int(first) &* 7 &+ Int(last)
    }

    /// The first problem of the job at node 0 of `tape`, or nil when its values are as declared.
    public func problem(in tape: JSONTape) -> Problem? {
        problem(in: tape, found: nil)
    }

    /// Member positions predicted per object entry (later ones are looked up every time).
    static let placesPerEntry = 64

    /// Room for the predicted members (`problem(in:found:predicted:)`): 64 places per entry.
    var predictionCount: Int { entries.count * JobCheck.placesPerEntry }

    /// The schema entries (an index each, `entries`).
    var entryCount: Int { entries.count }

    /// The entry of member `key` of object entry `entry`, or nil (not an object, no such member).
    func member(of entry: Int, _ key: String) -> Int? {
        let e = entries[entry]
        guard e.kind == .object else { return nil }
        return (Int(e.first)..<Int(e.first + e.count)).first { names[$0] == key }
    }

    /// Whether entry `entry` is a list.
    func isList(_ entry: Int) -> Bool { entries[entry].kind == .list }

    /// `problem(in:)`, noting in `found` (one slot per entry, -1 when none) the node of each
    /// member the walk meets: for an entry outside any list, the job's value of that path
    /// (the node `JSONTape.member` would give, its keys being unique); an entry below a list
    /// holds its last item's, which means nothing. Only a walk that finds no problem meets
    /// every member.
    ///
    /// `predicted` (`predictionCount` places, -1 when new, kept from job to job) notes for each
    /// object entry and member position the member entry met there last: jobs written by one
    /// program give their keys in one order, and a key that is the one predicted is taken
    /// without looking it up.
    func problem(in tape: JSONTape, found: UnsafeMutablePointer<Int>?, predicted: UnsafeMutablePointer<Int32>? = nil) -> Problem? {
        guard tape.count > 0 else { return nil }
        var path: [String] = []
        let found = tape.nodes.withUnsafeBufferPointer { nodes in
            tape.text.withUnsafeBufferPointer { text in
                // Most jobs have no control character anywhere in their strings (keys too): one
                // look at all of their bytes, and no string is looked at again.
                let clean = tape.textCount == 0 || !Self.mayHoldControl(UnsafeBufferPointer(rebasing: text[0..<tape.textCount]))
                return entries.withUnsafeBufferPointer { entries in
                    keys.withUnsafeBufferPointer { keys in
                        slots.withUnsafeBufferPointer { slots in
                            Walk(
                                tape: tape, nodes: nodes, text: text, entries: entries, keys: keys, slots: slots, names: names, found: found,
                                clean: clean, predicted: predicted
                            ).check(0, 0, &path)
                        }
                    }
                }
            }
        }
        guard let (node, what) = found else { return nil }
        var text = ""
        for part in path.reversed() { text += part.hasPrefix("[") || text.isEmpty ? part : "." + part }
        return Problem(code: "letters.value", message: "\(text): \(what)", path: text, node: node)
    }

    /// One job's walk, through pointers.
    struct Walk {
        let tape: JSONTape
        let nodes: UnsafeBufferPointer<JSONNode>
        let text: UnsafeBufferPointer<UInt8>
        let entries: UnsafeBufferPointer<Entry>
        let keys: UnsafeBufferPointer<UInt8>
        let slots: UnsafeBufferPointer<Int32>
        let names: [String]
        let found: UnsafeMutablePointer<Int>?
        /// No string of the job can hold a control character (`mayHoldControl` of its text).
        let clean: Bool
        /// The member entries met last, by object entry and position (see `problem`).
        let predicted: UnsafeMutablePointer<Int32>?

        /// The node and the trouble of the first bad value at or below `node` (of schema entry
        /// `entry`); `path` gets the parts of its path, innermost first.
        func check(_ node: Int, _ entry: Int, _ path: inout [String]) -> (Int, String)? {
            let n = nodes[node]
            if n.kind == .null { return nil }
            let e = entries[entry]
            switch e.kind {
            case .object:
                guard n.kind == .object else { return nil }
                var i = node + 1
                for k in 0..<Int(n.count) {
                    let key = nodes[i]
                    let value = i + 1
                    let v = nodes[value]
                    i = v.kind == .array || v.kind == .object ? Int(v.value) : i + 2
                    let m: Int
                    if let predicted, k < JobCheck.placesPerEntry {
                        let place = predicted + (entry &* JobCheck.placesPerEntry &+ k)
                        let p = Int(place.pointee)
                        if p >= 0, isKey(key, of: p) {
                            m = p
                        } else {
                            let looked = member(key, e)
                            place.pointee = Int32(looked ?? -1)
                            guard let looked else { continue }
                            m = looked
                        }
                    } else {
                        guard let looked = member(key, e) else { continue }
                        m = looked
                    }
                    found?[m] = value
                    // A value that is fine as it is needs no call (most of a job's are text and
                    // amounts); a container, or a value that may not be, is checked in full.
                    if v.kind == .null || isPlainlyFine(v, entries[m].kind) { continue }
                    // (A job giving a key twice never gets here: `JSONReader.parseRecord` refuses it.)
                    if let found = check(value, m, &path) {
                        path.append(names[m])
                        return found
                    }
                }
            case .list:
                guard n.kind == .array else { return nil }
                var item = node + 1
                for k in 0..<Int(n.count) {
                    if let found = check(item, Int(e.first), &path) {
                        path.append("[\(k)]")
                        return found
                    }
                    let v = nodes[item]
                    item = v.kind == .array || v.kind == .object ? Int(v.value) : item + 1
                }
            case .cents:
                guard n.kind == .integer, n.value >= 0, n.value <= JobCheck.maxCents else {
                    return (node, "expected integer centavos 0…\(JobCheck.maxCents), found \(JobCheck.found(tape, node))")
                }
            case .integer:
                guard n.kind == .integer, n.value >= 0, n.value <= JobCheck.maxInteger else {
                    return (node, "expected a whole number 0…\(JobCheck.maxInteger), found \(JobCheck.found(tape, node))")
                }
            case .date:
                guard n.kind == .string, Filters.civilDate(tape.bytes(node)) != nil else {
                    return (node, "expected a date YYYY-MM-DD, found \(JobCheck.found(tape, node))")
                }
            case .text:
                guard n.kind == .string, !clean,
                    let (scalar, character) = JobCheck.controlCharacter(UnsafeBufferPointer(rebasing: text[Int(n.offset)..<(Int(n.offset) + Int(n.count))]))
                else { return nil }
                return (
                    node,
                    "holds a control character (\(Diagnostic.code(of: scalar)), character \(character)), "
                        + "which a letter does not print: it would break the page (text, PDF) or the LST record"
                )
            }
            return nil
        }

        /// Whether a value of schema kind `kind` is surely what `check` accepts: a string of
        /// text without a control character, an amount or count in range. False leaves it to
        /// `check` (dates, containers, anything odd).
        @inline(__always)
        func isPlainlyFine(_ n: JSONNode, _ kind: Kind) -> Bool {
            switch kind {
            case .text:
                return n.kind == .string
                    && (clean || JobCheck.controlCharacter(UnsafeBufferPointer(rebasing: text[Int(n.offset)..<(Int(n.offset) + Int(n.count))])) == nil)
            case .cents: return n.kind == .integer && n.value >= 0 && n.value <= JobCheck.maxCents
            case .integer: return n.kind == .integer && n.value >= 0 && n.value <= JobCheck.maxInteger
            case .date, .object, .list: return false
            }
        }

        /// Whether the key node's key is member entry `m`'s.
        @inline(__always)
        func isKey(_ key: JSONNode, of m: Int) -> Bool {
            let count = Int(key.count)
            let s = Int(entries[m].keyStart)
            return Int(entries[m].keyEnd) - s == count
                && (count == 0 || JobCheck.same(keys.baseAddress! + s, text.baseAddress! + Int(key.offset), count))
        }

        /// The schema entry among object `e`'s members whose key is the key node's, or nil.
        @inline(__always)
        func member(_ key: JSONNode, _ e: Entry) -> Int? {
            let count = Int(key.count)
            let at = Int(key.offset)
            let mask = Int(e.slotMask)
            let base = Int(e.slotStart)
            var h = JobCheck.slot(count, count > 0 ? text[at] : 0, count > 0 ? text[at + count - 1] : 0) & mask
            while true {
                let m = Int(slots[base + h])
                if m < 0 { return nil }
                let s = Int(entries[m].keyStart)
                if Int(entries[m].keyEnd) - s == count, count == 0 || JobCheck.same(keys.baseAddress! + s, text.baseAddress! + at, count) {
                    return m
                }
                h = (h + 1) & mask
            }
        }
    }

    /// Whether `bytes` may hold a control character: a byte below 0x20, a 0x7F or a 0xC2 (the
    /// lead byte of U+0080…U+00BF, C1 controls among them). False means no span of them holds
    /// one: `controlCharacter` of each is nil.
    static func mayHoldControl(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        let base = UnsafeRawPointer(bytes.baseAddress!)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func zero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        var flags: UInt64 = 0
        var k = 0
        while k + 8 <= n {
            let v = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: k, as: UInt64.self))
            flags |= ((v &- ones &* 0x20) & ~v & highs) | zero(v ^ (ones &* 0x7F)) | zero(v ^ (ones &* 0xC2))
            k += 8
        }
        while k < n {
            let b = bytes[k]
            if b < 0x20 || b == 0x7F || b == 0xC2 { return true }
            k += 1
        }
        return flags != 0
    }

    /// The first control character of UTF-8 `bytes` (C0, DEL, C1) and its 1-based position in
    /// characters, or nil. C1 characters are U+0080…U+009F, encoded C2 80…C2 9F.
    static func controlCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt32, Int)? {
        // The common text has none: found without counting, then counted only when found.
        let n = bytes.count
        guard n > 0 else { return nil }
        /// Whether a word may hold a byte below 0x20, a 0x7F or a 0xC2 (a flag may be false,
        /// never missing: the flagged word is then looked at byte by byte).
        @inline(__always) func flagged(_ v: UInt64) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            @inline(__always) func zero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
            return ((v &- ones &* 0x20) & ~v & highs) | zero(v ^ (ones &* 0x7F)) | zero(v ^ (ones &* 0xC2)) != 0
        }
        // The whole text at once when no word of it is flagged: eight bytes at a time, and the
        // last (short) piece as the word ending where the text does, or, in a text shorter than
        // a word, padded with blanks.
        let base = UnsafeRawPointer(bytes.baseAddress!)
        var clean = true
        if n >= 8 {
            var k = 0
            while k + 8 <= n, clean {
                clean = !flagged(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: k, as: UInt64.self)))
                k += 8
            }
            if clean, k < n { clean = !flagged(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))) }
        } else {
            var word: UInt64 = 0x2020_2020_2020_2020
            withUnsafeMutableBytes(of: &word) { $0.baseAddress!.copyMemory(from: base, byteCount: n) }
            clean = !flagged(UInt64(littleEndian: word))
        }
        if clean { return nil }
        var i = 0
        while i < n {
            if i + 8 <= n, !flagged(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))) {
                i += 8
                continue
            }
            let b = bytes[i]
            if b < 0x20 || b == 0x7F || (b == 0xC2 && i + 1 < n && bytes[i + 1] >= 0x80 && bytes[i + 1] <= 0x9F) { break }
            i += 1
        }
        guard i < n else { return nil }
        var characters = 0
        for k in 0...i where bytes[k] & 0xC0 != 0x80 { characters += 1 }
        return (UInt32(bytes[i] == 0xC2 ? bytes[i + 1] : bytes[i]), characters)
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
