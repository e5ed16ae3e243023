import Foundation
import Testing
import TrocaCLI

/// Configuration files against input data (DESIGN.md's exit codes): a configuration file
/// (rules, index, holidays, ladder, map, template, pipeline) that is missing or cannot be read
/// is exit 78, as a wrong one is; a missing input data file is 66.
@Suite struct ConfigFileTests {
    static let rules = "Fixtures/samples/reconcile/regras.json"
    static let ladder = "Fixtures/samples/letters/regua.json"
    static let titles = "Fixtures/samples/letters/titulos.jsonl"
    static let agreements = "Fixtures/samples/reconcile/acordos.jsonl"

    /// Each command with one configuration file that is not there (`nowhere.*`).
    static let missingConfiguration: [[String]] = [
        ["update", "--as-of", "2026-11-23", "--rules", "nowhere.json", titles],
        ["update", "--as-of", "2026-11-23", "--rules", rules, "--index", "nowhere.csv", titles],
        ["update", "--as-of", "2026-11-23", "--rules", rules, "--holidays", "nowhere.txt", titles],
        ["reconcile", "--agreements", agreements, "--rules", "nowhere.json", titles],
        ["reconcile", "--agreements", agreements, "--holidays", "nowhere.txt", titles],
        ["letters", "select", "--ladder", "nowhere.json", "--as-of", "2026-11-23", titles],
        ["letters", "select", "--ladder", ladder, "--as-of", "2026-11-23", "--rules", "nowhere.json", titles],
        ["letters", "render", "--template", "nowhere.txt", titles],
        ["import", "titles", "--map", "nowhere.json", "Fixtures/samples/imports/titulos.csv"],
        ["import", "agreements", "--map", "nowhere.json", "Fixtures/samples/imports/acordos.csv"],
        ["cnab", "simulate", "--holidays", "nowhere.txt", "--paid", "0.5", "--seed", "1", "--date", "2026-11-23", "Fixtures/samples/REMESSA-240.rem"],
        ["run", "nowhere.json", titles],
        ["watch", "--config", "nowhere.json", "--once"],
    ]

    @Test(arguments: missingConfiguration)
    func aMissingConfigurationFileIsExit78(args: [String]) {
        let r = troca(args)
        #expect(r.status == .config, "\(r.stderrText)")
        #expect(r.stderrText.contains("nowhere."), "\(r.stderrText)")
    }

    /// A directory where the rules file should be cannot be read: 78 too.
    @Test func anUnreadableConfigurationFileIsExit78() {
        let r = troca(["update", "--as-of", "2026-11-23", "--rules", "Fixtures", Self.titles])
        #expect(r.status == .config, "\(r.stderrText)")
    }

    /// The same commands with their configuration, reading input data that is not there.
    static let missingInput: [[String]] = [
        ["update", "--as-of", "2026-11-23", "--rules", rules, "--index", "Fixtures/samples/reconcile/indice-ilustrativo.csv", "nowhere.jsonl"],
        ["reconcile", "--agreements", "nowhere.jsonl", titles],
        ["reconcile", "--agreements", agreements, "nowhere.jsonl"],
        ["letters", "select", "--ladder", ladder, "--as-of", "2026-11-23", "nowhere.jsonl"],
        ["import", "titles", "--map", "maps/titulos.json", "nowhere.csv"],
        ["run", "Fixtures/samples/watch/retorno.json", "nowhere.ret"],
    ]

    @Test(arguments: missingInput)
    func aMissingInputFileIsExit66(args: [String]) {
        let r = troca(args)
        #expect(r.status == .noInput, "\(r.stderrText)")
    }
}
