/// A QR Code symbol (ISO/IEC 18004) of bytes, as a value the letters stage draws: byte mode, the
/// smallest version 1 … 40 that holds the bytes at the chosen error correction level, the data
/// split into Reed–Solomon blocks and interleaved, and the mask (of the eight) whose penalty
/// score is lowest. The quiet zone of 4 modules around it is the drawer's.
///
/// Made for a Pix BR Code (`PixBRCode.payload()`), whose text is ASCII; other bytes are encoded
/// as they are; `init(text:)` marks non-ASCII text as UTF-8 with an ECI designator.
public struct QRCode: Sendable, Hashable {
    /// The error correction level: the share of codewords that can be restored.
    public enum ErrorCorrection: Sendable, Hashable, CaseIterable {
        /// About 7 %.
        case low
        /// About 15 % (the BR Code manuals' and most generators' choice).
        case medium
        /// About 25 %.
        case quartile
        /// About 30 %.
        case high

        /// Row of the tables.
        var index: Int {
            switch self {
            case .low: return 0
            case .medium: return 1
            case .quartile: return 2
            case .high: return 3
            }
        }

        /// The two bits the format information gives it (Table 12): L 01, M 00, Q 11, H 10.
        var formatBits: Int {
            switch self {
            case .low: return 1
            case .medium: return 0
            case .quartile: return 3
            case .high: return 2
            }
        }
    }

    /// 1 … 40.
    public let version: Int
    /// The level it was made at.
    public let errorCorrection: ErrorCorrection
    /// The data mask, 0 … 7.
    public let mask: Int
    /// Modules per side: 17 + 4 · version.
    public let size: Int
    /// Row after row, `true` for a dark module.
    public let modules: [Bool]

    /// Whether the module at `row`, `column` (0-based, from the top left) is dark.
    public subscript(row: Int, column: Int) -> Bool { modules[row * size + column] }

    /// The symbol of `bytes`: the smallest version that holds them at `errorCorrection`, and
    /// the best mask unless `mask` names one. `eci` (0 … 127), when given, is written first as an
    /// Extended Channel Interpretation designator telling readers the bytes' character set
    /// (26: UTF-8). Throws when even version 40 cannot hold them.
    public init(bytes: [UInt8], errorCorrection: ErrorCorrection = .medium, mask: Int? = nil, eci: Int? = nil) throws(BoletoError) {
        let eciBits = eci == nil ? 0 : 12
        guard
            let version = (1...40).first(where: {
                eciBits + 4 + Self.countBits(version: $0) + 8 * bytes.count <= 8 * Self.dataCodewords(version: $0, level: errorCorrection)
            })
        else {
            throw BoletoError(
                BoletoError.Code.length,
                "a QR code holds at most \(Self.byteCapacity(version: 40, level: errorCorrection)) bytes at this error correction level, found \(bytes.count)"
            )
        }
        if let mask, !(0...7).contains(mask) { throw BoletoError(BoletoError.Code.field, "a QR mask is 0 … 7, found \(mask)") }
        if let eci, !(0...127).contains(eci) {
            throw BoletoError(BoletoError.Code.field, "an ECI designator of one byte is 0 … 127, found \(eci)")
        }
        let codewords = Self.codewords(
            Self.dataCodewords(bytes, eci: eci, version: version, level: errorCorrection), version: version, level: errorCorrection)
        var grid = Grid(version: version)
        grid.place(codewords)
        var best: (score: Int, mask: Int, grid: Grid)? = nil
        for m in mask.map({ [$0] }) ?? Array(0...7) {
            var g = grid
            g.apply(mask: m)
            g.drawFormat(Self.formatInformation(errorCorrection, mask: m))
            let score = mask == nil ? g.penalty() : 0
            if best == nil || score < best!.score { best = (score, m, g) }
        }
        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = best!.mask
        self.size = grid.size
        self.modules = best!.grid.dark
    }

    /// The symbol of a text's UTF-8 bytes, marked as UTF-8 (ECI 26) when they are not all ASCII
    /// (a reader would otherwise guess their character set, and may guess wrong).
    public init(text: String, errorCorrection: ErrorCorrection = .medium) throws(BoletoError) {
        let bytes = Array(text.utf8)
        try self.init(bytes: bytes, errorCorrection: errorCorrection, eci: bytes.allSatisfy { $0 < 0x80 } ? nil : 26)
    }

    /// The data codewords: the ECI designator when given (mode 0111, 8 bits), mode 0100 (byte), the count, the bytes, a terminator of up to four
    /// zero bits, zeros to the byte, then the pad codewords 0xEC 0x11 in turn up to capacity.
    static func dataCodewords(_ bytes: [UInt8], eci: Int? = nil, version: Int, level: ErrorCorrection) -> [UInt8] {
        let capacity = dataCodewords(version: version, level: level)
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        var acc = 0, bits = 0
        func put(_ value: Int, _ n: Int) {
            for k in stride(from: n - 1, through: 0, by: -1) {
                acc = acc << 1 | (value >> k & 1)
                bits += 1
                if bits == 8 {
                    out.append(UInt8(acc))
                    acc = 0
                    bits = 0
                }
            }
        }
        if let eci {
            put(0b0111, 4)
            put(eci, 8)
        }
        put(0b0100, 4)
        put(bytes.count, countBits(version: version))
        for b in bytes { put(Int(b), 8) }
        put(0, min(4, capacity * 8 - out.count * 8 - bits))
        if bits > 0 { put(0, 8 - bits) }
        var pad: UInt8 = 0xEC
        while out.count < capacity {
            out.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return out
    }

    /// The final sequence: data split into blocks (the short ones first), each given its error
    /// correction codewords; the blocks' data codewords interleaved, then their error correction.
    static func codewords(_ data: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
        let blocks = blockCount[level.index][version - 1]
        let ecc = eccPerBlock[level.index][version - 1]
        let total = totalCodewords(version: version)
        let shortData = total / blocks - ecc
        let longBlocks = total % blocks
        let generator = ReedSolomon.generator(degree: ecc)
        var dataBlocks: [ArraySlice<UInt8>] = []
        var start = 0
        for k in 0..<blocks {
            let n = shortData + (k >= blocks - longBlocks ? 1 : 0)
            dataBlocks.append(data[start..<start + n])
            start += n
        }
        let eccBlocks = dataBlocks.map { ReedSolomon.remainder($0, generator: generator) }
        var out: [UInt8] = []
        out.reserveCapacity(total)
        for i in 0...shortData {
            for b in dataBlocks where i < b.count { out.append(b[b.startIndex + i]) }
        }
        for i in 0..<ecc {
            for b in eccBlocks { out.append(b[i]) }
        }
        return out
    }

    /// The 15 format bits: level and mask, their BCH(15, 5) code (generator 0x537), XOR 0x5412.
    public static func formatInformation(_ level: ErrorCorrection, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        return (data << 10 | bchRemainder(data << 10, generator: 0x537)) ^ 0x5412
    }

    /// The 18 version bits (versions 7 and up): the version and its BCH(18, 6) code (generator 0x1F25).
    public static func versionInformation(_ version: Int) -> Int {
        version << 12 | bchRemainder(version << 12, generator: 0x1F25)
    }

    /// The remainder of `value` divided by `generator` over GF(2).
    static func bchRemainder(_ value: Int, generator: Int) -> Int {
        let degree = Int.bitWidth - generator.leadingZeroBitCount - 1
        var r = value
        while r != 0, Int.bitWidth - r.leadingZeroBitCount - 1 >= degree {
            r ^= generator << (Int.bitWidth - r.leadingZeroBitCount - 1 - degree)
        }
        return r
    }
}
