#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed system call on a path: what was tried, on what, and the system's reason.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done, e.g. `cannot rename a into b`.
    public var action: String
    /// The system's reason (strerror).
    public var reason: String
    /// The errno value.
    public var code: Int32

    init(_ action: String, code: Int32 = errno) {
        self.action = action
        self.code = code
        self.reason = String(cString: strerror(code))
    }

    /// `action: reason`.
    public var description: String { "\(action): \(reason)" }
}

/// The few file-system operations the watcher needs, on paths, with errors that say what failed.
public enum FileBytes {
    /// A whole small file (configuration, journal).
    static func read(_ path: String) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError("cannot open \(path)") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("cannot read \(path)")
            }
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }

    /// Writes all of `bytes` to `fd`.
    static func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws(FileError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("cannot write \(path)")
            }
            done += n
        }
    }

    /// Writes a small file atomically: a temporary file beside it, fsync, rename, fsync of the
    /// directory. A full disk leaves the old file (or none) and no temporary file.
    static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws(FileError) {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileError("cannot create \(temp)") }
        do throws(FileError) {
            try write(fd, bytes, path: temp)
            guard fsync(fd) == 0 else { throw FileError("cannot flush \(temp)") }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        guard Glibc.rename(temp, path) == 0 else {
            let e = FileError("cannot rename \(temp) into \(path)")
            unlink(temp)
            throw e
        }
        syncDirectory(of: path)
    }

    /// Renames, failing when the target exists is the caller's business (see `freeName`).
    static func rename(_ from: String, _ to: String) throws(FileError) {
        try rename(cPath: Array(from.utf8CString), shown: from, to)
    }

    /// `rename` from a C path (a raw name), `shown` naming it in the error.
    static func rename(cPath from: [CChar], shown: String, _ to: String) throws(FileError) {
        guard Glibc.rename(from, to) == 0 else { throw FileError("cannot rename \(shown) into \(to)") }
    }

    /// Creates a directory and its parents.
    public static func makeDirectory(_ path: String) throws(FileError) {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o755) != 0, errno != EEXIST { throw FileError("cannot create directory \(built)") }
        }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw FileError("cannot create directory \(path)", code: ENOTDIR)
        }
    }

    /// Removes a file or a directory tree; missing is fine.
    static func remove(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            if let names = try? list(path) { for n in names { remove(path + "/" + n) } }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// The names in a directory (not `.` and `..`), sorted. A name whose bytes are not UTF-8
    /// comes out with replacement characters (it then names no file): where names come from
    /// outside (the inbox), use `rawList`.
    static func list(_ path: String) throws(FileError) -> [String] {
        try rawList(path).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    /// The names in a directory (not `.` and `..`) as the bytes the file system holds, which
    /// need not be UTF-8 (a Latin-1 name written by a Windows or FTP sender).
    static func rawList(_ path: String) throws(FileError) -> [[UInt8]] {
        guard let dir = opendir(path) else { throw FileError("cannot list \(path)") }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        }
        return names
    }

    /// The files (anything not a directory) under a directory, at any depth, as paths relative
    /// to it.
    static func files(under dir: String) throws(FileError) -> [String] {
        var found: [String] = []
        for name in try list(dir) {
            var st = stat()
            guard lstat(dir + "/" + name, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                found += try files(under: dir + "/" + name).map { name + "/" + $0 }
            } else {
                found.append(name)
            }
        }
        return found
    }

    /// `dir/name` as a C path, `name` being raw bytes (see `rawList`).
    static func cPath(_ dir: String, _ name: [UInt8]) -> [CChar] {
        (Array(dir.utf8) + [UInt8(ascii: "/")] + name + [0]).map { CChar(bitPattern: $0) }
    }

    /// Size and modification time in nanoseconds, when `path` is a regular file.
    static func fileState(_ path: String) -> (size: Int, mtime: Int)? {
        fileState(cPath: Array(path.utf8CString))
    }

    /// `fileState` of a C path.
    static func fileState(cPath path: [CChar]) -> (size: Int, mtime: Int)? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        // In nanoseconds an Int reaches the year 2262: a later time (a file touched so, a clock
        // gone wrong) is held there, not trapped on; it only tells a file that changes.
        let (seconds, overflow) = Int(st.st_mtim.tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
        return (Int(st.st_size), overflow ? (st.st_mtim.tv_sec < 0 ? Int.min : Int.max) : seconds.addingReportingOverflow(Int(st.st_mtim.tv_nsec)).partialValue)
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// `dir/name`, or `dir/name.1`, `dir/name.2`… — the first that names no file yet.
    static func freeName(_ dir: String, _ name: String) -> String {
        var candidate = dir + "/" + name
        var n = 1
        while exists(candidate) {
            candidate = dir + "/" + name + ".\(n)"
            n += 1
        }
        return candidate
    }

    /// Flushes a directory's entries (a rename is durable once its directory is synced).
    public static func syncDirectory(of path: String) {
        let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let fd = open(dir.isEmpty ? "." : dir, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// The SHA-256 of a file's bytes, read in 1 MiB pieces.
    static func sha256(_ path: String) throws(FileError) -> (hash: String, size: Int) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError("cannot open \(path)") }
        defer { close(fd) }
        var hash = SHA256()
        var size = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("cannot read \(path)")
            }
            if n == 0 { break }
            hash.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            size += n
        }
        return (hash.hex(), size)
    }
}
