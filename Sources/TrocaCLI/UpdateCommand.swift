import FixedWidth
import Foundation
import Reconcile
import Records

/// `troca update`: the debt update (cálculo de atualização) of `title` records as of a date.
enum UpdateCommand: Command {
    static let name = ["update"]
    static let summary = "debt update of títulos as of a date: multa, juros, correção, honorários → update + demonstrativo"
    static let help = """
        usage: troca update --as-of YYYY-MM-DD --rules RULES.json [--index INDEX.csv] [FILE|-]
                            [--holidays FILE] [--output FILE] [--rejects FILE] [--max-rejects N]

        Reads JSONL `title` records (standard input when none or `-`) and writes, for each, an
        `update` record: days late, principal, correção monetária (from the index table's
        monthly rates, pro rata die), multa, juros (per month pro rata die, or per day),
        honorários, desconto à vista and the total, in centavos, each rounded half-up once
        (docs/reconcile.md). Then one `demonstrativo` record per payer document, summing its
        títulos, in document order; documents are compared by their characters only
        (529.982.247-25 is 52998224725), and one that is not a valid CPF or CNPJ is warned
        about (update.document), the título kept. Other records and blank lines are counted as
        skipped.
        A título due on a day without banking (weekend, national or bank holiday, 31 December,
        a --holidays day) is not late until the next business day has passed; the rules'
        "business_days": false counts calendar days only.

        A título without due_date or amount_cents, with an amount below zero or above R$ 10
        trilhões (1000000000000000 centavos), or needing an index
        month the table lacks is rejected with its reason (exit 65); the others are still
        written. Read = written + rejected (+ skipped). Exit 78 when the rules or the index
        table are wrong.

        options:
          --as-of DATE        the date of the update (required)
          --rules FILE        the rules (regras.json, required; docs/reconcile.md)
          --index FILE        monthly index rates (CSV month,rate_percent), needed when the
                              rules ask for correction
          --holidays FILE     local (state, city) holidays, one date a line (YYYY-MM-DD or
                              dd/MM/yyyy, then an optional name), added to the national
                              bank calendar
          --output FILE       write here (atomically) instead of standard output
          --rejects FILE      write rejected lines as JSONL reject records
          --max-rejects N     stop after more than N rejected lines: the updates written
                              are kept, and no demonstrativo is written (it would sum only
                              the títulos read before the stop, not the payer's debt)

        """
    static let valued: Set<String> = ["as-of", "rules", "index", "holidays", "output", "rejects", "max-rejects"]
    static let flags: Set<String> = []
    static let required = ["rules"]
    static let inputOptions: Set<String> = ["rules", "index", "holidays"]

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        let asOf = try ReconcileRun.date(args, "as-of", required: true)!
        guard let rulesPath = args.value("rules") else { throw UsageError(message: "update needs --rules RULES.json") }
        guard args.positionals.count <= 1 else { throw UsageError(message: "update reads one FILE (or - for standard input)") }
        let maxRejects = try args.int("max-rejects")
        var loaded: DebtRules?
        do { loaded = try DebtRules(json: try ReconcileRun.contents(rulesPath, io, what: "rules file", json: "rules.json")) } catch let e as ReconcileConfigError {
            io.say(ReconcileRun.configMessage(rulesPath, e))
            return .config
        }
        do { _ = try ReconcileRun.holidays(args, io, rules: &loaded) } catch is ReconcileRun.HolidaysFileError { return .config }
        let rules = loaded!
        var index: IndexTable? = nil
        if let path = args.value("index") {
            do { index = try IndexTable(csv: try ReconcileRun.contents(path, io, what: "index table")) } catch let e as ReconcileConfigError {
                io.say(ReconcileRun.configMessage(path, e))
                return .config
            }
        }
        if rules.correction, index == nil {
            io.say(ReconcileRun.correctionNeedsIndex(rulesPath))
            return .config
        }
        let name = args.positionals.first ?? "-"
        let input = JSONLInput(name: name, source: try CnabRun.source(name, io))
        let (outputFile, rejectsFile, output, rejects, sink) = try CnabRun.outputs(args, context)
        var read = 0, written = 0, rejected = 0, skipped = 0
        var statements: [String: DebtStatement] = [:]
        var stopped = false
        let counts = try input.forEachRecord(stage: "update", sink: sink) { tape, line, raw in
            read += 1
            guard tape.recordKind == "title" else {
                skipped += 1
                return true
            }
            do {
                let title = try DebtTitle(tape)
                let u = try rules.update(principalCents: title.amountCents, dueDate: title.dueDate, asOf: asOf, index: index)
                // Into its party's statement first: a título the statement cannot sum is refused whole.
                if let doc = title.partyDocument { try statements[doc, default: DebtStatement(partyDocument: doc)].add(u) }
                try output.write(record(title, u, asOf: asOf, tape: tape, file: name, line: line))
                written += 1
                if let doc = title.partyDocument,
                    let w = PartyDocument.problem(doc, code: "update.document", member: "payer.document", in: tape)
                {
                    sink.report(w.warning(file: name, line: line, raw: raw))
                }
            } catch let e as UpdateError {
                rejected += 1
                sink.report(e.diagnostic(file: name, line: line, raw: raw))
                if let maxRejects, rejected > maxRejects {
                    stopped = true
                    io.say("update: \(name): stopped after \(rejected) rejected records (--max-rejects \(maxRejects))")
                    return false
                }
            }
            return true
        }
        // Stopped, a payer's títulos after the stop were never read: a demonstrativo would give a
        // part of the debt as the whole, so none is written (the summary says so).
        if !stopped {
            for doc in statements.keys.sorted() {
                try output.write(statementRecord(statements[doc]!, asOf: asOf))
            }
        }
        try output.finish()
        try rejects?.finish()
        try rejectsFile?.commit()
        try outputFile?.commit()
        read += counts.malformed + counts.blank
        rejected += counts.malformed
        skipped += counts.blank
        io.say(
            "update: \(name): read \(read) records: \(written) written, \(rejected) rejected, \(skipped) skipped; "
                + (stopped ? "no demonstrativos (stopped before every título was read)" : "\(statements.count) demonstrativos"))
        return rejected > 0 ? .dataError : .ok
    }

    static func record(_ t: DebtTitle, _ u: DebtUpdate, asOf: CivilDate, tape: JSONTape, file: String, line: Int) -> [UInt8] {
        var w = JSONObjectWriter()
        w.string("record", "update")
        w.string("document_number", t.documentNumber)
        w.string("nosso_numero", t.nossoNumero)
        w.string("party_document", t.partyDocument)
        w.string("due_date", t.dueDate.description)
        w.string("as_of", asOf.description)
        w.int("days_late", u.daysLate)
        components(&w, principal: u.principalCents, correction: u.correctionCents, fine: u.fineCents, interest: u.interestCents,
            fees: u.feesCents, discount: u.discountCents, total: u.totalCents)
        w.source(from: tape, file: file, line: line)
        return w.finish()
    }

    static func statementRecord(_ s: DebtStatement, asOf: CivilDate) -> [UInt8] {
        var w = JSONObjectWriter()
        w.string("record", "demonstrativo")
        w.string("party_document", s.partyDocument)
        w.string("as_of", asOf.description)
        w.int("titles", s.titles)
        components(&w, principal: s.principalCents, correction: s.correctionCents, fine: s.fineCents, interest: s.interestCents,
            fees: s.feesCents, discount: s.discountCents, total: s.totalCents)
        return w.finish()
    }

    static func components(
        _ w: inout JSONObjectWriter, principal: Int, correction: Int, fine: Int, interest: Int, fees: Int, discount: Int, total: Int
    ) {
        w.int("principal_cents", principal)
        w.int("correction_cents", correction)
        w.int("fine_cents", fine)
        w.int("interest_cents", interest)
        w.int("fees_cents", fees)
        w.int("discount_cents", discount)
        w.int("total_cents", total)
    }
}

/// Shared plumbing of `troca update` and `troca reconcile`.
enum ReconcileRun {
    /// A date option, `YYYY-MM-DD`.
    static func date(_ args: Arguments, _ option: String, required: Bool) throws(UsageError) -> CivilDate? {
        guard let text = args.value(option) else {
            if required { throw UsageError(message: "--\(option) YYYY-MM-DD is required") }
            return nil
        }
        guard let d = CivilDate(iso: text) else { throw UsageError(message: "--\(option) needs a date YYYY-MM-DD, found \"\(text)\"") }
        return d
    }

    /// `FILE:LINE: error: [code] message` for a wrong configuration file (DESIGN.md's form).
    static func configMessage(_ path: String, _ e: ReconcileConfigError) -> String {
        Diagnostic(.error, DiagnosticCode(rawValue: e.code), e.message, file: path, line: e.line).formatted
    }

    /// Rules that ask for correction given without `--index`.
    static func correctionNeedsIndex(_ rulesPath: String) -> String {
        Diagnostic(
            .error, "rules.index-missing", "the rules ask for correction (\"correction\": true): give the index table with --index FILE",
            file: rulesPath
        ).formatted
    }

    /// `--holidays FILE`: the national bank calendar plus the file's local holidays, put into
    /// `rules` (unless they say `"business_days": false`) and returned; nil without the option.
    /// Throws `HolidaysFileError` when the file is wrong, having said why.
    static func holidays(_ args: Arguments, _ io: IO, rules: inout DebtRules?) throws -> BankCalendar? {
        guard let path = args.value("holidays") else { return nil }
        let calendar: BankCalendar
        do { calendar = try BankCalendar(holidays: try contents(path, io, what: "holidays file")) } catch let e as ReconcileConfigError {
            io.say(configMessage(path, e))
            throw HolidaysFileError()
        }
        if rules?.calendar != nil {
            rules!.calendar = calendar
        } else if rules != nil {
            io.say("\(path): warning: [holidays.unused] not used: the rules count calendar days (\"business_days\": false)")
        }
        return calendar
    }

    /// A wrong `--holidays` file (exit 78; the message is already said).
    struct HolidaysFileError: Error {}

    /// A whole small configuration file (rules, index table, holidays, ladder, template, column
    /// map; agreements, which are data, are read by line elsewhere). One that is missing or cannot
    /// be read is a `ConfigFileError` (exit 78), not a missing input (66); so is a JSON one
    /// (`json`: the code of its errors, which its syntax errors share) that is not JSON, at the
    /// line and column where it stops being JSON, before its reader sees it.
    static func contents(_ path: String, _ io: IO, what: String, json: DiagnosticCode? = nil) throws -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try FileSource.contents(of: io.path(path), name: path) } catch {
            throw ConfigFileError(file: path, message: "cannot read the \(what): \(error.reason)")
        }
        if let code = json, let (problem, line, column) = JSONReader.syntaxError(inFile: bytes) {
            throw ConfigFileError(file: path, code: code, message: problem, line: line, column: column)
        }
        if let code = json, let (key, line, column) = JSONReader.repeatedKey(inFile: bytes) {
            throw ConfigFileError(file: path, code: code, message: "\"\(key)\" is given twice in one object: which one is meant?", line: line, column: column)
        }
        return bytes
    }
}

/// A configuration file (rules, index table, holidays, ladder, template, column map) that is
/// missing or cannot be read, or that is not JSON: exit 78, as a wrong one is (DESIGN.md: 66 is
/// for input data).
struct ConfigFileError: Error, CustomStringConvertible {
    /// The file as the user gave it.
    var file: String
    /// `config.unreadable`, or the file's own code for a JSON syntax error (`rules.json`…).
    var code: DiagnosticCode = "config.unreadable"
    /// What could not be done.
    var message: String
    /// Where a JSON syntax error is: 1-based line and byte column (0: the whole file).
    var line = 0
    /// See `line`.
    var column = 0

    /// `FILE[:LINE:COL]: error: [code] message`.
    var description: String { Diagnostic(.error, code, message, file: file, line: line, column: column).formatted }
}
