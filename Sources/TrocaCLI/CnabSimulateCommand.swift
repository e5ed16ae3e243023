import CNAB
import FixedWidth
import Foundation
import Reconcile
import Records

/// `troca cnab simulate`: a remessa → a plausible retorno of the same bank and format.
enum CnabSimulateCommand: Command {
    static let name = ["cnab", "simulate"]
    static let summary = "a remessa → a plausible retorno of the same bank and format (deterministic)"
    static let help = """
        usage: troca cnab simulate [FILE|-] [--paid FRACTION] [--seed N] [--date YYYY-MM-DD]
                                   [--holidays FILE] [--output FILE] [--layouts DIR]

        Reads a CNAB 240 or 400 remessa and writes the retorno its bank could send back, with the
        bank's own layout and occurrence codes, to rehearse a pipeline without a bank:
          registered  every título the bank would accept is confirmed
          paid        a --paid share of them is also settled: paid at face value on --date,
                      credited on the next business day after it (weekends, national and
                      bank holidays, 31 December and --holidays days skipped)
          rejected    a título with no amount, due before it was issued or before --date, or
                      without the payer's document, with a reason from the bank's table
                      when Troca has one (none yet for BNB, Banrisul, Caixa and C6 CNAB
                      400: the code alone); Sicoob CNAB 400 has no rejection code: such a
                      título gets no event, counted in the summary as refused
        A code of the remessa longer than the retorno's field for it (Santander 400's 20-digit
        código de transmissão, 8 digits in its retorno) is written as its last characters, with
        one simulate.fitted warning per member. The same input, --seed and --date give the
        same bytes.

        options:
          --paid FRACTION     share of registered títulos also paid, 0 to 1 (default 0.5)
          --seed N            which títulos are paid (default 1)
          --date YYYY-MM-DD   the retorno's date (default: today)
          --holidays FILE     local holidays, one date a line (YYYY-MM-DD or dd/MM/yyyy), added
                              to the national bank calendar for the credit date
          --output FILE       write here (atomically) instead of standard output
          --layouts DIR       add or override layouts (repeatable; also TROCA_LAYOUTS)

        """
    static let valued: Set<String> = ["paid", "seed", "date", "holidays", "output", "layouts"]
    static let flags: Set<String> = []
    static let inputOptions: Set<String> = ["holidays"]

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        let library = try context.library(args)
        var paidPerMillion = 500_000
        if let text = args.value("paid") {
            guard let p = Self.millionths(text) else {
                throw UsageError(message: "--paid must be a number from 0 to 1 with at most six decimals, found \"\(text)\"")
            }
            paidPerMillion = p
        }
        var seed: UInt64 = 1
        if let text = args.value("seed") {
            guard let s = UInt64(text) else { throw UsageError(message: "--seed must be a non-negative integer, found \"\(text)\"") }
            seed = s
        }
        var date: CivilDate
        if let text = args.value("date") {
            guard let d = CivilDate(iso: text) else { throw UsageError(message: "--date must be YYYY-MM-DD, found \"\(text)\"") }
            date = d
        } else {
            let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
            date = CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
        }
        var noRules: DebtRules? = nil
        let calendar: BankCalendar
        do { calendar = try ReconcileRun.holidays(args, io, rules: &noRules) ?? .national } catch is ReconcileRun.HolidaysFileError {
            return .config
        }
        // The first day after the retorno's that banks credit on (31 December has no service).
        let credit = calendar.paymentDeadline(due: CivilDate(daysSinceEpoch: date.daysSinceEpoch + 1))
        guard args.positionals.count <= 1 else { throw UsageError(message: "cnab simulate reads one remessa (FILE or -)") }
        let name = args.positionals.first ?? "-"
        let source = try CnabRun.source(name, io)
        let sink = CnabRun.sink(context, rejects: nil)
        let outputFile = try args.value("output").map { try AtomicFile(path: io.path($0)) }
        let summary: CNABSimulateSummary
        do {
            summary = try CNABSimulator.simulate(
                source, file: name, library: library, options: CNABSimulateOptions(paidPerMillion: paidPerMillion, seed: seed, date: date, creditDate: credit),
                diagnostics: sink
            ) { b in
                if let outputFile { try outputFile.write(b) } else { try io.stdout(b) }
            }
        } catch let e as CNABSimulator.Failure {
            outputFile?.abort()
            io.inputBroken?()
            context.print(Diagnostic(.error, e.code, e.description, file: e.file, line: e.line))
            return .dataError
        } catch let e as CNABWriter.SetupError {
            outputFile?.abort()
            context.print(Diagnostic(.error, e.code, e.description, file: e.layout))
            return .config
        }
        try outputFile?.commit()
        io.say(
            "cnab simulate: \(name): \(summary.titles) títulos → \(summary.registered) registered, \(summary.paid) paid, "
                + "\(summary.rejected) rejected"
                + "\(summary.unanswered > 0 ? ", \(summary.unanswered) refused without an event (no rejection code)" : "")"
                + "\(summary.unwritten > 0 ? ", \(summary.unwritten) events not written" : "") (\(summary.layout))")
        return sink.errors > 0 ? .dataError : .ok
    }

    /// A share from 0 to 1 written in decimal (`0.25`, `.5`, `1`) as millionths, exactly; nil
    /// when it is not one or has more than six decimals.
    static func millionths(_ text: String) -> Int? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0].isEmpty && parts.count == 2 ? "0" : String(parts[0])
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard !whole.isEmpty, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber), fraction.count <= 6,
            fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty,
            let w = Int(whole), w <= 1, let f = Int(fraction.padding(toLength: 6, withPad: "0", startingAt: 0))
        else { return nil }
        let value = w * 1_000_000 + f
        return value <= 1_000_000 ? value : nil
    }
}
