import FixedWidth
import Foundation
import Records

/// What `CNABSimulator` is asked to do.
public struct CNABSimulateOptions: Sendable {
    /// The share of registered títulos that are also paid (0…1).
    public var paid: Double
    /// The seed that decides which títulos are paid: the same seed gives the same file.
    public var seed: UInt64
    /// The date of the retorno and its events; payments are credited the next day.
    public var date: CivilDate

    /// Creates options.
    public init(paid: Double, seed: UInt64, date: CivilDate) {
        self.paid = paid
        self.seed = seed
        self.date = date
    }
}

/// What a simulation did.
public struct CNABSimulateSummary: Sendable, Hashable {
    /// Títulos read from the remessa.
    public var titles = 0
    /// Events written, by normalised kind.
    public var registered = 0, rejected = 0, paid = 0
    /// The retorno's layout.
    public var layout = ""
}

/// A remessa → a plausible retorno of the same bank and format, for rehearsing pipelines without a
/// bank: every valid título is confirmed (`registered`), a seeded share of them also `paid` (face
/// value, credited the next day), and a título a bank would refuse — no amount, due before it was
/// issued or before the retorno's date, no payer document — is `rejected` with a reason from the
/// bank's table. Codes come from the bank's occurrence table, so the retorno reads back as such.
public enum CNABSimulator {
    /// The error of a remessa that cannot be simulated.
    public struct Failure: Error, CustomStringConvertible {
        /// The code.
        public let code: DiagnosticCode
        /// What is wrong.
        public let description: String
    }

    /// Reads the remessa and returns the retorno's bytes.
    public static func simulate(
        _ source: ByteSource, file: String, library: LayoutLibrary, options: CNABSimulateOptions, diagnostics: DiagnosticSink
    ) throws -> ([UInt8], CNABSimulateSummary) {
        var parsed: [UInt8] = []
        let writer = RecordWriter { parsed.append(contentsOf: $0) }
        let read = try CNABReader(library: library, file: file, options: CNABReadOptions(threads: 1)).read(
            source, output: writer, diagnostics: diagnostics)
        try writer.finish()
        guard !read.fatal, let format = read.format, let bank = read.bank else {
            throw Failure(code: "simulate.input", description: "\(file) cannot be read as a CNAB file (see the errors above)")
        }
        guard read.direction == "remessa" else {
            throw Failure(code: "simulate.input", description: "\(file) is a \(read.direction ?? "file of unknown direction"), not a remessa")
        }
        let family = format == .cnab240 ? "cnab240" : "cnab400"
        let table =
            (try? library.codes(named: "\(family)/\(bank)/occurrences"))
            ?? (format == .cnab240 ? try? library.codes(named: "cnab240/febraban/occurrences") : nil)
        guard let table else {
            throw Failure(code: "simulate.codes", description: "no occurrence table for \(family) bank \(bank)")
        }
        func code(_ event: String) -> String? { table.movements.filter { $0.value.event == event }.keys.min() }
        guard let registered = code("registered"), let paidCode = code("paid") else {
            throw Failure(code: "simulate.codes", description: "the occurrence table of bank \(bank) has no registered or paid code")
        }
        let rejected = code("rejected")
        let rejectionReasons = rejected.flatMap { table.movements[$0]?.reasons }.flatMap { table.reasons[$0] } ?? [:]
        /// The reason whose text names the problem, else the table's first.
        func reason(_ words: [String]) -> String? {
            let sorted = rejectionReasons.sorted { $0.key < $1.key }
            return sorted.first { entry in words.contains { entry.value.lowercased().contains($0) } }?.key ?? sorted.first?.key
        }

        var summary = CNABSimulateSummary()
        var rng = SplitMix64(seed: options.seed)
        let credit = CivilDate(daysSinceEpoch: options.date.daysSinceEpoch + 1)
        var lines: [Data] = []
        func add(_ object: [String: Any]) throws { lines.append(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) }
        for line in parsed.split(separator: 0x0A) {
            guard var object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else { continue }
            object["source"] = nil
            switch (object["record"] as? String, object["part"] as? String) {
            case ("file"?, "header"?):
                object["direction"] = "retorno"
                object["layout"] = nil
                object["format"] = nil
                object["generated_on"] = Self.iso(options.date)
                try add(object)
            case ("batch"?, "header"?):
                object["operation"] = "retorno"
                try add(object)
            case ("title"?, _):
                summary.titles += 1
                var event = object
                event["record"] = "event"
                event["movement"] = nil
                event["face_cents"] = object["amount_cents"]
                event["amount_cents"] = nil
                event["occurrence_date"] = Self.iso(options.date)
                let amount = (object["amount_cents"] as? NSNumber)?.intValue ?? 0
                let due = (object["due_date"] as? String).flatMap { CivilDate(iso: $0) }
                let issued = (object["issue_date"] as? String).flatMap { CivilDate(iso: $0) }
                let payer = object["payer"] as? [String: Any]
                var problem: [String]? = nil
                if amount <= 0 {
                    problem = ["valor"]
                } else if let due, let issued, due.daysSinceEpoch < issued.daysSinceEpoch {
                    problem = ["vencimento"]
                } else if let due, due.daysSinceEpoch < options.date.daysSinceEpoch {
                    problem = ["vencimento"]
                } else if (payer?["document"] as? String)?.isEmpty ?? true {
                    problem = ["inscri", "cpf", "cnpj", "pagador", "sacado"]
                }
                // Each título draws once, whatever its fate, so one título's outcome does not move the others'.
                let draw = rng.unit()
                if let problem, let rejected {
                    event["code"] = rejected
                    if let r = reason(problem) { event["reasons"] = [["code": r]] }
                    summary.rejected += 1
                    try add(event)
                    continue
                }
                event["code"] = registered
                summary.registered += 1
                try add(event)
                if draw < options.paid {
                    event["code"] = paidCode
                    event["paid_cents"] = amount
                    event["credited_cents"] = amount
                    event["credit_date"] = Self.iso(credit)
                    summary.paid += 1
                    try add(event)
                }
            default:
                continue
            }
        }
        var writeOptions = CNABWriteOptions(format: format, bank: bank, date: options.date)
        writeOptions.direction = "retorno"
        let retornoWriter = try CNABWriter(library: library, options: writeOptions)
        summary.layout = retornoWriter.layoutName
        let jsonl = Array(lines.map { Array($0) }.joined(separator: [0x0A]))
        let (bytes, _) = try retornoWriter.write(MemorySource(jsonl), file: file + " (simulated)", diagnostics: diagnostics)
        return (bytes, summary)
    }

    static func iso(_ d: CivilDate) -> String { String(format: "%04d-%02d-%02d", d.year, d.month, d.day) }
}
