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
        // JSON, but a field's `pos` is a number where an array is expected.
        try Data(
            #"{"kind": "layout", "name": "cnab240/typed", "version": "1", "record_length": 240, "records": [{"name": "r", "select": [], "fields": [{"name": "a", "pos": 5, "picture": "X"}]}]}"#
                .utf8
        ).write(to: URL(fileURLWithPath: dir + "/mine/cnab240/typed.json"))
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
        // A file of --layouts that is not a layout's JSON was listed as `? ?`, exit 0, without a word.
        (["layout", "list", "--layouts", "mine"], #"troca: mine/cnab240/bad.json:2:11: error: [layout.json] not valid JSON at "x""#),
        // A layout file to lint that is not there is a missing layout (78, as the help says), not a missing input (66).
        (["layout", "lint", "nowhere.json"], "troca: nowhere.json: error: [layout.unreadable] layout file or directory not found"),
        (["layout", "lint", "mine/nowhere/"], "troca: mine/nowhere/: error: [layout.unreadable] layout file or directory not found"),
        // A JSON type error names JSON's kinds, not Swift's types (it said "expected Array<Any>").
        (
            ["layout", "show", "cnab240/typed", "--layouts", "mine"],
            "troca: mine/cnab240/typed.json: error: [layout.json] records[0].fields[0].pos: expected an array, found a number"
        ),
    ]

    @Test(arguments: cases)
    func aLayoutErrorIsSaidAsADiagnosticAndExits78(args: [String], said: String) throws {
        let dir = try Self.layouts()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = troca(args, cwd: dir)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText.hasPrefix(said + "\n"), "\(r.stderrText)")
    }

    /// A layout or code table added with --layouts that lint refuses is refused where it is
    /// used too, with lint's first problem (and how many more): a layout that does not cover its
    /// record exactly would read or write the wrong bytes without a word. A clean override is
    /// used, and one that extends an override is refused when its parent is.
    @Test func aLayoutLintRefusesIsNotUsed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func write(_ name: String, _ text: String) throws {
            let path = dir + "/mine/" + name + ".json"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        func builtin(_ name: String) throws -> String { try String(contentsOfFile: repoRoot + "/layouts/" + name + ".json", encoding: .utf8) }
        // A baixa: document, nosso número, event, two dates, three amounts, filler.
        let line =
            "2" + "DOC-1".padding(toLength: 15, withPad: " ", startingAt: 0) + String(repeating: "0", count: 19) + "7"
            + "paid".padding(toLength: 12, withPad: " ", startingAt: 0) + "0201202603012026" + String(repeating: "000000000010000", count: 3)
            + String(repeating: " ", count: 11) + "\n"
        try Data(line.utf8).write(to: URL(fileURLWithPath: dir + "/baixas.txt"))

        // Clean: the override's own name for a field is what comes out.
        try write("erp/baixas", try builtin("erp/baixas").replacingOccurrences(of: #""to": "document_number""#, with: #""to": "doc_override""#))
        let clean = troca(["convert", "--layouts", "mine", "--layout", "erp/baixas", "baixas.txt"], cwd: dir)
        #expect(clean.status == .ok && clean.stdoutText.contains(#""doc_override":"DOC-1""#), "\(clean.stderrText)")

        // Overlapping fields, and a picture longer than its positions: refused, nothing written.
        try write(
            "erp/baixas",
            try builtin("erp/baixas")
                .replacingOccurrences(of: #""pos": [2, 16], "picture": "X(15)""#, with: #""pos": [2, 17], "picture": "X(16)""#)
                .replacingOccurrences(of: #""picture": "X(11)""#, with: #""picture": "X(12)""#))
        let overlap = troca(["convert", "--layouts", "mine", "--layout", "erp/baixas", "baixas.txt"], cwd: dir)
        #expect(overlap.status == .config && overlap.stdout.isEmpty)
        #expect(
            overlap.stderrText.hasPrefix(
                "troca: mine/erp/baixas.json: error: [layout.overlap] records[0].fields[2]: nosso_numero [17, 36] overlaps the previous field, which ends at 17 (and 1 more problem: `troca layout lint mine/erp/baixas.json`)\n"),
            "\(overlap.stderrText)")

        // Bradesco's 240 remessa extends FEBRABAN's: a broken FEBRABAN override refuses both.
        try write(
            "cnab240/febraban/remessa",
            try builtin("cnab240/febraban/remessa").replacingOccurrences(of: #""record_length": 240"#, with: #""record_length": 241"#))
        for name in ["cnab240/febraban/remessa", "cnab240/341/remessa"] {
            let r = troca(["layout", "show", name, "--layouts", "mine"], cwd: dir)
            #expect(r.status == .config && r.stderrText.hasPrefix("troca: mine/cnab240/febraban/remessa.json: error: "), "\(name): \(r.stderrText)")
        }

        // A code table whose reasons name no table.
        try write(
            "cnab400/237/occurrences",
            try builtin("cnab400/237/occurrences").replacingOccurrences(of: #""event": "registered", "reasons": "A""#, with: #""event": "registered", "reasons": "Z""#))
        let codes = troca(["cnab", "parse", "--layouts", "mine", repoRoot + "/Fixtures/samples/cnab400/237/" + (try firstSample("cnab400/237"))], cwd: dir)
        #expect(codes.status == .config && codes.stderrText.hasPrefix("troca: mine/cnab400/237/occurrences.json: error: "), "\(codes.stderrText)")
        let simulated = troca(["cnab", "simulate", "--layouts", "mine", repoRoot + "/Fixtures/samples/cnab400/237/remessa.rem"], cwd: dir)
        #expect(simulated.status == .config && simulated.stdout.isEmpty, "\(simulated.stderrText)")
    }

    /// A retorno whose header and batch header do not say its direction is told by its first
    /// detail record, tried against each direction's layout: one lint refuses is refused there
    /// too, not passed over (the file was read with no bank layout, its títulos lost, exit 0).
    @Test func aLayoutLintRefusesIsNotPassedOverWhenTheDirectionIsGuessed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/mine/cnab240/341", withIntermediateDirectories: true)
        let own = try String(contentsOfFile: repoRoot + "/layouts/cnab240/341/retorno.json", encoding: .utf8)
            .replacingOccurrences(of: #""record_length": 240,"#, with: #""record_length": 240, "comment": "our copy","#)
        try Data(own.utf8).write(to: URL(fileURLWithPath: dir + "/mine/cnab240/341/retorno.json"))
        // Itaú's sample retorno, with the header's direction (143) and the batch header's operation (9) blank.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/Fixtures/samples/cnab240/341/retorno.ret")))
        let second = try #require(bytes.firstIndex(of: 0x0A)) + 1
        bytes[143 - 1] = UInt8(ascii: " ")
        bytes[second + 9 - 1] = UInt8(ascii: " ")
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/nodir.ret"))

        let r = troca(["cnab", "parse", "--layouts", "mine", "nodir.ret"], cwd: dir)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText.contains("troca: mine/cnab240/341/retorno.json: error: [layout.key] unknown key \"comment\""), "\(r.stderrText)")
        // Without the override the built-in layout tells it a retorno, as before.
        let clean = troca(["cnab", "parse", "nodir.ret"], cwd: dir)
        #expect(clean.status == .ok && clean.stdoutText.contains(#""record":"event""#), "\(clean.stderrText)")
    }

    func firstSample(_ dir: String) throws -> String {
        try #require(try FileManager.default.contentsOfDirectory(atPath: repoRoot + "/Fixtures/samples/" + dir).sorted().first { $0.uppercased().hasSuffix(".RET") })
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

    /// `layout list` with a broken override still lists every layout (the broken one with `?`
    /// for its kind and version), says each problem on stderr, and exits 78.
    @Test func layoutListNamesABrokenOverride() throws {
        let dir = try Self.layouts()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = troca(["layout", "list", "--layouts", "mine"], cwd: dir)
        #expect(r.status == .config)
        let rows = r.stdoutText.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.contains(["cnab240/bad", "?", "?", "mine/cnab240/bad.json"]))
        #expect(rows.contains(["cnab240/typed", "layout", "1", "mine/cnab240/typed.json"]))
        #expect(rows.contains { $0.first == "cnab240/febraban/retorno" })
        #expect(r.stderrText == #"troca: mine/cnab240/bad.json:2:11: error: [layout.json] not valid JSON at "x""# + "\n", "\(r.stderrText)")
    }
}
