import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `PATH.lock`, created when absent and never renamed, held with an exclusive `flock` until
/// `unlock`: how a state file kept across runs (a remessa sequence, a letters history) makes two
/// runs at once take turns. (On NFS, Linux implements `flock` with byte-range locks, which the
/// server arbitrates.)
struct LockFile {
    let descriptor: Int32

    /// Waits for the lock; `name` is how messages call the state file.
    init(beside path: String, name: String) throws {
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            // A lock file that is not there could not be made (its directory missing or read
            // only): "cannot create", exit 73 as for any output that cannot be created.
            let verb = access(path + ".lock", F_OK) == 0 ? "open" : "create"
            throw WriteError(description: "cannot \(verb) \(name).lock: \(reason)")
        }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw WriteError(description: "cannot lock \(name).lock: \(reason)")
            }
        }
        descriptor = fd
    }

    /// Releases the lock.
    func unlock() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
