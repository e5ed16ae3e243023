import Imports

/// `troca import titles`: CSV títulos (ERP/spreadsheet export) → JSONL title records, through a column map.
enum ImportTitlesCommand: Command {
    static let name = ["import", "titles"]
    static let summary = "CSV títulos (ERP/spreadsheet export) → JSONL title records, through a column map"
    static let help = ImportRun.usage("titles", "title", "maps/titulos.json")
    static let valued: Set<String> = ImportRun.valued
    static let flags: Set<String> = []
    static let required = ["map"]
    static let inputOptions = ImportRun.inputOptions

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        try ImportRun.run(.title, "import titles", args, context)
    }
}
