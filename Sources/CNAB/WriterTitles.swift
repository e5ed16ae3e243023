import FixedWidth
import Foundation
import Records

/// A título checked and its records chosen before its place in the file is known: what the
/// file's running state (batches, sequence numbers, counts and totals) needs of it. The checks
/// and the choice depend on the título's own values only, and on the file record's bank and
/// company when it gives none of its own (`takesBank`, `takesCompany`); so they run on any
/// thread, and only the placing (`Session.place`) runs in input order.
struct PreparedTitle {
    /// Its records (in the preparer's `chosen`).
    var count = 0
    /// The face value the trailers total (nil: none that counts, `CNABWriter.centavos`).
    var amount: Int? = nil
    /// The input's `batch` number (a new one opens a batch).
    var batch: Int? = nil
    /// Whether it registers (código de movimento 01): a zero amount is then warned of.
    var registers = false
    /// It gives no bank, and takes the file record's (else --bank's).
    var takesBank = false
    /// Its records name the beneficiário, which it gives none of, and take the file record's.
    var takesCompany = false
}

extension CNABWriter {
    /// Checks the título in `tape` (resolved in `slots`) and chooses its records (into
    /// `chosen`); leaves in `problems` why it cannot be written, as far as its own values say
    /// (its fields' values are checked when they are encoded). `header` is the file record's
    /// values; nil when they are not known yet (a worker thread): the título is then checked as
    /// if the file record gave no bank or company, and `takesBank`/`takesCompany` say whether
    /// that mattered.
    func prepare(
        _ tape: inout JSONTape, _ top: TopKeys, slots: SlotTable, header: JSONObject?, problems: inout [Problem], chosen: inout [Int],
        present: inout [UInt64]
    ) -> PreparedTitle {
        var prepared = PreparedTitle()
        // A título without a bank takes the file header's (else the options').
        if top.bank < 0 {
            prepared.takesBank = true
            if bankPath >= 0 {
                let at = tape.count
                tape.append(header?["bank"] ?? .string(options.bank))
                slots.resolve(tape, at, at: bankPath, trie: trie)
            }
        }
        let view = slots.view
        let start = records(present: view, tape: tape, into: &chosen, scratch: &present)
        // A value of blanks (a due date "") is no value.
        func missing(_ path: Int32) -> Bool {
            guard path >= 0, view.isPresent(path) else { return true }
            // (`isBlank`, without handing it a copy of the tape.)
            let node = view.node(path)
            return tape.nodes[node].kind == .string && tape.withBytes(node) { $0.allSatisfy { $0 == 0x20 } }
        }
        // A detail record that names the beneficiário (CNAB 400: tipo and número de inscrição
        // da empresa, 02-17) takes the file header's company when the título gives none of
        // its own, as a batch header does (`openBatch`); without one anywhere, a remessa's
        // título is refused below, not written with inscrição 00 and zeros the bank rejects.
        if companyPath >= 0, chosen.contains(where: { namesCompany[$0] }),
            !(companyPath + 1..<companyEnd).contains(where: { view.isPresent($0) })
        {
            prepared.takesCompany = true
            if let company = header?["company"] {
                let at = tape.count
                tape.append(company)
                slots.resolve(tape, at, at: companyPath, trie: trie)
            }
        }
        if dueDateRequired[start], missing(dueDatePath) {
            problems.append(
                Problem(code: "write.required", message: "\(fieldName("due_date", in: chosen)) (due_date) is required", path: "due_date"))
        }
        prepared.registers = CNABWriter.registers(tape, view, codePath)
        // The payer's mandatory fields, for a título registered (code 01, the layouts' default):
        // a write-off or a change of due date names the título by its numbers only.
        if !required.isEmpty, prepared.registers {
            for (path, node) in required where missing(node) && chosen.contains(where: { plans[$0].paths.contains(path) }) {
                problems.append(Problem(code: "write.required", message: "\(fieldName(path, in: chosen)) (\(path)) is required", path: path))
            }
        }
        if isRemessa, companyDocumentPath >= 0, missing(companyDocumentPath),
            chosen.contains(where: { namesCompany[$0] && plans[$0].paths.contains("company.document") })
        {
            problems.append(
                Problem(
                    code: "write.required",
                    message: "\(fieldName("company.document", in: chosen)) (company.document) is required: "
                        + "give the beneficiário's company in the file record or the título",
                    path: "company.document"))
        }
        // A título of another bank than the file's: its records would carry a bank code the
        // file is not (one parsed from another bank's file keeps its bank).
        // (A value that is no bank code at all is left to its field's own check.)
        // (Compared as bytes: no String made per título.)
        if top.bank >= 0, tape.nodes[top.bank].kind == .string,
            tape.withBytes(top.bank, { $0.count == 3 && $0.allSatisfy { $0 &- 48 < 10 } }), !tape.bytesEqual(top.bank, options.bank.utf8)
        {
            problems.append(
                Problem(
                    code: "write.bank",
                    message: "the título's bank is \(tape.string(top.bank)), the remessa is bank \(options.bank)'s (--bank): "
                        + "a remessa carries one bank's títulos (leave bank out to take the file's)",
                    node: top.bank, path: "bank"))
        }
        let amountPresent = (amountPath >= 0 && view.isPresent(amountPath)) || (facePath >= 0 && view.isPresent(facePath))
        if !amountPresent, chosen.contains(where: { hasAmount[$0] }) {
            problems.append(Problem(code: "write.required", message: "the título's amount (amount_cents) is required"))
        }
        prepared.count = chosen.count
        prepared.amount = CNABWriter.centavos(tape, top.amount >= 0 ? top.amount : top.face)
        prepared.batch = batchHeader != nil ? CNABWriter.intValue(tape, top.batch) : nil
        return prepared
    }

    /// Whether a string value is all blanks (a due date "" is no value).
    static func isBlank(_ tape: JSONTape, _ node: Int) -> Bool {
        tape.nodes[node].kind == .string && tape.withBytes(node) { $0.allSatisfy { $0 == 0x20 } }
    }

    /// Whether the código de movimento is 01 (a registration) as its numeric field writes it:
    /// absent (the layouts' default), 1, "1" or "01".
    static func registers(_ tape: JSONTape, _ view: SlotView, _ path: Int32) -> Bool {
        guard path >= 0, view.isPresent(path) else { return true }
        let node = view.node(path)
        switch tape.nodes[node].kind {
        case .integer: return tape.nodes[node].value == 1
        case .string:
            return tape.withBytes(node) { b in
                var k = 0
                while k < b.count, b[k] == 0x30 { k += 1 }
                return b.count - k == 1 && b[k] == 0x31
            }
        default: return false
        }
    }

    /// Per record: its groups numbered by the file as it is written (`_batch`, `_sequence`),
    /// which a record encoded ahead of its place gets again once placed.
    static func numberedGroups(_ programs: [RecordProgram]) -> [[Int]] {
        programs.map { program in program.ops.indices.filter { program.ops[$0].source == .batch || program.ops[$0].source == .sequence } }
    }

    /// A group numbered as the file is written, as renumbering reads it: its bytes, which number
    /// it takes, and whether a number below `limit` goes straight in as right-aligned digits
    /// (`FieldOp.plainNumeric`).
    struct NumberedSpot {
        var group: Int32
        var start: Int32
        var end: Int32
        var batch: Bool
        var plain: Bool
        var limit: Int
    }

    /// `numbered` as one table, and each record's range in it.
    static func numberedSpots(_ programs: [RecordProgram], _ numbered: [[Int]]) -> ([NumberedSpot], [Range<Int>]) {
        var spots: [NumberedSpot] = []
        var ranges: [Range<Int>] = []
        for (program, groups) in zip(programs, numbered) {
            let first = spots.count
            for g in groups {
                let op = program.ops[g]
                spots.append(
                    NumberedSpot(
                        group: Int32(g), start: op.start, end: op.start + op.length, batch: op.source == .batch, plain: op.plainNumeric,
                        limit: powersOfTen[min(Int(op.length), 18)]))
            }
            ranges.append(first..<spots.count)
        }
        return (spots, ranges)
    }
}

// MARK: - Títulos prepared on worker threads

/// Input lines read together, and what the workers made of them: for each título that could be
/// made ahead, its records encoded (numbered 0 until placed). The other lines are parsed again
/// on the caller's thread and added the long way (file and batch records, refusals: few).
final class WriteChunk: PoolJob, @unchecked Sendable {
    /// A título made ahead: its prepared facts, and where its records, bytes and counted paths lie.
    struct Ready {
        var title: PreparedTitle
        var chosen: Range<Int>
        var bytes: Int
        var cuts: Range<Int>
        var blanked: Range<Int>
    }

    // A chunk is used by one thread at a time (the pool hands it over), and no access to one
    // of its properties overlaps another: they are not checked for exclusive access at run time
    // (some ten checks a título).
    @exclusivity(unchecked) var raw: [UInt8] = []
    @exclusivity(unchecked) var rawEnds: [Int] = []
    @exclusivity(unchecked) var numbers: [Int] = []
    @exclusivity(unchecked) var cut: [Bool] = []
    @exclusivity(unchecked) var count = 0
    /// Per line: its index in `ready`, or -1 (the line is added the long way, on the caller's thread).
    @exclusivity(unchecked) var readyIndex: [Int32] = []
    @exclusivity(unchecked) var ready: [Ready] = []
    @exclusivity(unchecked) var chosen: [Int] = []
    @exclusivity(unchecked) var bytes = ByteBuffer(capacity: 64 << 10)
    @exclusivity(unchecked) var cuts: [Int32] = []
    @exclusivity(unchecked) var blanked: [Int32] = []

    static let lines = 512
    static let rawBytes = 1 << 20

    /// A chunk with room for a full one made at once (its storage grown by doubling was copied
    /// some twenty times over).
    override init() {
        super.init()
        raw.reserveCapacity(Self.rawBytes + (64 << 10))
        rawEnds.reserveCapacity(Self.lines)
        numbers.reserveCapacity(Self.lines)
        cut.reserveCapacity(Self.lines)
        readyIndex.reserveCapacity(Self.lines)
        ready.reserveCapacity(Self.lines)
        chosen.reserveCapacity(Self.lines * 4)
        bytes.reserve(512 << 10)
    }

    deinit { bytes.deallocate() }

    var isFull: Bool { count == Self.lines || raw.count >= Self.rawBytes }

    func append(_ line: UnsafeBufferPointer<UInt8>, number: Int, cut: Bool) {
        raw.append(contentsOf: line)
        rawEnds.append(raw.count)
        numbers.append(number)
        self.cut.append(cut)
        count += 1
    }

    /// Where line `k` lies in `raw`.
    func range(_ k: Int) -> Range<Int> { (k == 0 ? 0 : rawEnds[k - 1])..<rawEnds[k] }

    func reset() {
        count = 0
        // Not kept after a very long line (up to `LineReader.maxJSONLLineLength`).
        raw.removeAll(keepingCapacity: raw.capacity <= 4 * Self.rawBytes)
        rawEnds.removeAll(keepingCapacity: true)
        numbers.removeAll(keepingCapacity: true)
        cut.removeAll(keepingCapacity: true)
        readyIndex.removeAll(keepingCapacity: true)
        ready.removeAll(keepingCapacity: true)
        chosen.removeAll(keepingCapacity: true)
        bytes.removeAll()
        cuts.removeAll(keepingCapacity: true)
        blanked.removeAll(keepingCapacity: true)
        requeue()
    }
}

/// The chunk being filled by the reading thread, those the workers have, and spare ones. Used
/// by that thread alone: its properties are not checked for exclusive access per line, as
/// local variables captured by the reading closure were.
final class ChunkFeed {
    @exclusivity(unchecked) var current = WriteChunk()
    @exclusivity(unchecked) var pending: [WriteChunk] = []
    @exclusivity(unchecked) var spares: [WriteChunk] = []
}

/// A worker thread's scratch for preparing títulos.
struct TitleWorker {
    let writer: CNABWriter
    let slots: SlotTable
    var tape = JSONTape()
    var encoder = RecordEncoder()
    var chosen: [Int] = []
    var present: [UInt64] = []
    /// The `record` value of the records made ahead: "title" (a remessa's) or "event" (a retorno's).
    let kind: [UInt8]

    init(_ writer: CNABWriter) {
        self.writer = writer
        slots = SlotTable(count: writer.trie.paths.count, trie: writer.trie)
        kind = Array((writer.options.direction == "remessa" ? "title" : "event").utf8)
    }

    /// Parses the chunk's lines and makes ahead the títulos that can be: those whose checks
    /// and fields find no problem (a título with one is added the long way, which says it).
    mutating func work(_ chunk: WriteChunk) {
        // The scratch in locals while the chunk is done: no copy of the worker per título.
        let writer = self.writer, slots = self.slots, kind = self.kind
        var tape = JSONTape(), encoder = RecordEncoder(), chosen: [Int] = [], present: [UInt64] = []
        swap(&tape, &self.tape)
        swap(&encoder, &self.encoder)
        swap(&chosen, &self.chosen)
        swap(&present, &self.present)
        defer {
            swap(&tape, &self.tape)
            swap(&encoder, &self.encoder)
            swap(&chosen, &self.chosen)
            swap(&present, &self.present)
        }
        let length = writer.layout.recordLength
        let stride = length + 2
        chunk.raw.withUnsafeBufferPointer { raw in
            for k in 0..<chunk.count {
                let line = UnsafeBufferPointer(rebasing: raw[chunk.range(k)])
                chunk.readyIndex.append(-1)
                if tape.nodes.count > 1 << 16 { tape = JSONTape() }  // not kept after a very long line
                guard !chunk.cut[k], !line.isEmpty, JSONReader.parseRecord(line, into: &tape), tape.nodes[0].kind == .object else { continue }
                slots.begin()
                slots.resolve(tape, 0, at: 0, trie: writer.trie)
                let top = slots.top
                guard top.record >= 0, tape.nodes[top.record].kind == .string, tape.bytesEqual(top.record, kind) else { continue }
                encoder.problems.removeAll(keepingCapacity: true)
                let title = writer.prepare(
                    &tape, top, slots: slots, header: nil, problems: &encoder.problems, chosen: &chosen, present: &present)
                guard encoder.problems.isEmpty else { continue }
                let at = chunk.bytes.count
                chunk.bytes.reserve(title.count * stride)
                encoder.cuts.removeAll(keepingCapacity: true)
                encoder.blanked.removeAll(keepingCapacity: true)
                // (Each program read where it is: taken out of the array, one was copied per record.)
                writer.programs.withUnsafeBufferPointer { programs in
                    for (j, r) in chosen.enumerated() {
                        let dst = chunk.bytes.base + at + j * stride
                        dst.update(repeating: 0x20, count: length)
                        dst[length] = 0x0D
                        dst[length + 1] = 0x0A
                        // Numbered once placed (`Session.renumber`).
                        encoder.encode(programs.baseAddress! + r, RecordEncoder.Numbers(batch: 0, sequence: 0), into: dst, tape, slots.view)
                    }
                }
                guard encoder.problems.isEmpty else { continue }
                chunk.bytes.count = at + title.count * stride
                let c = chunk.chosen.count, u = chunk.cuts.count, b = chunk.blanked.count
                chunk.chosen.append(contentsOf: chosen)
                if !encoder.cuts.isEmpty { chunk.cuts.append(contentsOf: encoder.cuts) }
                if !encoder.blanked.isEmpty { chunk.blanked.append(contentsOf: encoder.blanked) }
                chunk.readyIndex[k] = Int32(chunk.ready.count)
                chunk.ready.append(
                    WriteChunk.Ready(
                        title: title, chosen: c..<chunk.chosen.count, bytes: at, cuts: u..<chunk.cuts.count, blanked: b..<chunk.blanked.count))
            }
        }
    }

}

extension CNABWriter {
    /// Reads JSONL lines from `source` in chunks that worker threads parse and make títulos of
    /// ahead, and adds them to `session` in input order (`threads` in all, the caller's
    /// included: it reads, places and writes, and works while it waits). What is written and
    /// said is the same as adding each line in turn.
    func writeChunked(_ source: ByteSource, into session: Session, threads: Int) throws {
        let pool = WorkerPool<WriteChunk, TitleWorker>(threads: threads - 1, state: { TitleWorker(self) }) { chunk, worker in
            worker.work(chunk)
        }
        defer { pool.stop() }
        var helper = TitleWorker(self)
        let feed = ChunkFeed()
        func take(all: Bool) throws {
            while !feed.pending.isEmpty && (all || feed.pending.count > 2 * threads) {
                let chunk = feed.pending.removeFirst()
                pool.wait(chunk, &helper)
                for k in 0..<chunk.count { try session.add(chunk, k) }
                chunk.reset()
                feed.spares.append(chunk)
            }
        }
        func submit() {
            let current = feed.current
            guard current.count > 0 else { return }
            pool.submit(current)
            feed.pending.append(current)
            feed.current = feed.spares.popLast() ?? WriteChunk()
        }
        var reader = LineReader(source, maxLineLength: LineReader.maxJSONLLineLength)
        defer { reader.close() }
        // The session's own errors (a header that cannot be written, the output failing) stop
        // the reading; a read error first lets the lines read before it be written, as when
        // adding them in turn.
        var failure: (any Error)? = nil
        do {
            try reader.forEachLine { bytes, number, cut in
                let current = feed.current
                current.append(CNABWriter.trimmed(bytes), number: number, cut: cut)
                guard current.isFull else { return true }
                submit()
                do {
                    try take(all: false)
                } catch {
                    failure = error
                    return false
                }
                return true
            }
        } catch {
            if let failure { throw failure }
            submit()
            try take(all: true)
            throw error
        }
        if let failure { throw failure }
        submit()
        try take(all: true)
    }

    /// A line without its trailing CR, blanks and tabs.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var hi = bytes.count
        while hi > 0, bytes[hi - 1] == 0x0D || bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[0..<hi])
    }
}
