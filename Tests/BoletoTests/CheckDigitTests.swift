import Boleto
import Testing

/// The manuals' worked check-digit examples (facts file §H), each with its source.
@Suite struct CheckDigitTests {
    @Test func mod10LineFieldBradescoExample() {
        // BRD400 p.29–30: field 1 "237900310" has DV 2.
        #expect(CheckDigits.mod10(d("237900310")) == 2)
    }

    @Test func arrecadacaoExample() {
        // ARR7 §7 and §9: "01230067896" → módulo 10 DV 3, módulo 11 DV 0.
        #expect(CheckDigits.mod10(d("01230067896")) == 3)
        #expect(CheckDigits.arrecadacaoMod11(d("01230067896")) == 0)
    }

    @Test func bancoDoBrasilNossoNumero() {
        // BBBOL Anexo XI: 05009401448 → 1.
        #expect(BancoDoBrasilCampoLivre.nossoNumeroDigit(d("05009401448")) == UInt8(ascii: "1"))
    }

    @Test func caixaNossoNumero() {
        // CXBOL §5.4: 14000000000000019 → 7.
        #expect(CaixaCampoLivre.digit(d("14000000000000019")) == UInt8(ascii: "7"))
    }

    @Test func santanderNossoNumero() {
        // SANBOL p.15: 566612457800 → 2.
        #expect(SantanderCampoLivre.nossoNumeroDigit(d("566612457800")) == UInt8(ascii: "2"))
    }

    @Test(arguments: [("00000000002", "8"), ("00000000001", "P"), ("00000000006", "0")])
    func bradescoNossoNumero(_ nn: String, _ dv: String) {
        // BRD400 p.17: carteira 19 with these nosso números.
        #expect(BradescoCampoLivre.nossoNumeroDigit(carteira: d("19"), nossoNumero: d(nn)) == d(dv)[0])
    }

    @Test func sicoobNossoNumero() {
        // brcobranca boleto/sicoob.rb: cooperativa 0001, cliente 0000000019, NN 0000021 → 8.
        #expect(SicoobCampoLivre.nossoNumeroDigit(cooperativa: d("0001"), client: d("0000000019"), nossoNumero: d("0000021")) == UInt8(ascii: "8"))
    }

    @Test func generalDigitNeverZero() {
        // Remainders 0 and 1 (DV 11 and 10) both give 1 (BBBOL Anexo VI).
        var found0 = false, found1 = false
        var rng = Seeded(seed: 7)
        for _ in 0..<2000 {
            let s = d(rng.digits(43))
            let r = CheckDigits.mod11Remainder(s)
            let dv = CheckDigits.barcodeGeneral(s)
            #expect((1...9).contains(dv))
            if r == 0 { found0 = true; #expect(dv == 1) }
            if r == 1 { found1 = true; #expect(dv == 1) }
            if r > 1 { #expect(dv == 11 - r) }
        }
        #expect(found0 && found1)
    }
}
