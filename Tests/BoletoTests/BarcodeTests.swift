import Boleto
import Testing

@Suite struct BarcodeTests {
    /// SANBOL pp.6–15, the full Santander example: fator 2046, R$ 273,71, beneficiário 0282033,
    /// NN 566612457800-2, IOF 0, carteira 101.
    static let santanderBarcode = "03398204600000273719028203356661245780020101"
    static let santanderLine = "03399.02827 03356.661243 57800.201014 8 20460000027371"

    @Test func santanderManualExample() throws {
        let t = BoletoTitle(bank: "033", carteira: "101", convenio: "0282033", nossoNumero: "566612457800")
        let (campoLivre, fields) = try SantanderCampoLivre.make(t)
        #expect(fields.nossoNumero == "5666124578002")
        let b = try Barcode(bank: "033", factor: 2046, amountCents: 27371, campoLivre: campoLivre)
        #expect(b.description == Self.santanderBarcode)
        #expect(b.linhaDigitavel.formatted == Self.santanderLine)
        #expect(b.check() == nil)
        #expect(b.linhaDigitavel.check().isEmpty)
        #expect(b.linhaDigitavel.barcode == b)
    }

    @Test func santanderManualExampleThroughMaker() throws {
        // Factor 2046 is 2003-05-15 in the first era and 2028-01-05 in the second.
        #expect(DueDateFactor.date(for: 2046, asOf: date("2003-01-01")) == date("2003-05-15"))
        let t = BoletoTitle(
            bank: "033", carteira: "101", convenio: "0282033", nossoNumero: "566612457800", dueDate: date("2003-05-15"), amountCents: 27371)
        let boleto = try BoletoMaker.make(t, asOf: date("2003-01-01"))
        #expect(boleto.barcode.description == Self.santanderBarcode)
        #expect(boleto.linhaDigitavel.formatted == Self.santanderLine)
    }

    @Test func decodeAcceptsEitherForm() throws {
        let forms = [
            Self.santanderLine, "03399028270335666124357800201014820460000027371", "03399.02827.03356.661243.57800.201014.8.20460000027371",
            Self.santanderBarcode,
        ]
        for text in forms {
            guard case .bank(let r) = try BoletoDecoder.decode(text, asOf: date("2003-01-01")) else {
                Issue.record("\(text) not read as a bank boleto")
                continue
            }
            #expect(r.valid)
            #expect(r.barcode.description == Self.santanderBarcode)
            #expect(r.dueDate == date("2003-05-15"))
            #expect(r.barcode.amountCents == 27371)
            #expect(r.fields?.nossoNumero == "5666124578002")
            #expect(r.fields?.convenio == "0282033")
            #expect(r.warnings.isEmpty)
        }
    }

    @Test func wrongCheckDigitSaysWhichAndWhat() throws {
        // Field 2's DV (line position 21, text column 23) changed from 3 to 4.
        let text = "03399.02827 03356.661244 57800.201014 8 20460000027371"
        guard case .bank(let r) = try BoletoDecoder.decode(text, asOf: date("2003-01-01")) else { Issue.record("not bank"); return }
        #expect(!r.valid)
        #expect(r.errors.count == 1)
        #expect(r.errors.first?.code == "boleto.check-digit")
        #expect(r.errors.first?.message == "field 2 check digit (line position 21) is 4, should be 3")
        #expect(r.errors.first?.column == 24)
    }

    @Test func wrongGeneralDigitOfABarcode() throws {
        var b = d(Self.santanderBarcode)
        b[4] = UInt8(ascii: "7")
        guard case .bank(let r) = try BoletoDecoder.decode(String(decoding: b, as: UTF8.self), asOf: date("2003-01-01")) else { return }
        #expect(r.errors.map(\.message) == ["general check digit (barcode position 5) is 7, should be 8"])
        #expect(r.errors.first?.column == 5)
    }

    @Test(arguments: [
        ("0339902827", "boleto.length"), ("03399.0282X 03356.661243", "boleto.character"), ("", "boleto.length"),
        ("9" + String(repeating: "0", count: 47), "boleto.kind"),
    ])
    func notACode(_ text: String, _ code: String) {
        #expect(throws: BoletoError.self) { try BoletoDecoder.decode(text, asOf: date("2026-01-01")) }
        do {
            _ = try BoletoDecoder.decode(text, asOf: date("2026-01-01"))
        } catch {
            #expect(error.code == code)
            if code == "boleto.character" { #expect(error.column == 11) }
        }
    }

    @Test func amountAndFactorLimits() {
        #expect(throws: BoletoError.self) { try Barcode(bank: "033", factor: 1000, amountCents: 10_000_000_000, campoLivre: d(String(repeating: "0", count: 25))) }
        #expect(throws: BoletoError.self) { try Barcode(bank: "33", factor: 1000, amountCents: 1, campoLivre: d(String(repeating: "0", count: 25))) }
    }

    /// Every single-digit change of a valid line is caught by a check digit — except the one
    /// blind spot of the general DV: remainders 0, 1 and 10 all give DV 1, so a change in the
    /// factor/amount field that moves the remainder among them keeps DV 1 (BBBOL Anexo VI).
    @Test func everySingleDigitMutationFails() throws {
        var rng = Seeded(seed: 44)
        var checked = 0
        var blind = 0
        for _ in 0..<300 {
            let b = try Barcode(
                bank: ["001", "033", "104", "237", "341", "748", "756"].randomElement(using: &rng)!, factor: Int.random(in: 1000...9999, using: &rng),
                amountCents: Int.random(in: 0...9_999_999_999, using: &rng), campoLivre: d(rng.digits(25)))
            let line = b.linhaDigitavel.digits
            for pos in 0..<47 {
                for v in 48...57 where UInt8(v) != line[pos] {
                    var m = line
                    m[pos] = UInt8(v)
                    let l = LinhaDigitavel(unchecked: m)
                    checked += 1
                    if l.check().isEmpty {
                        // Only the documented blind spot may pass.
                        let r0 = CheckDigits.mod11Remainder(b.digits[0..<4] + b.digits[5..<44])
                        let r1 = CheckDigits.mod11Remainder(l.barcode.digits[0..<4] + l.barcode.digits[5..<44])
                        #expect(pos >= 33 && line[32] == UInt8(ascii: "1") && Set([r0, r1]).isSubset(of: [0, 1, 10]), "mutation at \(pos + 1) passed")
                        blind += 1
                    }
                }
            }
            // Barcode mutations (44 digits) likewise.
            for pos in 0..<44 where pos != 4 {
                var m = b.digits
                m[pos] = m[pos] == 57 ? 48 : m[pos] + 1
                if Barcode(unchecked: m).check() == nil {
                    #expect(b.digits[4] == UInt8(ascii: "1"), "barcode mutation at \(pos + 1) passed")
                }
            }
        }
        #expect(checked == 300 * 47 * 9)
        // Expected rate ≈ P(DV 1) 3/11 × 14/47 digits in field 5 × 2/10 other remainders ≈ 1.6%.
        #expect(blind > 0 && blind < checked / 40)
    }
}
