#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where bytes come from: a file descriptor, or memory in tests.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; returns 0 at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// An input that could not be opened or read.
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input's name.
    public var file: String
    /// The system's reason.
    public var reason: String
    /// Whether the file does not exist (exit 66) rather than failing to read.
    public var missing: Bool

    /// Creates an error.
    public init(file: String, reason: String, missing: Bool) {
        self.file = file
        self.reason = reason
        self.missing = missing
    }

    /// A textual form, for messages.
    public var description: String { "\(file): \(reason)" }

    /// The line `troca` says of it, as of every diagnostic: the file, the severity and a stable
    /// code (`input.missing`, exit 66; `input.unreadable`).
    public var diagnostic: String { "\(file): error: [\(missing ? "input.missing" : "input.unreadable")] \(reason)" }
}

/// Reads a file (or an inherited descriptor such as standard input) with `read(2)`.
public final class FileSource: ByteSource {
    let fd: Int32
    let owned: Bool
    let name: String

    /// Opens `path` for reading; `name` (default: the path) is how errors call it.
    public init(path: String, name: String? = nil) throws(InputError) {
        let display = name ?? path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let code = errno
            throw InputError(file: display, reason: String(cString: strerror(code)), missing: code == ENOENT)
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError(file: display, reason: "is a directory", missing: false)
        }
        self.fd = fd
        self.owned = true
        self.name = display
    }

    /// Wraps a descriptor the caller owns (e.g. 0 for standard input).
    public init(descriptor: Int32, name: String) {
        self.fd = descriptor
        self.owned = false
        self.name = name
    }

    deinit { if owned { close(fd) } }

    /// What tells whether the file was changed in place since: its size and modification time;
    /// nil when it is not a regular file (a pipe, a FIFO, a terminal), which cannot be read again.
    public var regularFileStamp: [Int]? {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        return [Int(st.st_size), st.st_mtim.tv_sec, st.st_mtim.tv_nsec]
    }

    /// Goes back to the start, to read the file again: the same file as before even when another
    /// was renamed over its path meanwhile (the descriptor still names the first). False when
    /// the descriptor cannot seek.
    public func rewind() -> Bool { lseek(fd, 0, SEEK_SET) == 0 }

    /// Whether readers may map the file (see `mappable`); a long-running process sets it false
    /// for the files it reads, so that one truncated meanwhile is a short read, not SIGBUS.
    public var mayMap = true

    /// The descriptor, where reading is, and the size of a regular file, which can be mapped
    /// into memory instead of read; nil for a pipe, a FIFO, a terminal, or when `mayMap` is false.
    public var mappable: (descriptor: Int32, offset: Int, size: Int)? {
        guard mayMap, let at = position else { return nil }
        return (fd, at.offset, at.size)
    }

    /// The bytes left to read of a regular file (its size less where reading is), mapped or
    /// not; nil for a pipe, a FIFO, a terminal.
    public var bytesLeft: Int? { position.map { $0.size - $0.offset } }

    /// Where reading is in a regular file, and its size.
    var position: (offset: Int, size: Int)? {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        let offset = lseek(fd, 0, SEEK_CUR)
        guard offset >= 0, Int(st.st_size) >= offset else { return nil }
        return (Int(offset), Int(st.st_size))
    }

    /// Maps `count` bytes of the file from `offset` for reading (from the page `offset` lies
    /// in); nil when the system refuses. Installs `MappedInput`'s SIGBUS handler first.
    public func map(from offset: Int, count: Int) -> MappedWindow? {
        MappedInput.catchTruncation()
        let start = offset / MappedWindow.pageSize * MappedWindow.pageSize
        let length = offset - start + count
        guard let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, off_t(start)), p != MAP_FAILED else { return nil }
        return MappedWindow(bytes: p.assumingMemoryBound(to: UInt8.self) + (offset - start), mapping: p, length: length)
    }

    /// Goes on reading from `offset` (after parts of the file were mapped instead of read).
    public func seek(to offset: Int) throws(InputError) {
        guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw InputError(file: name, reason: String(cString: strerror(errno)), missing: false)
        }
    }

    /// Reads up to `buffer.count` bytes; returns 0 at the end of the input.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw InputError(file: name, reason: String(cString: strerror(errno)), missing: false)
        }
    }
}

extension FileSource {
    /// The whole of a small file (a configuration, a layout), or an `InputError` with the
    /// system's reason; `name` (default: the path) is how the error calls it.
    public static func contents(of path: String, name: String? = nil) throws(InputError) -> [UInt8] {
        let source = try FileSource(path: path, name: name)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n: Int
            do { n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) } } catch {
                throw error as? InputError ?? InputError(file: name ?? path, reason: "\(error)", missing: false)
            }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }
}

/// Bytes of a file mapped for reading (`FileSource.map(from:count:)`), until `unmap()`.
public struct MappedWindow {
    /// The byte at the offset asked for.
    public let bytes: UnsafeMutablePointer<UInt8>
    let mapping: UnsafeMutableRawPointer
    let length: Int

    static let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)

    /// How much of a file a reader maps at a time to hand out the lines starting in its first
    /// `span` bytes: `limit + 16` more, so that each of them is whole, or known to be longer
    /// than `limit` (cut).
    public static func length(span: Int, limit: Int) -> Int { span + limit + 16 }

    /// Gives the bytes back; they must not be read after.
    public func unmap() { munmap(mapping, length) }
}

/// Reading files through memory mappings. A mapped file that another process truncates while
/// it is read has pages that no longer exist (and a page the disk cannot give back is an error
/// too): touching one raises SIGBUS, which would kill troca with no word of why. The handler
/// says it, removes the temporary files of outputs not yet committed (so a stopped run leaves
/// nothing behind, as an error does) and exits with status 74 (an input/output error).
public enum MappedInput {
    /// Installs the SIGBUS handler (once: a static's initialiser runs once, thread-safely).
    public static func catchTruncation() { _ = handler }

    static let handler: Void = {
        // The table made now: the handler must not be the first to touch it (a static's first
        // use runs its initialiser, which allocates).
        _ = temporaries
        signal(SIGBUS) { _ in
            // Only what a signal handler may do: unlink(2), rmdir(2), write(2), _exit(2).
            MappedInput.removeTemporaries()
            let message: StaticString =
                "troca: a mapped input file could not be read: it became shorter while it was read (another process truncated or rewrote it in place), or its storage failed; stopped\n"
            _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
            _exit(74)
        }
    }()

    /// Installs SIGTERM and SIGINT handlers (a nightly job's timeout, Ctrl-C) that remove the
    /// temporary files of outputs not yet committed, say so, and die by the signal (`dieBy`; a
    /// shell reports 128 + the signal): a stopped stage leaves no hidden `.NAME.tmp.*`
    /// beside its output, as an error does not; `run` notes its scratch directory and stages'
    /// files too (`runningPipeline`). `watch`, which finishes the file in hand, installs its own.
    /// Unblocks both signals too: a parent may start troca with them blocked.
    public static func removeTemporariesWhenStopped() {
        _ = handler  // the table made before a handler can read it
        let stop: @convention(c) (Int32) -> Void = { sig in
            MappedInput.removeTemporaries()
            let message: StaticString =
                MappedInput.runningPipeline
                ? "troca: run: stopped by a signal; its temporary files were removed\n"
                : "troca: stopped by a signal; the temporary files of unfinished outputs were removed\n"
            _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
            MappedInput.dieBy(sig)
        }
        signal(SIGTERM, stop)
        signal(SIGINT, stop)
        var stops = sigset_t()
        sigemptyset(&stops)
        sigaddset(&stops, SIGTERM)
        sigaddset(&stops, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &stops, nil)
    }

    /// Set while `troca run` runs a pipeline (its scratch directory and stages' files noted
    /// too), for the stop handler's message. (One byte, written outside any handler.)
    nonisolated(unsafe) public static var runningPipeline = false

    /// Ends troca by signal `sig` itself, from its handler, once the cleaning is done: the
    /// default action restored, the signal unblocked and raised again. A parent sees a process
    /// killed by the signal, not one that exited (a shell loop stops on Ctrl-C only when its child
    /// died by SIGINT; a shell reports 128 + the signal either way). Only async-signal-safe calls.
    public static func dieBy(_ sig: Int32) -> Never {
        signal(sig, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        raise(sig)
        _exit(128 + sig)
    }

    /// Temporary files to remove if the handler stops troca, as C strings in a fixed table the
    /// handler reads without locks or allocation; a slot whose first byte is 0 is free.
    static let slots = 64
    static let slotBytes = 4096
    nonisolated(unsafe) static let temporaries: UnsafeMutablePointer<CChar> = {
        let table = UnsafeMutablePointer<CChar>.allocate(capacity: slots * slotBytes)
        table.initialize(repeating: 0, count: slots * slotBytes)
        return table
    }()
    nonisolated(unsafe) static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    /// Notes a temporary file (or an empty-once-its-files-are-gone directory) to remove if troca
    /// is stopped before it is committed or removed; returns its slot for `forget` (-1 when the
    /// table is full or the path too long).
    public static func removeIfStopped(_ path: String) -> Int {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < slotBytes, !bytes.contains(0) else { return -1 }
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        for slot in 0..<slots where temporaries[slot * slotBytes] == 0 {
            let at = temporaries + slot * slotBytes
            // The terminator first and the first byte last: the handler never sees half a path.
            at[bytes.count] = 0
            for k in stride(from: bytes.count - 1, through: 0, by: -1) { at[k] = CChar(bitPattern: bytes[k]) }
            return slot
        }
        return -1
    }

    /// Removes the temporary files noted (and then the noted directories, once those files are
    /// gone), from a signal handler: only unlink(2) and rmdir(2), no lock, no allocation.
    /// Call `catchTruncation()` (or `removeIfStopped`) on the normal path first, so that the
    /// table exists before a handler reads it.
    public static func removeTemporaries() {
        let table = temporaries
        for slot in 0..<slots where table[slot * slotBytes] != 0 { unlink(table + slot * slotBytes) }
        for slot in 0..<slots where table[slot * slotBytes] != 0 { rmdir(table + slot * slotBytes) }
    }

    /// Lets go of a slot (its file was committed or removed).
    public static func forget(_ slot: Int) {
        guard slot >= 0, slot < slots else { return }
        pthread_mutex_lock(lock)
        temporaries[slot * slotBytes] = 0
        pthread_mutex_unlock(lock)
    }
}

/// An in-memory input.
public final class MemorySource: ByteSource {
    let bytes: [UInt8]
    var position = 0

    /// Wraps bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads up to `buffer.count` bytes; returns 0 at the end of the input.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - position)
        if n > 0 {
            bytes.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n)
            }
            position += n
        }
        return n
    }
}

/// Splits a byte stream into lines at LF, in constant memory: a 1 MiB buffer, refilled as it
/// is consumed (grown, up to twice the longest line taken, only while a longer line is read).
/// Lines are handed out as views into the buffer without their LF (a CR, if any, stays for the
/// caller to judge). A line longer than `maxLineLength` is cut there and the rest up to the next
/// LF skipped; `cut` tells the caller.
public struct LineReader {
    /// Lines longer than this many bytes are cut, unless a reader is told otherwise: fixed-width
    /// files (CNAB, ERP flat files, CSV lines) have no longer line.
    public static let maxLineLength = 64 << 10
    /// The longest JSONL line the stages read: a record one stage writes, another must read (a
    /// letter job of a party with thousands of títulos, an imported row with a long note).
    public static let maxJSONLLineLength = 16 << 20
    let source: ByteSource
    var buffer: UnsafeMutableRawBufferPointer
    var start = 0
    var end = 0
    var eof = false
    /// The 1-based number of the last line handed out.
    public private(set) var lineNumber = 0
    /// Lines longer than this are cut.
    public let maxLineLength: Int

    /// Creates a reader over a source.
    public init(_ source: ByteSource, bufferSize: Int = 1 << 20, maxLineLength: Int = LineReader.maxLineLength) {
        self.source = source
        // Room for two of the longest lines of a fixed-width file at least; for longer lines the
        // buffer grows when one fills it (`forEachLine`), up to `largest`.
        self.buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(bufferSize, min(maxLineLength, LineReader.maxLineLength) * 2 + 2), alignment: 16)
        self.maxLineLength = maxLineLength
    }

    /// The most the buffer grows to: a line at the limit and the next one's start still fit.
    var largest: Int { maxLineLength * 2 + 2 }

    /// Frees the buffer; call once when done.
    public func close() { buffer.deallocate() }

    /// Calls `body` with each line and its number until the input ends or `body` returns false;
    /// called again after a stop, it goes on after the last line handed out (after a cut line,
    /// at its first byte past the limit: the rest of a cut line is not skipped across a stop).
    public mutating func forEachLine(
        _ body: (_ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ cut: Bool) throws -> Bool
    ) throws {
        var base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let limit = maxLineLength
        // Whether a line is cut depends on its length only, never on how the input arrived.
        var skipping = false
        func deliver(_ start: Int, _ length: Int) throws -> Bool {
            lineNumber += 1
            return length > limit
                ? try body(UnsafeBufferPointer(start: base + start, count: limit), lineNumber, true)
                : try body(UnsafeBufferPointer(start: base + start, count: length), lineNumber, false)
        }
        // A regular file is mapped a window at a time while more than a window is left (no copy
        // into the buffer, which on this kind of machine costs more than finding the lines), and
        // the lines of each window handed out as a full buffer's are; the partial line at its
        // end starts the next one. The rest of the file is read, as a pipe is, so its end is
        // where read(2) finds it.
        let file = start == end && !eof ? (source as? FileSource) : nil
        let want = MappedWindow.length(span: buffer.count * 4, limit: min(limit, LineReader.maxLineLength))
        var size = 0
        var windowStart = 0
        var window: MappedWindow? = nil
        /// Maps the window at `windowStart`, if more than a window is left.
        func mapWindow() -> Bool {
            guard size - windowStart > want, let w = file?.map(from: windowStart, count: want) else { return false }
            window = w
            (base, start, end) = (w.bytes, 0, want)
            return true
        }
        if let file, let m = file.mappable {
            (size, windowStart) = (m.size, m.offset)
            _ = mapWindow()
        }
        defer {
            // Stopped in a window: a next call maps again from after the last line handed out.
            if let w = window {
                w.unmap()
                // A regular file's descriptor seeks to any offset within it.
                try? file?.seek(to: windowStart + start)
                (start, end) = (0, 0)
            }
        }
        while true {
            // Hand out every complete line in the buffer.
            while start < end {
                let p = memchr(base + start, 0x0A, end - start)
                guard let nl = p?.assumingMemoryBound(to: UInt8.self) else { break }
                let stop = nl - base
                if skipping {
                    skipping = false
                } else if try !deliver(start, stop - start) {
                    // Stopped: a next call goes on after the line handed out.
                    start = stop + 1
                    return
                }
                start = stop + 1
            }
            // A partial line already over the limit is cut now; the rest of it, up to its LF, is skipped.
            if !skipping, end - start > limit {
                if try !deliver(start, end - start) {
                    start += limit
                    return
                }
                skipping = true
                start = end
            } else if skipping {
                start = end
            }
            if eof {
                let last = start
                start = end
                if last < end, !skipping {
                    _ = try deliver(last, end - last)
                }
                return
            }
            if let w = window {
                // The next window, else the rest read into the buffer from where this one's lines
                // end; also when not one line ended in this window (a line longer than a window,
                // as a JSONL line may be: the buffer grows for it).
                let progressed = start > 0
                windowStart += start
                w.unmap()
                window = nil
                if progressed, mapWindow() { continue }
                try file?.seek(to: windowStart)
                (base, start, end) = (buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), 0, 0)
            }
            // Move the partial line to the front and refill.
            if start > 0 {
                if end > start { memmove(base, base + start, end - start) }
                end -= start
                start = 0
            }
            if end == buffer.count, buffer.count < largest {
                // A partial line fills the buffer and is not over the limit: twice the room.
                let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: min(buffer.count * 2, largest), alignment: 16)
                grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
                buffer.deallocate()
                buffer = grown
                base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
            if n == 0 { eof = true } else { end += n }
        }
    }
}
