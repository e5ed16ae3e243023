import Foundation
import Testing
import TrocaCLI

/// A layout that cannot be used is said as DESIGN.md's diagnostics are, `troca: FILE[:LINE:COL]:
/// error: [code] message`, and exits 78 (a bad layout): an unknown name, a layout file given
/// with --layouts that is not JSON (at the line and column where it stops being JSON), one
/// that lint refuses, and an LST layout without the records letters render needs.
@Suite struct LayoutErrorTests {
    static let remessa = repoRoot + "/Fixtures/samples/REMESSA-240.rem"

    /// `mine/` holds a layout that is not JSON (`x` at line 2, column 11), and an LST layout
    /// whose letter record is named otherwise.
    static func layouts() throws -> String {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/mine/cnab240", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/mine/lst", withIntermediateDirectories: true)
        try Data("{\"kind\": \"layout\",\n  \"name\": x}\n".utf8).write(to: URL(fileURLWithPath: dir + "/mine/cnab240/bad.json"))
        let lst = try String(contentsOfFile: repoRoot + "/layouts/lst/troca.json", encoding: .utf8)
            .replacingOccurrences(of: "\"name\": \"lst/troca\"", with: "\"name\": \"lst/norec\"")
            .replacingOccurrences(of: "\"name\": \"letter\"", with: "\"name\": \"carta\"")
        try Data(lst.utf8).write(to: URL(fileURLWithPath: dir + "/mine/lst/norec.json"))
        return dir
    }

    static let cases: [(args: [String], said: String)] = [
        (["cnab", "parse", "--layout", "nope", remessa], #"troca: nope: error: [layout.unknown] unknown layout "nope" (see `troca layout list`)"#),
        (
            ["cnab", "parse", "--layouts", "mine", "--layout", "cnab240/bad", remessa],
            #"troca: mine/cnab240/bad.json:2:11: error: [layout.json] not valid JSON at "x""#
        ),
        (["layout", "show", "cnab240/bad", "--layouts", "mine/"], #"troca: mine/cnab240/bad.json:2:11: error: [layout.json] not valid JSON at "x""#),
        (["layout", "lint", "mine/cnab240/bad.json"], #"troca: mine/cnab240/bad.json:2:11: error: [layout.json] not valid JSON at "x""#),
        (
            ["letters", "render", "--template", repoRoot + "/Fixtures/samples/letters/cobranca-30.txt", "--format", "lst", "--layouts", "mine",
                "--lst-layout", "lst/norec"],
            #"troca: mine/lst/norec.json: error: [layout.lst] layout lst/norec has no record named "letter" (an LST layout needs header, letter and trailer)"#
        ),
        (["layout", "list", "--layouts", "nowhere"], "troca: nowhere: error: [layout.unreadable] layouts directory not found"),
    ]

    @Test(arguments: cases)
    func aLayoutErrorIsSaidAsADiagnosticAndExits78(args: [String], said: String) throws {
        let dir = try Self.layouts()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = troca(args, cwd: dir)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText.hasPrefix(said + "\n"), "\(r.stderrText)")
    }

    /// What `layout lint` finds is said in the same form: the JSON path leads the message.
    @Test func lintProblemsAreDiagnostics() {
        let r = troca(["layout", "lint", "layouts"], cwd: repoRoot + "/Fixtures/layout-lint/0002-broken-layout")
        #expect(r.status == .config)
        #expect(
            r.stderrText.contains(
                "troca: layouts/test/broken.json: error: [layout.overlap] records[0].fields[2]: nome [8, 12] overlaps the previous field, which ends at 8\n"),
            "\(r.stderrText)")
    }
}
