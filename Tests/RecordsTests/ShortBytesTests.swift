import Foundation
import Records
import Testing

/// `ShortBytes.fill` and `ShortBytes.copy` (a few stores, overlapping, for up to 32 bytes) write
/// exactly the bytes a byte loop writes, and none before or after them.
@Suite struct ShortBytesTests {
    @Test func fillAndCopyWriteTheirBytesOnly() {
        var rng = SplitMix64(seed: 400)
        for _ in 0..<5_000 {
            let count = rng.below(45)
            let at = rng.below(9)
            let source = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let byte = UInt8(truncatingIfNeeded: rng.next())
            let before = (0..<(count + 24)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var filled = before
            var expectedFill = before
            for k in 0..<count { expectedFill[at + k] = byte }
            filled.withUnsafeMutableBufferPointer { ShortBytes.fill($0.baseAddress! + at, count, with: byte) }
            #expect(filled == expectedFill, "fill \(count) at \(at)")
            var copied = before
            var expectedCopy = before
            for k in 0..<count { expectedCopy[at + k] = source[k] }
            (source + [0]).withUnsafeBufferPointer { s in
                copied.withUnsafeMutableBufferPointer { ShortBytes.copy(s.baseAddress!, to: $0.baseAddress! + at, count) }
            }
            #expect(copied == expectedCopy, "copy \(count) at \(at)")
        }
    }
}
