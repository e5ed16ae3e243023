import Foundation
import Testing
import TrocaCLI

/// A control character taken from an input (a boleto line pasted with its carriage return, a
/// pipeline's stage name) is shown by its code in the message: every diagnostic is one line,
/// `troca: FILE:LINE[:COL]: severity: [code] message` (Diagnostic.formatted).
@Suite struct ControlCharacterMessageTests {
    @Test func aCarriageReturnInABoletoLineIsShownByItsCode() {
        let r = troca(["boleto", "decode", "03399.02827 03356.661243 57800.201014 4 13860000027371\r"])
        #expect(r.status == .dataError, "\(r.stderrText)")
        #expect(!r.stderrText.contains("\r"), "\(r.stderrText)")
        #expect(r.stderrText.contains(#""<U+000D>" is not a digit"#), "\(r.stderrText)")
        #expect(r.stderrText.split(separator: "\n").allSatisfy { $0.hasPrefix("troca: ") }, "\(r.stderrText)")
    }
}

/// Messages not made as a `Diagnostic` (a template's, a usage error's) go through `IO.say`,
/// which shows control characters the same way.
@Suite struct ControlCharacterSayTests {
    @Test func aCarriageReturnInATemplateTagIsShownByItsCode() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("Hello {{pay\rer.name}}\n".utf8).write(to: URL(fileURLWithPath: dir + "/t.txt"))
        let r = troca(["letters", "render", "--format", "text", "--template", "t.txt"], cwd: dir)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText == "troca: t.txt:1:7: error: [letters.template-syntax] expected a field name such as payer.name, found \"pay<U+000D>er.name\"\n")
    }

    @Test func aNewlineInAUsageErrorsValueIsShownByItsCode() {
        let r = troca(["run", "p.json", "--date", "2026\n01-01"])
        #expect(r.status == .usage, "\(r.stderrText)")
        #expect(r.stderrText.hasPrefix("troca: --date must be a date YYYY-MM-DD, found \"2026<U+000A>01-01\"\n"), "\(r.stderrText)")
    }
}
