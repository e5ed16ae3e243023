import FixedWidth
import Foundation
import Records

/// What `CNABWriter` is asked to do.
public struct CNABWriteOptions: Sendable {
    /// CNAB 240 or 400.
    public var format: CNABFormat
    /// The bank whose remessa layout is written (`cnab240/<bank>/remessa`, else FEBRABAN's for 240).
    public var bank: String
    /// Write with this layout instead.
    public var layout: String?
    /// The generation date and time written when the input's file header gives none.
    public var date: CivilDate
    /// Seconds since midnight.
    public var time: Int
    /// The file's sequence number (NSA) when the input's file header gives none.
    public var fileSequence: Int?
    /// `remessa` (títulos from `title` records) or `retorno` (from `event` records, for `cnab simulate`).
    public var direction = "remessa"
    /// Threads: 1 reads, parses and writes on the caller's thread; with more, worker threads
    /// parse chunks of lines and make their títulos' records ahead (`writeChunked`), and the
    /// caller's thread places them in input order (the bytes written are the same).
    public var threads = CNABWriteOptions.defaultThreads

    /// `TROCA_THREADS` when set to a positive number, else the machine's active processors.
    public static var defaultThreads: Int {
        Environment.threads ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// Creates options.
    public init(format: CNABFormat, bank: String, layout: String? = nil, date: CivilDate, time: Int = 0, fileSequence: Int? = nil) {
        self.format = format
        self.bank = bank
        self.layout = layout
        self.date = date
        self.time = time
        self.fileSequence = fileSequence
    }
}

/// What a write did: every input line is a record written, a record rejected, or blank.
public struct CNABWriteSummary: Sendable, Hashable {
    /// Input lines read.
    public var lines = 0
    /// Input records used (títulos, headers and trailers).
    public var used = 0
    /// Input records rejected.
    public var rejected = 0
    /// Blank input lines.
    public var skipped = 0
    /// Títulos written.
    public var titles = 0
    /// Lines of the remessa written.
    public var records = 0
    /// The layout written with.
    public var layout = ""
}

extension CNABWriter {
    /// The bytes each top-level member of a record is written into, as it is (codes and
    /// numbers, not names, dates or enums), by the records of `roles`: the shortest field written
    /// from it, numeric when all are. `cnab simulate`
    /// fits a remessa's codes to the retorno with it (a bank sends back in 8 digits what it
    /// was given in 20).
    func fieldLengths(of roles: Set<RecordRole>) -> [String: (length: Int, numeric: Bool)] {
        var lengths: [String: (length: Int, numeric: Bool)] = [:]
        for (r, program) in programs.enumerated() where layout.records[r].role.map(roles.contains) == true {
            for (op, info) in zip(program.ops, program.infos) where op.source == .path && !op.freeText && (op.format == .text || op.format == .digits) {
                guard let to = info.to, !to.contains(".") else { continue }
                let old = lengths[to] ?? (Int.max, true)
                lengths[to] = (min(old.length, Int(op.length)), old.numeric && op.numeric)
            }
        }
        return lengths
    }
}

/// Turns JSONL records (as `troca cnab parse` writes them) into a remessa: a `file` header
/// record (optional) fills the file header, `batch` header records (optional, CNAB 240) the
/// batch headers, each `title` the detail records of its layout, and trailers are computed.
/// Text is written as uppercase ASCII (accents dropped) and cut to its field, counted; a number
/// or identifier that does not fit rejects its título, never cut.
///
/// Compiled once: every output path of the layout is a node of a `PathTrie`, every record a
/// `RecordProgram` of field groups reading values by node. A título's JSON line is parsed into
/// a `JSONTape` by `JSONReader`, resolved against the trie in one walk, and its records are
/// written straight into the output buffer.
public struct CNABWriter {
    let layout: CompiledLayout
    let options: CNABWriteOptions
    let plans: [RecordPlan]
    let programs: [RecordProgram]
    /// Per record: its groups numbered as the file is written (`numberedGroups`).
    let numbered: [[Int]]
    /// The same groups as one table (record `r`'s at `numberedRanges[r]`): what renumbering a
    /// record made ahead reads, per record placed (`Session.renumber`).
    let numberedSpots: [NumberedSpot]
    let numberedRanges: [Range<Int>]
    /// Per record: whether it carries the batch number (batch records and details), whether it
    /// is a detail record (numbered in its batch); and whether records are numbered in the
    /// file (CNAB 400). Looked up per record written, not compared as role names.
    let carriesBatch: [Bool]
    let isDetail: [Bool]
    let numbersFile: Bool
    /// `options.direction` is "remessa", or "retorno" (`cnab simulate`).
    let isRemessa: Bool
    let isRetorno: Bool
    let trie: PathTrie
    let fileHeader: Int
    let fileTrailer: Int
    let batchHeader: Int?
    let batchTrailer: Int?
    let starts: [Int]
    let details: [Int]
    /// Path nodes the título rules look at (-1 when the layout has no such path).
    let bankPath: Int32
    let dueDatePath: Int32
    let amountPath: Int32
    let facePath: Int32
    let codePath: Int32
    /// The beneficiário: `company` (its subtree's nodes end at `companyEnd`) and its inscrição.
    let companyPath: Int32
    let companyEnd: Int32
    let companyDocumentPath: Int32
    /// Per record: whether it is a detail record that names the beneficiário (CNAB 400's tipo and
    /// número de inscrição da empresa), which the título takes from the file header when it
    /// gives no `company` of its own.
    let namesCompany: [Bool]
    /// Per path node: the values of an enum that say "none" (its entries whose code is zeros or
    /// blanks: G005's `0` isento/não informado), as names and as codes. Such a value, or blanks,
    /// is no reason to write a record (`records(present:)`): a parsed remessa's guarantor
    /// `{"document_type": "none"}` makes no Y-01 segment.
    let noneValues: [[[UInt8]]]
    /// Per path node: whether it has `noneValues`.
    let hasNone: [Bool]
    /// The paths a registered título must give, with their nodes: the layout's
    /// `writing.required_on_register` (a bank's own remessa layout names its payer's name and
    /// CPF/CNPJ; FEBRABAN's generic layouts, for any bank, leave them to the bank).
    let required: [(path: String, node: Int32)]
    /// Per record: whether it starts a título that must have a due date, whether it holds an amount.
    let dueDateRequired: [Bool]
    let hasAmount: [Bool]
    let choice: Choice
    /// The most detail records one batch can number (CNAB 240: 99,999, the width of G038 in the
    /// detail records); a batch that would pass it is closed and the títulos go on in a new one.
    let batchCapacity: Int
    /// The most records, and detail records, one file can number: the width of the file
    /// trailer's count (of records, or for some banks of detail records) and of CNAB 400's
    /// sequence numbers.
    let recordCapacity: Int
    let detailCapacity: Int
    /// The most the títulos' face values may add up to in one file, and in one batch: what the
    /// trailers' total fields hold (Int.max when a trailer has none).
    let fileTotalCapacity: Int
    let batchTotalCapacity: Int
    /// Detail records a selector tells apart by a field with an output path (Y-01 from Y-53 by
    /// `optional.kind`, S by its kind): a título's value there that the selector does not
    /// accept is not a reason to write the record (its other values may still be).
    let selectorChecks: [SelectorCheck]
    /// The output paths the file trailer shares with the file header (`bank` aside, which has
    /// its own rule): a trailer the input does not give a value for repeats the header's, as
    /// Sicredi 400's repeats the código do beneficiário (SIC400 trailer 6-10, header 27-31).
    let trailerRepeats: [String]

    struct SelectorCheck {
        var record: Int
        var node: Int32
        /// The values the selector accepts, as the título's JSON gives them (raw, or the enum's name).
        var values: [[UInt8]]
    }

    /// A record's output paths (not `_`-prefixed) as path nodes, for choosing a título's records.
    struct RecordPlan {
        var paths: Set<String>
        /// The paths in field order, and their nodes.
        var pathList: [String]
        var nodes: [Int32]
        /// Per field: the value of its record's selector covering it, for structural fields.
        var selected: [Int: String]
    }

    /// A header that cannot be written (a value that does not fit its field): no valid file can
    /// be made, so the write stops there.
    /// The message for a `record` member that is not a string (its kind's noun: "a number").
    static func recordKindMessage(_ found: String) -> String {
        "\"record\" is \(found), expected a string naming the kind of record (\"title\", \"file\", \"batch\")"
    }

    public struct HeaderError: Error, CustomStringConvertible {
        /// What is wrong, at the input record the header's values came from.
        public let diagnostic: Diagnostic
        /// The diagnostic's message.
        public var description: String { diagnostic.message }
    }

    /// Why the file sequence number `n` (NSA) cannot be written in the headers that carry it
    /// (the file header's `file_sequence`, the batch header's `remessa_number`), or nil.
    public func fileSequenceProblem(_ n: Int) -> String? {
        for r in [fileHeader, batchHeader].compactMap({ $0 }) {
            for field in layout.records[r].fields where field.to == "file_sequence" || field.to == "remessa_number" {
                guard field.picture.kind == .numeric else { continue }
                if n < 0 || String(n).count > field.length {
                    return "file sequence number \(n) does not fit \(field.name) (\(field.to!)), a field of \(field.length) digits"
                }
            }
        }
        return nil
    }

    /// An error that stops the write before any record (no layout, bad options).
    public struct SetupError: Error, CustomStringConvertible {
        /// The code.
        public let code: DiagnosticCode
        /// What is wrong.
        public let description: String
        /// The layout it is about (the one looked for, when there is none).
        public let layout: String
    }

    /// Chooses and compiles the bank's remessa layout.
    public init(library: LayoutLibrary, options: CNABWriteOptions) throws {
        self.options = options
        let family = options.format == .cnab240 ? "cnab240" : "cnab400"
        let direction = options.direction
        var name = options.layout ?? "\(family)/\(options.bank)/\(direction)"
        if options.layout == nil, library.sources[name] == nil {
            guard options.format == .cnab240 else {
                throw SetupError(
                    code: "write.no-layout", description: library.noCNAB400Layout(bank: options.bank, direction: direction), layout: name)
            }
            name = "cnab240/febraban/\(direction)"
        }
        let compiled = try CompiledLayout(try library.layout(named: name), codePrefix: "write")
        layout = compiled
        var all: Set<String> = []
        for record in compiled.records { for field in record.fields { if let to = field.to { all.insert(to) } } }
        // A título's amount is required whether or not the layout writes it under this name; the
        // keys records are dispatched by are found with the paths.
        all.formUnion(TopKeys.names)
        let trie = PathTrie(all)
        self.trie = trie
        var plans: [RecordPlan] = []
        var checks: [SelectorCheck] = []
        var programs: [RecordProgram] = []
        for (r, record) in compiled.records.enumerated() {
            var paths: Set<String> = []
            var nodes: [Int32] = []
            var list: [String] = []
            for field in record.fields {
                if let to = field.to, !to.hasPrefix("_"), paths.insert(to).inserted {
                    nodes.append(trie.byPath[to]!)
                    list.append(to)
                }
            }
            var selected: [Int: String] = [:]
            for selector in compiled.layout.records[r].select where selector.pos.count == 2 {
                for (i, field) in record.fields.enumerated()
                where field.start == selector.pos[0] - 1 && field.length == selector.pos[1] - selector.pos[0] + 1 {
                    selected[i] = selector.values.first
                }
            }
            for selector in compiled.layout.records[r].select where selector.pos.count == 2 && record.role == .detail {
                for field in record.fields
                where field.start == selector.pos[0] - 1 && field.length == selector.pos[1] - selector.pos[0] + 1 {
                    guard let to = field.to, !to.hasPrefix("_"), let node = trie.byPath[to] else { continue }
                    var values = selector.values.map { Array($0.utf8) }
                    for entry in field.enumMap where selector.values.contains(String(decoding: entry.raw, as: UTF8.self)) {
                        values.append(Array(entry.json.dropFirst().dropLast()))
                    }
                    checks.append(SelectorCheck(record: r, node: node, values: values))
                }
            }
            plans.append(RecordPlan(paths: paths, pathList: list, nodes: nodes, selected: selected))
            programs.append(RecordProgram(record, selected: selected, trie: trie))
        }
        self.plans = plans
        self.programs = programs
        numbered = CNABWriter.numberedGroups(programs)
        (numberedSpots, numberedRanges) = CNABWriter.numberedSpots(programs, numbered)
        carriesBatch = compiled.records.map { $0.role == .batchHeader || $0.role == .batchTrailer || $0.role == .detail }
        isDetail = compiled.records.map { $0.role == .detail }
        numbersFile = options.format == .cnab400
        isRemessa = options.direction == "remessa"
        isRetorno = options.direction == "retorno"
        selectorChecks = checks
        bankPath = trie.byPath["bank"] ?? -1
        dueDatePath = trie.byPath["due_date"] ?? -1
        amountPath = trie.byPath["amount_cents"] ?? -1
        facePath = trie.byPath["face_cents"] ?? -1
        codePath = trie.byPath["code"] ?? -1
        companyPath = trie.byPath["company"] ?? -1
        companyEnd = companyPath >= 0 ? trie.subtreeEnd[Int(companyPath)] : -1
        companyDocumentPath = trie.byPath["company.document"] ?? -1
        var noneValues = [[[UInt8]]](repeating: [], count: trie.paths.count)
        for record in compiled.records where record.role == .detail {
            for field in record.fields {
                guard let to = field.to, let node = trie.byPath[to] else { continue }
                for entry in field.enumMap where entry.raw.allSatisfy({ $0 == 0x30 || $0 == 0x20 }) {
                    for value in [Array(entry.json.dropFirst().dropLast()), entry.raw] where !noneValues[Int(node)].contains(value) {
                        noneValues[Int(node)].append(value)
                    }
                }
            }
        }
        self.noneValues = noneValues
        hasNone = noneValues.map { !$0.isEmpty }
        namesCompany = compiled.records.indices.map { r in
            compiled.records[r].role == .detail && plans[r].paths.contains { $0.hasPrefix("company.") }
        }
        required = (compiled.layout.writing?.requiredOnRegister ?? []).compactMap { path in trie.byPath[path].map { (path, $0) } }
        func first(_ role: RecordRole) -> Int? { compiled.records.firstIndex { $0.role == role } }
        guard let header = first(.fileHeader), let trailer = first(.fileTrailer) else {
            throw SetupError(code: "write.layout", description: "layout \(name) has no file header or file trailer record", layout: name)
        }
        fileHeader = header
        fileTrailer = trailer
        batchHeader = first(.batchHeader)
        batchTrailer = first(.batchTrailer)
        details = compiled.records.indices.filter { compiled.records[$0].role == .detail && !compiled.records[$0].fallback }
        starts = details.filter { compiled.records[$0].startsGroup }
        guard !starts.isEmpty else {
            throw SetupError(code: "write.layout", description: "layout \(name) has no detail record that starts a título", layout: name)
        }
        dueDateRequired = plans.map { $0.paths.contains("due_date") }
        hasAmount = plans.map { $0.paths.contains("amount_cents") || $0.paths.contains("face_cents") }
        choice = Choice(layout: compiled, plans: plans, details: details, paths: trie.paths.count)
        func most(_ field: CompiledField) -> Int {
            guard field.length < 18 else { return Int.max }
            var most = 1
            for _ in 0..<field.length { most *= 10 }
            return most - 1
        }
        batchCapacity = details.flatMap { compiled.records[$0].fields }.filter { $0.to == "_sequence" }.map(most).min() ?? Int.max
        let counted = compiled.records[trailer].fields.filter { $0.to == "record_count" }.map(most).min() ?? Int.max
        let countsDetails = compiled.layout.checks?.fileRecordCount == "details"
        detailCapacity = countsDetails ? counted : Int.max
        let numbered =
            options.format == .cnab400 ? compiled.records.flatMap(\.fields).filter { $0.to == "_sequence" }.map(most).min() ?? Int.max : Int.max
        recordCapacity = min(numbered, countsDetails ? Int.max : counted)
        func totalCapacity(_ r: Int?) -> Int {
            guard let r else { return Int.max }
            return compiled.records[r].fields.filter { $0.to == "total_cents" || $0.to?.hasSuffix(".total_cents") == true }.map(most).min() ?? Int.max
        }
        fileTotalCapacity = totalCapacity(trailer)
        batchTotalCapacity = totalCapacity(batchTrailer)
        trailerRepeats = plans[trailer].pathList.filter { $0 != "bank" && plans[header].paths.contains($0) }
    }

    /// 10⁰ … 10¹⁸.
    static let powersOfTen: [Int] = (0...18).map { k in (0..<k).reduce(1) { p, _ in p * 10 } }

    /// The value at a dotted output path of `object`: a member named by the whole path, else
    /// the path's keys through nested objects.
    static func value(_ object: JSONObject, at path: String) -> JSONValue? {
        if let v = object[path] { return v }
        var current = object
        let keys = path.split(separator: ".").map(String.init)
        for key in keys.dropLast() {
            guard let next = current[key]?.object else { return nil }
            current = next
        }
        return keys.last.flatMap { current[$0] }
    }

    /// The layout's name.
    public var layoutName: String { layout.layout.name }

    /// The problems' messages, each once (a value two records write fails in both alike).
    static func messages(_ problems: [Problem]) -> String {
        var seen: Set<String> = []
        return problems.map(\.message).filter { seen.insert($0).inserted }.joined(separator: "; ")
    }

    // MARK: - Writing

    struct State {
        var records = 0
        var batches = 0
        var batchRecords = 0
        var batchNumber = 0
        var batchSequence = 0
        var batchOpen = false
        var header = JSONObject()
        var headerWritten = false
        /// The input lines of the `file` and pending `batch` header records (0: none), as read,
        /// for a header that cannot be written.
        var headerLine = 0
        var headerRaw: [UInt8] = []
        var batchLine = 0
        var batchRaw: [UInt8] = []
        var batchHeader: JSONObject? = nil
        var batchTrailer: JSONObject? = nil
        /// The values the open batch's header was written from, for the batch that continues it
        /// when it is full.
        var openedBatch = JSONObject()
        /// The open batch is one part of an input batch split for its size: its trailer counts and
        /// totals its own títulos, whatever an input batch trailer says.
        var batchParted = false
        /// Títulos and their face value in the open batch.
        var batchTitles = 0
        var batchFace = 0
        /// The input's `batch` number of the títulos in the open batch.
        var inputBatch: Int? = nil
        var fileTrailer = JSONObject()
        var titles = 0
        var face = 0
        /// Detail records in the file and in the open batch (for banks whose trailers count only those).
        var details = 0
        var batchDetails = 0
        /// Per path node cut to its field: how many times, and the first line.
        var truncated: [Int32: (count: Int, line: Int)] = [:]
        /// Per path, the records with characters written as blanks (no ASCII form), and the first's line.
        var blanked: [Int32: (count: Int, line: Int)] = [:]
    }

    /// Reads JSONL records from `source` and returns the remessa's bytes (CRLF lines).
    public func write(_ source: ByteSource, file: String, diagnostics: DiagnosticSink) throws -> ([UInt8], CNABWriteSummary) {
        var bytes: [UInt8] = []
        let summary = try write(source, file: file, diagnostics: diagnostics) { bytes.append(contentsOf: $0) }
        return (bytes, summary)
    }

    /// Reads JSONL records from `source` and hands the file's bytes to `output` as they are made,
    /// 256 KiB at a time: memory stays constant whatever the number of títulos.
    public func write(
        _ source: ByteSource, file: String, diagnostics: DiagnosticSink, output: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> CNABWriteSummary {
        let session = Session(self, file: file, diagnostics: diagnostics, output: output)
        if options.threads > 1 {
            try writeChunked(source, into: session, threads: options.threads)
        } else {
            var reader = LineReader(source, maxLineLength: LineReader.maxJSONLLineLength)
            defer { reader.close() }
            try reader.forEachLine { bytes, number, cut in
                try session.add(line: CNABWriter.trimmed(bytes), number: number, cut: cut)
                return true
            }
        }
        return try session.finish()
    }

    /// The value of a top-level key as `NSNumber.intValue` would give it (booleans 1 and 0), or nil
    /// when it is not a number.
    static func intValue(_ tape: JSONTape, _ index: Int) -> Int? {
        guard index >= 0 else { return nil }
        let node = tape.nodes[index]
        switch node.kind {
        case .integer: return Int(node.value)
        case .number: return JSONNumber.foundationValue(tape.string(index))?.intValue
        case .true: return 1
        case .false: return 0
        default: return nil
        }
    }

    /// A título's amount as its trailers total it, read as its field is written: a JSON integer,
    /// or a number with no fraction (1500.0), of centavos. Nil for anything else — text ("1500"),
    /// a fraction (12.5), a boolean, a number beyond 64 bits — which the amount's field refuses
    /// (`FieldOp.centavos`, `write.type`, or `write.overflow`), so no título is written with an
    /// amount its trailer does not count, and none is counted cut to a whole number.
    static func centavos(_ tape: JSONTape, _ index: Int) -> Int? {
        guard index >= 0 else { return nil }
        let node = tape.nodes[index]
        switch node.kind {
        case .integer: return Int(node.value)
        case .number:
            guard let n = JSONNumber.foundationValue(tape.string(index)) else { return nil }
            let d = n.doubleValue
            guard d == d.rounded(), d.magnitude < 0x1p63 else { return nil }
            return Int(n.int64Value)
        default: return nil
        }
    }

    /// One file being written, fed a record at a time (`cnab write` from JSONL lines, `cnab
    /// simulate` from the events it makes) and flushed 256 KiB at a time.
    ///
    /// A session is used by one thread, and its methods never hand out an access to one of the
    /// properties a título's placing touches while another is made: those are not checked for
    /// exclusive access at run time (`@exclusivity(unchecked)`), which cost some forty checks a
    /// título, a fifth of the placing thread's instructions.
    public final class Session {
        let writer: CNABWriter
        let file: String
        let diagnostics: DiagnosticSink
        let output: (UnsafeBufferPointer<UInt8>) throws -> Void
        @exclusivity(unchecked) var state = State()
        @exclusivity(unchecked) var summary = CNABWriteSummary()
        @exclusivity(unchecked) var out = ByteBuffer(capacity: 512 << 10)
        /// The record being added, and the values of its paths.
        @exclusivity(unchecked) var tape = JSONTape()
        let slots: SlotTable
        /// Headers and trailers, written now and then from objects.
        var other = JSONTape()
        let otherSlots: SlotTable
        @exclusivity(unchecked) var encoder = RecordEncoder()
        /// The records of the last título chosen here (`records(present:)` starts from them;
        /// a título made ahead's are read in its chunk).
        @exclusivity(unchecked) var chosen: [Int] = []
        @exclusivity(unchecked) var present: [UInt64] = []
        /// The problems of a batch header opened for the título being written from its values,
        /// and the título's line.
        @exclusivity(unchecked) var batchProblems: [Problem] = []
        @exclusivity(unchecked) var titleLine = 0
        /// Whether the next título (event) added counts in the trailers' título count and
        /// total. A simulated retorno counts each título once, by its entry's event, not its
        /// payment's too nor a refused one's (`CNABSimulator`).
        @exclusivity(unchecked) public var countsTitle = true
        /// Títulos registered with an amount of 0, and the first one's line (`write.zero-amount`).
        @exclusivity(unchecked) var zeroAmounts = (count: 0, line: 0)

        /// Starts a file.
        public init(
            _ writer: CNABWriter, file: String, diagnostics: DiagnosticSink, output: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void
        ) {
            self.writer = writer
            self.file = file
            self.diagnostics = diagnostics
            self.output = output
            slots = SlotTable(count: writer.trie.paths.count, trie: writer.trie)
            otherSlots = SlotTable(count: writer.trie.paths.count, trie: writer.trie)
            summary.layout = writer.layoutName
        }

        deinit { out.deallocate() }

        func flush(atLeast: Int) throws {
            guard out.count >= atLeast, out.count > 0 else { return }
            try output(out.bytes)
            out.removeAll()
        }

        /// Takes one input record: `object` is nil for a line that is blank (`raw` empty or nil)
        /// or not a JSON object; `raw` is the line as read, for the rejects (the object's JSON
        /// when nil).
        public func add(_ object: JSONObject?, line number: Int, raw: [UInt8]? = nil, cut: Bool = false) throws {
            if let object {
                tape.removeAll()
                tape.append(.object(object))
                tape.finish()
            }
            try add(parsed: object != nil, number, blank: object == nil && (raw ?? []).isEmpty, cut: cut) { raw ?? object?.jsonBytes ?? [] }
        }

        /// Takes one record already in a tape (swapped with the session's).
        func add(tape record: inout JSONTape, line number: Int) throws {
            swap(&tape, &record)
            try add(parsed: tape.nodes[0].kind == .object, number, blank: false, cut: false) { tape.value(at: 0).object?.jsonBytes ?? [] }
        }

        /// Takes one JSONL line (without its line end).
        func add(line: UnsafeBufferPointer<UInt8>, number: Int, cut: Bool) throws {
            let parsed = !cut && !line.isEmpty && JSONReader.parseRecord(line, into: &tape) && tape.nodes[0].kind == .object
            try add(parsed: parsed, number, blank: line.isEmpty, cut: cut) { Array(line) }
        }

        /// Takes line `k` of a chunk the worker threads have read: a título they made ahead is
        /// placed (unless it takes a bank or company the file record has since given); any other
        /// line is added as when read here.
        func add(_ chunk: WriteChunk, _ k: Int) throws {
            let index = Int(chunk.readyIndex[k])
            guard index >= 0, case let ready = chunk.ready[index],
                !(ready.title.takesBank && state.header["bank"] != nil), !(ready.title.takesCompany && state.header["company"] != nil)
            else {
                return try chunk.raw.withUnsafeBufferPointer { raw in
                    try add(line: UnsafeBufferPointer(rebasing: raw[chunk.range(k)]), number: chunk.numbers[k], cut: chunk.cut[k])
                }
            }
            try flush(atLeast: 256 << 10)
            summary.lines += 1
            try title(.ready(ready, chunk, k), chunk.numbers[k], raw: { Array(chunk.raw[chunk.range(k)]) })
        }

        /// The input record (in `tape` when `parsed`).
        func add(parsed: Bool, _ number: Int, blank: Bool, cut: Bool, raw: () -> [UInt8]) throws {
            try flush(atLeast: 256 << 10)
            summary.lines += 1
            if blank {
                summary.skipped += 1
                return
            }
            func reject(_ code: DiagnosticCode, _ message: String, column: Int = 0, raw line: [UInt8]? = nil) {
                diagnostics.report(Diagnostic(.error, code, message, file: file, line: number, column: column, raw: line ?? raw()))
                summary.rejected += 1
            }
            guard parsed else {
                // As the other JSONL stages say it: the column of the first bad byte, or of an array.
                guard !cut else { return reject("write.json", "a line longer than \(LineReader.maxJSONLLineLength) bytes") }
                let line = raw()
                let (message, column) = line.withUnsafeBufferPointer { JSONReader.notAnObject($0) }
                return reject("write.json", message, column: column, raw: line)
            }
            slots.begin()
            slots.resolve(tape, 0, at: 0, trie: writer.trie)
            let top = slots.top
            func text(_ index: Int) -> String? { index >= 0 && tape.nodes[index].kind == .string ? tape.string(index) : nil }
            let kind = text(top.record)
            let part = text(top.part)
            func object() -> JSONObject { tape.value(at: 0).object! }
            switch (kind, part) {
            case ("file"?, "header"?):
                guard !state.headerWritten else {
                    reject("write.order", "a file header after the first título: one remessa per input")
                    return
                }
                state.header = object()
                state.headerLine = number
                state.headerRaw = raw()
                // The file is the bank's that --bank names, in its layout: a file record of
                // another bank (one parsed from another bank's remessa) gives its other values,
                // not its bank code, which would be written in a layout that is not its own.
                if case .string(let given)? = state.header["bank"], given != writer.options.bank, given.utf8.count == 3,
                    given.utf8.allSatisfy({ $0 &- 48 < 10 })
                {
                    let line = raw()
                    diagnostics.report(
                        Diagnostic(
                            .warning, "write.bank-mismatch",
                            "the file record's bank is \(given), the remessa is bank \(writer.options.bank)'s (--bank, layout \(writer.layoutName)): "
                                + "its header is written with \(writer.options.bank)",
                            file: file, line: number, column: line.withUnsafeBufferPointer { JSONReader.column(ofPath: "bank", in: $0) }, raw: line))
                    state.header["bank"] = .string(writer.options.bank)
                }
                summary.used += 1
            case ("file"?, "trailer"?):
                state.fileTrailer = object()
                summary.used += 1
            case ("batch"?, "header"?):
                guard writer.batchHeader != nil else {
                    reject("write.record", "a batch record, but \(writer.layoutName) has no batches")
                    return
                }
                closeBatch()
                state.batchHeader = object()
                state.batchLine = number
                state.batchRaw = raw()
                summary.used += 1
            case ("batch"?, "trailer"?):
                // Its values (a notice number, say) go into the trailer; the counts are recomputed.
                state.batchTrailer = object()
                closeBatch()
                summary.used += 1
            case ("title"?, _) where writer.isRemessa, ("event"?, _) where writer.isRetorno:
                try title(.tape(top), number, raw: raw)
            case ("event"?, _):
                reject("write.record", "an event record is a retorno's: cnab write writes remessas from title records")
            case ("title"?, _):
                reject("write.record", "a title record is a remessa's: a retorno is written from event records")
            case (nil, _) where top.record >= 0:
                // `{"record":1}`: malformed, said as the other stages say it, at the value.
                let line = raw()
                let column = line.withUnsafeBufferPointer { JSONReader.column(ofNode: top.record, in: $0) }
                reject("write.record", CNABWriter.recordKindMessage(tape.nodes[top.record].kind.noun), column: column, raw: line)
            case (let kind, _):
                reject("write.record", "record \"\(kind ?? "?")\" is not a title, file or batch record")
            }
        }

        /// Writes the trailers (and the header, if no título came) and flushes what is left.
        public func finish() throws -> CNABWriteSummary {
            if !state.headerWritten { try writeFileHeader() }
            closeBatch()
            state.records += 1
            if state.fileTrailer["bank"] == nil { state.fileTrailer["bank"] = state.header["bank"] ?? .string(writer.options.bank) }
            for path in writer.trailerRepeats where CNABWriter.value(state.fileTrailer, at: path) == nil {
                if let v = CNABWriter.value(state.header, at: path) { state.fileTrailer[path] = v }
            }
            let r = writer.fileTrailer
            write(r, values: state.fileTrailer, computed: computed(r, file: true))
            warnCounts(state.truncated, "write.truncated", "cut to its field")
            warnCounts(state.blanked, "write.character", "has characters with no ASCII form, written as blanks,")
            if zeroAmounts.count > 0 {
                diagnostics.report(
                    Diagnostic(
                        .warning, "write.zero-amount",
                        "amount_cents is 0 in \(zeroAmounts.count) título(s) registered, the first from line \(zeroAmounts.line): "
                            + "banks refuse a boleto without a value unless the agreement accepts one (cnab simulate rejects it)",
                        file: file, line: zeroAmounts.line))
            }
            summary.records = state.records
            if let hex = writer.layout.layout.writing?.endOfFile, let byte = UInt8(hex, radix: 16) { out.append(byte) }
            try flush(atLeast: 0)
            return summary
        }

        // MARK: Títulos

        /// Where a título comes from: `tape` (its top-level keys resolved), or made ahead by a
        /// worker thread: line `k` of a chunk, its records encoded there (numbered here).
        enum TitleSource {
            case tape(TopKeys)
            case ready(WriteChunk.Ready, WriteChunk, Int)
        }

        /// Writes a título and counts it used, or rejects it with its problems.
        func title(_ source: TitleSource, _ number: Int, raw: () -> [UInt8]) throws {
            try place(source, number)
            if encoder.problems.isEmpty {
                summary.used += 1
                summary.titles += 1
                return
            }
            // At the first problem's value, when it is about one.
            let line = raw()
            let node = encoder.problems[0].node
            var column = node < 0 ? 0 : line.withUnsafeBufferPointer { JSONReader.column(ofNode: node, in: $0) }
            // A value missing: at its path, else at the object that should hold it (`payer`).
            var path = node < 0 ? encoder.problems[0].path.map { Substring($0) } : nil
            while column == 0, let p = path {
                column = line.withUnsafeBufferPointer { JSONReader.column(ofPath: String(p), in: $0) }
                path = p.lastIndex(of: ".").map { p[..<$0] }
            }
            diagnostics.report(
                Diagnostic(
                    .error, encoder.problems[0].code, CNABWriter.messages(encoder.problems), file: file, line: number, column: column,
                    raw: line))
            summary.rejected += 1
        }

        /// Writes a título, or leaves in `encoder.problems` why it cannot be written: the one in
        /// `tape`, checked and its records chosen here (`CNABWriter.prepare`), or one made ahead.
        func place(_ source: TitleSource, _ line: Int) throws {
            encoder.problems.removeAll(keepingCapacity: true)
            titleLine = line
            let prepared: PreparedTitle
            // (Read where they are: a título made ahead's in its chunk.)
            let chosen: ArraySlice<Int>
            switch source {
            case .tape(let top):
                prepared = writer.prepare(
                    &tape, top, slots: slots, header: state.header, problems: &encoder.problems, chosen: &self.chosen, present: &present)
                chosen = self.chosen[...]
            case .ready(let ready, let chunk, _):
                prepared = ready.title
                chosen = chunk.chosen[ready.chosen]
            }
            let bank: JSONValue? = prepared.takesBank ? state.header["bank"] ?? .string(writer.options.bank) : nil
            guard encoder.problems.isEmpty else { return }
            if !state.headerWritten { try writeFileHeader() }
            let count = prepared.count
            // Which batch records come before the título's: a título whose `batch` differs from the
            // one that opened the current batch starts a new batch (batches are renumbered 1, 2, 3…
            // as written); a full batch goes on in a new one with the same header values.
            let batch = prepared.batch
            var close = false, open = false, full = false
            if writer.batchHeader != nil {
                if state.batchOpen, let batch, batch != state.inputBatch, state.batchHeader == nil { close = true }
                if !state.batchOpen || close {
                    open = true
                } else if state.batchSequence + count > writer.batchCapacity {
                    full = true
                }
            }
            // The file must still number its records after this título, with the trailers to come.
            let before = (close || full ? 1 : 0) + (open || full ? 1 : 0)
            let after = writer.batchHeader != nil ? 2 : 1
            let records = state.records + before + count + after
            if records > writer.recordCapacity || state.details + count > writer.detailCapacity {
                let (most, what) =
                    records > writer.recordCapacity ? (writer.recordCapacity, "records") : (writer.detailCapacity, "detail records")
                encoder.problems.append(
                    Problem(
                        code: "write.file-full",
                        message: "one file numbers at most \(most) \(what): this título's \(count) records and the trailers still to come "
                            + "do not fit"))
                return
            }
            // Nor may its face value take a total a trailer carries (`computed`: CNAB 400's file
            // trailer, a retorno's batch trailers) past what its field holds, or past Int's range
            // (thousands of 15-digit amounts), which would write the total blank or trap. Sums no
            // trailer carries are held at Int.max.
            // (An amount that is not whole centavos counts 0 here: its field refuses the título.)
            let amount = prepared.amount
            let face = countsTitle ? amount ?? 0 : 0
            let (fileFace, fileOverflow) = state.face.addingReportingOverflow(face)
            let (batchFace, batchOverflow) = (open || full ? 0 : state.batchFace).addingReportingOverflow(face)
            let fileFull = writer.numbersFile && (fileOverflow || fileFace > writer.fileTotalCapacity)
            let batchFull = writer.isRetorno && (batchOverflow || batchFace > writer.batchTotalCapacity)
            if fileFull || batchFull {
                let (most, what) = fileFull ? (writer.fileTotalCapacity, "file") : (writer.batchTotalCapacity, "batch")
                encoder.problems.append(
                    Problem(
                        code: "write.file-full",
                        message: "the títulos' face values would add up to more than the \(what) trailer's total holds "
                            + "(\(Money.format(most))) with this título's \(Money.format(face))"))
                return
            }
            // Undone if the título cannot be written: no batch is left open for it alone. (The
            // whole state is kept only when batch records are written: else the título's
            // records change only its numbers, and a copy of the state costs some 600
            // instructions a título.)
            let undo = close || open || full ? (state, out.count) : nil
            let numbersBefore = (state.batchSequence, state.records)
            batchProblems.removeAll()
            if close { closeBatch() }
            if open {
                // A título made ahead is parsed here only for this.
                if case .ready(_, let chunk, let k) = source {
                    _ = chunk.raw.withUnsafeBufferPointer { JSONReader.parseRecord(UnsafeBufferPointer(rebasing: $0[chunk.range(k)]), into: &tape) }
                }
                var values = tape.value(at: 0).object!
                if let bank { values["bank"] = bank }
                try openBatch(from: values)
                state.inputBatch = batch
            } else if full {
                // Both parts are parts: the one closed now (its trailer) and the one opened.
                state.batchParted = true
                closeBatch()
                state.batchHeader = state.openedBatch
                try openBatch(from: JSONObject())
                state.batchParted = true
            }
            let length = writer.layout.recordLength
            let stride = length + 2
            out.reserve(count * stride)
            encoder.cuts.removeAll(keepingCapacity: true)
            encoder.blanked.removeAll(keepingCapacity: true)
            // The records made ahead, if so (the source looked at once, not per record).
            var made: UnsafeMutablePointer<UInt8>? = nil
            if case .ready(let ready, let chunk, _) = source { made = chunk.bytes.base + ready.bytes }
            for k in 0..<count {
                state.batchSequence += 1
                state.records += 1
                let dst = out.base + out.count + k * stride
                if let made {
                    dst.update(from: made + k * stride, count: stride)
                    renumber(chosen[chosen.startIndex + k], dst)
                } else {
                    dst.update(repeating: 0x20, count: length)
                    dst[length] = 0x0D
                    dst[length + 1] = 0x0A
                    encode(chosen[chosen.startIndex + k], into: dst, tape, slots)
                }
            }
            // The título's own problems first: a batch header's come from the same values.
            if encoder.problems.isEmpty { encoder.problems = batchProblems }
            guard encoder.problems.isEmpty else {
                if let undo {
                    (state, out.count) = undo
                } else {
                    (state.batchSequence, state.records) = numbersBefore
                }
                return
            }
            if full {
                diagnostics.report(
                    Diagnostic(
                        .warning, "write.batch-full",
                        "batch \(state.batchNumber - 1) cannot number more than \(writer.batchCapacity) detail records: "
                            + "títulos from this line on go into batch \(state.batchNumber), with the same header values",
                        file: file, line: line))
            }
            out.count += count * stride
            if case .ready(let ready, let chunk, _) = source {
                tally(chunk.cuts[ready.cuts], chunk.blanked[ready.blanked], line: line)
            } else {
                tallyEncoded(line: line)
            }
            state.batchRecords += count
            state.details += count
            state.batchDetails += count
            if countsTitle {
                state.titles += 1
                state.face = fileOverflow ? Int.max : fileFace
                state.batchTitles += 1
                state.batchFace = batchOverflow ? Int.max : batchFace
            }
            // A boleto without a value: most banks refuse its entry (FEBRABAN's reason 20 "Valor
            // do título inválido", Bradesco's and Sicredi's alike, Itaú's 67), Santander only
            // takes one for a profile that accepts títulos of value zero (its reason 095), and
            // cnab simulate rejects it. Written, since an agreement may allow it, with a warning.
            if amount == 0, writer.isRemessa, prepared.registers {
                if zeroAmounts.count == 0 { zeroAmounts.line = line }
                zeroAmounts.count += 1
            }
        }

        // MARK: Headers and trailers

        /// Writes record `r` from `values` (`computed` values win) and returns its problems (a
        /// value that does not fit leaves its field blank); the título's problems are kept.
        @discardableResult
        func write(_ r: Int, values: JSONObject, computed: [String: String], line: Int = 0) -> [Problem] {
            other.removeAll()
            other.append(.object(values))
            var overrides: [(Int32, Int)] = []
            for (path, text) in computed {
                if let node = writer.trie.byPath[path] {
                    overrides.append((node, other.count))
                    other.appendString(text.utf8)
                }
            }
            otherSlots.begin()
            otherSlots.resolve(other, 0, at: 0, trie: writer.trie)
            for (node, at) in overrides { otherSlots.set(node, at) }
            let length = writer.layout.recordLength
            out.reserve(length + 2)
            let dst = out.base + out.count
            dst.update(repeating: 0x20, count: length)
            dst[length] = 0x0D
            dst[length + 1] = 0x0A
            let kept = encoder.problems
            encoder.cuts.removeAll(keepingCapacity: true)
            encoder.blanked.removeAll(keepingCapacity: true)
            encoder.problems.removeAll(keepingCapacity: true)
            encode(r, into: dst, other, otherSlots)
            let problems = encoder.problems
            encoder.problems = kept
            out.count += length + 2
            tallyEncoded(line: line)
            return problems
        }

        /// Counts, per path, the record just encoded among those with a value cut to its field
        /// and those with characters written as blanks (the first one's input line kept).
        func tallyEncoded(line: Int) { tally(encoder.cuts[...], encoder.blanked[...], line: line) }

        func tally(_ cuts: ArraySlice<Int32>, _ blanked: ArraySlice<Int32>, line: Int) {
            func tally(_ paths: ArraySlice<Int32>, _ counts: inout [Int32: (count: Int, line: Int)]) {
                for path in paths {
                    let t = counts[path] ?? (0, line)
                    counts[path] = (t.count + 1, t.line)
                }
            }
            tally(cuts, &state.truncated)
            tally(blanked, &state.blanked)
        }

        /// One warning per path of `counts` (sorted by path): `PATH WHAT in N record(s)`, with
        /// the line of the first.
        func warnCounts(_ counts: [Int32: (count: Int, line: Int)], _ code: DiagnosticCode, _ what: String) {
            for (path, t) in counts.sorted(by: { writer.trie.paths[Int($0.key)] < writer.trie.paths[Int($1.key)] }) {
                diagnostics.report(
                    Diagnostic(
                        .warning, code,
                        "\(writer.trie.paths[Int(path)]) \(what) in \(t.count) record(s)"
                            + (t.line > 0 ? ", the first from line \(t.line)" : ", headers or trailers the input gave no line of"),
                        file: file, line: t.line))
            }
        }

        /// The error of a header that cannot be written, at the input record its values came
        /// from (`line` 0: none) and the column of the first value at fault found there.
        func headerError(_ what: String, _ problems: [Problem], line: Int, raw: [UInt8]) -> HeaderError {
            var column = 0
            if line > 0 {
                for path in problems.compactMap(\.path) where column == 0 {
                    column = raw.withUnsafeBufferPointer { JSONReader.column(ofPath: path, in: $0) }
                }
            }
            let message = "the \(what) cannot be written: " + CNABWriter.messages(problems)
            return HeaderError(
                diagnostic: Diagnostic(.error, "write.header", message, file: file, line: line, column: column, raw: line > 0 ? raw : nil))
        }

        func writeFileHeader() throws {
            state.headerWritten = true
            state.records += 1
            var computed: [String: String] = [:]
            let options = writer.options
            if state.header["generated_on"] == nil { computed["generated_on"] = options.date.description }
            if state.header["generated_at"] == nil {
                let t = options.time
                computed["generated_at"] = String(format: "%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
            }
            if let n = options.fileSequence { computed["file_sequence"] = String(n) }
            if state.header["bank"] == nil { computed["bank"] = options.bank }
            if state.header["direction"] == nil { computed["direction"] = options.direction }
            let problems = write(writer.fileHeader, values: state.header, computed: computed, line: state.headerLine)
            // (A simulated retorno keeps the remessa's header values its own layout cannot hold blank.)
            if !problems.isEmpty, writer.options.direction == "remessa" {
                throw headerError("file header", problems, line: state.headerLine, raw: state.headerRaw)
            }
        }

        /// Opens a batch: its header from the input's `batch` record (in a remessa, a value that
        /// does not fit stops the write, `HeaderError`), else from the título's values (a value
        /// that does not fit is one of the título's problems).
        func openBatch(from title: JSONObject) throws {
            guard let r = writer.batchHeader else { return }
            state.batches += 1
            state.batchNumber = state.batches
            state.batchOpen = true
            state.batchSequence = 0
            state.batchRecords = 1
            state.batchDetails = 0
            state.batchTitles = 0
            state.batchFace = 0
            state.batchParted = false
            state.records += 1
            // Without a batch record in the input, the batch header takes the título's own values
            // (agency, account, convênio) and the file header's others. A batch record gives its
            // own, but for the beneficiário and the bank, which it takes from the file header when
            // it has none (else the bank is --bank's, as the batch trailer's is, `closeBatch`): a
            // batch record with only its agency and account is not written with bank 000 and a
            // blank company. (Its other fields stay as the record gives them: a parsed remessa's
            // batch record is written back byte for byte.)
            let fromRecord = state.batchHeader != nil
            var values = state.batchHeader ?? title
            if fromRecord {
                for key in ["company", "bank"] where values[key] == nil { values[key] = state.header[key] }
            } else {
                for m in state.header.members where values[m.key] == nil { values[m.key] = m.value }
                values["company_use"] = nil
            }
            if values["bank"] == nil { values["bank"] = .string(writer.options.bank) }
            state.batchHeader = nil
            state.openedBatch = values
            var computed: [String: String] = [:]
            if values["recorded_on"] == nil { computed["recorded_on"] = writer.options.date.description }
            if values["operation"] == nil { computed["operation"] = writer.options.direction }
            if values["service_type"] == nil { computed["service_type"] = "01" }
            // G079, the remessa's number in the batch header: the file's sequence (NSA), which
            // --sequence/--sequence-file set here as in the file header, batch record or not;
            // Bradesco reads this one, not the file header's (BRD240 p.9/13).
            if let n = writer.options.fileSequence {
                computed["remessa_number"] = String(n)
            } else if values["remessa_number"] == nil, let n = state.header["file_sequence"] {
                values["remessa_number"] = n
            }
            let problems = write(r, values: values, computed: computed, line: fromRecord ? state.batchLine : titleLine)
            guard !problems.isEmpty, writer.options.direction == "remessa" else { return }
            if fromRecord { throw headerError("batch header", problems, line: state.batchLine, raw: state.batchRaw) }
            batchProblems = problems.map { Problem(code: $0.code, message: "batch header: " + $0.message) }
        }

        func closeBatch() {
            guard state.batchOpen, let r = writer.batchTrailer else { return }
            state.batchRecords += 1
            state.records += 1
            var values = state.batchTrailer ?? JSONObject()
            if values["bank"] == nil { values["bank"] = state.header["bank"] ?? .string(writer.options.bank) }
            state.batchTrailer = nil
            write(r, values: values, computed: computed(r, file: false))
            state.batchOpen = false
        }

        /// The counts a trailer carries: records, batches, and (CNAB 400) the títulos and their total.
        func computed(_ r: Int, file: Bool) -> [String: String] {
            var values: [String: String] = [:]
            let checks = writer.layout.layout.checks
            values["record_count"] = String(
                file
                    ? (checks?.fileRecordCount == "details" ? state.details : state.records)
                    : (checks?.batchRecordCount == "details" ? state.batchDetails : state.batchRecords))
            values["batch_count"] = String(state.batches)
            // CNAB 400's file trailer, and in a retorno the trailer of each part of a batch split for
            // its size, count and total their own títulos (as simple cobrança when the record tells
            // kinds apart). A remessa's batch trailer informs none (C070/C071: retorno only), so an
            // input trailer's figures for the whole batch are not written into one part of it.
            let parted = !file && state.batchParted
            if writer.options.format == .cnab400 || parted {
                let (titles, face) =
                    !parted ? (state.titles, state.face) : writer.options.direction == "retorno" ? (state.batchTitles, state.batchFace) : (0, 0)
                let paths = writer.plans[r].paths
                for path in paths {
                    if path.hasSuffix(".count") {
                        values[path] = path.hasPrefix("simple.") || !paths.contains("simple.count") ? String(titles) : "0"
                    }
                    if path.hasSuffix(".total_cents") {
                        values[path] = path.hasPrefix("simple.") || !paths.contains("simple.total_cents") ? String(face) : "0"
                    }
                }
            }
            return values
        }

        /// Writes record `r` into `dst` (blank-filled) from the values of `slots` in `tape`.
        func encode(_ r: Int, into dst: UnsafeMutablePointer<UInt8>, _ tape: JSONTape, _ slots: SlotTable) {
            let numbers = numbers(r)
            writer.programs.withUnsafeBufferPointer { encoder.encode($0.baseAddress! + r, numbers, into: dst, tape, slots.view) }
        }

        /// The batch and sequence numbers record `r` carries written now.
        func numbers(_ r: Int) -> RecordEncoder.Numbers {
            RecordEncoder.Numbers(
                batch: writer.carriesBatch[r] ? state.batchNumber : nil,
                sequence: writer.numbersFile ? state.records : writer.isDetail[r] ? state.batchSequence : nil)
        }

        /// Writes the numbers of detail record `r`, encoded ahead with 0 for them, into `dst`.
        /// (A number that does not fit its field is one of the título's problems, as when encoded
        /// in place.)
        func renumber(_ r: Int, _ dst: UnsafeMutablePointer<UInt8>) {
            let numbers = numbers(r)
            for i in writer.numberedRanges[r] {
                let spot = writer.numberedSpots[i]
                guard let n = spot.batch ? numbers.batch : numbers.sequence else { continue }
                // Right-aligned digits, zero-filled, as `putNumber` writes a number that fits;
                // anything else goes its way.
                if spot.plain, n >= 0, n < spot.limit {
                    var v = n
                    var k = Int(spot.end) - 1
                    let first = Int(spot.start)
                    while k >= first {
                        if v == 0 {
                            // Zeros for the rest.
                            (dst + first).update(repeating: 48, count: k - first + 1)
                            break
                        }
                        dst[k] = UInt8(truncatingIfNeeded: 48 + v % 10)
                        v /= 10
                        k -= 1
                    }
                    continue
                }
                let g = Int(spot.group)
                let op = writer.programs[r].ops[g]
                writer.programs.withUnsafeBufferPointer { programs in
                    let program = programs.baseAddress! + r
                    program.pointee.spots.withUnsafeBufferPointer { spots in
                        let before = encoder.problems.count
                        encoder.putNumber(Int64(n), op, g, program, dst, spots)
                        if encoder.problems.count > before { encoder.stamp(-1, program.pointee.infos[g].to, from: before) }
                    }
                }
            }
        }
    }

    /// The records of the título whose paths are present (into `chosen`, in layout order): the
    /// starting record that fills the most of its values (returned), then the records it
    /// requires, then any other detail record with a value of its own. Paths are sets of bits.
    /// A value its selector does not accept (`selectorChecks`) does not count as a record's own.
    func records(present view: SlotView, tape: JSONTape, into chosen: inout [Int], scratch present: inout [UInt64]) -> Int {
        let words = choice.words
        // `present` holds the last título's paths, then its start, then which selector checks
        // its values fail: the same paths and values (most títulos) give the same records, already in `chosen`.
        if present.count != words + 2 { present = [UInt64](repeating: 0, count: words + 2) }
        var failing: UInt64 = 0
        for (c, check) in selectorChecks.enumerated() where c < 64 {
            let node = view.node(check.node)
            guard node >= 0 else { continue }
            if !check.values.contains(where: { tape.bytesEqual(node, $0) }) { failing |= 1 << UInt64(c) }
        }
        // A value of blanks, or an enum's "none", is no value to write a record for.
        // (Read through pointers: this runs for every path of every título.)
        @inline(__always) func hasValue(_ path: Int32, _ node: Int, _ nodes: UnsafePointer<JSONNode>, _ text: UnsafePointer<UInt8>) -> Bool {
            let value = nodes[node]
            guard value.kind == .string else { return true }
            let p = text + Int(value.offset)
            let n = Int(value.count)
            var k = 0
            while k < n, p[k] == 0x20 { k += 1 }
            if k == n { return false }
            guard hasNone[Int(path)] else { return true }
            return !noneValues[Int(path)].contains { $0.count == n && $0.withUnsafeBufferPointer { memcmp($0.baseAddress!, p, n) == 0 } }
        }
        var same = !chosen.isEmpty && present[words + 1] == failing
        present[words + 1] = failing
        present.withUnsafeMutableBufferPointer { present in
            choice.decisive.withUnsafeBufferPointer { decisive in
                tape.nodes.withUnsafeBufferPointer { nodes in
                    tape.text.withUnsafeBufferPointer { text in
                        // (Never read when empty: a value present is a node, a string's bytes are text.)
                        let nodes = nodes.baseAddress ?? UnsafePointer(bitPattern: 64)!
                        let text = text.baseAddress ?? UnsafePointer(bitPattern: 64)!
                        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { now in
                            for k in 0..<words { now[k] = 0 }
                            // (Its value's node found once: present when it is not -1.)
                            for node in decisive {
                                let at = view.node(node)
                                if at >= 0, hasValue(node, at, nodes, text) { now[Int(node) >> 6] |= 1 << UInt64(node & 63) }
                            }
                            for k in 0..<words where now[k] != present[k] {
                                same = false
                                present[k] = now[k]
                            }
                        }
                    }
                }
            }
        }
        if same { return Int(present[words]) }
        func bits(_ r: Int, _ k: Int) -> UInt64 { choice.masks[r * words + k] }
        var start = starts[0]
        if starts.count > 1 {
            func count(_ r: Int) -> Int { (0..<words).reduce(0) { $0 + (bits(r, $1) & present[$1]).nonzeroBitCount } }
            var best = count(start)
            for r in starts.dropFirst() {
                let c = count(r)
                if c > best {
                    best = c
                    start = r
                }
            }
        }
        chosen.removeAll(keepingCapacity: true)
        chosen.append(contentsOf: choice.required[start])
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { covered in
            for k in 0..<words { covered[k] = choice.covered[start * words + k] }
            for r in choice.others where !chosen.contains(r) {
                var own = false
                for k in 0..<words {
                    var mine = bits(r, k) & ~covered[k] & present[k]
                    if failing != 0 {
                        for (c, check) in selectorChecks.enumerated() where c < 64 && check.record == r && failing & (1 << UInt64(c)) != 0
                            && Int(check.node) >> 6 == k
                        {
                            mine &= ~(1 << UInt64(check.node & 63))
                        }
                    }
                    if mine != 0 { own = true }
                }
                if own {
                    chosen.append(r)
                    for k in 0..<words { covered[k] |= bits(r, k) }
                }
            }
        }
        // (The rank taken out first: a closure reading `choice` would copy the whole writer.)
        let rank = choice.rank
        chosen.sort { rank[$0] < rank[$1] }
        present[words] = UInt64(start)
        return start
    }

    /// The sets of paths a título's records are chosen by.
    struct Choice {
        /// 64-bit words per set.
        let words: Int
        /// Per record: its output paths.
        let masks: [UInt64]
        /// Per starting record: it and the records it requires, and the paths they cover.
        let required: [[Int]]
        let covered: [UInt64]
        /// The detail records that may follow, in layout order; those with specialisations last.
        let others: [Int]
        /// Per record: the records that specialise it (their selectors include all of its own
        /// and more: Y-01 and Y-53 of the generic Y). A generic record is considered after the
        /// others, so that only values none of them took make it written.
        let specialisedBy: [[Int]]
        /// The order records are written in: the layout's, with a generic record after its
        /// specialisations (a Y-01 before the generic Y that carries a Y-03).
        let rank: [Int]
        /// The path nodes the choice looks at.
        let decisive: [Int32]

        init(layout: CompiledLayout, plans: [RecordPlan], details: [Int], paths: Int) {
            let words = (paths + 63) / 64
            var masks = [UInt64](repeating: 0, count: words * plans.count)
            for (r, plan) in plans.enumerated() {
                for node in plan.nodes { masks[r * words + Int(node) >> 6] |= 1 << UInt64(node & 63) }
            }
            var required: [[Int]] = []
            var covered = [UInt64](repeating: 0, count: words * plans.count)
            for start in plans.indices {
                var chosen = [start]
                for name in layout.records[start].requires {
                    if let r = layout.recordIndex(named: name), !chosen.contains(r) { chosen.append(r) }
                }
                for r in chosen { for k in 0..<words { covered[start * words + k] |= masks[r * words + k] } }
                required.append(chosen)
            }
            let selectors = layout.layout.records.map { record in Set(record.select.map { "\($0.pos)=\($0.values.sorted())" }) }
            let specialisedBy = selectors.indices.map { r in
                details.filter { $0 != r && selectors[r].isStrictSubset(of: selectors[$0]) }
            }
            let following = details.filter { !layout.records[$0].startsGroup }
            others = following.filter { specialisedBy[$0].isEmpty } + following.filter { !specialisedBy[$0].isEmpty }
            self.specialisedBy = specialisedBy
            rank = specialisedBy.enumerated().map { r, special in 2 * max(r, special.max() ?? r) + (special.isEmpty ? 0 : 1) }
            var decisive = Set<Int32>()
            for r in details { decisive.formUnion(plans[r].nodes) }
            self.decisive = decisive.sorted()
            self.words = words
            self.masks = masks
            self.required = required
            self.covered = covered
        }
    }

    func fieldName(_ path: String, in records: [Int]) -> String {
        for r in records {
            if let f = layout.records[r].fields.first(where: { $0.to == path }) { return f.name }
        }
        return path
    }
}
