import Records
import Testing

@testable import Letters

func text(_ s: String) -> LetterLine { .text(Array(s.utf8)) }

func strings(_ page: [PageLine]) -> [String] {
    page.map {
        switch $0 {
        case .text(let b): return String(decoding: b, as: UTF8.self)
        case .barcode(let d): return "BARS:" + String(decoding: d, as: UTF8.self)
        case .qrCode(let p): return "QR:" + String(decoding: p, as: UTF8.self)
        }
    }
}

@Suite struct PagerTests {
    /// 12 lines a page: 10 of body, a blank, the page number.
    let small = PageFormat(width: 20, lines: 12)

    @Test func pagesArePaddedAndNumbered() {
        let laid = Pager.layout((1...13).map { text("linha \($0)") }, small)
        #expect(laid.pages.count == 2)
        let first = strings(laid.pages[0])
        let second = strings(laid.pages[1])
        #expect(first.count == 12 && second.count == 12)
        #expect(first[9] == "linha 10" && second[0] == "linha 11" && second[2] == "linha 13" && second[3] == "")
        // "Página 1 de 2" is 13 characters, right-aligned in 20.
        #expect(first[11] == "       Página 1 de 2")
        #expect(second[11] == "       Página 2 de 2")
    }

    @Test func longLinesWrapAtABlankAndWordsLongerThanALineAreCut() {
        let laid = Pager.layout([text("ação ação ação ação ação ação"), text(String(repeating: "x", count: 25))], small)
        let page = strings(laid.pages[0])
        // 4 × "ação " = 20 characters with the trailing blank: the fourth word ends at 19.
        #expect(page[0] == "ação ação ação ação")
        #expect(page[1] == "ação ação")
        #expect(page[2] == String(repeating: "x", count: 20))
        #expect(page[3] == "xxxxx")
        #expect(page.allSatisfy { $0.count <= 20 })
    }

    /// "A page never ends inside a line": a line wrapped to 3 pieces, reached with 2 lines left,
    /// goes whole onto the next page (a Pix copia-e-cola code split by a page cannot be pasted);
    /// a line longer than a whole page still goes on from one page to the next.
    /// A 2 MB field (a sender name of words, and one without a blank) wraps into pieces of the
    /// width, in work linear in its length: the bytes `wrap` looks at are counted, not timed (it
    /// used to count the rest of the line again for every piece: 2 MB took minutes).
    @Test(arguments: [false, true]) func aLongLineWrapsInLinearWork(blanks: Bool) {
        let word = Array((blanks ? "ação Maria " : "açãoMariaJ").utf8)
        var line: [UInt8] = []
        while line.count < 2 << 20 { line += word }
        let width = 80
        var pieces: [Range<Int>] = []
        var steps = 0
        line.withUnsafeBufferPointer { Pager.wrap($0, 0, line.count, width, into: &pieces, steps: &steps) }
        #expect(steps <= 3 * line.count, "\(steps) bytes looked at for a line of \(line.count)")
        let texts = pieces.map { String(decoding: line[$0], as: UTF8.self) }
        #expect(texts.allSatisfy { $0.count <= width && !$0.hasPrefix(" ") && !$0.hasSuffix(" ") })
        if blanks {
            // Every piece ends at a word's end (no word is cut), and the words come back in order.
            #expect(texts.joined(separator: " ") == String(decoding: line.dropLast(), as: UTF8.self))
            #expect(texts.dropLast().allSatisfy { $0.count > width - word.count })
        } else {
            // No blank: cut every `width` characters.
            #expect(texts.joined() == String(decoding: line, as: UTF8.self))
            #expect(texts.dropLast().allSatisfy { $0.count == width })
        }
    }

    @Test func aWrappedLineIsNeverSplitAcrossPages() {
        let long = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll"  // 3 pieces of 20
        let laid = Pager.layout((1...8).map { text("l\($0)") } + [text(long), text("end")], small)
        #expect(laid.pages.count == 2)
        let first = strings(laid.pages[0])
        let second = strings(laid.pages[1])
        #expect(first[7] == "l8" && first[8] == "" && first[9] == "", "\(first)")
        #expect(Array(second[0..<4]) == ["aaaa bbbb cccc dddd", "eeee ffff gggg hhhh", "iiii jjjj kkkk llll", "end"], "\(second)")
        // 11 pieces cannot fit any page of 10: they fill page 1 and go on.
        let huge = (1...11).map { String(repeating: Character(UnicodeScalar(UInt8(96 + $0))), count: 19) }.joined(separator: " ")
        let over = Pager.layout([text("x"), text(huge)], small)
        #expect(over.pages.count == 2)
        #expect(strings(over.pages[0])[1] == String(repeating: "a", count: 19) && strings(over.pages[1])[0] == String(repeating: "j", count: 19))
    }

    @Test func aBarcodeIsNeverSplitAcrossPages() {
        let digits = Array(String(repeating: "7", count: 44).utf8)
        // 8 lines leave 2 of the 10: the barcode (4 lines) goes to the next page.
        let laid = Pager.layout((1...8).map { text("l\($0)") } + [.barcode(digits)], small)
        #expect(laid.pages.count == 2)
        #expect(strings(laid.pages[0])[8] == "")
        #expect(laid.pages[1][0] == .barcode(digits))
    }

    /// A QR code takes `qrCodeHeight` lines, never split across pages; the text renderers get
    /// its payload cut (blanks kept) into lines of the width, the PDF the whole payload.
    @Test func aQRCodeBlockKeepsItsPayloadWhole() {
        let format = PageFormat(width: 20, lines: 14)
        let payload = Array("0002012658 0014br.gov.bcb.pix 0136 São Paulo".utf8)
        let laid = Pager.layout([text("a"), text("b"), text("c"), .qrCode(payload), text("d")], format)
        // 3 lines leave 9 of the 12: the block (10 lines) starts page 2.
        #expect(laid.pages.count == 2)
        #expect(laid.pages[1][0] == .qrCode(payload))
        #expect(strings(laid.pages[1])[1...10] == ["", "", "", "", "", "", "", "", "", "d"])
        var letter = LetterText([text("a"), .qrCode(payload)])
        var paged = PagedLetter()
        Pager.layout(&letter, format, into: &paged)
        let printed = paged.lines.prefix(12).map { String(decoding: letter.bytes[$0.start..<$0.end], as: UTF8.self) }
        #expect(printed[0...3] == ["a", "0002012658 0014br.go", "v.bcb.pix 0136 São P", "aulo"])
        #expect(printed[4...11].allSatisfy { $0.isEmpty })
        #expect(paged.lines[1].kind == .qrCode && paged.lines[2].kind == .qrCodeContinued)
    }

    /// A payload longer than a page of lines (possible on a narrow page) goes on on the next
    /// pages; the PDF still gets all of it, and every page keeps its height.
    @Test func aQRCodePayloadLongerThanAPage() {
        let format = PageFormat(width: 20, lines: 12)
        let payload = Array(String(repeating: "0123456789", count: 50).utf8)
        let laid = Pager.layout([text("a"), .qrCode(payload), text("b")], format)
        // 25 pieces of 20: the block starts page 2 and takes 10 + 10 + 5 lines.
        #expect(laid.pages.count == 4)
        #expect(laid.pages.allSatisfy { $0.count == 12 })
        #expect(laid.pages[1][0] == .qrCode(payload))
        // The PDF's form: the continued pieces are blank lines under the symbol.
        #expect(strings(laid.pages[3])[0...5] == ["", "", "", "", "", "b"])
    }

    @Test func newPageStartsAPageButNotAnEmptyOne() {
        let laid = Pager.layout([.newPage, text("a"), .newPage, .newPage, text("b")], small)
        #expect(laid.pages.count == 2)
        #expect(strings(laid.pages[1])[0] == "b")
    }
}

@Suite struct AddressTests {
    func payer(_ address: String, name: String = "Ana") -> JSONValue {
        JSONValue(parsing: Array(#"{"name":"\#(name)","address":\#(address)}"#.utf8))!
    }

    @Test func aGoodAddress() throws {
        let a = try PostalAddress.check(payer(#"{"street":"Rua A","district":"Centro","city":"Recife","state":"pe","cep":"50010-000"}"#)).get()
        #expect(a.cep == "50010000" && a.state == "PE")
        #expect(a.streetLine == "Rua A, s/n")
    }

    @Test(arguments: [
        (#"{"street":"Rua A","district":"Centro","city":"Recife","state":"PE","cep":"5001000"}"#, "payer.address.cep \"5001000\" is not 8 digits"),
        (#"{"street":"Rua A","district":"Centro","city":"Recife","state":"XX","cep":"50010000"}"#, "payer.address.state \"XX\" is not a Brazilian UF"),
        (#"{"street":" ","district":"Centro","city":"Recife","state":"PE","cep":"50010000"}"#, "payer.address.street is missing"),
        (#"{"street":"Rua A","district":"Centro","city":"Recife","state":"PE","cep":"00000000"}"#, "payer.address.cep 00000000 is no CEP"),
    ])
    func badAddress(_ address: String, _ reason: String) {
        guard case .failure(let p) = PostalAddress.check(payer(address)) else {
            Issue.record("accepted")
            return
        }
        #expect(p.reasons == [reason])
    }

    /// Where the first reason is, for the diagnostic's column: the value, or for a member that
    /// is missing the object that lacks it.
    @Test(arguments: [
        (#"{"street":"Rua A","district":"Centro","city":"Recife","state":"PE","cep":"5001000"}"#, "Ana", "payer.address.cep"),
        (#"{"street":"Rua A","district":"Centro","city":"Recife","state":"XX","cep":"00000000"}"#, "Ana", "payer.address.state"),
        (#"{"street":" ","district":"Centro","city":"Recife","state":"PE","cep":"50010000"}"#, "Ana", "payer.address.street"),
        (#"{"district":"Centro","city":"Recife","state":"PE","cep":"50010000"}"#, "Ana", "payer.address"),
        (#"{"street":"Rua A","district":"Centro","city":"Recife","state":"PE","cep":"50010000"}"#, "", "payer.name"),
    ])
    func aProblemSaysWhere(_ address: String, _ name: String, _ path: String) {
        guard case .failure(let p) = PostalAddress.check(payer(address, name: name)) else {
            Issue.record("accepted")
            return
        }
        #expect(p.path == path)
        if case .failure(let p) = PostalAddress.check(JSONValue(parsing: Array(#"{"name":"Ana"}"#.utf8))) { #expect(p.path == "payer") }
        if case .failure(let p) = PostalAddress.check(nil) { #expect(p.path == nil) }
    }

    @Test func everyReasonIsListed() {
        guard case .failure(let p) = PostalAddress.check(payer(#"{"cep":"1"}"#, name: "")) else { return }
        #expect(p.reasons.count == 6)
    }

    /// The check digit makes the 9 digits add up to a multiple of 10: 1+2+…+8 = 36 → 4;
    /// 0+1+3+1+0+1+0+0 = 6 → 4; 8+0+0+1+0+0+0+0 = 9 → 1; 5+0+0+1+0+0+0+0 = 6 → 4; 9+9+9+9+9+9+9+1 = 64 → 6; 0 → 0.
    @Test(arguments: [("12345678", 4), ("01310100", 4), ("80010000", 1), ("50010000", 4), ("99999991", 6), ("00000000", 0)])
    func cepnetDigit(_ cep: String, _ digit: Int) {
        #expect(PostalAddress.cepnetDigit(cep) == digit)
    }
}

@Suite struct WinAnsiTests {
    @Test func accentsAreOneByteEach() {
        // ç E7, ã E3, é E9, º BA, € 80, “ 93, ” 94; ✓ has no Windows-1252 byte.
        #expect(WinAnsi.encode(Array("ção é nº €“”✓".utf8)) == [0xE7, 0xE3, 0x6F, 0x20, 0xE9, 0x20, 0x6E, 0xBA, 0x20, 0x80, 0x93, 0x94, 0x3F])
    }

    /// Names of other Latin-script languages print with their base letters where Windows-1252
    /// lacks the letter (ő, ễ, Ł, Ż, ć, ș), keeping those it has (ó, á); a character of no Latin
    /// letter (Cyrillic Ж) is still `?`. One byte per character: the page width holds.
    @Test func latinLettersWindows1252LacksPrintAsTheirBaseLetter() {
        #expect(WinAnsi.encode(Array("Zsófia Kőváry Nguyễn".utf8)) == Array("Zs".utf8) + [0xF3] + Array("fia Kov".utf8) + [0xE1] + Array("ry Nguyen".utf8))
        #expect(WinAnsi.encode(Array("Łukasz Żółć Ștefan Ж".utf8)) == Array("Lukasz Z".utf8) + [0xF3] + Array("lc Stefan ?".utf8))
    }

    @Test func brokenUTF8BecomesQuestionMarks() {
        #expect(WinAnsi.encode([0x41, 0xC3]) == [0x41, 0x3F])
        #expect(WinAnsi.encode([0xFF, 0x42]) == [0x3F, 0x42])
    }
}

@Suite struct LadderTests {
    func ladder(_ steps: String, extra: String = "") throws(LadderError) -> Ladder {
        try Ladder(json: Array(#"{"steps":[\#(steps)]\#(extra)}"#.utf8))
    }

    @Test func stepsAreFoundByDaysOverdue() throws {
        let l = try ladder(
            #"{"name":"b","from_days":30,"to_days":59,"template":"b.txt"},{"name":"a","from_days":5,"to_days":29,"template":"a.txt"},{"name":"c","from_days":60,"template":"c.txt"}"#)
        #expect(l.step(forDaysOverdue: 4) == nil)
        #expect(l.step(forDaysOverdue: 5)?.name == "a")
        #expect(l.step(forDaysOverdue: 29)?.name == "a")
        #expect(l.step(forDaysOverdue: 30)?.name == "b")
        #expect(l.step(forDaysOverdue: 900)?.name == "c")
    }

    @Test(arguments: [
        (#"{"name":"a","from_days":5,"to_days":30,"template":"a"},{"name":"b","from_days":30,"template":"b"}"#, "steps \"a\" (5…30 days) and \"b\" (30… days) overlap at 30 days overdue"),
        (#"{"name":"a","from_days":5,"template":"a"},{"name":"b","from_days":60,"template":"b"}"#, "steps \"a\" (5… days) and \"b\" (60… days) overlap at 60 days overdue"),
        (#"{"name":"a","from_days":5,"template":"a"},{"name":"a","from_days":60,"template":"b"}"#, "steps[1].name: step \"a\" is named twice"),
        (#"{"name":"a","from_days":9,"to_days":3,"template":"a"}"#, "steps[0].to_days: step \"a\" ends (3) before it starts (9)"),
        (#"{"name":"a","from_days":0,"template":"a"}"#, "steps[0].from_days: step \"a\" needs from_days ≥ 1 (days overdue)"),
        (#"{"name":"a","from_days":5,"template":"a","boleto":true}"#, "step \"a\" asks for a boleto: the ladder needs a \"boleto\" object (bank, agency, account, carteira…)"),
    ])
    func badLadder(_ steps: String, _ message: String) {
        do {
            _ = try ladder(steps)
            Issue.record("accepted")
        } catch {
            #expect(error.message == message)
        }
    }

    static let account = #""bank":"237","agency":"1234","account":"0012345","carteira":"09""#

    /// A boleto due date past any real one (`due_in_days` 10^18 gave a due date in the year 534).
    @Test func dueInDaysIsBounded() throws {
        let step = #"{"name":"a","from_days":5,"template":"a","boleto":true}"#
        #expect(try ladder(step, extra: #","boleto":{\#(Self.account),"due_in_days":3650}"#).boleto?.dueInDays == 3650)
        for bad in ["3651", "999999999999999999", "-1", "2.5"] {
            do {
                _ = try ladder(step, extra: #","boleto":{\#(Self.account),"due_in_days":\#(bad)}"#)
                Issue.record("due_in_days \(bad) accepted")
            } catch {
                #expect(error.message == "boleto.due_in_days: expected a whole number 0…3650, found \(bad)")
            }
        }
    }
    /// An account no boleto can be made on is the ladder's error, said when it is loaded (it was
    /// blamed on every party's letter, `letters.boleto`, exit 65).
    @Test(arguments: [
        (#""bank":"999","agency":"1234","account":"0012345","carteira":"09""#, #"[boleto.bank] no campo livre layout for bank "999""#),
        (#""bank":"237","agency":"12345","account":"0012345","carteira":"09""#, "[boleto.agency]"),
        (#""bank":"237","agency":"1234","account":"0012345","carteira":"09","nosso_numero_from":1234567890123"#, "[boleto.nosso-numero]"),
    ])
    func anAccountNoBoletoCanBeMadeOn(_ account: String, _ reason: String) {
        let step = #"{"name":"a","from_days":5,"template":"a","boleto":true}"#
        do {
            _ = try ladder(step, extra: #","boleto":{\#(account)}"#)
            Issue.record("accepted")
        } catch {
            #expect(error.message.hasPrefix("boleto: no boleto can be made on this account"), "\(error.message)")
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    static let sender = #","sender":{"name":"Cobrança Exemplo Ltda","address":{"city":"São Paulo"}}"#

    /// The boleto's Pix receiver: the key, the sender's name and city unless pix_name/pix_city
    /// say otherwise; none without pix_key.
    @Test func pixReceiverFromTheSender() throws {
        let step = #"{"name":"a","from_days":5,"template":"a","boleto":true}"#
        let plain = try ladder(step, extra: #","boleto":{\#(Self.account)}"# + Self.sender)
        #expect(plain.boleto?.pix == nil)
        let pix = try ladder(step, extra: #","boleto":{\#(Self.account),"pix_key":"cobranca@exemplo.com.br"}"# + Self.sender)
        #expect(pix.boleto?.pix == Ladder.Pix(key: "cobranca@exemplo.com.br", name: "Cobrança Exemplo Ltda", city: "São Paulo"))
        let own = try ladder(step, extra: #","boleto":{\#(Self.account),"pix_key":"k","pix_name":"Troca","pix_city":"Curitiba"}"# + Self.sender)
        #expect(own.boleto?.pix == Ladder.Pix(key: "k", name: "Troca", city: "Curitiba"))
    }

    @Test(arguments: [
        (#","pix_key":12"#, Self.sender, "boleto.pix_key: expected the Pix key (chave) as a string"),
        (#","pix_key":"k""#, "", "boleto.pix_name: a Pix code names its receiver: give boleto.pix_name or sender.name"),
        (#","pix_key":"k","pix_name":"N""#, "", "boleto.pix_city: a Pix code names its receiver's city: give boleto.pix_city or sender.address.city"),
        (
            #","pix_key":"k","pix_city":"São Paulo""#, #","sender":{"name":"Cobrança Exemplo Comércio e Serviços Ltda"}"#,
            "boleto.pix_key: no Pix code can be made for key \"k\", receiver \"Cobrança Exemplo Comércio e Serviços Ltda\" (sender.name; boleto.pix_name overrides it), city \"São Paulo\": pix receiver name must have 1…25 characters, found 41"
        ),
    ])
    func badPixReceiver(_ pix: String, _ sender: String, _ message: String) {
        do {
            _ = try ladder(#"{"name":"a","from_days":5,"template":"a","boleto":true}"#, extra: #","boleto":{\#(Self.account)\#(pix)}"# + sender)
            Issue.record("accepted")
        } catch {
            #expect(error.message == message)
        }
    }
}

/// The PDF's numbers: the byte writer the rectangles use writes what `points` does.
@Suite struct PDFNumberTests {
    /// Hundredths of a point written as points with two decimals, by hand.
    @Test(arguments: [(0, "0.00"), (5, "0.05"), (10, "0.10"), (100, "1.00"), (12_345, "123.45"), (5_952_800, "59528.00"), (-5, "-0.05"), (-12_345, "-123.45")])
    func pointsAsWritten(_ hundredths: Int, _ text: String) {
        #expect(PDFWriter.points(hundredths) == text)
    }

    @Test func appendPointsMatchesPoints() {
        var values = [0, 1, 5, 9, 10, 99, 100, 101, 1_000, 12_345, 59_528, 84_189, 1_000_000, -1, -5, -100, -12_345]
        var rng = SystemRandomNumberGenerator()
        values += (0..<200).map { _ in Int.random(in: -10_000_000...10_000_000, using: &rng) }
        for v in values {
            var out: [UInt8] = []
            PDFWriter.appendPoints(v, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == PDFWriter.points(v), "\(v)")
        }
        var rect: [UInt8] = []
        PDFWriter.rectangle(7_087, -250, 1_234, 100, into: &rect)
        #expect(String(decoding: rect, as: UTF8.self) == "70.87 -2.50 12.34 1.00 re\n")
    }
}
