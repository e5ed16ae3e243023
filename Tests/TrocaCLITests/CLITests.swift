import FixedWidth
import Foundation
import Records
import Testing
import TrocaCLI

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("troca-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

let sampleRetorno = repoRoot + "/Fixtures/samples/RETORNO-240.ret"

/// The numbers of a `cnab parse` summary line: read, written, rejected, skipped.
func summaryCounts(_ stderr: String) -> [(read: Int, written: Int, rejected: Int, skipped: Int)] {
    stderr.split(separator: "\n").compactMap { line in
        guard let r = line.range(of: ": read ") else { return nil }
        let numbers = line[r.upperBound...].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count >= 4 else { return nil }
        return (numbers[0], numbers[1], numbers[2], numbers[3])
    }
}

@Suite struct CLITests {
    /// `--output /dev/null` writes into the device: a rename over it would replace /dev/null with
    /// a regular file for the whole machine (as root), or fail (as anyone else).
    @Test func outputToADeviceWritesIntoIt() throws {
        let run = troca(["cnab", "parse", sampleRetorno, "--output", "/dev/null"])
        #expect(run.status == .ok)
        #expect(run.stdout.isEmpty)
        var info = stat()
        #expect(stat("/dev/null", &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func outputIsWrittenAtomicallyAndOnlyWhenTheFileIsWhole() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ok = troca(["cnab", "parse", sampleRetorno, "--output", "out.jsonl"], cwd: dir)
        #expect(ok.status == .ok)
        #expect(ok.stdout.isEmpty)
        let written = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8)
        #expect(written.split(separator: "\n").count == 10)
        // A truncated file (no trailer) is a structural error: the previous output stays as it was.
        let truncated = try Data(contentsOf: URL(fileURLWithPath: sampleRetorno)).prefix(240 * 5 + 10)
        try truncated.write(to: URL(fileURLWithPath: dir + "/cut.ret"))
        let bad = troca(["cnab", "parse", "cut.ret", "--output", "out.jsonl"], cwd: dir)
        #expect(bad.status == .dataError)
        #expect(try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8) == written)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["cut.ret", "out.jsonl"], "no temporary file left")
    }

    @Test func rejectsFileHoldsEachRejectedLineWithItsRawBytes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = repoRoot + "/Fixtures/cnab-parse/0004-invalid-date-rejects-titulo/RET.ret"
        let result = troca(["cnab", "parse", input, "--rejects", "rej.jsonl"], cwd: dir)
        #expect(result.status == .dataError)
        let lines = try String(contentsOfFile: dir + "/rej.jsonl", encoding: .utf8).split(separator: "\n")
        let rejects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(rejects.count == 2)
        #expect(rejects.map { $0["line"] as? Int } == [3, 4])
        #expect(rejects.map { $0["code"] as? String } == ["cnab.group-rejected", "cnab.date"])
        #expect(rejects[1]["column"] as? Int == 138)
        #expect((rejects[1]["raw"] as? String)?.count == 240)
        let counts = try #require(summaryCounts(result.stderrText).first)
        #expect(counts.rejected == rejects.count)
        #expect(result.records.count == 9)
    }

    /// read = written + rejected + skipped, for every golden parse case.
    @Test(arguments: GoldenCase.all().filter { $0.description.hasPrefix("Fixtures/cnab-parse/") })
    func nothingIsLost(_ c: GoldenCase) throws {
        let cmd = String(decoding: try #require(c.read("cmd")), as: UTF8.self)
        let result = troca(Array(shellWords(cmd).dropFirst()), stdin: c.read("stdin") ?? [], cwd: c.folder)
        for s in summaryCounts(result.stderrText) {
            #expect(s.read == s.written + s.rejected + s.skipped, "\(c)")
        }
    }

    @Test func brokenPipeIsSuccess() {
        let io = IO(
            stdin: { MemorySource([]) }, stdout: { _ in throw BrokenPipe() }, stderr: { _ in },
            environment: [:], currentDirectory: repoRoot)
        #expect(Tool.main(arguments: ["cnab", "parse", sampleRetorno], io: io) == .ok)
    }

    @Test func layoutsDirectoryOverridesABuiltinLayout() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let builtin = try #require(BuiltinLayouts.files.first { $0.name == "cnab240/febraban/retorno" })
        let changed = builtin.json.replacingOccurrences(of: "\"to\": \"payer.name\"", with: "\"to\": \"payer.full_name\"")
        #expect(changed != builtin.json)
        try FileManager.default.createDirectory(atPath: dir + "/cnab240/febraban", withIntermediateDirectories: true)
        try changed.write(toFile: dir + "/cnab240/febraban/retorno.json", atomically: true, encoding: .utf8)
        for run in [
            troca(["cnab", "parse", sampleRetorno, "--layouts", dir]),
            troca(["cnab", "parse", sampleRetorno], env: ["TROCA_LAYOUTS": dir]),
        ] {
            #expect(run.status == .ok)
            let event = try #require(run.records.first { $0["record"] as? String == "event" })
            let payer = try #require(event["payer"] as? [String: Any])
            #expect(payer["full_name"] != nil && payer["name"] == nil)
        }
        let list = troca(["layout", "list", "--layouts", dir])
        #expect(list.stdoutText.contains(dir + "/cnab240/febraban/retorno.json"))
    }

    @Test func aBrokenLayoutIsAConfigError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/cnab240/febraban", withIntermediateDirectories: true)
        try
            "{\"kind\": \"layout\", \"name\": \"cnab240/febraban/retorno\", \"version\": \"x\", \"record_length\": 240, \"records\": [{\"name\": \"a\", \"select\": [], \"fields\": [{\"name\": \"b\", \"pos\": 5}]}]}"
            .write(toFile: dir + "/cnab240/febraban/retorno.json", atomically: true, encoding: .utf8)
        let run = troca(["cnab", "parse", sampleRetorno, "--layouts", dir])
        #expect(run.status == .config)
        #expect(run.stderrText.contains("retorno.json: error: [layout.json] records[0].fields[0].pos: expected an array, found a number"), "\(run.stderrText)")
    }

    @Test func maxRejectsStopsEarly() throws {
        var lines = try String(contentsOfFile: sampleRetorno, encoding: .isoLatin1).components(separatedBy: "\r\n")
        for i in [2, 4, 9, 11] { lines[i] = String(lines[i].prefix(100)) + "X" + String(lines[i].dropFirst(101)) + "Y" }
        let run = troca(["cnab", "parse", "-", "--max-rejects", "1"], stdin: Array(lines.joined(separator: "\r\n").utf8))
        #expect(run.status == .dataError)
        #expect(run.stderrText.contains("[cnab.max-rejects]"))
    }

    /// `--max-rejects` is a limit the user set, not a broken file: as `import --max-rejects`,
    /// the valid records read before the stop are written (`--output` too), the summary names
    /// the limit, and the exit is 65.
    @Test func maxRejectsKeepsTheOutputAndNamesTheLimit() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try String(contentsOfFile: sampleRetorno, encoding: .isoLatin1).components(separatedBy: "\r\n")
        // Line 3 (segment T of the first título) one byte too long: the título (lines 3–4) is
        // rejected, 2 lines, more than --max-rejects 1; the read stops there.
        lines[2] += "Y"
        let run = troca(
            ["cnab", "parse", "-", "--max-rejects", "1", "--output", dir + "/out.jsonl"], stdin: Array(lines.joined(separator: "\r\n").utf8))
        #expect(run.status == .dataError)
        #expect(run.stderrText.contains("read 4 lines: 2 written, 2 rejected, 0 skipped; 2 records (0 events); 3 errors; stopped after 2 rejected lines (--max-rejects 1)\n"), "\(run.stderrText)")
        // Line 5, the next título's first, is left unread: not rejected for segments never read.
        #expect(!run.stderrText.contains("-:5:"), "\(run.stderrText)")
        #expect(!run.stderrText.contains("broken") && !run.stderrText.contains("not written"), "\(run.stderrText)")
        let out = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8)
        #expect(out.split(separator: "\n").count == 2, "the file header and the batch header: \(out)")
    }
}

extension CLITests {
    /// `--output DIR` names the remessa by the bank's rule: Bradesco CBDDMMnn.REM with the first
    /// free nn, ending with its 0x1A end-of-file byte; a bank without a rule gets remessa-YYYYMMDD-nn.rem.
    @Test func writeIntoADirectoryUsesTheBanksFileName() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let titles = repoRoot + "/Fixtures/cnab-write/0003-bradesco-400-dir/titles.jsonl"
        for _ in 0..<2 {
            let run = troca(["cnab", "write", "--bank", "237", "--format", "400", titles, "--date", "2026-11-30", "--output", "out"], cwd: dir)
            #expect(run.status == .ok, "\(run.stderrText)")
        }
        let febraban = repoRoot + "/Fixtures/cnab-write/0001-titles-accents-rejects/titles.jsonl"
        _ = troca(["cnab", "write", "--bank", "999", "--format", "240", febraban, "--date", "2026-11-30", "--output", "out"], cwd: dir)
        // Bradesco names its 240 remessas as its 400 ones (BRD240 p.5): the next free counter of the day.
        let bradesco240 = repoRoot + "/Fixtures/cnab-write/0004-bradesco-240/titles.jsonl"
        _ = troca(["cnab", "write", "--bank", "237", "--format", "240", bradesco240, "--date", "2026-11-30", "--output", "out"], cwd: dir)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted() == [
                "CB301101.REM", "CB301102.REM", "CB301103.REM", "remessa-20261130-01.rem",
            ])
        let bytes = try #require(FileManager.default.contents(atPath: dir + "/out/CB301101.REM"))
        #expect(Array(bytes.suffix(3)) == [0x0D, 0x0A, 0x1A])
        let bytes240 = try #require(FileManager.default.contents(atPath: dir + "/out/CB301103.REM"))
        #expect(Array(bytes240.suffix(2)) == [0x0D, 0x0A] && bytes240.count == 10 * 242, "240: ten CRLF lines, no 0x1A")
        let check = troca(["cnab", "check", "out/CB301101.REM"], cwd: dir)
        #expect(check.status == .ok, "\(check.stderrText)")
    }
}

extension CLITests {
    /// Sicredi's rule, CCCCCMDD.CRM: the código do beneficiário as written in the header, the
    /// month in one character (N for November), the day; the same day's further files are .RM2 …
    /// .RM9 and .RM0 (the 10th). An 11th has no name left: exit 73, nothing written, no stray file.
    @Test func sicrediNamesTenFilesADayFromTheHeader() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let parsed = troca(["cnab", "parse", repoRoot + "/Fixtures/samples/cnab400/748/remessa.rem", "--output", "titles.jsonl"], cwd: dir)
        #expect(parsed.status == .ok, "\(parsed.stderrText)")
        for k in 1...11 {
            let run = troca(["cnab", "write", "--bank", "748", "--format", "400", "titles.jsonl", "--date", "2026-11-30", "--output", "out"], cwd: dir)
            if k <= 10 {
                #expect(run.status == .ok, "\(k): \(run.stderrText)")
            } else {
                #expect(run.status == .cantCreate)
                #expect(run.stderrText.contains("troca: out: error: [write.file-name] "), "\(run.stderrText)")
            }
        }
        // Named by the header's date, the sample's file record's 2026-03-02 (month 3, day 02), not --date.
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/out"))
        #expect(names == Set(["12345302.CRM", "12345302.RM0"] + (2...9).map { "12345302.RM\($0)" }))
        let first = try #require(FileManager.default.contents(atPath: dir + "/out/12345302.CRM"))
        #expect(Array(first[26..<31]) == Array("12345".utf8))
        // The month letters: 1–9, then O, N, D.
        let pattern = FileNamePattern("{m}")
        let letters = try (1...12).map { try pattern.names(date: CivilDate(year: 2026, month: $0, day: 1)!, sequence: nil) { _ in nil }[0] }
        #expect(letters == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "O", "N", "D"])
        #expect(FileNamePattern("{n:2}{n:A,B}").problem != nil)
        #expect(FileNamePattern("{header:}").problem != nil)
        #expect(FileNamePattern("{n:A,,B}").problem != nil)
    }
}

/// The real binary, run as a process: copied alone to an empty directory it still has its layouts.
@Suite struct BinaryTests {
    static var binary: String? {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("troca").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// What `script` prints run with `TROCA_THREADS` 1, 2 and 3 (for the tests that a stage's
    /// bytes do not depend on its threads).
    func outputsWithThreads(_ script: String, cwd: String) throws -> [String] {
        try [1, 2, 3].map { try shell("TROCA_THREADS=\($0) " + script, cwd: cwd).output }
    }

    func shell(_ script: String, cwd: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = ["PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func binaryCopiedAloneStillWorks() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: binary, toPath: dir + "/troca")
        try FileManager.default.copyItem(atPath: sampleRetorno, toPath: dir + "/RET.ret")
        let list = try shell("./troca layout list", cwd: dir)
        #expect(list.status == 0)
        #expect(list.output.contains("cnab240/febraban/retorno"))
        let parse = try shell("./troca cnab parse RET.ret 2>/dev/null | grep -c '\"record\":\"event\"'", cwd: dir)
        #expect(parse.output.hasPrefix("4"), "\(parse.output)")
        // A closed pipe (`| head -1`) is success, quietly.
        let head = try shell(
            "python3 '\(repoRoot)/scripts/gen-cnab240.py' --titles 20000 > BIG.ret; ./troca cnab parse BIG.ret 2>err.txt | head -1 >/dev/null; echo \"status=${PIPESTATUS[0]}\"; grep -c 'internal error\\|Broken pipe' err.txt",
            cwd: dir)
        #expect(head.output.contains("status=0"), "\(head.output)")
        #expect(head.output.hasSuffix("0\n"), "\(head.output)")
    }

    /// A file read through a mapping and truncated by another process meanwhile: troca says so
    /// and exits 74 (the kernel's SIGBUS caught) instead of dying of the signal, and removes the
    /// temporary file of its `--rejects` output. The output goes into a FIFO read only after
    /// the truncation, so troca is still reading then.
    @Test func aFileTruncatedWhileItIsReadIsAnInputError() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try shell(
            """
            python3 '\(repoRoot)/scripts/gen-cnab240.py' --titles 20000 > BIG.ret
            mkfifo out
            TROCA_THREADS=2 '\(binary)' cnab parse BIG.ret --rejects rejects.jsonl > out 2> err.txt & pid=$!
            exec 3< out
            head -c 100 <&3 > /dev/null   # troca has read the header: the file is mapped
            ls -A | grep -c '^.rejects.jsonl.tmp' # the rejects file, not yet committed
            : > BIG.ret
            cat <&3 > /dev/null
            wait $pid; echo "status=$?"; cat err.txt
            echo "left: $(ls -A | grep -v -e '^BIG.ret$' -e '^out$' -e '^err.txt$' | tr -d '\\n')"
            """, cwd: dir)
        #expect(run.output.hasPrefix("1\n"), "\(run.output)")
        #expect(run.output.contains("status=74\n"), "\(run.output)")
        // The temporary rejects file was removed; nothing was committed.
        #expect(run.output.hasSuffix("left: \n"), "\(run.output)")
        #expect(run.output.contains("troca: a mapped input file could not be read: it became shorter while it was read"), "\(run.output)")
    }

    /// `--sequence-file`: real processes started together each take their own number (the lock
    /// file serialises them), and the file keeps the last one.
    @Test func sequenceFileGivesConcurrentRunsDistinctNumbers() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let titles = repoRoot + "/Fixtures/cnab-write/0001-titles-accents-rejects/titles.jsonl"
        try "41\n".write(toFile: dir + "/nsa", atomically: true, encoding: .utf8)
        let run = try shell(
            "for i in 1 2 3 4 5 6; do '\(binary)' cnab write --bank 999 --format 240 --sequence-file nsa '\(titles)' --output r$i.rem 2>/dev/null & done; wait; cat nsa; for i in 1 2 3 4 5 6; do head -c 163 r$i.rem | tail -c 6; echo; done",
            cwd: dir)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "47", "\(run.output)")
        #expect(Set(lines.dropFirst()) == Set((42...47).map { String(format: "%06d", $0) }), "\(run.output)")
        // A file that holds no number is a configuration error, and is left as it is.
        try "abc\n".write(toFile: dir + "/bad", atomically: true, encoding: .utf8)
        let bad = try shell("'\(binary)' cnab write --bank 999 --format 240 --sequence-file bad '\(titles)' >/dev/null; echo status=$?", cwd: dir)
        #expect(bad.output.contains("status=78") && bad.output.contains("[write.sequence-file] expected a sequence number, found \"abc\""), "\(bad.output)")
        #expect(try String(contentsOfFile: dir + "/bad", encoding: .utf8) == "abc\n")
    }
}


extension BinaryTests {
    /// `boleto make` on 1, 2 and 3 threads (TROCA_THREADS, real processes): the same output,
    /// rejects, diagnostics, summary and exit status, on about 3 MB of titles of every bank
    /// with bad ones, blank lines, other records and an over-long line among them, and with
    /// --max-rejects stopping in the middle.
    @Test func boletoMakeThreadsChangeNoByte() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines: [String] = []
        let good = [
            #"{"record":"title","bank":"033","carteira":"101","convenio":"0282033","nosso_numero":"5666124578%02d","due_date":"2026-03-15","amount_cents":%d}"#,
            #"{"record":"title","bank":"237","agency":"1234","account":"0012345","carteira":"09","nosso_numero":"000000%05d","due_date":"2026-04-01","amount_cents":%d}"#,
            #"{"record":"title","bank":"104","convenio":"1234567","nosso_numero":"140000000%08d","due_date":"2026-05-01","amount_cents":%d}"#,
        ]
        for k in 0..<12_000 {
            switch k % 97 {
            case 13: lines.append(#"{"record":"title","bank":"237","agency":"1","account":"1","carteira":"19","nosso_numero":"2","due_date":"2026-04-01","amount_cents":-5}"#)
            case 29: lines.append("not json \(k)")
            case 41: lines.append("")
            case 53: lines.append(#"{"record":"event","code":"06","n":\#(k)}"#)
            case 67: lines.append(#"{"record":"title","bank":"999","nosso_numero":"1","due_date":"2026-04-01","amount_cents":1}"#)
            default: lines.append(String(format: good[k % 3], k % 100, 100 + k))
            }
            if k == 6_001 { lines.append("{\"record\":\"title\",\"x\":\"" + String(repeating: "x", count: 70_000) + "\"}") }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/titles.jsonl", atomically: true, encoding: .utf8)
        for extra in ["", "--max-rejects 150"] {
            let outcomes = try outputsWithThreads(
                "'\(binary)' boleto make --as-of 2026-01-01 \(extra) --rejects rej.jsonl titles.jsonl > out.jsonl 2> err.txt; echo status=$?; md5sum out.jsonl rej.jsonl err.txt | cut -c1-32; wc -l < out.jsonl; tail -1 err.txt", cwd: dir)
            #expect(outcomes[0].contains(extra.isEmpty ? "status=65" : "stopped after 151 rejects"), "\(outcomes[0])")
            #expect(outcomes[1] == outcomes[0] && outcomes[2] == outcomes[0], "\(outcomes)")
        }
    }
}

extension CLITests {
    /// `--paid` is a decimal share read exactly (millionths, no floating point): 1 pays every
    /// título, 0 none; more than six decimals, or a share above 1, is a usage error.
    @Test func simulatePaidShareIsExact() {
        let remessa = repoRoot + "/Fixtures/samples/REMESSA-240.rem"
        func paid(_ share: String) -> (TrocaCLI.ExitStatus, String) {
            let run = troca(["cnab", "simulate", remessa, "--paid", share, "--date", "2025-05-01"])
            return (run.status, run.stderrText)
        }
        #expect(paid("1").1.contains("3 paid") && paid("1.000000").1.contains("3 paid"))
        #expect(paid("0").1.contains("0 paid") && paid(".0").1.contains("0 paid"))
        #expect(paid("0.25").0 == .ok)
        for bad in ["0.1234567", "1.5", "2", "-0.1", "abc", "0.", "1e-1"] {
            #expect(paid(bad).0 == .usage, "\(bad)")
        }
    }

    /// Events the retorno cannot number are not lost quietly: the writer rejects each (an error),
    /// the summary counts them, and the run exits 65. Shown with Bradesco's 400 retorno layout
    /// given a one-digit sequence (9 lines): 4 títulos, all paid, are 8 events and 10 lines.
    @Test func simulateCountsEventsItCannotWrite() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let layout = String(decoding: FileManager.default.contents(atPath: repoRoot + "/layouts/cnab400/237/retorno.json")!, as: UTF8.self)
        let narrowed = layout.replacingOccurrences(
            of: #"{ "name": "sequencial", "pos": [395, 400], "picture": "9(6)", "format": "int", "to": "_sequence","#,
            with: #"{ "name": "reserva_teste", "pos": [395, 399], "picture": "X(5)" }, { "name": "sequencial", "pos": [400, 400], "picture": "9(1)", "format": "int", "to": "_sequence","#)
        #expect(narrowed != layout)
        try FileManager.default.createDirectory(atPath: dir + "/layouts/cnab400/237", withIntermediateDirectories: true)
        try Data(narrowed.utf8).write(to: URL(fileURLWithPath: dir + "/layouts/cnab400/237/retorno.json"))
        let remessa = repoRoot + "/Fixtures/cnab-simulate/0001-bradesco-400/REM.rem"
        let run = troca(["cnab", "simulate", remessa, "--paid", "1", "--date", "2026-03-01", "--layouts", dir + "/layouts"])
        #expect(run.status == .dataError, "\(run.stderrText)")
        #expect(run.stderrText.contains("[write.file-full] one file numbers at most 9 records"), "\(run.stderrText)")
        #expect(run.stderrText.contains("4 títulos → 4 registered, 4 paid, 0 rejected, 1 events not written"), "\(run.stderrText)")
        let lines = run.stdout.split(separator: 0x0A).filter { $0.count > 2 }
        #expect(lines.count == 9 && lines.last?.first == UInt8(ascii: "9"))
    }

    /// A file simulate cannot take is reported in the diagnostic format, naming the file (and
    /// the header's line when the header is what is wrong), and exits 65.
    @Test func simulateNamesTheFileItCannotTake() throws {
        let retorno = troca(["cnab", "simulate", "Fixtures/samples/RETORNO-240.ret", "--date", "2026-03-01"])
        #expect(retorno.status == .dataError)
        #expect(
            retorno.stderrText.hasSuffix("\ntroca: Fixtures/samples/RETORNO-240.ret:1: error: [simulate.input] expected a remessa, found a retorno\n"),
            "\(retorno.stderrText)")
        let empty = troca(["cnab", "simulate", "--date", "2026-03-01"], stdin: [])
        #expect(empty.status == .dataError)
        #expect(empty.stderrText.hasSuffix("troca: -: error: [simulate.input] cannot be read as a CNAB file (see the errors above)\n"), "\(empty.stderrText)")
    }

    /// `--sequence-file` problems name the file, with a code, keeping their exit status: a file
    /// that holds no number is a configuration error; one whose lock cannot be made, an I/O error.
    @Test func sequenceFileProblemsNameTheFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let titles = repoRoot + "/Fixtures/cnab-write/0001-titles-accents-rejects/titles.jsonl"
        try "abc\n".write(toFile: dir + "/bad", atomically: true, encoding: .utf8)
        let bad = troca(["cnab", "write", "--bank", "999", "--format", "240", "--sequence-file", "bad", titles], cwd: dir)
        #expect(bad.status == .config)
        #expect(bad.stderrText == "troca: bad: error: [write.sequence-file] expected a sequence number, found \"abc\"\n", "\(bad.stderrText)")
        let nowhere = troca(["cnab", "write", "--bank", "999", "--format", "240", "--sequence-file", "nodir/nsa", titles], cwd: dir)
        // Its lock file cannot be made where no directory is: cannot create (73), named by its file name.
        #expect(nowhere.status == .cantCreate)
        #expect(
            nowhere.stderrText.hasPrefix("troca: nodir/nsa: error: [write.sequence-file] cannot create nsa.lock: No such file or directory"),
            "\(nowhere.stderrText)")
        // A directory: refused before the remessa is written (it was written to standard output,
        // then its number could not be stored), and no lock made beside it.
        try FileManager.default.createDirectory(atPath: dir + "/adir", withIntermediateDirectories: true)
        let directory = troca(["cnab", "write", "--bank", "999", "--format", "240", "--sequence-file", "adir", titles], cwd: dir)
        #expect(directory.status == .cantCreate)
        #expect(directory.stdout.isEmpty)
        #expect(
            directory.stderrText == "troca: adir: error: [write.sequence-file] cannot create adir: Is a directory; give a file name\n",
            "\(directory.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/adir.lock"))
    }

    /// `layout show` of a code table shows its movements and reasons; `help FAMILY` the help of
    /// each of its commands; `run --out DIR` makes the directory.
    @Test func codeTablesHelpAndOutDirectory() throws {
        let show = troca(["layout", "show", "cnab240/febraban/occurrences"])
        #expect(show.status == .ok)
        #expect(show.stdoutText.contains("06    paid") && show.stdoutText.contains("reasons A"), "\(show.stdoutText.prefix(400))")
        let help = troca(["help", "boleto"])
        #expect(help.status == .ok && help.stdoutText.contains("usage: troca boleto make") && help.stdoutText.contains("usage: troca boleto decode"))
        #expect(troca(["help", "nada"]).status == .usage)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = troca(["run", repoRoot + "/Fixtures/samples/watch/retorno.json", sampleRetorno, "--out", "made/here", "--date", "2026-11-30"], cwd: dir)
        #expect(run.status == .ok, "\(run.stderrText)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir + "/made/here"))?.contains("RETORNO-240-2026-11-30.csv") == true)
    }

    /// Option values are checked as options: a --pix-name longer than the BR Code's 25
    /// characters is a usage error, said once, before any título is read.
    @Test func pixOptionsOutOfBoundsAreUsageErrors() {
        let long = String(repeating: "N", count: 30)
        let r = troca(["boleto", "make", "--pix-name", long, "-"], stdin: [])
        #expect(r.status == .usage && r.stderrText.hasPrefix("troca: --pix-name must have 1…25 characters, found 30"), "\(r.stderrText)")
        #expect(troca(["boleto", "make", "--pix-city", "", "-"], stdin: []).status == .usage)
    }

    /// The limit is on what the Pix code writes, one byte per Unicode scalar once folded to
    /// ASCII, not on Swift Characters: a flag is one Character of two scalars, two blanks, so a
    /// 25-character name ending in one is 26 bytes — a usage error, said once, instead of every
    /// título rejected. A decomposed (NFD) accent is composed before folding: a 25-character
    /// "JOSÉ…" in NFD is 25 bytes, as precomposed (NFC), and makes the same Pix code.
    @Test func pixOptionLimitsCountTheBytesThePixCodeWrites() {
        let flagged = String(repeating: "N", count: 24) + "\u{1F1E7}\u{1F1F7}"
        #expect(flagged.count == 25 && flagged.unicodeScalars.count == 26)
        let title = #"{"record":"title","bank":"237","agency":"1234","account":"0012345","carteira":"09","nosso_numero":"00000000002","due_date":"2026-04-01","amount_cents":100,"pix":{"key":"cobranca@exemplo.com.br"}}"#
        let make = ["boleto", "make", "--as-of", "2026-01-01"]
        let r = troca(make + ["--pix-name", flagged, "--pix-city", "Recife", "-"], stdin: Array(title.utf8))
        #expect(r.status == .usage, "\(r.stderrText)")
        #expect(r.stderrText.hasPrefix("troca: --pix-name must have 1…25 characters, found 26 as the Pix code writes it"), "\(r.stderrText)")
        let city = troca(make + ["--pix-name", "N", "--pix-city", "S\u{00C3}O JOS\u{00C9} DO RIO \u{1F1E7}\u{1F1F7}", "-"], stdin: [])
        #expect(city.status == .usage && city.stderrText.contains("--pix-city must have 1…15 characters, found 18"), "\(city.stderrText)")
        let decomposed = "JOSE\u{301}" + String(repeating: "N", count: 21)
        #expect(decomposed.count == 25 && decomposed.unicodeScalars.count == 26)
        let nfd = troca(make + ["--pix-name", decomposed, "--pix-city", "SA\u{0303}O JOSE\u{0301} DO RIO", "-"], stdin: Array(title.utf8))
        #expect(nfd.status == .ok && nfd.stdoutText.contains(#""emv":"#), "\(nfd.stderrText)")
        let precomposed = decomposed.precomposedStringWithCanonicalMapping
        let nfc = troca(make + ["--pix-name", precomposed, "--pix-city", "S\u{00C3}O JOS\u{00C9} DO RIO", "-"], stdin: Array(title.utf8))
        #expect(nfc.status == .ok && nfc.stdoutText == nfd.stdoutText, "\(nfc.stderrText)")
        #expect(nfd.stdoutText.contains("5925JOSE" + String(repeating: "N", count: 21)), "\(nfd.stdoutText)")
    }

    /// A --pix-name of combining marks alone folds to no byte at all (the marks are dropped): a
    /// usage error said once, as an empty one is, instead of every título rejected.
    @Test func aPixNameThatFoldsToNothingIsAUsageError() {
        let title = #"{"record":"title","bank":"237","agency":"1234","account":"0012345","carteira":"09","nosso_numero":"00000000002","due_date":"2026-04-01","amount_cents":100,"pix":{"key":"cobranca@exemplo.com.br"}}"#
        let r = troca(["boleto", "make", "--as-of", "2026-01-01", "--pix-name", "\u{301}", "--pix-city", "Recife", "-"], stdin: Array(title.utf8))
        #expect(r.status == .usage, "\(r.stderrText)")
        #expect(r.stderrText.hasPrefix("troca: --pix-name must have 1…25 characters, found 0"), "\(r.stderrText)")
    }
}

extension CLITests {
    /// Reason codes written into a reasons3 field (Santander 400's codigos_erro) must each be 3
    /// characters: ["13", "9", "045"] joined would read back as 139 and 045.
    @Test func writeRejectsAReasonCodeOfTheWrongWidth() throws {
        let parsed = String(
            decoding: try #require(FileManager.default.contents(atPath: repoRoot + "/Fixtures/cnab-parse/0022-santander-400-error-codes/expout")),
            as: UTF8.self)
        let good = #"{"code":"013","text":"Valor do título não numérico"},{"code":"999"},{"code":"045","text":"Dias para baixa não preenchido"}"#
        #expect(parsed.contains(good))
        let titles = parsed.replacingOccurrences(of: #""record":"event""#, with: #""record":"title""#)
        let args = ["cnab", "write", "--bank", "033", "--format", "400", "--layout", "cnab400/033/retorno", "--date", "2026-03-02"]
        let ok = troca(args, stdin: Array(titles.utf8))
        #expect(ok.status == .ok, "\(ok.stderrText)")
        let bad = troca(args, stdin: Array(titles.replacingOccurrences(of: good, with: #""13","9","045""#).utf8))
        #expect(bad.status == .dataError, "\(bad.stderrText)")
        #expect(bad.stderrText.contains("codigos_erro: reason code \"13\" is not 3 characters"), "\(bad.stderrText)")
    }
}
