import Boleto
import Testing

@Suite struct Interleaved2of5Tests {
    @Test func decodesBackToTheDigits() throws {
        var rng = Seeded(seed: 25)
        for _ in 0..<200 {
            let digits = d(rng.digits(44))
            let symbol = try Interleaved2of5(digits: digits)
            #expect(symbol.elements.count == 4 + 44 * 5 + 3)
            #expect(try Interleaved2of5.decode(symbol.elements) == digits)
        }
    }

    @Test func santanderBarcodeSymbol() throws {
        let b = Barcode(unchecked: d("03398204600000273719028203356661245780020101"))
        let symbol = Interleaved2of5(barcode: b)
        #expect(try Interleaved2of5.decode(symbol.elements) == b.digits)
        // 405 modules of symbol (start 4, 22 pairs × 18, stop 5) plus two quiet zones of 20.
        #expect(symbol.totalModules == 405 + 40)
        // Every digit has exactly two wide elements.
        let wide = symbol.elements.dropFirst(4).dropLast(3).filter(\.isWide).count
        #expect(wide == 44 * 2)
        // Pair "03": bars 0 = n n w w n, spaces 3 = w w n n n.
        let first = symbol.elements[4..<14].map { $0.isWide ? "w" : "n" }.joined()
        #expect(first == "nwnwwnwnnn")
    }

    @Test func brokenSymbolsAreRejected() throws {
        let symbol = try Interleaved2of5(digits: d("12"))
        var e = symbol.elements
        e[4].isWide.toggle()  // three wide bars in digit 1
        #expect(throws: BoletoError.self) { try Interleaved2of5.decode(e) }
        #expect(throws: BoletoError.self) { try Interleaved2of5.decode(Array(symbol.elements.dropLast())) }
        #expect(throws: BoletoError.self) { try Interleaved2of5(digits: d("123")) }
    }
}
