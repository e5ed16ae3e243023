import Boleto
import Foundation
import Records

/// Plumbing shared by the boleto commands: the reading date and JSON of the library's values.
enum BoletoRun {
    /// `--as-of YYYY-MM-DD`, or today (local calendar).
    static func asOf(_ args: Arguments) throws -> BoletoDate {
        if let text = args.value("as-of") {
            guard let d = BoletoDate(iso: text) else { throw UsageError(message: "--as-of must be YYYY-MM-DD, found \"\(text)\"") }
            return d
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let p = calendar.dateComponents([.year, .month, .day], from: Date())
        return BoletoDate(year: p.year!, month: p.month!, day: p.day!)!
    }

    /// Appends the fields a campo livre held.
    static func write(_ f: CampoLivreFields, to w: inout JSONObjectWriter) {
        if let v = f.agency { w.string("agency", v) }
        if let v = f.account { w.string("account", v) }
        if let v = f.accountDigit { w.string("account_digit", v) }
        if let v = f.carteira { w.string("carteira", v) }
        if let v = f.convenio { w.string("convenio", v) }
        if let v = f.nossoNumero {
            // As boleto make writes a título: the number without its check digit, then the digit.
            let digit = f.nossoNumeroDigit
            w.string("nosso_numero", String(v.dropLast(digit?.count ?? 0)))
            if let digit { w.string("nosso_numero_digit", digit) }
        }
        if let v = f.documentNumber { w.string("document_number", v) }
    }

    /// `[{"code":…,"message":…,"column":…}]`.
    static func json(_ errors: [BoletoError]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (k, e) in errors.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            var w = JSONObjectWriter()
            w.string("code", e.code)
            w.string("message", e.message)
            w.int("column", e.column)
            out += w.finish()
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
