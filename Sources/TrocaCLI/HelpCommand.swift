/// `troca help`: the command list and the exit codes.
enum HelpCommand: Command {
    static let name = ["help"]
    static let summary = "this list of commands and the exit codes"
    static let help = """
        usage: troca help [FAMILY [CMD]]

        Lists the commands and the exit codes. With words, prints the help of the command they
        name, as `troca FAMILY CMD --help` does (`troca help cnab parse`, `troca help run`); with a
        family's first word alone, the help of each command of the family (`troca help boleto`).

        """
    static let valued: Set<String> = []
    static let flags: Set<String> = []

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        let words = args.positionals
        guard !words.isEmpty else {
            try context.io.write(text)
            return .ok
        }
        // `troca help boleto make` is `troca boleto make --help`; `troca help boleto`, the help
        // of every boleto command; `troca help help`, this command's own.
        var helps: [String] = []
        for command in Commands.all {
            let commandName: [String] = command.name
            if commandName.starts(with: words) { helps.append(command.help) }
        }
        guard !helps.isEmpty else {
            // Names what was asked as it was typed, then the words that name no command
            // (`troca help help x`: "help x", not "troca help x", which reads as the request).
            let asked = words.joined(separator: " ")
            throw UsageError(message: "troca help \(asked): no command \"\(asked)\"; run `troca help` for the list")
        }
        try context.io.write(helps.joined(separator: "\n"))
        return .ok
    }

    /// The help text.
    static var text: String {
        var text = """
            troca — batch file exchange for Brazilian billing and collection back offices

            usage: troca COMMAND [OPTIONS] [FILE…]     (troca COMMAND --help for details)

            commands:

            """
        let width = Commands.all.map { $0.name.joined(separator: " ").count }.max() ?? 0
        for command in Commands.all {
            let name = command.name.joined(separator: " ")
            text += "  " + name + String(repeating: " ", count: width - name.count + 2) + command.summary + "\n"
        }
        text += "\nexit codes:\n"
        for (status, meaning) in ExitStatus.table {
            text += "  " + String(status.rawValue).leftPadded(to: 3) + "  " + meaning + "\n"
        }
        text += """

            options: --name VALUE or --name=VALUE (a value that starts with -- only as --name=VALUE);
              each option once, except those a command's help calls repeatable; a flag takes no
              value; - is standard input, read once; -- ends the options.

            layouts: built in; --layouts DIR (repeatable) or TROCA_LAYOUTS=DIR[:DIR] add or override them.

            """
        return text
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
