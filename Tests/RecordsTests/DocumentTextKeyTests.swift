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
