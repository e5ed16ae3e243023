import Foundation
import Testing
import TrocaCLI

/// A golden case folder: `Fixtures/<command>/<NNNN-slug>/` with `cmd` (`troca …` on one line),
/// optional `stdin`, and the expected `expout`, `experr` and `status` (0 when absent).
struct GoldenCase: CustomStringConvertible, Sendable {
    let folder: String
    var description: String { String(folder.dropFirst(repoRoot.count + 1)) }

    static func all() -> [GoldenCase] {
        let fixtures = (repoRoot as NSString).appendingPathComponent("Fixtures")
        guard let walker = FileManager.default.enumerator(atPath: fixtures) else { return [] }
        var cases: [GoldenCase] = []
        while let rel = walker.nextObject() as? String {
            if (rel as NSString).lastPathComponent == "cmd" {
                cases.append(GoldenCase(folder: (fixtures as NSString).appendingPathComponent((rel as NSString).deletingLastPathComponent)))
            }
        }
        return cases.sorted { $0.folder < $1.folder }
    }

    func file(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
    func read(_ name: String) -> [UInt8]? { FileManager.default.contents(atPath: file(name)).map { [UInt8]($0) } }
}

/// Set TROCA_RECORD=1 to rewrite every case's expected files from what troca does now; the run
/// then fails on purpose so a recording can never pass as a test.
let recording = ProcessInfo.processInfo.environment["TROCA_RECORD"] == "1"

@Suite struct GoldenTests {
    @Test func thereAreGoldenCases() {
        #expect(GoldenCase.all().count >= 10)
    }

    @Test(arguments: GoldenCase.all())
    func golden(_ c: GoldenCase) throws {
        let cmd = String(decoding: try #require(c.read("cmd"), "missing cmd"), as: UTF8.self)
        var words = shellWords(cmd)
        #expect(words.first == "troca", "cmd must start with troca")
        words.removeFirst()
        let result = troca(words, stdin: c.read("stdin") ?? [], cwd: c.folder)
        let status = String(result.status.rawValue) + "\n"
        if recording {
            try Data(result.stdout).write(to: URL(fileURLWithPath: c.file("expout")))
            try Data(result.stderr).write(to: URL(fileURLWithPath: c.file("experr")))
            try Data(status.utf8).write(to: URL(fileURLWithPath: c.file("status")))
            Issue.record("recorded \(c); run again without TROCA_RECORD to test")
            return
        }
        let expectedStatus = c.read("status").map { String(decoding: $0, as: UTF8.self) } ?? "0\n"
        #expect(status == expectedStatus, "exit status")
        #expect(result.stdoutText == String(decoding: c.read("expout") ?? [], as: UTF8.self), "stdout")
        #expect(result.stderrText == String(decoding: c.read("experr") ?? [], as: UTF8.self), "stderr")
    }
}
