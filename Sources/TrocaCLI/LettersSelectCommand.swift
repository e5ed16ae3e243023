import FixedWidth
import Foundation
import Letters
import Reconcile
import Records

/// `troca letters select`: títulos + a collection ladder → the letter jobs due on a date.
enum LettersSelectCommand: Command {
    static let name = ["letters", "select"]
    static let summary = "títulos + collection ladder (régua) → letter jobs due on a date, without repeats"
    static let help = """
        usage: troca letters select --ladder LADDER.json [--as-of YYYY-MM-DD] [FILE|-]
                                    [--history FILE [--commit]] [--rules RULES.json]
                                    [--index INDEX.csv] [--holidays FILE] [--output FILE]
                                    [--rejects FILE]

        Reads `title` records (standard input when no FILE or `-`), and `agreement` or
        `agreement_status` records naming parties in a current agreement. Groups the títulos
        overdue on --as-of by party (payer.document), finds each party's ladder step by its
        oldest título's days overdue, and writes one `letter` job per party (docs/letters.md,
        docs/records.md) with its títulos, their debt update as of the date (with --rules:
        correção, multa, juros, honorários, desconto, as `troca update` computes them;
        without: none, updated = face value) and, when the step asks, a boleto for the updated
        total (the ladder's account, the next nosso número, due --as-of + due_in_days).

        A party gets no letter, and is counted, when it is in a current agreement, owes less
        than the ladder's minimum_balance_cents, is on no step, or already got this step's
        letter (the --history file, JSONL `letter_sent`). A título without a due date, amount
        or payer, a party whose address is not mailable, or whose boleto cannot be made is
        rejected with the reason (stderr, --rejects). With --commit the letters written are
        appended to --history after the output is complete, holding FILE.lock from before the
        history is read, so runs at once take turns; as a stage of `troca run` or `troca
        watch`, once the run's outputs are in place (a run that stops records no letter).
        Without --commit the history is only read.

        Records read = títulos + agreements + other + malformed lines (not a JSON object, a
        key given twice, a "record" that is not a string: each rejected); títulos = in letters + not yet due + skipped + rejected. Exit 0, 65 when
        anything was rejected, 78 when the ladder (its boleto account too), rules or index
        table are wrong.

        options:
          --ladder FILE       the collection ladder (required; docs/letters.md)
          --as-of YYYY-MM-DD  the date letters are chosen for (default: today)
          --history FILE      letters already sent (read; created by --commit when absent)
          --commit            append this run's letters to --history
          --rules FILE        debt update rules (docs/reconcile.md)
          --index FILE        monthly index rates, when the rules ask for correction
          --holidays FILE     local holidays added to the national bank calendar: a título due
                              on a day without banking is not overdue before the next business day
          --output FILE       write here (atomically) instead of standard output
          --rejects FILE      write rejected records as JSONL reject records

        """
    static let valued: Set<String> = ["ladder", "as-of", "history", "rules", "index", "holidays", "output", "rejects"]
    static let flags: Set<String> = ["commit"]
    static let required = ["ladder"]
    static let inputOptions: Set<String> = ["ladder", "history", "rules", "index", "holidays"]
    static let stateFiles = ["history"]

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        guard let ladderPath = args.value("ladder") else { throw UsageError(message: "letters select needs --ladder LADDER.json") }
        guard args.positionals.count <= 1 else { throw UsageError(message: "letters select reads one input (FILE or -)") }
        if args.has("commit"), args.value("history") == nil { throw UsageError(message: "--commit needs --history FILE") }
        let asOf = try LettersRun.asOf(args)
        let ladder: Ladder
        do { ladder = try Ladder(json: try ReconcileRun.contents(ladderPath, io, what: "ladder", json: "letters.ladder")) } catch let e as LadderError {
            io.say("\(ladderPath): error: [letters.ladder] \(e.message)")
            return .config
        }
        var rules: DebtRules? = nil
        var index: IndexTable? = nil
        if let path = args.value("rules") {
            do { rules = try DebtRules(json: try ReconcileRun.contents(path, io, what: "rules file", json: "rules.json")) } catch let e as ReconcileConfigError {
                io.say(ReconcileRun.configMessage(path, e))
                return .config
            }
        }
        if let path = args.value("index") {
            do { index = try IndexTable(csv: try ReconcileRun.contents(path, io, what: "index table")) } catch let e as ReconcileConfigError {
                io.say(ReconcileRun.configMessage(path, e))
                return .config
            }
        }
        let holidays: BankCalendar?
        do { holidays = try ReconcileRun.holidays(args, io, rules: &rules) } catch is ReconcileRun.HolidaysFileError { return .config }
        if let rules, rules.correction, index == nil {
            io.say(ReconcileRun.correctionNeedsIndex(args.value("rules")!))
            return .config
        }

        // The history (read after the títulos, for their parties): what was sent, the last
        // sequence, the boletos made. With --commit its lock is held until the new letters are in.
        var history: LetterHistory? = nil
        if args.has("commit"), let held = io.runFiles?.appends.first {
            // The earlier stage holds its history's lock until the run ends: waiting for it
            // here (the same history) would never end.
            io.say(
                "letters select: --commit: an earlier stage of this pipeline already has \(held.stateName) to record "
                    + "when the run ends; a pipeline keeps one such file (run this stage in a pipeline of its own)")
            return .config
        }
        if let path = args.value("history") {
            do { history = try LetterHistory(name: path, path: io.path(path), commit: args.has("commit")) } catch let e as InputError {
                io.say("letters select: cannot read the history \(path): \(e.reason)")
                return .noInput
            }
            if history?.source == nil {
                // The first run of a ladder: said, because a mistyped name would otherwise
                // resend every letter and start the boletos' nosso números again.
                io.say("letters select: \(path): no history there yet: starting an empty one (every letter is new)")
            }
        }
        var selector = LetterSelector(
            ladder: ladder, asOf: asOf, sent: [], nextSequence: 1, nextNossoNumero: ladder.boleto?.nossoNumeroFrom ?? 1, rules: rules,
            index: index, calendar: holidays ?? .national)
        let name = args.positionals.first ?? "-"
        let input = JSONLInput(name: name, source: try CnabRun.source(name, io))
        let (outputFile, rejectsFile, output, rejects, sink) = try CnabRun.outputs(args, context)
        var c = (records: 0, titles: 0, notDue: 0, agreements: 0, other: 0, rejected: 0, inLetters: 0, letters: 0, skippedTitles: 0)
        var skips: [LetterSelector.Skip: Int] = [:]
        let lineCounts = try input.forEachRecord(stage: "letters", sink: sink) { tape, line, raw in
            c.records += 1
            guard case .object(let record) = tape.value(at: 0) else { return true }
            let taken = selector.add(record, line: line, raw: Array(raw))
            if record.string("record") == "title" { c.titles += 1 }
            switch taken {
            case .overdue: break
            case .notDue: c.notDue += 1
            case .agreement: c.agreements += 1
            case .other: c.other += 1
            case .rejected(let code, let message, let path):
                c.rejected += 1
                let column = LettersRun.column(ofPath: path, in: raw)
                LettersRun.reject(sink, code, message, file: name, line: line, column: column, raw: Array(raw))
            }
            return true
        }
        if let history {
            var sent: Set<SentLetter> = []
            let read: LetterHistory.Summary
            do { read = try history.read(keep: { selector.holdsParty($0) }, into: &sent, warn: io.say) } catch let e as LetterHistory.BadLine {
                let column = e.syntax.map { ":\($0.column)" } ?? "", problem = e.syntax.map { ": \($0.problem)" } ?? ""
                io.say(
                    "\(history.name):\(e.line)\(column): error: [letters.history] "
                        + "expected a letter_sent record with party and step\(problem)")
                io.say("letters select: \(name): read \(c.records) records: no letter selected, the history \(history.name) is wrong")
                return .dataError
            } catch let e as InputError {
                io.say("letters select: cannot read the history \(e.file): \(e.reason)")
                io.say("letters select: \(name): read \(c.records) records: no letter selected, the history \(history.name) cannot be read")
                return .noInput
            }
            selector.sent = sent
            selector.nextSequence = read.lastSequence + 1
            selector.nextNossoNumero = (ladder.boleto?.nossoNumeroFrom ?? 1) + read.boletos
        }
        var appended: [UInt8] = []
        try selector.finish { party, outcome in
            switch outcome {
            case .letter(let job, let s, _):
                try output.write(job.jsonBytes)
                c.letters += 1
                c.inLetters += party.titles.count
                var w = JSONObjectWriter()
                w.string("record", "letter_sent")
                w.string("party", s.party)
                w.string("step", s.step)
                w.string("as_of", asOf.description)
                w.int("sequence", job["sequence"]?.number?.exactInteger.map { Int($0) } ?? 0)
                if case .object(let b)? = job["boleto"], let nn = b.string("nosso_numero") { w.string("nosso_numero", nn) }
                appended += w.finish() + [0x0A]
            case .skipped(let why):
                skips[why, default: 0] += party.titles.count
                c.skippedTitles += party.titles.count
            case .rejected(let code, let message, let path):
                for l in party.titles {
                    c.rejected += 1
                    let column = l.raw.withUnsafeBufferPointer { LettersRun.column(ofPath: path, in: $0) }
                    LettersRun.reject(sink, code, message, file: name, line: l.line, column: column, raw: l.raw)
                }
            }
        }
        try output.finish()
        try rejects?.finish()
        try rejectsFile?.commit()
        try outputFile?.commit()
        var committed = ""
        if args.has("commit"), let history {
            if let run = io.runFiles {
                // A stage of `troca run` or `troca watch`: recorded only once the run's outputs
                // are in place (a later stage that fails, or a crash, must not leave these
                // letters recorded as sent and never printed). The lock is kept until then.
                if !appended.isEmpty { run.hold(HistoryAppend(history, lines: appended, letters: c.letters)) }
                committed = "; \(c.letters) to be appended to \(history.name) once the run's outputs are in place"
            } else {
                try history.append(appended)
                committed = "; \(c.letters) appended to \(history.name)"
            }
        }
        // A line that is not a JSON object is no título: it is counted (and rejected) apart, so
        // that records read = títulos + agreements + other + those lines, and títulos = in
        // letters + not yet due + skipped + rejected.
        c.records += lineCounts.malformed + lineCounts.blank
        let skipText = LetterSelector.Skip.allCases.map { "\($0.rawValue) \(skips[$0] ?? 0)" }.joined(separator: ", ")
        io.say(
            "letters select: \(name): read \(c.records) records: \(c.titles) títulos → \(c.inLetters) in \(c.letters) letters, "
                + "\(c.notDue) not yet due, \(c.skippedTitles) skipped (\(skipText)), \(c.rejected) rejected; "
                + "\(c.agreements) agreements, \(c.other + lineCounts.blank) other, \(lineCounts.malformed) malformed (rejected)\(committed)")
        return c.rejected + lineCounts.malformed > 0 ? .dataError : .ok
    }
}
