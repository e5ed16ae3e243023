import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A remessa sequence number (NSA) kept in a file across runs. `FILE.lock` (never renamed) is
/// held with `flock` from reading the last number until the next one is committed, so two runs
/// at once never write the same number; the number itself is replaced atomically (temporary file
/// and rename), so a run killed midway leaves the last committed number.
final class SequenceFile {
    let path: String
    let lock: Int32
    /// The last number committed (0 when the file does not exist yet).
    let last: Int

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String) throws {
        self.path = path
        lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw WriteError(description: "cannot open \(path).lock: \(String(cString: strerror(errno)))") }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(lock)
                throw WriteError(description: "cannot lock \(path).lock: \(reason)")
            }
        }
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let n = Int(text), n >= 0 else {
                flock(lock, LOCK_UN)
                close(lock)
                throw Invalid(description: "\(path) holds \"\(text.prefix(40))\", not a sequence number")
            }
            last = n
        } else {
            last = 0
        }
    }

    deinit {
        flock(lock, LOCK_UN)
        close(lock)
    }

    /// Records `n` as the last number used.
    func commit(_ n: Int) throws {
        let file = try AtomicFile(path: path)
        let text = Array("\(n)\n".utf8)
        try text.withUnsafeBufferPointer { try file.write($0) }
        try file.commit()
    }
}
