import Records
import Testing

/// `DocumentText.key` and `isValid`: the document reconcile and update compare and check.
@Suite struct DocumentTextKeyTests {
    @Test(arguments: [
        ("11144477735", "11144477735"), ("111.444.777-35", "11144477735"), ("111 444 777 35", "111 444 777 35"),
        ("11.222.333/0001-81", "11222333000181"), ("12.abc.345/01de-35", "12ABC34501DE35"), ("123", "123"),
    ])
    func key(_ text: String, _ expected: String) {
        // A blank is no punctuation (as troca import reads a document): kept, so the key is
        // not a valid document and the record gets its warning.
        #expect(DocumentText.key(text) == expected)
        if text.contains(" ") { #expect(!DocumentText.isValid(DocumentText.key(text))) }
    }

    @Test(arguments: [
        ("11144477735", true), ("52998224725", true), ("52998224726", false), ("11111111111", false), ("123", false),
        ("11222333000181", true), ("11222333000180", false), ("12ABC34501DE35", true), ("12ABC34501DE36", false),
        ("1114447773A", false), ("", false),
    ])
    func isValid(_ key: String, _ valid: Bool) {
        #expect(DocumentText.isValid(key) == valid)
    }
}

/// `String.trimmingBlanks`: blanks and tabs off both ends, in one pass.
@Suite struct TrimmingBlanksTests {
    @Test func trimsBlanksAndTabsOnly() {
        #expect("  Nosso Número\t ".trimmingBlanks == "Nosso Número")
        #expect(" \t ".trimmingBlanks.isEmpty)
        #expect("".trimmingBlanks.isEmpty)
        #expect("\u{A0}a\u{A0}".trimmingBlanks == "\u{A0}a\u{A0}", "a no-break space is no blank")
        #expect("ção ".trimmingBlanks == "ção")
    }

    /// A header cell of 200,000 blanks took minutes (a character at a time, each dropLast
    /// counting the rest): now one pass. (A count of work, not a time: the text is as long
    /// as it is, and the answer must come back whole.)
    @Test func aLongRunOfBlanksIsOnePass() {
        let cell = "a" + String(repeating: " ", count: 200_000) + "\t"
        #expect(cell.trimmingBlanks == "a")
    }
}
