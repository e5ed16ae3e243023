import Imports
import Records
import Testing

/// The reviewer's findings on imports (/tmp/reports/imports.md): a map's boolean that is not a
/// boolean, no-break spaces in amounts, and documents' messages.
@Suite struct ReviewImportsTests {
    static func map(required: String) -> [UInt8] {
        Array(
            #"{"record":"title","fields":[{"to":"document_number","column":"Doc"},{"to":"payer.name","column":"Nome","required":\#(required)}]}"#
                .utf8)
    }

    /// `"required": "true"` (or "yes", "false", 1, null) was read as false: a blank cell then
    /// passed. Only a JSON boolean is one; anything else is refused when the map is loaded.
    @Test(arguments: [#""true""#, #""yes""#, #""false""#, "null", "1", "0", "[]"])
    func aRequiredThatIsNotABooleanIsRefused(value: String) {
        #expect {
            _ = try ColumnMap(json: Self.map(required: value), kind: .title)
        } throws: { error in
            let message = (error as? MapError)?.message ?? ""
            return message.hasPrefix(#"fields[1] (payer.name): "required" must be true or false (a JSON boolean"#)
                && message.contains("found")
        }
    }

    @Test func aRequiredBooleanIsRead() throws {
        #expect(try ColumnMap(json: Self.map(required: "true"), kind: .title).fields[1].required)
        #expect(try !ColumnMap(json: Self.map(required: "false"), kind: .title).fields[1].required)
    }

    /// The string members are not ignored when they are something else either.
    @Test(arguments: [#""type":5"#, #""format":true"#, #""separator":null"#])
    func aStringMemberThatIsNotAStringIsRefused(member: String) {
        let json = #"{"record":"title","fields":[{"to":"amount_cents","column":"V",\#(member)}]}"#
        #expect {
            _ = try ColumnMap(json: Array(json.utf8), kind: .title)
        } throws: { error in
            (error as? MapError)?.message.contains("must be a string, found") == true
        }
    }

    /// A constant `value` or `default` is cell text: a string, or a number as written; a
    /// boolean (which became the text "1"), null, a list or an object is refused.
    @Test(arguments: [#""value": true"#, #""value": null"#, #""value": [1]"#, #""column": "V", "default": false"#])
    func aConstantThatIsNoTextIsRefused(member: String) {
        let json = #"{"record":"title","fields":[{"to":"payer.name",\#(member)}]}"#
        #expect {
            _ = try ColumnMap(json: Array(json.utf8), kind: .title)
        } throws: { error in
            (error as? MapError)?.message.contains("must be a string or a number, found") == true
        }
    }

    @Test func constantStringsAndNumbersAreCellText() throws {
        let json = #"{"record":"title","fields":[{"to":"payer.name","value":"ACME"},{"to":"document_number","column":"N","default":7}]}"#
        #expect(throws: Never.self) { _ = try ColumnMap(json: Array(json.utf8), kind: .title) }
    }

    /// A no-break space (U+00A0, and the narrow U+202F that CLDR's pt-BR currency format
    /// writes after R$) is a blank wherever a blank is accepted in an amount.
    @Test(
        arguments: [
            ("R$\u{00A0}1.234,56", 123456), ("-R$\u{00A0}1.234,56", -123456), ("R$\u{00A0}-1.234,56", -123456),
            ("R$\u{202F}1.234,56", 123456), ("-\u{00A0}10,00", -1000), ("\u{00A0}1,00\u{00A0}", 100),
            ("\u{202F}R$\u{202F}1,00\u{202F}", 100), ("R$ \u{00A0}1,00", 100),
        ])
    func noBreakSpacesAreBlanksInAmounts(text: String, cents: Int) {
        #expect(withBytes(text) { try? CellParsers.amount($0).get() } == cents)
    }

    /// In Windows-1252 a no-break space is the byte A0.
    @Test func aWindows1252NoBreakSpaceIsABlank() {
        let bytes: [UInt8] = Array("R$".utf8) + [0xA0] + Array("1.234,56".utf8) + [0xA0]
        #expect(bytes.withUnsafeBufferPointer { try? CellParsers.amount($0).get() } == 123456)
        // Not in UTF-8 text: there A0 is part of another character ("à" is C3 A0).
        #expect(withBytes("R$à1,00") { try? CellParsers.amount($0).get() } == nil)
    }

    /// Between digits a no-break space is no thousands separator in pt-BR: refused, and the
    /// message shows it (it prints like a blank).
    @Test(arguments: ["1\u{00A0}234,56", "1\u{202F}234,56"])
    func aNoBreakSpaceBetweenDigitsIsRefusedAndShown(text: String) {
        guard case .failure(let p) = withBytes(text, { CellParsers.amount($0) }) else {
            Issue.record("\(text.debugDescription) accepted")
            return
        }
        let code = text.contains("\u{00A0}") ? "U+00A0" : "U+202F"
        #expect(p.message.contains("found \"1<\(code)>234,56\""), "\(p.message)")
        #expect(p.message.contains("a blank is not a thousands separator"), "\(p.message)")
    }

    /// CPFs and CNPJs of all-equal digits are refused for that reason, not for their check
    /// digits (those of 11111111111 and 00000000000000 match).
    @Test(arguments: [
        ("11111111111", "a CPF whose 11 digits are all equal"), ("00000000000000", "a CNPJ whose 14 characters are all equal"),
    ])
    func allEqualDocumentsSaySo(text: String, reason: String) {
        guard case .failure(let p) = BrazilianDocument.parse(Array(text.utf8)) else {
            Issue.record("\(text) accepted")
            return
        }
        #expect(p.message.contains(reason), "\(p.message)")
        #expect(!p.message.contains("check digits do not match"), "\(p.message)")
    }

    /// A character a document may not have is shown as it is, decoded (UTF-8, else
    /// Windows-1252), with its code: not its first byte as a Latin-1 letter ("ï").
    @Test(
        arguments: [
            (Array("12ABC34501DE3５".utf8), #"found "５" (U+FF15 FULLWIDTH DIGIT FIVE)"#),
            (Array("529\u{00A0}982".utf8), "found U+00A0 NO-BREAK SPACE"),
            (Array("529".utf8) + [0xE9], #"found "é" (U+00E9 LATIN SMALL LETTER E WITH ACUTE)"#),
            (Array("529_982".utf8), #"found "_""#),
        ])
    func aForeignCharacterInADocumentIsShownAsItIs(bytes: [UInt8], found: String) {
        guard case .failure(let p) = BrazilianDocument.parse(bytes) else {
            Issue.record("accepted")
            return
        }
        #expect(p.message.hasSuffix(found), "\(p.message)")
    }
}
