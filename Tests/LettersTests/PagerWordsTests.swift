import Records
import Testing

@testable import Letters

/// `Pager.wrap` and `Pager.cut`, which take ASCII a word at a time, against the plain way they
/// replaced: characters counted byte by byte, the last blank found by a scan back.
@Suite struct PagerWordsTests {
    /// `wrap` as it was written: byte by byte.
    static func plainWrap(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, _ width: Int) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var end = hi
        while end > lo, b[end - 1] == 0x20 { end -= 1 }
        var rest = lo
        while rest < end {
            if end - rest <= width {
                pieces.append(rest..<end)
                return pieces
            }
            var chars = 0
            var cut = rest
            while cut < end {
                if b[cut] & 0xC0 != 0x80 {
                    if chars == width { break }
                    chars += 1
                }
                cut += 1
            }
            if cut == end {
                pieces.append(rest..<end)
                return pieces
            }
            var breakAt = cut
            if b[cut] != 0x20 {
                var blank = cut - 1
                while blank > rest, b[blank] != 0x20 { blank -= 1 }
                if blank > rest { breakAt = blank }
            }
            var pieceEnd = breakAt
            while pieceEnd > rest, b[pieceEnd - 1] == 0x20 { pieceEnd -= 1 }
            pieces.append(rest..<pieceEnd)
            rest = breakAt
            while rest < end, b[rest] == 0x20 { rest += 1 }
        }
        if pieces.isEmpty { pieces.append(lo..<end) }
        return pieces
    }

    /// `cut` as it was written: characters counted byte by byte.
    static func plainCut(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, _ width: Int) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = lo
        var chars = 0
        for i in lo..<hi where b[i] & 0xC0 != 0x80 {
            if chars == width {
                pieces.append(start..<i)
                start = i
                chars = 0
            }
            chars += 1
        }
        pieces.append(start..<hi)
        return pieces
    }

    /// A line of words (short, long, accented), runs of blanks, Pix-like payloads.
    static func randomLine(_ rng: inout SplitMix64) -> [UInt8] {
        let words = ["a", "de", "carta", "cobrança", "Conceição", "000201264500", "br.gov.bcb.pix", "ção", "李", "🙂", "x" + String(repeating: "y", count: 90)]
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 0...60, using: &rng) {
            out += words[Int.random(in: 0..<words.count, using: &rng)].utf8
            out += repeatElement(0x20, count: Int.random(in: 0...3, using: &rng))
        }
        return out
    }

    @Test func wrapAndCutAreThePlainWays() {
        var rng = SplitMix64(seed: 5)
        var pieces: [Range<Int>] = []
        for _ in 0..<3000 {
            // Bytes before and after the line, so that spans are checked against the right bounds.
            let line = Self.randomLine(&rng)
            let bytes = Array("x y ".utf8) + line + Array(" z".utf8)
            let lo = 4
            let hi = 4 + line.count
            let width = [1, 2, 7, 8, 9, 16, 40, 80][Int.random(in: 0..<8, using: &rng)]
            bytes.withUnsafeBufferPointer { b in
                Pager.wrap(b, lo, hi, width, into: &pieces)
                #expect(pieces == Self.plainWrap(b, lo, hi, width), "\(String(decoding: line, as: UTF8.self)) / \(width)")
                Pager.cut(b, lo, hi, width, into: &pieces)
                #expect(pieces == Self.plainCut(b, lo, hi, width), "\(String(decoding: line, as: UTF8.self)) / \(width)")
            }
        }
    }

    @Test func lastBlankAndAllASCIIAreTheByteScans() {
        var rng = SplitMix64(seed: 9)
        for _ in 0..<3000 {
            let n = Int.random(in: 1...40, using: &rng)
            let bytes = (0..<n).map { _ in [0x20, 0x41, 0x7A, 0xC3, 0xA7, 0x00, 0x7F][Int.random(in: 0..<7, using: &rng)] as UInt8 }
            let lo = Int.random(in: 0..<n, using: &rng)
            let hi = Int.random(in: lo..<n, using: &rng)
            bytes.withUnsafeBufferPointer { b in
                var blank = hi
                while blank > lo, b[blank] != 0x20 { blank -= 1 }
                #expect(Pager.lastBlank(b, after: lo, atOrBefore: hi) == blank, "\(bytes) \(lo) \(hi)")
                #expect(Pager.allASCII(b, lo, hi) == b[lo..<hi].allSatisfy { $0 < 0x80 }, "\(bytes) \(lo) \(hi)")
            }
        }
    }
}
