import Boleto
import Testing

/// Banrisul (041) and Banco do Nordeste (004): the worked examples of docs/boleto-banks.md (each
/// says where it comes from) and further cases computed by an independent script written from
/// the rules on that page, not from this code (/tmp oracle, Python: módulo 10, the NC, módulo 11
/// and the FEBRABAN barcode and line; it reproduces every published example first).
@Suite struct CampoLivreBanrisulBNBTests {
    /// A título and what it must make: the nosso número with its check (Banrisul's two-digit
    /// NC, BNB's one DV), the barcode and the line.
    struct Case: CustomStringConvertible, Sendable {
        var title: BoletoTitle, nossoNumero: String, check: String, barcode: String, line: String
        var description: String { "\(title.bank) \(title.agency ?? "") \(title.nossoNumero ?? "")" }
    }

    /// A Banrisul título (agência, código do beneficiário, nosso número) and its boleto.
    static func b(_ due: String, _ cents: Int, _ agency: String, _ codigo: String, _ nn: String, _ nnNC: String, _ barcode: String, _ line: String)
        -> Case
    {
        let t = BoletoTitle(bank: "041", agency: agency, convenio: codigo, nossoNumero: nn, dueDate: date(due), amountCents: cents)
        return Case(title: t, nossoNumero: nnNC, check: String(nnNC.suffix(2)), barcode: barcode, line: line)
    }

    /// A Banco do Nordeste título (agência, conta and its digit, carteira, nosso número) and its boleto.
    static func n(
        _ due: String, _ cents: Int, _ agency: String, _ account: String, _ digit: String, _ carteira: String, _ nn: String, _ nnDV: String,
        _ barcode: String, _ line: String
    ) -> Case {
        let t = BoletoTitle(
            bank: "004", agency: agency, account: account, accountDigit: digit, carteira: carteira, nossoNumero: nn, dueDate: date(due),
            amountCents: cents)
        return Case(title: t, nossoNumero: nnDV, check: String(nnDV.suffix(1)), barcode: barcode, line: line)
    }

    static let banrisul: [Case] = [
        // The four-digit layout's example: brcobranca banrisul_spec.rb, pyboleto
        // test_banco_banrisul.py and BoletoBr's tests all give this barcode and line.
        b("2000-07-04", 55000, "1102", "9000150", "22832563", "2283256351", "04198100100000550002111029000150228325634059", "04192111072900015022683256340593810010000055000"),
        // brcobranca banrisul_spec.rb, the manual's nosso números 00009274 (NC 22) and 00009194 (NC 38).
        b("2000-07-04", 55000, "1102", "9000150", "00009274", "0000927422", "04194100100000550002111029000150000092744028", "04192111072900015000200927440289410010000055000"),
        b("2000-07-04", 55000, "1102", "9000150", "00009194", "0000919438", "04198100100000550002111029000150000091944023", "04192111072900015000200919440230810010000055000"),
        // brcobranca banrisul_spec.rb, apparently from a real boleto.
        b("2017-01-12", 121600, "0016", "0164640", "03408099", "0340809947", "04192703700001216002100160164640034080994027", "04192100186016464003340809940279270370000121600"),
        // The independent script; the comment names the NC's path (bump: remainder 1 moves the
        // first digit up; wrap: it was 9 and becomes 0; zero: remainder 0).
        b("2026-03-15", 12345, "6243", "5573807", "30966604", "3096660498", "04192138600000123452162435573807309666044073", "04192162473557380730896660440734213860000012345"),  // nosso número bump
        b("2025-02-22", 1, "2721", "6469794", "77569662", "7756966280", "04199100000000000012127216469794775696624020", "04192127251646979477656966240204910000000000001"),  // both zero
        b("2030-01-31", 9999999999, "2541", "2513816", "97062190", "9706219002", "04199280499999999992125412513816970621904098", "04192125431251381697006219040984928049999999999"),  // campo livre bump
        b("2027-07-07", 75, "9565", "998231", "16081796", "1608179611", "04191186500000000752195650998231160817964050", "04192195635099823116608179640506118650000000075"),  // campo livre zero
        b("2025-02-21", 0, "1617", "2409017", "92456084", "9245608400", "04198999900000000002116172409017924560844011", "04192116107240901792745608440116899990000000000"),  // nosso número zero
        b("2041-01-01", 100000, "1276", "7690965", "97738993", "9773899328", "04191679200001000002112767690965977389934028", "04192112716769096597473899340282167920000100000"),  // both bump
        b("2026-12-31", 500, "3624", "0635570", "27203962", "2720396206", "04191167700000005002136240635570272039624055", "04192136244063557027420396240556116770000000500"),  // nosso número wrap
        b("2028-02-29", 123456789, "1006", "4970110", "82013435", "8201343519", "04198210201234567892110064970110820134354006", "04192110086497011082701343540066821020123456789"),  // campo livre wrap
    ]

    static let bnb: [Case] = [
        // brcobranca banco_nordeste_spec.rb (the last two, with odd amounts, look like real boletos).
        n("2009-10-21", 100000, "0016", "0001193", "2", "21", "0000053", "00000531", "00491439700001000000016000119320000053121000", "00490016050011932000000531210003143970000100000"),
        n("2012-09-08", 5400, "0016", "0001193", "2", "21", "0002720", "00027200", "00497545000000054000016000119320002720021000", "00490016050011932000027200210006754500000005400"),
        n("2017-01-17", 101, "0259", "0008549", "3", "21", "0000001", "00000019", "00492704200000001010259000854930000001921000", "00490259010085493000500019210004270420000000101"),
        n("2016-07-28", 280775, "0275", "0000253", "5", "21", "0000005", "00000051", "00491686900002807750275000025350000005121000", "00490275010002535000000051210003168690000280775"),
        // The independent script (the comment is the DV's remainder: 0 and 1 give 0, 10 gives 1).
        n("2026-03-15", 12345, "4970", "1730839", "6", "21", "3960229", "39602290", "00491138600000123454970173083963960229021000", "00494970197308396396402290210000113860000012345"),  // 1
        n("2025-02-22", 1, "2540", "1511632", "1", "31", "8034246", "80342469", "00491100000000000012540151163218034246931000", "00492540145116321803842469310009110000000000001"),  // 2
        n("2030-01-31", 9999999999, "9002", "4854920", "0", "41", "6737579", "67375790", "00497280499999999999002485492006737579041000", "00499002448549200673075790410007728049999999999"),  // 0
        n("2027-07-07", 75, "8793", "6043907", "4", "51", "8729844", "87298449", "00491186500000000758793604390748729844951000", "00498793640439074872398449510001118650000000075"),  // 2
        n("2040-12-31", 0, "1740", "4390926", "3", "21", "2896830", "28968301", "00499679100000000001740439092632896830121000", "00491740483909263289068301210008967910000000000"),  // 10
        n("2026-06-30", 2807, "4265", "4559171", "3", "41", "0430162", "04301625", "00493149300000028074265455917130430162541000", "00494265475591713043101625410004314930000002807"),  // 6
    ]

    static let asOf = date("2026-01-01")

    // MARK: Banrisul

    /// The NC: the manual's examples (00009274 → 22; 00009194 → 38, whose second digit first
    /// comes out invalid), the código examples (0000001 → 83, boleto_bancario; 9000150 → 46,
    /// brcobranca), and the edges by hand: 411 (first digit 9 wraps to 0 → 06), 5 (→ 90:
    /// remainder 0), 0 (→ 00), 8 (→ 33; brcobranca's pre-2016 code said 38).
    @Test(arguments: [
        ("00009274", "22"), ("00009194", "38"), ("22832563", "51"), ("0000001", "83"), ("9000150", "46"), ("411", "06"), ("5", "90"),
        ("0", "00"), ("8", "33"), ("21110290001502283256340", "59"), ("21100000000122832563041", "68"),
    ])
    func banrisulNC(_ digits: String, _ nc: String) {
        #expect(BanrisulCampoLivre.nc(d(digits)).text == nc)
    }

    /// Each case's boleto, its nosso número and check, the way `boleto make` writes them.
    @Test(arguments: banrisul + bnb)
    func makesTheBoleto(_ c: Case) throws {
        let made = try BoletoMaker.make(c.title, asOf: c.title.dueDate!)
        #expect(made.barcode.description == c.barcode)
        #expect(made.linhaDigitavel.description == c.line)
        #expect(made.fields.nossoNumero == c.nossoNumero)
        #expect(made.fields.nossoNumeroDigit == c.check)
    }

    /// Each case's line (Banrisul) or barcode (BNB) decoded: valid, and the fields `make` wrote.
    @Test(arguments: banrisul + bnb)
    func readsItBack(_ c: Case) throws {
        let made = try BoletoMaker.make(c.title, asOf: c.title.dueDate!)
        let code = c.title.bank == BanrisulCampoLivre.bank ? c.line : c.barcode
        guard case .bank(let r) = try BoletoDecoder.decode(code, asOf: c.title.dueDate!) else { Issue.record("not bank"); return }
        #expect(r.valid && r.warnings.isEmpty)
        #expect(r.dueDate == c.title.dueDate)
        #expect(r.fields == made.fields)
        #expect(r.fields?.nossoNumero == c.nossoNumero)
    }

    /// The manual's example of the older three-digit-agency layout (2004; quoted by
    /// klawdyo/PHP-Object-Boleto as "manual" and by boleto_bancario): read, with its NC right.
    @Test func banrisulOlderLayoutManualExample() throws {
        guard case .bank(let r) = try BoletoDecoder.decode("04191100100000550002110000000012283256304168", asOf: date("2000-07-04"))
        else { Issue.record("not bank"); return }
        #expect(r.valid && r.warnings.isEmpty)
        #expect(r.barcode.amountCents == 55000 && r.dueDate == date("2000-07-04"))
        #expect(r.fields?.layout == BanrisulCampoLivre.agencia3)
        #expect(r.fields?.agency == "100" && r.fields?.convenio == "0000001" && r.fields?.nossoNumero == "2283256351")
        #expect(r.fields?.nossoNumeroDigit == "51")
    }

    /// jrimum's produto 1 (cobrança normal) campo livre: read as such, nothing wrong.
    @Test func banrisulProduto1() {
        let r = BanrisulCampoLivre.read(d("1111029000150228325634071"))
        #expect(r.problems.isEmpty)
        #expect(r.fields.layout == BanrisulCampoLivre.cobrancaNormal && r.fields.agency == "1102" && r.fields.nossoNumero == "2283256351")
    }

    /// A wrong NC, constant or produto is named with its barcode position.
    @Test(arguments: [
        ("2111029000150228325634058", 43), ("2111029000150228325634159", 42), ("2011029000150228325634059", 21),
        ("3111029000150228325634059", 20),
    ])
    func banrisulReadFlags(_ campoLivre: String, _ column: Int) {
        let r = BanrisulCampoLivre.read(d(campoLivre))
        #expect(r.problems.map(\.column).contains(column), "\(r.problems)")
        #expect(r.problems.allSatisfy { $0.code == BoletoError.Code.checkDigit })
    }

    /// A nosso número given with its NC, and the 13-digit convenio CNAB 400 writes (agência +
    /// código + NC), make the same boleto as the bare fields.
    @Test func banrisulAcceptsTheCNABForms() throws {
        let bare = try BoletoMaker.make(Self.banrisul[0].title, asOf: date("2000-07-04"))
        let cnab = BoletoTitle(bank: "041", convenio: "1102900015046", nossoNumero: "2283256351", dueDate: date("2000-07-04"), amountCents: 55000)
        let made = try BoletoMaker.make(cnab, asOf: date("2000-07-04"))
        #expect(made.barcode == bare.barcode && made.fields == bare.fields)
        #expect(made.fields.layout == BanrisulCampoLivre.cobrancaDireta)
    }

    /// Títulos Banrisul cannot make: the corpus retorno's nosso número and código, whose NCs are
    /// wrong (50 for 51, 96 for 46), an agency that is not the convenio's, none at all, a
    /// nosso número too long.
    static let banrisulRejects: [(BoletoTitle, String)] = [
        (BoletoTitle(bank: "041", agency: "1102", convenio: "9000150", nossoNumero: "2283256350", dueDate: date("2026-03-15"), amountCents: 1), "boleto.nosso-numero"),
        (BoletoTitle(bank: "041", convenio: "1102900015096", nossoNumero: "22832563", dueDate: date("2026-03-15"), amountCents: 1), "boleto.convenio"),
        (BoletoTitle(bank: "041", agency: "1103", convenio: "1102900015046", nossoNumero: "22832563", dueDate: date("2026-03-15"), amountCents: 1), "boleto.agency"),
        (BoletoTitle(bank: "041", convenio: "9000150", nossoNumero: "22832563", dueDate: date("2026-03-15"), amountCents: 1), "boleto.agency"),
        (BoletoTitle(bank: "041", agency: "1102", nossoNumero: "22832563", dueDate: date("2026-03-15"), amountCents: 1), "boleto.convenio"),
        (BoletoTitle(bank: "041", agency: "1102", convenio: "9000150", nossoNumero: "123456789", dueDate: date("2026-03-15"), amountCents: 1), "boleto.nosso-numero"),
    ]

    // MARK: Banco do Nordeste

    /// The DV: brcobranca's cases (remainders 10, 1, 0 and others), the corpus retorno's real
    /// 0000011-6, and by hand 0000000 → 0 (remainder 0).
    @Test(arguments: [
        ("9061138", "1"), ("0000010", "8"), ("0020572", "9"), ("1961005", "0"), ("1297105", "7"), ("0000005", "1"), ("0002720", "0"),
        ("0000053", "1"), ("0000011", "6"), ("0000123", "6"), ("0000000", "0"),
    ])
    func bnbDV(_ nn: String, _ dv: String) {
        #expect(String(UnicodeScalar(BancoDoNordesteCampoLivre.nossoNumeroDigit(d(nn)))) == dv)
    }

    /// A wrong DV or a non-zero tail is named with its barcode position.
    @Test(arguments: [("0016000119320000053021000", 39), ("0016000119320000053121001", 44), ("0016000119320000053121100", 42)])
    func bnbReadFlags(_ campoLivre: String, _ column: Int) {
        let r = BancoDoNordesteCampoLivre.read(d(campoLivre))
        #expect(r.problems.map(\.column) == [column], "\(r.problems)")
    }

    /// Títulos BNB cannot make: the CNAB 400 carteira codes the sources disagree on (6, 1; never
    /// padded into 06), no account digit, a wrong nosso número DV, an account too long.
    static let bnbRejects: [(BoletoTitle, String)] = [
        (BoletoTitle(bank: "004", agency: "16", account: "1193", accountDigit: "2", carteira: "6", nossoNumero: "53", dueDate: date("2026-03-15"), amountCents: 1), "boleto.carteira"),
        (BoletoTitle(bank: "004", agency: "16", account: "1193", accountDigit: "2", carteira: "1", nossoNumero: "53", dueDate: date("2026-03-15"), amountCents: 1), "boleto.carteira"),
        (BoletoTitle(bank: "004", agency: "16", account: "1193", carteira: "21", nossoNumero: "53", dueDate: date("2026-03-15"), amountCents: 1), "boleto.account"),
        (BoletoTitle(bank: "004", agency: "16", account: "1193", accountDigit: "2", carteira: "21", nossoNumero: "00000530", dueDate: date("2026-03-15"), amountCents: 1), "boleto.nosso-numero"),
        (BoletoTitle(bank: "004", agency: "16", account: "12345678", accountDigit: "2", carteira: "21", nossoNumero: "53", dueDate: date("2026-03-15"), amountCents: 1), "boleto.account"),
        (BoletoTitle(bank: "004", account: "1193", accountDigit: "2", carteira: "21", nossoNumero: "53", dueDate: date("2026-03-15"), amountCents: 1), "boleto.agency"),
    ]

    /// The CNAB 400 remessa codes both sources agree on make the same boleto as their campo
    /// livre carteira (4 → 21, 5 → 41, I or i → 51).
    @Test(arguments: [("4", "21"), ("5", "41"), ("I", "51"), ("i", "51")])
    func bnbRemessaCarteiraCode(_ code: String, _ carteira: String) throws {
        func title(_ c: String) -> BoletoTitle {
            BoletoTitle(bank: "004", agency: "16", account: "1193", accountDigit: "2", carteira: c, nossoNumero: "53", dueDate: date("2026-03-15"), amountCents: 1)
        }
        let viaCode = try BoletoMaker.make(title(code), asOf: Self.asOf)
        #expect(viaCode.barcode.code == (try BoletoMaker.make(title(carteira), asOf: Self.asOf)).barcode.code)
        #expect(viaCode.fields.carteira == carteira)
    }

    /// Each título above is rejected, with its code.
    @Test(arguments: banrisulRejects + bnbRejects)
    func rejected(_ t: BoletoTitle, _ code: String) {
        do {
            _ = try BoletoMaker.make(t, asOf: Self.asOf)
            Issue.record("made a boleto")
        } catch {
            #expect(error.code == code, "\(error)")
        }
    }

    /// Both banks are in the registry, in order.
    @Test func registered() {
        #expect(CampoLivre.banks.contains("041") && CampoLivre.banks.contains("004"))
        #expect(CampoLivre.banks == CampoLivre.banks.sorted())
        #expect(CampoLivre.known("041")?.name == BanrisulCampoLivre.name && CampoLivre.known("004")?.name == BancoDoNordesteCampoLivre.name)
    }
}
