import Boleto
import FixedWidth
import Foundation
import Records

/// `troca boleto make`: JSONL title records → the same records with their boleto.
enum BoletoMakeCommand: Command {
    static let name = ["boleto", "make"]
    static let summary = "JSONL title records → the same with nosso número check digit, barcode, linha digitável, Pix"
    static let help = """
        usage: troca boleto make [FILE|-] [--as-of YYYY-MM-DD] [--output FILE] [--rejects FILE]
                                 [--max-rejects N] [--pix-name NAME] [--pix-city CITY]

        Reads JSON Lines (standard input when no FILE or `-`). Each `title` record is written
        back as it came, with:
          nosso_numero     the bank's nosso número without its check digit, completed to
                           its width (Bradesco 2 → 00000000002; Banco do Brasil with a 7-digit
                           convênio 1 → 12345670000000001): the form the banks' CNAB layouts
                           carry, so the título written to a remessa and read back from the
                           retorno has the same one
          nosso_numero_digit  its check digit where the bank has one (Bradesco carteira 19,
                           00000000002 → 8; Banco do Brasil …X); a title that already has one
                           must have the right one, and a title whose nosso número has none
                           (Banco do Brasil with a 7-digit convênio) must not have one
          barcode          the 44 digits
          linha_digitavel  the 47 digits (no dots or spaces)
          pix.emv          when the title has pix.key (static code) or pix.location (dynamic
                           code): the Pix BR Code payload, with the title's amount and
                           pix.txid; the receiver's name and city come from pix.name and
                           pix.city, else --pix-name and --pix-city. pix is an object whose
                           key, location, txid, name and city are strings (null is absence);
                           a key or location is printable ASCII without blanks (a CR or LF
                           left from a CSV line is refused, never trimmed). A pix with none of
                           them (only an emv a bank returned) is written as it came
        Other records pass through unchanged.

        Fields read: bank, agency, account, account_digit, carteira (bank_carteira instead when
        present: the bank's own number beside FEBRABAN's C006 carteira in a CNAB 240 título),
        convenio, nosso_numero, document_number (Itaú special carteiras), due_date, amount_cents. Banks: 001 (convênio
        of 4, 6 or 7 digits), 004 (carteira 21, 31, 41 or 51; account_digit), 033, 041 (convenio
        = código do beneficiário, or agência + código + NC as CNAB 400 writes it; its
        nosso_numero_digit is the two-digit NC), 104 (SIGCB; convenio of 6 digits, or 7: below
        1.100.000 the 6 and their DV, which must be right), 237, 341, 748 (convenio = posto +
        código), 756.

        A title that cannot make a valid boleto — unknown bank, missing convênio or one with a
        wrong check digit, nosso número too long for the bank or with a wrong check digit,
        amount negative or over R$ 99.999.999,99, due date outside the factor window around
        --as-of (3,001 days before to 5,500 after), a pix that cannot make its code — is
        rejected with its reason (stderr, and --rejects with the raw line, its `source` kept);
        the others are still written. Exit 0 when every record was written, 65 when any was
        rejected.

        options:
          --as-of YYYY-MM-DD  the date the boletos must be payable around (default: today)
          --output FILE       write here (atomically) instead of standard output
          --rejects FILE      write rejected lines as JSONL reject records
          --max-rejects N     stop after more than N rejected lines
          --pix-name NAME     Pix receiver name when a title gives none: 1…25 bytes as the
                              Pix code writes it, folded to ASCII (accents dropped, "JOSÉ"
                              → "JOSE"; any other code point a blank byte), not all blanks
          --pix-city CITY     Pix receiver city when a title gives none: 1…15 bytes, counted
                              the same way, not all blanks

        """
    static let valued: Set<String> = ["as-of", "output", "rejects", "max-rejects", "pix-name", "pix-city"]
    static let flags: Set<String> = []

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        let asOf = try BoletoRun.asOf(args)
        let maxRejects = try args.int("max-rejects")
        guard args.positionals.count <= 1 else { throw UsageError(message: "boleto make reads one input (FILE or -)") }
        let pixName = args.value("pix-name")
        let pixCity = args.value("pix-city")
        // The options' own limits (the BR Code's fields 59 and 60) are usage errors, said once,
        // not a reason to reject every título. They count the bytes the Pix code writes, after
        // folding to ASCII, not Characters (a flag is one Character, two bytes).
        for (option, value, most) in [("--pix-name", pixName, 25), ("--pix-city", pixCity, 15)] {
            guard let value else { continue }
            let written = PixBRCode.ascii(value)
            if written.isEmpty || written.utf8.count > most {
                let how = written.utf8.count == value.count ? "" : " as the Pix code writes it (\"\(written)\", folded to ASCII)"
                throw UsageError(message: "\(option) must have 1…\(most) characters, found \(written.utf8.count)\(how)")
            }
            if written.utf8.allSatisfy({ $0 == 0x20 }) {
                throw UsageError(message: "\(option) must have 1…\(most) characters, found only blanks")
            }
        }
        let name = args.positionals.first ?? "-"
        let source = try CnabRun.source(name, io)
        let (outputFile, rejectsFile, output, rejects, sink) = try CnabRun.outputs(args, context)
        var counts = (lines: 0, written: 0, boletos: 0, rejected: 0, skipped: 0)
        var stopped = false
        // The outcomes of a made chunk, in order: written, reported, counted.
        func take(_ chunk: BoletoChunks.Chunk) throws {
            for o in chunk.outcomes where !stopped {
                counts.lines += 1
                switch o.kind {
                case .skipped:
                    counts.skipped += 1
                case .title, .other:
                    output.withBuffer { $0.appendBytes(UnsafeBufferPointer(start: chunk.output.base + o.start, count: o.count)) }
                    try output.endRecord()
                    counts.written += 1
                    if o.kind == .title { counts.boletos += 1 }
                case .rejected:
                    counts.rejected += 1
                    let e = o.error!
                    let message = e.message + (o.source.map { " (title from \($0))" } ?? "")
                    let raw = Array(UnsafeBufferPointer(start: chunk.input.base + o.start, count: o.count))
                    sink.report(Diagnostic(.error, DiagnosticCode(rawValue: e.code), message, file: name, line: o.number, column: o.column, raw: raw))
                    if let maxRejects, counts.rejected > maxRejects { stopped = true }
                }
            }
        }
        let chunkSize = 512 << 10
        let pipeline = ChunkPipeline<BoletoChunks.Chunk, TitleBoletoMaker>(
            threads: ChunkPipeline<BoletoChunks.Chunk, TitleBoletoMaker>.defaultThreads,
            state: { TitleBoletoMaker(asOf: asOf, pixName: pixName, pixCity: pixCity) },
            make: { BoletoChunks.Chunk(capacity: chunkSize + LineReader.maxLineLength) }, reset: { $0.reset() },
            isEmpty: { $0.lines.isEmpty }, work: { chunk, maker in chunk.make(&maker) })
        defer { pipeline.stop() }
        var reader = LineReader(JSONLSource.reading(source), maxLineLength: LineReader.maxJSONLLineLength)
        defer { reader.close() }
        try reader.forEachLine { bytes, number, cut in
            let current = pipeline.current
            current.lines.append((current.input.count, bytes.count, number, cut))
            current.input.appendBytes(bytes)
            if current.input.count >= chunkSize {
                try pipeline.flush(final: false, take: take)
                if stopped { return false }
            }
            return true
        }
        try pipeline.flush(final: true, take: take)
        try output.finish()
        try rejects?.finish()
        try rejectsFile?.commit()
        try outputFile?.commit()
        var summary =
            "boleto make: \(name): read \(counts.lines) lines: \(counts.written) written, \(counts.rejected) rejected, "
            + "\(counts.skipped) skipped; \(counts.boletos) boleto\(counts.boletos == 1 ? "" : "s")"
        if let maxRejects, counts.rejected > maxRejects { summary += "; stopped after \(counts.rejected) rejects (--max-rejects \(maxRejects))" }
        io.say(summary)
        return counts.rejected > 0 ? .dataError : .ok
    }
}

/// Turns one JSONL line into its boleto: reads the title's fields from a parsed tape, makes the
/// boleto, and writes the line back byte for byte with the changed members spliced in.
struct TitleBoletoMaker {
    enum Result {
        case title
        case other
        case rejected(BoletoError, column: Int, source: String?)
    }

    let asOf: BoletoDate
    let pixName: String?
    let pixCity: String?
    var tape = JSONTape()
    /// Top-level members of a UTF-8 line, recorded by the parser.
    var recorded = JSONMemberSpans()
    /// Top-level members of a line that was not UTF-8 (found by `scanMembers`).
    var scanned: [JSONMemberSpan] = []
    /// Top-level members of the raw line: key bytes range and value range.
    var spans: ArraySlice<JSONMemberSpan> { recorded.spans ?? scanned[...] }
    /// What the last title made.
    var boleto: Boleto? = nil
    var pixObject: [UInt8]? = nil

    init(asOf: BoletoDate, pixName: String?, pixCity: String?) {
        self.asOf = asOf
        self.pixName = pixName
        self.pixCity = pixCity
    }

    /// The field whose value a code is about, to point the diagnostic's column at it.
    static func field(of code: String) -> String? {
        switch code {
        case BoletoError.Code.convenio: return "convenio"
        case BoletoError.Code.nossoNumero: return "nosso_numero"
        case BoletoError.Code.amount: return "amount_cents"
        case BoletoError.Code.factor: return "due_date"
        case BoletoError.Code.carteira: return "carteira"
        case BoletoError.Code.agency: return "agency"
        case BoletoError.Code.account: return "account"
        case BoletoError.Code.bank: return "bank"
        case BoletoError.Code.pix: return "pix"
        default: return nil
        }
    }

    mutating func process(_ line: UnsafeBufferPointer<UInt8>) -> Result {
        guard JSONReader.parseRecord(line, into: &tape, members: &recorded), tape[0].kind == .object else {
            let (message, column) = JSONReader.notAnObject(line)
            return .rejected(BoletoError("boleto.json", message), column: column, source: nil)
        }
        if let (message, node) = JSONLInput.recordNotAString(tape) {
            return .rejected(BoletoError("boleto.record", message), column: JSONReader.column(ofNode: node, in: line), source: nil)
        }
        var t = BoletoTitle(bank: "")
        var isTitle = false
        var pixIndex: Int? = nil
        // The `source` member: "file:line" is made from it only for a reject.
        var sourceIndex: Int? = nil
        var bankCarteira: String? = nil
        var givenDigit: String? = nil
        var problem: BoletoError? = nil
        // The node of a value of the wrong kind (the problem's column), when that is the problem.
        var problemNode: Int? = nil
        var i = 1
        // The tape's text, read in place (the tape is not changed meanwhile); a tape with no text
        // has no keys to read either.
        let tapeText = tape.text
        tapeText.withUnsafeBufferPointer { buffer in
            guard let textBase = buffer.baseAddress else { return }
            for _ in 0..<tape[0].count {
                let v = i + 1
                let keyNode = tape[i]
                let key = KeyView(text: textBase, node: keyNode)
                func text() -> String? {
                    switch tape[v].kind {
                    case .string: return tape.string(v)
                    case .integer: return String(tape[v].value)
                    case .null: return nil
                    default:
                        if problem == nil {
                            problem = BoletoError(BoletoError.Code.field, "\(tape.string(i)) must be a string")
                            problemNode = v
                        }
                        return nil
                    }
                }
                switch keyNode.count {
                case 3 where key == "pix":
                    if tape[v].kind == .object {
                        pixIndex = v
                    } else if tape[v].kind != .null, problem == nil {
                        problem = BoletoError(BoletoError.Code.pix, "pix must be an object (key or location, txid, name, city), found \(tape[v].kind.noun)")
                        problemNode = v
                    }
                case 4 where key == "bank": t.bank = text() ?? ""
                case 6 where key == "record": isTitle = tape[v].kind == .string && KeyView(text: textBase, node: tape[v]) == "title"
                case 6 where key == "agency": t.agency = text()
                case 6 where key == "source":
                    if tape[v].kind == .object { sourceIndex = v }
                case 7 where key == "account": t.account = text()
                case 8 where key == "carteira": t.carteira = text()
                case 8 where key == "convenio": t.convenio = text()
                case 8 where key == "due_date":
                    if let s = text() {
                        t.dueDate = BoletoDate(iso: s)
                        if t.dueDate == nil { problem = problem ?? BoletoError(BoletoError.Code.factor, "due_date \"\(s)\" is not a date (YYYY-MM-DD)") }
                    }
                case 12 where key == "nosso_numero": t.nossoNumero = text()
                case 12 where key == "amount_cents":
                    if tape[v].kind == .integer {
                        t.amountCents = Int(tape[v].value)
                    } else if tape[v].kind != .null, problem == nil {
                        problem = Self.amountProblem(tape, v)
                    }
                case 13 where key == "account_digit": t.accountDigit = text()
                case 13 where key == "bank_carteira": bankCarteira = text()
                case 15 where key == "document_number": t.documentNumber = text()
                case 18 where key == "nosso_numero_digit": givenDigit = text()
                default: break
                }
                i = tape.next(after: v)
            }
        }
        guard isTitle else { return .other }
        var sourceText: String? {
            guard let v = sourceIndex, let f = tape.member("file", of: v), let l = tape.member("line", of: v), tape[f].kind == .string else {
                return nil
            }
            return "\(tape.string(f)):\(tape[l].value)"
        }
        // The bank's own carteira number, where the record also has FEBRABAN's C006 `carteira`
        // (1 simples…): a título read from a Bradesco or Banco do Brasil CNAB 240 file.
        if let bankCarteira, !bankCarteira.isEmpty { t.carteira = bankCarteira }
        if recorded.spans == nil { scanMembers(line) }
        func column(ofMember field: String) -> Int {
            spans.first { RawKey(base: line.baseAddress! + $0.key.lowerBound, count: $0.key.count).matches(field) }.map { $0.value.lowerBound + 1 } ?? 0
        }
        func column(_ e: BoletoError) -> Int { Self.field(of: e.code).map(column(ofMember:)) ?? 0 }
        if let problem {
            return .rejected(problem, column: problemNode.map { JSONReader.column(ofNode: $0, in: line) } ?? column(problem), source: sourceText)
        }
        if t.bank.isEmpty {
            let e = BoletoError(BoletoError.Code.bank, "bank is required (a 3-digit bank code)")
            return .rejected(e, column: 0, source: sourceText)
        }
        do {
            let b = try BoletoMaker.make(t, asOf: asOf)
            if let givenDigit, !givenDigit.isEmpty, b.fields.nossoNumeroHasNoDigit {
                let e = BoletoError(
                    BoletoError.Code.nossoNumero,
                    "nosso_numero_digit is \"\(givenDigit)\", but Banco do Brasil's 17-digit nosso número of a 7-digit convênio has no check digit (\(b.fields.nossoNumero ?? "")): leave nosso_numero_digit out")
                return .rejected(e, column: column(ofMember: "nosso_numero_digit"), source: sourceText)
            }
            if let givenDigit, !givenDigit.isEmpty, let digit = b.fields.nossoNumeroDigit, givenDigit.uppercased() != digit {
                let e = BoletoError(
                    BoletoError.Code.nossoNumero,
                    "nosso_numero_digit is \"\(givenDigit)\", the check digit of nosso número \(t.nossoNumero ?? "") is \(digit)")
                return .rejected(e, column: column(ofMember: "nosso_numero_digit"), source: sourceText)
            }
            boleto = b
            pixObject = nil
            if let pixIndex {
                do throws(PixProblem) {
                    pixObject = try pix(pixIndex, amount: b.barcode.amountCents)
                } catch {
                    let at = error.node.map { JSONReader.column(ofNode: $0, in: line) } ?? column(error.error)
                    return .rejected(error.error, column: at, source: sourceText)
                }
            }
            return .title
        } catch {
            return .rejected(error, column: column(error), source: sourceText)
        }
    }

    /// Why a title's `pix` makes no code, and the node of the member at fault (its column).
    struct PixProblem: Error {
        var error: BoletoError
        var node: Int?
    }

    /// Why an `amount_cents` that is not an integer of at most 18 digits is refused: a whole
    /// number too long for that is too large (or, with its minus sign, negative) for any boleto;
    /// a fraction, an exponent or another kind is no number of centavos.
    static func amountProblem(_ tape: JSONTape, _ v: Int) -> BoletoError {
        guard tape[v].kind == .number else {
            return BoletoError(BoletoError.Code.amount, "amount_cents must be an integer number of centavos, found \(tape[v].kind.noun)")
        }
        let literal = tape.bytes(v)
        let negative = literal.first == 0x2D
        if CheckDigits.allDigits(literal.dropFirst(negative ? 1 : 0)) {
            return BoletoError(
                BoletoError.Code.amount,
                negative
                    ? "amount_cents \(tape.string(v)) is negative: an amount is 0 or more centavos"
                    : "amount_cents \(tape.string(v)) is too large: a boleto holds at most \(Barcode.maxAmountCents) centavos (R$ 99.999.999,99)")
        }
        return BoletoError(BoletoError.Code.amount, "amount_cents must be an integer number of centavos, found \(tape.string(v))")
    }

    /// The `pix` object with `emv` set, when it asks for a code (has a key, location, txid, name
    /// or city); nil when it asks for none (an empty object, or only an `emv` or `error` a bank
    /// returned), which is written as it came. Its members are strings (or null, which is
    /// absence); one asking for a code needs a key (static) or a location (dynamic), and a
    /// key or location the BR Code can carry.
    func pix(_ index: Int, amount: Int) throws(PixProblem) -> [UInt8]? {
        func member(_ name: String) throws(PixProblem) -> (value: String, node: Int)? {
            guard let m = tape.member(name, of: index) else { return nil }
            switch tape[m].kind {
            case .string: return (tape.string(m), m)
            case .null: return nil
            case let kind: throw PixProblem(error: BoletoError(BoletoError.Code.pix, "pix.\(name) must be a string, found \(kind.noun)"), node: m)
            }
        }
        let key = try member("key")
        let location = try member("location")
        let txid = try member("txid")
        let name = try member("name")
        let city = try member("city")
        guard key != nil || location != nil else {
            guard txid == nil, name == nil, city == nil else {
                throw PixProblem(
                    error: BoletoError(BoletoError.Code.pix, "pix has no key (static code) or location (dynamic code) to make its code from"),
                    node: index)
            }
            return nil
        }
        // The key is used only when there is no location (the location wins, as boletoPayload says).
        for (what, m) in [("pix.location", location), ("pix.key", location == nil ? key : nil)] {
            guard let m else { continue }
            do throws(BoletoError) { try PixBRCode.checkPrintable(m.value, what) } catch { throw PixProblem(error: error, node: m.node) }
        }
        guard let receiver = name?.value ?? pixName, let receiverCity = city?.value ?? pixCity else {
            throw PixProblem(
                error: BoletoError(BoletoError.Code.pix, "a Pix code needs the receiver's name and city: give pix.name and pix.city, or --pix-name and --pix-city"),
                node: nil)
        }
        guard case .object(var object) = tape.value(at: index) else { return nil }
        do throws(BoletoError) {
            object["emv"] = .string(
                try PixBRCode.boletoPayload(
                    key: key?.value, location: location?.value, txid: txid?.value, name: receiver, city: receiverCity, amountCents: amount))
        } catch {
            throw PixProblem(error: error, node: nil)
        }
        return object.jsonBytes
    }

    /// Finds the top-level members of a line JSONReader accepted.
    mutating func scanMembers(_ p: UnsafeBufferPointer<UInt8>) {
        scanned.removeAll(keepingCapacity: true)
        var i = 0
        let n = p.count
        func ws() { while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0xEF || p[i] == 0xBB || p[i] == 0xBF { i += 1 } }
        func string() {
            i += 1
            let base = p.baseAddress!
            while i < n {
                // Eight bytes at a time up to the first `"` or `\` (the lowest flagged byte is exact).
                if i + 8 <= n {
                    let v = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                    @inline(__always) func zero(_ x: UInt64) -> UInt64 { (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 }
                    let hits = zero(v ^ 0x2222_2222_2222_2222) | zero(v ^ 0x5C5C_5C5C_5C5C_5C5C)
                    if hits == 0 {
                        i += 8
                        continue
                    }
                    i += hits.trailingZeroBitCount >> 3
                }
                if p[i] == 0x22 { break }
                i += p[i] == 0x5C ? 2 : 1
            }
            i += 1
        }
        func value() {
            if p[i] == 0x22 { string(); return }
            if p[i] == 0x7B || p[i] == 0x5B {
                var depth = 0
                repeat {
                    if p[i] == 0x22 { string(); continue }
                    if p[i] == 0x7B || p[i] == 0x5B { depth += 1 } else if p[i] == 0x7D || p[i] == 0x5D { depth -= 1 }
                    i += 1
                } while i < n && depth > 0
                return
            }
            while i < n, p[i] != 0x2C, p[i] != 0x7D, p[i] != 0x5D, p[i] != 0x20, p[i] != 0x09, p[i] != 0x0A, p[i] != 0x0D { i += 1 }
        }
        ws()
        guard i < n, p[i] == 0x7B else { return }
        i += 1
        while i < n {
            ws()
            guard i < n, p[i] == 0x22 else { return }
            let keyStart = i + 1
            string()
            let key = keyStart..<(i - 1)
            ws()
            i += 1  // ':'
            ws()
            let valueStart = i
            value()
            scanned.append(JSONMemberSpan(key: key, value: valueStart..<i))
            ws()
            guard i < n, p[i] == 0x2C else { return }
            i += 1
        }
    }

    /// The line with nosso_numero, nosso_numero_digit, barcode, linha_digitavel and pix set: a member that
    /// was there keeps its place, new ones go at the end.
    func appendOutput(_ line: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer) {
        guard let b = boleto else { return }
        var close = line.count - 1
        while close > 0, line[close] != 0x7D { close -= 1 }
        var from = 0
        let digit = b.fields.nossoNumeroDigit
        var done: (digit: Bool, barcode: Bool, line: Bool) = (digit == nil, false, false)
        func put(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { out.appendBytes($0) } }
        func quoted(_ digits: DigitBuffer) {
            out.append(0x22)
            digits.withContiguousStorageIfAvailable { out.appendBytes($0) }
            out.append(0x22)
        }
        /// `text` quoted, without its last `drop` bytes (the nosso número without its DV).
        func quoted(_ text: String, dropping drop: Int = 0) {
            var text = text
            out.append(0x22)
            text.withUTF8 { out.appendBytes(UnsafeBufferPointer(rebasing: $0.dropLast(drop))) }
            out.append(0x22)
        }
        /// The line up to this member's value, which the caller then writes anew.
        func replace(_ s: JSONMemberSpan) {
            out.appendBytes(UnsafeBufferPointer(rebasing: line[from..<s.value.lowerBound]))
            from = s.value.upperBound
        }
        for s in spans {
            let key = RawKey(base: line.baseAddress! + s.key.lowerBound, count: s.key.count)
            if key == "nosso_numero", let nn = b.fields.nossoNumero {
                replace(s)
                quoted(nn, dropping: digit?.utf8.count ?? 0)
            } else if key == "nosso_numero_digit", let digit {
                done.digit = true
                replace(s)
                quoted(digit)
            } else if key == "barcode" {
                done.barcode = true
                replace(s)
                quoted(b.barcode.code)
            } else if key == "linha_digitavel" {
                done.line = true
                replace(s)
                quoted(b.linhaDigitavel.code)
            } else if key == "pix", let pix = pixObject {
                replace(s)
                put(pix)
            }
        }
        out.appendBytes(UnsafeBufferPointer(rebasing: line[from..<close]))
        if !done.digit, let digit {
            out.append(contentsOf: ",\"nosso_numero_digit\":")
            quoted(digit)
        }
        if !done.barcode {
            out.append(contentsOf: ",\"barcode\":")
            quoted(b.barcode.code)
        }
        if !done.line {
            out.append(contentsOf: ",\"linha_digitavel\":")
            quoted(b.linhaDigitavel.code)
        }
        out.append(0x7D)
    }
}

/// A member key in raw bytes, compared with a literal by length and memcmp.
struct RawKey {
    let base: UnsafePointer<UInt8>
    let count: Int

    @inline(__always)
    static func == (key: RawKey, literal: StaticString) -> Bool {
        key.count == literal.utf8CodeUnitCount && memcmp(key.base, literal.utf8Start, key.count) == 0
    }

    func matches(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { count == $0.count && memcmp(base, $0.baseAddress!, count) == 0 }
    }
}

/// A key node of a tape, compared with a literal without building a String.
struct KeyView {
    let text: UnsafePointer<UInt8>
    let node: JSONNode

    @inline(__always)
    static func == (key: KeyView, literal: StaticString) -> Bool {
        Int(key.node.count) == literal.utf8CodeUnitCount && memcmp(key.text + Int(key.node.offset), literal.utf8Start, Int(key.node.count)) == 0
    }
}
