import FixedWidth
import Foundation
import Letters
import Records

#if canImport(Glibc)
    import Glibc
#endif

/// Plumbing shared by `troca letters select` and `render`.
enum LettersRun {
    /// `--as-of YYYY-MM-DD` as a civil date, or today.
    static func asOf(_ args: Arguments) throws -> CivilDate {
        CivilDate(iso: try BoletoRun.asOf(args).description)!
    }

    /// The 1-based column a rejected record is reported at: of the value at `path` (a dotted
    /// path, `JSONTape.node(_:of:)`'s), else of the nearest object on that path the record has
    /// (`payer` when `payer.document` is missing), else of the record's start (its `{`), as for
    /// a reason about the whole record (`path` nil).
    static func column(ofPath path: String?, in raw: UnsafeBufferPointer<UInt8>) -> Int {
        var p = path.map { Substring($0) }
        while let part = p {
            let column = JSONReader.column(ofPath: String(part), in: raw)
            if column > 0 { return column }
            p = part.lastIndex(of: ".").map { part[..<$0] }
        }
        return max(1, JSONReader.column(ofNode: 0, in: raw))
    }

    /// Reports a rejected job or title and counts it.
    static func reject(_ sink: DiagnosticSink, _ code: String, _ message: String, file: String, line: Int, column: Int = 0, raw: [UInt8]) {
        sink.report(Diagnostic(.error, DiagnosticCode(rawValue: code), message, file: file, line: line, column: column, raw: raw))
    }
}

/// Rendered letters waiting to be written in CEP order: their bytes in an unlinked temporary
/// file, and in memory only each letter's CEP, arrival order, offset and length.
final class LetterSpool {
    let fd: Int32
    var size = 0
    /// One letter: where its bytes are, and the counts the LST trailer sums.
    struct Entry {
        var cep: Int
        var order: Int
        var offset: Int
        var count: Int
        var printLines: Int
        var pages: Int
        var sheets: Int
        var boletoCents: Int
    }
    var entries: [Entry] = []

    init(directory: String) throws {
        var template = Array((directory + "/.troca-letters.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(description: "cannot create a spool file in \(directory): \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Adds the letters of a chunk, `spans[k]` of `output` being `letters[k]`'s bytes: runs of
    /// letters that follow one another in `output` (a chunk's, unless a job between them was
    /// refused) are written from it as they are, not copied first.
    func add(_ letters: [Entry], _ spans: [Range<Int>], of output: [UInt8]) throws {
        try output.withUnsafeBytes { o in
            var k = 0
            while k < letters.count {
                var end = k + 1
                while end < letters.count, spans[end].lowerBound == spans[end - 1].upperBound { end += 1 }
                let run = spans[k].lowerBound..<spans[end - 1].upperBound
                for j in k..<end {
                    var e = letters[j]
                    e.order = entries.count
                    e.offset = size + spans[j].lowerBound - run.lowerBound
                    e.count = spans[j].count
                    entries.append(e)
                }
                try FileDescriptorOutput.write(fd, UnsafeRawBufferPointer(rebasing: o[run]))
                size += run.count
                k = end
            }
        }
    }

    /// Each letter's bytes, by CEP, in arrival order within a CEP (the memory is the body's to
    /// change, until it returns). Read back in batches of about 1 MiB; with `readAhead`, a thread
    /// reads the next batch while the body has this one.
    func forEachSorted(readAhead: Bool, _ body: (UnsafeMutableBufferPointer<UInt8>, Entry) throws -> Void) throws {
        // Sorted as one number each, the CEP (8 digits) above the arrival order (an entry's
        // index), rather than moving the entries about; the order of `(cep, order)` when both fit.
        var keys: [UInt64] = []
        let byKeys = entries.count < 1 << 32 && entries.allSatisfy { $0.cep >= 0 && $0.cep < 1 << 31 }
        if byKeys {
            keys = entries.indices.map { UInt64($0) | UInt64(entries[$0].cep) << 32 }
            keys.sort()
        } else {
            entries.sort { ($0.cep, $0.order) < ($1.cep, $1.order) }
            keys = entries.indices.map { UInt64($0) }
        }
        let mask: UInt64 = byKeys ? 0xFFFF_FFFF : ~0
        // Batches: consecutive letters in that order, up to 1 MiB (or one letter) each.
        var ends: [Int] = []
        var bytes = 0
        for k in keys.indices {
            let n = entries[Int(keys[k] & mask)].count
            if bytes > 0, bytes + n > 1 << 20 {
                ends.append(k)
                bytes = 0
            }
            bytes += n
        }
        if !keys.isEmpty { ends.append(keys.count) }
        try entries.withUnsafeBufferPointer { entries in
            try keys.withUnsafeBufferPointer { keys in
                let batches = [SpoolBatch(), SpoolBatch()]
                let pool = readAhead ? WorkerPool<SpoolBatch, Void>(threads: 1, state: {}) { batch, _ in batch.read() } : nil
                defer { pool?.stop() }
                var none: Void = ()
                func prepare(_ b: Int) {
                    let batch = batches[b % 2]
                    batch.requeue()
                    batch.set(fd: fd, entries: entries, keys: keys, mask: mask, range: (b == 0 ? 0 : ends[b - 1])..<ends[b])
                    pool?.submit(batch)
                }
                if !ends.isEmpty { prepare(0) }
                for b in ends.indices {
                    if b + 1 < ends.count { prepare(b + 1) }
                    let batch = batches[b % 2]
                    if let pool { pool.wait(batch, &none) } else { batch.read() }
                    guard !batch.failed else { throw WriteError(description: "cannot read the letters' spool file back") }
                    var at = 0
                    for k in batch.range {
                        let e = entries[Int(keys[k] & mask)]
                        try body(UnsafeMutableBufferPointer(start: batch.buffer + at, count: e.count), e)
                        at += e.count
                    }
                }
            }
        }
    }
}

/// Letters of the spool read back into memory, one after another, in the order they are written.
final class SpoolBatch: PoolJob, @unchecked Sendable {
    var buffer: UnsafeMutablePointer<UInt8> = .allocate(capacity: 1)
    var capacity = 1
    var fd: Int32 = -1
    var entries = UnsafeBufferPointer<LetterSpool.Entry>(start: nil, count: 0)
    var keys = UnsafeBufferPointer<UInt64>(start: nil, count: 0)
    var mask: UInt64 = 0
    var range = 0..<0
    var failed = false

    deinit { buffer.deallocate() }

    func set(fd: Int32, entries: UnsafeBufferPointer<LetterSpool.Entry>, keys: UnsafeBufferPointer<UInt64>, mask: UInt64, range: Range<Int>) {
        self.fd = fd
        self.entries = entries
        self.keys = keys
        self.mask = mask
        self.range = range
        failed = false
        var total = 0
        for k in range { total += entries[Int(keys[k] & mask)].count }
        if total > capacity {
            buffer.deallocate()
            capacity = total
            buffer = .allocate(capacity: total)
        }
    }

    /// Reads the batch's letters (on whichever thread).
    func read() {
        var at = 0
        for k in range {
            let e = entries[Int(keys[k] & mask)]
            let n = pread(fd, buffer + at, e.count, off_t(e.offset))
            if n != e.count {
                failed = true
                return
            }
            at += e.count
        }
    }
}
