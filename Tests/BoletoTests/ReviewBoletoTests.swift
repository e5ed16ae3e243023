import Boleto
import Testing

/// Findings of the review of `boleto make`/`decode` (2026-12-02), each as the case it was found with.
@Suite struct ReviewBoletoTests {
    /// A payload with every field but one, the CRC made right: `body` before `6304`.
    static func payload(_ body: String) -> String {
        let withTag = body + "6304"
        let crc = String(PixBRCode.crc16(Array(withTag.utf8)), radix: 16, uppercase: true)
        return withTag + String(repeating: "0", count: 4 - crc.count) + crc
    }

    static let account = "26230014br.gov.bcb.pix0101k"

    /// A Pix BR Code is in reais (53 = 986), from Brazil (58 = BR), and carries 52 and 62/05: an
    /// EMV code of another currency is not read as reais, and a payload without them is no Pix code.
    @Test(arguments: [
        ("000201" + account + "52040000530398154041.005802US5901N6001C62070503***", "field 53 (currency) is \"981\""),
        ("000201" + account + "52040000530398654041.005802US5901N6001C62070503***", "field 58 (country) is \"US\""),
        ("000201" + account + "530398654041.005802BR5901N6001C62070503***", "field 52 (merchant category code) is missing"),
        ("000201" + account + "52040000530398654041.005901N6001C62070503***", "field 58 (country) is missing"),
        ("000201" + account + "52040000530398654041.005802BR5901N6001C", "field 62 (additional data"),
        ("000201" + account + "52040000530398654041.005802BR5901N6001C62060102xy", "field 62 has no txid"),
        ("000201" + account + "5204ABCD530398654041.005802BR5901N6001C62070503***", "must be 4 digits"),
    ])
    func pixFieldsEveryCodeCarries(_ body: String, _ message: String) {
        do {
            _ = try PixBRCode.decode(Self.payload(body))
            Issue.record("decoded \(body)")
        } catch {
            #expect(error.code == "boleto.pix")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func theCompletePayloadStillDecodes() throws {
        let p = try PixBRCode.decode(Self.payload("000201" + Self.account + "52040000530398654041.005802BR5901N6001C62070503***"))
        #expect(p.amountCents == 100 && p.txid == "***")
    }

    /// Letters beyond Latin-1 lose their accents as Latin-1's do (İ Ş Ă Ř Ǎ Ḿ), and letters with a
    /// stroke take their plain spelling (Ł → L), in the name and city of a Pix code.
    @Test(arguments: [
        ("İTAÚ", "ITAU"), ("ŞĂŘÍ", "SARI"), ("Ǎ Ḿ", "A M"), ("Łukasz Dvořák", "Lukasz Dvorak"), ("Œuvre", "OEuvre"),
        ("Straße", "Strasse"), ("李", " "),
    ])
    func lettersBeyondLatin1Fold(_ text: String, _ folded: String) {
        #expect(PixBRCode.ascii(text) == folded)
    }

    /// Itaú's campo livre ends in `000` (carteiras in general) or `0` (special carteiras): another
    /// digit there is said, as Bradesco's constant is.
    @Test func itauConstantsAreChecked() throws {
        guard case .bank(let r) = try BoletoDecoder.decode("34191169200000001001261234567850057123457100", asOf: date("2026-12-02")) else {
            Issue.record("not bank")
            return
        }
        #expect(r.valid)
        #expect(r.warnings.map(\.message) == ["Itaú's constant 000 (barcode position 42) is 1, should be 0"])
        // The same code with its constant right has no warning.
        let fixed = try Barcode(bank: "341", factor: 1692, amountCents: 100, campoLivre: d("1261234567850057123457000"))
        guard case .bank(let ok) = try BoletoDecoder.decode(fixed.description, asOf: date("2026-12-02")) else { return }
        #expect(ok.warnings.isEmpty)
    }

    @Test func santanderIOFDigitIsChecked() throws {
        let bad = try Barcode(bank: "033", factor: 1692, amountCents: 100, campoLivre: d("9123456700000000010071101"))
        guard case .bank(let r) = try BoletoDecoder.decode(bad.description, asOf: date("2026-12-02")) else { return }
        #expect(r.warnings.contains { $0.message.hasPrefix("Santander's IOF digit (barcode position 41) is 1") })
    }

    @Test func arrecadacaoSegmentOutsideARR7IsSaid() throws {
        for (text, warned) in [("80650000001234512340000000000000000000000000", true), ("88670000001234512340000000000000000000000000", true)] {
            guard case .arrecadacao(let r) = try BoletoDecoder.decode(text, asOf: date("2026-01-01")) else { continue }
            #expect(r.warnings.isEmpty != warned, "\(text)")
            #expect(r.warnings.first?.column == 2)
        }
        guard case .arrecadacao(let ok) = try BoletoDecoder.decode("82660000001234501232026031512345678901234567", asOf: date("2026-01-01"))
        else { return }
        #expect(ok.warnings.isEmpty)
    }

    /// A due date is a year of four digits: read near 9999 the window stops at 9999-12-31.
    @Test func noFiveDigitYears() {
        let w = DueDateFactor.window(asOf: date("9999-12-31"))
        #expect(w.upperBound == date("9999-12-31"))
        #expect(DueDateFactor.date(for: 1692, asOf: date("9999-12-31")) == nil)
        #expect(DueDateFactor.window(asOf: date("0001-01-02")).lowerBound == date("0001-01-01"))
    }
}
