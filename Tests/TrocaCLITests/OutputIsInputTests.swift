import FixedWidth
import Foundation
import Testing
import TrocaCLI

/// An output (`--output`, `--rejects`) naming one of the command's inputs is refused before
/// anything is read or written (exit 64), and the input is left as it was: inputs are never
/// modified (DESIGN.md). Before, each of these exited 0 with the input replaced by the output.
@Suite struct OutputIsInputTests {
    let dir: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("troca-same-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let copies = [
            "p.jsonl": "Fixtures/reconcile/0002-outcomes/payments.jsonl",
            "a.jsonl": "Fixtures/reconcile/0002-outcomes/acordos.jsonl",
            "t.jsonl": "Fixtures/update/0001-sample/stdin",
            "r.json": "Fixtures/samples/reconcile/regras.json",
            "i.csv": "Fixtures/samples/reconcile/indice-ilustrativo.csv",
            "RET.ret": "Fixtures/cnab-parse/0001-retorno-crlf/RET.ret",
            "titulos.csv": "Fixtures/samples/imports/titulos.csv",
            "map.json": "maps/titulos.json",
        ]
        for (name, source) in copies {
            try FileManager.default.copyItem(atPath: repoRoot + "/" + source, toPath: dir + "/" + name)
        }
    }

    func contents(_ name: String) -> Data? { FileManager.default.contents(atPath: dir + "/" + name) }

    /// Runs `args` in `dir` and checks it is refused, names `output` and `input`, and leaves
    /// every file of `dir` as it was (no temporary file either).
    func expectRefused(_ args: [String], naming words: [String], stdinDescriptor: Int32? = nil) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        let before = names.map(contents)
        let r: RunResult
        if let stdinDescriptor {
            let err = Capture()
            var io = IO(
                stdin: { MemorySource([]) }, stdout: { _ in }, stderr: { err.bytes.append(contentsOf: $0) }, environment: [:],
                currentDirectory: dir)
            io.stdinDescriptor = stdinDescriptor
            r = RunResult(status: Tool.main(arguments: args, io: io), stdout: [], stderr: err.bytes)
        } else {
            r = troca(args, cwd: dir)
        }
        #expect(r.status == .usage, "\(args): \(r.stderrText)")
        #expect(r.stdout.isEmpty)
        for word in words { #expect(r.stderrText.contains(word), "\(args): \(r.stderrText)") }
        #expect(r.stderrText.contains("an input is never overwritten"), "\(r.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == names)
        #expect(names.map(contents) == before, "\(args) changed an input")
    }

    @Test func reconcileOutputNamingThePayments() throws {
        try expectRefused(
            ["reconcile", "--agreements", "a.jsonl", "--as-of", "2026-11-20", "--output", "p.jsonl", "p.jsonl"],
            naming: ["--output p.jsonl is the input"])
    }

    @Test func reconcileOutputNamingTheAgreementsAnotherWay() throws {
        try expectRefused(
            ["reconcile", "--agreements", "a.jsonl", "--as-of", "2026-11-20", "--output", "./a.jsonl", "p.jsonl"],
            naming: ["--output ./a.jsonl is the --agreements file a.jsonl"])
    }

    @Test func reconcileOutputThroughLinks() throws {
        try FileManager.default.linkItem(atPath: dir + "/p.jsonl", toPath: dir + "/hard.jsonl")
        try FileManager.default.createSymbolicLink(atPath: dir + "/soft.jsonl", withDestinationPath: "p.jsonl")
        for output in ["hard.jsonl", dir + "/soft.jsonl"] {
            try expectRefused(
                ["reconcile", "--agreements", "a.jsonl", "--as-of", "2026-11-20", "--output", output, "p.jsonl"],
                naming: ["--output \(output) is the input p.jsonl"])
        }
    }

    @Test func rejectsNamingAnInput() throws {
        try expectRefused(
            ["reconcile", "--agreements", "a.jsonl", "--as-of", "2026-11-20", "--rejects", "a.jsonl", "p.jsonl"],
            naming: ["--rejects a.jsonl is the --agreements file"])
        try expectRefused(
            ["import", "titles", "--map", "map.json", "--rejects", "map.json", "titulos.csv"],
            naming: ["--rejects map.json is the --map file"])
        try expectRefused(["cnab", "parse", "--rejects", "RET.ret", "RET.ret"], naming: ["--rejects RET.ret is the input"])
    }

    @Test func updateOutputNamingTheTitlesOrTheRules() throws {
        try expectRefused(
            ["update", "--as-of", "2026-11-23", "--rules", "r.json", "--output", "t.jsonl", "t.jsonl"],
            naming: ["--output t.jsonl is the input"])
        try expectRefused(
            ["update", "--as-of", "2026-11-23", "--rules", "r.json", "--output", "r.json", "t.jsonl"],
            naming: ["--output r.json is the --rules file"])
    }

    @Test func cnabParseOutputNamingTheRetorno() throws {
        try expectRefused(["cnab", "parse", "--output", "RET.ret", "RET.ret"], naming: ["--output RET.ret is the input"])
    }

    @Test func importTitlesOutputNamingTheCSV() throws {
        try expectRefused(
            ["import", "titles", "--map", "map.json", "--output", "titulos.csv", "titulos.csv"],
            naming: ["--output titulos.csv is the input"])
    }

    @Test func outputNamingTheFileOnStandardInput() throws {
        let fd = open(dir + "/t.jsonl", O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        try expectRefused(
            ["update", "--as-of", "2026-11-23", "--rules", "r.json", "--output", "t.jsonl"], naming: ["--output t.jsonl is standard input"],
            stdinDescriptor: fd)
    }

    @Test func otherOutputsStillWork() throws {
        // A new file, and a file that exists but is no input, are written as before.
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/old.jsonl"))
        for output in ["new.jsonl", "old.jsonl"] {
            let r = troca(["update", "--as-of", "2026-11-23", "--rules", "r.json", "--index", "i.csv", "--output", output, "t.jsonl"], cwd: dir)
            #expect(r.status == .ok, "\(r.stderrText)")
            #expect(contents(output).map { $0.count > 100 } == true)
        }
        let r = troca(["cnab", "parse", "--output", "/dev/null", "--rejects", "/dev/null", "RET.ret"], cwd: dir)
        #expect(r.status == .ok, "\(r.stderrText)")
    }

    /// --output and --rejects naming one file (new or existing, however spelt) would replace
    /// each other's records: refused, nothing written.
    @Test func outputAndRejectsNamingOneFile() throws {
        for (output, rejects) in [("same.jsonl", "same.jsonl"), ("same.jsonl", "./same.jsonl"), ("p.jsonl", "p.jsonl")] {
            let r = troca(["cnab", "parse", "--output", output, "--rejects", rejects, "RET.ret"], cwd: dir)
            #expect(r.status == .usage, "\(r.stderrText)")
            #expect(r.stderrText.contains("is the --output file"), "\(r.stderrText)")
            #expect(contents("same.jsonl") == nil)
        }
    }

    /// `troca run PIPELINE` without INPUT reads standard input: an --output naming the file
    /// there is refused as for any other command.
    @Test func runOutputNamingTheFileOnStandardInput() throws {
        try Data(#"{"stages": [{"stage": "export csv", "args": ["--columns", "record"]}], "output": "{out}/x.csv"}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/p.json"))
        let fd = open(dir + "/t.jsonl", O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        try expectRefused(["run", "p.json", "--output", "t.jsonl"], naming: ["--output t.jsonl is standard input"], stdinDescriptor: fd)
    }
}
