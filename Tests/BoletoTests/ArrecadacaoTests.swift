import Boleto
import Testing

/// Arrecadação codes (ARR7): cases from the independent oracle `scripts/boleto-vectors.py`.
@Suite struct ArrecadacaoTests {
    static let cases: [(String, String, String)] = [
        ("8260000001234501232026031512345678901234567", "82660000001234501232026031512345678901234567", "826600000010234501232024603151234565789012345672"),
        ("8360000009876500480000000000000000000000001", "83680000009876500480000000000000000000000001", "836800000090876500480002000000000000000000000018"),
        ("8580000000100000019876543210987654321098765", "85880000000100000019876543210987654321098765", "858800000008100000019875654321098762543210987656"),
        ("8680000123456712345678901234567890123456789", "86860000123456712345678901234567890123456789", "868600001237456712345672890123456785901234567894"),
        ("8170000000000009992026123100000000000000042", "81770000000000009992026123100000000000000042", "817700000000000009992025612310000007000000000422"),
        ("8490000005000007771111111111111111111111111", "84920000005000007771111111111111111111111111", "849200000059000007771118111111111112111111111112"),
    ]

    @Test(arguments: cases)
    func barcodeAndLine(_ c: (String, String, String)) throws {
        let a = try Arrecadacao(withoutCheckDigit: d(c.0))
        #expect(String(decoding: a.digits, as: UTF8.self) == c.1)
        #expect(String(decoding: a.line, as: UTF8.self) == c.2)
        for text in [c.1, c.2, a.formattedLine] {
            guard case .arrecadacao(let r) = try BoletoDecoder.decode(text, asOf: date("2026-01-01")) else { Issue.record("not arrecadação"); continue }
            #expect(r.valid)
            #expect(r.barcode == a)
        }
    }

    @Test func fieldsOfSegment6UseTheCNPJRoot() throws {
        let a = Arrecadacao(unchecked: d(Self.cases[3].1))
        #expect(a.segment == UInt8(ascii: "6"))
        #expect(a.company == "12345678")
        #expect(a.value == 1234567)
        #expect(!a.isEffectiveValue == false)
        let b = Arrecadacao(unchecked: d(Self.cases[0].1))
        #expect(b.company == "0123")
        #expect(b.freeField == "2026031512345678901234567")
    }

    @Test func blockCheckDigitErrorNamesTheBlock() throws {
        var line = d(Self.cases[0].2)
        line[23] = line[23] == 57 ? 48 : line[23] + 1  // block 2's DV (position 24)
        guard case .arrecadacao(let r) = try BoletoDecoder.decode(String(decoding: line, as: UTF8.self), asOf: date("2026-01-01")) else { return }
        #expect(r.errors.count == 1)
        #expect(r.errors.first?.message.hasPrefix("block 2 check digit (line position 24, módulo 10) is") == true)
        #expect(r.errors.first?.column == 24)
    }

    /// Any single changed digit of a line fails a check (outside the módulo 11 blind spot:
    /// remainders 0 and 1 both give DV 0).
    @Test(arguments: cases)
    func mutations(_ c: (String, String, String)) throws {
        let line = d(c.2)
        for pos in 0..<48 where pos != 2 {
            for v in 48...57 where UInt8(v) != line[pos] {
                var m = line
                m[pos] = UInt8(v)
                let (_, errors) = Arrecadacao.fromLine(m)
                if errors.isEmpty {
                    #expect(c.1[c.1.index(c.1.startIndex, offsetBy: 2)] == "8" || c.1[c.1.index(c.1.startIndex, offsetBy: 2)] == "9", "mutation at \(pos + 1)")
                }
            }
        }
    }
}
