import Records
import Testing

@testable import Letters

/// A template from text.
func template(_ text: String) throws(TemplateError) -> Template {
    try Template(name: "t.txt", text: Array(text.utf8))
}

/// A job from JSON text.
func job(_ json: String) -> JSONValue {
    JSONValue(parsing: Array(json.utf8))!
}

/// The rendered text lines (a barcode as its digits).
func lines(_ t: Template, _ j: JSONValue) throws(RenderProblem) -> [String] {
    try t.render(j).compactMap {
        switch $0 {
        case .text(let b): return String(decoding: b, as: UTF8.self)
        case .barcode(let d): return "BARS:" + String(decoding: d, as: UTF8.self)
        case .qrCode(let p): return "QR:" + String(decoding: p, as: UTF8.self)
        case .newPage: return "NEWPAGE"
        }
    }
}

@Suite struct TemplateLoadTests {
    /// Each bad template fails at load with its code, line and column (columns count characters
    /// from 1, at the tag's first brace).
    @Test(arguments: [
        ("Olá\n  {{payer.nome}}\n", "letters.template-field", 2, 3),
        ("{{sequence}}\n{{#titles}}\n{{amount_cents}}\n", "letters.template-section", 2, 1),
        ("{{#titles}}\n{{/boleto}}\n", "letters.template-section", 2, 1),
        ("x\n{{/titles}}\n", "letters.template-section", 2, 1),
        ("{{payer.name | shout}}", "letters.template-filter", 1, 1),
        ("Total: {{payer.name | money}}", "letters.template-filter", 1, 8),
        ("{{titles}}", "letters.template-field", 1, 1),
        ("{{payer.address}}", "letters.template-field", 1, 1),
        ("abc {{payer.name", "letters.template-syntax", 1, 5),
        ("{{}}", "letters.template-syntax", 1, 1),
        ("x\n\n {{statement | upper}}", "letters.template-filter", 3, 2),
        ("{{#boleto}}{{nosso_numero}}{{/boleto}} {{nosso_numero}}", "letters.template-field", 1, 40),
        // Review (template columns counted bytes): é is one character of two bytes.
        ("é {{titles}}", "letters.template-field", 1, 3),
        ("Olá, São José {{payer.nome}}", "letters.template-field", 1, 15),
        ("ção {{payer.name", "letters.template-syntax", 1, 5),
    ])
    func badTemplate(_ text: String, _ code: String, _ line: Int, _ column: Int) {
        #expect(throws: TemplateError.self) { try template(text) }
        do {
            _ = try template(text)
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.line == line && error.column == column, "\(error) at \(error.line):\(error.column)")
        }
    }

    @Test func unknownFieldNamesTheFieldsThere() {
        do {
            _ = try template("{{payer.address.zip}}")
            Issue.record("loaded")
        } catch {
            #expect(error.message.contains("unknown field \"payer.address.zip\""))
            #expect(error.message.contains("fields in payer.address: cep, city, complement"))
        }
    }

    @Test func sectionFieldsResolveInsideThenOutside() throws {
        // days_overdue exists on each título and on the job: inside the section the título's wins;
        // payer.name is found on the job from inside the section.
        let t = try template("{{#titles}}{{document_number}} {{days_overdue}} {{payer.name}}\n{{/titles}}{{days_overdue}}")
        let j = job(
            #"{"payer":{"name":"Ana"},"days_overdue":40,"titles":[{"document_number":"A","days_overdue":40},{"document_number":"B","days_overdue":12}]}"#)
        #expect(try lines(t, j) == ["A 40 Ana", "B 12 Ana", "40"])
    }
}

@Suite struct TemplateRenderTests {
    @Test func standaloneSectionLinesLeaveNoLine() throws {
        let t = try template("a\n{{#boleto}}\nlinha {{linha_digitavel}}\n{{/boleto}}\n{{^boleto}}\nsem boleto\n{{/boleto}}\nz\n")
        #expect(try lines(t, job(#"{"boleto":{"linha_digitavel":"123"}}"#)) == ["a", "linha 123", "z"])
        #expect(try lines(t, job(#"{}"#)) == ["a", "sem boleto", "z"])
    }

    /// An inverted section renders in the scope around it: the job's fields are found there,
    /// at any depth of sections ("sem boleto" for a party whose name is outside the section).
    @Test func anInvertedSectionSeesTheFieldsAroundIt() throws {
        let t = try template(
            "{{^boleto}}sem boleto para {{payer.name}}{{/boleto}}\n{{#titles}}{{^nosso_numero}}{{document_number}} de {{payer.name}}{{/nosso_numero}}\n{{/titles}}")
        #expect(
            try lines(t, job(#"{"payer":{"name":"Ana"},"titles":[{"document_number":"A"},{"document_number":"B","nosso_numero":"123"}]}"#))
                == ["sem boleto para Ana", "A de Ana", ""])
        #expect(try lines(t, job(#"{"payer":{"name":"Ana"},"boleto":{"x":1},"titles":[]}"#)) == [""])
    }

    @Test func missingValueRejectsTheJobWithItsPlace() throws {
        let t = try template("Nome: {{payer.name}}\nBairro: {{payer.address.district}}\n")
        #expect(throws: RenderProblem.self) { try t.render(job(#"{"payer":{"name":"Ana"}}"#)) }
        do {
            _ = try t.render(job(#"{"payer":{"name":"Ana","address":{}}}"#))
        } catch {
            #expect(error.code == "letters.missing-value")
            #expect(error.message == "payer.address.district is missing (t.txt:2:9)")
        }
    }

    @Test func optionalMarkRendersNothingWhenAbsent() throws {
        let t = try template("{{payer.address.street}}, {{payer.address.number?}}")
        #expect(try lines(t, job(#"{"payer":{"address":{"street":"Rua A"}}}"#)) == ["Rua A, "])
    }

    @Test func valueOfTheWrongKindRejectsTheJob() throws {
        let t = try template("{{total_cents | money}}")
        #expect(throws: RenderProblem.self) { try t.render(job(#"{"total_cents":"12,00"}"#)) }
    }

    @Test func barsAndNewPage() throws {
        let digits = String(repeating: "1", count: 44)
        let t = try template("a\n{{newpage}}\n{{boleto.barcode | bars}}\n")
        #expect(try lines(t, job(#"{"boleto":{"barcode":"\#(digits)"}}"#)) == ["a", "NEWPAGE", "BARS:" + digits])
        #expect(throws: RenderProblem.self) { try t.render(job(#"{"boleto":{"barcode":"123"}}"#)) }
    }

    @Test func qrCodeOfAPixPayload() throws {
        let t = try template("Pix:\n{{boleto.pix.emv | qr}}\n{{boleto.pix.emv}}\n")
        let pix = "00020126410014br.gov.bcb.pix0119rayane@alvoz.com.br5204000053039865802BR5901N6001C62070503***63043A81"
        #expect(try lines(t, job(#"{"boleto":{"pix":{"emv":"\#(pix)"}}}"#)) == ["Pix:", "QR:" + pix, pix])
        #expect(throws: RenderProblem.self) { try t.render(job(#"{"boleto":{"pix":{"emv":""}}}"#)) }
        #expect(throws: RenderProblem.self) { try t.render(job(#"{"boleto":{"pix":{"emv":12}}}"#)) }
        #expect(throws: RenderProblem.self) { try t.render(job(#"{"boleto":{"pix":{"emv":"\#(String(repeating: "x", count: 2332))"}}}"#)) }
        // Checked when loaded: qr is the last filter, on a text field.
        #expect(throws: TemplateError.self) { try template("{{boleto.pix.emv | qr | upper}}") }
        #expect(throws: TemplateError.self) { try template("{{boleto.pix | qr}}") }
        #expect(throws: TemplateError.self) { try template("{{boleto.amount_cents | qr}}") }
    }

    /// A job (not made by `letters select`, which keeps its sums in range) whose títulos add up
    /// past Int's range is rejected with the reason; its statement used to trap. Each amount is
    /// at most 15 digits (`JobCheck.maxCents`), so it takes thousands of títulos.
    @Test func aStatementPastIntsRangeRejectsTheJob() throws {
        let title = #"{"document_number":"NF","due_date":"2026-10-01","amount_cents":999999999999999,"updated_cents":999999999999999}"#
        let t = try template("{{statement}}")
        // Int.max / 999,999,999,999,999 is 9223.37: 9224 títulos overflow the totals, 9223 fit.
        do { _ = try t.render(job(#"{"titles":[\#(Array(repeating: title, count: 9224).joined(separator: ","))]}"#)) } catch {
            #expect(error.code == "letters.value" && error.message.contains("add up past what a statement can sum"), "\(error.message)")
        }
        #expect(throws: RenderProblem.self) { try t.render(job(#"{"titles":[\#(Array(repeating: title, count: 9224).joined(separator: ","))]}"#)) }
        #expect(throws: Never.self) { try t.render(job(#"{"titles":[\#(Array(repeating: title, count: 9223).joined(separator: ","))]}"#)) }
    }

    /// An amount or count that is not an integer in range rejects the job before anything is
    /// rendered (a statement showed "abc" centavos as R$ 0,00, and totals that did not add up),
    /// wherever it is and whether or not the template prints it.
    @Test(arguments: [
        ("titles", #""abc""#, #"found "abc""#), ("titles", "1.5", "found 1.5"), ("titles", "1e308", "found 1e308"),
        ("titles", #""125000""#, #"found "125000""#), ("titles", "-9223372036854775808", "found -9223372036854775808"),
        ("titles", "-1", "found -1"), ("titles", "1000000000000000", "found 1000000000000000"), ("titles", "true", "found true"),
        ("boleto", "-1", "found -1"), ("total", "[1]", "found [1]"),
    ])
    func aBadAmountRejectsTheJob(_ at: String, _ value: String, _ found: String) throws {
        let t = try template("{{payer.name}}\n{{statement}}\n")
        let titles = #""titles":[{"document_number":"NF-1","amount_cents":100},{"document_number":"NF-2","amount_cents":\#(at == "titles" ? value : "100")}]"#
        let json = #"{"payer":{"name":"Ana"},\#(titles),"boleto":{"amount_cents":\#(at == "boleto" ? value : "200")},"total_cents":\#(at == "total" ? value : "200")}"#
        let path = at == "titles" ? "titles[1].amount_cents" : at == "boleto" ? "boleto.amount_cents" : "total_cents"
        do {
            _ = try t.render(job(json))
            Issue.record("rendered")
        } catch {
            #expect(error.code == "letters.value")
            #expect(error.message == "\(path): expected integer centavos 0…999999999999999, found \(found.dropFirst("found ".count))")
        }
    }

    /// Counts (`days_overdue`, `sequence`) are whole numbers, dates are dates; `null` is an
    /// absent value, which only a template that needs it refuses.
    @Test func countsAndDatesAreChecked() throws {
        let t = try template("vencidos há até {{days_overdue}} dias\n")
        #expect(try lines(t, job(#"{"days_overdue":34}"#)) == ["vencidos há até 34 dias"])
        for (value, found) in [(#""abc""#, #""abc""#), ("34.0", "34.0"), ("-3", "-3"), ("1000000000", "1000000000")] {
            do {
                _ = try t.render(job(#"{"days_overdue":\#(value)}"#))
                Issue.record("\(value) rendered")
            } catch {
                #expect(error.message == "days_overdue: expected a whole number 0…999999999, found \(found)")
            }
        }
        do {
            _ = try t.render(job(#"{"days_overdue":1,"titles":[{"amount_cents":1,"days_overdue":"x"}]}"#))
            Issue.record("rendered")
        } catch {
            #expect(error.message == #"titles[0].days_overdue: expected a whole number 0…999999999, found "x""#)
        }
        do {
            _ = try t.render(job(#"{"days_overdue":1,"as_of":"2026-02-30"}"#))
            Issue.record("rendered")
        } catch {
            #expect(error.message == #"as_of: expected a date YYYY-MM-DD, found "2026-02-30""#)
        }
        do {
            _ = try t.render(job(#"{"days_overdue":null}"#))
            Issue.record("rendered")
        } catch {
            #expect(error.code == "letters.missing-value")
        }
    }

    /// Members the schema does not name are not checked (a template cannot print them); a key
    /// given twice is judged by its last value, the one rendered.
    @Test func unknownMembersAndRepeatedKeys() throws {
        let t = try template("{{total_cents | money}}\n")
        #expect(try lines(t, job(#"{"source":{"file":"x\f"},"x":"\u0000","total_cents":100}"#)) == ["R$ 1,00"])
        #expect(try lines(t, job(#"{"total_cents":"abc","total_cents":100}"#)) == ["R$ 1,00"])
        #expect(throws: RenderProblem.self) { try t.render(job(#"{"total_cents":100,"total_cents":"abc"}"#)) }
    }

    /// A statement needs each título's face value: an absent or null `amount_cents` is not
    /// printed as R$ 0,00; absent or null charges are 0, an absent or null `updated_cents` the
    /// face value plus the charges.
    @Test func aStatementNeedsEveryFaceValue() throws {
        let t = try template("{{statement}}")
        for title in [#"{"document_number":"NF-2"}"#, #"{"document_number":"NF-2","amount_cents":null}"#, "7"] {
            do {
                _ = try t.render(job(#"{"titles":[{"document_number":"NF-1","amount_cents":100},\#(title)]}"#))
                Issue.record("rendered")
            } catch {
                #expect(error.code == "letters.missing-value")
                #expect(error.message == "titles[1] has no amount_cents: the statement needs each título's face value (t.txt:1:1)")
            }
        }
        let out = try lines(t, job(#"{"titles":[{"document_number":"NF-1","amount_cents":100,"fine_cents":null,"updated_cents":null}]}"#))
        let blanks = { (n: Int) in String(repeating: " ", count: n) }
        #expect(out[2] == "NF-1" + blanks(35) + "R$ 1,00" + blanks(7) + "R$ 0,00" + blanks(7) + "R$ 1,00")
    }

    /// A control character in a value (a form feed is the text output's page break) rejects the
    /// job, in every format alike: the LST's record refused it, text and PDF printed it.
    @Test(arguments: [
        (#"Maria\fJoana"#, "000C", 6), (#"Maria\rJoana"#, "000D", 6), (#"Maria\u0000"#, "0000", 6), (#"\u001B[31mMaria"#, "001B", 1),
        (#"Ana\tMaria"#, "0009", 4), (#"Ana\nMaria"#, "000A", 4), (#"Ana\u007F"#, "007F", 4), (#"Conceição\u0085"#, "0085", 10),
    ])
    func aControlCharacterRejectsTheJob(_ name: String, _ code: String, _ character: Int) throws {
        let t = try template("{{payer.name}}\n")
        do {
            _ = try t.render(job(#"{"payer":{"name":"\#(name)"}}"#))
            Issue.record("rendered")
        } catch {
            #expect(error.code == "letters.value")
            #expect(error.message.hasPrefix("payer.name: holds a control character (U+\(code), character \(character)), which a letter does not print"), "\(error.message)")
        }
        // Not printed, still refused: the job is refused the same way whatever the template prints.
        #expect(throws: RenderProblem.self) { try template("x\n").render(job(#"{"sender":{"address":{"city":"\#(name)"}}}"#)) }
        #expect(try lines(t, job(#"{"payer":{"name":"Conceição Ñ €"}}"#)) == ["Conceição Ñ €"])
        // A job's own `statement` is never printed ({{statement}} is computed): not checked.
        #expect(try lines(t, job(#"{"payer":{"name":"Ana"},"statement":"a\nb"}"#)) == ["Ana"])
    }

    @Test func statementTotalsTheTitles() throws {
        // 1.000,00 + 20,00 fine + 10,00 interest = 1.030,00; 500,00 with nothing added.
        let t = try template("{{statement}}")
        let out = try lines(
            t,
            job(
                #"{"titles":[{"document_number":"NF-1","due_date":"2026-10-01","days_overdue":53,"amount_cents":100000,"fine_cents":2000,"interest_cents":1000,"updated_cents":103000},{"document_number":"NF-2","due_date":"2026-11-01","days_overdue":22,"amount_cents":50000,"updated_cents":50000}]}"#
            ))
        #expect(out.count == 6)
        #expect(out[2] == "NF-1            01/10/2026    53   R$ 1.000,00      R$ 30,00   R$ 1.030,00")
        #expect(out[3] == "NF-2            01/11/2026    22     R$ 500,00       R$ 0,00     R$ 500,00")
        // "Total" in the 32 columns of document, due date and days, then three 14-column amounts.
        #expect(out[5] == "Total" + String(repeating: " ", count: 27) + "   R$ 1.500,00      R$ 30,00   R$ 1.530,00")
        #expect(out.allSatisfy { $0.count == 74 })
    }
}

@Suite struct FilterTests {
    @Test(arguments: [
        (0, "R$ 0,00"), (5, "R$ 0,05"), (123456, "R$ 1.234,56"), (100, "R$ 1,00"), (-100, "-R$ 1,00"),
        (100_000_000, "R$ 1.000.000,00"), (99_999, "R$ 999,99"),
    ])
    func money(_ cents: Int, _ text: String) {
        #expect(String(decoding: Filters.money(cents), as: UTF8.self) == text)
    }

    @Test(arguments: [
        ("{{payer.document | cpf}}", #"{"payer":{"document":"52998224725"}}"#, "529.982.247-25"),
        ("{{payer.document | cnpj}}", #"{"payer":{"document":"11444777000161"}}"#, "11.444.777/0001-61"),
        ("{{payer.document | document}}", #"{"payer":{"document":"12ABC34501DE35"}}"#, "12.ABC.345/01DE-35"),
        ("{{payer.address.cep | cep}}", #"{"payer":{"address":{"cep":"01310100"}}}"#, "01310-100"),
        // Already written with the mask's separators (as docs/letters.md lets a CEP be): the same.
        ("{{payer.address.cep | cep}}", #"{"payer":{"address":{"cep":"80010-000"}}}"#, "80010-000"),
        ("{{payer.address.cep | cep}}", #"{"payer":{"address":{"cep":"01.310-100"}}}"#, "01310-100"),
        ("{{payer.document | cpf}}", #"{"payer":{"document":"529.982.247-25"}}"#, "529.982.247-25"),
        ("{{payer.document | document}}", #"{"payer":{"document":"529.982.247-25"}}"#, "529.982.247-25"),
        ("{{payer.document | document}}", #"{"payer":{"document":"11.444.777/0001-61"}}"#, "11.444.777/0001-61"),
        ("{{as_of | date}}", #"{"as_of":"2026-02-28"}"#, "28/02/2026"),
        ("{{payer.name | upper}}", #"{"payer":{"name":"João da Conceição"}}"#, "JOÃO DA CONCEIÇÃO"),
        ("[{{payer.name | pad:6}}]", #"{"payer":{"name":"Açaí"}}"#, "[Açaí  ]"),
        ("[{{total_cents | money | pad:-10}}]", #"{"total_cents":1234}"#, "[  R$ 12,34]"),
        (
            "{{boleto.linha_digitavel | linha}}", #"{"boleto":{"linha_digitavel":"23790123401234567890123456789012345678901234567"}}"#,
            "23790.12340 12345.678901 23456.789012 3 45678901234567"
        ),
    ])
    func filter(_ text: String, _ json: String, _ expected: String) throws {
        #expect(try lines(try template(text), job(json)) == [expected])
    }

    @Test func maskRefusesTheWrongLength() throws {
        #expect(throws: RenderProblem.self) { try template("{{payer.document | cpf}}").render(job(#"{"payer":{"document":"123"}}"#)) }
        // Only the mask's own separators are dropped: anything else is still refused, as written.
        #expect(throws: RenderProblem.self) { try template("{{payer.address.cep | cep}}").render(job(#"{"payer":{"address":{"cep":"80010 000"}}}"#)) }
        #expect(throws: RenderProblem.self) { try template("{{payer.address.cep | cep}}").render(job(#"{"payer":{"address":{"cep":"80010-0000"}}}"#)) }
        #expect(throws: RenderProblem.self) { try template("{{payer.document | cpf}}").render(job(#"{"payer":{"document":"529/982/247-2"}}"#)) }
    }
}

/// `pad:N` past ±200 (up to Int.min, whose magnitude no Int holds) is an unknown filter when the
/// template loads, not a trap.
@Suite struct PadFilterLimitTests {
    @Test(arguments: ["pad:-9223372036854775808", "pad:9223372036854775807", "pad:201", "pad:-201", "pad:0"])
    func padPastItsLimitIsRefusedAtLoad(filter: String) {
        #expect(throws: TemplateError.self) { try template("{{payer.name | \(filter)}}") }
    }
}
