import FixedWidth

extension LayoutLibrary {
    /// Why a CNAB 400 file of `bank` cannot be read or written: no `cnab400/<bank>/<direction>`
    /// layout; the message names the banks that have one.
    func noCNAB400Layout(bank: String, direction: String) -> String {
        let banks = Set(sources.keys.filter { $0.hasPrefix("cnab400/") && $0.hasSuffix("/" + direction) }.map {
            String($0.split(separator: "/")[1])
        }).sorted()
        let known = banks.isEmpty ? "no bank has one yet" : "banks with one: " + banks.joined(separator: ", ")
        return "no CNAB 400 \(direction) layout for bank \(bank) (\(known))"
    }
}

/// The CNAB family of a file: 240 or 400 positions per record.
public struct CNABFormat: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The raw value.
    public let rawValue: Int
    /// Creates a value from its raw value.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// FEBRABAN CNAB 240.
    public static let cnab240 = CNABFormat(rawValue: 240)
    /// CNAB 400 (each bank's own).
    public static let cnab400 = CNABFormat(rawValue: 400)

    /// A textual form, for messages.
    public var description: String { "cnab\(rawValue)" }

    /// Guesses the format from a file's first line (raw bytes, BOM and CR allowed): a CNAB 240
    /// file header has lote `0000` at 4–7 and record type `0` at 8; a CNAB 400 header has `0`
    /// at 1 and the direction (`1`/`2`) at 2. Line length decides what the header does not.
    /// Returns nil when the line is neither header and its length is far from both (a bank's own
    /// leading record, for instance): guessing would only produce a cascade of wrong errors.
    public static func detect(firstLine raw: UnsafeBufferPointer<UInt8>) -> CNABFormat? {
        var lo = 0
        var hi = raw.count
        if hi >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { lo = 3 }
        while hi > lo, raw[hi - 1] == 0x0D || raw[hi - 1] == 0x1A { hi -= 1 }
        let n = hi - lo
        func at(_ pos: Int) -> UInt8 { pos <= n ? raw[lo + pos - 1] : 0 }
        let zero = UInt8(ascii: "0")
        if at(4) == zero, at(5) == zero, at(6) == zero, at(7) == zero, at(8) == zero, n < 320 { return .cnab240 }
        if at(1) == zero, at(2) == UInt8(ascii: "1") || at(2) == UInt8(ascii: "2"), n >= 320 { return .cnab400 }
        if at(4) == zero, at(5) == zero, at(6) == zero, at(7) == zero, at(8) == zero { return .cnab240 }
        if at(1) == zero, at(2) == UInt8(ascii: "1") || at(2) == UInt8(ascii: "2"), at(3) == UInt8(ascii: "R") { return .cnab400 }
        if (200...260).contains(n) { return .cnab240 }
        if (360...450).contains(n) { return .cnab400 }
        return nil
    }
}
