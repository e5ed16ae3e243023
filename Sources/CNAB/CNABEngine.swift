import FixedWidth
import Records

/// The state machine behind `CNABReader`: one pass, constant memory. A struct, so its state is
/// checked for exclusive access at compile time, not on every line.
///
/// CNAB 240 files are batched: file header, batches (header, details, trailer), file trailer; a
/// detail's sequence number counts within its batch. CNAB 400 files have no batches: the details
/// sit between the file header and trailer (read as one implicit batch, written without a
/// `batch` member), and every record's sequence number (395–400) is its position in the file.
struct CNABEngine {
    /// Per-record facts the engine needs, found by the fields' `to` names.
    struct RecordInfo {
        var recordType: Int?
        var batch: Int?
        var sequence: Int?
        var segment: Int?
        var code: Int?
        var bank: Int?
        var face: Int?
        var recordCount: Int?
        var batchCount: Int?
        var direction: Int?
        var operation: Int?
        var titleCounts: [Int] = []
        var titleTotals: [Int] = []
        /// Indices of the fields validated on every line (those with a `to`), and their specs.
        var checked: [Int] = []
        var checkedSpecs: [FieldSpec] = []
        /// Every field's spec.
        var specs: [FieldSpec] = []
        /// The vector pre-check of the checked fields.
        var fast = FastCheck(specs: [], length: 0)
        var role: RecordRole? = nil
        var startsGroup = false
        var fallback = false
        /// Record indices a group started by this record must contain.
        var requires: [Int] = []
        /// `enum` fields with a `to`: their indices (their values are checked against the table).
        var enums: [Int] = []
    }

    struct Batch {
        var number: Int
        var line: Int
        var records = 1
        var lastSequence = 0
        var titles = 0
        var face = 0
        /// After a sequence error: the position it was found at (-1: none) and the number found
        /// there. The next line may continue either (see `sequenceMismatch`).
        var resyncAt = -1
        var resyncFound = 0
    }

    /// The segments of the título being read: slot i holds its record at `i * length` in
    /// `store` (records back to back, as `ShapeProgram.emit` reads them). Slots are reused (`count` resets), so a título costs no allocation;
    /// they live behind raw pointers (`SlotStorage` owns them), so filling one costs no
    /// uniqueness checks.
    struct Group {
        var storage = SlotStorage(capacity: 0, length: 0)
        var store: UnsafeMutablePointer<UInt8>
        var records: UnsafeMutablePointer<Int>
        var lines: UnsafeMutablePointer<Int>
        var count = 0
        /// The records of the segments, 8 bits each (0 when the group is too long or too varied to cache).
        var shape: UInt64 = 0
        /// A bit per record index below 64 present in the group; `presentAll` false when a
        /// record's index is 64 or more (the bits then do not tell the whole story).
        var present: UInt64 = 0
        var presentAll = true
        /// Whether a segment carries the bank (else the file header's is written).
        var hasBank = false
        var errors: [Diagnostic] = []
        var batch = 0
        var open = false
        /// A line of no record sat inside the título since its last segment (`strayLineInBatch`).
        var afterStray = false

        init() {
            store = storage.bytes
            records = storage.records
            lines = storage.lines
        }

        /// Room for slot `slot` of records `length` bytes long (kept contents are copied).
        @inline(__always)
        mutating func make(room slot: Int, length: Int) {
            if slot >= storage.capacity || length != storage.length { grow(slot, length) }
        }

        @inline(never)
        mutating func grow(_ slot: Int, _ length: Int) {
            let bigger = SlotStorage(capacity: max(8, storage.capacity * 2, slot + 1), length: length)
            if length == storage.length {
                bigger.bytes.update(from: store, count: count * length)
                bigger.records.update(from: records, count: count)
                bigger.lines.update(from: lines, count: count)
            }
            storage = bigger
            store = bigger.bytes
            records = bigger.records
            lines = bigger.lines
        }

        /// The records of slots `0..<count`.
        var recordList: [Int] { Array(UnsafeBufferPointer(start: records, count: count)) }
    }

    let library: LayoutLibrary
    let file: String
    let options: CNABReadOptions
    let output: RecordWriter?
    let diagnostics: DiagnosticSink
    var summary = CNABReadSummary()

    var normalizer: LineNormalizer?
    /// The layout in use, behind a reference: reading a record of it copies no layout.
    var layout: Box<CompiledLayout>?
    var infos: [RecordInfo] = []
    /// Per record, the plain values the per-line path needs (no reference counting to read them).
    var hot: [Hot] = []

    /// Per record, the plain values the per-line path needs: small and free of references, so
    /// reading one copies a few words and counts no references.
    struct Hot {
        enum Role: UInt8 { case none, fileHeader, batchHeader, detail, batchTrailer, fileTrailer }
        var role = Role.none
        var startsGroup = false
        var fallback = false
        var batch = Spot()
        var sequence = Spot()
        var face = Spot()
        var bank = Spot()
        var recordType = Spot()
        var segment = Spot()
        var code = Spot()
        /// This record's `enum` fields to check: `enumChecks[enumStart..<enumEnd]`.
        var enumStart: Int32 = 0
        var enumEnd: Int32 = 0
        /// The records a group started by this one must contain, a bit per index below 64
        /// (`requiresAll` false when one's index is 64 or more).
        var requires: UInt64 = 0
        var requiresAll = true
    }

    /// Where a structural field is in its record (`start` -1: the record has none).
    struct Spot {
        var at: Int32 = -1
        var width: Int32 = 0

        init() {}
        init(_ spec: FieldSpec?) {
            if let spec { at = Int32(spec.start); width = Int32(spec.length) }
        }

        var start: Int { Int(at) }
        var length: Int { Int(width) }

        var exists: Bool { start >= 0 }

        /// The field's value when it is all digits; nil when absent, blank or not digits.
        @inline(__always)
        func integer(in line: UnsafeBufferPointer<UInt8>) -> Int? {
            guard start >= 0 else { return nil }
            return Words.integer(line.baseAddress! + start, length, readable: line.count - start)
        }

        /// Whether the record has the field and it is all blanks.
        func isBlank(in line: UnsafeBufferPointer<UInt8>) -> Bool {
            start >= 0 && start + length <= line.count && Words.all(line.baseAddress! + start, length, equal: 0x20)
        }
    }

    /// An `enum` field checked against its table on every line, with the last value found in the
    /// table (most files repeat a handful of values, so most lines need one comparison).
    struct EnumCheck {
        var record: Int
        var field: Int
        var start: Int
        var length: Int
        /// The last four values accepted (fields of up to 8 bytes, their bytes as a number), and
        /// how many were: values that alternate (cpf/cnpj, a few codes) are found without the table.
        var seen: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0

        @inline(__always)
        func accepted(_ key: UInt64) -> Bool {
            count > 0 && seen.0 == key || count > 1 && seen.1 == key || count > 2 && seen.2 == key || count > 3 && seen.3 == key
        }

        mutating func accept(_ key: UInt64) {
            switch count & 3 {
            case 0: seen.0 = key
            case 1: seen.1 = key
            case 2: seen.2 = key
            default: seen.3 = key
            }
            count += 1
        }
    }
    var enumChecks: [EnumCheck] = []
    /// The facts `ReadAhead` worked out for the line being read, when it did.
    var lineFacts: LineFacts?
    /// A problem of the line being read that the record's own fields do not show (too long):
    /// the line still takes its place in the structure, and its título is rejected with it.
    var lineProblem: Diagnostic?
    /// `lineProblem != nil`, read per line without copying the optional diagnostic.
    var hasLineProblem = false
    /// Counts the changes to what `LineFacts` depend on (the layout).
    var generation = 0

    /// Whether a raw line is exactly one record (perhaps with a CR), not blank, not the first
    /// line: nothing to normalise.
    @inline(__always)
    static func isPlain(_ raw: UnsafeBufferPointer<UInt8>, length n: Int, number: Int, cut: Bool) -> Bool {
        (raw.count == n || (raw.count == n + 1 && raw[n] == 0x0D)) && !cut && number > 1 && raw[0] != 0x20
            && raw[n - 1] != 0x0D && raw[n - 1] != 0x1A
    }

    /// What `ReadAhead` needs to work out `LineFacts` as this engine would, now.
    func factsPlan() -> FactsPlan? {
        guard let layout, plainLength > 0 else { return nil }
        return FactsPlan(generation: generation, layout: layout, checks: infos.map(\.fast), recordLength: plainLength)
    }
    /// Per record, the vector pre-check of its checked fields (its tables live in `infos[r].fast`).
    var fastPlans: [FastCheck.Plan] = []

    /// Where the layout keeps the record type and the segment (from the first record that names
    /// them), for messages about lines no record matches.
    var recordTypeSpec = Spot()
    var segmentSpec = Spot()
    var selectCache = SelectCache()
    var detailSchema: OutputSchema?
    /// Emission programs by group shape: their index in `programList`.
    var programs: [UInt64: Int] = [:]
    var programList: [ShapeProgram] = []
    /// Whether títulos are formatted on worker threads (holes in the output, see `RecordWriter.hole`).
    let parallel: Bool
    /// For header and trailer records: the program that writes one record alone.
    var recordPrograms: [ShapeProgram] = []
    var directionLocked = false
    var codes: CodeTable?
    var reasonList: [ReasonTexts] = []
    /// Per movement code (its two bytes as a number): 1 + its index in `codeEntries`, 0 for a
    /// code the tables do not know (empty when no records are written). A título finds its
    /// code's reason table and ready-made `,"event":…,"description":…` (or `,"movement":…`)
    /// members without hashing, and without retaining an array.
    var codeSlots: [Int32] = []
    var codeEntries: [CodeEntry] = []
    var movementStore: [UInt8] = []
    /// The last título's movement code (its unknown-code check is not repeated); the last shape and its program.
    var lastCodeKey: UInt16?
    var lastShape: (shape: UInt64, program: Int) = (0, -1)
    /// `summary.direction == "retorno"`, kept as it is set (not compared as text per título).
    var isRetorno = false
    var warnedCodes: Set<String> = []
    /// The movement codes (two bytes) of the layout's code table, for its direction.
    /// A bit per two-byte code (no hashing per título).
    var knownCodes = [UInt64](repeating: 0, count: 1024)
    var warnedEnums: Set<Int> = []
    var fileJSON: [UInt8] = []

    var records = 0
    /// Detail records so far (for banks whose file trailer counts only those).
    var detailRecords = 0
    /// Of those, the lines rejected before they were read as a record (`strayLineInBatch`).
    var strayDetails = 0
    /// CNAB 400 sequence numbers (positions in the file): how far the numbers run from the
    /// positions since a missing line, and the last mismatch (see `positionMismatch`).
    var positionOffset = 0
    var positionResyncAt = -1
    var positionResyncFound = 0
    /// Of those, the ones only the fallback record matched (unknown segments or record types),
    /// and the first of them, to tell a file none of whose details is the layout's.
    var unknownDetails = 0
    var firstUnknownDetail: [UInt8]?
    var headerSeen = false
    var trailerSeen = false
    var batches = 0
    var batch: Batch?
    var group = Group()
    var headerBank: [UInt8]?
    /// `,"bank":"NNN"` from the file header, for títulos whose records carry no bank of their own
    /// (CNAB 400 details), so that every título and event names its bank as CNAB 240 ones do.
    var headerBankJSON: [UInt8] = []
    /// The start of every título's record of one kind (`titleStartKey`, nil: none made yet):
    /// `{"record":"event"` (or `"title"`), its batch, and `headerBankJSON` when its segments
    /// carry no bank. All títulos of a batch start alike: one copy each, not three appends.
    var titleStart: [UInt8] = []
    var titleStartKey: TitleStartKey?

    /// What a título's `titleStart` depends on.
    struct TitleStartKey: Equatable {
        var batch: Int
        var headerBank: Bool
        var retorno: Bool
    }
    /// The header's bank bytes as a number (banks are 3 bytes), -1 length when there is none.
    var headerBankKey: UInt64 = 0
    var headerBankLength = -1
    /// Once the first line is read: the record length, for lines that need no normalising.
    var plainLength = 0
    var bankMismatchWarned = false
    /// The movement code (16–17) of the open título's first segment, and that segment's record
    /// (CNAB 240), for `movementMismatch`.
    var groupCode: (UInt8, UInt8, Int)?
    var movementMismatchWarned = false
    var stop = false
    /// After a whole-file rejection: the remaining lines are counted as rejected with the file.
    var draining = false
    var drained = 0

    init(library: LayoutLibrary, file: String, options: CNABReadOptions, output: RecordWriter?, diagnostics: DiagnosticSink) {
        self.library = library
        self.file = file
        self.options = options
        self.output = output
        self.diagnostics = diagnostics
        parallel = output != nil && options.threads > 1
        if parallel { output?.workerThreads = options.threads - 1 }
        var json: [UInt8] = []
        JSONBytes.appendString(file, to: &json)
        fileJSON = Array(",\"source\":{\"file\":".utf8) + json + Array(",\"line\":".utf8)
    }

    // MARK: - Layouts

    mutating func use(_ name: String) throws {
        let compiled = try CompiledLayout(try library.layout(named: name), codePrefix: "cnab")
        layout = Box(compiled)
        generation += 1
        selectCache = SelectCache(compiled)
        summary.layout = name
        infos = compiled.records.map { record in
            var info = RecordInfo()
            for (i, f) in record.fields.enumerated() {
                switch f.to {
                case "_batch": info.batch = i
                case "_sequence": info.sequence = i
                case "_segment": info.segment = i
                case "_record_type": info.recordType = i
                case "code": info.code = i
                case "bank": info.bank = i
                case "face_cents", "amount_cents": info.face = i
                case "record_count": info.recordCount = i
                case "batch_count": info.batchCount = i
                case "direction": info.direction = i
                case "operation": info.operation = i
                default:
                    if let to = f.to, to.hasSuffix(".count") { info.titleCounts.append(i) }
                    if let to = f.to, to.hasSuffix(".total_cents") { info.titleTotals.append(i) }
                }
                if f.to != nil {
                    info.checked.append(i)
                    info.checkedSpecs.append(f.spec)
                    if f.format == .enumeration { info.enums.append(i) }
                }
            }
            info.specs = record.specs
            info.fast = FastCheck(specs: info.checkedSpecs, length: compiled.recordLength)
            info.role = record.role
            info.startsGroup = record.startsGroup
            info.fallback = record.fallback
            info.requires = record.requires.compactMap { compiled.recordIndex(named: $0) }
            return info
        }
        enumChecks = []
        fastPlans = infos.map(\.fast.plan)
        hot = infos.enumerated().map { r, info in
            var h = Hot()
            switch info.role {
            case .fileHeader?: h.role = .fileHeader
            case .batchHeader?: h.role = .batchHeader
            case .detail?: h.role = .detail
            case .batchTrailer?: h.role = .batchTrailer
            case .fileTrailer?: h.role = .fileTrailer
            default: h.role = .none
            }
            h.startsGroup = info.startsGroup
            h.fallback = info.fallback
            h.batch = Spot(info.batch.map { info.specs[$0] })
            h.sequence = Spot(info.sequence.map { info.specs[$0] })
            h.face = Spot(info.face.map { info.specs[$0] })
            h.bank = Spot(info.bank.map { info.specs[$0] })
            h.recordType = Spot(info.recordType.map { info.specs[$0] })
            h.segment = Spot(info.segment.map { info.specs[$0] })
            h.code = Spot(info.code.map { info.specs[$0] })
            h.enumStart = Int32(enumChecks.count)
            for i in info.enums where i != info.direction && info.specs[i].enumIndex >= 0 {
                enumChecks.append(EnumCheck(record: r, field: i, start: info.specs[i].start, length: info.specs[i].length))
            }
            h.enumEnd = Int32(enumChecks.count)
            for required in info.requires {
                if required < 64 { h.requires |= 1 << UInt64(required) } else { h.requiresAll = false }
            }
            return h
        }
        recordTypeSpec = hot.first { $0.recordType.exists }?.recordType ?? Spot()
        segmentSpec = hot.first { $0.segment.exists }?.segment ?? Spot()
        programs = [:]
        programList = []
        lastCodeKey = nil
        codeSlots = []
        codeEntries = []
        movementStore = []
        lastShape = (0, -1)
        reasonList = []
        // The occurrence table beside the layout, else beside the layouts it extends; a CNAB 240
        // bank without its own reads FEBRABAN's.
        var folders: [String] = []
        var next: String? = name
        while let current = next, folders.count < 8 {
            folders.append(current.split(separator: "/").dropLast().joined(separator: "/"))
            next = (try? library.source(named: current)).flatMap { try? LayoutLibrary.decodeLayout($0).extends }
        }
        if name.hasPrefix("cnab240/") { folders.append("cnab240/febraban") }
        codes = try library.firstCodes(of: folders.map { $0 + "/occurrences" })
        let retorno = name.hasSuffix("retorno")
        // The movement codes the table knows, for the unknown-code warning of `check` and `parse` alike.
        knownCodes = [UInt64](repeating: 0, count: 1024)
        let directionCodes = retorno ? codes.map { Array($0.movements.keys) } : codes?.remessaMovements.map { Array($0.keys) }
        for key in (directionCodes ?? []).compactMap(Self.key) { knownCodes[Int(key >> 6)] |= 1 << UInt64(key & 63) }
        // What only writing records needs (`check` writes none, and is spared building it).
        guard output != nil else { return }
        let details = compiled.records.indices.filter { compiled.records[$0].role == .detail }
        detailSchema = OutputSchema(layout: compiled, records: details)
        if parallel { try output?.setFiller(nil) }
        recordPrograms = compiled.records.indices.map { OutputSchema(layout: compiled, records: [$0]).program(for: [$0]) }
        if let codes {
            codeSlots = [Int32](repeating: 0, count: 1 << 16)
            var tables: [String: Int] = [:]
            for (tableName, texts) in codes.reasons.sorted(by: { $0.key < $1.key }) {
                tables[tableName] = reasonList.count
                reasonList.append(ReasonTexts(texts))
            }
            for (code, movement) in codes.movements {
                guard let key = Self.key(code) else { continue }
                if let tableName = movement.reasons, let table = tables[tableName] { codeEntries[entryIndex(key)].reasons = Int32(table) }
                if retorno {
                    var json = Array(",\"event\":".utf8)
                    JSONBytes.appendString(movement.event, to: &json)
                    json += Array(",\"description\":".utf8)
                    JSONBytes.appendString(movement.text, to: &json)
                    setMovement(json, of: key)
                }
            }
            if !retorno {
                for (code, movement) in codes.remessaMovements ?? [:] {
                    guard let key = Self.key(code) else { continue }
                    var json = Array(",\"movement\":".utf8)
                    JSONBytes.appendString(movement.movement, to: &json)
                    setMovement(json, of: key)
                }
            }
        }
    }

    /// The index of a code's entry in `codeEntries`, made when it has none.
    mutating func entryIndex(_ key: UInt16) -> Int {
        if codeSlots[Int(key)] == 0 {
            codeEntries.append(CodeEntry())
            codeSlots[Int(key)] = Int32(codeEntries.count)
        }
        return Int(codeSlots[Int(key)]) - 1
    }

    /// Makes `json` a code's movement members.
    mutating func setMovement(_ json: [UInt8], of key: UInt16) {
        let i = entryIndex(key)
        codeEntries[i].movementStart = Int32(movementStore.count)
        codeEntries[i].movementCount = Int32(json.count)
        movementStore += json
    }

    /// A 2-character code as the key of the code tables.
    static func key(_ code: String) -> UInt16? {
        let b = Array(code.utf8)
        return b.count == 2 ? UInt16(b[0]) << 8 | UInt16(b[1]) : nil
    }

    /// Whether the file has batches (CNAB 240) or not (CNAB 400).
    var batched: Bool { summary.format != .cnab400 }

    /// The bank whose layouts are read: `--bank`, else the file header's.
    var layoutBank: String? { options.bank ?? summary.bank }

    /// The detail layout for a direction: a bank's own when one exists, else (CNAB 240) FEBRABAN's.
    /// Nil for a CNAB 400 bank without layouts.
    func layoutName(direction: String) -> String? {
        if let forced = options.layout { return forced }
        let family = batched ? "cnab240" : "cnab400"
        if let bank = layoutBank, library.sources["\(family)/\(bank)/\(direction)"] != nil {
            return "\(family)/\(bank)/\(direction)"
        }
        return batched ? "cnab240/febraban/\(direction)" : nil
    }

    mutating func lock(direction: String, line: Int) throws {
        guard !directionLocked else { return }
        directionLocked = true
        summary.direction = direction
        isRetorno = direction == "retorno"
        guard let name = layoutName(direction: direction) else { return }
        if name != summary.layout { try use(name) }
        if options.layout == nil, let bank = layoutBank, name.hasPrefix("cnab240/febraban/"), bank != "000" {
            report(
                .warning, "cnab.generic-layout",
                "no CNAB 240 layout for bank \(bank) yet: read with the FEBRABAN layout (bank-specific fields such as the nosso número may differ)",
                line: line)
        }
    }

    // MARK: - Lines

    mutating func line(_ raw: UnsafeBufferPointer<UInt8>, number: Int, cut: Bool, facts: LineFacts? = nil) throws -> Bool {
        summary.lines += 1
        let n = plainLength
        if n > 0, !draining, Self.isPlain(raw, length: n, number: number, cut: cut) {
            records += 1
            lineFacts = facts
            defer { lineFacts = nil }
            try record(UnsafeBufferPointer(start: raw.baseAddress, count: n), number: number)
            return !stop
        }
        if draining {
            var blank = true
            for b in raw where b != 0x0D && b != 0x1A && b != 0x20 && b != 0 { blank = false; break }
            if blank { summary.skipped += 1 } else { summary.rejected += 1; drained += 1 }
            return true
        }
        if normalizer == nil {
            var trimmed = raw.count
            while trimmed > 0, raw[trimmed - 1] == 0x0D || raw[trimmed - 1] == 0x1A || raw[trimmed - 1] == 0x20 { trimmed -= 1 }
            if trimmed == 0 {
                summary.skipped += 1
                return true
            }
            if var d = LineNormalizer.utf16Diagnostic(raw, file: file) {
                d.raw = Array(raw)
                rejectFile(d)
                return true
            }
            if let cr = Self.loneCR(raw, upTo: trimmed) {
                // Lines ended by CR alone (old Mac files): the whole file reads as one line.
                rejectFile(
                    Diagnostic(
                        .error, "input.line-ends",
                        "line \(number) holds a CR line end at byte \(cr + 1) with no LF after it: the file's lines end with CR alone, and a bank file's lines end with LF or CRLF (convert it, e.g. tr '\\r' '\\n')",
                        file: file, line: number, column: cr + 1, raw: Array(raw[0..<min(trimmed, cr)])))
                return true
            }
            guard let format = options.format ?? CNABFormat.detect(firstLine: raw) else {
                let size = cut ? "more than \(raw.count) bytes long" : "\(trimmed) bytes"
                rejectFormat(
                    "cannot tell CNAB 240 from CNAB 400: line \(number) is \(size) and is neither a CNAB 240 file header (0000 at 4-7, 0 at 8) nor a CNAB 400 header (0 at 1, 1 or 2 at 2); give --format",
                    line: number, raw: raw[0..<trimmed])
                return true
            }
            var length = raw.count
            while length > 0, raw[length - 1] == 0x0D || raw[length - 1] == 0x1A { length -= 1 }
            if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { length -= 3 }
            // A first line that is a header of its family at its length (240 or 400 bytes), when
            // --format or --layout names the other family: one error, not one per line read with
            // the wrong length, nor a cascade of record types and orders no line could meet.
            if let seen = CNABFormat.detect(firstLine: raw), length == seen.rawValue {
                if let forced = options.format, seen != forced {
                    rejectFormat(
                        "--format \(forced.rawValue) given, but line \(number) is a CNAB \(seen.rawValue) file header (\(length) bytes): give --format \(seen.rawValue), or leave it out",
                        line: number, raw: raw[0..<trimmed])
                    return true
                }
                if let name = options.layout, let given = try? library.layout(named: name, refusingUnlinted: false), given.recordLength != length {
                    rejectFormat(
                        "--layout \(name) is a layout of \(given.recordLength)-byte records, but line \(number) is a CNAB \(seen.rawValue) file header (\(length) bytes): give a CNAB \(seen.rawValue) layout (troca layout list), or leave --layout out",
                        line: number, raw: raw[0..<trimmed])
                    return true
                }
            }
            summary.format = format
            normalizer = LineNormalizer(recordLength: format == .cnab240 ? 240 : 400, file: file)
            plainLength = normalizer!.recordLength
            if format == .cnab240 {
                // The retorno layout holds the header records too (extends common); a remessa header switches.
                try use(options.layout ?? layoutName(direction: "retorno")!)
            } else {
                // Every bank's CNAB 400 header has the direction and bank at the same places: a generic
                // header layout reads them, then the bank's layout is chosen.
                try use(options.layout ?? "cnab400/generic")
            }
            if options.layout != nil {
                directionLocked = true
                summary.direction =
                    options.layout!.hasSuffix("remessa") ? "remessa" : options.layout!.hasSuffix("retorno") ? "retorno" : nil
                isRetorno = summary.direction == "retorno"
            }
        }
        let sink = diagnostics
        let outcome = normalizer!.normalize(raw, line: number, cut: cut) { sink.report($0) }
        switch outcome {
        case .skip:
            summary.skipped += 1
            return true
        case .fatal(let d):
            diagnostics.report(d)
            summary.fatal = true
            summary.rejected += 1
            stop = true
            return false
        case .reject(let d):
            records += 1
            if d.code == "input.line-length", let first = detailInPlace(raw, number: number) {
                // A detail whose first bytes are where they belong (its batch and sequence numbers
                // are the expected ones): it keeps its place in its batch, and its título is
                // rejected with it, so that one long line breaks nothing else.
                lineProblem = d
                hasLineProblem = true
                defer {
                    lineProblem = nil
                    hasLineProblem = false
                }
                try record(first, number: number)
                return !stop
            }
            try strayLineInBatch()
            reject(d)
            return !stop
        case .record:
            records += 1
            if let exact = normalizer!.exact {
                try record(UnsafeBufferPointer(rebasing: raw[exact]), number: number)
            } else {
                let copy = normalizer!.record
                try copy.withUnsafeBufferPointer { try record($0, number: number) }
            }
            return !stop
        }
    }

    /// The file refused for its format (`cnab.format`), at line `line`'s first byte.
    mutating func rejectFormat(_ message: String, line: Int, raw: Slice<UnsafeBufferPointer<UInt8>>) {
        rejectFile(Diagnostic(.error, "cnab.format", message, file: file, line: line, column: 1, raw: Array(raw)))
    }

    /// Where the first line's first CR is, when two CRs in its first 2 KiB end lines without LF
    /// (more of the line follows each), and the line is longer than any record (400 bytes);
    /// else nil. Asked of the first line only: a file whose lines end with CR alone (old Mac
    /// files) reads as one long line. (One such CR is two lines run together where one LF was
    /// lost: each is rejected on its own, the rest of the file read.)
    static func loneCR(_ raw: UnsafeBufferPointer<UInt8>, upTo end: Int) -> Int? {
        guard end > 400 else { return nil }
        var first: Int? = nil
        var at = 0
        let limit = min(end - 1, 2048)
        while at < limit {
            if raw[at] == 0x0D {
                var next = at + 1
                while next < end, raw[next] == 0x0D { next += 1 }
                if next < end {
                    if first != nil { return first }
                    first = at
                }
                at = next
            } else {
                at += 1
            }
        }
        return nil
    }

    /// The first record-length bytes of an over-long line (after a byte order mark), when they
    /// read as a detail record with the batch and sequence numbers expected next; else nil (the
    /// line may be shifted, and is rejected on its own).
    func detailInPlace(_ raw: UnsafeBufferPointer<UInt8>, number: Int) -> UnsafeBufferPointer<UInt8>? {
        let bom = number == 1 && raw.count >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF ? 3 : 0
        let n = plainLength
        guard n > 0, raw.count - bom >= n, let layout, !trailerSeen else { return nil }
        let first = UnsafeBufferPointer(start: raw.baseAddress! + bom, count: n)
        guard let r = layout.value.select(first), r < hot.count, hot[r].role == .detail, !hot[r].fallback else { return nil }
        if batched {
            guard let open = batch, hot[r].batch.integer(in: first) == open.number,
                hot[r].sequence.integer(in: first) == open.lastSequence + 1
            else { return nil }
        } else {
            guard batch != nil, hot[r].sequence.integer(in: first) == records + positionOffset else { return nil }
        }
        return first
    }

    mutating func record(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws {
        let hasExtra = hasLineProblem
        if trailerSeen {
            rejectLine(line, number, "cnab.after-trailer", "record after the file trailer", column: 1)
            return
        }
        var selected: Int?
        if let f = lineFacts, f.record >= 0 {
            selected = Int(f.record)
        } else {
            selected = selectCache.select(line, in: layout!)
        }
        guard var r = selected else {
            try strayLineInBatch()
            rejectLine(
                line, number, "cnab.record-type",
                "line matches no record of layout \(summary.layout ?? "?") (record type \(quoted(line, recordTypeSpec)), segment \(quoted(line, segmentSpec)))",
                column: (recordTypeSpec.exists ? recordTypeSpec.start : 0) + 1)
            return
        }
        if !directionLocked, hot[r].role == .detail {
            // No header said the direction: the first detail record decides it, by a detail
            // record of its own (a segment P is a remessa's, T a retorno's), not the catch-all
            // record for segments a layout does not know, which every direction has.
            for direction in ["retorno", "remessa"] {
                // Tried as it is, even one lint refuses: that one is refused when it is used (`lock`),
                // not passed over for the other direction's layout, or none.
                guard let name = layoutName(direction: direction),
                    let candidate = try? CompiledLayout(try library.layout(named: name, refusingUnlinted: false)),
                    let i = candidate.select(line), candidate.records[i].role == .detail, !candidate.records[i].fallback
                else { continue }
                try lock(direction: direction, line: number)
                r = layout!.value.select(line) ?? r
                break
            }
        }
        let known = lineFacts.map { $0.record == r } ?? false
        // A line too long has its one error: its fields may be shifted, so they are not judged.
        let problems = hasExtra ? [lineProblem!] : known && lineFacts!.fieldsValid ? [] : fieldProblems(line, r, number)
        checkBank(line, r, number)
        if !hasExtra {
            if !batched, let s = hot[r].sequence.integer(in: line), s != records &+ positionOffset {
                positionMismatch(s, number, r)
            } else if !batched, hot[r].role != .fileHeader, hot[r].sequence.isBlank(in: line) {
                // (A file header's blanks past 101 are filler: cut short, it loses only its
                // sequence, and whether the file is read at all is the header's to say.)
                blankPosition(number, r)
            }
            for k in Int(hot[r].enumStart)..<Int(hot[r].enumEnd) { checkEnum(line, k, number) }
        }
        switch hot[r].role {
        case .detail: try detail(line, number, r, problems)
        case .fileHeader: try fileHeader(line, number, r, problems)
        case .batchHeader: try batchHeader(line, number, r, problems)
        case .batchTrailer: try batchTrailer(line, number, r, problems)
        case .fileTrailer: try fileTrailer(line, number, r, problems)
        case .none:
            try strayLineInBatch()
            rejectLine(line, number, "cnab.record-type", "record \(layout!.value.records[r].name) has no role in the file structure", column: 1)
        }
    }

    /// The field errors of a line read as record `r` (none when the vector pre-check passes).
    mutating func fieldProblems(_ line: UnsafeBufferPointer<UInt8>, _ r: Int, _ number: Int) -> [Diagnostic] {
        fastPlans[r].passes(line) ? [] : slowFieldProblems(line, r, number)
    }

    /// The per-field check, for a line the vector pre-check did not pass.
    @inline(never)
    func slowFieldProblems(_ line: UnsafeBufferPointer<UInt8>, _ r: Int, _ number: Int) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let fields = layout!.value.records[r].fields
        infos[r].checkedSpecs.withUnsafeBufferPointer { specs in
            for k in 0..<specs.count {
                guard let kind = specs[k].problem(in: line) else { continue }
                let field = fields[infos[r].checked[k]]
                problems.append(
                    Diagnostic(
                        .error, DiagnosticCode(rawValue: "cnab." + kind.name), field.message(for: kind, line),
                        file: file, line: number, column: Self.badByteColumn(line, specs[k], kind) ?? field.column, raw: Array(line)))
            }
        }
        return problems
    }

    /// For a number or a document, the column of its first byte that cannot be in it (a letter
    /// in an amount: where the bank manual's reader looks); nil for other problems (a date is
    /// wrong as a whole) and when no one byte is (blanks among digits: the field's start).
    static func badByteColumn(_ line: UnsafeBufferPointer<UInt8>, _ spec: FieldSpec, _ kind: FieldSpec.ProblemKind) -> Int? {
        let range = spec.start..<(spec.start + spec.length)
        switch kind {
        case .numeric:
            // Blanks are no single bad byte (a number blank-padded, or blank as a whole, is told at its start).
            return range.first { line[$0] &- 48 > 9 && line[$0] != 0x20 && line[$0] != 0 }.map { $0 + 1 }
        case .document:
            return range.first { !(line[$0] &- 48 <= 9 || line[$0] &- 65 < 26 || line[$0] == 0x20 || line[$0] == 0) }.map { $0 + 1 }
        case .date, .time:
            return nil
        }
    }

    mutating func fileHeader(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, _ problems: [Diagnostic]) throws {
        if headerSeen || records > 1 {
            rejectLine(
                line, number, "cnab.record-order",
                headerSeen ? "a second file header" : "the file header must be the first record", column: typeColumn(r))
            return
        }
        headerSeen = true
        let info = infos[r]
        let layoutBefore = summary.layout
        // CNAB 240: the file header's lote (4–7) is 0000 (FEBRABAN G002). A header numbered as
        // a batch is a file put together by hand or a batch header out of place: worth a word,
        // not a refusal (the record type at 8 says what the record is).
        if batched, let n = hot[r].batch.integer(in: line), n != 0 {
            report(
                .warning, "cnab.batch-number", "the file header's batch number is \(n), expected 0000 (batches are numbered from 1)",
                line: number, column: hot[r].batch.start + 1)
        }
        // Errors of the header its fields do not show.
        var own: [Diagnostic] = []
        if let b = info.bank, info.specs[b].isBlank(in: line) {
            // No bank at all (blanks or NULs): as a header whose bank is not digits ("ABC", a
            // numeric error), the header is rejected; the details' banks are then told against none.
            let field = layout!.value.records[r].fields[b]
            let bytes = line[(field.column - 1)..<(field.column - 1 + field.length)]
            let found = bytes.allSatisfy { $0 == 0 } ? "NUL bytes" : bytes.contains(0) ? "blanks and NUL bytes" : "blank"
            own.append(
                Diagnostic(
                    .error, "cnab.bank-missing",
                    "the file header names no bank: \(field.name) at \(field.column) is \(found), expected the bank's 3-digit code (001, 237, 341…)",
                    file: file, line: number, column: field.column, raw: Array(line)))
        }
        if let b = info.bank, let bank = layout!.value.records[r].fields[b].text(in: line) {
            if let forced = options.bank, forced != bank {
                // --bank read the file with another bank's layout than its header names: said,
                // as a detail of another bank is (cnab.bank-mismatch).
                let field = layout!.value.records[r].fields[b]
                report(
                    .warning, "cnab.bank-forced",
                    "the file header names bank \(bank); read with --bank \(forced)'s layout as given",
                    line: number, column: field.column)
            }
            summary.bank = bank
            let spec = info.specs[b]
            headerBank = Array(line[spec.start..<(spec.start + spec.length)])
            headerBankJSON = Array(",\"bank\":".utf8)
            JSONBytes.appendString(bank, to: &headerBankJSON)
            titleStartKey = nil
            headerBankLength = spec.length <= 8 ? spec.length : -1
            headerBankKey = Self.key(line, spec.start, spec.length)
        }
        if let d = info.direction, !directionLocked {
            let field = layout!.value.records[r].fields[d]
            switch field.text(in: line) {
            case "1"?: try lock(direction: "remessa", line: number)
            case "2"?: try lock(direction: "retorno", line: number)
            default:
                if !batched {
                    rejectFile(
                        Diagnostic(
                            .error, "cnab.direction",
                            "cannot tell remessa from retorno: \(field.name) at \(field.column) is \(quote(line, field.column, field.length)), expected 1 (remessa) or 2 (retorno); give --layout",
                            file: file, line: number, column: field.column, raw: Array(line)))
                    return
                }
                report(
                    .warning, "cnab.direction",
                    "\(field.name) at \(field.column) is \(quote(line, field.column, field.length)), expected 1 (remessa) or 2 (retorno); the first detail record will decide",
                    line: number, column: field.column)
            }
        }
        if !batched {
            if options.layout == nil, summary.layout == "cnab400/generic" {
                rejectFile(
                    Diagnostic(
                        .error, "cnab.no-layout",
                        library.noCNAB400Layout(bank: layoutBank ?? "?", direction: summary.direction ?? "") + "; give --bank or --layout",
                        file: file, line: number, column: info.bank.map { info.specs[$0].start + 1 } ?? 0, raw: Array(line)))
                return
            }
            // The details of a CNAB 400 file form one implicit batch after the header (sequence 1).
            batch = Batch(number: 0, line: number, records: 1, lastSequence: 1)
        }
        // The header was read before its bank was known (with FEBRABAN's or the generic layout):
        // when the bank's layout took over, it is read again, and judged, with that one.
        if summary.layout != layoutBefore, let again = layout!.value.select(line), layout!.value.records[again].role == .fileHeader {
            try accept(line, number, again, own + fieldProblems(line, again, number), part: "header", kind: "file")
            return
        }
        try accept(line, number, r, own + problems, part: "header", kind: "file")
    }

    mutating func batchHeader(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, _ problems: [Diagnostic]) throws {
        try closeBatchWithoutTrailer(number)
        batches += 1
        let n = integer(line, r, infos[r].batch)
        if let n, n != batches, layout!.value.layout.checks?.batchNumbers != "any" {
            report(
                .error, "cnab.batch-number", "batch header numbers batch \(n), expected \(batches)",
                line: number, column: column(r, infos[r].batch))
        }
        if let o = infos[r].operation {
            let said: String? =
                switch infos[r].specs[o].text(in: line) {
                case "R"?: "remessa"
                case "T"?: "retorno"
                default: nil
                }
            if let said, !directionLocked {
                try lock(direction: said, line: number)
            } else if let said, let locked = summary.direction, said != locked, options.layout == nil {
                report(
                    .warning, "cnab.direction-mismatch",
                    "the batch header says \(said) (operation at \(infos[r].specs[o].start + 1)), the file was read as \(locked); give --layout to choose",
                    line: number, column: infos[r].specs[o].start + 1)
            }
        }
        batch = Batch(number: n ?? batches, line: number)
        try accept(line, number, r, problems, part: "header", kind: "batch")
    }

    mutating func detail(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, _ problems: [Diagnostic]) throws {
        guard batch != nil else {
            rejectLine(
                line, number, "cnab.record-order",
                batched ? "detail record outside a batch (no batch header before it)" : "detail record before the file header",
                column: typeColumn(r))
            return
        }
        batch!.records += 1
        detailRecords += 1
        checkBatchNumber(line, number, r)
        let h = hot[r]  // a few words, no references
        if !batched {
            // CNAB 400: the sequence is the record's position in the file, checked in `record`.
        } else if let s = h.sequence.integer(in: line) {
            if s == batch!.lastSequence + 1 {
                batch!.lastSequence = s
            } else {
                sequenceMismatch(s, number, r)
            }
        } else {
            batch!.lastSequence += 1
        }
        if h.startsGroup {
            try closeGroup()
            if stop {
                // The título before reached --max-rejects: this line, the next título's first, is
                // left unread (not counted), not rejected for segments never read after it.
                summary.lines -= 1
                records -= 1
                return
            }
            groupCode = batched && h.code.length == 2 ? (line[h.code.start], line[h.code.start + 1], r) : nil
            batch!.titles += 1
            batch!.face = Self.sum(batch!.face, h.face.integer(in: line) ?? 0)
            group.open = true
            group.batch = batch!.number
            add(line, number, r, problems)
        } else if h.fallback {
            // A detail only the fallback record matched: an unknown segment, reported and kept. In
            // CNAB 240 it ends the título before it: the segments after it belong to no título
            // (orphans, rejected), never to the one before.
            // (CNAB 400 complements, types 2–8, always belong to the type 1 before them: there an
            // unknown one stays inside its título.)
            if batched { try closeGroup() }
            unknownDetails += 1
            if firstUnknownDetail == nil { firstUnknownDetail = Array(line) }
            if !h.segment.exists, !isRetorno {
                // A CNAB 400 remessa record of a type the bank's layout does not have (a "type 8"
                // a generator invented, a complement of another bank): the bank would refuse it,
                // so it is rejected with its raw bytes, and the título before it stays whole. (A
                // retorno's is the bank's own record, one the layout does not describe yet: kept.)
                rejectLine(
                    line, number, "cnab.unknown-record",
                    "unknown record type \(quoted(line, recordTypeSpec)): not a record of \(summary.layout ?? "the layout")",
                    column: recordTypeSpec.exists ? recordTypeSpec.start + 1 : 1)
                return
            }
            report(
                .warning, "cnab.unknown-segment",
                h.segment.exists
                    ? "unknown segment \(quoted(line, h.segment)) kept as a segment record"
                    : "unknown record type \(quoted(line, recordTypeSpec)) kept as a segment record",
                line: number, column: (h.segment.exists ? h.segment.start : recordTypeSpec.exists ? recordTypeSpec.start : 0) + 1)
            if problems.isEmpty {
                summary.written += 1
                if let out = output {
                    let batchNumber = batch!.number
                    out.withBuffer { buffer in
                        buffer.append(contentsOf: "{\"record\":\"segment\"")
                        if batchNumber > 0 {
                            buffer.append(contentsOf: ",\"batch\":")
                            JSONBytes.appendInt(batchNumber, to: &buffer)
                        }
                        buffer.append(contentsOf: ",\"raw\":")
                        var hi = line.count
                        while hi > 0, line[hi - 1] == 0x20 { hi -= 1 }
                        JSONBytes.appendText(UnsafeBufferPointer(rebasing: line[0..<hi]), to: &buffer)
                    }
                    try endRecord(number)
                }
            } else {
                problems.forEach { diagnostics.report($0) }
                countReject()
            }
        } else if group.open, group.batch == batch!.number, !(group.afterStray && groupHas(r)) {
            // (A segment with no code, blank, contradicts nothing; one not digits has its own error.)
            if let (a, b, first) = groupCode, h.code.length == 2, line[h.code.start] != a || line[h.code.start + 1] != b,
                line[h.code.start] &- 48 < 10, line[h.code.start + 1] &- 48 < 10
            {
                movementMismatch(line, number, r, first)
            }
            add(line, number, r, problems)
        } else {
            // After a stray line, a segment the título already has belongs to the título the
            // stray line may have begun (its T): an orphan, and the título before stays whole.
            if group.open, group.afterStray { try closeGroup() }
            rejectLine(
                line, number, "cnab.orphan-segment",
                "\(h.segment.exists ? "segment \(quoted(line, h.segment))" : "record type \(quoted(line, recordTypeSpec))") (\(layout!.value.records[r].name)) has no título to belong to: "
                    + (batched ? "no starting segment before it in batch \(batch!.number)" : "no título record before it"),
                column: (h.segment.exists ? h.segment.start : 0) + 1)
        }
    }

    /// A detail whose sequence number is not the next: one error for one mistake. The line takes
    /// the next position; the line after it may continue that position (this number was wrong:
    /// a duplicate, a typo) or this number (a line is missing before it), either without error.
    @inline(never)
    mutating func sequenceMismatch(_ s: Int, _ number: Int, _ r: Int) {
        let expected = batch!.lastSequence + 1
        if batch!.resyncAt == expected - 1, s == batch!.resyncFound + 1 {
            // The numbering the line before found goes on: a line is missing before that one.
            batch!.resyncAt = -1
            batch!.lastSequence = s
            return
        }
        report(
            .error, "cnab.sequence", "sequence \(s) in batch \(batch!.number), expected \(expected)",
            line: number, column: column(r, infos[r].sequence))
        batch!.resyncAt = expected
        batch!.resyncFound = s
        batch!.lastSequence = expected
    }

    /// A segment whose movement code (16–17) is not its título's first segment's: all segments
    /// of a título carry the same code (FEBRABAN). The first segment's is the título's event
    /// (a U saying baixa under a T saying liquidação is a bank's file to ask about). Said for
    /// the first such segment of a file only.
    @inline(never)
    mutating func movementMismatch(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, _ first: Int) {
        guard !movementMismatchWarned else { return }
        movementMismatchWarned = true
        let records = layout!.value.records
        report(
            .warning, "cnab.segment-movement",
            "\(records[r].name) has movement code \(quoted(line, hot[r].code)), its título's \(records[first].name) "
                + "\"\(String(decoding: [groupCode!.0, groupCode!.1], as: UTF8.self))\" (a título's segments carry one code; the "
                + "\(records[first].name)'s is taken; later segments that differ are not reported again)",
            line: number, column: hot[r].code.start + 1)
    }

    /// A CNAB 400 record without its sequence number (395–400, in every record): blank, as a
    /// line cut short and padded leaves it. The bytes cut held the record's last fields too.
    @inline(never)
    mutating func blankPosition(_ number: Int, _ r: Int) {
        report(
            .error, "cnab.sequence",
            "no sequence number (blank), expected \(records + positionOffset) (every record carries its position in the file)",
            line: number, column: column(r, infos[r].sequence))
    }

    /// CNAB 400: a record whose sequence number is not its position (plus the shift a missing
    /// line made, once seen): one error for one mistake, as `sequenceMismatch` in a batch. The
    /// line after may continue the position (this number was wrong) or this number (a line is
    /// missing before it: the numbers after it are shifted from then on).
    @inline(never)
    mutating func positionMismatch(_ s: Int, _ number: Int, _ r: Int) {
        if positionResyncAt == records - 1, s == positionResyncFound + 1 {
            positionOffset = s - records
            positionResyncAt = -1
            return
        }
        let expected = records + positionOffset
        report(
            .error, "cnab.sequence",
            "sequence \(s), expected \(expected) (\(positionOffset == 0 ? "the record's position in the file" : "following the record before it"))",
            line: number, column: column(r, infos[r].sequence))
        positionResyncAt = records
        positionResyncFound = s
    }

    /// A line rejected before it was read as a record (its type is no record of the layout, or
    /// its bytes are no record at all) still sits where it is: inside a batch, it counts toward
    /// the batch's records and takes the next sequence position, as the bank counted it, so
    /// that the trailer's count and the next line's sequence are judged right. The título
    /// before it stays open: a segment it lacks still joins it (a stray line between T and U
    /// leaves the título its amounts), but one it already has is taken as the U of a T the
    /// stray line was, an orphan, never a second U (`detail`).
    mutating func strayLineInBatch() throws {
        guard batch != nil, !trailerSeen else { return }
        if group.open { group.afterStray = true }
        batch!.records += 1
        if batched { batch!.lastSequence += 1 }
        detailRecords += 1
        strayDetails += 1
    }

    mutating func batchTrailer(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, _ problems: [Diagnostic]) throws {
        try closeGroup()
        guard batch != nil else {
            rejectLine(line, number, "cnab.record-order", "batch trailer without a batch header", column: typeColumn(r))
            return
        }
        batch!.records += 1
        checkBatchNumber(line, number, r)
        let info = infos[r]
        if problems.isEmpty {
            let detailsOnly = layout!.value.layout.checks?.batchRecordCount == "details"
            let expected = detailsOnly ? batch!.records - 2 : batch!.records
            countMissing(line, number, r, info.recordCount, "batch \(batch!.number) trailer")
            if let count = integer(line, r, info.recordCount), count != expected {
                fatal(
                    "cnab.batch-count",
                    "batch \(batch!.number) trailer counts \(count) records, the batch has \(expected) (\(detailsOnly ? "details, as the layout says this bank counts" : "header, details and trailer"))",
                    line: number, column: column(r, info.recordCount))
            }
            checkTitleTotals(line, number, r, of: batch!, codes: ("cnab.batch-titles", "cnab.batch-total"), scope: "batch \(batch!.number)", whole: "batch")
        }
        batch = nil
        try accept(line, number, r, problems, part: "trailer", kind: "batch")
    }

    /// A trailer whose record count is blank cannot be checked, and a bank will not take it.
    func countMissing(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, _ field: Int?, _ trailer: String) {
        guard let field, infos[r].specs[field].isBlank(in: line) else { return }
        report(
            .warning, "cnab.count-missing", "\(trailer) has no record count (blank where the layout wants one)",
            line: number, column: column(r, field))
    }

    /// Compares a remessa trailer's título counts and totals with what was read: a count or total
    /// that contradicts the file is a structural error, fatal (DESIGN.md), as a record count is —
    /// a bank refuses the remessa, and a pipeline must not send it on. Zeros are no figures (a
    /// remessa may leave them out, FEBRABAN's "uso opcional"). A retorno's are not compared.
    mutating func checkTitleTotals(
        _ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, of read: Batch, codes: (titles: DiagnosticCode, total: DiagnosticCode),
        scope: String, whole: String
    ) {
        // A retorno's trailer counts and totals the títulos the bank holds in cobrança (its
        // portfolio: Bradesco 400 "quantidade de títulos em cobrança", FEBRABAN 240 "títulos em
        // carteira"), not the events of this file: real files' figures are the portfolio's
        // (18 títulos in a file of 6 events), so they are read, not checked against the file.
        guard !isRetorno else { return }
        let info = infos[r]
        let counted = info.titleCounts.reduce(0) { Self.sum($0, integer(line, r, $1) ?? 0) }
        let total = info.titleTotals.reduce(0) { Self.sum($0, integer(line, r, $1) ?? 0) }
        guard counted != 0 || total != 0 else { return }
        // A trailer may carry a total and no count (Santander 400's remessa counts records instead).
        if !info.titleCounts.isEmpty, counted != read.titles {
            fatal(
                codes.titles, "\(scope) trailer counts \(counted) títulos, the \(whole) has \(read.titles)",
                line: number, column: column(r, info.titleCounts.first))
        }
        if !info.titleTotals.isEmpty, total != read.face {
            fatal(
                codes.total,
                "\(scope) trailer totals \(Self.sumText(total)), the títulos' face values add up to \(Self.sumText(read.face))",
                line: number, column: column(r, info.titleTotals.first))
        }
    }

    /// Amounts and counts read from a file, added: past Int's range (a file of thousands of
    /// 15-digit amounts, made or damaged so) the sum is held at Int.max, never trapped on; no
    /// trailer field can hold that much, so it is told as a difference.
    @inline(__always)
    static func sum(_ a: Int, _ b: Int) -> Int {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : s
    }

    /// A sum `sum` made, for a message: "more than" the most when it was held there.
    static func sumText(_ cents: Int) -> String {
        cents == Int.max ? "more than \(Money.format(Int.max))" : Money.format(cents)
    }

    mutating func fileTrailer(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, _ problems: [Diagnostic]) throws {
        let implicit = batched ? nil : batch
        if !batched {
            try closeGroup()
            batch = nil
        }
        try closeBatchWithoutTrailer(number)
        trailerSeen = true
        let info = infos[r]
        if problems.isEmpty, let implicit {
            // CNAB 400 trailers count and total the títulos (per carteira), as 240 batch trailers do.
            checkTitleTotals(line, number, r, of: implicit, codes: ("cnab.trailer-titles", "cnab.trailer-total"), scope: "file", whole: "file")
        }
        if problems.isEmpty {
            if let count = integer(line, r, info.batchCount), count != batches {
                fatal(
                    "cnab.file-count", "file trailer counts \(count) batches, the file has \(batches)",
                    line: number, column: column(r, info.batchCount))
            }
            let fileDetailsOnly = layout!.value.layout.checks?.fileRecordCount == "details"
            let expected = fileDetailsOnly ? detailRecords : records
            countMissing(line, number, r, info.recordCount, "file trailer")
            if let count = integer(line, r, info.recordCount), count != expected {
                // A 6-digit count cannot say 1,000,000 or more: a file that large is right when the
                // count is its record total modulo 10^6, and is told so.
                var limit = 1
                for _ in 0..<infos[r].specs[info.recordCount!].length { limit *= 10 }
                if expected >= limit, count == expected % limit {
                    report(
                        .warning, "cnab.count-overflow",
                        "file trailer counts \(count) records: the file has \(expected), more than the field can hold; taken as \(expected) modulo \(limit)",
                        line: number, column: column(r, info.recordCount))
                } else {
                    fatal(
                        "cnab.file-count", "file trailer counts \(count) records, the file has \(expected)\(fileDetailsOnly ? " detail records" : "")",
                        line: number, column: column(r, info.recordCount))
                }
            }
        }
        try accept(line, number, r, problems, part: "trailer", kind: "file")
    }

    /// The whole file cannot be read: one error for line 1, the other lines counted as rejected with it.
    mutating func rejectFile(_ d: Diagnostic) {
        diagnostics.report(d)
        summary.fatal = true
        summary.rejected += 1
        draining = true
    }

    mutating func finish() throws {
        if draining, drained > 0 {
            report(.note, "cnab.file-rejected", "the other \(drained) line(s) of the file are rejected with it", line: 0)
        }
        if stop, !draining, group.open {
            // Stopped by --max-rejects: the título in hand may lack segments that were never read,
            // so it is rejected (its lines reported), never dropped and never written half.
            group.errors.append(
                Diagnostic(
                    .error, "cnab.max-rejects", "the título's segments after this line were not read: stopped by --max-rejects",
                    file: file, line: group.lines[group.count - 1], column: 1, raw: slotBytes(group.count - 1)))
            try closeGroup()
        }
        if summary.format == nil, !stop, !draining {
            fatal("cnab.empty", "the file holds no record (it is empty or blank): a CNAB file starts with its file header", line: 0, column: 0)
        }
        guard !stop, !draining, summary.format != nil else {
            try finishNotes()
            return
        }
        try closeBatchWithoutTrailer(summary.lines)
        if !headerSeen, records > 0 {
            fatal("cnab.no-file-header", "no file header (record type 0) in the file", line: 0, column: 0)
        }
        if !trailerSeen, records > 0 {
            fatal(
                "cnab.no-file-trailer", "the file ends without a file trailer (record type 9): it may be truncated",
                line: summary.lines, column: 1)
        }
        if unknownDetails > 0, unknownDetails + strayDetails == detailRecords, let sample = firstUnknownDetail {
            // Not one detail is a record of the layout: the header that chose it (its bank code,
            // say) contradicts the file, or the layout given by --layout or --bank does. Said,
            // with the layouts the details are records of (of the header's direction, else of
            // the other: a retorno's T and U under a header saying remessa), rather than read
            // as a file of no título. A structural error: its records are the wrong layout's
            // (raw segments, none of its títulos read), so no output file is left behind.
            let chosen = options.layout != nil || options.bank != nil
            var others = layouts(reading: sample, direction: summary.direction ?? "")
            if others.isEmpty { others = layouts(reading: sample, direction: summary.direction == "remessa" ? "retorno" : "remessa") }
            fatal(
                "cnab.unknown-details",
                "none of the file's \(detailRecords) detail record(s) is a record of \(summary.layout ?? "the layout"), "
                    + (chosen ? "the layout given" : "the layout its header names")
                    + (others.isEmpty
                        ? ""
                        : ": they read as records of \(others.joined(separator: ", "))"
                            + (chosen ? "" : " (if the header is wrong, read the file with --bank or --layout)")),
                line: 0, column: 0)
        }
        try finishNotes()
    }

    /// The other layouts of the file's format and of `direction` that read `line` as one of their
    /// detail records (not as an unknown one): those whose every field is valid in it when there
    /// are any (many CNAB 400 layouts share detail type 1; the ones that read the line whole are
    /// the hint worth giving), else all. Compiles each: only for a file already refused.
    func layouts(reading line: [UInt8], direction: String) -> [String] {
        let family = summary.format == .cnab400 ? "cnab400/" : "cnab240/"
        var valid: [String] = []
        let matching = library.sources.keys.sorted().filter { name in
            guard name.hasPrefix(family), name.hasSuffix("/" + direction), name != summary.layout,
                let compiled = try? CompiledLayout(try library.layout(named: name), codePrefix: "cnab"), line.count == compiled.recordLength,
                let r = line.withUnsafeBufferPointer({ compiled.select($0) })
            else { return false }
            guard compiled.records[r].role == .detail && !compiled.records[r].fallback else { return false }
            if line.withUnsafeBufferPointer({ l in compiled.records[r].specs.allSatisfy { $0.problem(in: l) == nil } }) { valid.append(name) }
            return true
        }
        return valid.isEmpty ? matching : valid
    }

    mutating func finishNotes() throws {
        if let normalizer { normalizer.finish().forEach { diagnostics.report($0) } }
    }

    // MARK: - Groups

    mutating func add(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, _ problems: [Diagnostic]) {
        let slot = group.count
        let length = line.count
        group.make(room: slot, length: length)
        (group.store + slot * length).update(from: line.baseAddress!, count: length)
        group.records[slot] = r
        group.lines[slot] = number
        group.count = slot + 1
        group.shape = slot < 8 && r < 255 && (slot == 0 || group.shape != 0) ? group.shape | UInt64(r &+ 1) &<< UInt64(8 &* slot) : 0
        if r < 64 {
            let bit = 1 &<< UInt64(r)
            if group.present & bit != 0 { repeatedSegment(line, number, r, slot) }
            group.present |= bit
        } else {
            group.presentAll = false
            if UnsafeBufferPointer(start: group.records, count: slot).contains(r) { repeatedSegment(line, number, r, slot) }
        }
        if hot[r].bank.exists { group.hasBank = true }
        if !problems.isEmpty { group.errors.append(contentsOf: problems) }
    }

    /// Whether the open título has a segment of record `r`.
    func groupHas(_ r: Int) -> Bool {
        r < 64 ? group.present & (1 &<< UInt64(r)) != 0 : UnsafeBufferPointer(start: group.records, count: group.count).contains(r)
    }

    /// A título holding a record it already has (a second U after T, U): a título has one of
    /// each, and its output record one value per field, so the second's fields would be lost
    /// (the first's win). The título is rejected, all its lines, the repeated one with this error.
    /// (No layout lets a segment repeat: FEBRABAN's several Y or S segments of one título would
    /// need the output to keep each, as a list; until a layout says so, none is lost silently.)
    @inline(never)
    mutating func repeatedSegment(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, _ slot: Int) {
        var first = 0
        for k in 0..<slot where group.records[k] == r { first = group.lines[k]; break }
        let h = hot[r]
        let what = h.segment.exists ? "segment \(quote(line, h.segment.start + 1, h.segment.length))" : "record type \(quoted(line, recordTypeSpec))"
        let at = h.segment.exists ? h.segment.start + 1 : recordTypeSpec.exists ? recordTypeSpec.start + 1 : 1
        group.errors.append(
            Diagnostic(
                .error, "cnab.repeated-segment",
                "\(what) (\(layout!.value.records[r].name)) repeated in its título (first at line \(first)): a título has one, so the second's fields would be lost; the título is rejected",
                file: file, line: number, column: at, raw: Array(line)))
    }

    /// The raw bytes of a group slot.
    func slotBytes(_ slot: Int) -> [UInt8] {
        let length = group.storage.length
        return Array(UnsafeBufferPointer(start: group.store + slot * length, count: length))
    }

    mutating func closeGroup() throws {
        guard group.open else { return }
        defer {
            group.open = false
            group.count = 0
            group.shape = 0
            group.present = 0
            group.presentAll = true
            group.hasBank = false
            group.afterStray = false
            if !group.errors.isEmpty { group.errors.removeAll(keepingCapacity: true) }
        }
        let firstRecord = group.records[0]
        let firstLine = group.lines[0]
        let count = group.count
        let first = hot[firstRecord]
        // (A título cut by a --max-rejects stop is rejected for that, said once.)
        if !(first.requiresAll && group.presentAll && first.requires & ~group.present == 0), !stop {
            missingSegments(firstRecord, firstLine)
        }
        if !group.errors.isEmpty {
            for slot in 0..<count {
                let own = group.errors.filter { $0.line == group.lines[slot] }
                if own.isEmpty {
                    diagnostics.report(
                        Diagnostic(
                            .error, "cnab.group-rejected",
                            "\(layout!.value.records[group.records[slot]].name) rejected with its título (see line \(group.errors[0].line))",
                            file: file, line: group.lines[slot], column: 1, raw: slotBytes(slot)))
                } else {
                    own.forEach { diagnostics.report($0) }
                }
            }
            // Counted once all are said: a --max-rejects stop is told after the título's lines.
            for _ in 0..<count { countReject() }
            return
        }
        summary.written += count
        summary.titles += 1
        var codeKey: UInt16? = nil
        let codeSpot = hot[firstRecord].code
        if codeSpot.length == 2 {
            codeKey = UInt16(group.store[codeSpot.start]) << 8 | UInt16(group.store[codeSpot.start + 1])
        }
        if let codeKey, codeKey != lastCodeKey, knownCodes[Int(codeKey >> 6)] & (1 << UInt64(codeKey & 63)) == 0 {
            let code = infos[firstRecord].specs[infos[firstRecord].code!].text(
                in: UnsafeBufferPointer(start: group.store, count: group.storage.length))
            if let code { unknownCode(code, firstLine, column: codeSpot.start + 1) }
        }
        lastCodeKey = codeKey
        guard let out = output else { return }
        let retorno = isRetorno
        // The code's reason table and movement members.
        let slot = codeKey.map { codeSlots.isEmpty ? 0 : Int(codeSlots[Int($0)]) } ?? 0
        let entry = slot > 0 ? codeEntries[slot - 1] : CodeEntry()
        let reasonIndex = entry.reasons >= 0 ? Int(entry.reasons) : nil
        // A cached shape's program is kept by index; a group too long or varied to cache gets its own.
        var programIndex = -1
        if group.shape != 0, group.shape == lastShape.shape {
            programIndex = lastShape.program
        } else if group.shape != 0, let cached = programs[group.shape] {
            programIndex = cached
            lastShape = (group.shape, cached)
        } else if group.shape != 0 {
            programIndex = programList.count
            programList.append(detailSchema!.program(for: group.recordList))
            programs[group.shape] = programIndex
            if parallel {
                try out.setFiller(
                    TituloFiller(programs: programList, reasons: reasonList, recordLength: layout!.value.recordLength))
            }
        }
        let deferred = parallel && programIndex >= 0
        let length = group.storage.length
        let store = UnsafeBufferPointer(start: group.store, count: count * length)
        let startKey = TitleStartKey(batch: group.batch, headerBank: !group.hasBank, retorno: retorno)
        if startKey != titleStartKey { makeTitleStart(startKey) }
        titleStart.withUnsafeBufferPointer { start in out.withBuffer { buffer in buffer.appendBytes(start) } }
        if deferred {
            out.hole { payload in
                TituloFiller.appendPayload(
                    program: programIndex, reasons: reasonIndex ?? -1, count: count,
                    lines: store, to: &payload)
            }
        }
        if !deferred {
            let program = programIndex >= 0 ? programList[programIndex] : detailSchema!.program(for: group.recordList)
            let reasons = reasonIndex.map { reasonList[$0] }
            out.withBuffer { buffer in program.emit(store: store, into: &buffer, reasons: reasons) }
        }
        movementStore.withUnsafeBufferPointer { moves in
            out.withBuffer { buffer in
                if entry.movementCount >= 0 {
                    buffer.appendBytes(UnsafeBufferPointer(rebasing: moves[Int(entry.movementStart)..<Int(entry.movementStart + entry.movementCount)]))
                } else if retorno {
                    buffer.append(contentsOf: ",\"event\":\"other\"")
                }
            }
        }
        try endRecord(firstLine)
    }

    /// Makes `titleStart` for the títulos `key` describes.
    mutating func makeTitleStart(_ key: TitleStartKey) {
        var bytes = Array((key.retorno ? "{\"record\":\"event\"" : "{\"record\":\"title\"").utf8)
        if key.batch > 0 {
            bytes += Array(",\"batch\":".utf8)
            JSONBytes.appendInt(key.batch, to: &bytes)
        }
        if key.headerBank { bytes += headerBankJSON }
        titleStart = bytes
        titleStartKey = key
    }

    /// A título without a segment its layout makes mandatory (a retorno's T without its U: no
    /// valor pago, no dates) is incomplete: it is rejected, every line, the first with this
    /// error, never written as an event or título that lacks what its bank sent apart.
    @inline(never)
    mutating func missingSegments(_ firstRecord: Int, _ firstLine: Int) {
        let segment = hot[firstRecord].segment
        for required in infos[firstRecord].requires where !group.recordList.contains(required) {
            group.errors.append(
                Diagnostic(
                    .error, "cnab.missing-segment",
                    "\(layout!.value.records[firstRecord].name) is not followed by \(layout!.value.records[required].name) in its título: the título is incomplete",
                    file: file, line: firstLine, column: segment.exists ? segment.start + 1 : 1, raw: slotBytes(0)))
        }
    }

    mutating func unknownCode(_ code: String, _ line: Int, column: Int) {
        if warnedCodes.insert(code).inserted {
            report(.warning, "cnab.unknown-code", "movement code \"\(code)\" is not in the layout's code table", line: line, column: column)
        }
    }

    /// The column of a record's type field (0 when its layout names none).
    func typeColumn(_ r: Int) -> Int {
        hot[r].recordType.start + 1
    }

    mutating func closeBatchWithoutTrailer(_ number: Int) throws {
        try closeGroup()
        if let open = batch, batched {
            fatal(
                "cnab.record-order", "batch \(open.number) (header at line \(open.line)) has no batch trailer before line \(number)",
                line: number, column: 1)
            batch = nil
        }
    }

    // MARK: - Output and findings

    mutating func accept(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int, _ problems: [Diagnostic], part: String, kind: String)
        throws
    {
        guard problems.isEmpty else {
            problems.forEach { diagnostics.report($0) }
            countReject()
            return
        }
        summary.written += 1
        guard let out = output else { return }
        let batchNumber = kind == "batch" ? integer(line, r, infos[r].batch) : nil
        let layoutName = summary.layout ?? ""
        out.withBuffer { buffer in
            buffer.append(Array("{\"record\":\"\(kind)\",\"part\":\"\(part)\"".utf8))
            if kind == "file", part == "header" {
                buffer.append(contentsOf: batched ? ",\"format\":\"cnab240\",\"layout\":" : ",\"format\":\"cnab400\",\"layout\":")
                JSONBytes.appendString(layoutName, to: &buffer)
            }
            if let batchNumber {
                buffer.append(contentsOf: ",\"batch\":")
                JSONBytes.appendInt(batchNumber, to: &buffer)
            }
            recordPrograms[r].emit(store: line, into: &buffer, reasons: nil)
        }
        try endRecord(number)
    }

    mutating func endRecord(_ line: Int) throws {
        guard let out = output else { return }
        // The array's bytes lent outside the buffer's closure: read inside it, `self`'s array
        // would be retained and released per record.
        fileJSON.withUnsafeBufferPointer { file in
            out.withBuffer { buffer in
                buffer.appendBytes(file)
                JSONBytes.appendInt(line, to: &buffer)
                buffer.append(contentsOf: "}}")
            }
        }
        summary.records += 1
        try out.endRecord()
    }

    mutating func rejectLine(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ code: DiagnosticCode, _ message: String, column: Int) {
        if hasLineProblem, let long = lineProblem {
            // An over-long line rejected for another reason too: both said, its whole bytes once.
            diagnostics.report(Diagnostic(.error, code, message, file: file, line: number, column: column))
            reject(long)
            return
        }
        reject(Diagnostic(.error, code, message, file: file, line: number, column: column, raw: Array(line)))
    }

    mutating func reject(_ d: Diagnostic) {
        diagnostics.report(d)
        countReject()
    }

    mutating func countReject() {
        summary.rejected += 1
        if let max = options.maxRejects, summary.rejected > max, !stop {
            report(.error, "cnab.max-rejects", "more than \(max) rejected lines: stopped", line: 0)
            summary.stopped = true
            stop = true
        }
    }

    func report(_ severity: Severity, _ code: DiagnosticCode, _ message: String, line: Int, column: Int = 0) {
        diagnostics.report(Diagnostic(severity, code, message, file: file, line: line, column: column))
    }

    mutating func fatal(_ code: DiagnosticCode, _ message: String, line: Int, column: Int) {
        summary.fatal = true
        report(.error, code, message, line: line, column: column)
    }

    /// Up to 8 bytes of a line as one number, for comparing short fields.
    @inline(__always)
    static func key(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> UInt64 {
        var key: UInt64 = 0
        for k in 0..<min(length, 8) { key = key << 8 | UInt64(line[start + k]) }
        return key
    }

    @inline(__always)
    mutating func checkBank(_ line: UnsafeBufferPointer<UInt8>, _ r: Int, _ number: Int) {
        let field = hot[r].bank
        guard field.length == headerBankLength, !bankMismatchWarned,
            Self.key(line, field.start, field.length) != headerBankKey
        else { return }
        bankMismatch(line, field, number)
    }

    @inline(never)
    mutating func bankMismatch(_ line: UnsafeBufferPointer<UInt8>, _ field: Spot, _ number: Int) {
        guard let header = headerBank, field.exists, field.length == header.count else { return }
        for k in 0..<header.count where line[field.start + k] != header[k] {
            bankMismatchWarned = true
            report(
                .warning, "cnab.bank-mismatch",
                "bank \(quote(line, field.start + 1, field.length)) differs from the file header's \(TextBytes.decode(header))",
                line: number, column: field.start + 1)
            return
        }
    }

    /// Reports, once per field and file, a value its `enum` table does not list (it is emitted raw).
    mutating func checkEnum(_ line: UnsafeBufferPointer<UInt8>, _ k: Int, _ number: Int) {
        let check = enumChecks[k]
        let key = Self.key(line, check.start, check.length)
        if check.length <= 8, check.accepted(key) { return }
        let r = check.record
        let i = check.field
        let spec = infos[r].specs[i]
        guard !spec.isBlank(in: line) else {
            // A blank value is no value: nothing to warn of, then or when it comes again.
            if check.length <= 8 { enumChecks[k].accept(key) }
            return
        }
        for entry in layout!.value.enumTables[spec.enumIndex] where entry.raw.count == spec.length {
            var equal = true
            for b in 0..<spec.length where line[spec.start + b] != entry.raw[b] { equal = false; break }
            if equal {
                if check.length <= 8 { enumChecks[k].accept(key) }
                return
            }
        }
        if spec.unfilledZeros(line) {
            // Zeros no code of the table: not filled in, no value (as blanks).
            if check.length <= 8 { enumChecks[k].accept(key) }
            return
        }
        guard warnedEnums.insert(r << 16 | i).inserted else { return }
        let field = layout!.value.records[r].fields[i]
        let known = field.enumMap.map { String(decoding: $0.raw, as: UTF8.self) }.joined(separator: ", ")
        report(
            .warning, "cnab.enum", "\(field.name) is \"\(field.text(in: line) ?? "")\", not one of \(known); written as it is",
            line: number, column: field.column)
    }

    @inline(__always)
    mutating func checkBatchNumber(_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ r: Int) {
        guard let open = batch?.number, let n = hot[r].batch.integer(in: line), n != open else { return }
        batchNumberMismatch(n, open, number, r)
    }

    @inline(never)
    func batchNumberMismatch(_ n: Int, _ open: Int, _ number: Int, _ r: Int) {
        report(
            .error, "cnab.batch-number", "record carries batch \(n) inside batch \(open)",
            line: number, column: column(r, infos[r].batch))
    }

    func integer(_ line: UnsafeBufferPointer<UInt8>, _ r: Int, _ field: Int?) -> Int? {
        guard let field else { return nil }
        return infos[r].specs[field].integer(in: line)
    }

    func column(_ r: Int, _ field: Int?) -> Int {
        field.map { infos[r].specs[$0].start + 1 } ?? 0
    }

    /// `"X" at N` for a structural field of the layout, as messages show it.
    func quoted(_ line: UnsafeBufferPointer<UInt8>, _ spec: Spot) -> String {
        guard spec.exists else { return "?" }
        return "\(quote(line, spec.start + 1, spec.length)) at \(spec.start + 1)"
    }

    func quote(_ line: UnsafeBufferPointer<UInt8>, _ column: Int, _ length: Int) -> String {
        "\"" + TextBytes.decode(line[(column - 1)..<min(line.count, column - 1 + length)]) + "\""
    }
}

/// The memory of a group's slots (see `CNABEngine.Group`): records `length` bytes long, their
/// record indices and line numbers, for `capacity` slots (and 16 bytes of slack after
/// the records, for word-at-a-time reads).
final class SlotStorage {
    let capacity: Int
    let length: Int
    let bytes: UnsafeMutablePointer<UInt8>
    let records: UnsafeMutablePointer<Int>
    let lines: UnsafeMutablePointer<Int>

    init(capacity: Int, length: Int) {
        self.capacity = capacity
        self.length = length
        bytes = .allocate(capacity: capacity * length + 16)
        bytes.initialize(repeating: 0x20, count: capacity * length + 16)
        records = .allocate(capacity: max(capacity, 1))
        records.initialize(repeating: 0, count: max(capacity, 1))
        lines = .allocate(capacity: max(capacity, 1))
        lines.initialize(repeating: 0, count: max(capacity, 1))
    }

    deinit {
        bytes.deallocate()
        records.deallocate()
        lines.deallocate()
    }
}

/// A value behind a reference, so that reading parts of it never copies the whole.
final class Box<Value> {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension SelectCache {
    /// The record `line` is, from the cache, the layout asked only on a miss: its steps spelled
    /// out with the layout behind a reference (a closure over it, as `select(_:ask:)` takes,
    /// would cost a reference count on every line).
    @inline(__always)
    mutating func select(_ line: UnsafeBufferPointer<UInt8>, in layout: Box<CompiledLayout>) -> Int? {
        switch lookup(line) {
        case .hit(let r): return r
        case .miss(let slot, let key):
            let selected = layout.value.select(line)
            store(selected, slot: slot, key: key)
            return selected
        case .uncached: return layout.value.select(line)
        }
    }
}

/// What the engine's tables hold for one movement code: its reason table (index in
/// `reasonList`, -1: none) and its movement members (a range of `movementStore`, count -1: none).
struct CodeEntry {
    var reasons: Int32 = -1
    var movementStart: Int32 = 0
    var movementCount: Int32 = -1
}
