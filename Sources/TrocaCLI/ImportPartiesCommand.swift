import Imports

/// `troca import parties`: CSV clients/debtors → JSONL party records, through a column map.
enum ImportPartiesCommand: Command {
    static let name = ["import", "parties"]
    static let summary = "CSV clients/debtors → JSONL party records, through a column map"
    static let help = ImportRun.usage("parties", "party", "maps/clientes.json")
    static let valued: Set<String> = ImportRun.valued
    static let flags: Set<String> = []
    static let required = ["map"]
    static let inputOptions = ImportRun.inputOptions

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        try ImportRun.run(.party, "import parties", args, context)
    }
}
