/// Caixa (104), SIGCB, CXBOL (boleto SIGCB 67.119 v010) §4.2.10.1 and §5.4:
/// código do beneficiário (6) + its DV (1) — codes from 1.100.000 have 7 digits and no DV —,
/// then the 17-digit nosso número `XY` + 15 (X: 1 registrada; Y: 4 emitido pelo beneficiário)
/// spread as: NN 3–5, NN 1, NN 6–8, NN 2, NN 9–17, and the campo livre's DV (módulo 11,
/// weights 2–9, result above 9 ⇒ 0) over the 24 digits before it. The nosso número's own DV
/// (printed, not in the barcode) is the same módulo 11.
///
/// The beneficiário's DV (position 26) is the same módulo 11 over the 6-digit code (facts file
/// §C.5; the published Caixa boletos of boleto-vectors.tsv, código 123456 → 1234560, agree).
/// A convênio given with 6 digits gets it appended; one of 7 digits below 1.100.000 is a code
/// and its DV, which must be right; from 1.100.000 the 7 digits are the code, with no DV.
public enum CaixaCampoLivre: CampoLivreLayout {
    public static let bank = "104"
    public static let name = "Caixa"

    /// The nosso número (and campo livre) DV: módulo 11, weights 2–9, above 9 ⇒ 0.
    public static func digit(_ digits: some Collection<UInt8>) -> UInt8 { ascii(CheckDigits.mod11ZeroAbove9(DigitBuffer(digits))) }

    public static func make(_ t: BoletoTitle) throws(BoletoError) -> (campoLivre: DigitBuffer, fields: CampoLivreFields) {
        guard let convenio = t.convenio, !convenio.isEmpty else {
            throw BoletoError(BoletoError.Code.convenio, "convenio (código do beneficiário) is required for Caixa")
        }
        guard CheckDigits.allDigits(convenio.utf8), convenio.utf8.count == 6 || convenio.utf8.count == 7 else {
            throw BoletoError(BoletoError.Code.convenio, "Caixa código do beneficiário must have 6 digits (7 with its DV), found \"\(convenio)\"")
        }
        var conv = DigitBuffer(convenio.utf8)
        if conv.count == 6 {
            conv.append(digit(conv))
        } else if let expected = beneficiarioDigit(conv), conv[6] != expected {
            throw BoletoError(
                BoletoError.Code.convenio,
                "convenio \"\(convenio)\": a Caixa código do beneficiário below 1.100.000 is 6 digits and its DV, and the DV of \(convenio.prefix(6)) is \(String(UnicodeScalar(expected))), not \(String(UnicodeScalar(conv[6]))) (módulo 11, weights 2–9, above 9 ⇒ 0)"
            )
        }
        let givenCount = t.nossoNumero?.utf8.count ?? 0
        let nn: DigitBuffer
        if givenCount == 17 || givenCount == 18 {
            nn = try Field.nossoNumero(t.nossoNumero, 17, bank: bank, dv: digit)
        } else {
            nn = DigitBuffer(ascii: "14") + (try Field.digits(t.nossoNumero, 15, "nosso_numero", BoletoError.Code.nossoNumero, bank: bank)!)
        }
        var c = conv
        c.append(contentsOf: nn[2..<5])
        c.append(nn[0])
        c.append(contentsOf: nn[5..<8])
        c.append(nn[1])
        c.append(contentsOf: nn[8..<17])
        c.append(digit(c))
        var f = CampoLivreFields()
        f.convenio = conv.text
        f.nossoNumero = (nn + [digit(nn)]).text
        return (c, f)
    }

    /// The DV a 7-digit código do beneficiário must end with: módulo 11 of its first 6 digits
    /// when it is below 1.100.000, nil from 1.100.000 (7 digits, no DV).
    static func beneficiarioDigit(_ code7: some Collection<UInt8>) -> UInt8? {
        guard code7.count == 7, digitValue(code7) < 1_100_000 else { return nil }
        return digit(code7.prefix(6))
    }

    public static func read(_ c: [UInt8]) -> (fields: CampoLivreFields, problems: [BoletoError]) {
        var nn: [UInt8] = [c[10], c[14]]
        nn += c[7..<10]
        nn += c[11..<14]
        nn += c[15..<24]
        var f = CampoLivreFields()
        f.convenio = Array(c[0..<7]).text
        f.nossoNumero = (nn + [digit(nn)]).text
        let dv = digit(Array(c[0..<24]))
        var problems: [BoletoError] = []
        if let expected = beneficiarioDigit(c[0..<7]), c[6] != expected {
            problems.append(CampoLivre.problem("código do beneficiário check digit", at: 26, found: c[6], expected: expected))
        }
        if c[24] != dv { problems.append(CampoLivre.problem("campo livre check digit", at: 44, found: c[24], expected: dv)) }
        return (f, problems)
    }
}
