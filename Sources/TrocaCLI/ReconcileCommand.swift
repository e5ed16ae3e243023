import FixedWidth
import Foundation
import Reconcile
import Records

/// `troca reconcile`: payments against agreements → match and agreement_status records.
enum ReconcileCommand: Command {
    static let name = ["reconcile"]
    static let summary = "payments/paid events against agreements (acordos) → match and agreement_status records"
    static let help = """
        usage: troca reconcile --agreements FILE [PAYMENTS|-]… [--as-of YYYY-MM-DD] [--check]
                               [--tolerance-cents N] [--window-days N] [--rules RULES.json]
                               [--index INDEX.csv] [--holidays FILE] [--output FILE]
                               [--rejects FILE]

        Reads agreements (JSONL `agreement` records) and payments (standard input when none or
        `-`): `event` records with event "paid" from `troca cnab parse` and `payment` records from
        `troca import payments`; other records are counted as skipped. Each payment is matched to
        an installment by nosso número, else document number, else payer document + an open
        balance within --tolerance-cents + a due date within --window-days of the payment, and
        written as a `match` record with its rule and outcome: exact, partial, overpaid, late,
        duplicate (the same payment seen again: never counted twice), unmatched,
        broken_agreement, settled_agreement, cancelled_agreement, rejected_agreement (its nosso
        número or document number is a rejected agreement's, and no other's: fix the agreement
        and run again). Then one `agreement_status` record per agreement as of --as-of:
        current, settled, broken (by which installment and rule) or cancelled, with paid, open
        and overdue amounts and the next installment due.

        Payments are applied in a canonical order (date, amount, keys), so the output does not
        depend on the order of the inputs, and reconciling the same inputs twice gives the same
        output. A payment is late when made after the due date and, for a due date without
        banking (weekend, national or bank holiday, 31 December, a --holidays day), after the
        next business day. With --rules (regras.json, docs/reconcile.md), a late payment reports
        the late charges owed on the balance it paid.

        An agreement whose installments do not add up to its total, with amounts not above zero,
        numbers not 1…n or dates out of order, whose id repeats or whose keys collide with another
        agreement's, and a payment without any key, amount or date are rejected with the reason
        (exit 65). Payer documents are compared by their characters only (111.444.777-35 is
        11144477735); one that is not a valid CPF or CNPJ is warned about (agreement.document,
        reconcile.payment-document), the record kept. The summary on stderr gives payments read = matched (by rule) + exceptions (by
        kind), and agreements by status. With --check only exceptions are written, and the exit
        status is 1 when there are any.

        options:
          --agreements FILE   the agreements (JSONL, required; `-`: standard input, and
                              then the payments are FILE arguments)
          --as-of DATE        the date of the agreement statuses (default: today, UTC)
          --check             write only the exceptions; exit 1 when there are any
          --tolerance-cents N rule 3: largest difference from an open balance (default 0); a
                              payment short by at most this closes the installment, the
                              difference in written_off_cents
          --window-days N     rule 3: most days between payment and due date (default 10)
          --rules FILE        late charges per the debt-update rules
          --index FILE        the index table the rules' correction needs
          --holidays FILE     local (state, city) holidays, one date a line, added to the
                              national bank calendar that tells late payments
          --output FILE       write here (atomically) instead of standard output
          --rejects FILE      write rejected lines as JSONL reject records

        """
    static let valued: Set<String> = [
        "agreements", "as-of", "tolerance-cents", "window-days", "rules", "index", "holidays", "output", "rejects",
    ]
    static let flags: Set<String> = ["check"]
    static let required = ["agreements"]
    static let inputOptions: Set<String> = ["agreements", "rules", "index", "holidays"]

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let io = context.io
        guard let agreementsPath = args.value("agreements") else { throw UsageError(message: "reconcile needs --agreements FILE") }
        let asOf = try ReconcileRun.date(args, "as-of", required: false) ?? today()
        var options = MatchOptions()
        if let t = try args.int("tolerance-cents") { options.toleranceCents = t }
        if let w = try args.int("window-days") { options.windowDays = w }
        let check = args.has("check")
        if let rulesPath = args.value("rules") {
            do { options.rules = try DebtRules(json: try ReconcileRun.contents(rulesPath, io, what: "rules file", json: "rules.json")) } catch let e as ReconcileConfigError {
                io.say(ReconcileRun.configMessage(rulesPath, e))
                return .config
            }
            if let path = args.value("index") {
                do { options.index = try IndexTable(csv: try ReconcileRun.contents(path, io, what: "index table")) } catch let e as ReconcileConfigError {
                    io.say(ReconcileRun.configMessage(path, e))
                    return .config
                }
            } else if options.rules!.correction {
                io.say(ReconcileRun.correctionNeedsIndex(rulesPath))
                return .config
            }
        } else if args.value("index") != nil {
            throw UsageError(message: "--index is used with --rules")
        }
        do {
            if let calendar = try ReconcileRun.holidays(args, io, rules: &options.rules) { options.calendar = calendar }
        } catch is ReconcileRun.HolidaysFileError { return .config }
        let inputs = args.positionals.isEmpty ? ["-"] : args.positionals
        // (`-` twice among the payments is refused when the arguments are scanned.)
        guard agreementsPath != "-" || !inputs.contains("-") else {
            throw UsageError(message: "standard input (-) can be read once: with --agreements -, give the payments as FILE arguments")
        }
        let agreementsSource = try CnabRun.source(agreementsPath, io)
        var sources: [(String, ByteSource)] = []
        for name in inputs { sources.append((name, try CnabRun.source(name, io))) }

        let (outputFile, rejectsFile, output, rejects, sink) = try CnabRun.outputs(args, context)

        // The payments are read (and sorted) while the agreements are read and indexed.
        let paymentsInput = ReconcilePayments(sources)
        let threads = ChunkPipeline<ReconcilePayments, Void>.defaultThreads
        // Taken apart, not copied out of the tuple: a second reference to the reconciler's
        // arrays would have its first payment copy them all (copy on write).
        var (reconciler, agreementsRead, agreementsRejected, agreementsSkipped) = try paymentsInput.run(threads: threads) {
            try readAgreements(agreementsPath, agreementsSource, io, options, sink)
        }
        try paymentsInput.report(to: sink)
        let (read, rejected, skipped) = (paymentsInput.read, paymentsInput.rejected, paymentsInput.skipped)

        // Counted by code: a dictionary would hash each payment's outcome and rule.
        var byRule = [Int](repeating: 0, count: MatchRule.all.count)
        var byOutcome = [Int](repeating: 0, count: Outcome.all.count)
        var matched = 0, exceptions = 0
        // Matched payments whose late charges could not be computed (each an error on stderr).
        var chargesUnknown = 0
        let formatting = ReconcileRecords.Formatting(
            agreements: reconciler.agreements, payments: paymentsInput.payments, names: reconciler.agreements.map { ($0.id, $0.partyDocument) },
            rejectedNames: reconciler.rejectedAgreements.map { ($0.id, $0.partyDocument) }, hasRules: reconciler.hasRules, asOf: asOf)
        let records = ChunkPipeline<ReconcileRecords, ReconcileRecords.Formatting>(
            threads: ChunkPipeline<ReconcileRecords, ReconcileRecords.Formatting>.defaultThreads, state: { formatting },
            make: { ReconcileRecords() }, reset: { $0.reset() }, isEmpty: { $0.isEmpty }, work: { chunk, f in chunk.format(f) })
        defer { records.stop() }
        /// Queues a record, handing the chunk on when full.
        func flushIfFull() throws {
            if records.current.count >= ReconcileRecords.capacity { try records.flush(final: false) { try $0.write(to: output) } }
        }
        let prepared = reconciler.prepare(paymentsInput.payments, inOrder: paymentsInput.order, threads: ChunkPipeline<ReconcileRecords, ReconcileRecords.Formatting>.defaultThreads)
        try reconciler.reconcile(paymentsInput.payments, prepared: prepared) { (m: Applied) in
            if let problem = m.chargesProblem {
                chargesUnknown += 1
                let p = formatting.payments[m.payment]
                // The match stands (the payment went to its installment), but its late charges are
                // unknown: an error, so the run exits 65 and nobody takes the zero for an answer.
                sink.report(
                    Diagnostic(
                        .error, DiagnosticCode(rawValue: problem.code),
                        "late charges of this payment not computed: \(problem.message)", file: p.sourceFile,
                        line: p.sourceLine))
            }
            if m.creditOverflow {
                let p = formatting.payments[m.payment]
                sink.report(
                    Diagnostic(
                        .error, "reconcile.credit-overflow",
                        "the credit of agreement \(m.agreement.map { formatting.names[$0].id } ?? "?") passes \(Int.max) centavos with this payment: held there, not a total to trust",
                        file: p.sourceFile, line: p.sourceLine))
            }
            byOutcome[Int(m.outcome.code)] += 1
            if m.outcome.isException {
                exceptions += 1
            } else {
                matched += 1
                if let r = m.rule { byRule[Int(r.code)] += 1 }
                if check { return }
            }
            records.current.add(m)
            try flushIfFull()
        }
        let paymentCount = paymentsInput.payments.count
        if io.exitsAfterCommand { io.keepUntilExit(paymentsInput) } else { paymentsInput.release() }
        var byStatus: [String: Int] = [:]
        for k in reconciler.agreements.indices {
            let s = reconciler.standing(of: k, asOf: asOf)
            byStatus[s.status, default: 0] += 1
            if check { continue }
            records.current.add(status: k, s)
            try flushIfFull()
        }
        try records.flush(final: true) { try $0.write(to: output) }
        // A million agreements, payments and their indexes are left to the exit, not freed one
        // string at a time.
        io.keepUntilExit(reconciler)
        io.keepUntilExit(formatting)
        try output.finish()
        try rejects?.finish()
        try rejectsFile?.commit()
        try outputFile?.commit()

        let inputName = inputs.joined(separator: " ")
        io.say(
            "reconcile: \(inputName): read \(read) records: \(paymentCount) payments, \(rejected) rejected, \(skipped) skipped; "
                + "\(matched) matched (" + MatchRule.all.map { "\($0.rawValue) \(byRule[Int($0.code)])" }.joined(separator: ", ") + "), "
                + "\(exceptions) exceptions ("
                + Outcome.all.filter(\.isException).map { "\($0.rawValue) \(byOutcome[Int($0.code)])" }.joined(separator: ", ") + ")"
                + (chargesUnknown > 0 ? "; late charges not computed for \(chargesUnknown) matched payments (errors above)" : ""))
        io.say(
            // Every line counted once: read = taken + rejected + skipped (blank lines, other records).
            "reconcile: \(agreementsPath): read \(agreementsRead + agreementsSkipped) records: "
                + "\(reconciler.agreements.count) agreements taken, \(agreementsRejected) rejected, \(agreementsSkipped) skipped; as of \(asOf): "
                + ["current", "settled", "broken", "cancelled"].map { "\($0) \(byStatus[$0] ?? 0)" }.joined(separator: ", "))
        if sink.errors > 0 { return .dataError }
        return check && exceptions > 0 ? .no : .ok
    }

    /// Reads the agreements, checked one by one and then against each other (reporting those
    /// refused, and keeping the keys of those refused one by one for the reconciler), into a
    /// reconciler; with the agreements read, rejected and skipped.
    static func readAgreements(_ path: String, _ source: ByteSource, _ io: IO, _ options: MatchOptions, _ sink: DiagnosticSink) throws -> (
        Reconciler, read: Int, rejected: Int, skipped: Int
    ) {
        var taken: [Agreement] = []
        var refused: [RejectedAgreement] = []
        var lines: [Int] = []
        // The raw lines are needed only for the agreements whose keys clash (rare): a regular
        // file is read again for them, through the descriptor it was read with (so the same
        // file, whatever was renamed over its path meanwhile); anything else (standard input,
        // a FIFO, `/dev/stdin`, a shell's `<(…)`), which read again would give nothing, or wait
        // for a writer that never comes, is kept in one buffer (no array per line).
        let file = path == "-" ? nil : source as? FileSource
        let stamp = file?.regularFileStamp
        let keepRaw = stamp == nil
        var kept: [UInt8] = []
        var keptEnds: [Int] = []
        var read = 0, rejected = 0, skipped = 0
        // Room for as many agreements as the file may hold (one is rarely under 256 bytes), up to
        // 1M, as for payments (`ReconcilePayments.run`): no copies into fresh, zeroed memory.
        if let size = file?.bytesLeft, size > 0 {
            let room = min(size / 256, 1 << 20) + 16
            taken.reserveCapacity(room)
            lines.reserveCapacity(room)
        }
        let counts = try JSONLInput(name: path, source: source).forEachRecord(stage: "agreement", sink: sink) {
            tape, line, raw in
            guard tape.recordKind == "agreement" else {
                skipped += 1
                return true
            }
            read += 1
            do {
                let agreement = try Agreement(tape)
                if let w = PartyDocument.problem(agreement.partyDocument, code: "agreement.document", member: "party_document", in: tape) {
                    sink.report(w.warning(file: path, line: line, raw: raw))
                }
                taken.append(agreement)
                lines.append(line)
                if keepRaw {
                    kept.append(contentsOf: raw)
                    keptEnds.append(kept.count)
                }
            } catch let error as ReconcileError {
                rejected += 1
                sink.report(error.diagnostic(file: path, line: line, raw: raw))
                let keys = RejectedAgreement(tape)
                if keys.hasKeys { refused.append(keys) }
            }
            return true
        }
        read += counts.malformed
        rejected += counts.malformed
        skipped += counts.blank
        let ids = taken.map(\.id)
        let reconciler = Reconciler(agreements: consume taken, refused: refused, options: options)
        guard !reconciler.rejected.isEmpty else { return (reconciler, read, rejected, skipped) }
        var clashing: [(line: Int, index: Int, error: ReconcileError)] = []
        for (k, id) in ids.enumerated() {
            if let e = reconciler.rejected[id] { clashing.append((lines[k], k, e)) }
        }
        var raws: [Int: [UInt8]] = [:]
        if keepRaw {
            for c in clashing { raws[c.line] = Array(kept[(c.index == 0 ? 0 : keptEnds[c.index - 1])..<keptEnds[c.index]]) }
        } else {
            // A file changed in place meanwhile has other lines there now: none is quoted.
            if let file, file.regularFileStamp == stamp, file.rewind() { raws = try rawLines(Set(clashing.map(\.line)), of: file) }
        }
        for c in clashing {
            rejected += 1
            // At the column of the value it is about (the id, the clashing key) when the line is at hand.
            if let raw = raws[c.line] {
                sink.report(raw.withUnsafeBufferPointer { c.error.diagnostic(file: path, line: c.line, raw: $0) })
            } else {
                sink.report(Diagnostic(.error, DiagnosticCode(rawValue: c.error.code), c.error.message, file: path, line: c.line))
            }
        }
        return (reconciler, read, rejected, skipped)
    }

    /// The raw bytes of the given lines of a file (a CR before the LF left out, as `JSONLInput`
    /// hands them), read again; a line the file no longer has is left out.
    static func rawLines(_ wanted: Set<Int>, of source: ByteSource) throws -> [Int: [UInt8]] {
        var found: [Int: [UInt8]] = [:]
        guard let last = wanted.max() else { return found }
        // Through `JSONLSource`, as it was read the first time (a UTF-16 file's lines as UTF-8).
        var reader = LineReader(JSONLSource.reading(source), maxLineLength: LineReader.maxJSONLLineLength)
        defer { reader.close() }
        try reader.forEachLine { line, number, _ in
            if wanted.contains(number) {
                var bytes = line
                if bytes.last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
                found[number] = Array(bytes)
            }
            return number < last
        }
        return found
    }

    static func today() -> CivilDate {
        CivilDate(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// The first members of a match record, by outcome: `"record":"match","outcome":"exact"`…,
    /// as `BufferObject.string` writes them.
    static let matchHeads: [[UInt8]] = Outcome.all.map { outcome in
        var b = ByteBuffer(capacity: 64)
        defer { b.deallocate() }
        var w = BufferObject(&b)
        w.string("record", "match")
        w.string("outcome", outcome.rawValue)
        return Array(b.bytes.dropFirst())
    }

    /// A match record's `"rule":"…"` member, by rule.
    static let ruleMembers: [[UInt8]] = MatchRule.all.map { rule in
        var b = ByteBuffer(capacity: 64)
        defer { b.deallocate() }
        var w = BufferObject(&b)
        w.string("rule", rule.rawValue)
        return Array(b.bytes.dropFirst())
    }

    static func matchRecord(
        _ m: UnsafePointer<Applied>, _ payments: UnsafeBufferPointer<Payment>, _ names: [(id: String, party: String)], _ rejectedNames: [(id: String?, party: String?)], _ hasRules: Bool,
        into b: inout ByteBuffer
    ) {
        var w = BufferObject(&b)
        // `"record":"match","outcome":"…"` and `"rule":"…"` as written once for each outcome
        // and rule, copied whole.
        matchHeads[Int(m.pointee.outcome.code)].withUnsafeBufferPointer { w.members($0) }
        if let rule = m.pointee.rule { ruleMembers[Int(rule.code)].withUnsafeBufferPointer { w.members($0) } }
        if let a = m.pointee.agreement {
            w.string("agreement_id", names[a].id)
            w.string("party_document", names[a].party)
        } else if let r = m.pointee.rejectedAgreement {
            // The rejected agreement, as far as its record told it.
            if let id = rejectedNames[r].id { w.string("agreement_id", id) }
            if let party = rejectedNames[r].party { w.string("party_document", party) }
        }
        if let i = m.pointee.installment { w.int("installment", i) }
        if let d = m.pointee.dueDate { w.date("due_date", d) }
        // Read through a pointer: a copy of the payment retains every string.
        let p = payments.baseAddress! + m.pointee.payment
        w.open("payment")
        w.string("kind", p.pointee.kind)
        if let v = p.pointee.nossoNumero { w.string("nosso_numero", v) }
        if let v = p.pointee.documentNumber { w.string("document_number", v) }
        if let v = p.pointee.partyDocument { w.string("payer_document", v) }
        if let v = p.pointee.reference { w.string("reference", v) }
        w.int("paid_cents", p.pointee.paidCents)
        w.date("date", p.pointee.date)
        w.close()
        if !m.pointee.outcome.isException {
            w.int("applied_cents", m.pointee.appliedCents)
            w.int("balance_cents", m.pointee.balanceCents)
            w.int("credit_cents", m.pointee.creditCents)
            if m.pointee.writtenOffCents > 0 { w.int("written_off_cents", m.pointee.writtenOffCents) }
            w.int("days_late", m.pointee.daysLate)
            if hasRules, m.pointee.chargesProblem == nil {
                w.int("late_charges_cents", m.pointee.lateChargesCents)
                w.int("charges_paid_cents", m.pointee.chargesPaidCents)
            }
        }
        if let d = m.pointee.duplicateOf {
            w.open("duplicate_of")
            w.string("file", payments[d].sourceFile)
            w.int("line", payments[d].sourceLine)
            w.close()
        }
        w.open("source")
        w.string("file", p.pointee.sourceFile)
        w.int("line", p.pointee.sourceLine)
        w.close()
        w.finish()
    }

    static func statusRecord(_ a: UnsafePointer<Agreement>, _ s: AgreementStanding, asOf: CivilDate, into b: inout ByteBuffer) {
        var w = BufferObject(&b)
        w.string("record", "agreement_status")
        w.string("agreement_id", a.pointee.id)
        w.string("party_document", a.pointee.partyDocument)
        w.date("as_of", asOf)
        w.string("status", s.status)
        if let rule = s.brokenRule {
            w.open("broken")
            w.string("rule", rule)
            if let i = s.brokenInstallment { w.int("installment", i) }
            if let on = s.brokenOn { w.date("on", on) }
            w.close()
        }
        w.int("total_cents", a.pointee.totalCents)
        w.int("paid_cents", s.paidCents)
        w.int("open_cents", s.openCents)
        w.int("overdue_cents", s.overdueCents)
        w.int("credit_cents", s.creditCents)
        w.int("installments", a.pointee.installments.count)
        w.int("installments_paid", s.installmentsPaid)
        if let n = s.nextDue {
            w.open("next_due")
            w.int("installment", n.number)
            w.date("due_date", n.dueDate)
            w.int("balance_cents", n.balanceCents)
            w.close()
        }
        w.finish()
    }
}

/// Appends one JSON object straight into a writer's buffer, member by member.
struct BufferObject: ~Copyable {
    let buffer: UnsafeMutablePointer<ByteBuffer>
    var first = true

    init(_ b: inout ByteBuffer) {
        buffer = withUnsafeMutablePointer(to: &b) { $0 }
        buffer.pointee.append(UInt8(ascii: "{"))
    }

    /// `,"name":` written in place after one capacity check (a match record has ~20 keys).
    mutating func key(_ name: StaticString) {
        let n = name.utf8CodeUnitCount
        buffer.pointee.reserve(n + 4)
        // In bounds: the reserve above made room for the comma, two quotes, the colon and the name.
        var p = buffer.pointee.base + buffer.pointee.count
        if !first {
            p.pointee = UInt8(ascii: ",")
            p += 1
        }
        first = false
        p[0] = UInt8(ascii: "\"")
        Self.copy(name.utf8Start, to: p + 1, count: n)
        p[n + 1] = UInt8(ascii: "\"")
        p[n + 2] = UInt8(ascii: ":")
        buffer.pointee.count = p + n + 3 - buffer.pointee.base
    }

    /// Copies `n` bytes: 4 to 16 (nearly all names and values here) as two overlapping words
    /// each way, not through a `memcpy` call.
    @inline(__always)
    static func copy(_ from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, count n: Int) {
        let a = UnsafeRawPointer(from)
        let b = UnsafeMutableRawPointer(to)
        if n >= 8 && n <= 16 {
            b.storeBytes(of: a.loadUnaligned(as: UInt64.self), as: UInt64.self)
            b.storeBytes(of: a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            b.storeBytes(of: a.loadUnaligned(as: UInt32.self), as: UInt32.self)
            b.storeBytes(of: a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self), toByteOffset: n - 4, as: UInt32.self)
        } else {
            to.update(from: from, count: n)
        }
    }

    mutating func string(_ name: StaticString, _ value: String) {
        key(name)
        // Printable ASCII with nothing to escape (ids, keys, documents, file names): quoted and
        // copied after one capacity check; anything else as `JSONBytes.appendString` writes it.
        let buffer = self.buffer
        let copied = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            let n = bytes.count
            guard n > 0, let from = bytes.baseAddress, Words.jsonClean(from, n) else { return false }
            buffer.pointee.reserve(n + 2)
            let p = buffer.pointee.base + buffer.pointee.count
            p[0] = UInt8(ascii: "\"")
            Self.copy(from, to: p + 1, count: n)
            p[n + 1] = UInt8(ascii: "\"")
            buffer.pointee.count += n + 2
            return true
        }
        if copied != true { JSONBytes.appendString(value, to: &buffer.pointee) }
    }

    mutating func int(_ name: StaticString, _ value: Int) {
        key(name)
        guard value >= 0 else { return JSONBytes.appendInt(value, to: &buffer.pointee) }
        // Digits written in place after one capacity check (20 covers Int.max's 19).
        buffer.pointee.reserve(20)
        var digits = 1
        var v = value
        while v >= 10 {
            v /= 10
            digits += 1
        }
        let p = buffer.pointee.base + buffer.pointee.count
        v = value
        for k in stride(from: digits - 1, through: 0, by: -1) {
            p[k] = UInt8(48 + v % 10)
            v /= 10
        }
        buffer.pointee.count += digits
    }

    mutating func date(_ name: StaticString, _ value: CivilDate) {
        key(name)
        buffer.pointee.reserve(12)
        value.writeQuoted(to: buffer.pointee.base + buffer.pointee.count)
        buffer.pointee.count += 12
    }

    /// Members written beforehand (`"a":1,"b":"x"`, without the braces), copied whole.
    mutating func members(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.pointee.reserve(bytes.count + 1)
        if !first { buffer.pointee.append(UInt8(ascii: ",")) }
        first = false
        buffer.pointee.appendBytes(bytes)
    }

    mutating func open(_ name: StaticString) {
        key(name)
        buffer.pointee.append(UInt8(ascii: "{"))
        first = true
    }

    mutating func close() {
        buffer.pointee.append(UInt8(ascii: "}"))
        first = false
    }

    consuming func finish() {
        buffer.pointee.append(UInt8(ascii: "}"))
    }
}
