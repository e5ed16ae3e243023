import Foundation
import Records
import Testing
import TrocaCLI

/// `troca reconcile` and `troca update` end to end: order independence, repeat runs, the
/// summary's arithmetic, --check and --output.
@Suite struct ReconcileCLITests {
    static let outcomes = repoRoot + "/Fixtures/reconcile/0002-outcomes"

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The records without `source` (a shuffled input moves its lines).
    static func withoutSource(_ r: RunResult) -> [NSDictionary] {
        r.records.map { record in
            var d = record
            d["source"] = nil
            return d as NSDictionary
        }
    }

    static func reconcile(_ dir: String, payments: [String], agreements: [String]) throws -> RunResult {
        try agreements.joined(separator: "\n").appending("\n").write(toFile: dir + "/acordos.jsonl", atomically: true, encoding: .utf8)
        return troca(
            ["reconcile", "--agreements", "acordos.jsonl", "--as-of", "2026-11-23", "--rules", outcomes + "/regras.json", "--tolerance-cents", "20"],
            stdin: Array((payments.joined(separator: "\n") + "\n").utf8), cwd: dir)
    }

    @Test func shuffledInputsGiveTheSameRecords() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-rec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let payments = try Self.lines(Self.outcomes + "/payments.jsonl")
        let agreements = try Self.lines(Self.outcomes + "/acordos.jsonl")
        let base = try Self.reconcile(dir, payments: payments, agreements: agreements)
        #expect(base.status == .ok)
        #expect(base.records.count == 15)
        var rng = SplitMix64(seed: 42)
        for _ in 0..<4 {
            var p = payments
            var a = agreements
            for i in stride(from: p.count - 1, to: 0, by: -1) { p.swapAt(i, rng.below(i + 1)) }
            for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, rng.below(i + 1)) }
            #expect(p != payments || a != agreements)
            let shuffled = try Self.reconcile(dir, payments: p, agreements: a)
            #expect(Self.withoutSource(shuffled) == Self.withoutSource(base))
            #expect(shuffled.stderrText.split(separator: "\n").first == base.stderrText.split(separator: "\n").first)
        }
    }

    @Test func theSameRunTwiceGivesTheSameBytes() {
        let args = ["reconcile", "--agreements", "acordos.jsonl", "--as-of", "2026-11-23", "--rules", "regras.json", "payments.jsonl"]
        let a = troca(args, cwd: Self.outcomes)
        let b = troca(args, cwd: Self.outcomes)
        #expect(!a.stdout.isEmpty)
        #expect(a.stdout == b.stdout && a.stderr == b.stderr)
    }

    /// The numbers of the summary line: read = payments + rejected + skipped, payments = matched
    /// + exceptions, matched = the sum by rule, exceptions = the sum by kind, one match record
    /// per payment.
    @Test(arguments: ["0001-sample", "0002-outcomes", "0003-bad-input", "0005-same-retorno-twice"])
    func summaryAddsUp(_ fixture: String) throws {
        let dir = repoRoot + "/Fixtures/reconcile/" + fixture
        let cmd = try String(contentsOfFile: dir + "/cmd", encoding: .utf8)
        let stdin = FileManager.default.contents(atPath: dir + "/stdin").map { [UInt8]($0) } ?? []
        let r = troca(Array(shellWords(cmd).dropFirst()), stdin: stdin, cwd: dir)
        let line = try #require(r.stderrText.split(separator: "\n").first { $0.contains("payments,") })
        let n = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // read, payments, rejected, skipped, matched, 3 rules, exceptions, 6 kinds
        #expect(n.count == 15, "\(line)")
        guard n.count == 15 else { return }
        #expect(n[0] == n[1] + n[2] + n[3])
        #expect(n[1] == n[4] + n[8])
        #expect(n[4] == n[5] + n[6] + n[7])
        #expect(n[8] == n[9...].reduce(0, +))
        #expect(r.records.filter { $0["record"] as? String == "match" }.count == n[1])
    }

    @Test func checkWritesOnlyExceptionsAndAnswersNo() {
        let dir = Self.outcomes
        let r = troca(["reconcile", "--agreements", "acordos.jsonl", "--as-of", "2026-11-23", "--check", "payments.jsonl"], cwd: dir)
        #expect(r.status == .no)
        let outcomes = r.records.compactMap { $0["outcome"] as? String }
        #expect(outcomes.count == r.records.count && !outcomes.isEmpty)
        #expect(!outcomes.contains("exact") && !outcomes.contains("partial") && outcomes.contains("duplicate"))
        let sample = repoRoot + "/Fixtures/reconcile/0001-sample"
        let clean = troca(
            ["reconcile", "--agreements", "../../samples/reconcile/acordos.jsonl", "--as-of", "2026-11-23", "--check", "stdin"], cwd: sample)
        #expect(clean.status == .ok && clean.stdout.isEmpty)
    }

    /// The agreements' summary counts every line once: blank lines and other records are
    /// skipped lines, so read = taken + rejected + skipped (the read count used to leave them out).
    @Test func agreementsSummaryAddsUp() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-rec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sample = try String(contentsOfFile: repoRoot + "/Fixtures/samples/reconcile/acordos.jsonl", encoding: .utf8)
        try (sample + "\n\n{\"record\":\"party\"}\n").write(toFile: dir + "/acordos.jsonl", atomically: true, encoding: .utf8)
        let r = troca(["reconcile", "--agreements", dir + "/acordos.jsonl", "--as-of", "2026-11-23", Self.outcomes + "/payments.jsonl"])
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains("read 7 records: 4 agreements taken, 0 rejected, 3 skipped"), "\(r.stderrText)")
    }

    @Test func outputIsWrittenAtomicallyToAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-rec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = troca(
            ["reconcile", "--agreements", Self.outcomes + "/acordos.jsonl", "--as-of", "2026-11-23", Self.outcomes + "/payments.jsonl",
             "--output", dir + "/out.jsonl"])
        #expect(r.status == .ok && r.stdout.isEmpty)
        let written = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8)
        #expect(written.split(separator: "\n").count == 15)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.jsonl"])
    }

    @Test func usageAndConfigErrors() {
        #expect(troca(["reconcile"]).status == .usage)
        #expect(troca(["reconcile", "--agreements", "x", "--as-of", "2026-02-30"]).status == .usage)
        #expect(troca(["reconcile", "--agreements", "nowhere.jsonl"]).status == .noInput)
        #expect(troca(["update", "--as-of", "2026-11-23"]).status == .usage)
        let bad = troca(["update", "--as-of", "2026-11-23", "--rules", "Fixtures/update/0003-bad-rules/regras.json"])
        #expect(bad.status == .config)
    }

    @Test func updateSummaryAddsUp() throws {
        let dir = repoRoot + "/Fixtures/update/0002-bad-titles"
        let cmd = try String(contentsOfFile: dir + "/cmd", encoding: .utf8)
        let stdin = [UInt8](FileManager.default.contents(atPath: dir + "/stdin")!)
        let r = troca(Array(shellWords(cmd).dropFirst()), stdin: stdin, cwd: dir)
        let line = try #require(r.stderrText.split(separator: "\n").last)
        let n = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // read, written, rejected, skipped, demonstrativos
        #expect(n.count == 5 && n[0] == n[1] + n[2] + n[3])
        #expect(r.records.filter { $0["record"] as? String == "update" }.count == n[1])
        #expect(r.status == .dataError)
    }

    /// A payment whose key is a rejected agreement's is a `rejected_agreement` naming it, not
    /// `unmatched`: agreements refused when read (with or without an id) as well as those left
    /// out for clashing keys or a repeated id; a taken agreement's key still wins.
    @Test func paymentsOfRejectedAgreementsAreToldFromUnknownOnes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let agreements = [
            // Taken: nosso número 1.
            #"{"record":"agreement","id":"OK","party_document":"11144477735","created_on":"2026-09-01","total_cents":1000,"installments":[{"number":1,"due_date":"2026-10-10","amount_cents":1000,"nosso_numero":"1"}]}"#,
            // Refused when read (does not add up): nosso número 2, and the taken one's 1.
            #"{"record":"agreement","id":"SUM","party_document":"52998224725","created_on":"2026-09-01","total_cents":999,"installments":[{"number":1,"due_date":"2026-10-10","amount_cents":500,"nosso_numero":"2"},{"number":2,"due_date":"2026-11-10","amount_cents":500,"nosso_numero":"1"}]}"#,
            // Refused when read, no id: document number N/1.
            #"{"record":"agreement","party_document":"12345678909","created_on":"2026-09-01","total_cents":1000,"installments":[{"number":1,"due_date":"2026-10-10","amount_cents":1000,"document_number":"N/1"}]}"#,
            // Left out: nosso número 3 given to both.
            #"{"record":"agreement","id":"C2","party_document":"11144477735","created_on":"2026-09-01","total_cents":1000,"installments":[{"number":1,"due_date":"2026-10-10","amount_cents":1000,"nosso_numero":"3"}]}"#,
            #"{"record":"agreement","id":"C1","party_document":"11144477735","created_on":"2026-09-01","total_cents":1000,"installments":[{"number":1,"due_date":"2026-10-10","amount_cents":1000,"nosso_numero":"3"}]}"#,
        ]
        try (agreements.joined(separator: "\n") + "\n").write(toFile: dir + "/acordos.jsonl", atomically: true, encoding: .utf8)
        let payments = [
            #"{"record":"payment","nosso_numero":"0001","paid_cents":1000,"payment_date":"2026-10-01"}"#,
            #"{"record":"event","event":"paid","nosso_numero":"00000000002","paid_cents":500,"occurrence_date":"2026-10-02"}"#,
            #"{"record":"payment","document_number":"N/1","paid_cents":1000,"payment_date":"2026-10-03"}"#,
            #"{"record":"payment","nosso_numero":"3","paid_cents":1000,"payment_date":"2026-10-04"}"#,
            #"{"record":"payment","nosso_numero":"9","paid_cents":1000,"payment_date":"2026-10-05"}"#,
        ]
        let stdin = Array((payments.joined(separator: "\n") + "\n").utf8)
        let args = ["reconcile", "--agreements", "acordos.jsonl", "--as-of", "2026-11-23"]
        let r = troca(args, stdin: stdin, cwd: dir)
        #expect(r.status == .dataError, "\(r.stderrText)")
        let matches = r.records.filter { $0["record"] as? String == "match" }
        let seen = matches.map { m in
            [m["outcome"], m["rule"], m["agreement_id"], m["party_document"]].map { ($0 as? String) ?? "-" }.joined(separator: " ")
        }
        #expect(
            seen == [
                "exact nosso_numero OK 11144477735", "rejected_agreement nosso_numero SUM 52998224725",
                "rejected_agreement document_number - 12345678909", "rejected_agreement nosso_numero C1 11144477735",
                "unmatched - - -",
            ])
        // An exception: nothing applied, no amounts.
        #expect(matches[1]["applied_cents"] == nil && matches[1]["balance_cents"] == nil && matches[1]["installment"] == nil)
        #expect(r.stderrText.contains("unmatched 1, broken_agreement 0, settled_agreement 0, cancelled_agreement 0, rejected_agreement 3)"))
        #expect(r.stderrText.contains("5 payments, 0 rejected, 0 skipped; 1 matched (nosso_numero 1, document_number 0, "))
        #expect(r.stderrText.contains("party_amount_date 0), 4 exceptions (duplicate 0, "))
        #expect(r.stderrText.contains("read 5 records: 1 agreements taken, 4 rejected"))

        let check = troca(args + ["--check"], stdin: stdin, cwd: dir)
        let exceptions = check.records.compactMap { $0["outcome"] as? String }
        #expect(exceptions == ["rejected_agreement", "rejected_agreement", "rejected_agreement", "unmatched"])
    }

    /// Late charges that cannot be computed (the index lacks December) are an error, not a zero:
    /// the payment still goes to its installment, the match has no late_charges_cents, exit 65.
    @Test func lateChargesWithoutTheirIndexMonthAreAnError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let agreement = #"{"record":"agreement","id":"A","party_document":"52998224725","created_on":"2026-09-01","total_cents":100000,"installments":[{"number":1,"due_date":"2026-10-10","amount_cents":100000,"nosso_numero":"77"}],"break_rule":{"overdue_days":90}}"#
        try (agreement + "\n").write(toFile: dir + "/acordos.jsonl", atomically: true, encoding: .utf8)
        try #"{"fine_percent":2,"interest_percent":1,"correction":true}"#.write(toFile: dir + "/regras.json", atomically: true, encoding: .utf8)
        try "month,rate_percent\n2026-10,0.5\n2026-11,0.5\n".write(toFile: dir + "/indice.csv", atomically: true, encoding: .utf8)
        let payment = #"{"record":"payment","nosso_numero":"77","paid_cents":120000,"payment_date":"2026-12-05"}"#
        let r = troca(
            ["reconcile", "--agreements", "acordos.jsonl", "--as-of", "2026-12-10", "--rules", "regras.json", "--index", "indice.csv"],
            stdin: Array((payment + "\n").utf8), cwd: dir)
        #expect(r.status == .dataError)
        #expect(r.stderrText.contains("[update.index-missing] late charges of this payment not computed"), "\(r.stderrText)")
        // Counted in the summary too: the run's 65 is explained there, not only by the error lines.
        #expect(r.stderrText.contains("late charges not computed for 1 matched payments (errors above)"), "\(r.stderrText)")
        let match = try #require(r.records.first { $0["record"] as? String == "match" })
        #expect(match["outcome"] as? String == "late")
        #expect(match["late_charges_cents"] == nil)
    }
}

extension BinaryTests {
    /// `reconcile` on 1, 2 and 3 threads (TROCA_THREADS, real processes; with two or more the
    /// payments are read while the agreements are): the same matches, statuses, rejects,
    /// diagnostics in the same order, summary and exit status, on agreements and payments
    /// with bad records of every kind among them (refused one by one, ids given twice, keys
    /// clashing, lines that are not JSON, blank lines, records that are not payments).
    @Test func reconcileThreadsChangeNoByte() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var agreements: [String] = []
        for k in 0..<3_000 {
            let a = 10_000 + k * 7
            var total = 2 * a + 500
            var nosso = 2 * k + 1
            switch k % 401 {
            case 37: total += 1  // installments that do not add up
            case 211: nosso = 2 * (k - 5) + 1  // a nosso número another agreement has
            default: break
            }
            let id = k % 503 == 300 ? k - 1 : k  // an id given twice
            agreements.append(
                #"{"record":"agreement","id":"T\#(String(format: "%05d", id))","party_document":"\#(String(format: "%011d", k))","created_on":"2026-01-01","total_cents":\#(total),"down_payment":{"due_date":"2026-01-05","amount_cents":500,"document_number":"T\#(k)/0"},"installments":[{"number":1,"due_date":"2026-02-01","amount_cents":\#(a),"nosso_numero":"\#(nosso)","document_number":"T\#(k)/1"},{"number":2,"due_date":"2026-03-01","amount_cents":\#(a),"nosso_numero":"\#(2 * k + 2)","document_number":"T\#(k)/2"}],"break_rule":{"overdue_days":30}}"#
            )
            if k % 997 == 500 { agreements.append("not json \(k)") }
            if k % 701 == 1 { agreements.append("") }
        }
        var payments: [String] = []
        for n in 0..<9_000 {
            let k = (n * 7_919) % 3_000
            let a = 10_000 + k * 7
            let day = String(format: "2026-%02d-%02d", 1 + n % 4, 1 + n % 28)
            switch n % 113 {
            case 5: payments.append(#"{"record":"payment","paid_cents":100,"payment_date":"\#(day)"}"#)  // no key
            case 17: payments.append(#"{"record":"payment","nosso_numero":"\#(2 * k + 1)","paid_cents":-3,"payment_date":"\#(day)"}"#)
            case 29: payments.append("{\"record\":")
            case 41: payments.append("")
            case 53: payments.append(#"{"record":"title","nosso_numero":"1"}"#)
            case 67: payments.append(payments[payments.count - 10])  // the same payment again
            default:
                switch n % 5 {
                case 0, 1: payments.append(#"{"record":"event","event":"paid","nosso_numero":"000\#(2 * k + 1 + n % 2)","paid_cents":\#(a - n % 3),"occurrence_date":"\#(day)"}"#)
                case 2: payments.append(#"{"record":"payment","document_number":"T\#(k)/0","paid_cents":500,"payment_date":"\#(day)","reference":"R\#(n)"}"#)
                case 3: payments.append(#"{"record":"payment","payer":{"document":"\#(String(format: "%011d", k))"},"paid_cents":\#(a),"payment_date":"2026-02-0\#(1 + n % 9)"}"#)
                default: payments.append(#"{"record":"payment","nosso_numero":"X\#(n)","paid_cents":\#(n + 1),"payment_date":"\#(day)"}"#)
                }
            }
        }
        try (agreements.joined(separator: "\n") + "\n").write(toFile: dir + "/acordos.jsonl", atomically: true, encoding: .utf8)
        let half = payments.count / 2
        try (payments[..<half].joined(separator: "\n") + "\n").write(toFile: dir + "/p1.jsonl", atomically: true, encoding: .utf8)
        try (payments[half...].joined(separator: "\n") + "\n").write(toFile: dir + "/p2.jsonl", atomically: true, encoding: .utf8)
        let outcomes = try outputsWithThreads(
            "'\(binary)' reconcile --agreements acordos.jsonl --as-of 2026-03-20 --rejects rej.jsonl p1.jsonl - < p2.jsonl > out.jsonl 2> err.txt; echo status=$?; md5sum out.jsonl rej.jsonl err.txt | cut -c1-32; wc -l < out.jsonl rej.jsonl; tail -2 err.txt", cwd: dir)
        #expect(outcomes[0].contains("status=65"), "\(outcomes[0])")
        for code in ["agreement.total", "agreement.duplicate", "agreement.key-conflict", "agreement.json", "reconcile.payment-key", "reconcile.payment-amount", "reconcile.json"] {
            #expect(try String(contentsOfFile: dir + "/rej.jsonl", encoding: .utf8).contains(code), "\(code)")
        }
        #expect(outcomes[0].contains("duplicate ") && !outcomes[0].contains("duplicate 0,"), "\(outcomes[0])")
        #expect(outcomes[1] == outcomes[0] && outcomes[2] == outcomes[0], "\(outcomes)")
    }
}

/// Agreements whose keys clash are rejected with their own lines' bytes, whether the
/// agreements come from a file (read again for those lines) or from standard input.
@Suite struct ReconcileKeyConflictRawTests {
    static let agreements = [
        #"{"record":"agreement","id":"A1","party_document":"11144477735","created_on":"2026-01-02","total_cents":1000,"installments":[{"number":1,"due_date":"2026-02-01","amount_cents":1000,"nosso_numero":"777"}]}"#,
        #"{"record":"agreement","id":"A2","party_document":"11144477735","created_on":"2026-01-02","total_cents":500,"installments":[{"number":1,"due_date":"2026-02-01","amount_cents":500,"nosso_numero":"0000123"}]}"#,
        #"{"record":"agreement","id":"A3","party_document":"52998224725","created_on":"2026-01-03","total_cents":700,"installments":[{"number":1,"due_date":"2026-02-03","amount_cents":700,"nosso_numero":"123"}]}"#,
    ]

    func rejectsRaw(fromStdin: Bool) throws -> (RunResult, [String: String]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-keyraw-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The second line ends in CR LF: its raw bytes are given without the CR, as for any line.
        let text = Self.agreements[0] + "\n" + Self.agreements[1] + "\r\n" + Self.agreements[2] + "\n"
        try "".write(toFile: dir + "/none.jsonl", atomically: true, encoding: .utf8)
        let result: RunResult
        if fromStdin {
            result = troca(
                ["reconcile", "--agreements", "-", "--as-of", "2026-03-01", "--rejects", "rej.jsonl", "none.jsonl"], stdin: Array(text.utf8),
                cwd: dir)
        } else {
            try text.write(toFile: dir + "/acordos.jsonl", atomically: true, encoding: .utf8)
            result = troca(["reconcile", "--agreements", "acordos.jsonl", "--as-of", "2026-03-01", "--rejects", "rej.jsonl"], cwd: dir)
        }
        var raws: [String: String] = [:]
        for line in try String(contentsOfFile: dir + "/rej.jsonl", encoding: .utf8).split(separator: "\n") {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let source = record["source"] as? [String: Any]
            raws["\(record["code"] ?? "?")@\(source?["line"] ?? record["line"] ?? "?")"] = record["raw"] as? String
        }
        return (result, raws)
    }

    @Test(arguments: [false, true]) func clashingAgreementsCarryTheirOwnLines(fromStdin: Bool) throws {
        let (result, raws) = try rejectsRaw(fromStdin: fromStdin)
        #expect(result.status.rawValue == 65, "\(result.stderrText)")
        #expect(raws.count == 2, "\(raws)")
        #expect(raws["agreement.key-conflict@2"] == Self.agreements[1], "\(raws)")
        #expect(raws["agreement.key-conflict@3"] == Self.agreements[2], "\(raws)")
        #expect(result.stderrText.contains("2 rejected"), "\(result.stderrText)")
    }
}

/// Agreements read from a path that is not a regular file (`/dev/fd/N` of a pipe, as a shell's
/// `<(…)` or `/dev/stdin` give): it cannot be read again, so the clashing agreements' raw lines
/// are kept as standard input's are, not looked for in a second read that finds nothing.
@Suite struct ReconcileKeyConflictPipeTests {
    @Test func clashingAgreementsFromAPipeCarryTheirOwnLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-keypipe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "".write(toFile: dir + "/none.jsonl", atomically: true, encoding: .utf8)
        let agreements = ReconcileKeyConflictRawTests.agreements
        let text = Array((agreements.joined(separator: "\n") + "\n").utf8)
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]) }
        // Small enough for the pipe's buffer: written whole, then the writer closes.
        let written = text.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        try #require(written == text.count)
        let r = troca(
            ["reconcile", "--agreements", "/dev/fd/\(fds[0])", "--as-of", "2026-03-01", "--rejects", "rej.jsonl", "none.jsonl"], cwd: dir)
        #expect(r.status.rawValue == 65, "\(r.stderrText)")
        var raws: [Int: String] = [:]
        for line in try String(contentsOfFile: dir + "/rej.jsonl", encoding: .utf8).split(separator: "\n") {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let source = record["source"] as? [String: Any]
            if let n = (source?["line"] ?? record["line"]) as? Int { raws[n] = record["raw"] as? String }
        }
        #expect(raws[2] == agreements[1], "\(raws)")
        #expect(raws[3] == agreements[2], "\(raws)")
    }
}

/// Amounts past R$ 10 trilhões (`Cents.maximum`) are refused with their reason at their column,
/// as `update` refuses them; they used to trap once summed (an installment total, a credit).
@Suite struct ReconcileAmountLimitTests {
    @Test func amountsPastTheMostAreRefusedNotTrapped() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let huge = 999_999_999_999_999_999
        let most = 1_000_000_000_000_000  // Cents.maximum, R$ 10 trilhões
        let big = (1...10).map { #"{"number":\#($0),"due_date":"2026-02-\#(10 + $0)","amount_cents":\#(huge)}"# }
        let small = (1...3).map { #"{"number":\#($0),"due_date":"2026-02-\#(10 + $0)","amount_cents":100,"nosso_numero":"K\#($0)"}"# }
        let agreements = [
            #"{"record":"agreement","id":"O1","party_document":"52998224725","created_on":"2026-01-05","total_cents":\#(huge),"installments":[\#(big.joined(separator: ","))]}"#,
            #"{"record":"agreement","id":"O2","party_document":"52998224725","created_on":"2026-01-05","total_cents":300,"installments":[\#(small.joined(separator: ","))]}"#,
        ]
        try (agreements.joined(separator: "\n") + "\n").write(toFile: dir + "/acordos.jsonl", atomically: true, encoding: .utf8)
        let payments = (1...3).map { #"{"record":"payment","nosso_numero":"K\#($0)","payment_date":"2026-02-10","paid_cents":\#(huge)}"# }
            + [#"{"record":"payment","nosso_numero":"K1","payment_date":"2026-02-10","paid_cents":\#(most)}"#]
        let r = troca(["reconcile", "--agreements", "acordos.jsonl", "--as-of", "2026-02-20"], stdin: Array((payments.joined(separator: "\n") + "\n").utf8), cwd: dir)
        #expect(r.status == .dataError)
        // The first installment's amount: where its value starts.
        let column = agreements[0].distance(from: agreements[0].startIndex, to: agreements[0].range(of: #""amount_cents":"#)!.upperBound) + 1
        #expect(r.stderrText.contains("acordos.jsonl:1:\(column): error: [agreement.amount] installment 1: expected amount_cents of at most 1000000000000000"), "\(r.stderrText)")
        #expect(r.stderrText.components(separatedBy: "[reconcile.payment-amount] expected paid_cents of at most").count == 4, "\(r.stderrText)")
        #expect(r.stderrText.contains("read 4 records: 1 payments, 3 rejected"), "\(r.stderrText)")
        let match = try #require(r.records.first { $0["record"] as? String == "match" })
        #expect(match["outcome"] as? String == "overpaid" && match["credit_cents"] as? Int == most - 100)
    }
}
