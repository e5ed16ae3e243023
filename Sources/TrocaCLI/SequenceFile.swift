import Foundation
import Watch

#if canImport(Glibc)
    import Glibc
#endif

/// A remessa sequence number (NSA) kept in a file across runs. `FILE.lock` (never renamed) is
/// held with `flock` from reading the last number until the next one is committed, so two runs
/// at once never write the same number; the number itself is replaced atomically (temporary file
/// and rename), so a run killed midway leaves the last committed number.
final class SequenceFile {
    let path: String
    let lock: StateLock
    /// The last number committed (0 when the file does not exist yet).
    let last: Int

    /// The file holds something other than a number: what it holds (its first 40 characters).
    struct Invalid: Error, CustomStringConvertible {
        let found: String
        var description: String { "expected a sequence number, found \"\(found)\"" }
    }

    init(path: String) throws {
        self.path = path
        // A directory holds no number and cannot be replaced by one: said now, not once the
        // remessa is written with a number that then cannot be stored (nor a lock made beside it).
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            let name = (path as NSString).lastPathComponent
            throw WriteError(description: "cannot create \(name): \(String(cString: strerror(EISDIR))); give a file name")
        }
        // Named by its file name: the diagnostic's file already says where it is.
        lock = try StateLock(lockingBeside: path, name: (path as NSString).lastPathComponent)
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let n = Int(text), n >= 0 else {
                lock.unlock()
                throw Invalid(found: String(text.prefix(40)))
            }
            last = n
        } else {
            last = 0
        }
    }

    deinit { lock.unlock() }

    /// The bytes `commit(n)` writes: the whole file.
    static func contents(_ n: Int) -> [UInt8] { Array("\(n)\n".utf8) }

    /// Records `n` as the last number used.
    func commit(_ n: Int) throws {
        let file = try AtomicFile(path: path)
        let text = Self.contents(n)
        try text.withUnsafeBufferPointer { try file.write($0) }
        try file.commit()
    }
}

/// The NSA a `cnab write --sequence-file` stage of `troca run` or `troca watch` used: stored once
/// the run's outputs are in place (`RunFiles`), so that a run that stops after the stage, or a
/// watcher killed before its commit, does not skip a number (banks refuse a remessa whose NSA
/// does not follow the last one), and a rerun writes the same remessa. The file's lock is held
/// until then. Its journal record is the file's whole new content, at offset 0.
final class SequenceCommit: StateCommit, @unchecked Sendable {
    let file: SequenceFile
    let number: Int
    let name: String
    let record: AppendRecord

    init(_ file: SequenceFile, number: Int, name: String) {
        self.file = file
        self.number = number
        self.name = name
        record = AppendRecord(file: file.path, offset: 0, bytes: SequenceFile.contents(number), replaces: true)
    }

    func commit() throws { try file.commit(number) }

    var stateName: String { name }
    var summary: String { "NSA \(number) stored in \(name)" }
    var what: String { "NSA \(number)" }
}
