import Records
import Testing

/// `JSONReader.column(ofNode:in:)`, which points a diagnostic about a member's value at that
/// value: every node of a parsed line is found where a value of its kind starts.
@Suite struct JSONNodeColumnTests {
    static let lines = [
        #"{"record":"agreement","id":"A1","total_cents":1000,"installments":[{"number":1,"due_date":"2026-02-31"},{"number":2}]}"#,
        "  {\"a\" : [ 1 , -2.5e3 , true , false , null , \"x\\\"y\\\\\" ] ,\t\"b\":{\"c\":{}}, \"d\":[],}",
        "\u{FEFF}{\"é\":\"ção\",\"k\":[[[]]],\"u\":\"\\u00e9\"}",
        #"[{"a":1},[2,{"b":[3]}]]"#,
    ]

    @Test(arguments: lines)
    func everyNodeIsFoundWhereItsValueStarts(line: String) throws {
        let bytes = Array(line.utf8)
        var tape = JSONTape()
        #expect(bytes.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) })
        var expectedKeys = 0
        try bytes.withUnsafeBufferPointer { raw in
            for node in 0..<tape.count {
                let column = JSONReader.column(ofNode: node, in: raw)
                try #require(column > 0, "node \(node) not found in \(line)")
                let first = raw[column - 1]
                switch tape[node].kind {
                case .object: #expect(first == UInt8(ascii: "{"), "node \(node)")
                case .array: #expect(first == UInt8(ascii: "["), "node \(node)")
                case .string:
                    #expect(first == UInt8(ascii: "\""), "node \(node)")
                    expectedKeys += 1
                case .integer, .number: #expect(first == UInt8(ascii: "-") || (48...57).contains(first), "node \(node)")
                case .true: #expect(first == UInt8(ascii: "t"))
                case .false: #expect(first == UInt8(ascii: "f"))
                case .null: #expect(first == UInt8(ascii: "n"))
                }
            }
            #expect(JSONReader.column(ofNode: tape.count, in: raw) == 0)
        }
        #expect(expectedKeys > 0 || line.hasPrefix("["))
    }

    @Test func theValueOfAMemberIsPointedAt() {
        let line = Array(#"{"record":"agreement","installments":[{"number":1,"due_date":"2026-02-31"}]}"#.utf8)
        var tape = JSONTape()
        #expect(line.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) })
        let list = tape.member("installments", of: 0)!
        let due = tape.member("due_date", of: list + 1)!
        // `"2026-02-31"` starts at byte 62 (its quote): column 62.
        #expect(line.withUnsafeBufferPointer { JSONReader.column(ofNode: due, in: $0) } == 62)
        #expect(Array(line[61..<73]) == Array(#""2026-02-31""#.utf8))
        // A line that is not UTF-8 JSON: nothing to point at.
        #expect([0xFF, 0xFE, 0x7B, 0x00].withUnsafeBufferPointer { JSONReader.column(ofNode: 1, in: $0) } == 0)
    }
}

/// Paths with array elements: `installments[1].due_date` is the second installment's due date.
@Suite struct JSONPathColumnTests {
    static let line = #"{"id":"A1","installments":[{"number":1,"due_date":"2026-02-31"},{"number":2,"due_date":"2026-03-10"}],"m":[[5,6],[7]]}"#

    static func column(_ path: String) -> Int {
        Array(line.utf8).withUnsafeBufferPointer { JSONReader.column(ofPath: path, in: $0) }
    }

    /// The 1-based column where `fragment` first starts in the line (an ASCII line).
    static func start(of fragment: String) -> Int {
        line.distance(from: line.startIndex, to: line.range(of: fragment)!.lowerBound) + 1
    }

    @Test func elementsAreFoundByIndex() {
        #expect(Self.column("installments[1].due_date") == Self.start(of: #""2026-03-10""#))
        #expect(Self.column("installments[0].due_date") == Self.start(of: #""2026-02-31""#))
        #expect(Self.column("installments[1]") == Self.start(of: #"{"number":2"#))
        #expect(Self.column("m[1][0]") == Self.start(of: "7]"))
        #expect(Self.column("id") == Self.start(of: #""A1""#))
    }

    @Test func aMissingElementOrAMalformedPartIsNotFound() {
        #expect(Self.column("installments[2].due_date") == 0)
        #expect(Self.column("id[0]") == 0)
        #expect(Self.column("installments[x].number") == 0)
        #expect(Self.column("installments[-1]") == 0)
        #expect(Self.column("installments[0]x") == 0)
    }
}
