import Foundation
import Testing

/// What a review of `troca layout lint` found: a layout's name checked against the path as it
/// was typed (clean from `layouts/`, wrong for every file from `layouts/cnab400` or from inside
/// it), an `extends` problem blamed on the layout itself when its name was not its path's, and
/// a record no line could be read as (its select the same as an earlier record's) or a layout
/// without records passed as clean.
@Suite struct LayoutLintReviewTests {
    /// A layout named "a/b/c" is clean in any file whose path ends with a/b/c.json, however
    /// that path is given.
    @Test(arguments: [
        (["layout", "lint", "layouts/cnab400"], ""),
        (["layout", "lint", "layouts/cnab400/"], ""),
        (["layout", "lint", "layouts/cnab400/237"], ""),
        (["layout", "lint", repoRoot + "/layouts/cnab240"], ""),
        (["layout", "lint", "237/retorno.json"], "layouts/cnab400"),
        (["layout", "lint", "./237/../237/retorno.json"], "layouts/cnab400"),
        (["layout", "lint", "retorno.json"], "layouts/cnab400/237"),
        (["layout", "lint", "../cnab400/237/remessa.json"], "layouts/cnab240"),
        (["layout", "lint", repoRoot + "/layouts/cnab400/237/retorno.json"], "layouts/cnab400"),
    ])
    func aNameIsCheckedAgainstThePathsLastComponents(args: [String], cwd: String) {
        let r = troca(args, cwd: (repoRoot as NSString).appendingPathComponent(cwd))
        #expect(r.status == .ok, "\(r.stderrText)")
        #expect(r.stderrText.contains(", 0 problems"), "\(r.stderrText)")
    }

    /// A real mismatch is still one, whichever way the path is given: `x/retorno.json` is not
    /// cnab400/237/retorno, nor is `…/237/retorno.json` under a directory other than cnab400.
    @Test func aNameThatIsNotThePathsIsStillAProblem() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/cnab401/237", withIntermediateDirectories: true)
        let json = try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/layouts/cnab400/237/retorno.json"))
        try json.write(to: URL(fileURLWithPath: dir + "/cnab401/237/retorno.json"))
        for (args, cwd) in [
            (["layout", "lint", "cnab401"], dir), (["layout", "lint", "237/retorno.json"], dir + "/cnab401"),
            (["layout", "lint", dir + "/cnab401/237/retorno.json"], repoRoot),
        ] {
            let r = troca(args, cwd: cwd)
            #expect(r.status == .config, "\(args)")
            #expect(r.stderrText.contains(#"error: [layout.name] name: "cnab400/237/retorno" does not match the file's path"#), "\(args): \(r.stderrText)")
        }
    }

    /// `extends` is resolved from the name the file claims, so its problem names the target
    /// (or the cycle) whether or not that name is the path's.
    @Test func anExtendsProblemNamesItsTargetWhateverThePath() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/test", withIntermediateDirectories: true)
        let ext = #"{"kind": "layout", "name": "test/ext", "version": "1", "record_length": 400, "extends": "cnab400/nope/x", "records": []}"#
        let selfExt = #"{"kind": "layout", "name": "test/selfext", "version": "1", "record_length": 400, "extends": "test/selfext", "records": []}"#
        for folder in ["", "/test"] {
            try Data(ext.utf8).write(to: URL(fileURLWithPath: dir + folder + "/ext.json"))
            try Data(selfExt.utf8).write(to: URL(fileURLWithPath: dir + folder + "/selfext.json"))
        }
        for args in [["layout", "lint", "ext.json", "selfext.json"], ["layout", "lint", "test/ext.json", "test/selfext.json"]] {
            let r = troca(args, cwd: dir)
            #expect(r.status == .config)
            #expect(r.stderrText.contains(#"ext.json: error: [layout.extends] extends: unknown layout "cnab400/nope/x""#), "\(args): \(r.stderrText)")
            #expect(r.stderrText.contains("selfext.json: error: [layout.extends] extends: extends cycle: test/selfext -> test/selfext"), "\(args): \(r.stderrText)")
            #expect(!r.stderrText.contains(#"unknown layout "test/"#), "\(args): \(r.stderrText)")
        }
    }

    /// Bradesco's retorno with its detail selected as its header is: the detail can never be
    /// read; and without records it is no layout. Every built-in layout stays clean.
    @Test func aRecordThatCanNeverBeChosenAndALayoutWithoutRecordsAreProblems() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/cnab400/237", withIntermediateDirectories: true)
        let json = try String(contentsOfFile: repoRoot + "/layouts/cnab400/237/retorno.json", encoding: .utf8)
        var layout = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var records = try #require(layout["records"] as? [[String: Any]])
        records[1]["select"] = records[0]["select"]
        layout["records"] = records
        try JSONSerialization.data(withJSONObject: layout).write(to: URL(fileURLWithPath: dir + "/cnab400/237/retorno.json"))
        layout["records"] = [Any]()
        layout["name"] = "cnab400/237/empty"
        try JSONSerialization.data(withJSONObject: layout).write(to: URL(fileURLWithPath: dir + "/cnab400/237/empty.json"))
        let r = troca(["layout", "lint", "cnab400"], cwd: dir)
        #expect(r.status == .config)
        #expect(
            r.stderrText == """
                troca: cnab400/237/empty.json: error: [layout.records] records: a layout needs at least one record
                troca: cnab400/237/retorno.json: error: [layout.select] records[1].select: the same as records[0]'s (records[0] is always chosen first; this record can never be)
                troca: layout lint: 2 files, 2 problems

                """)
        // Used with --layouts, it is refused where it is read.
        let parse = troca(["cnab", "parse", "--layouts", dir, repoRoot + "/Fixtures/samples/cnab400/237/retorno.ret"])
        #expect(parse.status == .config, "\(parse.stderrText)")
        #expect(parse.stderrText.contains("[layout.select] records[1].select"), "\(parse.stderrText)")
        let all = troca(["layout", "lint", "layouts"])
        #expect(all.status == .ok && all.stderrText.hasSuffix(", 0 problems\n"), "\(all.stderrText)")
    }
}
