import FixedWidth
import Records

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading a CSV file in chunks of whole records, so that the records can be parsed and
/// converted on other threads: the reading thread only finds where records end (`readRecords`,
/// by the same rules as `next()`), and each worker reads its chunk with a reader of its own
/// (`init(recordsDelimitedBy:)`, `reset(records:firstLine:)`). The records, their line numbers
/// and every error are the same as when one reader reads the whole file with `next()`.
extension CSVReader {
    /// A reader of records already cut whole by `readRecords`, for a worker thread; `reset`
    /// gives it each chunk.
    public convenience init(recordsDelimitedBy delimiter: UInt8) {
        self.init(NoInput(), delimiter: delimiter, bufferSize: 16)
        started = true
        classify(delimiter: delimiter)
    }

    /// Points the reader at `records` (whole records as `readRecords` copied them, the first
    /// on line `firstLine`); `next()` then reads them and ends with them. The memory stays the
    /// caller's and must outlive the reading.
    ///
    /// `unplain`: the offsets of the records not known to be plain lines, as the reading
    /// thread's `unplainRecords` gave them for these records (nil: none is known to be); the
    /// others are cut by a leaner scan. Memory the caller keeps until the next `reset`.
    public func reset(records: UnsafeBufferPointer<UInt8>, firstLine: Int, unplain: UnsafeBufferPointer<Int>? = nil) {
        self.unplain = unplain
        unplainIndex = 0
        if ownsBuffer {
            buffer.deallocate()
            ownsBuffer = false
        }
        buffer = UnsafeMutablePointer(mutating: records.baseAddress ?? UnsafePointer(bitPattern: 1)!)
        capacity = records.count
        start = 0
        end = records.count
        eof = true
        nextLine = firstLine
    }

    /// The line the next record starts on.
    public var nextLineNumber: Int { nextLine }

    /// Appends whole records to `chunk` until it holds at least `limit` bytes or the input
    /// ends (an empty chunk: the end). The chunk's first record starts on `nextLineNumber` as
    /// it was before the call. A record too long is thrown as `next()` throws it, but only once
    /// the records before it have been handed out (in an earlier, non-empty chunk). A record
    /// with a NUL byte ends the chunk just after the NUL and the reading: the worker's reader
    /// throws `csv.binary` for it, as `next()` would.
    ///
    /// `unplainRecords` then lists the records appended it cannot vouch for as plain lines.
    public func readRecords(into chunk: inout ByteBuffer, limit: Int) throws {
        unplainRecords.removeAll(keepingCapacity: true)
        if !started { try begin() }
        while chunk.count < limit && !stoppedAtNUL {
            // The whole records buffered, copied at once.
            let run = start
            runBase = chunk.count - run
            var incomplete = false
            scan: while start < end && chunk.count + (start - run) < limit {
                // Before the next quote and NUL (both known, neither passed) every line whose
                // only CR, if any, is just before its LF is a record, as `extent` finds it: its
                // LF and CR looked for in it alone.
                let plainEnd = min(nextSpecial.quote, nextSpecial.nul)
                if plainEnd > start {
                    var next = start
                    var lines = 0
                    while next < plainEnd && chunk.count + (next - run) < limit {
                        guard let lf = memchr(buffer + next, 0x0A, plainEnd - next) else { break }
                        let e = buffer.distance(to: lf.assumingMemoryBound(to: UInt8.self))
                        if let cr = memchr(buffer + next, 0x0D, e - next), buffer.distance(to: cr.assumingMemoryBound(to: UInt8.self)) != e - 1 {
                            break
                        }
                        next = e + 1
                        lines += 1
                    }
                    start = next
                    nextLine += lines
                    if lines > 0 { continue scan }
                }
                switch extent(from: start) {
                case .complete(let next, let lines):
                    start = next
                    nextLine += lines
                case .incomplete:
                    incomplete = true
                    break scan
                case .nul(let at):
                    start = at + 1
                    stoppedAtNUL = true
                    break scan
                }
            }
            chunk.appendBytes(UnsafeBufferPointer(start: buffer + run, count: start - run))
            if stoppedAtNUL || chunk.count >= limit { return }
            if !incomplete {
                // Everything buffered is read: more, or the end.
                if try eof || !refill() || start == end { return }
                continue
            }
            // A record that does not end in what is buffered: the records before it go first.
            if chunk.count > 0 { return }
            if end - start >= maxRecordBytes && !eof {
                throw CSVError(
                    "csv.record-too-long", "a record longer than \(maxRecordBytes) bytes (an unclosed quote?) starting here",
                    line: nextLine, column: 0)
            }
            if !(try refill()) {
                throw CSVError("csv.record-too-long", "a record longer than \(maxRecordBytes) bytes starting here", line: nextLine, column: 0)
            }
        }
    }

    /// Where a record ends, as `parse()` would find it.
    enum Extent {
        /// The next record starts at `next`; this one spans `lines` line ends.
        case complete(next: Int, lines: Int)
        /// The record does not end in what is buffered (and the input goes on).
        case incomplete
        /// A NUL byte at `at`: `parse()` throws there.
        case nul(at: Int)
    }

    /// Where the record starting at `from` ends. Most records are a line without quotes: found
    /// with `memchr` (the positions of the next quote, CR and NUL are kept between records, so
    /// each byte is looked at once); the others by the same steps as `parse()`, without
    /// copying cells.
    func extent(from: Int) -> Extent {
        if let lf = memchr(buffer + from, 0x0A, end - from) {
            let e = buffer.distance(to: lf.assumingMemoryBound(to: UInt8.self))
            let body = e > from && buffer[e - 1] == 0x0D ? e - 1 : e  // a CR just before the LF ends the record too
            if nextSpecial.quote < from { nextSpecial.quote = position(of: 0x22, from: from) }
            if nextSpecial.nul < from { nextSpecial.nul = position(of: 0, from: from) }
            if nextSpecial.cr < from { nextSpecial.cr = position(of: 0x0D, from: from) }
            if nextSpecial.quote >= e && nextSpecial.nul >= e && nextSpecial.cr >= body { return .complete(next: e + 1, lines: 1) }
        }
        unplainRecords.append(from + runBase)
        return stepExtent(from: from)
    }

    /// The first `byte` at or after `from` in what is buffered, `end` when none.
    func position(of byte: UInt8, from: Int) -> Int {
        guard let p = memchr(buffer + from, Int32(byte), end - from) else { return end }
        return buffer.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    /// `extent` byte by byte, following `parse()` step for step: quoted fields (doubled quotes,
    /// line breaks inside, text after the closing quote), unquoted fields, CR, LF or CRLF, and
    /// what `parse()` needs to see before it decides (the byte after a quote, a delimiter or a CR).
    func stepExtent(from: Int) -> Extent {
        let b = buffer
        var i = from
        var lines = 0
        while true {
            if i < end, b[i] == 0x22 {
                i += 1
                while true {
                    while i < end {
                        let c = b[i]
                        if c == 0x22 { break }
                        if c == 0x0A { lines += 1 } else if c == 0 { return .nul(at: i) }
                        i += 1
                    }
                    if i == end { return eof ? .complete(next: end, lines: lines) : .incomplete }  // at the end: parse() throws
                    if i + 1 == end && !eof { return .incomplete }
                    if i + 1 < end, b[i + 1] == 0x22 {
                        i += 2
                        continue
                    }
                    i += 1
                    break
                }
            }
            // An unquoted field, or the rest of a quoted one: to a delimiter or a line end.
            while i < end {
                let k = table[Int(b[i])]
                if k == 0 || k == 4 {
                    i += 1
                    continue
                }
                if k == 5 { return .nul(at: i) }
                break
            }
            if i == end { return eof ? .complete(next: end, lines: lines) : .incomplete }
            switch table[Int(b[i])] {
            case 1:
                i += 1
                if i == end && !eof { return .incomplete }
            case 2:
                if i + 1 == end && !eof { return .incomplete }
                i += 1
                if i < end, b[i] == 0x0A { i += 1 }
                return .complete(next: i, lines: lines + 1)
            default:
                return .complete(next: i + 1, lines: lines + 1)
            }
        }
    }
}

/// The input of a reader that reads records given to it in memory.
final class NoInput: ByteSource {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { 0 }
}
