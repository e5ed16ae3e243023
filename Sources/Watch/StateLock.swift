#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `PATH.lock`, created when absent and never renamed, held with an exclusive `flock` until
/// `unlock`: how a state file kept across runs (a remessa sequence, a letters history) makes
/// two runs at once take turns — the stages that change the file, and the watcher taking back
/// a torn append after a crash (`AppendRecord`). (On NFS, Linux implements `flock` with
/// byte-range locks, which the server arbitrates.)
public struct StateLock {
    /// Why the lock could not be taken; `description` says so of the state file named `name`.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let descriptor: Int32

    /// Waits for the lock; `name` is how messages call the state file.
    public init(beside path: String, name: String) throws(Failure) {
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            // A lock file that is not there could not be made (its directory missing or read
            // only): "cannot create", exit 73 as for any output that cannot be created.
            let verb = access(path + ".lock", F_OK) == 0 ? "open" : "create"
            throw Failure(description: "cannot \(verb) \(name).lock: \(reason)")
        }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw Failure(description: "cannot lock \(name).lock: \(reason)")
            }
        }
        descriptor = fd
    }

    /// Releases the lock.
    public func unlock() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
