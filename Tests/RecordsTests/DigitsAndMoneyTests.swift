import Records
import Testing

@Suite("Digits")
struct DigitsTests {
    @Test(
        "runs of ASCII digits have a value",
        arguments: [
            ("0", 0), ("7", 7), ("0042", 42), ("2026", 2026), ("000000000000", 0), ("123456789012345678", 123456789012345678),
        ])
    func value(text: String, expected: Int) {
        #expect(Digits.value(Array(text.utf8)) == expected)
        #expect(Digits.value(Array(text.utf8)[...]) == expected)
    }

    @Test(
        "anything but digits has no value",
        arguments: [
            "", " ", " 1", "1 ", "-1", "+1", "1.0", "12a", "/", ":", "\u{0}", "١", "１",
        ])
    func notDigits(text: String) {
        #expect(Digits.value(Array(text.utf8)) == nil)
    }

    @Test("bytes just outside 0-9 are not digits", arguments: [UInt8(0x2F), 0x3A, 0x00, 0x80, 0xB0, 0xFF])
    func neighbours(byte: UInt8) {
        #expect(Digits.value([UInt8(ascii: "1"), byte]) == nil)
    }

    @Test(
        "writing pads with zeros to the width",
        arguments: [
            (0, 4, "0000"), (7, 2, "07"), (2026, 4, "2026"), (31, 2, "31"), (123, 5, "00123"),
        ])
    func write(value: Int, width: Int, expected: String) {
        var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: width + 2)
        Digits.write(value, width: width, into: &bytes, at: 1)
        #expect(bytes == Array(("x" + expected + "x").utf8))
    }
}

@Suite("Money")
struct MoneyTests {
    @Test(
        "centavos format with two decimals",
        arguments: [
            (0, "0.00"), (5, "0.05"), (10, "0.10"), (99, "0.99"), (100, "1.00"), (101, "1.01"), (123456, "1234.56"),
            (-5, "-0.05"), (-100, "-1.00"), (-123456, "-1234.56"),
            (Int.max, "92233720368547758.07"), (Int.min, "-92233720368547758.08"),
        ])
    func format(cents: Int, expected: String) {
        #expect(Money.format(cents) == expected)
    }
}
