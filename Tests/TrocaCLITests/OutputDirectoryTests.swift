import Foundation
import Testing

@testable import TrocaCLI

/// `--output DIR` (or `--rejects DIR`) was read through to the end, the summary said the
/// records were written, and only then the rename over the directory failed (exit 74). It is
/// refused before anything is read: exit 73, no output, no summary; except where a command's
/// help says the option takes a directory (`cnab write --output`).
@Suite struct OutputDirectoryTests {
    static let retorno = repoRoot + "/Fixtures/samples/cnab400/237/retorno.ret"
    static let remessa = repoRoot + "/Fixtures/samples/cnab400/237/remessa.rem"

    /// Every command with --output or --rejects, with the option naming the directory `adir`.
    static let cases: [[String]] = [
        ["cnab", "parse", retorno, "--output", "adir"],
        ["cnab", "parse", retorno, "--rejects", "adir"],
        ["cnab", "parse", retorno, "--rejects", "adir/"],
        ["cnab", "check", retorno, "--rejects", "adir"],
        ["cnab", "simulate", remessa, "--output", "adir"],
        ["cnab", "write", "--bank", "237", "--format", "400", "--rejects", "adir", "-"],
        ["boleto", "make", "--as-of", "2026-11-30", "--output", "adir", "-"],
        ["boleto", "make", "--as-of", "2026-11-30", "--rejects", "adir", "-"],
        ["import", "titles", "--map", "map.json", "--output", "adir", "-"],
        ["import", "parties", "--map", "map.json", "--rejects", "adir", "-"],
        ["import", "payments", "--map", "map.json", "--output", "adir", "-"],
        ["import", "agreements", "--map", "map.json", "--output", "adir", "-"],
        ["convert", "--layout", "erp/baixas", "--output", "adir", "-"],
        ["convert", "--layout", "erp/baixas", "--rejects", "adir", "-"],
        ["update", "--as-of", "2026-11-30", "--output", "adir", "-"],
        ["update", "--as-of", "2026-11-30", "--rejects", "adir", "-"],
        ["reconcile", "--agreements", "a.jsonl", "--as-of", "2026-11-30", "--output", "adir", "-"],
        ["letters", "select", "--ladder", "regua.json", "--as-of", "2026-11-30", "--output", "adir", "-"],
        ["letters", "render", "--template", "t.txt", "--format", "text", "--output", "adir", "-"],
        ["letters", "render", "--template", "t.txt", "--format", "text", "--rejects", "adir", "-"],
        ["export", "csv", "--columns", "nosso_numero", "--output", "adir", "-"],
        ["run", "pipeline.json", "-", "--output", "adir"],
    ]

    @Test(arguments: cases)
    func anOutputThatIsADirectoryIsRefusedBeforeAnythingIsRead(args: [String]) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/adir", withIntermediateDirectories: true)
        let option = args[args.firstIndex { $0 == "--output" || $0 == "--rejects" }!]
        let given = args[args.firstIndex(of: option)! + 1]
        let r = troca(args, stdin: Array("not read\n".utf8), cwd: dir)
        #expect(r.status == .cantCreate, "\(args): \(r.stderrText)")
        #expect(r.stderrText == "troca: \(given): error: [output.directory] \(option) names a directory; give a file name\n", "\(args)")
        #expect(r.stdout.isEmpty, "\(args): \(r.stdoutText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/adir").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["adir"], "no temporary file left beside it")
    }

    /// A symbolic link to a directory is a directory.
    @Test func aLinkToADirectoryIsOne() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/adir", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/alink", withDestinationPath: "adir")
        let r = troca(["cnab", "parse", Self.retorno, "--output", "alink"], cwd: dir)
        #expect(r.status == .cantCreate)
        #expect(r.stderrText == "troca: alink: error: [output.directory] --output names a directory; give a file name\n")
    }

    /// `cnab write --output DIR` names its remessa by the bank's rule there, as its help says;
    /// a file, /dev/null, stay outputs as they were.
    @Test func whereADirectoryIsAnOutputItStaysOne() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/adir", withIntermediateDirectories: true)
        let write = troca(
            ["cnab", "write", "--bank", "237", "--format", "400", "--date", "2026-12-02", "--output", "adir", "-"],
            stdin: Array((CnabWriteReviewTests.title + "\n").utf8), cwd: dir)
        #expect(write.status == .ok, "\(write.stderrText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/adir").count == 1)
        let parse = troca(["cnab", "parse", Self.retorno, "--output", "out.jsonl", "--rejects", "/dev/null"], cwd: dir)
        #expect(parse.status == .ok, "\(parse.stderrText)")
        #expect(FileManager.default.fileExists(atPath: dir + "/out.jsonl"))
    }

    /// A pipeline's own "output" naming a directory stops the run before its first stage.
    @Test func aPipelineOutputThatIsADirectoryStopsTheRunBeforeItsStages() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/adir", withIntermediateDirectories: true)
        try Data(
            #"{"pipeline": "ret", "stages": [{"stage": "cnab parse", "args": ["{input}"]}, {"stage": "export csv", "args": ["--columns", "nosso_numero"]}], "output": "{out}/adir"}"#
                .utf8
        ).write(to: URL(fileURLWithPath: dir + "/p.json"))
        let r = troca(["run", "p.json", Self.retorno], cwd: dir)
        #expect(r.status == .cantCreate, "\(r.stderrText)")
        #expect(r.stderrText == "troca: run: ret: 2 stages, exit 73; stopped: the output \(dir)/adir is a directory; give a file name\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/adir").isEmpty)
    }

    /// Any other atomic output naming a directory cannot be created, said when it is opened.
    @Test func anAtomicFileIsNotMadeOverADirectory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let file = try AtomicFile(path: dir)
            file.abort()
            Issue.record("an atomic file over a directory was opened")
        } catch let e as WriteError {
            #expect(e.description == "cannot create \(dir): Is a directory; give a file name")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
