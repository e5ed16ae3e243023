import Records

#if canImport(Glibc)
    import Glibc
#endif

/// One line of the journal.
public struct JournalEntry: Sendable, Hashable {
    /// What happened.
    public struct Event: RawRepresentable, Sendable, Hashable {
        /// The raw value.
        public let rawValue: String
        /// Creates a value.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A file was claimed into `work/` (its hash is known).
        public static let claimed = Event(rawValue: "claimed")
        /// Its outputs are about to be moved into `out/` (a restart may replace them).
        public static let committing = Event(rawValue: "committing")
        /// Processed: outputs in `out/`, the input moves to `done/`.
        public static let done = Event(rawValue: "done")
        /// Failed: the input moves to `failed/` with its reason.
        public static let failed = Event(rawValue: "failed")
        /// The same content was already done: the input moves to `duplicates/`.
        public static let duplicate = Event(rawValue: "duplicate")
    }

    /// What happened.
    public var event: Event
    /// The input's name as dropped in the inbox.
    public var file: String
    /// Its name in `work/` (unique while it is there).
    public var work: String
    /// SHA-256 of its bytes, 64 hex digits.
    public var sha256: String
    /// Its size in bytes.
    public var size: Int
    /// The pipeline, for `claimed`/`committing`/`done`/`failed`.
    public var pipeline: String?
    /// Output paths (relative to the folder), for `committing` and `done`.
    public var outputs: [String]
    /// Why, for `failed`; for `duplicate`, the first file with the same content.
    public var reason: String?
    /// For `committing`: the appends to files kept across runs (a letters history) that are
    /// made once the outputs are in `out/`, before `done`.
    public var appends: [AppendRecord]
    /// When, as UTC `YYYY-MM-DDTHH:MM:SSZ` (a log time, not data).
    public var at: String

    /// Creates an entry.
    public init(
        _ event: Event, file: String, work: String, sha256: String, size: Int, pipeline: String? = nil,
        outputs: [String] = [], reason: String? = nil, appends: [AppendRecord] = [], at: String = Clock.timestamp()
    ) {
        self.event = event
        self.file = file
        self.work = work
        self.sha256 = sha256
        self.size = size
        self.pipeline = pipeline
        self.outputs = outputs
        self.reason = reason
        self.appends = appends
        self.at = at
    }

    /// The entry as one JSON line (without the newline).
    public var jsonLine: [UInt8] {
        var w = JSONObjectWriter()
        w.string("event", event.rawValue)
        w.string("at", at)
        w.string("file", file)
        w.string("work", work)
        w.string("sha256", sha256)
        w.int("size", size)
        if let pipeline { w.string("pipeline", pipeline) }
        if !outputs.isEmpty { w.raw("outputs", json: JSONValue.array(outputs.map { .string($0) }).bytes) }
        if let reason { w.string("reason", reason) }
        if !appends.isEmpty {
            var list: [UInt8] = [UInt8(ascii: "[")]
            for (i, a) in appends.enumerated() {
                var o = JSONObjectWriter()
                o.string("file", a.file)
                o.int("offset", a.offset)
                o.int("size", a.size)
                o.string("sha256", a.sha256)
                if a.replaces { o.bool("replaces", true) }
                if i > 0 { list.append(UInt8(ascii: ",")) }
                list += o.finish()
            }
            w.raw("appends", json: list + [UInt8(ascii: "]")])
        }
        return w.finish()
    }

    /// Reads a journal line; nil when it is not one (a line torn by a power cut).
    public init?(line: [UInt8]) {
        guard let v = JSONValue(parsing: line), let o = v.object, let e = o.string("event"), let file = o.string("file"),
            let work = o.string("work"), let hash = o.string("sha256"), let size = o["size"]?.number?.exactInteger
        else { return nil }
        var outputs: [String] = []
        if case .array(let list)? = o["outputs"] { outputs = list.compactMap(\.string) }
        var appends: [AppendRecord] = []
        if case .array(let list)? = o["appends"] {
            for item in list {
                guard let a = item.object, let f = a.string("file"), let offset = a["offset"]?.number?.exactInteger,
                    let n = a["size"]?.number?.exactInteger, let h = a.string("sha256")
                else { return nil }
                appends.append(AppendRecord(file: f, offset: Int(offset), size: Int(n), sha256: h, replaces: a["replaces"] == .bool(true)))
            }
        }
        self.init(
            Event(rawValue: e), file: file, work: work, sha256: hash, size: Int(size), pipeline: o.string("pipeline"),
            outputs: outputs, reason: o.string("reason"), appends: appends, at: o.string("at") ?? "")
    }
}

extension JSONValue {
    var bytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }
}

/// The append-only journal of a watched folder (`journal.jsonl`): one line per event, each line
/// written whole with one `write(2)` on an `O_APPEND` descriptor and synced before the step it
/// records is taken, so that after a crash it says what was done.
public final class Journal {
    /// The journal file.
    public let path: String
    private let fd: Int32
    /// The first `done` entry of each content hash.
    private var doneByHash: [String: JournalEntry] = [:]
    /// The last entry of each work name.
    private var lastByWork: [String: JournalEntry] = [:]
    /// The outputs each work name was committing (moving into `out/`).
    private var committingByWork: [String: Set<String>] = [:]
    /// How many times each work name was claimed (a run started on it).
    private var claimsByWork: [String: Int] = [:]
    /// Lines that could not be read (torn by a power cut), by line number.
    public private(set) var unreadableLines: [Int] = []

    /// Work names whose history is kept from the file (nil: all). The watcher passes those in
    /// `work/` at start: a finished file's history is only needed for its content hash, so
    /// memory grows with distinct contents done, not with every line ever written.
    private let recovering: Set<String>?

    /// Opens (creating) a journal and reads what it holds, a piece at a time.
    public init(path: String, recovering: Set<String>? = nil) throws(FileError) {
        self.path = path
        self.recovering = recovering
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw FileError("cannot open the journal \(path)") }
        self.fd = fd
        var pending: [UInt8] = []
        var lineNumber = 0
        var consumed = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(consumed)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("cannot read the journal \(path)")
            }
            if n == 0 { break }
            consumed += n
            var start = 0
            for i in 0..<n where chunk[i] == UInt8(ascii: "\n") {
                pending += chunk[start..<i]
                lineNumber += 1
                take(pending, lineNumber)
                pending.removeAll(keepingCapacity: true)
                start = i + 1
            }
            pending += chunk[start..<n]
        }
        if !pending.isEmpty {
            // A torn last line: skipped, and ended so the next entry starts on a line of its own.
            take(pending, lineNumber + 1)
            try FileBytes.write(fd, [UInt8(ascii: "\n")], path: path)
        }
    }

    private func take(_ line: [UInt8], _ number: Int) {
        if line.isEmpty { return }
        guard let entry = JournalEntry(line: line) else {
            unreadableLines.append(number)
            return
        }
        if entry.event == .done, doneByHash[entry.sha256] == nil { doneByHash[entry.sha256] = entry }
        if recovering?.contains(entry.work) ?? true { remember(entry) }
    }

    deinit { close(fd) }

    /// Appends an entry and syncs it to disk.
    public func append(_ entry: JournalEntry) throws(FileError) {
        try FileBytes.write(fd, entry.jsonLine + [UInt8(ascii: "\n")], path: path)
        guard fsync(fd) == 0 else { throw FileError("cannot flush the journal \(path)") }
        remember(entry)
    }

    private func remember(_ entry: JournalEntry) {
        if entry.event == .done, doneByHash[entry.sha256] == nil { doneByHash[entry.sha256] = entry }
        lastByWork[entry.work] = entry
        if entry.event == .committing { committingByWork[entry.work, default: []].formUnion(entry.outputs) }
        if entry.event == .claimed { claimsByWork[entry.work, default: 0] += 1 }
    }

    /// How many runs started on a work name: more than one means runs were interrupted.
    public func claims(work: String) -> Int { claimsByWork[work] ?? 0 }

    /// The entry that processed this content, if any.
    public func done(hash: String) -> JournalEntry? { doneByHash[hash] }

    /// The outputs a work name's interrupted commits may have moved into `out/` already.
    public func committing(work: String) -> Set<String> { committingByWork[work] ?? [] }

    /// The last entry about a work name.
    public func last(work: String) -> JournalEntry? { lastByWork[work] }
}
