import FixedWidth
import Foundation
import Testing

@testable import TrocaCLI

/// The help texts and the README say what the commands do: every option a command takes is in
/// its help, every command is in README's table, and README's first example prints what it says.
@Suite struct DocsTruthTests {
    /// Each option a command accepts is named in its `--help` (`cnab check` took --max-rejects
    /// without saying so).
    @Test func everyOptionIsInItsCommandsHelp() {
        var missing: [String] = []
        for command in Commands.all {
            for option in command.valued.union(command.flags).sorted() where !command.help.contains("--" + option) {
                missing.append("troca \(command.name.joined(separator: " ")) --\(option)")
            }
        }
        #expect(missing.isEmpty, "options missing from their command's help: \(missing)")
        let check = troca(["cnab", "check", "--help"]).stdoutText
        #expect(check.contains("--max-rejects N     stop reading a file after more than N rejected lines"))
    }

    /// `cnab write --help` gives each bank's file-name rule for `--output DIR`, Sicredi's
    /// (CCCCCMDD.CRM, then .RM2…) among them, as README does.
    @Test func writeHelpGivesTheFileNameRules() {
        let help = troca(["cnab", "write", "--help"]).stdoutText
        for rule in ["Bradesco CBDDMMnn.REM", "Sicoob remessa-YYYYMMDD-nn.REM", "Sicredi 400 CCCCCMDD.CRM", ".RM2 … .RM9, .RM0", "else remessa-YYYYMMDD-nn.rem"] {
            #expect(help.contains(rule), "\(rule)")
        }
    }

    /// README's table of commands has a row for every command (`convert` had none).
    @Test func readmeListsEveryCommand() throws {
        let readme = try String(contentsOfFile: repoRoot + "/README.md", encoding: .utf8)
        // A row's first cell: `troca import titles\|parties\|payments --map …` names three.
        let cells = readme.split(separator: "\n").filter { $0.hasPrefix("| `troca ") }.map { $0.dropFirst(3).prefix { $0 != "`" } }
        let missing = Commands.all.map { $0.name }.filter { name in
            !cells.contains { cell in
                let words = cell.split(separator: " ").map(String.init)
                return words.count > name.count && words[0] == "troca" && words[1] == name[0]
                    && (name.count == 1 || words[2].split(separator: "|").map { $0.hasSuffix("\\") ? String($0.dropLast()) : String($0) }.contains(name[1]))
            }
        }.map { "troca " + $0.joined(separator: " ") }
        #expect(missing.isEmpty, "commands without a row in README's table: \(missing)")
    }

    /// README's first example, run on the samples it names (copied as RETORNO.ret and
    /// REMESSA.rem): each `$ troca …` line prints exactly the lines under it (stderr and stdout
    /// as a terminal shows them; `> FILE` sends stdout to the file). The `jq` line is not run.
    @Test func readmeFirstExamplePrintsWhatItSays() throws {
        let readme = try String(contentsOfFile: repoRoot + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "```sh\n$ troca cnab parse RETORNO.ret"))
        let block = readme[start.upperBound...]
        let end = try #require(block.range(of: "\n```"))
        let lines = ("$ troca cnab parse RETORNO.ret" + block[..<end.lowerBound]).split(separator: "\n").map(String.init)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: repoRoot + "/Fixtures/samples/RETORNO-240.ret", toPath: dir + "/RETORNO.ret")
        try FileManager.default.copyItem(atPath: repoRoot + "/Fixtures/samples/REMESSA-240.rem", toPath: dir + "/REMESSA.rem")
        var ran = 0
        var i = 0
        while i < lines.count {
            let command = lines[i]
            i += 1
            var expected: [String] = []
            while i < lines.count, !lines[i].hasPrefix("$ ") {
                expected.append(lines[i])
                i += 1
            }
            guard command.hasPrefix("$ troca ") else { continue }
            var words = shellWords(String(command.dropFirst(2)))
            words.removeFirst()
            var redirect: String? = nil
            if let gt = words.firstIndex(of: ">") {
                redirect = words[gt + 1]
                words.removeSubrange(gt...)
            }
            let printed = Capture()
            let stdout = Capture()
            let io = IO(
                stdin: { MemorySource([]) },
                stdout: { bytes in redirect == nil ? printed.bytes.append(contentsOf: bytes) : stdout.bytes.append(contentsOf: bytes) },
                stderr: { printed.bytes.append(contentsOf: $0) },
                environment: [:], currentDirectory: dir)
            let status = Tool.main(arguments: words, io: io)
            #expect(status == .ok, "\(command)")
            if let redirect { try Data(stdout.bytes).write(to: URL(fileURLWithPath: dir + "/" + redirect)) }
            #expect(String(decoding: printed.bytes, as: UTF8.self) == expected.map { $0 + "\n" }.joined(), "\(command)")
            ran += 1
        }
        #expect(ran == 3)
    }
}
