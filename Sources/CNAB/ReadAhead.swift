import Foundation
import FixedWidth
import Records

/// What can be known of one line from the layout alone, without the file's state: which record
/// it is and whether its fields are valid — the two costliest questions per line, answered by
/// `ReadAhead` on its own thread while the engine checks the lines before. (The numbers the
/// structure checks need are cheap, and read by the engine itself, which keeps the two threads
/// about equally busy.)
struct LineFacts {
    /// The record the line is; -1 when the facts are not known (the engine works them out).
    var record: Int32 = -1
    /// The vector pre-check passed: no field problems.
    var fieldsValid = false
}

/// The engine's layout facts as of one moment (`generation`), for the read-ahead thread: a
/// value, so the thread's caches are its own and reading it needs no locks or access checks.
struct FactsPlan: @unchecked Sendable {
    let generation: Int
    let layout: Box<CompiledLayout>
    var selectCache: SelectCache
    /// Keeps the pre-checks' tables alive while `plans` point into them.
    let checks: [FastCheck]
    let plans: [FastCheck.Plan]
    let recordLength: Int

    init(
        generation: Int, layout: Box<CompiledLayout>, checks: [FastCheck], recordLength: Int) {
        self.generation = generation
        self.layout = layout
        selectCache = SelectCache(layout.value)
        self.checks = checks
        plans = checks.map(\.plan)
        self.recordLength = recordLength
    }

    /// The facts of a line, or unknown ones when the line needs normalising (see
    /// `CNABEngine.isPlain`) or matches no record.
    mutating func facts(_ raw: UnsafeBufferPointer<UInt8>, number: Int, cut: Bool) -> LineFacts {
        var f = LineFacts()
        guard CNABEngine.isPlain(raw, length: recordLength, number: number, cut: cut) else { return f }
        let line = UnsafeBufferPointer(start: raw.baseAddress, count: recordLength)
        guard let r = selectCache.select(line, in: layout) else { return f }
        f.record = Int32(r)
        f.fieldsValid = plans[r].passes(line)
        return f
    }
}

/// Reads lines on a thread of its own, a block of about 1 MiB at a time, and works out each
/// line's `LineFacts` with the latest plan the engine published. The engine takes the blocks in
/// order; facts worked out with an older plan than the engine's are ignored (the engine works
/// them out itself), so the result never depends on the thread's timing.
final class ReadAhead: @unchecked Sendable {
    struct Line {
        var start: Int
        var length: Int
        var number: Int
        var cut: Bool
    }

    final class Block {
        /// Where the block's bytes are: its own buffer, or a window of a mapped file.
        var bytes: UnsafeMutablePointer<UInt8>
        let own: UnsafeMutablePointer<UInt8>
        let capacity: Int
        /// The mapped window `bytes` lies in, unmapped when the block is reset.
        var window: MappedWindow?
        var used = 0
        var lines: [Line] = []
        var facts: [LineFacts] = []
        /// The plan the facts were worked out with; -1 when there are none.
        var generation = -1

        init(capacity: Int) {
            self.capacity = capacity
            own = .allocate(capacity: capacity)
            bytes = own
        }

        deinit {
            unmap()
            own.deallocate()
        }

        func unmap() {
            window?.unmap()
            window = nil
            bytes = own
        }

        func reset() {
            unmap()
            used = 0
            lines.removeAll(keepingCapacity: true)
            facts.removeAll(keepingCapacity: true)
            generation = -1
        }
    }

    /// Bytes per block before it is handed over; the first block is handed over after a few
    /// lines, so that the engine can read the header and publish its plan early.
    let blockSize: Int
    static let firstLines = 16

    let source: ByteSource
    let monitor = Monitor()
    var ready: [Block] = []
    var free: [Block] = []
    var plan: FactsPlan?
    var consumed = 0
    var finished = false
    var cancelled = false
    var failure: Error?
    var running = false

    /// A regular file is mapped a window at a time instead of read: read(2) would copy every
    /// byte into a block (on this kind of machine, a copy that leaves the cache costs more than
    /// the checks on the lines), where a window's lines are read where the kernel holds them.
    /// Pipes, and a file's last window, are read.
    let mappable: (descriptor: Int32, offset: Int, size: Int)?

    init(_ source: ByteSource, blockSize: Int = 1 << 20) {
        self.source = source
        mappable = (source as? FileSource)?.mappable
        self.blockSize = max(blockSize, 1)
        // One block being filled, at most two waiting: constant memory.
        free = (0..<3).map { _ in Block(capacity: max(blockSize, 1) + LineReader.maxLineLength + 8) }
        running = true
        let thread = Thread { [self] in run() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The next block in order; nil at the end of the input. Rethrows a read error.
    func next() throws -> Block? {
        try monitor.locked {
            while ready.isEmpty && !finished { monitor.wait() }
            if !ready.isEmpty { return ready.removeFirst() }
            if let failure { throw failure }
            return nil
        }
    }

    /// Gives a block back once its lines are done.
    func recycle(_ block: Block) {
        // Unmapped before the lock is taken: the unmap waits for the other thread's address
        // cache to be flushed, and that thread may want the lock meanwhile.
        block.unmap()
        monitor.locked {
            block.reset()
            free.append(block)
            consumed += 1
            monitor.signal()
        }
    }

    /// Makes `plan` the one blocks started from now on use.
    func publish(_ plan: FactsPlan) {
        monitor.locked {
            self.plan = plan
            monitor.signal()
        }
    }

    /// Stops the thread (early, if the engine stopped) and waits for it to end.
    func stop() {
        monitor.locked {
            cancelled = true
            monitor.signal()
            while running { monitor.wait() }
        }
    }

    /// Takes a free block, and the latest plan into `plan`; nil once stopped. After the first
    /// block, waits for the engine to have read it (and so published its plan).
    func start(handed: Int, plan: inout FactsPlan?) -> Block? {
        monitor.locked {
            while !cancelled && (free.isEmpty || (handed == 1 && consumed < 1)) { monitor.wait() }
            guard !cancelled else { return nil }
            let block = free.removeLast()
            if self.plan?.generation != plan?.generation { plan = self.plan }
            block.generation = plan?.generation ?? -1
            return block
        }
    }

    func hand(_ block: Block) {
        monitor.locked {
            ready.append(block)
            monitor.signal()
        }
    }

    /// The read-ahead thread. It reads straight into the blocks (no copy per line), or maps
    /// the file a window at a time, and splits lines exactly as `LineReader` does: at LF, a
    /// line longer than `LineReader.maxLineLength` cut there (and the rest of it, up to its LF,
    /// skipped), a last line without LF kept. What changes per line lives in local variables (a
    /// class's properties would be checked for exclusive access on every use).
    func run() {
        let limit = LineReader.maxLineLength
        var plan: FactsPlan? = nil
        var handed = 0
        var number = 0
        var skipping = false
        var eof = false
        // Mapping: the file offset the current window starts at. Windows of four blocks: fewer
        // maps and unmaps (each unmap interrupts the other thread to flush its address cache);
        // at most three windows, about 12 MiB, are mapped at once.
        var mapped = mappable
        var windowStart = mapped?.offset ?? 0
        let want = MappedWindow.length(span: blockSize * 4, limit: limit)
        guard var block = start(handed: 0, plan: &plan) else { return finish(nil) }
        var lines: [Line] = []
        var facts: [LineFacts] = []
        swap(&block.lines, &lines)
        swap(&block.facts, &facts)
        // The block holds `filled` bytes; lines were taken up to `scan`.
        var filled = 0
        var scan = 0
        /// Maps the window at `windowStart` into `block`; false, and reading from there on, for
        /// the file's last window (read, so that bytes appended meanwhile are read as read(2)
        /// reads them, and its end is where read(2) finds it) or when mapping fails.
        func mapWindow() throws -> Bool {
            guard let m = mapped else { return false }
            let file = source as? FileSource
            if m.size - windowStart > want, let w = file?.map(from: windowStart, count: want) {
                block.window = w
                block.bytes = w.bytes
                filled = want
                return true
            }
            mapped = nil
            try file?.seek(to: windowStart)
            return false
        }
        do {
            if try !mapWindow() { filled = 0 }
            while true {
                let base = block.bytes
                let windowed = block.window != nil
                // Take the complete lines read so far (the first block: only a few).
                var handOver = false
                while true {
                    if handed == 0 && lines.count >= Self.firstLines {
                        handOver = true
                        break
                    }
                    guard scan < filled else { break }
                    let found = memchr(base + scan, 0x0A, filled - scan)
                    if skipping {
                        guard let lf = found else {
                            scan = filled
                            break
                        }
                        scan = UnsafeMutablePointer<UInt8>(OpaquePointer(lf)) - base + 1
                        skipping = false
                        continue
                    }
                    guard let lf = found else {
                        // A partial line already over the limit is cut now; the rest is skipped.
                        if filled - scan > limit {
                            number += 1
                            lines.append(Line(start: scan, length: limit, number: number, cut: true))
                            if plan != nil {
                                facts.append(plan!.facts(UnsafeBufferPointer(start: base + scan, count: limit), number: number, cut: true))
                            }
                            skipping = true
                            scan = filled
                        }
                        break
                    }
                    let end = UnsafeMutablePointer<UInt8>(OpaquePointer(lf)) - base
                    let length = min(end - scan, limit)
                    let cut = end - scan > limit
                    number += 1
                    lines.append(Line(start: scan, length: length, number: number, cut: cut))
                    if plan != nil {
                        facts.append(plan!.facts(UnsafeBufferPointer(start: base + scan, count: length), number: number, cut: cut))
                    }
                    scan = end + 1
                }
                // A window holds no more lines than it has: what is left starts the next one.
                if windowed { handOver = true }
                // Read on while the block is short, or holds only part of a line (a line longer
                // than the block grows until its LF, or is cut at the limit).
                if !handOver && (filled < blockSize || lines.isEmpty) && filled < block.capacity && !eof {
                    let n = try source.read(into: UnsafeMutableRawBufferPointer(start: base + filled, count: block.capacity - filled))
                    if n == 0 { eof = true } else { filled += n }
                    continue
                }
                if eof && !handOver {
                    // The last line, without its LF.
                    if scan < filled && !skipping {
                        let length = min(filled - scan, limit)
                        number += 1
                        lines.append(Line(start: scan, length: length, number: number, cut: filled - scan > limit))
                        if plan != nil {
                            facts.append(
                                plan!.facts(UnsafeBufferPointer(start: base + scan, count: length), number: number, cut: filled - scan > limit))
                        }
                    }
                    block.used = filled
                    swap(&block.lines, &lines)
                    swap(&block.facts, &facts)
                    hand(block)
                    return finish(nil)
                }
                // Hand the block over; the partial line at its end starts the next one.
                block.used = filled
                swap(&block.lines, &lines)
                swap(&block.facts, &facts)
                hand(block)
                handed += 1
                guard let next = start(handed: handed, plan: &plan) else { return finish(nil) }
                block = next
                swap(&block.lines, &lines)
                swap(&block.facts, &facts)
                if windowed {
                    windowStart += scan
                    scan = 0
                    if try !mapWindow() { filled = 0 }
                    continue
                }
                let tail = filled - scan
                if tail > 0 { block.bytes.update(from: base + scan, count: tail) }
                filled = tail
                scan = 0
            }
        } catch {
            block.used = filled
            swap(&block.lines, &lines)
            swap(&block.facts, &facts)
            hand(block)
            finish(error)
        }
    }

    func finish(_ error: Error?) {
        monitor.locked {
            failure = error
            finished = true
            running = false
            monitor.signal()
        }
    }
}
