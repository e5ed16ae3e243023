import Foundation
import Testing
import TrocaCLI

/// `troca import`: the read = written + rejected invariant, rejects, keys, outputs.
@Suite struct ImportTests {
    static let header =
        "Documento;Nosso Número;Carteira;Emissão;Vencimento;Valor;Sacado;CPF/CNPJ;Logradouro;Número;Complemento;Bairro;Cidade;UF;CEP\n"

    static func row(_ doc: String, amount: String = "10,00", cpf: String = "529.982.247-25", due: String = "10/04/2026") -> String {
        "\(doc);1;;01/03/2026;\(due);\(amount);Ana;\(cpf);Rua A;1;;Centro;Santos;SP;11010-000\n"
    }

    /// The numbers of the summary line `read N rows: W written, R rejected, S skipped`.
    static func summary(_ stderr: String) -> (read: Int, written: Int, rejected: Int, skipped: Int)? {
        guard let line = stderr.split(separator: "\n").last(where: { $0.contains(" rows: ") }) else { return nil }
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count >= 4 else { return nil }
        let n = numbers.suffix(4).map { $0 }
        return (n[0], n[1], n[2], n[3])
    }

    func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-import-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func readIsWrittenPlusRejectedOnRandomRows() throws {
        var rng = UInt64(7)
        func next() -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return rng >> 33 }
        var csv = Self.header
        var expectedGood = 0
        for i in 0..<300 {
            switch next() % 6 {
            case 0: csv += Self.row("D\(i)", amount: "abc")
            case 1: csv += Self.row("D\(i)", cpf: "529.982.247-26")
            case 2: csv += Self.row("D\(i)", due: "31/02/2026")
            case 3: csv += "D\(i);1;2\n"  // ragged
            case 4: csv += Self.row("D\(i % 7)")  // may repeat an earlier key
            default: csv += Self.row("D\(i)"); expectedGood += 1
            }
        }
        let result = troca(["import", "titles", "--map", "maps/titulos.json", "-"], stdin: Array(csv.utf8))
        let s = try #require(Self.summary(result.stderrText))
        #expect(s.read == 300)
        #expect(s.read == s.written + s.rejected + s.skipped)
        #expect(result.records.count == s.written)
        #expect(s.written >= expectedGood)
        #expect(result.status.rawValue == (s.rejected > 0 ? 65 : 0))
        // Every written record is a title with a distinct document number.
        let docs = result.records.compactMap { $0["document_number"] as? String }
        #expect(docs.count == s.written)
        #expect(Set(docs).count == docs.count)
    }

    /// A row of delimiters only (the `;;;;` rows Excel leaves below the data), blanks between
    /// them or not, and whatever their number, carries no data: skipped and counted as an empty
    /// line is, not an empty record nor `import.required` errors.
    @Test func rowsOfDelimitersOnlyAreSkipped() throws {
        let csv = Self.header + Self.row("NF-1") + ";;;;;;;;;;;;;;\r\n" + " ; ;\t;\n" + "\"\";;\n" + Self.row("NF-2") + ";;;;;;;;;;;;;;"
        let result = troca(["import", "titles", "--map", "maps/titulos.json", "-"], stdin: Array(csv.utf8))
        #expect(result.status == .ok, "\(result.stderrText)")
        #expect(result.records.map { $0["document_number"] as? String } == ["NF-1", "NF-2"])
        #expect(result.stderrText.hasSuffix("read 6 rows: 2 written, 0 rejected, 4 skipped\n"), "\(result.stderrText)")
    }

    /// A date with no such month or day (month 00 among them, which the short way once let
    /// through as `2026-00-15`) is a rejected row, at its cell, not a title with a bad date.
    @Test func datesThatDoNotExistAreRejected() throws {
        let bad = ["15/00/2026", "00/01/2026", "15/13/2026", "31/04/2026", "29/02/2026", "32/01/2026"]
        var csv = Self.header + Self.row("NF-OK", due: "29/02/2028")
        for (k, due) in bad.enumerated() { csv += Self.row("NF-\(k)", due: due) }
        let result = troca(["import", "titles", "--map", "maps/titulos.json", "-"], stdin: Array(csv.utf8))
        #expect(result.status.rawValue == 65)
        #expect(result.records.map { $0["document_number"] as? String } == ["NF-OK"])
        #expect((result.records.first?["due_date"] as? String) == "2028-02-29")
        for (k, due) in bad.enumerated() {
            // Line k + 3 (header, the good row), column 5: the Vencimento cell.
            #expect(result.stderrText.contains("-:\(k + 3):5: error: [import.date]"), "\(due): \(result.stderrText)")
            #expect(result.stderrText.contains("\"\(due)\""), "\(due)")
        }
        #expect(result.stderrText.hasSuffix("read 7 rows: 1 written, 6 rejected, 0 skipped\n"), "\(result.stderrText)")
    }

    @Test func duplicateKeyRejectsTheSecondWithTheFirstLine() throws {
        let csv = Self.header + Self.row("NF-1") + Self.row("NF-2") + Self.row("NF-1", amount: "99,00")
        let result = troca(["import", "titles", "--map", "maps/titulos.json", "-"], stdin: Array(csv.utf8))
        #expect(result.status.rawValue == 65)
        #expect(result.records.map { $0["document_number"] as? String } == ["NF-1", "NF-2"])
        #expect((result.records.first?["amount_cents"] as? Int) == 1000)
        #expect(result.stderrText.contains("-:4:1: error: [import.duplicate-key] document_number \"NF-1\" repeats the record of line 2"))
    }

    @Test func rejectsFileHasEachBadRowWithItsRawBytes() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = Self.header + Self.row("NF-1") + Self.row("NF-2", amount: "1,2,3") + "NF-3;\"multi\nline\";x\n"
        let result = troca(
            ["import", "titles", "--map", "maps/titulos.json", "-", "--rejects", dir + "/rejects.jsonl", "--output", dir + "/out.jsonl"],
            stdin: Array(csv.utf8))
        #expect(result.status.rawValue == 65)
        let out = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8)
        #expect(out.split(separator: "\n").count == 1)
        let rejects = try String(contentsOfFile: dir + "/rejects.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(rejects.map { $0["line"] as? Int } == [3, 4])
        #expect(rejects.map { $0["code"] as? String } == ["import.amount", "csv.ragged"])
        #expect(rejects.last?["raw"] as? String == "NF-3;\"multi\nline\";x")
        #expect(rejects.first?["column"] as? Int == 6)
    }

    @Test func noOutputFileWhenTheInputCannotBeRead() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = Self.header + Self.row("NF-1") + "NF-2;\"open"
        let result = troca(
            ["import", "titles", "--map", "maps/titulos.json", "-", "--output", dir + "/out.jsonl"], stdin: Array(csv.utf8))
        #expect(result.status.rawValue == 65)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.jsonl"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "no temporary file left")
    }

    /// The same with --rejects: the summary does not call the rows kept for the discarded output
    /// written, and the rejects file says why the input was given up on (it used to be left
    /// empty, the unreadable row in neither file).
    @Test func aDiscardedOutputIsNotSaidWrittenAndTheRejectsSayWhy() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = Self.header + Self.row("NF-1") + "NF-2;\"open"
        let result = troca(
            ["import", "titles", "--map", "maps/titulos.json", "-", "--output", dir + "/out.jsonl", "--rejects", dir + "/rej.jsonl"],
            stdin: Array(csv.utf8))
        #expect(result.status.rawValue == 65)
        #expect(result.stderrText.contains("read 2 rows: 1 valid (not written), 1 rejected"), "\(result.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.jsonl"))
        let rejects = try String(contentsOfFile: dir + "/rej.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(rejects.count == 1 && rejects[0].contains("\"line\":3"), "\(rejects)")
    }

    @Test func maxRejectsStops() throws {
        let csv = Self.header + (0..<10).map { Self.row("N\($0)", amount: "x") }.joined()
        let result = troca(["import", "titles", "--map", "maps/titulos.json", "-", "--max-rejects", "2"], stdin: Array(csv.utf8))
        let s = try #require(Self.summary(result.stderrText))
        #expect(s.read == 3)
        #expect(s.rejected == 3)
    }

    /// Random bytes after a valid header (CSV syntax, digits, separators, accents, NULs): never a
    /// crash, an exit of 0 or 65, and every row read is written or rejected.
    @Test func fuzzedRowsAreAccountedFor() throws {
        var state: UInt64 = 99
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let alphabet: [UInt8] = Array(";;;;\"\n\r0123456789,./-R$ abcSP".utf8) + [0xC3, 0xA9, 0xE9]
        for round in 0..<60 {
            var bytes = Array(Self.header.utf8) + Array(Self.row("NF-0").utf8)
            for _ in 0..<Int(next() % 600) {
                bytes.append(round % 10 == 9 && next() % 50 == 0 ? 0 : alphabet[Int(next() % UInt64(alphabet.count))])
            }
            let result = troca(["import", "titles", "--map", "maps/titulos.json", "-"], stdin: bytes)
            #expect(result.status.rawValue == 0 || result.status.rawValue == 65, "round \(round)")
            let s = try #require(Self.summary(result.stderrText), "round \(round): \(result.stderrText)")
            #expect(s.read == s.written + s.rejected + s.skipped, "round \(round)")
            #expect(result.records.count == s.written, "round \(round)")
            #expect(s.written >= 1, "round \(round): the first row is valid")
        }
    }

    /// Binary data whose header cannot be read is `csv.binary` at its first NUL, whatever its
    /// first bytes look like (here a stray quote in what would be the header), and the run still
    /// ends with its summary line.
    @Test func binaryDataIsSaidFirst() throws {
        var bytes = Array("Documento;Nosso \"Número;\n".utf8)
        bytes += (14...40).map { UInt8($0) } + [0x0A] + Array("abc".utf8) + [0x00] + Array("rest\n".utf8)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/bin.csv"))
        let r = troca(["import", "titles", "--map", repoRoot + "/maps/titulos.json", "bin.csv", "--output", "out.jsonl"], cwd: dir)
        #expect(r.status == .dataError)
        #expect(r.stderrText.hasPrefix("troca: bin.csv:3:4: error: [csv.binary]"), "\(r.stderrText)")
        #expect(r.stderrText.hasSuffix("import titles: bin.csv: read 0 rows: 0 written, 0 rejected, 0 skipped\n"), "\(r.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.jsonl"))
        // Lines ended by a CR alone, and a byte order mark, count as the reader counts them.
        var cr = [0xEF, 0xBB, 0xBF] + Array("Documento;Nosso \"Número;\r".utf8)
        cr += Array("x;y\rab".utf8) + [0x00] + Array("c\r".utf8)
        try Data(cr).write(to: URL(fileURLWithPath: dir + "/cr.csv"))
        let crRun = troca(["import", "titles", "--map", repoRoot + "/maps/titulos.json", "cr.csv"], cwd: dir)
        #expect(crRun.stderrText.hasPrefix("troca: cr.csv:3:3: error: [csv.binary]"), "\(crRun.stderrText)")
        // A stray quote in a header of text is its own error, with the summary line too.
        try Data("Documento;Nosso \"Numero;Carteira\nNF-1;1;09\n".utf8).write(to: URL(fileURLWithPath: dir + "/hq.csv"))
        let quote = troca(["import", "titles", "--map", repoRoot + "/maps/titulos.json", "hq.csv"], cwd: dir)
        #expect(quote.status == .dataError && quote.stderrText.contains("[csv.quote] in the header"))
        #expect(quote.stderrText.hasSuffix("import titles: hq.csv: read 0 rows: 0 written, 0 rejected, 0 skipped\n"), "\(quote.stderrText)")
        // A first line with a control byte (and no NUL) is binary data too, even when it starts
        // with a quote that a letter follows (it was csv.quote).
        let quoted = troca(["import", "titles", "--map", repoRoot + "/maps/titulos.json", "-"], stdin: Array("\"a\"b\u{01};c\n".utf8))
        #expect(quoted.status == .dataError)
        #expect(quoted.stderrText.hasPrefix("troca: -:1:1: error: [csv.binary] a control byte 0x1"), "\(quoted.stderrText)")
    }

    /// Binary data whose first line reads as a header the map does not fit is `csv.binary`
    /// (exit 65), not a wrong map (exit 78): a NUL further down the first block (a PDF), or
    /// control bytes in the first line with no NUL at all; a Latin-1 header the map does not
    /// fit is still the map's fault.
    @Test func binaryDataIsNotABadMap() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pdf = Array("%PDF-1.4\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3] + Array("\n1 0 obj\n<< /Type /Catalog >>\n".utf8) + [0, 1, 2]
        try Data(pdf).write(to: URL(fileURLWithPath: dir + "/pdf.bin"))
        let map = repoRoot + "/maps/titulos.json"
        let r = troca(["import", "titles", "--map", map, "pdf.bin", "--output", "out.jsonl"], cwd: dir)
        #expect(r.status == .dataError)
        #expect(r.stderrText.hasPrefix("troca: pdf.bin:5:1: error: [csv.binary]"), "\(r.stderrText)")
        #expect(r.stderrText.hasSuffix("import titles: pdf.bin: read 0 rows: 0 written, 0 rejected, 0 skipped\n"), "\(r.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.jsonl"))
        var noise: [UInt8] = [0xF2, 0x1A, 0x4B, 0x2C, 0xBF, 0xED, 0x62, 0x1C, 0x0A]
        noise += [UInt8](repeating: 0x41, count: 2 << 20) + [0]
        try Data(noise).write(to: URL(fileURLWithPath: dir + "/noise.bin"))
        let n = troca(["import", "titles", "--map", map, "noise.bin"], cwd: dir)
        #expect(n.status == .dataError)
        #expect(n.stderrText.hasPrefix("troca: noise.bin:1:1: error: [csv.binary] a control byte 0x1A"), "\(n.stderrText)")
        let latin1Header: [UInt8] = [0x43, 0xF3, 0x64, 0x69, 0x67, 0x6F, 0x3B, 0x56, 0x61, 0x6C, 0x6F, 0x72, 0x0A]  // Código;Valor
        try Data(latin1Header).write(to: URL(fileURLWithPath: dir + "/latin1.csv"))
        let latin1 = troca(["import", "titles", "--map", map, "latin1.csv"], cwd: dir)
        #expect(latin1.status == .config)
        #expect(latin1.stderrText.contains("[import.map]") && latin1.stderrText.contains("\"Código\""), "\(latin1.stderrText)")
    }
}

extension BinaryTests {
    /// `import titles` on 1, 2 and 3 threads (TROCA_THREADS, real processes): the same output,
    /// rejects, diagnostics, summary and exit status, on about 3 MB of rows (several chunks)
    /// with bad cells, ragged rows, stray quotes, keys repeated chunks apart, quoted line breaks,
    /// CRLF rows and blank lines; with --max-rejects stopping in the middle; and with the file
    /// ending in a NUL byte or an unclosed quote.
    @Test func importThreadsChangeNoByte() throws {
        let binary = try #require(Self.binary, "the troca executable is built beside the tests")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var csv = ImportTests.header
        for k in 0..<20_000 {
            switch k % 101 {
            case 7: csv += ImportTests.row("NF-\(k)", amount: "12,3,4")
            case 19: csv += ImportTests.row("NF-\(k)", cpf: "529.982.247-26")
            case 31: csv += "NF-\(k);1;2\n"
            case 43: csv += ImportTests.row("NF-\(k / 3)")  // repeats a key of a third of the way back
            case 59: csv += "\n"
            case 71: csv += "NF-\(k);\"1\n2\";;01/03/2026;10/04/2026;10,00;\"Ana\r\n\"\"Bia\"\"\";529.982.247-25;Rua A;1;;Centro;Santos;SP;11010-000\n"
            case 83: csv += "NF-\(k);1;;01/03/2026;10/04/2026;10,00;A\"na;529.982.247-25;Rua A;1;;Centro;Santos;SP;11010-000\r\n"
            default: csv += ImportTests.row("NF-\(k)", amount: "\(k),\(k % 100)")
            }
        }
        try csv.write(toFile: dir + "/titulos.csv", atomically: true, encoding: .utf8)
        try (csv + "NF-X;1;\0;\n").write(toFile: dir + "/nul.csv", atomically: true, encoding: .utf8)
        try (csv + "NF-Y;\"1;\n").write(toFile: dir + "/open.csv", atomically: true, encoding: .utf8)
        let map = repoRoot + "/maps/titulos.json"
        for (file, extra, expected) in [
            ("titulos.csv", "", "status=65"), ("titulos.csv", "--max-rejects 150", "stopped after 151 rejected rows"),
            ("nul.csv", "", "csv.binary"), ("open.csv", "", "csv.unterminated-quote"),
        ] {
            let outcomes = try outputsWithThreads(
                "'\(binary)' import titles --map '\(map)' \(extra) --rejects rej.jsonl \(file) > out.jsonl 2> err.txt; echo status=$?; md5sum out.jsonl rej.jsonl err.txt | cut -c1-32; wc -l < out.jsonl; grep -o 'csv[.][a-z-]*' err.txt | sort -u; tail -2 err.txt", cwd: dir)
            #expect(outcomes[0].contains(expected), "\(file) \(extra): \(outcomes[0])")
            #expect(outcomes[1] == outcomes[0] && outcomes[2] == outcomes[0], "\(file) \(extra): \(outcomes)")
        }
    }
}
