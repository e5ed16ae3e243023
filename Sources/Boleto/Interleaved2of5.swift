/// The Interleaved 2 of 5 (ITF) symbol of a boleto's 44-digit barcode, as a value the letters
/// stage draws (BBBOL §2.3.3: ITF, 103 mm × 13 mm, quiet zones of 5 mm). Digits are taken in
/// pairs, the first drawn by the five bars, the second by the five spaces between them; each
/// digit has two wide and three narrow elements. The symbol starts with narrow bar, narrow
/// space, narrow bar, narrow space and ends with wide bar, narrow space, narrow bar.
public struct Interleaved2of5: Sendable, Hashable {
    /// One bar or space.
    public struct Element: Sendable, Hashable {
        /// A bar (dark) or a space (light).
        public var isBar: Bool
        /// Wide or narrow.
        public var isWide: Bool

        /// An element, e.g. as measured from a drawn symbol to read it back with `decode`.
        public init(isBar: Bool, isWide: Bool) {
            self.isBar = isBar
            self.isWide = isWide
        }
    }

    /// The elements from the start pattern to the stop pattern, alternating bar and space,
    /// starting with a bar.
    public let elements: [Element]
    /// The light margin on each side, in narrow modules.
    public let quietZone: Int
    /// Wide elements are this many narrow modules.
    public let ratio: Int

    /// Wide (1) and narrow (0) elements of each digit, the classic ITF table.
    static let patterns: [[Bool]] = [
        [false, false, true, true, false], [true, false, false, false, true], [false, true, false, false, true],
        [true, true, false, false, false], [false, false, true, false, true], [true, false, true, false, false],
        [false, true, true, false, false], [false, false, false, true, true], [true, false, false, true, false],
        [false, true, false, true, false],
    ]

    /// The symbol of an even number of ASCII digits (a boleto barcode has 44). The default
    /// ratio 3 and quiet zone of 20 modules come from the boleto's size: 44 digits at ratio 3 take
    /// 405 modules over 103 mm, one module ≈ 0.254 mm, so 5 mm ≈ 20 modules.
    public init(digits: [UInt8], ratio: Int = 3, quietZone: Int = 20) throws(BoletoError) {
        guard !digits.isEmpty, digits.count % 2 == 0, CheckDigits.allDigits(digits) else {
            throw BoletoError(BoletoError.Code.length, "Interleaved 2 of 5 needs an even number of digits, found \(digits.count)")
        }
        var e: [Element] = []
        e.reserveCapacity(4 + digits.count * 5 + 3)
        for k in 0..<4 { e.append(Element(isBar: k % 2 == 0, isWide: false)) }
        var i = 0
        while i < digits.count {
            let bars = Self.patterns[Int(digits[i] - 48)]
            let spaces = Self.patterns[Int(digits[i + 1] - 48)]
            for k in 0..<5 {
                e.append(Element(isBar: true, isWide: bars[k]))
                e.append(Element(isBar: false, isWide: spaces[k]))
            }
            i += 2
        }
        e.append(Element(isBar: true, isWide: true))
        e.append(Element(isBar: false, isWide: false))
        e.append(Element(isBar: true, isWide: false))
        elements = e
        self.ratio = ratio
        self.quietZone = quietZone
    }

    /// The symbol of a barcode.
    public init(barcode: Barcode) {
        try! self.init(digits: barcode.digits)
    }

    /// Widths in narrow modules: quiet zone, then each element (bar first), then quiet zone.
    public var moduleWidths: [Int] {
        [quietZone] + elements.map { $0.isWide ? ratio : 1 } + [quietZone]
    }

    /// Total width in narrow modules, quiet zones included.
    public var totalModules: Int { moduleWidths.reduce(0, +) }

    /// Reads elements back to digits: checks the start and stop patterns and that every digit
    /// has exactly two wide elements.
    public static func decode(_ elements: [Element]) throws(BoletoError) -> [UInt8] {
        guard elements.count >= 7, (elements.count - 7) % 10 == 0 else {
            throw BoletoError(BoletoError.Code.length, "an ITF symbol has 7 + 10·n elements, found \(elements.count)")
        }
        for (k, el) in elements.enumerated() where el.isBar != (k % 2 == 0) {
            throw BoletoError(BoletoError.Code.character, "element \(k + 1) should be a \(k % 2 == 0 ? "bar" : "space")", column: k + 1)
        }
        guard elements.prefix(4).allSatisfy({ !$0.isWide }) else {
            throw BoletoError(BoletoError.Code.character, "the start pattern is four narrow elements", column: 1)
        }
        let stop = elements.suffix(3).map(\.isWide)
        guard stop == [true, false, false] else {
            throw BoletoError(BoletoError.Code.character, "the stop pattern is wide bar, narrow space, narrow bar", column: elements.count - 2)
        }
        var digits: [UInt8] = []
        var i = 4
        while i + 10 <= elements.count - 3 {
            var bars: [Bool] = []
            var spaces: [Bool] = []
            for k in 0..<5 {
                bars.append(elements[i + 2 * k].isWide)
                spaces.append(elements[i + 2 * k + 1].isWide)
            }
            for p in [bars, spaces] {
                guard let d = patterns.firstIndex(of: p) else {
                    throw BoletoError(BoletoError.Code.character, "elements \(i + 1)…\(i + 10) are no ITF digit pair", column: i + 1)
                }
                digits.append(ascii(d))
            }
            i += 10
        }
        return digits
    }
}
