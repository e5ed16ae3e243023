import Boleto
import Testing

/// decode(make(x)) == x over random valid títulos of every bank (seeded, so repeatable).
@Suite struct PropertyTests {
    static func randomTitle(_ bank: String, _ rng: inout Seeded, asOf: BoletoDate) -> BoletoTitle {
        var t = BoletoTitle(bank: bank)
        t.dueDate = asOf.adding(days: Int.random(in: -3001...5500, using: &rng))
        t.amountCents = Int.random(in: 0...9_999_999_999, using: &rng)
        if Bool.random(using: &rng) { t.amountCents = Int.random(in: 1...100_000, using: &rng) }
        switch bank {
        case "001":
            let kind = Int.random(in: 0..<3, using: &rng)
            let convLength = [4, 6, 7][kind]
            t.convenio = "\(Int.random(in: 1...9, using: &rng))" + rng.digits(convLength - 1)
            t.nossoNumero = rng.digits(convLength == 7 ? 10 : 11 - convLength)
            t.carteira = ["11", "16", "17", "18"].randomElement(using: &rng)!
            t.agency = rng.digits(4)
            t.account = rng.digits(8)
        case "237":
            t.agency = rng.digits(4)
            t.account = rng.digits(7)
            t.carteira = ["09", "19", "26"].randomElement(using: &rng)!
            t.nossoNumero = rng.digits(11)
        case "341":
            t.carteira = ["109", "112", "126", "131", "175", "198", "107"].randomElement(using: &rng)!
            t.agency = rng.digits(4)
            t.account = rng.digits(5)
            t.nossoNumero = rng.digits(8)
            t.convenio = rng.digits(5)
            t.documentNumber = rng.digits(7)
        case "033":
            t.convenio = rng.digits(7)
            t.nossoNumero = rng.digits(12)
            t.carteira = ["101", "102", "201"].randomElement(using: &rng)!
        case "104":
            var convenio = rng.digits(Bool.random(using: &rng) ? 6 : 7)
            // A 7-digit code below 1.100.000 is 6 digits and their DV.
            if convenio.utf8.count == 7, Int(convenio)! < 1_100_000 {
                convenio = String(convenio.prefix(6)) + String(CheckDigits.mod11ZeroAbove9(Array(convenio.utf8.prefix(6))))
            }
            t.convenio = convenio
            t.nossoNumero = rng.digits(15)
        case "756":
            t.agency = rng.digits(4)
            t.convenio = rng.digits(7)
            t.nossoNumero = rng.digits(7)
        case "748", "041":
            t.agency = rng.digits(4)
            t.convenio = rng.digits(7)
            t.nossoNumero = rng.digits(8)
        case "004":
            t.agency = rng.digits(4)
            t.account = rng.digits(7)
            t.accountDigit = rng.digits(1)
            t.carteira = ["21", "31", "41", "51"].randomElement(using: &rng)!
            t.nossoNumero = rng.digits(7)
        default: break
        }
        return t
    }

    @Test(arguments: CampoLivre.banks)
    func decodeOfMakeIsTheTitle(_ bank: String) throws {
        var rng = Seeded(seed: UInt64(bank)! &* 7919)
        for k in 0..<500 {
            let asOf = date("2000-07-03").adding(days: Int.random(in: 3000...20000, using: &rng))
            let t = Self.randomTitle(bank, &rng, asOf: asOf)
            let made = try BoletoMaker.make(t, asOf: asOf)
            let text = k % 2 == 0 ? made.linhaDigitavel.formatted : made.barcode.description
            guard case .bank(let r) = try BoletoDecoder.decode(text, asOf: asOf) else { Issue.record("not bank"); return }
            #expect(r.valid && r.warnings.isEmpty, "\(text)")
            #expect(r.dueDate == t.dueDate)
            #expect(r.barcode.amountCents == t.amountCents)
            #expect(r.barcode.bank == bank)
            var expected = made.fields
            if expected.layout == "convenio-4-6" { expected.convenio = nil }
            #expect(r.fields == expected)
            // The fields are the título's own, padded: nothing was lost or invented.
            let f = made.fields
            func same(_ a: String?, _ b: String?) -> Bool { a.map { Int($0) } == b.map { Int($0) } }
            if let nn = f.nossoNumero, let given = t.nossoNumero { #expect(nn.hasSuffix(given) || nn.dropLast().hasSuffix(given) || nn.contains(given)) }
            if f.agency != nil { #expect(same(f.agency, t.agency)) }
            if f.account != nil { #expect(same(f.account, t.account)) }
            if f.carteira != nil, t.carteira != nil { #expect(same(f.carteira, t.carteira)) }
        }
    }

    /// Every digit changed in a made line is caught (outside the general DV's documented blind spot).
    @Test(arguments: CampoLivre.banks)
    func mutatedLinesFail(_ bank: String) throws {
        var rng = Seeded(seed: UInt64(bank)! &+ 99)
        for _ in 0..<40 {
            let asOf = date("2026-01-01")
            let made = try BoletoMaker.make(Self.randomTitle(bank, &rng, asOf: asOf), asOf: asOf)
            let line = made.linhaDigitavel.digits
            for pos in 0..<33 {
                var m = line
                m[pos] = m[pos] == 57 ? 48 : m[pos] + 1
                guard case .bank(let r) = try BoletoDecoder.decode(String(decoding: m, as: UTF8.self), asOf: asOf) else { return }
                #expect(!r.valid, "mutation at \(pos + 1) of \(made.linhaDigitavel) passed")
            }
        }
    }
}
