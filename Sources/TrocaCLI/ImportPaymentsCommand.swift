import Imports

/// `troca import payments`: CSV payments received outside CNAB (Pix, card, cash) → JSONL payment records.
enum ImportPaymentsCommand: Command {
    static let name = ["import", "payments"]
    static let summary = "CSV payments received outside CNAB (Pix, card, cash) → JSONL payment records"
    static let help = ImportRun.usage("payments", "payment", "maps/baixas.json")
    static let valued: Set<String> = ImportRun.valued
    static let flags: Set<String> = []
    static let required = ["map"]
    static let inputOptions = ImportRun.inputOptions

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        try ImportRun.run(.payment, "import payments", args, context)
    }
}
