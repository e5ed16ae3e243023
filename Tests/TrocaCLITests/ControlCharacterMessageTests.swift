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
