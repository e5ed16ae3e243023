#if canImport(Glibc)
    import Glibc
#endif

/// One watcher per folder: an exclusive `flock(2)` on `.troca-watch.lock`, which holds the
/// owner's pid for people to read. The kernel drops the lock when its process dies however it
/// dies (`kill -9` included), so a lock left by a crash is never stale: the next start takes it.
/// (On NFS, Linux implements `flock` with byte-range locks, which the server arbitrates.)
public final class FolderLock {
    private let fd: Int32

    /// Takes the lock, or throws naming the pid that holds it.
    public init(path: String) throws(FileError) {
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw FileError("cannot open the lock \(path)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = (try? FileBytes.read(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            close(fd)
            if code == EWOULDBLOCK {
                let pid = holder.split(separator: "\n").first.map(String.init) ?? "?"
                throw FileError("another troca watch (pid \(pid)) holds \(path)", code: code)
            }
            throw FileError("cannot lock \(path)", code: code)
        }
        self.fd = fd
        ftruncate(fd, 0)
        try? FileBytes.write(fd, Array("\(getpid())\n".utf8), path: path)
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
