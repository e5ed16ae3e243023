import FixedWidth
import Foundation
import Letters
import Records
import Watch

#if canImport(Glibc)
    import Glibc
#endif

/// The `--history` file of `letters select`: one `letter_sent` JSONL record per letter sent,
/// read as a stream (a year of nightly runs is tens of millions of lines) and appended to, never
/// rewritten.
///
/// With `--commit`, `FILE.lock` (never renamed, like the remessa sequence file's) is held with
/// `flock` from before the history is read until the new letters are appended and synced, so two
/// runs at once see each other's letters and never number two letters or boletos alike. A run
/// that only reads takes no lock: it reads the bytes the file had when opened, and an incomplete
/// last line (an append in progress, or a run stopped while appending) is left out with a
/// warning; the next `--commit` cuts such a line off before appending.
final class LetterHistory {
    /// As the user gave it, for messages.
    let name: String
    let path: String
    /// Held with `--commit` (nil when only reading, and once released).
    private(set) var lock: StateLock?
    /// The history as opened: nil when there is no file yet.
    let source: FileSource?
    /// Its size when opened, and where its last complete line ends (`size` when the file ends
    /// with a line feed; a last line without one is complete when it is a whole record).
    let size: Int
    private(set) var end = 0
    private(set) var endsWithoutLineFeed = false

    /// What the whole history says.
    struct Summary {
        var lastSequence = 0
        var boletos = 0
        var lines = 0
    }

    /// A line that is not a `letter_sent` record (said, exit 65).
    struct BadLine: Error {
        let line: Int
        /// Where a line that is not JSON stops being JSON, and what is there (`JSONReader.syntaxError`).
        var syntax: (problem: String, column: Int)? = nil
    }

    /// Opens the history (and with `commit` takes its lock); a file that is not there is an
    /// empty history.
    init(name: String, path: String, commit: Bool) throws {
        self.name = name
        self.path = path
        lock = commit ? try StateLock(lockingBeside: path, name: name) : nil
        if FileManager.default.fileExists(atPath: path) {
            do {
                source = try FileSource(path: path, name: name)
                // Read up to the size it has now: what a concurrent run appends later is its own.
                var st = stat()
                size = stat(path, &st) == 0 ? Int(st.st_size) : 0
            } catch {
                lock?.unlock()
                throw error
            }
        } else {
            source = nil
            size = 0
        }
    }

    deinit { release() }

    /// Releases the lock (if held): after the append, or when the letters will not be recorded.
    func release() {
        lock?.unlock()
        lock = nil
    }

    /// Reads every line up to `size`: the summary, and into `sent` the letters of the parties
    /// `keep` accepts (the history of parties not in this run's input is not held in memory).
    /// An incomplete last line is reported through `warn` and left out.
    func read(keep: (String) -> Bool, into sent: inout Set<SentLetter>, warn: (String) -> Void) throws -> Summary {
        var summary = Summary()
        end = 0
        guard let source, size > 0 else { return summary }
        let limited = LimitedSource(source, limit: size)
        var reader = LineReader(limited)
        defer { reader.close() }
        var tape = JSONTape()
        var offset = 0
        var bad: BadLine? = nil
        try reader.forEachLine { line, number, cut in
            let last = offset + line.count >= size
            offset += line.count + 1
            summary.lines = number
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                end = min(offset, size)
                endsWithoutLineFeed = last && offset > size
                return true
            }
            let parsed = !cut && JSONReader.parse(line, into: &tape)
            guard parsed, tape[0].kind == .object, let record = Self.text(tape, "record"), record == "letter_sent",
                let party = Self.text(tape, "party"), let step = Self.text(tape, "step")
            else {
                // Part of an append is never whole JSON; whole JSON that is not a letter is wrong.
                if last && !parsed {
                    warn(
                        "\(name):\(number): warning: [letters.history-incomplete] the last line is not whole JSON "
                            + "(\(line.count) bytes, no line feed: a run stopped while appending?): left out"
                            + (lock != nil ? ", and cut off before this run appends" : ""))
                    return false
                }
                bad = BadLine(line: number, syntax: parsed || cut ? nil : JSONReader.syntaxError(line))
                return false
            }
            let key = LetterSelector.historyKey(party)
            if keep(key) { sent.insert(SentLetter(party: key, step: step)) }
            if let s = tape.member("sequence", of: 0), case .number(let n) = tape.value(at: s) {
                // Any number with a whole value (41, 41.0, 4.1e1: a history edited by hand).
                let whole = n.exactInteger.map { Double($0) } ?? Double(n.text).flatMap { $0.rounded() == $0 && abs($0) < 1e15 ? $0 : nil }
                if let whole { summary.lastSequence = max(summary.lastSequence, Int(whole)) }
            }
            if tape.member("nosso_numero", of: 0) != nil { summary.boletos += 1 }
            end = min(offset, size)
            endsWithoutLineFeed = last && offset > size
            return true
        }
        if let bad { throw bad }
        return summary
    }

    static func text(_ tape: JSONTape, _ key: String) -> String? {
        guard let v = tape.member(key, of: 0), tape[v].kind == .string else { return nil }
        return tape.string(v)
    }

    /// The bytes `append(lines)` writes at `end`: a line feed first when the last record read
    /// had none.
    func appended(_ lines: [UInt8]) -> [UInt8] {
        (endsWithoutLineFeed ? [0x0A] : []) + lines
    }

    /// Appends `lines` (whole JSONL lines) after the last complete line read, cutting off an
    /// incomplete one first, and syncs the file (and, for a new file, its directory). Needs the
    /// lock (`commit`).
    func append(_ lines: [UInt8]) throws {
        precondition(lock != nil, "appending to the history needs its lock")
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(description: "cannot open \(name): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        func fail(_ what: String) -> WriteError { WriteError(description: "cannot \(what) \(name): \(String(cString: strerror(errno)))") }
        if source != nil, end < size, ftruncate(fd, off_t(end)) != 0 { throw fail("cut the incomplete last line of") }
        let bytes = appended(lines)
        guard !bytes.isEmpty else { return }
        guard lseek(fd, off_t(end), SEEK_SET) >= 0 else { throw fail("seek in") }
        // An append that fails is taken back as far as it can be (the lock is still held), so
        // that the history does not keep part of letters the caller reports as not recorded.
        do { try bytes.withUnsafeBytes { try FileDescriptorOutput.write(fd, $0) } } catch let e as WriteError {
            _ = ftruncate(fd, off_t(end))
            throw WriteError(description: "cannot append to \(name): \(e.description)")
        }
        guard fsync(fd) == 0 else {
            let error = fail("sync")
            if ftruncate(fd, off_t(end)) == 0 { _ = fsync(fd) }
            throw error
        }
        if source == nil { FileBytes.syncDirectory(of: path) }
    }
}

/// The letters a `letters select --commit` stage of `troca run` or `troca watch` selected:
/// appended to the history (whose lock the stage took and this keeps) once the run's outputs
/// are in place — by the runner for `troca run`, by the watcher after moving the outputs into
/// `out/` for `troca watch` — so that a run that stops after the stage, or a watcher killed
/// before its commit, leaves no letter recorded that no output holds. Released unmade, the
/// lock goes and the history is as it was.
final class HistoryAppend: StateCommit, @unchecked Sendable {
    let history: LetterHistory
    let lines: [UInt8]
    let letters: Int
    let record: AppendRecord

    init(_ history: LetterHistory, lines: [UInt8], letters: Int) {
        self.history = history
        self.lines = lines
        self.letters = letters
        record = AppendRecord(file: history.path, offset: history.end, bytes: history.appended(lines))
    }

    func commit() throws {
        defer { history.release() }
        try history.append(lines)
    }

    var stateName: String { history.name }
    var summary: String { "\(letters) letter\(letters == 1 ? "" : "s") appended to \(history.name)" }
    var what: String { "their \(letters) letter\(letters == 1 ? "" : "s")" }
}

/// At most `limit` bytes of another source: the history as it was when opened, whatever a
/// concurrent run appends meanwhile.
final class LimitedSource: ByteSource {
    let source: ByteSource
    var left: Int

    init(_ source: ByteSource, limit: Int) {
        self.source = source
        left = limit
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard left > 0 else { return 0 }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, left)]))
        left -= n
        return n
    }
}
