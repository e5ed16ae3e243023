import Boleto
import Testing

@Suite struct PixTests {
    /// BCB "Manual de Padrões para Iniciação do Pix", §1.5.4 static example (as quoted in
    /// bacen/pix-api issue #79): CRC 1D3D.
    static let manualStatic =
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"

    @Test func crcCatalogueCheckValue() {
        // CRC-16/CCITT-FALSE of "123456789" is 0x29B1 (the CRC catalogue's check value).
        #expect(PixBRCode.crc16(Array("123456789".utf8)) == 0x29B1)
    }

    @Test func manualStaticPayload() throws {
        let code = PixBRCode(key: "123e4567-e12b-12d1-a456-426655440000", merchantName: "Fulano de Tal", merchantCity: "BRASILIA")
        #expect(try code.payload() == Self.manualStatic)
        let back = try PixBRCode.decode(Self.manualStatic)
        #expect(back.key == "123e4567-e12b-12d1-a456-426655440000")
        #expect(back.txid == "***")
        #expect(back.merchantName == "Fulano de Tal" && back.merchantCity == "BRASILIA")
        #expect(back.amountCents == nil)
    }

    /// The facts file's §H second vector: the static payload printed in the README of the
    /// rayanetenorios/pix-payload package (key only, one-letter name and city), CRC 3A81.
    @Test func publishedPackageStaticPayload() throws {
        let published =
            "00020126410014br.gov.bcb.pix0119rayane@alvoz.com.br5204000053039865802BR5901N6001C62070503***63043A81"
        #expect(try PixBRCode(key: "rayane@alvoz.com.br", merchantName: "N", merchantCity: "C").payload() == published)
        #expect(PixBRCode.crc16(Array(published.utf8.dropLast(4))) == 0x3A81)
        let back = try PixBRCode.decode(published)
        #expect(back.key == "rayane@alvoz.com.br" && back.txid == "***" && back.merchantName == "N" && back.merchantCity == "C")
    }

    @Test func staticWithAmountAndTxidRoundTrips() throws {
        let code = PixBRCode(
            key: "+5511999999999", description: "Boleto 123", amountCents: 123456, txid: "TIT0001", merchantName: "José da Conceição",
            merchantCity: "São Paulo")
        let p = try code.payload()
        #expect(p.contains("5407" + "1234.56"))
        #expect(p.contains("5917Jose da Conceicao"))
        #expect(p.contains("6009Sao Paulo"))
        let back = try PixBRCode.decode(p)
        #expect(back.amountCents == 123456 && back.txid == "TIT0001" && back.description == "Boleto 123")
        let crc = PixBRCode.crc16(Array(p.utf8.dropLast(4)))
        #expect(p.hasSuffix(String(crc, radix: 16, uppercase: true).leftPadded(4)))
    }

    @Test func dynamicRoundTrips() throws {
        let code = PixBRCode(location: "https://pix.example.com/qr/v2/9d36b84f-c70b-478f-b95c-12729b90ca25", amountCents: 27371, merchantName: "Troca", merchantCity: "Curitiba")
        let p = try code.payload()
        #expect(p.hasPrefix("000201010212"))
        #expect(p.contains("2558pix.example.com/qr/v2/9d36b84f-c70b-478f-b95c-12729b90ca25"))
        #expect(p.contains("62070503***6304"))
        let back = try PixBRCode.decode(p)
        #expect(back.location == "pix.example.com/qr/v2/9d36b84f-c70b-478f-b95c-12729b90ca25" && back.isDynamic)
        guard case .pix(let viaDecoder) = try BoletoDecoder.decode(p, asOf: date("2026-01-01")) else { Issue.record("not pix"); return }
        #expect(viaDecoder == back)
    }

    /// A bank's dynamic BR Code as quoted in bacen/pix-api issue #189 (Bradesco, R$ 1,00, a txid
    /// in field 62-05), whose CRC the thread gives as 8119 (recomputed independently): read
    /// field by field, and a wrong CRC named with the right one.
    @Test func publishedDynamicPayload() throws {
        let body =
            "00020101021226940014br.gov.bcb.pix2572qrpix.bradesco.com.br/qr/v2/62d42bf-848854-ba0e-f877d54475663e2b52f5-4b552040000530398654041.005802BR5925SIRICOMERCIOESERVICOSLTDA6008SAOPAULO62190515F8F0E7A863120216304"
        let code = try PixBRCode.decode(body + "8119")
        #expect(code.isDynamic && code.location == "qrpix.bradesco.com.br/qr/v2/62d42bf-848854-ba0e-f877d54475663e2b52f5-4b5")
        #expect(code.amountCents == 100 && code.txid == "F8F0E7A86312021")
        #expect(code.merchantName == "SIRICOMERCIOESERVICOSLTDA" && code.merchantCity == "SAOPAULO")
        #expect(PixBRCode.crc16(Array(body.utf8)) == 0x8119)
        #expect(throws: BoletoError.self) { try PixBRCode.decode(body + "8118") }
    }

    @Test func wrongCRCSaysWhatItShouldBe() {
        let bad = String(Self.manualStatic.dropLast(4)) + "1D3E"
        do {
            _ = try PixBRCode.decode(bad)
            Issue.record("accepted")
        } catch {
            #expect(error.code == "boleto.check-digit")
            #expect(error.message == "CRC (field 63) is 1D3E, should be 1D3D")
        }
    }

    @Test func everyChangedCharacterIsCaught() {
        let bytes = Array(Self.manualStatic.utf8)
        for pos in 0..<(bytes.count - 4) {
            var m = bytes
            m[pos] = m[pos] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(throws: BoletoError.self, "change at \(pos + 1)") { try PixBRCode.decode(String(decoding: m, as: UTF8.self)) }
        }
    }

    /// A name or city typed with its accents as separate combining marks (NFD, as some
    /// systems and macOS file names give text) makes the same payload as the precomposed
    /// form (NFC): "JOSE\u{301}" is "JOSE", not "JOSE " with the mark folded to a blank.
    @Test(arguments: [
        ("JOSE\u{301} CONCEIC\u{327}A\u{303}O", "JOS\u{C9} CONCEI\u{C7}\u{C3}O", "JOSE CONCEICAO"),
        ("Sa\u{303}o Paulo", "S\u{E3}o Paulo", "Sao Paulo"),
        ("A\u{30A}ngstro\u{308}m", "\u{C5}ngstr\u{F6}m", "Angstrom"),
    ])
    func decomposedAccentsFoldAsPrecomposedOnes(decomposed: String, precomposed: String, folded: String) throws {
        #expect(decomposed.unicodeScalars.count > precomposed.unicodeScalars.count)
        #expect(PixBRCode.ascii(decomposed) == folded && PixBRCode.ascii(precomposed) == folded)
        let nfd = try PixBRCode(key: "k@exemplo.com", amountCents: 100, merchantName: decomposed, merchantCity: decomposed).payload()
        let nfc = try PixBRCode(key: "k@exemplo.com", amountCents: 100, merchantName: precomposed, merchantCity: precomposed).payload()
        #expect(Array(nfd.utf8) == Array(nfc.utf8))
        let back = try PixBRCode.decode(nfd)
        #expect(back.merchantName == folded)
    }

    /// A combining mark no precomposed letter has is dropped like any other accent.
    @Test func combiningMarksWithoutAPrecomposedLetterAreDropped() {
        #expect(PixBRCode.ascii("Q\u{301}UEIROZ") == "QUEIROZ")
        #expect(PixBRCode.ascii("\u{1F1E7}\u{1F1F7} Brasil") == "   Brasil")
    }

    /// A description of combining marks alone folds to nothing: the optional field 26/02 is left
    /// out rather than written with length 0 ("0200"), outside EMV's 1…99.
    @Test func descriptionFoldingToNothingIsLeftOut() throws {
        let key = "123e4567-e12b-12d1-a456-426655440000"
        let p = try PixBRCode(key: key, description: "\u{301}\u{308}", merchantName: "Fulano de Tal", merchantCity: "BRASILIA").payload()
        #expect(p == Self.manualStatic)
        #expect(PixBRCode.crc16(Array(p.utf8.dropLast(4))) == 0x1D3D)
        let back = try PixBRCode.decode(p)
        #expect(back.description == nil && back.key == key)
        // One that folds to something is kept.
        let kept = try PixBRCode(key: key, description: "E\u{301}", merchantName: "Fulano de Tal", merchantCity: "BRASILIA").payload()
        #expect(kept.contains("0201E"))
        #expect(try PixBRCode.decode(kept).description == "E")
    }

    /// A key or location is printable ASCII without blanks: a CR or LF left from a CRLF CSV, a
    /// blank, or a character outside ASCII (whose TLV length would count UTF-8 bytes) is refused,
    /// saying what it is and at which character; nothing is trimmed.
    @Test(arguments: [
        (PixBRCode(key: "a@b.com\r", merchantName: "N", merchantCity: "C"), #"pix key "a@b.com\r" has a control character (U+000D) at character 8"#),
        (PixBRCode(key: "a@b.com\n", merchantName: "N", merchantCity: "C"), #"pix key "a@b.com\n" has a control character (U+000A) at character 8"#),
        (PixBRCode(key: " a@b.com", merchantName: "N", merchantCity: "C"), #"pix key " a@b.com" has a blank at character 1"#),
        (PixBRCode(key: "ção@b.com", merchantName: "N", merchantCity: "C"), #"pix key "ção@b.com" has a character outside ASCII (U+00E7) at character 1"#),
        (PixBRCode(location: "pix.x.com/a\nb", merchantName: "N", merchantCity: "C"), #"pix location "pix.x.com/a\nb" has a control character (U+000A) at character 12"#),
        (PixBRCode(location: "https://pix.x.com/\u{7F}", merchantName: "N", merchantCity: "C"), #"pix location "pix.x.com/\u{7F}" has a control character (U+007F) at character 11"#),
    ])
    func keyOrLocationOutsidePrintableASCIIIsRefused(_ code: PixBRCode, _ message: String) {
        do {
            _ = try code.payload()
            Issue.record("made a payload")
        } catch {
            #expect(error.code == "boleto.pix")
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    /// A name or city of blanks alone (after folding: a tab or a character with no ASCII form
    /// folds to a blank) is refused like an empty one.
    @Test(arguments: [("   ", "C"), ("N", " "), ("\t", "C"), ("N", "\u{4E2D}")])
    func blankNameOrCityIsRefused(_ name: String, _ city: String) {
        do {
            _ = try PixBRCode(key: "a@b.com", merchantName: name, merchantCity: city).payload()
            Issue.record("made a payload")
        } catch {
            #expect(error.code == "boleto.pix" && error.message.hasSuffix("found only blanks"), "\(error)")
        }
    }

    /// decode refuses a payload whose key has a control character, even with a right CRC:
    /// 000201 (0–5), 26 30 (6–9), 0014br.gov.bcb.pix (10–27), 01 08 (28–31), a@b.com (32–38),
    /// the CR at byte offset 39: column 40.
    @Test func decodeRefusesAKeyWithAControlCharacter() {
        var body = "000201" + "2630" + "0014br.gov.bcb.pix" + "0108a@b.com\r" + "52040000" + "5303986" + "5802BR" + "5901N" + "6001C" + "62070503***" + "6304"
        body += String(PixBRCode.crc16(Array(body.utf8)), radix: 16, uppercase: true).leftPadded(4)
        do {
            _ = try PixBRCode.decode(body)
            Issue.record("decoded")
        } catch {
            #expect(error.code == "boleto.pix")
            #expect(error.column == 40)
            #expect(error.message == "the Pix key (field 26/01) has a control character (U+000D) at byte 8: a key or location is printable ASCII, without blanks")
        }
    }

    @Test func malformed() {
        #expect(throws: BoletoError.self) { try PixBRCode(key: "k", location: "l", merchantName: "A", merchantCity: "B").payload() }
        #expect(throws: BoletoError.self) { try PixBRCode(key: "k", merchantName: String(repeating: "A", count: 26), merchantCity: "B").payload() }
        #expect(throws: BoletoError.self) { try PixBRCode(key: "k", txid: "has space", merchantName: "A", merchantCity: "B").payload() }
        #expect(throws: BoletoError.self) { try PixBRCode.decode("000201269") }
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
