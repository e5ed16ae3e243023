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

/// Rendered letters waiting to be written in CEP order, sorted as an external sort does: they
/// gather in memory in a run of up to `runCapacity` bytes; a full run is sorted by CEP (arrival
/// order within a CEP) and written to an unlinked temporary file in that order; at the end the
/// runs are merged, each read back sequentially through a window of its own, and the last run
/// never leaves memory. In memory, besides the run and the windows: each letter's CEP, arrival
/// order, offset and length (a batch that fits in one run touches no file at all).
final class LetterSpool {
    /// Bytes of letters a run holds in memory before it is sorted and written out.
    static let defaultRunCapacity = 32 << 20
    /// Bytes of the windows the written runs are read back through, shared among them.
    static let defaultMergeBudget = 16 << 20

    let directory: String
    let runCapacity: Int
    let mergeBudget: Int
    var fd: Int32 = -1
    /// Bytes written to the file.
    var size = 0
    /// One letter: where its bytes are (in the file once its run is written, else in the run in
    /// memory), and the counts the LST trailer sums.
    struct Entry {
        var cep: Int
        var offset: Int
        var count: Int
        var printLines: Int
        var pages: Int
        var sheets: Int
        var boletoCents: Int
    }
    /// Every letter, in arrival order.
    var entries: [Entry] = []
    /// The runs written to the file: each a range of `entries` whose bytes follow one another
    /// in the file in the letters' sorted order, from `runOffsets[r]`.
    var runs: [Range<Int>] = []
    var runOffsets: [Int] = []
    /// The run in memory: the letters `runStart...` of `entries`, their bytes in `run`.
    var run: UnsafeMutableRawPointer
    var runAllocated: Int
    var runBytes = 0
    var runStart = 0

    init(directory: String, runCapacity: Int = LetterSpool.defaultRunCapacity, mergeBudget: Int = LetterSpool.defaultMergeBudget) {
        self.directory = directory
        self.runCapacity = max(1, runCapacity)
        self.mergeBudget = max(1, mergeBudget)
        runAllocated = min(self.runCapacity, 1 << 20)
        run = .allocate(byteCount: runAllocated, alignment: 16)
    }

    deinit {
        run.deallocate()
        if fd >= 0 { close(fd) }
    }

    /// The file, created (and unlinked) when the first run is written.
    func file() throws -> Int32 {
        if fd >= 0 { return fd }
        var template = Array((directory + "/.troca-letters.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(description: "cannot create a spool file in \(directory): \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
        return fd
    }

    /// Adds the letters of a chunk, `spans[k]` of `output` being `letters[k]`'s bytes.
    func add(_ letters: [Entry], _ spans: [Range<Int>], of output: LetterBytes) throws {
        try output.withUnsafeBufferPointer { o in
            for (letter, span) in zip(letters, spans) {
                let n = span.count
                if runBytes > 0, runBytes + n > runCapacity { try writeRun() }
                if runBytes + n > runAllocated {
                    // Grown as letters come, up to the capacity (or one letter longer than it).
                    let grown = max(runBytes + n, min(runCapacity, 2 * runAllocated))
                    let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
                    bigger.copyMemory(from: run, byteCount: runBytes)
                    run.deallocate()
                    run = bigger
                    runAllocated = grown
                }
                (run + runBytes).copyMemory(from: UnsafeRawPointer(o.baseAddress! + span.lowerBound), byteCount: n)
                var e = letter
                e.offset = runBytes
                e.count = n
                entries.append(e)
                runBytes += n
            }
        }
    }

    /// `range` of `entries` in the written order: by CEP, then arrival.
    func sorted(_ range: Range<Int>) -> [Int] {
        // One number each, the CEP (8 digits) above the arrival order, when both fit.
        if range.upperBound < 1 << 32, entries[range].allSatisfy({ $0.cep >= 0 && $0.cep < 1 << 31 }) {
            var keys = range.map { UInt64($0) | UInt64(entries[$0].cep) << 32 }
            keys.sort()
            return keys.map { Int($0 & 0xFFFF_FFFF) }
        }
        return range.sorted { (entries[$0].cep, $0) < (entries[$1].cep, $1) }
    }

    /// Sorts the run in memory and writes it to the file in that order, gathered by `writev`.
    func writeRun() throws {
        let fd = try file()
        let order = sorted(runStart..<entries.count)
        let start = size
        var at = size
        var vectors: [iovec] = []
        vectors.reserveCapacity(min(order.count, 1024))
        func flush() throws {
            var k = 0
            while k < vectors.count {
                let n = vectors.withUnsafeBufferPointer { writev(fd, $0.baseAddress! + k, Int32($0.count - k)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(description: "cannot write the letters' spool file: \(String(cString: strerror(errno)))")
                }
                // A short write: skip what was written, then go on from the rest.
                var left = n
                while k < vectors.count, left >= vectors[k].iov_len {
                    left -= vectors[k].iov_len
                    k += 1
                }
                if left > 0 {
                    vectors[k].iov_base += left
                    vectors[k].iov_len -= left
                }
            }
            vectors.removeAll(keepingCapacity: true)
        }
        for i in order {
            vectors.append(iovec(iov_base: run + entries[i].offset, iov_len: entries[i].count))
            entries[i].offset = at
            at += entries[i].count
            if vectors.count == 1024 { try flush() }
        }
        try flush()
        size = at
        runs.append(runStart..<entries.count)
        runOffsets.append(start)
        runStart = entries.count
        runBytes = 0
    }

    /// Each letter's bytes, by CEP, in arrival order within a CEP (the memory is the body's to
    /// change, until it returns).
    func forEachSorted(_ body: (UnsafeMutableBufferPointer<UInt8>, Entry) throws -> Void) throws {
        let order = sorted(0..<entries.count)
        // Each written run's window: the file's bytes `start..<start + count` in `buffer`.
        let window = runs.isEmpty ? 0 : min(max(mergeBudget / runs.count, 64 << 10), 4 << 20)
        var windows = runs.indices.map { _ in (buffer: UnsafeMutableRawPointer.allocate(byteCount: window, alignment: 16), capacity: window, start: 0, count: 0) }
        defer { for w in windows { w.buffer.deallocate() } }
        let ends = runOffsets.indices.map { $0 + 1 < runOffsets.count ? runOffsets[$0 + 1] : size }
        var r = 0
        for i in order {
            let e = entries[i]
            if i >= runStart {
                try body(UnsafeMutableBufferPointer(start: (run + e.offset).assumingMemoryBound(to: UInt8.self), count: e.count), e)
                continue
            }
            // The run holding letter i (runs are ranges of arrival order, in order).
            if !runs[r].contains(i) {
                var low = 0
                var high = runs.count - 1
                while low < high {
                    let mid = (low + high) / 2
                    if runs[mid].upperBound <= i { low = mid + 1 } else { high = mid }
                }
                r = low
            }
            var w = windows[r]
            if e.offset < w.start || e.offset + e.count > w.start + w.count {
                // The run's next bytes, from this letter on: a window's worth, or the letter.
                let want = min(max(w.capacity, e.count), ends[r] - e.offset)
                if want > w.capacity {
                    w.buffer.deallocate()
                    w.buffer = .allocate(byteCount: want, alignment: 16)
                    w.capacity = want
                }
                var got = 0
                while got < want {
                    let n = pread(fd, w.buffer + got, want - got, off_t(e.offset + got))
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else { throw WriteError(description: "cannot read the letters' spool file back") }
                    got += n
                }
                w.start = e.offset
                w.count = want
                windows[r] = w
            }
            try body(UnsafeMutableBufferPointer(start: (w.buffer + (e.offset - w.start)).assumingMemoryBound(to: UInt8.self), count: e.count), e)
        }
    }
}
