import Imports

/// `troca import agreements`: CSV acordos, one row per installment → JSONL agreement records.
enum ImportAgreementsCommand: Command {
    static let name = ["import", "agreements"]
    static let summary = "CSV acordos, one row per parcela → JSONL agreement records (as reconcile reads them)"
    static let help = ImportRun.usage(
        "agreements", "agreement", "maps/acordos.json", writes: "one JSON `agreement` record per agreement (acordo)",
        rejects: "every row of its agreement is rejected",
        more: """
            Each row is an installment (parcela; number 0 is the entrada) with the agreement's own
            columns repeated on it; an agreement's rows are consecutive, and its source is its first
            row. An agreement is written whole or not at all: an invalid cell, own cells that differ
            from its other rows', an id that comes back after another agreement's rows, or what troca
            reconcile refuses (entrada and installments not adding up to total_cents, numbers not 1…n,
            due dates out of order or before created_on, amounts not above zero) rejects every one of
            its rows. The summary line also counts the agreements written and rejected.
            """)
    static let valued: Set<String> = ImportRun.valued
    static let flags: Set<String> = []
    static let required = ["map"]
    static let inputOptions = ImportRun.inputOptions

    static func run(_ args: Arguments, _ context: Context) throws -> ExitStatus {
        try ImportRun.run(.agreement, "import agreements", args, context)
    }
}
