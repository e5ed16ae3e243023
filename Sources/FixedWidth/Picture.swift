import Records

/// A COBOL-style picture such as `X(30)`, `9(8)` or `9(13)V99`, as the bank manuals print them.
public struct Picture: Sendable, Hashable, CustomStringConvertible {
    /// Alphanumeric (`X`: left-aligned, blank-filled) or numeric (`9`: right-aligned, zero-filled).
    public enum Kind: Sendable, Hashable {
        case alphanumeric
        case numeric
    }

    /// The picture's kind.
    public let kind: Kind
    /// Digits (or characters) before the implied decimal point.
    public let integerDigits: Int
    /// Implied decimal digits after `V` (0 when there is no `V`).
    public let decimals: Int
    /// The text as written in the layout.
    public let text: String

    /// Total width in bytes.
    public var length: Int { integerDigits + decimals }

    /// A textual form, for messages.
    public var description: String { text }

    /// Why a picture is not well formed.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// A lowercase explanation.
        public let description: String
    }

    /// Parses a picture; throws a `ParseError` saying what is wrong with it.
    public init(_ text: String) throws(ParseError) {
        self.text = text
        let bytes = Array(text.utf8)
        var i = 0
        func run(_ symbol: UInt8) throws(ParseError) -> Int {
            var count = 0
            while i < bytes.count, bytes[i] == symbol {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "(") {
                    // At most a line's length (`Digits.value` wraps past 18 digits): no field is longer.
                    guard let close = bytes[i...].firstIndex(of: UInt8(ascii: ")")), close - i - 1 <= 18,
                        let n = Digits.value(bytes[(i + 1)..<close]), n > 0, n <= LineReader.maxLineLength
                    else { throw ParseError(description: "bad repeat count in picture \"\(text)\"") }
                    guard count <= LineReader.maxLineLength else { throw ParseError(description: "picture \"\(text)\" is longer than a line can be") }
                    count += n
                    i = close + 1
                } else {
                    count += 1
                }
            }
            return count
        }
        guard let first = bytes.first else { throw ParseError(description: "empty picture") }
        switch first {
        case UInt8(ascii: "X"):
            kind = .alphanumeric
            integerDigits = try run(first)
            decimals = 0
        case UInt8(ascii: "9"):
            kind = .numeric
            integerDigits = try run(first)
            if i < bytes.count, bytes[i] == UInt8(ascii: "V") {
                i += 1
                let d = try run(UInt8(ascii: "9"))
                guard d > 0 else { throw ParseError(description: "picture \"\(text)\" has V without decimal digits") }
                decimals = d
            } else {
                decimals = 0
            }
        default:
            throw ParseError(description: "picture \"\(text)\" must start with X or 9")
        }
        guard i == bytes.count else {
            throw ParseError(description: "unexpected \"\(String(decoding: bytes[i...], as: UTF8.self))\" in picture \"\(text)\"")
        }
    }
}
