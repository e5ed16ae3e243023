import Records
import Testing

@testable import Letters

/// `LetterBytes` (a letter's bytes, appended a word at a time) against a `[UInt8]` doing the
/// same appends, and its copies kept apart.
@Suite struct LetterBytesTests {
    @Test func appendsAsAnArrayDoes() {
        var rng = SplitMix64(seed: 3)
        let source = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for _ in 0..<300 {
            var bytes = LetterBytes(capacity: Int.random(in: 0...40, using: &rng))
            var array: [UInt8] = []
            for _ in 0..<Int.random(in: 0...60, using: &rng) {
                switch Int.random(in: 0..<5, using: &rng) {
                case 0:
                    let b = UInt8.random(in: 0...255, using: &rng)
                    bytes.append(b)
                    array.append(b)
                case 1:
                    // Every length from 0 through 70: bytes, words, overlapping last word, memcpy.
                    let n = Int.random(in: 0...70, using: &rng)
                    let from = Int.random(in: 0...(source.count - n), using: &rng)
                    source.withUnsafeBufferPointer { bytes.appendBytes(UnsafeBufferPointer(rebasing: $0[from..<(from + n)])) }
                    array += source[from..<(from + n)]
                case 2:
                    let n = Int.random(in: 0...9, using: &rng)
                    bytes.appendBlanks(n)
                    array += repeatElement(0x20, count: n)
                case 3:
                    let cut = Int.random(in: 0...array.count, using: &rng)
                    bytes.removeSubrange(from: cut)
                    array.removeSubrange(cut...)
                default:
                    let value = Int.random(in: -99_999...99_999, using: &rng)
                    JSONBytes.appendInt(value, to: &bytes)
                    array += Array(String(value).utf8)
                }
                #expect(bytes.count == array.count)
            }
            #expect(bytes.array == array)
            #expect(bytes.withUnsafeBufferPointer { Array($0) } == array)
            if !array.isEmpty {
                let i = Int.random(in: 0..<array.count, using: &rng)
                #expect(bytes[i] == array[i])
                #expect(bytes[i..<array.count] == Array(array[i...]))
            }
        }
    }

    @Test func copiesDoNotShareChanges() {
        var a = LetterBytes(capacity: 16)
        a.append(contentsOf: Array("carta".utf8))
        var b = a
        b.append(contentsOf: Array(" dois".utf8))
        a.append(UInt8(ascii: "!"))
        #expect(a.array == Array("carta!".utf8))
        #expect(b.array == Array("carta dois".utf8))
        // A cut copy, then appended to, leaves the other's bytes where they were.
        var c = b
        c.removeSubrange(from: 2)
        c.append(contentsOf: Array("XYZ".utf8))
        #expect(b.array == Array("carta dois".utf8))
        #expect(c.array == Array("caXYZ".utf8))
        c.removeAll()
        #expect(c.count == 0)
        #expect(b.count == 10)
    }

    /// `equalBytes` (bytes, two words, or memcmp by length) is `==` of the spans.
    @Test func equalBytesIsEquality() {
        var rng = SplitMix64(seed: 31)
        for _ in 0..<4000 {
            let n = Int.random(in: 0...24, using: &rng)
            let a = (0..<n).map { _ in UInt8.random(in: 0...3, using: &rng) }
            var b = a
            if n > 0, Bool.random(using: &rng) { b[Int.random(in: 0..<n, using: &rng)] ^= 1 }
            let equal = a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in equalBytes(x.baseAddress ?? UnsafePointer(bitPattern: 8)!, y.baseAddress ?? UnsafePointer(bitPattern: 8)!, n) }
            }
            #expect(equal == (a == b), "\(a) \(b)")
        }
    }
}

