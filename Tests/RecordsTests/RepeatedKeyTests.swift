import Foundation
import Records
import Testing

/// `JSONTape.repeatedKey` and `JSONReader.parseRecord`: a JSONL record that gives a key twice is
/// refused (which value is meant cannot be told), wherever the object is and however the keys
/// are written; `parse` keeps reading it, as JSONSerialization does.
@Suite struct RepeatedKeyTests {
    static func tape(_ text: String) -> JSONTape {
        var tape = JSONTape()
        let ok = Array(text.utf8).withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) }
        #expect(ok, "\(text)")
        return tape
    }

    /// The repeated key's text and its 1-based column, or nil.
    static func repeated(_ text: String) -> (String, Int)? {
        let tape = tape(text)
        guard let k = tape.repeatedKey() else { return nil }
        return (tape.string(k), Array(text.utf8).withUnsafeBufferPointer { JSONReader.column(ofNode: k, in: $0) })
    }

    /// A record `parseRecord` took has no key twice, so `member` may stop at the first of a name;
    /// a tape `parse` read with a key twice still gives the last, and a tape changed after
    /// its check is not trusted to have none.
    @Test func aMemberIsTheFirstOnlyWhereKeysAreKnownUnique() {
        var tape = JSONTape()
        let record = Array(#"{"a":1,"payer":{"name":"A","doc":"1"},"z":2}"#.utf8)
        #expect(record.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) })
        #expect(tape.keysUnique)
        #expect(tape.member("z", of: 0).map { tape[$0].value } == 2)
        #expect(tape.member("payer", of: 0).flatMap { tape.member("doc", of: $0) }.map { tape.string($0) } == "1")
        #expect(tape.member("nope", of: 0) == nil)
        let twice = Self.tape(#"{"k":1,"j":2,"k":3}"#)
        #expect(!twice.keysUnique)
        #expect(twice.member("k", of: 0).map { twice[$0].value } == 3, "the last one wins")
        let refused = Array(#"{"k":1,"k":3}"#.utf8)
        #expect(!refused.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) })
        #expect(!tape.keysUnique)
        #expect(record.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) })
        tape.appendString("x")
        #expect(!tape.keysUnique, "changed since it was checked")
    }

    /// The parser's own look for repeats as it reads (`parseRecord`) refuses exactly the records
    /// `repeatedKey` finds a repeat in: random objects of keys from a few letters (so that some
    /// repeat, some only share a hash bit), some deeper than the parser follows, some with more
    /// than 64 keys, keys long and short and escaped.
    @Test func theParsersLookAgreesWithRepeatedKey() {
        var rng = SplitMix64(seed: 7)
        func key() -> String {
            let stems = ["a", "b", "ab", "nosso_numero", "nosso_numerO", "amount_cents", "x\\u0061", "xa", "payer_document_type", "payer_document_typf"]
            return stems[Int(rng.next() % UInt64(stems.count))] + (rng.next() % 3 == 0 ? String(rng.next() % 90) : "")
        }
        func object(_ depth: Int) -> String {
            // A wide object's members are plain values, and a nested object is a member in four
            // (few enough that a record stays small, some still six or seven deep).
            let wide = rng.next() % 12 == 0
            let n = wide ? 60 + Int(rng.next() % 20) : Int(rng.next() % 8)
            var members: [String] = []
            for k in 0..<n {
                let value: String
                switch wide ? 5 : rng.next() % 8 {
                case 0 where depth < 7: value = object(depth + 1)
                case 1 where depth < 7: value = "[" + object(depth + 1) + "]"
                case 2: value = "\"v\(k)\""
                default: value = String(rng.next() % 1000)
                }
                members.append("\"" + (wide ? key() + String(k % 70) : key()) + "\":" + value)
            }
            return "{" + members.joined(separator: ",") + "}"
        }
        var refused = 0
        for _ in 0..<3000 {
            let text = Array(object(1).utf8)
            var exact = JSONTape()
            let parsed = text.withUnsafeBufferPointer { JSONReader.parse($0, into: &exact) }
            #expect(parsed)
            let expected = exact.repeatedKey() == nil
            var tape = JSONTape()
            let taken = text.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) }
            #expect(taken == expected, "\(String(decoding: text, as: UTF8.self))")
            var members = JSONMemberSpans()
            let spanned = text.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape, members: &members) }
            #expect(spanned == expected)
            if !expected { refused += 1 }
        }
        #expect(refused > 300 && refused < 2700, "both kinds tried: \(refused) refused")
    }

    /// A text that ends inside many open containers (`[[[[[[[[[`: a node a byte) made more nodes
    /// than the room made for them, written past it: heap corruption, a crash or a hang in every
    /// stage reading JSON. Now refused, its nodes within the tape's storage.
    @Test(arguments: ["[", "{\"a\":", "[{\"k\":[", "[1,"])
    func aTextEndingInsideOpenContainersStaysInItsRoom(opener: String) {
        for depth in [1, 8, 9, 40, 511, 512, 513, 600] {
            for tail in ["", "\"abc", "7", "\n"] {
                let text = Array((String(repeating: opener, count: depth) + tail).utf8)
                var tape = JSONTape()
                #expect(!text.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) })
                #expect(tape.count <= tape.nodes.count, "\(depth) × \(opener)\(tail): \(tape.count) nodes in room for \(tape.nodes.count)")
                #expect(!text.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) })
                #expect(tape.count <= tape.nodes.count)
                #expect(text.withUnsafeBufferPointer { JSONReader.errorOffset($0) } != nil)
            }
        }
    }

    /// JSON nested deeper than the reader goes is said to be so, at the container one level too
    /// deep, not "not valid JSON at "["": the text may be JSON. Brackets inside strings do not count.
    @Test func tooDeepIsToldApartFromNotJSON() {
        let deep = Array(("{\"a\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}").utf8)
        let said = deep.withUnsafeBufferPointer { JSONReader.notAnObject($0) }
        #expect(said.message == "expected a JSON object: nested more than 512 levels deep (the most Troca reads)")
        // The object is level 1: the 512th [ (column 5 + 512) would be level 513.
        #expect(said.column == 5 + 512, "\(said.column)")
        let quoted = Array(("{\"s\":\"" + String(repeating: "[", count: 600) + "\",\"b\":[x]}").utf8)
        #expect(quoted.withUnsafeBufferPointer { JSONReader.notAnObject($0) }.message == #"expected a JSON object: not valid JSON at "x""#)
        let file = Array((String(repeating: "[", count: 513) + String(repeating: "]", count: 513)).utf8)
        #expect(JSONReader.syntaxError(inFile: file)?.problem == JSONReader.tooDeepProblem)
    }

    @Test func foundWhereverTheyAre() {
        #expect(Self.repeated(#"{"a":1,"b":2,"c":3}"#) == nil)
        #expect(Self.repeated(#"{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}"#) == nil, "the same key in different objects")
        #expect(Self.repeated(#"{"amount_cents":100,"amount_cents":999999}"#)! == ("amount_cents", 21))
        #expect(Self.repeated(#"{"x":1,"payer":{"name":"A","doc":"1","name":"B"}}"#)! == ("name", 38))
        #expect(Self.repeated(#"{"list":[{"k":1},{"k":1,"j":2,"k":3}]}"#)! == ("k", 31))
        // Written differently, the same key once unescaped.
        #expect(Self.repeated(#"{"ab":1,"a\u0062":2}"#)! == ("ab", 9))
        // Same length and the same first and last eight bytes, one byte apart in the middle.
        #expect(Self.repeated(#"{"abcdefgh_1_stuvwxyz":1,"abcdefgh_2_stuvwxyz":2}"#) == nil)
        #expect(Self.repeated(#"{"abcdefgh_1_stuvwxyz":1,"abcdefgh_1_stuvwxyz":2}"#)! == ("abcdefgh_1_stuvwxyz", 26))
        // Short keys that differ only past their end in the text after them.
        #expect(Self.repeated(#"{"a":"a","ab":"b","abc":"c","":1,"b":2}"#) == nil)
        #expect(Self.repeated(#"{"":1,"":2}"#)! == ("", 7))
    }

    @Test func wideObjects() {
        // More keys than the filter holds (checked through a set): repeats still found.
        let keys = (0..<100).map { "\"k\($0)\":\($0)" }
        #expect(Self.repeated("{" + keys.joined(separator: ",") + "}") == nil)
        let tape = Self.tape("{" + (keys + ["\"k3\":0"]).joined(separator: ",") + "}")
        #expect(tape.repeatedKey().map { tape.string($0) } == "k3")
        let early = Self.tape("{" + (["\"k99\":0"] + keys).joined(separator: ",") + "}")
        #expect(early.repeatedKey().map { early.string($0) } == "k99")
    }

    @Test("random objects: the same answer as a set of keys", arguments: [1, 2, 3])
    func againstASet(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let names = ["a", "b", "amount_cents", "amount_cent", "payer", "name", "nosso_numero", "nosso_numerO", "x1234567", "x12345678"]
        for _ in 0..<300 {
            let count = 1 + rng.below(12)
            var picked: [String] = []
            for _ in 0..<count { picked.append(rng.pick(names)) }
            let text = "{" + picked.enumerated().map { "\"\($0.element)\":\($0.offset)" }.joined(separator: ",") + "}"
            var seen: Set<String> = []
            let expected = picked.first { !seen.insert($0).inserted }
            let tape = Self.tape(text)
            #expect(tape.repeatedKey().map { tape.string($0) } == expected, "\(text)")
        }
        // Wider objects: filter bits shared by different keys, and past 64 keys the set.
        for _ in 0..<300 {
            let count = 1 + rng.below(90)
            var picked: [String] = []
            for _ in 0..<count { picked.append("key_\(rng.below(400))") }
            let text = "{" + picked.enumerated().map { "\"\($0.element)\":\($0.offset)" }.joined(separator: ",") + "}"
            var seen: Set<String> = []
            let expected = picked.first { !seen.insert($0).inserted }
            let tape = Self.tape(text)
            #expect(tape.repeatedKey().map { tape.string($0) } == expected, "\(text)")
        }
    }

    @Test func recordsAreRefusedAndSaidWhy() {
        let line = Array(#"{"record":"title","amount_cents":100,"amount_cents":999999}"#.utf8)
        var tape = JSONTape()
        #expect(line.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) }, "parse keeps JSONSerialization's leniency")
        #expect(!line.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) })
        var spans = JSONMemberSpans()
        #expect(!line.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape, members: &spans) })
        let (message, column) = line.withUnsafeBufferPointer { JSONReader.notAnObject($0) }
        #expect(message.contains("\"amount_cents\" is given twice"), "\(message)")
        #expect(column == 38)
        let fine = Array(#"{"record":"title","amount_cents":100}"#.utf8)
        #expect(fine.withUnsafeBufferPointer { JSONReader.parseRecord($0, into: &tape) })
    }
}
