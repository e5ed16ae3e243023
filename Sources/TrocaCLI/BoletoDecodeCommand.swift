import Boleto
import FixedWidth
import Records

/// `troca boleto decode`: read and validate barcodes, lines and Pix payloads.
enum BoletoDecodeCommand: Command {
    static let name = ["boleto", "decode"]
    static let summary = "read and check boleto barcodes/lines, arrecadação codes and Pix payloads"
    static let help = """
        usage: troca boleto decode [CODE…] [--as-of YYYY-MM-DD] [--check]

        Reads each CODE (or, without any, one code per line of standard input) and writes one
        JSON `boleto` record per code on standard output:
          bank         a 47-digit linha digitável or a 44-digit barcode starting with a bank
                       code: bank, currency, factor, due_date, amount_cents, barcode,
                       linha_digitavel, campo_livre and, for the banks Troca knows (001, 004,
                       033, 041, 104, 237, 341, 748, 756), the título fields the campo livre holds
          arrecadacao  a 48-digit line or a 44-digit barcode starting with 8: segment, value
                       identifier (6/7 módulo 10, 8/9 módulo 11), amount or reference value,
                       company, free field
          pix          a Pix BR Code payload (starting 000201), its CRC checked, and the
                       fields every Pix code carries: 52, 53 = 986 (reais), 58 = BR, 59,
                       60 and 62 with its txid (62/05)
        Dots, spaces and hyphens between digits are accepted. `valid` is false when a check
        digit is wrong: each wrong one is reported on stderr, as `argument N:1:COLUMN` (or
        `-:LINE:COLUMN`), with the digit found and the one it should be. Campo livre check
        digits of a bank (Caixa's código do beneficiário DV at position 26 among them), a
        bank's constant digits (Itaú's 000, Bradesco's 0, Santander's IOF digit), an
        arrecadação segment ARR7 does not define (0, 8) and a factor with no date around
        --as-of are warnings. Text that is no code at all (a letter,
        a wrong number of digits, a Pix payload that is malformed, fails its CRC, lacks one of
        those fields, or whose key or location has a control character, a blank or a byte
        outside ASCII) gets a diagnostic and no record.

        The due date is the one the factor names within FEBRABAN's window around the reading
        date: 3,001 days before to 5,500 after (factors restart at 1000 on 2025-02-22).

        Exit 0 when every code is valid, 65 when any is not.

        options:
          --as-of YYYY-MM-DD  the reading date for the factor window (default: today)
          --check             write one line per code (`CODE: ok` or `CODE: invalid`) instead
                              of the records

        """
    static let valued: Set<String> = ["as-of"]
    static let flags: Set<String> = ["check"]

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        let asOf = try BoletoRun.asOf(args)
        var inputs: [(text: String, file: String, line: Int)] = []
        var blank = 0
        if args.positionals.isEmpty || args.positionals == ["-"] {
            var reader = LineReader(io.stdin())
            defer { reader.close() }
            try reader.forEachLine { bytes, number, _ in
                var hi = bytes.count
                while hi > 0, bytes[hi - 1] == 0x0D || bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
                if hi > 0 { inputs.append((TextBytes.decode(bytes[0..<hi]), "-", number)) } else { blank += 1 }
                return true
            }
        } else {
            for (k, text) in args.positionals.enumerated() { inputs.append((text, "argument \(k + 1)", 1)) }
        }
        let output = RecordWriter { try io.stdout($0) }
        var valid = 0
        var invalid = 0
        for input in inputs {
            func report(_ e: BoletoError, _ severity: Severity = .error) {
                context.print(Diagnostic(severity, DiagnosticCode(rawValue: e.code), e.message, file: input.file, line: input.line, column: e.column))
            }
            let decoded: DecodedCode
            do {
                decoded = try BoletoDecoder.decode(input.text, asOf: asOf)
            } catch {
                report(error)
                invalid += 1
                if args.has("check") { try output.write(Array("\(input.text): invalid".utf8)) }
                continue
            }
            var w = JSONObjectWriter()
            w.string("record", "boleto")
            let ok: Bool
            switch decoded {
            case .bank(let r):
                ok = r.valid
                r.errors.forEach { report($0) }
                r.warnings.forEach { report($0, .warning) }
                let b = r.barcode
                w.string("kind", "bank")
                w.string("bank", b.bank)
                w.string("currency", b.currency)
                w.int("factor", b.factor)
                if let due = r.dueDate { w.string("due_date", due.description) }
                w.int("amount_cents", b.amountCents)
                w.string("barcode", b.description)
                w.string("linha_digitavel", r.linhaDigitavel.description)
                w.string("campo_livre", String(decoding: b.campoLivre, as: UTF8.self))
                if let f = r.fields { BoletoRun.write(f, to: &w) }
                w.bool("valid", r.valid)
                if !r.errors.isEmpty { w.raw("errors", json: BoletoRun.json(r.errors)) }
                if !r.warnings.isEmpty { w.raw("warnings", json: BoletoRun.json(r.warnings)) }
            case .arrecadacao(let r):
                ok = r.valid
                r.errors.forEach { report($0) }
                r.warnings.forEach { report($0, .warning) }
                let a = r.barcode
                w.string("kind", "arrecadacao")
                w.string("segment", String(UnicodeScalar(a.segment)))
                if let name = Arrecadacao.segmentNames[a.segment] { w.string("segment_name", name) }
                w.string("value_identifier", String(UnicodeScalar(a.identifier)))
                if let m = Arrecadacao.modulus(a.identifier) { w.int("modulus", m) }
                if a.isEffectiveValue { w.int("amount_cents", a.value) } else { w.int("reference_value", a.value) }
                w.string("company_id", a.company)
                w.string("free_field", a.freeField)
                w.string("barcode", String(decoding: a.digits, as: UTF8.self))
                w.string("linha_digitavel", String(decoding: a.line, as: UTF8.self))
                w.bool("valid", r.valid)
                if !r.errors.isEmpty { w.raw("errors", json: BoletoRun.json(r.errors)) }
                if !r.warnings.isEmpty { w.raw("warnings", json: BoletoRun.json(r.warnings)) }
            case .pix(let p):
                ok = true
                w.string("kind", "pix")
                w.string("pix_kind", p.isDynamic ? "dynamic" : "static")
                if let v = p.key { w.string("key", v) }
                if let v = p.location { w.string("location", v) }
                if let v = p.description { w.string("description", v) }
                if let v = p.amountCents { w.int("amount_cents", v) }
                if let v = p.txid { w.string("txid", v) }
                w.string("merchant_name", p.merchantName)
                w.string("merchant_city", p.merchantCity)
                w.bool("valid", true)
            }
            if ok { valid += 1 } else { invalid += 1 }
            if args.has("check") {
                try output.write(Array("\(input.text): \(ok ? "ok" : "invalid")".utf8))
            } else {
                try output.write(w.finish())
            }
        }
        try output.finish()
        let read = inputs.count + blank
        io.say(
            "boleto decode: read \(read) \(args.positionals.isEmpty || args.positionals == ["-"] ? "line" : "code")\(read == 1 ? "" : "s"): "
                + "\(valid) valid, \(invalid) invalid\(blank > 0 ? ", \(blank) skipped" : "")")
        return invalid > 0 ? .dataError : .ok
    }
}
