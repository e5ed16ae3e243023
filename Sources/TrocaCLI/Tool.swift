import CNAB
import FixedWidth
import Foundation
import Records

/// The `troca` command line, callable in-process: `Tool.main(arguments:io:)` returns the exit
/// status instead of exiting, so golden tests run every command without a subprocess.
public enum Tool {
    /// Runs `troca` with `arguments` (without the program name).
    public static func main(arguments: [String], io: IO) -> ExitStatus {
        let context = Context(io: io)
        if arguments.isEmpty {
            io.stderr(Array(HelpCommand.text.utf8))
            return .usage
        }
        if arguments == ["--help"] || arguments == ["-h"] {
            return (try? HelpCommand.run(Arguments([], valued: [], flags: []), context)) ?? .ok
        }
        if arguments == ["--version"] || arguments == ["version"] {
            io.say("version \(version)")
            return .ok
        }
        let match = Commands.all
            .filter { arguments.starts(with: $0.name) }
            .max { $0.name.count < $1.name.count }
        guard let command = match else {
            let family = Commands.all.filter { $0.name.first == arguments[0] }
            if !family.isEmpty, arguments.count == 2, arguments[1] == "--help" || arguments[1] == "-h" {
                // `troca cnab --help`: the group's commands, each with its line of `troca help`.
                let width = family.map { $0.name.joined(separator: " ").count }.max() ?? 0
                var text = "troca \(arguments[0]): commands (troca \(arguments[0]) COMMAND --help for details)\n\n"
                for c in family {
                    let name = c.name.joined(separator: " ")
                    text += "  troca " + name + String(repeating: " ", count: width - name.count) + "  " + c.summary + "\n"
                }
                do { try io.write(text) } catch {}
                return .ok
            }
            if !family.isEmpty {
                io.say(
                    "unknown command \"troca \(arguments.prefix(2).joined(separator: " "))\"; try: "
                        + family.map { "troca " + $0.name.joined(separator: " ") }.joined(separator: ", "))
            } else {
                io.say("unknown command \"\(arguments[0])\"; run `troca help` for the list")
            }
            return .usage
        }
        let rest = Array(arguments.dropFirst(command.name.count))
        if rest.contains("--help") || rest.contains("-h") {
            do { try io.write(command.help) } catch {}
            return .ok
        }
        do {
            let args = try Arguments(rest, valued: command.valued, flags: command.flags, repeatable: command.repeatable)
            try OutputCheck.refuseInputsAsOutputs(
                args, inputOptions: command.inputOptions, readsStandardInput: command.readsStandardInput(args), io: io)
            try OutputCheck.refuseDirectories(args, allowing: command.directoryOutputs, io: io)
            return try command.run(args, context)
        } catch let e as UsageError {
            io.say(e.message)
            io.say("usage: see `troca \(command.name.joined(separator: " ")) --help`")
            return .usage
        } catch let e as LayoutError {
            io.say("\(e.description)")
            return .config
        } catch let e as ConfigFileError {
            io.say(e.description)
            return .config
        } catch let e as OutputRefusal {
            io.say(e.diagnostic.formatted)
            return .cantCreate
        } catch let e as InputError {
            io.say(e.diagnostic)
            return .noInput
        } catch is BrokenPipe {
            return .ok
        } catch let e as WriteError {
            io.say(e.description)
            return e.description.hasPrefix("cannot create") ? .cantCreate : .ioError
        } catch {
            io.say("internal error: \(error)")
            return .software
        }
    }

    /// Troca's version.
    public static let version = "0.1.0"
}
