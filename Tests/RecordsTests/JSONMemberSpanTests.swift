import Records
import Testing

/// `JSONReader.parse(_:into:members:)` says where each top-level member lies in the line, so that
/// `boleto make` can rewrite some members and copy the others byte for byte.
@Suite struct JSONMemberSpanTests {
    /// The (key, value) texts the spans point at, or nil when the line was not parsed or no spans came back.
    static func spans(_ text: [UInt8]) -> [(String, String)]? {
        var tape = JSONTape()
        var recorded = JSONMemberSpans()
        guard text.withUnsafeBufferPointer({ JSONReader.parse($0, into: &tape, members: &recorded) }), let members = recorded.spans else {
            return nil
        }
        return members.map { (String(decoding: text[$0.key], as: UTF8.self), String(decoding: text[$0.value], as: UTF8.self)) }
    }

    static func spans(_ text: String) -> [(String, String)]? { spans(Array(text.utf8)) }

    @Test func membersOfACompactLine() throws {
        let got = try #require(Self.spans(#"{"a":1,"bc":"x\"y","n":{"m":[1,{"k":"}"}]},"t":true,"z":null}"#))
        #expect(got.map(\.0) == ["a", "bc", "n", "t", "z"])
        #expect(got.map(\.1) == ["1", #""x\"y""#, #"{"m":[1,{"k":"}"}]}"#, "true", "null"])
    }

    @Test func whitespaceIsOutsideTheSpans() throws {
        let got = try #require(Self.spans("  {\t\"a\" :  -1.5e3 ,\r\n \"b\":[ ] }  "))
        #expect(got.map(\.0) == ["a", "b"])
        #expect(got.map(\.1) == ["-1.5e3", "[ ]"])
    }

    @Test func keysAreTheRawBytesBetweenTheQuotes() throws {
        let got = try #require(Self.spans(#"{"a\u0062":2,"é":3}"#))
        #expect(got.map(\.0) == [#"a\u0062"#, "é"])
        #expect(got.map(\.1) == ["2", "3"])
    }

    @Test func offsetsCountAByteOrderMark() throws {
        let line: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"a":"b"}"#.utf8)
        let got = try #require(Self.spans(line))
        #expect(got.map(\.0) == ["a"])
        #expect(got.map(\.1) == [#""b""#])
    }

    @Test func onlyTheTopLevelObjectsMembers() throws {
        #expect(try #require(Self.spans(#"[{"a":1}]"#)).isEmpty)
        #expect(try #require(Self.spans("{}")).isEmpty)
        #expect(try #require(Self.spans(#"{"a":{"b":{"c":1}}}"#)).map(\.0) == ["a"])
    }

    @Test func aUTF16LineGivesNoSpans() {
        let line = Array(#"{"a":1}"#.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        var tape = JSONTape()
        var recorded = JSONMemberSpans()
        #expect(line.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape, members: &recorded) })
        #expect(recorded.spans == nil)
    }

    @Test func eachParseReplacesTheLastSpans() {
        var tape = JSONTape()
        var recorded = JSONMemberSpans()
        let long = Array(#"{"a":1,"b":2,"c":3}"#.utf8)
        let short = Array(#"{"d":4}"#.utf8)
        #expect(long.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape, members: &recorded) })
        #expect(recorded.spans?.count == 3)
        #expect(short.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape, members: &recorded) })
        #expect(recorded.spans?.map(\.key) == [2..<3])
        #expect(!Array("{".utf8).withUnsafeBufferPointer { JSONReader.parse($0, into: &tape, members: &recorded) })
    }
}
