import Testing

@testable import FixedWidth

@Suite("Picture")
struct PictureTests {
    @Test(
        "well-formed pictures",
        arguments: [
            ("X(30)", Picture.Kind.alphanumeric, 30, 0),
            ("9(13)V99", .numeric, 13, 2),
            ("9(5)V9(2)", .numeric, 5, 2),
            ("X", .alphanumeric, 1, 0),
            ("999", .numeric, 3, 0),
            ("9V99", .numeric, 1, 2),
            ("9(1)", .numeric, 1, 0),
            ("XXX", .alphanumeric, 3, 0),
            ("X(2)X", .alphanumeric, 3, 0),
            ("99(3)", .numeric, 4, 0),
            ("9(08)", .numeric, 8, 0),
            ("9(3)V9(4)9", .numeric, 3, 5),
        ])
    func parses(text: String, kind: Picture.Kind, integerDigits: Int, decimals: Int) throws {
        let p = try Picture(text)
        #expect(p.kind == kind)
        #expect(p.integerDigits == integerDigits)
        #expect(p.decimals == decimals)
        #expect(p.length == integerDigits + decimals)
        #expect(p.text == text)
        #expect(p.description == text)
    }

    @Test(
        "malformed pictures are errors that say why",
        arguments: [
            ("", "empty"),
            ("Z(3)", "must start with X or 9"),
            ("9(", "bad repeat count"),
            ("9(0)", "bad repeat count"),
            ("9(3)V", "V without decimal digits"),
            ("X(2)Y", #"unexpected "Y""#),
            ("9()", "bad repeat count"),
            ("9(-1)", "bad repeat count"),
            ("9(a)", "bad repeat count"),
            // Past any line's length, or past what an Int holds (these trapped).
            ("X(9223372036854775807)X", "bad repeat count"),
            ("X(99999999999999999999)", "bad repeat count"),
            ("X(65537)", "bad repeat count"),
            ("9(3", "bad repeat count"),
            ("x(3)", "must start with X or 9"),
            ("X(3)V99", #"unexpected "V99""#),
            ("9(3)VX", "V without decimal digits"),
            ("9(3))", #"unexpected ")""#),
            ("V99", "must start with X or 9"),
            (" 9(3)", "must start with X or 9"),
            ("9(3) ", #"unexpected " ""#),
            ("9(2)X(3)", #"unexpected "X(3)""#),
            ("9V99V9", #"unexpected "V9""#),
        ])
    func malformed(text: String, reason: String) {
        #expect {
            _ = try Picture(text)
        } throws: { error in
            guard let error = error as? Picture.ParseError else { return false }
            return error.description.contains(reason)
        }
    }
}
