import Imports
import Records
import Testing

func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    Array(text.utf8).withUnsafeBufferPointer(body)
}

@Suite("Cell parsers")
struct CellParserTests {
    @Test(
        "amounts become centavos exactly",
        arguments: [
            ("1.234,56", 123456), ("R$ 1.234,56", 123456), ("R$1.234,56", 123456), ("1234,56", 123456), ("1234.56", 123456),
            ("1234", 123400), ("0,5", 50), ("1234.5", 123450), ("1.234.567", 123_456_700), ("1,234.56", 123456),
            ("-1.234,56", -123456), ("R$ -10,00", -1000), ("-R$ 10,00", -1000), ("0,01", 1), ("0.10", 10),
            ("99999999999,99", 9_999_999_999_999), ("1.000.000,00", 100_000_000),
        ])
    func amount(text: String, cents: Int) {
        #expect(withBytes(text) { try? CellParsers.amount($0).get() } == cents)
    }

    @Test(
        "amounts that are not exact or not amounts are refused",
        arguments: [
            "", "abc", "1.234", "12,34,56", "1.23,45", "1,234.5.6", "1234,567", ",5", "1.", "R$", "1 234,56", "1e3", "--1",
            // 17 digits of reais: they fit an Int, their centavos do not (this trapped).
            "99999999999999999", "99.999.999.999.999.999", "-92233720368547759", "92233720368547759",
        ])
    func badAmount(text: String) {
        #expect(withBytes(text) { try? CellParsers.amount($0).get() } == nil)
    }

    @Test func amountStyles() {
        #expect(withBytes("1.234") { try? CellParsers.amount($0, style: .br).get() } == 123400)
        #expect(withBytes("1.234") { try? CellParsers.amount($0, style: .plain).get() } == nil)  // 3 decimals
        #expect(withBytes("1.23") { try? CellParsers.amount($0, style: .plain).get() } == 123)
        #expect(withBytes("1.23") { try? CellParsers.amount($0, style: .br).get() } == nil)  // 1.23 is not thousands
        #expect(withBytes("1,5") { try? CellParsers.amount($0, style: .plain).get() } == nil)
    }

    @Test(
        "dates",
        arguments: [
            ("31/01/2026", "2026-01-31"), ("1/2/2026", "2026-02-01"), ("29/02/2028", "2028-02-29"), ("05/03/26", "2026-03-05"),
            ("05/03/99", "1999-03-05"), ("2026-12-31", "2026-12-31"),
        ])
    func date(text: String, iso: String) {
        #expect(withBytes(text) { try? CellParsers.date($0).get() }?.description == iso)
    }

    @Test(arguments: ["31/02/2026", "29/02/2026", "2026-13-01", "2026/01/01", "01-01-2026", "1/1/226", "", "hoje", "01/01/2026 10:00"])
    func badDate(text: String) {
        #expect(withBytes(text) { try? CellParsers.date($0).get() } == nil)
    }

    @Test func dateFormatsAreStrictWhenGiven() {
        #expect(withBytes("05/03/26") { try? CellParsers.date($0, format: .ddMMyyyy).get() } == nil)
        #expect(withBytes("05/03/2026") { try? CellParsers.date($0, format: .ddMMyy).get() } == nil)
        #expect(withBytes("05/03/2026") { try? CellParsers.date($0, format: .iso).get() } == nil)
        #expect(withBytes("2026-03-05") { try? CellParsers.date($0, format: .ddMMyyyy).get() } == nil)
    }

    /// Valid documents checked by hand (mod 11 computed independently): the Receita Federal's
    /// alphanumeric example 12.ABC.345/01DE-35 among them.
    @Test(
        arguments: [
            ("529.982.247-25", "cpf", "52998224725"), ("11144477735", "cpf", "11144477735"),
            ("11.222.333/0001-81", "cnpj", "11222333000181"), ("15213972000131", "cnpj", "15213972000131"),
            ("12.ABC.345/01DE-35", "cnpj", "12ABC34501DE35"), ("12abc34501de35", "cnpj", "12ABC34501DE35"),
        ])
    func validDocument(text: String, kind: String, normalized: String) throws {
        let (k, chars) = try BrazilianDocument.parse(Array(text.utf8)).get()
        #expect(k.rawValue == kind)
        #expect(String(decoding: chars, as: UTF8.self) == normalized)
    }

    @Test(
        arguments: [
            "529.982.247-26", "52998224735", "111.111.111-11", "00000000000", "11.222.333/0001-82", "12.ABC.345/01DE-36",
            "12.ABC.345/01DE-3A", "1122233300018", "5299822472", "", "529#982", "AAAAAAAAAAAA00",
        ])
    func invalidDocument(text: String) {
        #expect((try? BrazilianDocument.parse(Array(text.utf8)).get()) == nil)
    }

    @Test func droppedLeadingZeroHasAHint() {
        guard case .failure(let p) = BrazilianDocument.parse(Array("1234567890".utf8)) else {
            Issue.record("10 digits accepted")
            return
        }
        #expect(p.message.contains("leading zeros"))
    }

    @Test(arguments: [("01310-100", "01310100"), ("01310100", "01310100"), ("01.310-100", "01310100")])
    func cep(text: String, digits: String) {
        #expect(withBytes(text) { try? CellParsers.cep($0).get() }.map { String(decoding: $0, as: UTF8.self) } == digits)
    }

    @Test(arguments: ["1310-100", "013101000", "0131O100", ""])
    func badCEP(text: String) {
        #expect(withBytes(text) { try? CellParsers.cep($0).get() } == nil)
    }

    @Test func ufs() {
        #expect(withBytes("sp") { try? CellParsers.uf($0).get() } == Array("SP".utf8))
        #expect(withBytes("DF") { try? CellParsers.uf($0).get() } == Array("DF".utf8))
        #expect(withBytes("XX") { try? CellParsers.uf($0).get() } == nil)
        #expect(withBytes("São Paulo") { try? CellParsers.uf($0).get() } == nil)
        #expect(CellParsers.ufs.count == 27)
    }
}
