import Foundation
import Records
import Testing

/// `JSONReader.parseRecord` reading a key it expects (the key at the same node of the last
/// record read into the tape) without scanning it, and without hashing the keys of an object
/// whose keys are all as expected: a tape reused line after line (predicting) must read every
/// line exactly as a fresh tape does (which expects nothing): the same answer, the same nodes
/// and text, the same `keysUnique`.
@Suite struct KeyPredictionTests {
    /// The tape's nodes and their text, for comparing two parses.
    static func dump(_ tape: JSONTape) -> [String] {
        (0..<tape.count).map { i in
            let node = tape[i]
            switch node.kind {
            case .string, .number: return "\(node.kind) \(node.count) \(Array(tape.bytes(i)))"
            default: return "\(node.kind) \(node.value) \(node.count)"
            }
        }
    }

    /// Parses `lines` in turn into one tape and each into a fresh one, and compares.
    static func agree(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        var reused = JSONTape()
        var accepted = 0
        for line in lines {
            let bytes = Array(line.utf8)
            var fresh = JSONTape()
            let expected = bytes.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &fresh) }
            let got = bytes.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &reused) }
            #expect(got == expected, "\(line)", sourceLocation: sourceLocation)
            if got && expected {
                accepted += 1
                #expect(dump(reused) == dump(fresh), "\(line)", sourceLocation: sourceLocation)
                #expect(reused.keysUnique == fresh.keysUnique, sourceLocation: sourceLocation)
            }
        }
        return accepted
    }

    /// Thirty bytes of text, ending each line below: a key is learnt (expected in the next
    /// record) only with 24 bytes of the line from its first, and these give every key that.
    static let tail = "\"" + String(repeating: "x", count: 30) + "\""

    /// A key given twice is refused even when the record before had the same keys in the same
    /// places (every key before the repeat expected, and so not hashed as it was read), in the
    /// top object and in a nested one.
    @Test func aRepeatAfterTheExpectedKeysIsRefused() {
        let t = Self.tail
        let lines = [
            #"{"a":1,"b":2,"c":{"x":1,"y":\#(t)}}"#,
            #"{"a":1,"b":2,"a":\#(t)}"#,
            #"{"a":1,"b":2,"c":{"x":1,"y":\#(t)}}"#,
            #"{"a":1,"b":2,"c":{"x":1,"x":\#(t)}}"#,
            #"{"a":1,"b":2,"c":{"x":1,"y":\#(t)}}"#,
            #"{"a":1,"a":2,"c":{"x":1,"y":\#(t)}}"#,
            #"{"a":1,"b":2,"c":{"x":1,"y":\#(t)}}"#,
            #"{"a":1,"b":2,"c":{"x":1,"y":2},"b":\#(t)}"#,
            #"{"a":1,"b":2,"c":{"x":1,"y":\#(t)}}"#,
            #"{"a":1,"b":2,"c":{"x":1,"y":2,"\u0078":\#(t)}}"#,
            #"{"a":1,"b":2,"c":{"x":1,"y":\#(t)}}"#,
            #"{"b":1,"a":2,"c":{"y":1,"x":\#(t)}}"#,
            #"{"a":1,"b":2,"c":{"x":1,"y":\#(t)}}"#,
            #"{"a" :1,"b":2,"b":{"x":1,"y":\#(t)}}"#,
        ]
        var tape = JSONTape()
        let refused = lines.filter { line in !Array(line.utf8).withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) } }
        #expect(refused == [lines[1], lines[3], lines[5], lines[7], lines[9], lines[13]])
        #expect(Self.agree(lines) == 8)
    }

    /// A key expected at a node is one of an object of the last record kept: a record whose
    /// object is made of the keys of two earlier records' objects (the second shorter, its
    /// places past its end still holding the first's keys) still has its repeat found.
    @Test func keysOfDifferentRecordsAreNotMixed() {
        let t = Self.tail
        let lines = [
            #"{"o":{"k":1,"l":2,"m":3,"n":4,"p":5,"q":\#(t)}}"#,
            #"{"o":{"q":1,"p":\#(t)}}"#,
            #"{"o":{"q":1,"p":2,"m":3,"n":4,"p":5,"q":\#(t)}}"#,
            #"{"o":{"q":1,"p":\#(t)}}"#,
            #"{"o":{"q":1,"p":2,"m":3,"n":4,"k":5,"q":\#(t)}}"#,
            #"{"o":{"k":1,"l":2,"m":3,"n":4,"p":5,"q":\#(t)}}"#,
            #"{"o":{"k":1,"l":2,"m":3,"n":4,"p":5,"k":\#(t)}}"#,
        ]
        var tape = JSONTape()
        let taken = lines.map { line in Array(line.utf8).withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) } }
        #expect(taken == [true, true, false, true, false, true, false])
        #expect(Self.agree(lines) == 4)
    }

    /// Random streams: most records repeat the one before with other values (so most keys are
    /// expected), others reorder, drop, add, repeat or escape keys, change a value's kind (a
    /// string, an object, an array), put blanks around the colon, use long and non-ASCII keys,
    /// end right after a key, or are not JSON at all.
    @Test func aReusedTapeReadsAsAFreshOne() {
        var rng = SplitMix64(seed: 2026)
        func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
        let keys = [
            "record", "bank", "agency", "amount_cents", "due_date", "a", "ab", "registration_form", "a_key_of_twenty_two_b_",
            "a_key_of_twenty_three_c", "a_key_much_longer_than_anything_predicted", "nosso_numero", "x\\u0061", "xa", "caf\\u00e9",
            "café", "q\\\"uote", "tab\\t", "",
        ]
        func value(_ depth: Int) -> String {
            switch rng.next() % 10 {
            case 0 where depth < 5: return object(depth + 1)
            case 1: return "[" + (0..<Int(rng.next() % 3)).map { _ in value(depth + 1) }.joined(separator: ",") + "]"
            case 2: return String(rng.next() % 100_000)
            case 3: return pick(["null", "true", "false", "-1.5e3"])
            default: return "\"" + pick(["03331", "2025-06-27", "PAGADOR 001598", "", "\\u00e9t\\u00e9", "MARIA \\\"X\\\""]) + "\""
            }
        }
        func object(_ depth: Int) -> String {
            let n = Int(rng.next() % 7)
            return "{" + (0..<n).map { _ in "\"\(pick(keys))\":\(value(depth))" }.joined(separator: ",") + "}"
        }
        // Records as lists of members, mutated from one to the next.
        var members: [(String, String)] = (0..<12).map { _ in (pick(keys), value(1)) }
        var lines: [String] = []
        for _ in 0..<3000 {
            var m = members
            switch rng.next() % 20 {
            case 0: m.shuffle(using: &rng)
            case 1: if !m.isEmpty { m.remove(at: Int(rng.next() % UInt64(m.count))) }
            case 2: m.insert((pick(keys), value(1)), at: Int(rng.next() % UInt64(m.count + 1)))
            case 3: if let d = m.randomElement(using: &rng) { m.append(d) }
            case 4: if !m.isEmpty { m[Int(rng.next() % UInt64(m.count))].1 = value(0) }
            case 5: if !m.isEmpty { m[Int(rng.next() % UInt64(m.count))].1 = object(1) }
            case 6: members = (0..<Int(rng.next() % 14)).map { _ in (pick(keys), value(1)) }
            default:
                // Same keys, other scalar values where there were scalars.
                for k in m.indices where !m[k].1.hasPrefix("{") && !m[k].1.hasPrefix("[") && rng.next() % 3 == 0 { m[k].1 = value(9) }
            }
            // Keep the record's keys unique most of the time (a repeat is refused, and nothing is learnt from it).
            if rng.next() % 4 != 0 {
                var seen = Set<String>()
                m = m.filter { seen.insert($0.0).inserted }
            }
            if rng.next() % 3 != 0 { members = m }
            let separator = rng.next() % 15 == 0 ? " : " : ":"
            var line = "{" + m.map { "\"\($0.0)\"\(separator)\($0.1)" }.joined(separator: ",") + "}"
            switch rng.next() % 30 {
            case 0: line = String(line.dropLast(Int(rng.next() % 12)))
            case 1: line = "[" + line + "]"
            case 2: line = " " + line + " "
            case 3: line += "x"
            default: break
            }
            lines.append(line)
        }
        let accepted = Self.agree(lines)
        #expect(accepted > 1000, "most records are read (\(accepted))")
    }
}
