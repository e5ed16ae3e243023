import FixedWidth
import Foundation
import Records

/// What `CNABSimulator` is asked to do.
public struct CNABSimulateOptions: Sendable {
    /// The share of registered títulos that are also paid, in millionths (0…1,000,000): a
    /// probability kept exact, with no floating point beside the amounts.
    public var paidPerMillion: Int
    /// The seed that decides which títulos are paid: the same seed gives the same file.
    public var seed: UInt64
    /// The date of the retorno and its events.
    public var date: CivilDate
    /// The day payments are credited: by default the day after `date` (the command line gives
    /// the next business day of the bank calendar).
    public var creditDate: CivilDate

    /// Creates options.
    public init(paidPerMillion: Int, seed: UInt64, date: CivilDate, creditDate: CivilDate? = nil) {
        self.paidPerMillion = paidPerMillion
        self.seed = seed
        self.date = date
        self.creditDate = creditDate ?? CivilDate(daysSinceEpoch: date.daysSinceEpoch + 1)
    }
}

/// What a simulation did.
public struct CNABSimulateSummary: Sendable, Hashable {
    /// Títulos read from the remessa.
    public var titles = 0
    /// Events written, by normalised kind.
    public var registered = 0, rejected = 0, paid = 0
    /// Events the retorno's layout could not hold (each reported as an error by the writer).
    public var unwritten = 0
    /// Títulos a bank would refuse, given no event because the bank's table has no rejection
    /// code (Sicoob 400): neither registered nor paid (a warning says so once).
    public var unanswered = 0
    /// The retorno's layout.
    public var layout = ""
}

/// A remessa → a plausible retorno of the same bank and format, for rehearsing pipelines without a
/// bank: every valid título is confirmed (`registered`), a seeded share of them also `paid` (face
/// value, credited on `creditDate`), and a título a bank would refuse — no amount, due before it was
/// issued or before the retorno's date, no payer document — is `rejected` with a reason from the
/// bank's table. Codes come from the bank's occurrence table, so the retorno reads back as such.
public enum CNABSimulator {
    /// The error of a remessa that cannot be simulated.
    public struct Failure: Error, CustomStringConvertible {
        /// The code.
        public let code: DiagnosticCode
        /// What is wrong (without the file's name, which is `file`).
        public let description: String
        /// The remessa's name as the user gave it.
        public var file = ""
        /// The remessa's line the failure is about, 0 for the whole file.
        public var line = 0
    }

    /// Reads the remessa and returns the retorno's bytes.
    public static func simulate(
        _ source: ByteSource, file: String, library: LayoutLibrary, options: CNABSimulateOptions, diagnostics: DiagnosticSink
    ) throws -> ([UInt8], CNABSimulateSummary) {
        var bytes: [UInt8] = []
        let summary = try simulate(source, file: file, library: library, options: options, diagnostics: diagnostics) {
            bytes.append(contentsOf: $0)
        }
        return (bytes, summary)
    }

    /// Reads the remessa and hands the retorno's bytes to `output` as they are made: each record
    /// the reader writes goes straight into the retorno's writer, so memory stays constant.
    public static func simulate(
        _ source: ByteSource, file: String, library: LayoutLibrary, options: CNABSimulateOptions, diagnostics: DiagnosticSink,
        output: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> CNABSimulateSummary {
        let simulation = Simulation(file: file, library: library, options: options, diagnostics: diagnostics, output: output)
        let records = RecordWriter { chunk in
            // The reader flushes whole records, one per line.
            for line in chunk.split(separator: 0x0A) { try simulation.take(Array(line)) }
        }
        let read = try CNABReader(library: library, file: file, options: CNABReadOptions(threads: 1)).read(
            source, output: records, diagnostics: diagnostics)
        try records.finish()
        guard !read.fatal, let session = simulation.session else {
            throw Failure(code: "simulate.input", description: "cannot be read as a CNAB file (see the errors above)", file: file)
        }
        var summary = simulation.summary
        summary.unwritten = try session.finish().rejected
        return summary
    }

    /// The state of one simulation: the retorno's writer (made when the remessa's header says
    /// which bank and format), the bank's codes, and the generator that picks the paid títulos.
    final class Simulation {
        let file: String
        let library: LayoutLibrary
        let options: CNABSimulateOptions
        let diagnostics: DiagnosticSink
        let output: (UnsafeBufferPointer<UInt8>) throws -> Void
        var session: CNABWriter.Session?
        var summary = CNABSimulateSummary()
        var rng: SplitMix64
        var registered = "", paidCode = ""
        var rejected: String?
        var rejectionReasons: [String: String] = [:]
        let credit: CivilDate
        var count = 0

        init(
            file: String, library: LayoutLibrary, options: CNABSimulateOptions, diagnostics: DiagnosticSink,
            output: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void
        ) {
            self.file = file
            self.library = library
            self.options = options
            self.diagnostics = diagnostics
            self.output = output
            rng = SplitMix64(seed: options.seed)
            credit = options.creditDate
        }

        var warnedUnanswered = false

        /// The retorno's field sizes of each member written as it is, by record
        /// (`CNABWriter.fieldLengths`), and the members already said to be fitted. Headers':
        var fileLimits: [String: (length: Int, numeric: Bool)] = [:]
        var batchLimits: [String: (length: Int, numeric: Bool)] = [:]
        /// A título's: each member with its key's bytes, in the order they are looked at.
        var titleFields: [(name: String, key: [UInt8], limit: (length: Int, numeric: Bool))] = []
        var fitted: Set<String> = []

        /// A remessa's code longer than the retorno's field for it, fitted: its last characters,
        /// where a zero-padded code keeps its significant end. A bank's retorno gives back in
        /// its own, shorter field what the remessa gave (Santander 400's 20-digit código de
        /// transmissão as an 8-digit conta cobrança; Unicred's carteira 021 as 21); writing the
        /// whole value would refuse every título of a good remessa. Said once per member.
        func fit(_ key: String, _ value: String, _ limit: (length: Int, numeric: Bool), line: Int) -> String? {
            guard value.utf8.count > limit.length else { return nil }
            // Digits into a numeric field, printable ASCII into a text one; anything else is left
            // for the writer to refuse, with its own message. Leading zeros of digits need no room
            // (the writer puts "009" in one digit).
            if limit.numeric {
                guard value.utf8.allSatisfy({ $0 &- 48 < 10 }), value.utf8.drop(while: { $0 == 48 }).count > limit.length else { return nil }
            } else {
                guard value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            }
            let cut = String(value.suffix(limit.length))
            if fitted.insert(key).inserted {
                diagnostics.report(
                    Diagnostic(
                        .warning, "simulate.fitted",
                        "\(key) \"\(value)\" has \(value.utf8.count) characters, the retorno's field \(limit.length): written as its last \(limit.length), \"\(cut)\" (and so for every record)",
                        file: file, line: line))
            }
            return cut
        }

        /// A header record with its codes fitted (`fit`).
        func fitted(_ object: JSONObject, _ limits: [String: (length: Int, numeric: Bool)], line: Int) -> JSONObject {
            var object = object
            for m in object.members {
                if case .string(let text) = m.value, let limit = limits[m.key], let cut = fit(m.key, text, limit, line: line) {
                    object[m.key] = .string(cut)
                }
            }
            return object
        }

        /// Starts the retorno from the remessa's file header record.
        func start(_ header: JSONObject, line: Int) throws {
            guard header.string("direction") == "remessa" else {
                throw Failure(
                    code: "simulate.input",
                    description: "expected a remessa, found a \(header.string("direction") ?? "file of unknown direction")", file: file, line: line)
            }
            guard let bank = header.string("bank") else {
                throw Failure(code: "simulate.input", description: "no bank code in the file header", file: file, line: line)
            }
            let format: CNABFormat = header.string("format") == "cnab400" ? .cnab400 : .cnab240
            let family = format == .cnab240 ? "cnab240" : "cnab400"
            // The bank's table, else (CNAB 240) FEBRABAN's.
            let table = try library.firstCodes(
                of: ["\(family)/\(bank)/occurrences"] + (format == .cnab240 ? ["cnab240/febraban/occurrences"] : []))
            guard let table else {
                throw Failure(code: "simulate.codes", description: "no occurrence table for \(family) bank \(bank)", file: file, line: line)
            }
            func code(_ event: String) -> String? { table.movements.filter { $0.value.event == event }.keys.min() }
            guard let registered = code("registered"), let paid = code("paid") else {
                throw Failure(
                    code: "simulate.codes", description: "the occurrence table of bank \(bank) has no registered or paid code", file: file, line: line)
            }
            self.registered = registered
            paidCode = paid
            rejected = CNABSimulator.entryRejected(table.movements.mapValues { ($0.event, $0.text) })
            rejectionReasons = rejected.flatMap { table.movements[$0]?.reasons }.flatMap { table.reasons[$0] } ?? [:]
            var writeOptions = CNABWriteOptions(format: format, bank: bank, date: options.date)
            writeOptions.direction = "retorno"
            let writer = try CNABWriter(library: library, options: writeOptions)
            fileLimits = writer.fieldLengths(of: [.fileHeader])
            batchLimits = writer.fieldLengths(of: [.batchHeader])
            titleFields = writer.fieldLengths(of: [.detail]).sorted { $0.key < $1.key }.map { ($0.key, Array($0.key.utf8), $0.value) }
            summary.layout = writer.layoutName
            session = CNABWriter.Session(writer, file: file + " (simulated)", diagnostics: diagnostics, output: output)
        }

        /// Hands a record on to the retorno's writer.
        func add(_ object: JSONObject) throws {
            count += 1
            try session?.add(object, line: count)
        }

        /// The remessa's record being read, and the event made from it.
        var record = JSONTape()
        var event = JSONTape()

        /// One JSON record of the remessa.
        func take(_ line: [UInt8]) throws {
            guard line.withUnsafeBufferPointer({ JSONReader.parse($0, into: &record) }), record[0].kind == .object else { return }
            func string(_ key: String, of object: Int = 0) -> String? {
                guard let v = record.member(key, of: object), record[v].kind == .string else { return nil }
                return record.string(v)
            }
            switch (string("record"), string("part")) {
            case ("file"?, "header"?):
                var object = record.value(at: 0).object!
                let line = object["source"]?.object?["line"]?.number.flatMap { Int($0.description) } ?? 0
                object["source"] = nil
                try start(object, line: line)
                object["direction"] = .string("retorno")
                object["layout"] = nil
                object["format"] = nil
                object["generated_on"] = .string(options.date.description)
                try add(fitted(object, fileLimits, line: line))
            case ("batch"?, "header"?):
                var object = record.value(at: 0).object!
                let line = object["source"]?.object?["line"]?.number.flatMap { Int($0.description) } ?? 0
                object["source"] = nil
                object["operation"] = .string("retorno")
                // The retorno's batch is recorded on the retorno's date, as its file header was
                // generated then, not on the remessa's.
                if object["recorded_on"] != nil { object["recorded_on"] = .string(options.date.description) }
                try add(fitted(object, batchLimits, line: line))
            case ("title"?, _):
                try title(string)
            default:
                return
            }
        }

        /// The título in `record` → its events: the título's members, edited on the tape.
        func title(_ string: (String, Int) -> String?) throws {
            summary.titles += 1
            let amountNode = record.member("amount_cents", of: 0)
            // Read as the writer totals it (a parsed remessa gives integers).
            let amount = amountNode.flatMap { CNABWriter.centavos(record, $0) } ?? 0
            let due = string("due_date", 0).flatMap { CivilDate(iso: $0) }
            let issued = string("issue_date", 0).flatMap { CivilDate(iso: $0) }
            let payer = record.member("payer", of: 0).flatMap { record[$0].kind == .object ? $0 : nil }
            var problem: Refusal? = nil
            if amount <= 0 {
                problem = .amount
            } else if let due, let issued, due.daysSinceEpoch < issued.daysSinceEpoch {
                problem = .dueBeforeIssue
            } else if let due, due.daysSinceEpoch < options.date.daysSinceEpoch {
                problem = .duePast
            } else if payer.flatMap({ string("document", $0) })?.isEmpty ?? true {
                problem = .payerDocument
            }
            // Each título draws once, whatever its fate, so one título's outcome does not move the others'.
            // 53 random bits, u = draw / 2⁵³; paid when u < paidPerMillion / 10⁶, compared in integers.
            let draw = rng.next() >> 11
            var changes: [(key: String, value: JSONValue?)] = [
                ("source", nil), ("record", .string("event")), ("movement", nil), ("face_cents", amountNode.map { record.value(at: $0) }),
                ("amount_cents", nil), ("occurrence_date", .string(options.date.description)),
            ]
            let line = record.member("source", of: 0).flatMap { record.member("line", of: $0) }.flatMap {
                record[$0].kind == .integer ? Int(record[$0].value) : nil
            } ?? 0
            for (name, key, limit) in titleFields {
                // (Its text made only when too long: a título's codes nearly always fit.)
                guard let v = record.member(key, of: 0), record[v].kind == .string, Int(record[v].count) > limit.length,
                    let cut = fit(name, record.string(v), limit, line: line)
                else { continue }
                changes.append((name, .string(cut)))
            }
            if let problem, let rejected {
                changes.append(("code", .string(rejected)))
                if let r = CNABSimulator.reason(problem, in: rejectionReasons) {
                    changes.append(("reasons", .array([.object(JSONObject(["code": .string(r)]))])))
                }
                summary.rejected += 1
                try add(changes, counted: false)
                return
            } else if problem != nil {
                // A bank whose table has no code to refuse with (Sicoob 400's lists none) still
                // does not confirm or pay such a título: it gets no event, and a warning says why.
                summary.unanswered += 1
                if !warnedUnanswered {
                    warnedUnanswered = true
                    let source = record.member("source", of: 0).flatMap { record.member("line", of: $0) }
                    diagnostics.report(
                        Diagnostic(
                            .warning, "simulate.no-rejection-code",
                            "the bank's occurrence table has no code for a rejected título: títulos a bank would refuse "
                                + "(no amount, due before issue or before the retorno, no payer document) get no event, "
                                + "neither registered nor paid, the first this one",
                            file: file, line: source.flatMap { record[$0].kind == .integer ? Int(record[$0].value) : nil } ?? 0))
                }
                return
            }
            summary.registered += 1
            try add(changes + [("code", .string(registered))], counted: true)
            let (high, low) = draw.multipliedFullWidth(by: 1_000_000)
            let (limitHigh, limitLow) = UInt64(max(0, options.paidPerMillion)).multipliedFullWidth(by: 1 << 53)
            if (high, low) < (limitHigh, limitLow) {
                summary.paid += 1
                try add(
                    changes + [
                        ("code", .string(paidCode)), ("paid_cents", .number(JSONNumber(amount))),
                        ("credited_cents", .number(JSONNumber(amount))),
                        ("credit_date", .string(credit.description)),
                    ], counted: false)
            }
        }

        /// Hands the título in `record`, changed, on to the retorno's writer as an event;
        /// `counted` when it is the event that counts the título in the trailers (its entry).
        func add(_ changes: [(key: String, value: JSONValue?)], counted: Bool) throws {
            count += 1
            record.object(at: 0, changing: changes, into: &event)
            session?.countsTitle = counted
            try session?.add(tape: &event, line: count)
            session?.countsTitle = true
        }
    }

    /// Why a bank would refuse a título the simulator reads.
    enum Refusal: CaseIterable {
        /// No amount (zero or less).
        case amount
        /// Due before it was issued.
        case dueBeforeIssue
        /// Due before the retorno's date.
        case duePast
        /// No payer CPF/CNPJ.
        case payerDocument

        /// What a reason's text must say to be this refusal's, best first: each meaning is
        /// phrases of which the text holds one per group, and none of `not` (lowercase). The
        /// title's value, not the interest's, the discount's, a maximum or another currency's;
        /// the payer's inscrição, not the sacador/avalista's or the beneficiário's.
        var meanings: [(all: [[String]], not: [String])] {
            let otherAmounts = ["maior", "menor", "abatimento", "desconto", "mora", "juros", "iof", "rateio", "outra unidade", "outra moeda"]
            let otherDates = ["novo vencimento", "débito", "prorroga", "registro opcional", "multa", "juros"]
            let otherPeople = ["avalista", "sacador", "beneficiário", "cedente", "emitente", "debitado"]
            switch self {
            case .amount:
                return [
                    ([["valor do título", "valor nominal"], ["inválid", "não informad", "zerad"]], otherAmounts),
                    ([["valor zerado"]], otherAmounts),
                ]
            case .dueBeforeIssue:
                return [
                    ([["anterior à emissão", "anterior à data de emissão", "emissão posterior ao vencimento"]], otherDates),
                    ([["vencimento inválid"]], otherDates),
                ]
            case .duePast:
                return [
                    ([["título vencido não permitid"]], otherDates),
                    ([["vencimento inválid"]], otherDates),
                    ([["vencimento fora do prazo"]], otherDates),
                ]
            case .payerDocument:
                return [
                    ([["cpf", "cnpj", "inscri", "documento"], ["não informad"]], otherPeople),
                    ([["cpf", "cnpj", "inscri", "documento"], ["pagador", "sacado"]], otherPeople),
                ]
            }
        }
    }

    /// The code of `reasons` (code → text) that says `refusal`: the lowest code of the first
    /// meaning any text has, or nil when none says it (no reason is better than a wrong one).
    static func reason(_ refusal: Refusal, in reasons: [String: String]) -> String? {
        let sorted = reasons.map { ($0.key, $0.value.lowercased()) }.sorted { $0.0 < $1.0 }
        for meaning in refusal.meanings {
            let found = sorted.first { _, text in
                meaning.all.allSatisfy { group in group.contains { text.contains($0) } } && !meaning.not.contains { text.contains($0) }
            }
            if let found { return found.0 }
        }
        return nil
    }

    /// The code a bank answers a refused entry with, from its table's movements (code → event,
    /// text): among the `rejected` ones, the lowest whose text names an entry ("Entrada
    /// rejeitada": Santander's 03, not its 01 "Título não existe"), else the lowest.
    static func entryRejected(_ movements: [String: (event: String, text: String)]) -> String? {
        let rejected = movements.filter { $0.value.event == "rejected" }
        return rejected.filter { $0.value.text.lowercased().contains("entrada") }.keys.min() ?? rejected.keys.min()
    }
}
