import FixedWidth
import Foundation
import Records

/// One command of `troca`: its name, its help, and how it runs. Commands live one per file
/// and are listed once, in `Commands.all`.
protocol Command: Sendable {
    /// Words after `troca`, e.g. `["cnab", "parse"]`.
    static var name: [String] { get }
    /// One line for `troca help`.
    static var summary: String { get }
    /// Full help for `troca CMD --help`.
    static var help: String { get }
    /// Options with values.
    static var valued: Set<String> { get }
    /// Options without values.
    static var flags: Set<String> { get }
    /// Valued options that may be given more than once, their values adding up; any other
    /// option given twice is a usage error.
    static var repeatable: Set<String> { get }
    /// Valued options a run cannot go without (checked again by `run` itself); a pipeline
    /// stage missing one is refused when the pipeline is loaded.
    static var required: [String] { get }
    /// Valued options that name a file the command reads (besides its positionals): an output
    /// (`--output`, `--rejects`) naming the same file is refused (`OutputCheck`).
    static var inputOptions: Set<String> { get }
    /// Whether a run with `args` reads standard input (for `OutputCheck`).
    static func readsStandardInput(_ args: Arguments) -> Bool
    /// Output options (`--output`, `--rejects`) that may name a directory; any other naming
    /// one is refused before the run (`OutputCheck.refuseDirectories`).
    static var directoryOutputs: Set<String> { get }
    /// Valued options naming a file kept from run to run (a letters history, a remessa
    /// sequence): `troca watch` refuses a pipeline giving one a path that does not outlive the
    /// file being processed (relative to its claim directory, or in `{out}` or `{work}`).
    static var stateFiles: [String] { get }
    /// Runs with scanned arguments.
    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus
}

extension Command {
    /// No option is required unless a command says so.
    static var required: [String] { [] }

    /// No valued option names an input unless a command says so.
    static var inputOptions: Set<String> { [] }

    /// Most commands read standard input when given no FILE, or `-`.
    static func readsStandardInput(_ args: Arguments) -> Bool { args.positionals.isEmpty || args.positionals.contains("-") }
    /// Most commands write their output and rejects to files, not directories.
    static var directoryOutputs: Set<String> { [] }
    /// Most commands keep nothing between runs.
    static var stateFiles: [String] { [] }

    /// `--layouts DIR` adds a directory each time it is given (after `TROCA_LAYOUTS`'s);
    /// nothing else repeats unless a command says so.
    static var repeatable: Set<String> { ["layouts"] }
}

/// Everything a command needs from outside: IO and the layout library.
struct Context {
    let io: IO

    /// The layout library: built-ins, then `TROCA_LAYOUTS`, then `--layouts` directories.
    func library(_ args: Arguments) throws -> LayoutLibrary {
        var library = LayoutLibrary()
        var dirs: [String] = []
        if let env = io.environment["TROCA_LAYOUTS"], !env.isEmpty {
            dirs += env.split(separator: ":").map(String.init)
        }
        dirs += args.values["layouts"] ?? []
        for dir in dirs {
            // Files are named as the user gave the directory (`mine/x.json`), not by absolute path.
            var path = io.path(dir)
            while path.count > 1, path.hasSuffix("/") { path.removeLast() }
            func given(_ file: String) -> String {
                guard file.hasPrefix(path + "/") else { return file == path ? dir : file }
                return (dir as NSString).appendingPathComponent(String(file.dropFirst(path.count + 1)))
            }
            let sources: [LayoutSource]
            do { sources = try LayoutLibrary.scan(directory: path) } catch {
                var e = error
                e.file = given(e.file)
                throw e
            }
            for var source in sources {
                source.origin = given(source.origin)
                library.add(source)
            }
        }
        return library
    }

    /// Reports a diagnostic on stderr as `troca: FILE:LINE:COL: severity: [code] message`.
    func print(_ d: Diagnostic) {
        io.say(d.formatted)
    }
}

/// The registry: the only list of commands.
enum Commands {
    static let all: [any Command.Type] = [
        CnabParseCommand.self,
        CnabCheckCommand.self,
        CnabWriteCommand.self,
        CnabSimulateCommand.self,
        BoletoMakeCommand.self,
        BoletoDecodeCommand.self,
        ImportTitlesCommand.self,
        ImportPartiesCommand.self,
        ImportPaymentsCommand.self,
        ImportAgreementsCommand.self,
        ReconcileCommand.self,
        UpdateCommand.self,
        ExportCsvCommand.self,
        ConvertCommand.self,
        LettersSelectCommand.self,
        LettersRenderCommand.self,
        LayoutListCommand.self,
        LayoutShowCommand.self,
        LayoutLintCommand.self,
        RunCommand.self,
        WatchCommand.self,
        HelpCommand.self,
    ]
}
