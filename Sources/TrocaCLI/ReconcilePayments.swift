import FixedWidth
import Foundation
import Reconcile
import Records

/// `troca reconcile`'s payments, read and put in canonical order as one job: on a thread of its
/// own while the agreements are read and indexed (the two need nothing of each other until
/// payments are applied), or in place with one thread. Its diagnostics are held, not reported,
/// and the reading thread reports them after the agreements' — so stderr, `--rejects` and the
/// exit status are the same whichever thread read what, and whenever it finished.
///
/// A plain JSONL file (a regular file, not UTF-16) is mapped and read in parts of about
/// `partBytes`, each the lines that start in it: the reading thread takes them from the front,
/// and the agreements' thread, once done with them, helps from the back (`help()`) until the two
/// meet. The parts read from the back are then put after those from the front, their lines
/// renumbered, so payments, diagnostics and counts are those of one thread reading in order.
final class ReconcilePayments: PoolJob, @unchecked Sendable {
    let sources: [(String, ByteSource)]
    /// The payments read, and the order they are applied in (`Reconciler.canonicalOrder`).
    private(set) var payments: [Payment] = []
    private(set) var order: [Int] = []
    /// Records read, rejected and skipped (blank lines and records that are not payments).
    private(set) var read = 0, rejected = 0, skipped = 0
    /// Diagnostics to report, in the order they were made.
    private(set) var held: [Diagnostic] = []
    /// What reading threw (an I/O error), to be thrown after the held diagnostics are reported.
    private(set) var failure: Error?
    /// About how many bytes of a mapped file one part is.
    let partBytes: Int

    /// A piece of work: a source read as a stream, or the lines starting in `range` of a mapped one.
    struct Item {
        let source: Int
        let range: Range<Int>?
    }

    /// What reading an item gave, held apart when the helper read it: its lines are numbered
    /// from 1 (`lines` of them), and its payments whose source is their line (`numbered`) and
    /// its diagnostics renumbered when it is put in its place.
    struct Part {
        var payments: [Payment] = []
        var numbered: [Int] = []
        var held: [Diagnostic] = []
        var read = 0, rejected = 0, skipped = 0
        var lines = 0
    }

    /// The work, planned by the reading thread before it starts (`planned`), and shared with the
    /// helper: guarded by `monitor`.
    private let monitor = Monitor()
    private var items: [Item] = []
    private var planned = false
    /// Items before `front` are the reading thread's; from `back` on, the helper's.
    private var front = 0
    private var back = 0
    private var helping = false
    private var helped: [Int: Part] = [:]
    /// The mapped files, by source (unmapped when all is read).
    private var mapped: [Int: MappedWindow] = [:]
    private var bytes: [Int: UnsafeBufferPointer<UInt8>] = [:]

    init(_ sources: [(String, ByteSource)], partBytes: Int = 4 << 20) {
        self.sources = sources
        self.partBytes = max(1, partBytes)
        super.init()
    }

    /// Plans the items: each mappable plain JSONL file in parts, any other source whole.
    private func plan() {
        var items: [Item] = []
        for (s, (_, source)) in sources.enumerated() {
            guard let file = source as? FileSource, JSONLSource.reading(source) === source, let at = file.mappable,
                at.size - at.offset > partBytes, let window = file.map(from: at.offset, count: at.size - at.offset)
            else {
                items.append(Item(source: s, range: nil))
                continue
            }
            let all = UnsafeBufferPointer(start: UnsafePointer(window.bytes), count: at.size - at.offset)
            mapped[s] = window
            bytes[s] = all
            // Each part from the first line that starts at or after its nominal start.
            var start = 0
            var nominal = partBytes
            while start < all.count {
                var end = all.count
                if nominal < all.count, let lf = memchr(all.baseAddress! + nominal - 1, 0x0A, all.count - nominal + 1) {
                    end = Int(bitPattern: lf) - Int(bitPattern: all.baseAddress!) + 1
                }
                if end > start { items.append(Item(source: s, range: start..<end)) }
                start = end
                nominal = max(nominal + partBytes, end + 1)
            }
        }
        monitor.locked {
            self.items = items
            back = items.count
            planned = true
            monitor.signal()
        }
    }

    /// Reads an item into `part`, its lines numbered from `firstLine`.
    private func read(_ item: Item, firstLine: Int, into part: inout Part, tape: inout JSONTape) throws {
        let name = sources[item.source].0
        let held = Held()
        let sink = DiagnosticSink { held.list.append($0) }
        defer { part.held += held.list }
        var counts = JSONLInput.Counts()
        /// A record's payment, if it is one, into the part.
        func take(_ tape: inout JSONTape, _ line: Int, _ raw: UnsafeBufferPointer<UInt8>) -> Bool {
            part.read += 1
            do {
                var sourceGiven = false
                if let p = try Payment(tape, file: name, line: line, sourceGiven: &sourceGiven) {
                    if let doc = p.partyDocument,
                        let w = PartyDocument.problem(doc, code: "reconcile.payment-document", member: "payer.document", in: tape)
                    {
                        sink.report(w.warning(file: name, line: line, raw: raw))
                    }
                    if !sourceGiven { part.numbered.append(part.payments.count) }
                    part.payments.append(p)
                } else {
                    part.skipped += 1
                }
            } catch {
                part.rejected += 1
                sink.report(error.diagnostic(file: name, line: line, raw: raw))
            }
            return true
        }
        if let range = item.range, let all = bytes[item.source] {
            part.lines += JSONLInput.forEachRecord(
                in: all, range, firstNumber: firstLine, name: name, stage: "reconcile", tape: &tape, counts: &counts, sink: sink, take)
            // Read: its pages need not stay in memory (a mapped file's are read again if touched).
            let page = Self.pageSize
            let base = Int(bitPattern: all.baseAddress!)
            let from: Int = (base + range.lowerBound + page - 1) / page * page
            let to: Int = (base + range.upperBound) / page * page
            if to > from { _ = madvise(UnsafeMutableRawPointer(bitPattern: from), to - from, Int32(MADV_DONTNEED)) }
        } else {
            let source = sources[item.source].1
            // Room for as many payments as a file of this size may hold (a line is rarely
            // under 128 bytes), up to 4M: the array does not grow by copies into fresh memory,
            // each page of which the kernel zeroes first. Room not used is never touched, so
            // costs no memory, only address space (bounded, for `ulimit -v`).
            if let size = (source as? FileSource)?.bytesLeft, size > 0 {
                part.payments.reserveCapacity(part.payments.count + min(size / 128, 1 << 22) + 16)
            }
            // (Its lines need no count: a source read as a stream is one item, never the helper's.)
            counts = try JSONLInput(name: name, source: source).forEachRecord(stage: "reconcile", sink: sink, take)
        }
        part.read += counts.malformed + counts.blank
        part.rejected += counts.malformed
        part.skipped += counts.blank
    }

    /// Reads every source, from the front of the items while the helper may read from their
    /// back, then puts the helper's parts in their places and sorts.
    func run() {
        plan()
        var all = Part()
        // Room for the payments of the mapped files (as a stream's, `read(_:firstLine:into:tape:)`).
        let size = bytes.values.reduce(0) { $0 + $1.count }
        if size > 0 { all.payments.reserveCapacity(min(size / 128, 1 << 22) + 16) }
        var tape = JSONTape()
        // Lines read so far per source, from the front.
        var lines = [Int](repeating: 0, count: sources.count)
        while let k = (monitor.locked { () -> Int? in
            guard front < back else { return nil }
            front += 1
            return front - 1
        }) {
            let item = items[k]
            do {
                let before = all.lines
                try read(item, firstLine: lines[item.source] + 1, into: &all, tape: &tape)
                lines[item.source] += all.lines - before
            } catch {
                failure = error
                break
            }
        }
        // The helper's parts, once it has put its last one down.
        var rest = monitor.locked { () -> [(Int, Part)] in
            front = back
            while helping { monitor.wait() }
            defer { helped = [:] }
            return helped.sorted { $0.key < $1.key }
        }
        if failure == nil {
            for r in rest.indices {
                // Taken out of `rest`, so that its payments are held once, and can be moved.
                let k = rest[r].0
                var part = Part()
                swap(&part, &rest[r].1)
                let s = items[k].source
                let offset = lines[s]
                lines[s] += part.lines
                for n in part.numbered { part.payments[n].sourceLine += offset }
                for d in part.held {
                    var d = d
                    d.line += offset
                    all.held.append(d)
                }
                all.payments.append(moving: &part.payments)
                all.read += part.read
                all.rejected += part.rejected
                all.skipped += part.skipped
            }
        }
        for (_, w) in mapped { w.unmap() }
        mapped = [:]
        bytes = [:]
        payments = all.payments
        held = all.held
        (read, rejected, skipped) = (all.read, all.rejected, all.skipped)
        all = Part()
        if failure == nil { order = Reconciler.canonicalOrder(payments) }
    }

    /// Reads parts of mapped files from the back of the items, until the reading thread's
    /// front meets them (called on another thread while `run()` runs).
    func help() {
        var tape = JSONTape()
        while true {
            let k = monitor.locked { () -> Int? in
                while !planned { monitor.wait() }
                guard front < back, items[back - 1].range != nil else { return nil }
                back -= 1
                helping = true
                return back
            }
            guard let k else { return }
            var part = Part()
            part.payments.reserveCapacity((items[k].range?.count ?? 0) / 128 + 16)
            // A mapped part throws nothing (only a stream's reads can fail).
            try? read(items[k], firstLine: 1, into: &part, tape: &tape)
            monitor.locked {
                helped[k] = part
                helping = false
                monitor.signal()
            }
        }
    }

    /// Reads the payments on a thread of its own when `threads` allows, and hands them back
    /// once `meanwhile` has run on this thread and helped read them (also when it throws, the
    /// job is waited for).
    func run<R>(threads: Int, meanwhile: () throws -> R) rethrows -> R {
        guard threads > 1 else {
            let result = try meanwhile()
            run()
            return result
        }
        let pool = WorkerPool<ReconcilePayments, Void>(threads: 1, state: {}, work: { job, _ in job.run() })
        pool.submit(self)
        defer {
            var none: Void = ()
            pool.wait(self, &none)
            pool.stop()
        }
        let result = try meanwhile()
        help()
        return result
    }

    /// Reports the held diagnostics to `sink`, then throws what reading threw, if anything.
    func report(to sink: DiagnosticSink) throws {
        for d in held { sink.report(d) }
        held = []
        if let failure { throw failure }
    }

    static let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)

    /// Diagnostics held while an item is read.
    private final class Held {
        var list: [Diagnostic] = []
    }

    /// Lets go of the payments (once applied).
    func release() {
        payments = []
        order = []
    }
}

extension Array where Element == Payment {
    /// A payment with no string to retain or release (its strings are literals).
    private static let blank = Payment(paidCents: 0, date: CivilDate(daysSinceEpoch: 0))

    /// Appends `other`'s payments moved, not copied: no retain of their strings now, nor a
    /// release when `other` goes (read from the back, some two fifths of the payments; each
    /// retain and release a cache miss on a string allocated by another thread). `other` is
    /// left empty.
    mutating func append(moving other: inout [Payment]) {
        let n = other.count
        guard n > 0 else { return }
        let start = count
        append(contentsOf: repeatElement(Self.blank, count: n))
        withUnsafeMutableBufferPointer { to in
            other.withUnsafeMutableBufferPointer { from in
                // The blanks released (nothing to do), the payments moved in; `other` given blanks
                // in their place, so that letting it go releases nothing.
                (to.baseAddress! + start).moveUpdate(from: from.baseAddress!, count: n)
                from.baseAddress!.initialize(repeating: Self.blank, count: n)
            }
        }
        other = []
    }
}
