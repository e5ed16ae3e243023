import Records
import Testing

@testable import Letters

/// `JobCheck.mayHoldControl`, the one look at a job's whole text that spares checking each of
/// its strings: true exactly when a byte below 0x20, a 0x7F or a 0xC2 is there.
@Suite struct JobCheckCleanTests {
    @Test func mayHoldControlIsTheByteTest() {
        var rng = SplitMix64(seed: 23)
        let alphabet: [UInt8] = [0x41, 0x20, 0x7E, 0xC3, 0xA7, 0x30] + [0x00, 0x1F, 0x7F, 0xC2, 0x85, 0x09]
        var flagged = 0
        for _ in 0..<5000 {
            let n = Int.random(in: 1...40, using: &rng)
            // Mostly plain bytes; now and then one that may be (or start) a control character.
            let bytes = (0..<n).map { _ in
                Int.random(in: 0..<30, using: &rng) == 0 ? alphabet[Int.random(in: 6..<12, using: &rng)] : alphabet[Int.random(in: 0..<6, using: &rng)]
            }
            let expected = bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }
            if expected { flagged += 1 }
            bytes.withUnsafeBufferPointer { b in
                #expect(JobCheck.mayHoldControl(b) == expected, "\(bytes)")
                // Clean text has no control character in any of its spans.
                if !expected {
                    for lo in 0..<n { #expect(JobCheck.controlCharacter(UnsafeBufferPointer(rebasing: b[lo..<n])) == nil) }
                }
            }
        }
        #expect(flagged > 500 && flagged < 4500, "both kinds of text are tried: \(flagged)")
    }
}
