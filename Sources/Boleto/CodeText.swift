/// A code as typed or scanned: the digits, with where each one was in the text, so that an
/// error can point at the character the reader typed. Dots, spaces, tabs and hyphens separate
/// groups (the printed forms `03399.02827 …` and `84670000001-7 …`); anything else is an error.
public struct CodeText: Sendable, Hashable {
    /// The digits, ASCII.
    public let digits: [UInt8]
    /// For each digit, its 1-based position in the text.
    public let columns: [Int]

    /// Reads the digits of `text`.
    public init(_ text: String) throws(BoletoError) {
        var digits: [UInt8] = []
        var columns: [Int] = []
        digits.reserveCapacity(48)
        columns.reserveCapacity(48)
        var column = 0
        for b in text.utf8 {
            column += 1
            switch b {
            case 48...57:
                digits.append(b)
                columns.append(column)
            case UInt8(ascii: "."), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "-"):
                continue
            default:
                let shown = b < 0x80 ? "\"\(String(UnicodeScalar(b)))\"" : "a non-ASCII byte"
                throw BoletoError(BoletoError.Code.character, "\(shown) is not a digit (codes are digits, with optional dots, spaces or hyphens)", column: column)
            }
        }
        self.digits = digits
        self.columns = columns
    }

    /// Digits taken as they are (positions 1…n).
    public init(digits: [UInt8]) {
        self.digits = digits
        self.columns = digits.indices.map { $0 + 1 }
    }

    /// The text column of the digit at 0-based `index`.
    public func column(ofDigit index: Int) -> Int { index < columns.count ? columns[index] : 0 }
}

extension Array where Element == UInt8 {
    /// ASCII digits as text.
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// The integer value of ASCII digits.
@inlinable
func digitValue<C: Collection>(_ digits: C) -> Int where C.Element == UInt8 {
    var v = 0
    for d in digits { v = v * 10 + Int(d &- 48) }
    return v
}
