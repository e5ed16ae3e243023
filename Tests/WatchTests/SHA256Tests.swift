import Testing

@testable import Watch

/// FIPS 180-4's examples (NIST "SHA256.pdf", the CSRC example values), one piece or many.
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownDigests(text: String, hex: String) {
        var h = SHA256()
        h.update(Array(text.utf8))
        #expect(h.hex() == hex)
    }

    @Test func oneMillionAsFedInUnevenPiecesGiveTheStandardDigest() {
        // FIPS 180-4 long example: 1,000,000 × "a". Pieces of 997 bytes cross every block edge.
        var h = SHA256()
        var left = 1_000_000
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 997)
        while left > 0 {
            let n = min(left, piece.count)
            h.update(piece[0..<n])
            left -= n
        }
        #expect(h.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: [55, 56, 63, 64, 65, 119, 120])
    func lengthsAroundThePaddingEdgeAgreeWhateverThePieces(length: Int) {
        // 55 bytes fit one padded block; 56 need a second: fed whole or byte by byte, same digest.
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var whole = SHA256()
        whole.update(bytes)
        var bytewise = SHA256()
        for b in bytes { bytewise.update([b]) }
        let a = whole.hex()
        #expect(a == bytewise.hex())
        #expect(a.count == 64)
    }
}
