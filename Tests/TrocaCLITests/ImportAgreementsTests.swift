import Foundation
import Testing
import TrocaCLI

/// `troca import agreements` end to end: the sample against the nightly agreements, reconcile
/// reading what it writes, rows accounted for, rejects, outputs and threads.
@Suite struct ImportAgreementsTests {
    static let map = "maps/acordos.json"
    static let sample = "Fixtures/samples/imports/acordos.csv"
    static let header =
        "Acordo;CPF/CNPJ;Títulos de origem;Data do acordo;Valor do acordo;Dias para quebra;Dias para quebra da entrada;Situação;Parcela;Vencimento;Valor da parcela;Nosso número;Documento\n"

    /// Row `n` of agreement `id` (total `parts` × R$ 100,00), its own nosso número.
    static func row(_ id: String, _ n: Int, parts: Int, amount: String = "100,00") -> String {
        "\(id);529.982.247-25;NF-\(id);01/04/2026;\(parts)00,00;30;;;\(n);10/\(String(format: "%02d", n + 4))/2026;\(amount);;\(id)/\(n)\n"
    }

    /// The numbers of the summary line: rows read, written, rejected, skipped; agreements written, rejected.
    static func summary(_ stderr: String) -> [Int]? {
        guard let line = stderr.split(separator: "\n").last(where: { $0.contains(" rows: ") && $0.contains("agreements:") }) else {
            return nil
        }
        let n =
            line.split(separator: ":", maxSplits: 2).last.map { $0.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) } } ?? []
        return n.count == 6 ? n : nil
    }

    /// The records as dictionaries without `source`.
    static func withoutSource(_ records: [[String: Any]]) -> [NSDictionary] {
        records.map { r in
            var d = r
            d["source"] = nil
            return d as NSDictionary
        }
    }

    @Test("the sample CSV gives the nightly agreements, each with the line of its first row")
    func sampleGivesTheNightlyAgreements() throws {
        let r = troca(["import", "agreements", "--map", Self.map, Self.sample])
        #expect(r.status == .ok, "\(r.stderrText)")
        let nightly = try String(contentsOfFile: repoRoot + "/Fixtures/samples/nightly/acordos.jsonl", encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(!nightly.isEmpty)
        #expect(Self.withoutSource(r.records) == Self.withoutSource(nightly))
        // The first line of each id in the CSV (line 1 is the header).
        let csv = try String(contentsOfFile: repoRoot + "/" + Self.sample, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        var firstLine: [String: Int] = [:]
        for (k, line) in csv.enumerated().dropFirst() where !line.isEmpty {
            let id = String(line.split(separator: ";")[0])
            if firstLine[id] == nil { firstLine[id] = k + 1 }
        }
        for record in r.records {
            let source = record["source"] as? [String: Any]
            #expect(source?["line"] as? Int == firstLine[record["id"] as? String ?? ""])
            #expect(source?["file"] as? String == Self.sample)
        }
        let s = try #require(Self.summary(r.stderrText))
        #expect(s == [csv.count - 2, csv.count - 2, 0, 0, nightly.count, 0])
    }

    @Test("troca reconcile takes every agreement the import writes")
    func reconcileReadsWhatTheImportWrites() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = try String(contentsOfFile: repoRoot + "/Fixtures/import-agreements/0002-entrada-row/ACORDOS.csv", encoding: .utf8)
        let imported = troca(
            ["import", "agreements", "--map", repoRoot + "/" + Self.map, "-", "--output", dir + "/acordos.jsonl"], stdin: Array(csv.utf8))
        #expect(imported.status == .ok, "\(imported.stderrText)")
        let written = try String(contentsOfFile: dir + "/acordos.jsonl", encoding: .utf8).split(separator: "\n").count
        #expect(written == 2)
        let r = troca(["reconcile", "--agreements", dir + "/acordos.jsonl", "--as-of", "2026-11-23", "-"])
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains("read \(written) records: \(written) agreements taken, 0 rejected"), "\(r.stderrText)")
        // The entrada became installment 0 with its own rule (unpaid past its 5 days); the
        // status given by hand was kept.
        let statuses = r.records.filter { $0["record"] as? String == "agreement_status" }
        let broken = statuses.map { $0["broken"] as? [String: Any] }
        #expect(broken.map { $0?["rule"] as? String } == ["down_payment_days", "given"])
        #expect(broken.first??["installment"] as? Int == 0)
        #expect(statuses.first?["installments"] as? Int == 4)
    }

    /// Random agreements with bad cells, ragged rows, wrong totals, ids back later, blank
    /// lines and rows of delimiters only: rows read = written + rejected, the rows written are the installments written,
    /// the rejects file has one line per diagnostic and every rejected row at least once.
    @Test(arguments: [11, 12, 13])
    func everyRowIsAccountedFor(seed: Int) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var state = UInt64(seed)
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var csv = Self.header
        var dataRows = 0
        var blankLines = 0
        for k in 0..<150 {
            let id = next(8) == 0 ? "AC-\(next(max(k, 1)))" : "AC-\(k)"
            let parts = 1 + next(3)
            for n in 1...parts {
                dataRows += 1
                switch next(25) {
                case 0: csv += Self.row(id, n, parts: parts, amount: "1,2,3")
                case 1: csv += "\(id);1;2\n"
                case 2: csv += Self.row(id, n, parts: parts, amount: "150,00")
                case 3: csv += ";;;;;;;;\(n);;;;\n"  // no id: rejected alone
                case 4:
                    // An empty line, or a row of delimiters only: skipped.
                    csv += (n % 2 == 0 ? "\n" : ";;;;;;;;;;;;\n") + Self.row(id, n, parts: parts)
                    blankLines += 1
                default: csv += Self.row(id, n, parts: parts)
                }
            }
        }
        let r = troca(
            ["import", "agreements", "--map", repoRoot + "/" + Self.map, "-", "--rejects", dir + "/rej.jsonl"], stdin: Array(csv.utf8))
        let s = try #require(Self.summary(r.stderrText), "\(r.stderrText.suffix(300))")
        #expect(s[0] == dataRows + blankLines && s[3] == blankLines)
        #expect(s[0] == s[1] + s[2] + s[3])
        #expect(r.records.count == s[4])
        let installments = r.records.reduce(0) { $0 + (($1["installments"] as? [Any])?.count ?? 0) }
        #expect(installments == s[1])
        #expect(r.status.rawValue == (s[2] > 0 ? 65 : 0))
        let rejects = try String(contentsOfFile: dir + "/rej.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(rejects.count == r.stderrText.split(separator: "\n").filter { $0.contains(": error: [") }.count)
        #expect(Set(rejects.compactMap { $0["line"] as? Int }).count == s[2], "every rejected row, once by its line")
        #expect(rejects.allSatisfy { $0["raw"] is String })
    }

    @Test("the rows of a rejected agreement are all in the rejects file, with their raw bytes")
    func rejectsHaveEveryRowOfTheAgreement() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rows = [
            Self.row("AC-1", 1, parts: 3), Self.row("AC-1", 2, parts: 3, amount: "x"), Self.row("AC-1", 3, parts: 3),
            Self.row("AC-2", 1, parts: 1),
        ]
        let r = troca(
            [
                "import", "agreements", "--map", repoRoot + "/" + Self.map, "-", "--rejects", dir + "/rej.jsonl", "--output",
                dir + "/out.jsonl",
            ],
            stdin: Array((Self.header + rows.joined()).utf8))
        #expect(r.status.rawValue == 65)
        let out = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(out.count == 1 && out[0].contains("\"id\":\"AC-2\""))
        let rejects = try String(contentsOfFile: dir + "/rej.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(rejects.map { $0["line"] as? Int } == [2, 3, 4])
        #expect(rejects.map { $0["code"] as? String } == ["import.agreement-rejected", "import.amount", "import.agreement-rejected"])
        #expect(rejects.map { ($0["raw"] as? String).map { $0 + "\n" } } == rows.prefix(3).map { $0 })
        #expect((rejects.first?["message"] as? String)?.contains("because of line 3") == true)
    }

    @Test("no output file when the CSV cannot be read, and the agreement before the error is counted")
    func noOutputFileWhenTheInputCannotBeRead() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = Self.header + Self.row("AC-1", 1, parts: 1) + Self.row("AC-2", 1, parts: 2) + "AC-2;\"open"
        let r = troca(
            ["import", "agreements", "--map", repoRoot + "/" + Self.map, "-", "--output", dir + "/out.jsonl"], stdin: Array(csv.utf8))
        #expect(r.status.rawValue == 65)
        #expect(r.stderrText.contains("csv.unterminated-quote"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "no output, no temporary file")
        let s = try #require(Self.summary(r.stderrText))
        #expect(s[0] == s[1] + s[2])
        #expect(s[0] == 3)
    }

    /// Random bytes after a header and a valid agreement (CSV syntax, digits, separators,
    /// accents, NULs): never a crash, an exit of 0 or 65, every row read written or rejected,
    /// and the rows written are the installments written.
    @Test func fuzzedRowsAreAccountedFor() throws {
        var state: UInt64 = 2026
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let alphabet: [UInt8] = Array(";;;;;\"\n\r0123456789,./-R$ ACSP".utf8) + [0xC3, 0xA9, 0xE9]
        for round in 0..<60 {
            var bytes = Array((Self.header + Self.row("AC-0", 1, parts: 1)).utf8)
            if round % 3 == 0 { bytes += Array(Self.row("AC-1", 1, parts: 2).utf8) }
            for _ in 0..<Int(next() % 600) {
                bytes.append(round % 10 == 9 && next() % 50 == 0 ? 0 : alphabet[Int(next() % UInt64(alphabet.count))])
            }
            let r = troca(["import", "agreements", "--map", Self.map, "-"], stdin: bytes)
            #expect(r.status.rawValue == 0 || r.status.rawValue == 65, "round \(round)")
            let s = try #require(Self.summary(r.stderrText), "round \(round): \(r.stderrText)")
            #expect(s[0] == s[1] + s[2] + s[3], "round \(round)")
            #expect(r.records.count == s[4], "round \(round)")
            let installments = r.records.reduce(0) {
                $0 + (($1["installments"] as? [Any])?.count ?? 0) + ($1["down_payment"] == nil ? 0 : 1)
            }
            #expect(installments == s[1], "round \(round)")
        }
    }

    @Test func maxRejectsStopsAfterTheAgreementThatPassedIt() throws {
        let csv = Self.header + (0..<6).map { k in (1...2).map { Self.row("AC-\(k)", $0, parts: 2, amount: "x") }.joined() }.joined()
        let r = troca(["import", "agreements", "--map", Self.map, "-", "--max-rejects", "2"], stdin: Array(csv.utf8))
        let s = try #require(Self.summary(r.stderrText))
        #expect(r.stderrText.contains("stopped after 3 rejected rows"))
        #expect(s[0] == 4 && s[2] == 4, "the second agreement's two rows go together: \(s)")
        #expect(s[0] == s[1] + s[2])
    }
}

extension BinaryTests {
    /// `import agreements` on 1, 2 and 3 threads (real processes): the same output, rejects,
    /// diagnostics and summary on about 3 MB of rows, whose agreements straddle the chunks the
    /// reading thread hands out.
    @Test func importAgreementsThreadsChangeNoByte() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var csv = ImportAgreementsTests.header
        for k in 0..<9_000 {
            let parts = 1 + k % 4
            for n in 1...parts {
                switch (k * 7 + n) % 97 {
                case 5: csv += ImportAgreementsTests.row("AC-\(k)", n, parts: parts, amount: "1,2,3")
                case 17: csv += ImportAgreementsTests.row("AC-\(k / 2)", n, parts: parts)
                case 29: csv += ImportAgreementsTests.row("AC-\(k)", n, parts: parts, amount: "150,00")
                default: csv += ImportAgreementsTests.row("AC-\(k)", n, parts: parts)
                }
            }
        }
        try csv.write(toFile: dir + "/acordos.csv", atomically: true, encoding: .utf8)
        #expect(csv.utf8.count > 1_500_000, "several chunks")
        let map = repoRoot + "/maps/acordos.json"
        let outcomes = try outputsWithThreads(
            "'\(binary)' import agreements --map '\(map)' --rejects rej.jsonl acordos.csv > out.jsonl 2> err.txt; echo status=$?; md5sum out.jsonl rej.jsonl err.txt | cut -c1-32; wc -l < out.jsonl; tail -1 err.txt",
            cwd: dir)
        #expect(outcomes[0].contains("status=65"), "\(outcomes[0])")
        #expect(outcomes[1] == outcomes[0] && outcomes[2] == outcomes[0], "\(outcomes)")
    }
}
