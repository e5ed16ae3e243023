#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a pipeline's stage will append to a file kept across runs (a letters history), and
/// what: the bytes' offset, length and SHA-256. Recorded in the journal's `committing` entry, so
/// that after a crash the watcher can tell whether the append was made (the bytes are there at
/// that offset) without depending on anything else the crash may have left.
public struct AppendRecord: Sendable, Hashable {
    /// The file, as an absolute path.
    public var file: String
    /// Where the appended bytes start.
    public var offset: Int
    /// How many bytes.
    public var size: Int
    /// Their SHA-256, 64 hex digits.
    public var sha256: String
    /// Whether the bytes replace the whole file (a remessa sequence, rewritten by a rename)
    /// rather than being appended to it (a letters history).
    public var replaces: Bool

    /// Creates a record.
    public init(file: String, offset: Int, size: Int, sha256: String, replaces: Bool = false) {
        self.file = file
        self.offset = offset
        self.size = size
        self.sha256 = sha256
        self.replaces = replaces
    }

    /// The record for appending `bytes` to `file` at `offset` (or, `replaces`, writing them as
    /// the whole file).
    public init(file: String, offset: Int, bytes: [UInt8], replaces: Bool = false) {
        var hash = SHA256()
        hash.update(bytes)
        self.init(file: file, offset: offset, size: bytes.count, sha256: hash.hex(), replaces: replaces)
    }

    /// Takes back what a crash left of an append that was not made: when the file is longer
    /// than `offset` but shorter than the whole append (part of it written — whole lines among
    /// them, which a reader would take for letters sent), it is cut back to `offset`, under the
    /// file's lock (`FILE.lock`, as the stages take it). Returns what was done, for the log; nil
    /// when there was nothing to take back. A file longer than the whole append whose bytes
    /// there are others is left as it is (another run may have appended since), and said.
    public func takeBackTornAppend() -> String? {
        guard !replaces, !isMade else { return nil }
        let lock: StateLock
        do { lock = try StateLock(beside: file, name: file) } catch { return "\(error.description): the interrupted append was not checked" }
        defer { lock.unlock() }
        var info = stat()
        guard stat(file, &info) == 0 else { return nil }
        let length = Int(info.st_size)
        guard length > offset else { return nil }
        if length < offset + size {
            guard truncate(file, off_t(offset)) == 0 else {
                return "cannot cut \(file) back to \(offset) bytes (a torn append of \(length - offset) bytes): \(String(cString: strerror(errno)))"
            }
            let fd = open(file, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
            return "\(file): the \(length - offset) bytes of an interrupted append (of \(size)) cut off"
        }
        return "\(file) holds \(length - offset) bytes after the interrupted append's place that are not its bytes: left as they are"
    }

    /// Whether `file` holds the recorded bytes at the recorded offset: the append was made and
    /// synced. A file that is missing, shorter, or holds other bytes there (a torn append that a
    /// later run cut off, then appended over) says no.
    public var isMade: Bool {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var hash = SHA256()
        var left = size
        var at = offset
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while left > 0 {
            let n = pread(fd, buffer.baseAddress, min(left, buffer.count), off_t(at))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            hash.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            left -= n
            at += n
        }
        return hash.hex() == sha256
    }
}

/// An append to a file kept across runs that a stage of a watched run prepared but must not
/// make before the run's outputs are in `out/` (a letters history: a letter recorded as sent
/// must be in an output). The stage holds the file's lock until `commit()` is called or the
/// value is released.
public protocol DeferredAppend: AnyObject, Sendable {
    /// What will be appended, and where.
    var record: AppendRecord { get }
    /// Appends and syncs the bytes, then releases the file's lock.
    func commit() throws
}
