import Foundation
import Testing
import TrocaCLI

/// `boleto make` and `boleto decode` on the inputs a review found wrong (/tmp/reports/boleto.md,
/// items 2–7): each bad título is rejected with its file:line:column, a stable code and a message
/// naming the field, and read = written + rejected still holds.
@Suite struct BoletoMakeReviewTests {
    /// An Itaú carteira 109 título (agency 1565, account 13877: DAC 1), with `extra` members.
    static func itau(_ extra: String) -> String {
        #"{"record":"title","bank":"341","agency":"1565","account":"13877","carteira":"109","nosso_numero":"12345678","due_date":"2026-03-15","amount_cents":100"#
            + extra + "}"
    }

    /// The 1-based byte column where `text` starts in `line`.
    static func column(of text: String, in line: String) -> Int {
        Array(line.utf8).firstRange(of: Array(text.utf8))!.lowerBound + 1
    }

    /// Runs boleto make on `lines`; every line must be rejected as `expected` says (its code,
    /// the member whose value the column points at, a piece of its message), or written when
    /// `expected` is nil.
    static func check(_ lines: [(line: String, expected: (code: String, at: String, message: String)?)], args: [String] = []) {
        let input = lines.map(\.line).joined(separator: "\n") + "\n"
        let r = troca(["boleto", "make", "--as-of", "2026-01-01"] + args, stdin: Array(input.utf8))
        let rejected = lines.filter { $0.expected != nil }.count
        #expect(r.status == (rejected > 0 ? .dataError : .ok), "\(r.stderrText)")
        for (k, l) in lines.enumerated() {
            guard let e = l.expected else {
                #expect(!r.stderrText.contains("-:\(k + 1):"), "line \(k + 1) was rejected: \(r.stderrText)")
                continue
            }
            let col = column(of: e.at, in: l.line) + e.at.utf8.count
            #expect(r.stderrText.contains("troca: -:\(k + 1):\(col): error: [\(e.code)] \(e.message)"), "line \(k + 1): \(r.stderrText)")
        }
        #expect(r.stderrText.contains("read \(lines.count) lines: \(lines.count - rejected) written, \(rejected) rejected, 0 skipped"), "\(r.stderrText)")
        #expect(r.records.count == lines.count - rejected)
    }

    /// Item 2: a Caixa convênio of 7 digits below 1.100.000 is the código do beneficiário and its
    /// DV (módulo 11, weights 2–9, 11 − remainder, above 9 ⇒ 0; facts §C.5): 005678 →
    /// 8·2 + 7·3 + 6·4 + 5·5 = 86, 86 mod 11 = 9, 11 − 9 = 2; so 0056780 is refused and 0056782
    /// made, as is 056780 (its DV appended: 0·2 + 8·3 + 7·4 + 6·5 + 5·6 = 112, 112 mod 11 = 2,
    /// DV 9 → 0567809). decode says the DV of the barcode made from 0056780 before the fix is wrong.
    @Test func caixaConvenioDigit() throws {
        func caixa(_ convenio: String) -> String {
            #"{"record":"title","bank":"104","convenio":""# + convenio + #"","nosso_numero":"19","due_date":"2026-03-15","amount_cents":12345}"#
        }
        Self.check([
            (caixa("0056780"), ("boleto.convenio", #""convenio":"#, "convenio \"0056780\": a Caixa código do beneficiário below 1.100.000 is 6 digits and its DV, and the DV of 005678 is 2, not 0")),
            (caixa("0056782"), nil),
            (caixa("056780"), nil),
        ])
        let made = troca(["boleto", "make", "--as-of", "2026-01-01"], stdin: Array((caixa("056780") + "\n").utf8)).records
        #expect((made.first?["barcode"] as? String)?.dropFirst(19).prefix(7) == "0567809")

        let decoded = troca(["boleto", "decode", "--as-of", "2026-01-01", "10494138600000123450056780000100040000000199"])
        #expect(decoded.stderrText.contains("argument 1:1:26: warning: [boleto.check-digit] código do beneficiário check digit (barcode position 26) is 0, should be 2"), "\(decoded.stderrText)")
        let warnings = try #require(decoded.records.first?["warnings"] as? [[String: Any]])
        #expect(warnings.map { $0["column"] as? Int } == [26])
    }

    /// Item 3: a Pix key or location with a control character (a CR or LF left from a CRLF CSV),
    /// a blank or a character outside ASCII is refused at its member, naming it; never written
    /// into the EMV. decode refuses such a payload too (PixTests).
    @Test func pixKeyOrLocationOutsidePrintableASCII() {
        let nc = #","name":"N","city":"C"}"#
        Self.check([
            (Self.itau(#","pix":{"key":"a@b.com\r""# + nc), ("boleto.pix", #""key":"#, #"pix.key "a@b.com\r" has a control character (U+000D) at character 8"#)),
            (Self.itau(#","pix":{"key":"a@b.com\n""# + nc), ("boleto.pix", #""key":"#, #"pix.key "a@b.com\n" has a control character (U+000A) at character 8"#)),
            (Self.itau(#","pix":{"location":"pix.x.com/a\nb""# + nc), ("boleto.pix", #""location":"#, #"pix.location "pix.x.com/a\nb" has a control character (U+000A) at character 12"#)),
            (Self.itau(#","pix":{"key":"ção@b.com""# + nc), ("boleto.pix", #""key":"#, #"pix.key "ção@b.com" has a character outside ASCII (U+00E7) at character 1"#)),
            (Self.itau(#","pix":{"key":"a@b.com ""# + nc), ("boleto.pix", #""key":"#, #"pix.key "a@b.com " has a blank at character 8"#)),
            (Self.itau(#","pix":{"key":"a@b.com""# + nc), nil),
        ])
    }

    /// Item 4: pix members of the wrong kind are refused, never dropped or replaced: a numeric
    /// key, txid or name, a pix that is not an object, and one asking for a code (txid, name,
    /// city) without a key or location. A pix with only what a bank returned passes as it came,
    /// and null is absence.
    @Test func pixMembersOfTheWrongKind() {
        let args = ["--pix-name", "FALLBACK", "--pix-city", "FBCITY"]
        Self.check(
            [
                (Self.itau(#","pix":{"key":12345678909,"txid":"T1","name":"N","city":"C"}"#), ("boleto.pix", #""key":"#, "pix.key must be a string, found a number")),
                (Self.itau(#","pix":{"key":"a@b.com","name":"N","city":"C","txid":7}"#), ("boleto.pix", #""txid":"#, "pix.txid must be a string, found a number")),
                (Self.itau(#","pix":{"key":"12345678909","txid":"T1","name":5,"city":"C"}"#), ("boleto.pix", #""name":"#, "pix.name must be a string, found a number")),
                (Self.itau(#","pix":{"key":"12345678909","city":["C"]}"#), ("boleto.pix", #""city":"#, "pix.city must be a string, found an array")),
                (Self.itau(#","pix":"x""#), ("boleto.pix", #""pix":"#, "pix must be an object (key or location, txid, name, city), found a string")),
                (Self.itau(#","pix":{"location":null,"key":null,"name":"N","city":"C"}"#), ("boleto.pix", #""pix":"#, "pix has no key (static code) or location (dynamic code) to make its code from")),
                (Self.itau(#","pix":{"txid":"T1","name":"N","city":"C"}"#), ("boleto.pix", #""pix":"#, "pix has no key (static code) or location (dynamic code) to make its code from")),
                (Self.itau(#","pix":{"key":"12345678909","txid":"T1","city":"C","name":null}"#), nil),
                (Self.itau(#","pix":{"emv":"000201","error":"004"}"#), nil),
                (Self.itau(#","pix":null"#), nil),
            ], args: args)
        let r = troca(
            ["boleto", "make", "--as-of", "2026-01-01"] + args,
            stdin: Array((Self.itau(#","pix":{"key":"12345678909","txid":"T1","city":"C","name":null}"#) + "\n" + Self.itau(#","pix":{"emv":"000201","error":"004"}"#) + "\n").utf8))
        let pix = r.records.map { $0["pix"] as? [String: Any] }
        // The receiver's name falls back to --pix-name only when pix.name is absent or null.
        #expect((pix[0]?["emv"] as? String)?.contains("5908FALLBACK6001C") == true)
        // Written as it came: no emv made, none dropped.
        #expect(pix[1]?["emv"] as? String == "000201" && pix[1]?["error"] as? String == "004")
    }

    /// Item 5: a receiver name or city of blanks alone is refused like an empty one, in a título
    /// and in --pix-name / --pix-city.
    @Test func blankPixNameOrCity() {
        Self.check([
            (Self.itau(#","pix":{"key":"a@b.com","name":"   ","city":"C"}"#), ("boleto.pix", #""pix":"#, "pix receiver name must have 1…25 characters, found only blanks")),
            (Self.itau(#","pix":{"key":"a@b.com","name":"N","city":" "}"#), ("boleto.pix", #""pix":"#, "pix receiver city must have 1…15 characters, found only blanks")),
            (Self.itau(#","pix":{"key":"a@b.com","name":" N ","city":"C"}"#), nil),
        ])
        for (option, value) in [("--pix-name", "   "), ("--pix-city", " ")] {
            let r = troca(["boleto", "make", "--as-of", "2026-01-01", option, value], stdin: [])
            #expect(r.status == .usage && r.stderrText.contains("\(option) must have 1…"), "\(r.stderrText)")
            #expect(r.stderrText.contains("found only blanks"), "\(r.stderrText)")
        }
    }

    /// Item 6: Banco do Brasil's 17-digit nosso número of a 7-digit convênio has no check digit
    /// (BBBOL Anexo IX, facts §C.5), so a título giving one is refused; without one it is made.
    @Test func digitWhereTheBankHasNone() {
        let bb = #"{"record":"title","bank":"001","carteira":"17","convenio":"1234567","nosso_numero":"12345670000000001","due_date":"2026-03-15","amount_cents":100"#
        Self.check([
            (bb + #","nosso_numero_digit":"5"}"#, ("boleto.nosso-numero", #""nosso_numero_digit":"#, #"nosso_numero_digit is "5", but Banco do Brasil's 17-digit nosso número of a 7-digit convênio has no check digit"#)),
            (bb + #","nosso_numero_digit":""}"#, nil),
            (bb + "}", nil),
        ])
        // A wrong digit where the bank has one: the column is the digit's too. (Bradesco carteira
        // 19, nosso número 2: módulo 11 base 7 over 19 + 00000000002 gives 8.)
        let bradesco = #"{"record":"title","bank":"237","agency":"0001","account":"0000001","carteira":"19","nosso_numero":"2","due_date":"2026-03-15","amount_cents":100"#
        Self.check([
            (bradesco + #","nosso_numero_digit":"3"}"#, ("boleto.nosso-numero", #""nosso_numero_digit":"#, #"nosso_numero_digit is "3", the check digit of nosso número 2 is 8"#)),
            (bradesco + #","nosso_numero_digit":"8"}"#, nil),
        ])
    }

    /// Item 7: an amount below zero is negative, one of more digits than an exact integer holds
    /// is too large, a fraction is no number of centavos; a line of JSON that is not an object
    /// says what it is.
    @Test func clearerMessages() {
        let bradesco = #"{"record":"title","bank":"237","agency":"0001","account":"0000001","carteira":"19","nosso_numero":"2","due_date":"2026-03-15","amount_cents":"#
        Self.check([
            (bradesco + "-1}", ("boleto.amount", #""amount_cents":"#, "amount_cents -1 is negative: an amount is 0 or more centavos")),
            (bradesco + "9223372036854775808}", ("boleto.amount", #""amount_cents":"#, "amount_cents 9223372036854775808 is too large: a boleto holds at most 9999999999 centavos")),
            (bradesco + "-99999999999999999999}", ("boleto.amount", #""amount_cents":"#, "amount_cents -99999999999999999999 is negative")),
            (bradesco + "12.5}", ("boleto.amount", #""amount_cents":"#, "amount_cents must be an integer number of centavos, found 12.5")),
            (bradesco + #""100"}"#, ("boleto.amount", #""amount_cents":"#, "amount_cents must be an integer number of centavos, found a string")),
            (bradesco + "100}", nil),
        ])
        let r = troca(["boleto", "make", "--as-of", "2026-01-01"], stdin: Array("\"str\"\n42\nnull\n  true\n[1]\nnope\n".utf8))
        #expect(r.stderrText.contains("-:1:1: error: [boleto.json] expected a JSON object, found a string\n"), "\(r.stderrText)")
        #expect(r.stderrText.contains("-:2:1: error: [boleto.json] expected a JSON object, found a number\n"))
        #expect(r.stderrText.contains("-:3:1: error: [boleto.json] expected a JSON object, found null\n"))
        #expect(r.stderrText.contains("-:4:3: error: [boleto.json] expected a JSON object, found a boolean\n"))
        #expect(r.stderrText.contains("-:5:1: error: [boleto.json] expected a JSON object, found an array\n"))
        #expect(r.stderrText.contains("-:6:1: error: [boleto.json] expected a JSON object: not valid JSON at \"n\"\n"))
        #expect(r.stderrText.contains("read 6 lines: 0 written, 6 rejected, 0 skipped"))
    }
}

/// The second review of `boleto` (2026-12-02): a byte order mark is read past, not written on;
/// `troca boleto --help` lists the group's commands.
@Suite struct BoletoSecondReviewTests {
    @Test func byteOrderMarkIsNotCopiedToTheOutput() throws {
        let title = BoletoMakeReviewTests.itau("")
        let other = #"{"record":"party","id":"1"}"#
        for line in [title, other] {
            let r = troca(["boleto", "make", "--as-of", "2026-01-01"], stdin: [0xEF, 0xBB, 0xBF] + Array((line + "\n").utf8))
            #expect(r.status == .ok, "\(r.stderrText)")
            #expect(r.stdout.first == UInt8(ascii: "{"))
            #expect(r.records.count == 1 && r.records[0]["unparsable"] == nil)
        }
        // A rejected first line keeps the column of the raw line, its mark counted.
        let bad = BoletoMakeReviewTests.itau(#","fine":7"#).replacingOccurrences(of: "\"amount_cents\":100", with: "\"amount_cents\":-1")
        let r = troca(["boleto", "make", "--as-of", "2026-01-01"], stdin: [0xEF, 0xBB, 0xBF] + Array((bad + "\n").utf8))
        let plain = troca(["boleto", "make", "--as-of", "2026-01-01"], stdin: Array((bad + "\n").utf8))
        #expect(r.status == .dataError && plain.status == .dataError)
        let column = { (text: String) in text.split(separator: ":").dropFirst(3).first.flatMap { Int($0) } ?? -1 }
        #expect(column(r.stderrText) == column(plain.stderrText) + 3, "\(r.stderrText) / \(plain.stderrText)")
    }

    @Test func groupHelpListsItsCommands() {
        for flag in ["--help", "-h"] {
            let r = troca(["boleto", flag])
            #expect(r.status == .ok)
            #expect(r.stdoutText.contains("troca boleto make ") && r.stdoutText.contains("troca boleto decode "))
        }
        let bare = troca(["boleto"])
        #expect(bare.status == .usage)
    }
}
