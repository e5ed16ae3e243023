import Records
import Testing

@Suite("Suggestion")
struct SuggestionTests {
    @Test(
        "a slip of the keyboard finds the name meant",
        arguments: [
            ("ouput", ["output", "rejects", "bank"], "output"),  // a letter left out
            ("prase", ["parse", "check", "write"], "parse"),  // two letters swapped
            ("rejets", ["output", "rejects"], "rejects"),
            ("cnab240/febraban/retorn", ["cnab240/febraban/remessa", "cnab240/febraban/retorno"], "cnab240/febraban/retorno"),
            ("Nosso Numero", ["Documento", "Nosso Número", "Valor"], "Nosso Número"),  // accent and case
            ("nosso_numero", ["Documento", "NOSSO NÚMERO"], "NOSSO NÚMERO"),  // separators
            ("vencimeto", ["Vencimento", "Valor"], "Vencimento"),
        ])
    func finds(name: String, candidates: [String], meant: String) {
        #expect(Suggestion.closest(to: name, among: candidates) == meant)
    }

    @Test(
        "nothing is suggested when nothing is close, or two are equally close",
        arguments: [
            ("frobnicate", ["output", "rejects", "bank"]),
            ("xyz", ["abc", "def"]),
            ("", ["output"]),
            ("bamk", ["bank", "back"]),  // one edit from both: no guess
            ("out", ["output"]),  // three letters missing from a short name
        ])
    func none(name: String, candidates: [String]) {
        #expect(Suggestion.closest(to: name, among: candidates) == nil)
    }

    @Test("the name itself is not suggested, and the hint reads as a message's tail")
    func hint() {
        #expect(Suggestion.closest(to: "output", among: ["output"]) == nil)
        #expect(Suggestion.hint(for: "ouput", among: ["output"]) { "--" + $0 } == " (did you mean --output?)")
        #expect(Suggestion.hint(for: "zzz", among: ["output"]).isEmpty)
    }
}
