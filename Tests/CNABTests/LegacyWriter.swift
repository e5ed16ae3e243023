@testable import CNAB
import FixedWidth
import Foundation
import Records

// The writer as it was before it was compiled (JSONSerialization, [String: Any] per título,
// String per field), kept verbatim as the oracle of WriterDifferentialTests: the compiled writer
// must give the same bytes, diagnostics and summary on any input.

/// Turns JSONL records (as `troca cnab parse` writes them) into a remessa: a `file` header
/// record (optional) fills the file header, `batch` header records (optional, CNAB 240) the
/// batch headers, each `title` the detail records of its layout, and trailers are computed.
/// Text is written as uppercase ASCII (accents dropped) and cut to its field, counted; a number
/// or identifier that does not fit rejects its título, never cut.
struct LegacyCNABWriter {
    let layout: CompiledLayout
    let options: CNABWriteOptions
    let plans: [RecordPlan]
    let fileHeader: Int
    let fileTrailer: Int
    let batchHeader: Int?
    let batchTrailer: Int?
    let starts: [Int]
    let details: [Int]

    /// The fields of a record grouped by output path, in position order (several fields with one
    /// path share its value: CEP + suffix, nosso número + DV).
    struct RecordPlan {
        var groups: [(to: String?, fields: [Int])]
        var paths: Set<String>
        /// Per field: the value of its record's selector covering it, for structural fields.
        var selected: [Int: String]
    }

    /// An error that stops the write before any record (no layout, bad options).
    struct SetupError: Error, CustomStringConvertible {
        /// The code.
        let code: DiagnosticCode
        /// What is wrong.
        let description: String
    }

    /// Chooses and compiles the bank's remessa layout.
    init(library: LayoutLibrary, options: CNABWriteOptions) throws {
        self.options = options
        let family = options.format == .cnab240 ? "cnab240" : "cnab400"
        let direction = options.direction
        var name = options.layout ?? "\(family)/\(options.bank)/\(direction)"
        if options.layout == nil, library.sources[name] == nil {
            guard options.format == .cnab240 else {
                throw SetupError(code: "write.no-layout", description: "no layout")
            }
            name = "cnab240/febraban/\(direction)"
        }
        let compiled = try CompiledLayout(try library.layout(named: name), codePrefix: "write")
        layout = compiled
        plans = compiled.records.enumerated().map { r, record in
            var groups: [(to: String?, fields: [Int])] = []
            var paths: Set<String> = []
            for (i, field) in record.fields.enumerated() {
                if let to = field.to, !to.hasPrefix("_"), let g = groups.firstIndex(where: { $0.to == to }) {
                    groups[g].fields.append(i)
                } else {
                    groups.append((field.to, [i]))
                }
                if let to = field.to, !to.hasPrefix("_") { paths.insert(to) }
            }
            var selected: [Int: String] = [:]
            for selector in compiled.layout.records[r].select where selector.pos.count == 2 {
                for (i, field) in record.fields.enumerated()
                where field.start == selector.pos[0] - 1 && field.length == selector.pos[1] - selector.pos[0] + 1 {
                    selected[i] = selector.values.first
                }
            }
            return RecordPlan(groups: groups, paths: paths, selected: selected)
        }
        func first(_ role: RecordRole) -> Int? { compiled.records.firstIndex { $0.role == role } }
        guard let header = first(.fileHeader), let trailer = first(.fileTrailer) else {
            throw SetupError(code: "write.layout", description: "layout \(name) has no file header or file trailer record")
        }
        fileHeader = header
        fileTrailer = trailer
        batchHeader = first(.batchHeader)
        batchTrailer = first(.batchTrailer)
        details = compiled.records.indices.filter { compiled.records[$0].role == .detail && !compiled.records[$0].fallback }
        starts = details.filter { compiled.records[$0].startsGroup }
        guard !starts.isEmpty else {
            throw SetupError(code: "write.layout", description: "layout \(name) has no detail record that starts a título")
        }
    }

    /// The layout's name.
    var layoutName: String { layout.layout.name }

    /// The file name the bank's rule gives (`writing.file_name`, else `remessa-{yyyy}{mm}{dd}-{n:2}.rem`),
    /// with `{n:N}` the first counter for which `isFree` says yes.
    func fileName(sequence: Int?, isFree: (String) -> Bool) -> String {
        let pattern = layout.layout.writing?.fileName ?? "remessa-{yyyy}{mm}{dd}-{n:2}.rem"
        func expand(_ n: Int) -> String {
            var out = ""
            var rest = Substring(pattern)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                out += rest[..<open]
                let key = rest[rest.index(after: open)..<close]
                let d = options.date
                func padded(_ v: Int, _ width: Int) -> String {
                    let s = String(v)
                    return String(repeating: "0", count: max(0, width - s.count)) + s
                }
                switch key {
                case "dd": out += padded(d.day, 2)
                case "mm": out += padded(d.month, 2)
                case "yy": out += padded(d.year % 100, 2)
                case "yyyy": out += padded(d.year, 4)
                default:
                    let width = Int(key.split(separator: ":").last ?? "") ?? 1
                    out += key.hasPrefix("seq:") ? padded(sequence ?? 1, width) : padded(n, width)
                }
                rest = rest[rest.index(after: close)...]
            }
            return out + rest
        }
        guard pattern.contains("{n:") else { return expand(1) }
        var n = 1
        while !isFree(expand(n)), n < 10_000 { n += 1 }
        return expand(n)
    }

    // MARK: - Writing

    struct State {
        var out: [UInt8] = []
        var records = 0
        var batches = 0
        var batchRecords = 0
        var batchNumber = 0
        var batchSequence = 0
        var batchOpen = false
        var header: [String: Any] = [:]
        var headerWritten = false
        var batchHeader: [String: Any]? = nil
        var batchTrailer: [String: Any]? = nil
        /// The input's `batch` number of the títulos in the open batch.
        var inputBatch: Int? = nil
        var fileTrailer: [String: Any] = [:]
        var titles = 0
        var face = 0
        /// Detail records in the file and in the open batch (for banks whose trailers count only those).
        var details = 0
        var batchDetails = 0
        var truncated: [String: (count: Int, line: Int)] = [:]
        var blanked: [String: (count: Int, line: Int)] = [:]
        var zeroAmounts = (count: 0, line: 0)
    }

    /// Reads JSONL records from `source` and returns the remessa's bytes (CRLF lines).
    func write(_ source: ByteSource, file: String, diagnostics: DiagnosticSink) throws -> ([UInt8], CNABWriteSummary) {
        var bytes: [UInt8] = []
        let summary = try write(source, file: file, diagnostics: diagnostics) { bytes.append(contentsOf: $0) }
        return (bytes, summary)
    }

    /// Reads JSONL records from `source` and hands the file's bytes to `output` as they are made,
    /// 256 KiB at a time: memory stays constant whatever the number of títulos.
    func write(
        _ source: ByteSource, file: String, diagnostics: DiagnosticSink, output: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> CNABWriteSummary {
        let session = Session(self, file: file, diagnostics: diagnostics, output: output)
        var reader = LineReader(source, maxLineLength: LineReader.maxJSONLLineLength)
        defer { reader.close() }
        try reader.forEachLine { bytes, number, cut in
            var hi = bytes.count
            while hi > 0, bytes[hi - 1] == 0x0D || bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
            let raw = Array(bytes[0..<hi])
            var object = cut || hi == 0 ? nil : (try? JSONSerialization.jsonObject(with: Data(raw))) as? [String: Any]
            // (Since a record giving a key twice is refused, not read with its last value.)
            var tape = JSONTape()
            if object != nil, raw.withUnsafeBufferPointer({ !JSONReader.parseRecord($0, into: &tape) }) { object = nil }
            try session.add(object, line: number, raw: raw, cut: cut)
            return true
        }
        return try session.finish()
    }

    /// One file being written, fed a record at a time (`cnab write` from JSONL lines, `cnab
    /// simulate` from the events it makes) and flushed 256 KiB at a time.
    final class Session {
        let writer: LegacyCNABWriter
        let file: String
        let diagnostics: DiagnosticSink
        let output: (UnsafeBufferPointer<UInt8>) throws -> Void
        var state = State()
        var summary = CNABWriteSummary()

        /// Starts a file.
        init(
            _ writer: LegacyCNABWriter, file: String, diagnostics: DiagnosticSink, output: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void
        ) {
            self.writer = writer
            self.file = file
            self.diagnostics = diagnostics
            self.output = output
            summary.layout = writer.layoutName
        }

        func flush(atLeast: Int) throws {
            guard state.out.count >= atLeast, !state.out.isEmpty else { return }
            try state.out.withUnsafeBufferPointer { try output($0) }
            state.out.removeAll(keepingCapacity: true)
        }

        /// Takes one input record: `object` is nil for a line that is blank (`raw` empty) or not a
        /// JSON object; `raw` is the line as read, for the rejects.
        func add(_ object: [String: Any]?, line number: Int, raw: [UInt8], cut: Bool = false) throws {
            try flush(atLeast: 256 << 10)
            summary.lines += 1
            if raw.isEmpty {
                summary.skipped += 1
                return
            }
            func reject(_ code: DiagnosticCode, _ message: String) {
                diagnostics.report(Diagnostic(.error, code, message, file: file, line: number, raw: raw))
                summary.rejected += 1
            }
            guard let object else {
                // Said as the compiled writer says it (WriterDifferentialTests compares messages).
                guard !cut else { return reject("write.json", "a line longer than \(LineReader.maxJSONLLineLength) bytes") }
                let (message, column) = raw.withUnsafeBufferPointer { JSONReader.notAnObject($0) }
                diagnostics.report(Diagnostic(.error, "write.json", message, file: file, line: number, column: column, raw: raw))
                summary.rejected += 1
                return
            }
            switch (object["record"] as? String, object["part"] as? String) {
            case ("file"?, "header"?):
                guard !state.headerWritten else {
                    reject("write.order", "a file header after the first título: one remessa per input")
                    return
                }
                state.header = object
                summary.used += 1
            case ("file"?, "trailer"?):
                state.fileTrailer = object
                summary.used += 1
            case ("batch"?, "header"?):
                guard writer.batchHeader != nil else {
                    reject("write.record", "a batch record, but \(writer.layoutName) has no batches")
                    return
                }
                writer.closeBatch(&state)
                state.batchHeader = object
                summary.used += 1
            case ("batch"?, "trailer"?):
                // Its values (a notice number, say) go into the trailer; the counts are recomputed.
                state.batchTrailer = object
                writer.closeBatch(&state)
                summary.used += 1
            case ("title"?, _) where writer.options.direction == "remessa", ("event"?, _) where writer.options.direction == "retorno":
                let problems = writer.title(object, number, &state)
                if problems.isEmpty {
                    summary.used += 1
                    summary.titles += 1
                } else {
                    reject(problems[0].code, CNABWriter.messages(problems.map { CNAB.Problem(code: $0.code, message: $0.message) }))
                }
            case ("event"?, _):
                reject("write.record", "an event record is a retorno's: cnab write writes remessas from title records")
            case ("title"?, _):
                reject("write.record", "a title record is a remessa's: a retorno is written from event records")
            case (nil, _) where object["record"] != nil:
                // (Since a `record` that is not a string is said as such.)
                var tape = JSONTape()
                let parsed = raw.withUnsafeBufferPointer { JSONReader.parse($0, into: &tape) }
                let noun = parsed ? tape.member("record", of: 0).map { tape[$0].kind.noun } ?? "?" : "?"
                reject("write.record", CNABWriter.recordKindMessage(noun))
            case (let kind, _):
                reject("write.record", "record \"\(kind ?? "?")\" is not a title, file or batch record")
            }
        }

        /// Writes the trailers (and the header, if no título came) and flushes what is left.
        func finish() throws -> CNABWriteSummary {
            if !state.headerWritten { writer.writeFileHeader(&state) }
            writer.closeBatch(&state)
            state.records += 1
            if state.fileTrailer["bank"] == nil { state.fileTrailer["bank"] = state.header["bank"] ?? writer.options.bank }
            let r = writer.fileTrailer
            let trailer = writer.encode(r, values: state.fileTrailer, computed: writer.computed(r, &state, file: true), state: &state, line: 0)
            writer.append(trailer.bytes, &state)
            for (path, t) in state.truncated.sorted(by: { $0.key < $1.key }) {
                diagnostics.report(
                    Diagnostic(
                        .warning, "write.truncated", "\(path) cut to its field in \(t.count) record(s)"
                            + (t.line > 0 ? ", the first from line \(t.line)" : ", headers or trailers the input gave no line of"),
                        file: file, line: t.line))
            }
            for (path, t) in state.blanked.sorted(by: { $0.key < $1.key }) {
                diagnostics.report(
                    Diagnostic(
                        .warning, "write.character", "\(path) has characters with no ASCII form, written as blanks, in \(t.count) record(s)"
                            + (t.line > 0 ? ", the first from line \(t.line)" : ", headers or trailers the input gave no line of"),
                        file: file, line: t.line))
            }
            if state.zeroAmounts.count > 0 {
                diagnostics.report(
                    Diagnostic(
                        .warning, "write.zero-amount",
                        "amount_cents is 0 in \(state.zeroAmounts.count) título(s) registered, the first from line \(state.zeroAmounts.line): "
                            + "banks refuse a boleto without a value unless the agreement accepts one (cnab simulate rejects it)",
                        file: file, line: state.zeroAmounts.line))
            }
            summary.records = state.records
            if let hex = writer.layout.layout.writing?.endOfFile, let byte = UInt8(hex, radix: 16) { state.out.append(byte) }
            try flush(atLeast: 0)
            return summary
        }
    }

    struct Problem: Error {
        var code: DiagnosticCode
        var message: String
    }

    /// Writes one título's records, or returns why it cannot be written.
    func title(_ input: [String: Any], _ line: Int, _ state: inout State) -> [Problem] {
        var values = input
        if values["bank"] == nil { values["bank"] = state.header["bank"] ?? options.bank }
        var flat: [String: Any] = [:]
        Self.flatten(values, prefix: "", into: &flat)
        let present = Set(flat.keys)
        // Kept in step with CNABWriter: blanks, or an enum's "none" (a code of zeros), are no
        // value to write a record for.
        let chooseBy = present.filter { path in
            guard let text = flat[path] as? String else { return true }
            if text.allSatisfy({ $0 == " " }) { return false }
            for record in layout.records where record.role == .detail {
                for field in record.fields where field.to == path {
                    for entry in field.enumMap where entry.raw.allSatisfy({ $0 == 0x30 || $0 == 0x20 }) {
                        if text == String(decoding: entry.json.dropFirst().dropLast(), as: UTF8.self)
                            || text == String(decoding: entry.raw, as: UTF8.self)
                        {
                            return false
                        }
                    }
                }
            }
            return true
        }
        // The starting record that fills the most of the título's values, then the records it
        // requires, then any other detail record with a value of its own.
        let start =
            starts.count == 1
            ? starts[0] : starts.max { a, b in plans[a].paths.intersection(chooseBy).count < plans[b].paths.intersection(chooseBy).count }!
        var chosen = [start]
        var covered = plans[start].paths
        for name in layout.records[start].requires {
            if let r = layout.recordIndex(named: name), !chosen.contains(r) {
                chosen.append(r)
                covered.formUnion(plans[r].paths)
            }
        }
        for r in details where !chosen.contains(r) && !layout.records[r].startsGroup {
            let own = plans[r].paths.subtracting(covered).intersection(chooseBy)
            if !own.isEmpty {
                chosen.append(r)
                covered.formUnion(plans[r].paths)
            }
        }
        chosen.sort()
        // Kept in step with CNABWriter: a detail record naming the beneficiário takes the file
        // header's company when the título gives none.
        let namesCompany = chosen.contains { r in layout.records[r].role == .detail && plans[r].paths.contains { $0.hasPrefix("company.") } }
        if namesCompany, !flat.keys.contains(where: { $0.hasPrefix("company.") }), let company = state.header["company"] {
            values["company"] = company
            flat = [:]
            Self.flatten(values, prefix: "", into: &flat)
        }
        var problems: [Problem] = []
        // Kept in step with CNABWriter: a value of blanks is no value, and a registered título
        // (code 01) needs the layout's required paths.
        func missing(_ path: String) -> Bool { flat[path].map { ($0 as? String)?.allSatisfy { $0 == " " } ?? false } ?? true }
        for path in ["due_date"] where plans[start].paths.contains(path) && missing(path) {
            problems.append(Problem(code: "write.required", message: "\(fieldName(path, in: chosen)) (\(path)) is required"))
        }
        if flat["code"].map({ ($0 as? String) == "01" }) ?? true {
            let required = layout.layout.writing?.requiredOnRegister ?? []
            for path in required where missing(path) && chosen.contains(where: { plans[$0].paths.contains(path) }) {
                problems.append(Problem(code: "write.required", message: "\(fieldName(path, in: chosen)) (\(path)) is required"))
            }
        }
        if options.direction == "remessa", missing("company.document"),
            chosen.contains(where: { layout.records[$0].role == .detail && plans[$0].paths.contains("company.document") })
        {
            problems.append(
                Problem(
                    code: "write.required",
                    message: "\(fieldName("company.document", in: chosen)) (company.document) is required: "
                        + "give the beneficiário's company in the file record or the título"))
        }
        if !present.contains("amount_cents"), !present.contains("face_cents"),
            chosen.contains(where: { plans[$0].paths.contains("amount_cents") || plans[$0].paths.contains("face_cents") })
        {
            problems.append(Problem(code: "write.required", message: "the título's amount (amount_cents) is required"))
        }
        guard problems.isEmpty else { return problems }
        if !state.headerWritten { writeFileHeader(&state) }
        // (Since the compiled writer learnt to split full batches: a título that cannot be
        // written leaves no batch opened or closed for it.)
        let before = state
        if batchHeader != nil {
            // A título whose `batch` differs from the one that opened the current batch starts a new
            // batch (batches are renumbered 1, 2, 3… as written).
            let batch = (values["batch"] as? NSNumber)?.intValue
            if state.batchOpen, let batch, batch != state.inputBatch, state.batchHeader == nil { closeBatch(&state) }
            if !state.batchOpen {
                openBatch(&state, from: values)
                state.inputBatch = batch
            }
        }
        var encoded: [[UInt8]] = []
        for r in chosen {
            state.batchSequence += 1
            state.records += 1
            let e = encode(r, flat: flat, computed: [:], state: &state, line: line)
            problems += e.problems
            encoded.append(e.bytes)
        }
        guard problems.isEmpty else {
            state = before
            return problems
        }
        for bytes in encoded { append(bytes, &state) }
        state.batchRecords += chosen.count
        state.details += chosen.count
        state.batchDetails += chosen.count
        state.titles += 1
        state.face += ((values["amount_cents"] ?? values["face_cents"]) as? NSNumber)?.intValue ?? 0
        // Kept in step with CNABWriter: a título registered (code absent, 1, "1", "01") with an
        // amount of 0 is counted for one warning.
        let code = values["code"]
        let registers =
            code == nil || (code as? String).map { $0.drop { $0 == "0" } == "1" } ?? false
            || ((code as? NSNumber).map { ObjectIdentifier(type(of: $0)) != Self.booleanType && $0.doubleValue == 1 } ?? false)
        if options.direction == "remessa", registers, let amount = (values["amount_cents"] ?? values["face_cents"]) as? NSNumber,
            ObjectIdentifier(type(of: amount)) != Self.booleanType, amount.doubleValue == 0
        {
            if state.zeroAmounts.count == 0 { state.zeroAmounts.line = line }
            state.zeroAmounts.count += 1
        }
        return []
    }

    func fieldName(_ path: String, in records: [Int]) -> String {
        for r in records {
            if let f = layout.records[r].fields.first(where: { $0.to == path }) { return f.name }
        }
        return path
    }

    func writeFileHeader(_ state: inout State) {
        state.headerWritten = true
        state.records += 1
        var computed: [String: String] = [:]
        if state.header["generated_on"] == nil { computed["generated_on"] = options.date.description }
        if state.header["generated_at"] == nil {
            let t = options.time
            computed["generated_at"] = String(format: "%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
        }
        if let n = options.fileSequence { computed["file_sequence"] = String(n) }
        if state.header["bank"] == nil { computed["bank"] = options.bank }
        if state.header["direction"] == nil { computed["direction"] = options.direction }
        append(encode(fileHeader, values: state.header, computed: computed, state: &state, line: 0).bytes, &state)
    }

    func openBatch(_ state: inout State, from title: [String: Any]) {
        guard let r = batchHeader else { return }
        state.batches += 1
        state.batchNumber = state.batches
        state.batchOpen = true
        state.batchSequence = 0
        state.batchRecords = 1
        state.batchDetails = 0
        state.records += 1
        // Without a batch record in the input, the batch header takes the título's own values
        // (agency, account, convênio) and the file header's company.
        // Kept in step with CNABWriter: a batch record too takes the file header's company and
        // bank when it gives none, else --bank.
        let fromRecord = state.batchHeader != nil
        var values = state.batchHeader ?? title
        if fromRecord {
            for key in ["company", "bank"] where values[key] == nil { values[key] = state.header[key] }
        } else {
            for (key, value) in state.header where values[key] == nil { values[key] = value }
            values["company_use"] = nil
        }
        if values["bank"] == nil { values["bank"] = options.bank }
        state.batchHeader = nil
        var computed: [String: String] = [:]
        if values["recorded_on"] == nil { computed["recorded_on"] = options.date.description }
        if values["operation"] == nil { computed["operation"] = options.direction }
        if values["service_type"] == nil { computed["service_type"] = "01" }
        // Kept in step with CNABWriter: the batch header's remessa number (G079) is the NSA,
        // the options' over a batch record's, else the file header's.
        if let n = options.fileSequence {
            computed["remessa_number"] = String(n)
        } else if values["remessa_number"] == nil, let n = state.header["file_sequence"] {
            values["remessa_number"] = n
        }
        append(encode(r, values: values, computed: computed, state: &state, line: 0).bytes, &state)
    }

    func closeBatch(_ state: inout State) {
        guard state.batchOpen, let r = batchTrailer else { return }
        state.batchRecords += 1
        state.records += 1
        var values = state.batchTrailer ?? [:]
        if values["bank"] == nil { values["bank"] = state.header["bank"] ?? options.bank }
        state.batchTrailer = nil
        append(encode(r, values: values, computed: computed(r, &state, file: false), state: &state, line: 0).bytes, &state)
        state.batchOpen = false
    }

    /// The counts a trailer carries: records, batches, and (CNAB 400) the títulos and their total.
    func computed(_ r: Int, _ state: inout State, file: Bool) -> [String: String] {
        var values: [String: String] = [:]
        let checks = layout.layout.checks
        values["record_count"] = String(
            file
                ? (checks?.fileRecordCount == "details" ? state.details : state.records)
                : (checks?.batchRecordCount == "details" ? state.batchDetails : state.batchRecords))
        values["batch_count"] = String(state.batches)
        if options.format == .cnab400 {
            for path in plans[r].paths {
                if path.hasSuffix(".count") { values[path] = path.hasPrefix("simple.") || !plans[r].paths.contains("simple.count") ? String(state.titles) : "0" }
                if path.hasSuffix(".total_cents") {
                    values[path] = path.hasPrefix("simple.") || !plans[r].paths.contains("simple.total_cents") ? String(state.face) : "0"
                }
            }
        }
        return values
    }

    func append(_ bytes: [UInt8], _ state: inout State) {
        state.out += bytes
        state.out += [0x0D, 0x0A]
    }

    /// An object's present leaves by dotted path (arrays count as leaves: reasons), found in one
    /// walk: looking each path up through nested casts cost most of the time.
    static func flatten(_ object: [String: Any], prefix: String, into flat: inout [String: Any]) {
        for (key, value) in object where !(value is NSNull) {
            let path = prefix.isEmpty ? key : prefix + "." + key
            // An object is a value of its path too (a field reading the path is told it found an
            // object; it was once left blank), and its members are leaves below it.
            flat[path] = value
            if let nested = value as? [String: Any] { flatten(nested, prefix: path, into: &flat) }
        }
    }

    /// A value at a dotted path of a JSON object.
    static func value(_ object: [String: Any], _ path: String) -> Any? {
        var current: Any = object
        for part in path.split(separator: ".") {
            guard let dict = current as? [String: Any], let next = dict[String(part)], !(next is NSNull) else { return nil }
            current = next
        }
        return current
    }

    // MARK: - Fields

    /// One record's bytes from the values (computed values win; structural fields from the state).
    func encode(_ r: Int, values: [String: Any], computed: [String: String], state: inout State, line: Int) -> (
        bytes: [UInt8], problems: [Problem]
    ) {
        var flat: [String: Any] = [:]
        Self.flatten(values, prefix: "", into: &flat)
        return encode(r, flat: flat, computed: computed, state: &state, line: line)
    }

    /// The same from values already flattened by path (a título's records share one flattening).
    func encode(_ r: Int, flat: [String: Any], computed: [String: String], state: inout State, line: Int) -> (
        bytes: [UInt8], problems: [Problem]
    ) {
        let record = layout.records[r]
        let plan = plans[r]
        var bytes = [UInt8](repeating: 0x20, count: layout.recordLength)
        var problems: [Problem] = []
        let role = record.role
        let batchLevel = role == .batchHeader || role == .batchTrailer || role == .detail
        for group in plan.groups {
            let fields = group.fields.map { record.fields[$0] }
            let first = fields[0]
            var text: String? = nil
            switch group.to {
            case "_batch"?: text = batchLevel ? String(state.batchNumber) : nil
            case "_sequence"?: text = options.format == .cnab400 ? String(state.records) : (role == .detail ? String(state.batchSequence) : nil)
            case "_record_type"?, "_segment"?: text = first.defaultValue ?? plan.selected[group.fields[0]]
            case let path?:
                // Kept in step with CNABWriter: a título's money is a number of centavos, never
                // text (a string amount was written but left out of the trailer's total).
                if role == .detail, computed[path] == nil, let s = flat[path] as? String, first.picture.kind == .numeric,
                    path.hasSuffix("_cents")
                {
                    problems.append(Problem(code: "write.type", message: "\(first.name): \"\(s)\" is text, not a number (amounts are integer centavos)"))
                    continue
                }
                if let v: Any = computed[path] ?? flat[path] {
                    switch Self.string(v, first) {
                    case .success(let s): text = s
                    case .failure(let p):
                        problems.append(p)
                        continue
                    }
                }
            case nil: break
            }
            let length = fields.reduce(0) { $0 + $1.length }
            var cell: [UInt8]
            if let text {
                switch Self.cell(text, first, length: length) {
                case .success(let (b, cut)):
                    cell = b
                    if cut, let path = group.to {
                        let t = state.truncated[path] ?? (0, line)
                        state.truncated[path] = (t.count + 1, t.line)
                    }
                    if Transliteration.counting(text).unmapped > 0, let path = group.to {
                        let t = state.blanked[path] ?? (0, line)
                        state.blanked[path] = (t.count + 1, t.line)
                    }
                case .failure(let p):
                    problems.append(Problem(code: p.code, message: "\(first.name) (\(group.to ?? "")): \(p.message)"))
                    continue
                }
            } else if let d = first.defaultValue, fields.count == 1 {
                cell = Self.pad(Array(Self.ascii(d).utf8), first, length: length)
            } else {
                cell = [UInt8](repeating: first.picture.kind == .numeric ? 48 : 0x20, count: length)
                // Each field of a joined group takes its own fill.
                var at = 0
                for f in fields {
                    for k in 0..<f.length { cell[at + k] = f.picture.kind == .numeric ? 48 : 0x20 }
                    at += f.length
                }
            }
            var at = 0
            for f in fields {
                for k in 0..<f.length { bytes[f.start + k] = cell[at + k] }
                at += f.length
            }
        }
        return (bytes, problems)
    }

    /// The class JSONSerialization gives `true` and `false`.
    static let booleanType: ObjectIdentifier = {
        let array = (try? JSONSerialization.jsonObject(with: Data("[true]".utf8))) as? [Any]
        return ObjectIdentifier(type(of: array![0]))
    }()

    /// The value as the text to write: numbers as digits, dates reordered, enums to their codes.
    static func string(_ v: Any, _ field: CompiledField) -> Result<String, Problem> {
        if case .enumeration = field.format, let s = v as? String {
            if let entry = field.enumMap.first(where: { String(decoding: $0.json.dropFirst().dropLast(), as: UTF8.self) == s }) {
                return .success(String(decoding: entry.raw, as: UTF8.self))
            }
            if field.enumMap.contains(where: { String(decoding: $0.raw, as: UTF8.self) == s }) { return .success(s) }
            let known = field.enumMap.map { String(decoding: $0.json.dropFirst().dropLast(), as: UTF8.self) }.joined(separator: ", ")
            return .failure(Problem(code: "write.enum", message: "\(field.name): \"\(s)\" is not one of \(known)"))
        }
        if case .reasons = field.format, let list = v as? [Any] {
            return .success(list.compactMap { ($0 as? [String: Any])?["code"] as? String ?? $0 as? String }.joined())
        }
        // JSON true/false arrive as a boolean NSNumber subclass (0 and 1 also pass `is Bool`).
        if ObjectIdentifier(type(of: v)) == booleanType {
            return .failure(Problem(code: "write.type", message: "\(field.name): a boolean where the layout wants \(field.picture)"))
        }
        if let n = v as? NSNumber {
            let d = n.doubleValue
            guard d == d.rounded() else {
                return .failure(Problem(code: "write.type", message: "\(field.name): \(n) is not a whole number (amounts are integer centavos)"))
            }
            // Kept in step with CNABWriter: a number beyond 64 bits is said as written.
            if d.magnitude >= 0x1p63 { return .success("\(n)") }
            return .success(String(n.int64Value))
        }
        if let s = v as? String { return .success(s) }
        return .failure(Problem(code: "write.type", message: "\(field.name): \(v is [String: Any] ? "an object" : "an array") where the layout wants \(field.picture)"))
    }

    /// The bytes of a value in a field (or joined fields) of `length`: dates and times reordered,
    /// numbers right-aligned with zeros, text uppercase ASCII left-aligned and cut (`cut` true).
    static func cell(_ text: String, _ field: CompiledField, length: Int) -> Result<([UInt8], Bool), Problem> {
        switch field.format {
        case .date(let order):
            if text.isEmpty { return .success(([UInt8](repeating: 48, count: length), false)) }
            guard let d = CivilDate(iso: text) else {
                return .failure(Problem(code: "write.date", message: "\"\(text)\" is not a date (YYYY-MM-DD)"))
            }
            let s: String
            switch order {
            case .dayMonthYear4: s = String(format: "%02d%02d%04d", d.day, d.month, d.year)
            case .dayMonthYear2: s = String(format: "%02d%02d%02d", d.day, d.month, d.year % 100)
            case .year4MonthDay: s = String(format: "%04d%02d%02d", d.year, d.month, d.day)
            }
            guard s.utf8.count == length else {
                return .failure(Problem(code: "write.date", message: "a \(s.utf8.count)-digit date in a \(length)-byte field"))
            }
            return .success((Array(s.utf8), false))
        case .time:
            let digits = text.filter { $0 != ":" }
            guard digits.utf8.count == length, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return .failure(Problem(code: "write.time", message: "\"\(text)\" is not a time (HH:MM:SS)"))
            }
            return .success((Array(digits.utf8), false))
        default:
            break
        }
        var ascii = Array(ascii(text).utf8)
        if field.picture.kind == .numeric {
            let isDocument = field.format == .document
            if isDocument { ascii.removeAll(where: DocumentText.isPunctuation) }
            guard ascii.allSatisfy({ ($0 >= 48 && $0 <= 57) || (isDocument && $0 >= 65 && $0 <= 90) }) else {
                return .failure(Problem(code: "write.numeric", message: "\"\(text)\" is not \(isDocument ? "a document number" : "digits")"))
            }
            var digits = ascii[...]
            while digits.count > length, digits.first == 48 { digits = digits.dropFirst() }
            guard digits.count <= length else {
                return .failure(Problem(code: "write.overflow", message: "\"\(text)\" has \(ascii.count) digits, the field holds \(length)"))
            }
            return .success(([UInt8](repeating: 48, count: length - digits.count) + digits, false))
        }
        // (Since DESIGN.md's "JOSÉ D'ÁVILA" → "JOSE D AVILA" was taken up: free text has its
        // quotes blank.)
        if field.truncate ?? isFreeText(field.to), !field.keepCase {
            ascii = ascii.map { Transliteration.isQuote($0) ? 0x20 : $0 }
        }
        let cut = ascii.count > length
        if cut, !isFreeText(field.to) {
            return .failure(Problem(code: "write.overflow", message: "\"\(text)\" has \(ascii.count) characters, the field holds \(length)"))
        }
        return .success((pad(Array(ascii.prefix(length)), field, length: length), cut))
    }

    /// The rules the compiled writer keeps unchanged (which text may be cut, transliteration)
    /// are its own: the oracle checks what was rewritten around them.
    static func isFreeText(_ path: String?) -> Bool { Transliteration.isFreeText(path) }

    static func ascii(_ text: String) -> String { Transliteration.ascii(text) }

    static func pad(_ bytes: [UInt8], _ field: CompiledField, length: Int) -> [UInt8] {
        let b = Array(bytes.prefix(length))
        return field.picture.kind == .numeric
            ? [UInt8](repeating: 48, count: length - b.count) + b
            : b + [UInt8](repeating: 0x20, count: length - b.count)
    }
}
