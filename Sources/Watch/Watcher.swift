import Records

#if canImport(Glibc)
    import Glibc
#endif

/// One claimed file handed to the pipeline runner.
public struct WatchJob: Sendable {
    /// The file in `work/` (read it, never change it): `work/<claim>/NAME`.
    public var input: String
    /// Its directory, `work/<claim>/`, private to this file (stages run there, so that `NAME`
    /// alone names the input and records' `source.file` is the name as dropped).
    public var directory: String
    /// Its name as dropped in the inbox (for `{name}`, `{file}`).
    public var file: String
    /// The rule that matched it.
    public var rule: WatchConfig.Rule
    /// The staging directory for its outputs (`{out}`): moved into `out/` only when it succeeds.
    public var out: String
    /// A scratch directory (`{work}`), removed afterwards.
    public var scratch: String
    /// The run's date, `YYYY-MM-DD` (`{date}`).
    public var date: String
}

/// What running a job's pipeline gave.
public struct WatchOutcome: Sendable {
    /// The pipeline's exit status (0 ok, 65 records rejected, others: failed).
    public var status: Int32
    /// Why it failed, in a sentence, when it did.
    public var reason: String?
    /// The stages' diagnostics (stderr lines), kept for the log and `NAME.error.json`.
    public var diagnostics: [String]
    /// Appends to files kept across runs (a letters history, `letters select --commit`) that
    /// the stages prepared: made once the outputs are in `out/`, before `done` is journaled;
    /// dropped (never made) when the run fails.
    public var appends: [any DeferredAppend]

    /// Creates an outcome.
    public init(status: Int32, reason: String? = nil, diagnostics: [String] = [], appends: [any DeferredAppend] = []) {
        self.status = status
        self.reason = reason
        self.diagnostics = diagnostics
        self.appends = appends
    }
}

/// Counts of one watcher run.
public struct WatchSummary: Sendable, Hashable {
    /// Files claimed from the inbox.
    public var taken = 0
    /// Files left in `work/` by an earlier run and finished now.
    public var recovered = 0
    /// Files processed.
    public var done = 0
    /// Files moved to `failed/`.
    public var failed = 0
    /// Files moved to `duplicates/`.
    public var duplicates = 0
    /// Files left in `work/` because a step could not be done (the journal could not be
    /// written, the file could not be read or moved): finished on the next start.
    public var left = 0
}

/// The watched-folder runner: polls the inbox, takes each file once it is stable, runs its
/// rule's pipeline (through the `run` closure the caller gives), and files the input under
/// `done/`, `failed/` or `duplicates/`, recording each step in the journal first.
///
/// The steps for one file, each safe to interrupt at any point:
/// 1. claim: `rename(2)` from `inbox/NAME` to `work/<claim>/NAME` (atomic; a second watcher
///    loses it), `<claim>` a number unique to this claim;
/// 2. journal `claimed` with the content's SHA-256; content already `done` → `duplicates/`;
/// 3. run the pipeline with `{out}` a staging directory, `work/<claim>/.run/out`;
/// 4. journal `committing` (the outputs, and the appends the stages prepared: where and what),
///    rename each staged output into `out/`, make the appends (a letters history), journal `done`;
/// 5. rename the input into `done/YYYY-MM-DD/` (or, on failure, write `failed/NAME.error.json`,
///    journal `failed`, rename the input into `failed/`).
/// On start, each file in `work/` is finished from its last journal entry: done, failed or
/// duplicate → only the move is left; `committing` whose appends are all in their files → its
/// outputs were all in `out/` before them: journal `done` and move; otherwise it runs again (its
/// outputs replace what a crash during step 4 left, and with no append made the stages see
/// the state files as the first run saw them, so they give the same bytes).
public final class Watcher {
    /// Runs a job's pipeline.
    public typealias Run = (WatchJob) -> WatchOutcome

    let config: WatchConfig
    let journal: Journal
    let run: Run
    let log: ([UInt8]) -> Void
    let shouldStop: () -> Bool
    let today: () -> String
    /// The clock settle times are measured on (monotonic seconds; a test gives its own).
    let now: () -> Double
    /// Files seen settling, by their names' bytes: what they looked like, and since when.
    private var seen: [[UInt8]: (size: Int, mtime: Int, since: Double)] = [:]
    /// Markers with no file beside them, already said.
    private var orphans: Set<[UInt8]> = []
    private var inboxBroken = false
    private var claims = 0
    /// Counts so far.
    public private(set) var summary = WatchSummary()

    /// Prepares a folder: creates its subdirectories (the folder itself must exist) and opens
    /// the journal. Take the folder's `FolderLock` first. `now` is the clock settle times are
    /// measured on (`Clock.monotonic`; pauses between polls always use the real one).
    public init(
        config: WatchConfig, run: @escaping Run, log: @escaping ([UInt8]) -> Void,
        shouldStop: @escaping () -> Bool = { false }, today: @escaping () -> String = Clock.today,
        now: @escaping () -> Double = Clock.monotonic
    ) throws(FileError) {
        var st = stat()
        guard stat(config.folder, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw FileError("the watched folder \(config.folder) is not a directory", code: errno == 0 ? ENOTDIR : errno)
        }
        for dir in [config.inbox, config.work, config.out, config.done, config.failed, config.duplicates] {
            try FileBytes.makeDirectory(dir)
        }
        _ = try FileBytes.list(config.inbox)
        self.config = config
        // Only the histories of files still in work/ matter beyond their content hashes.
        var inWork: Set<String> = []
        for claim in try FileBytes.list(config.work) where !claim.hasPrefix(".") {
            for name in (try? FileBytes.list(config.work + "/" + claim)) ?? [] { inWork.insert(claim + "/" + name) }
        }
        self.journal = try Journal(path: config.journal, recovering: inWork)
        self.run = run
        self.log = log
        self.shouldStop = shouldStop
        self.today = today
        self.now = now
        if !journal.unreadableLines.isEmpty {
            note(
                "warning", "journal-torn", file: nil,
                "journal lines \(journal.unreadableLines) could not be read (torn by a crash?); skipped")
        }
    }

    /// Runs: first finishes what `work/` holds, then polls the inbox until `shouldStop()` —
    /// or, with `once`, until nothing in the inbox is left to take.
    public func watch(once: Bool) -> WatchSummary {
        recover()
        note("info", "started", file: nil, "watching \(config.inbox) (\(config.rules.count) rules, settle \(config.settleSeconds) s)")
        while !shouldStop() {
            let (took, waiting) = poll()
            if once && !took && !waiting { break }
            if !took { pause(once ? min(config.pollSeconds, 0.05) : config.pollSeconds) }
        }
        let s = summary
        note(
            "info", "stopped", file: nil,
            "taken \(s.taken), recovered \(s.recovered): \(s.done) done, \(s.failed) failed, \(s.duplicates) duplicates"
                + (s.left > 0 ? ", \(s.left) left in work/ (finished on the next start)" : ""))
        return s
    }

    /// Sleeps up to `seconds`, waking early to stop.
    private func pause(_ seconds: Double) {
        let end = Clock.monotonic() + seconds
        while !shouldStop(), Clock.monotonic() < end { usleep(20_000) }
    }

    /// Finishes each file left in `work/` by an interrupted run.
    public func recover() {
        guard let claims = try? FileBytes.list(config.work) else { return }
        for claim in claims where !claim.hasPrefix(".") {
            if shouldStop() { return }
            let dir = config.work + "/" + claim
            let files = ((try? FileBytes.list(dir)) ?? []).filter { !$0.hasPrefix(".") && FileBytes.fileState(dir + "/" + $0) != nil }
            guard let file = files.first else {
                // Claimed directory made, crash before the rename into it: nothing to do.
                FileBytes.remove(dir)
                continue
            }
            let work = claim + "/" + file
            let path = dir + "/" + file
            summary.recovered += 1
            note("info", "recover", file: file, "left in work/\(claim)/ by an interrupted run; finishing it")
            let hash: (hash: String, size: Int)
            do { hash = try FileBytes.sha256(path) } catch {
                note("error", "unreadable", file: file, "\(error); left in work/")
                summary.left += 1
                continue
            }
            if let last = journal.last(work: work), last.sha256 == hash.hash {
                switch last.event {
                case .done:
                    if fileAway(path, into: config.done + "/" + today(), name: file) { summary.done += 1 }
                    continue
                case .duplicate:
                    if fileAway(path, into: config.duplicates, name: file) { summary.duplicates += 1 }
                    continue
                case .failed:
                    fail(
                        path, work: work, file: file, hash: hash, pipeline: last.pipeline, reason: last.reason ?? "failed", diagnostics: [],
                        journaled: true)
                    continue
                case .committing where !last.appends.isEmpty && last.appends.allSatisfy(\.isMade):
                    // The appends are made only after every output is in out/: the commit was
                    // complete but for its `done` entry. A rerun would find its letters already
                    // in the history and write none, replacing the outputs with empty ones.
                    let entry = JournalEntry(
                        .done, file: file, work: work, sha256: hash.hash, size: hash.size, pipeline: last.pipeline, outputs: last.outputs)
                    guard journaled(entry) else {
                        summary.left += 1
                        continue
                    }
                    note(
                        "info", "done", file: file,
                        "its interrupted commit had put its outputs in place and made its appends "
                            + "(\(last.appends.map(\.file).joined(separator: ", "))); outputs: \(last.outputs.joined(separator: ", "))")
                    if fileAway(path, into: config.done + "/" + today(), name: file) { summary.done += 1 }
                    continue
                case .committing:
                    // Not every append was made: the file is run again on the state the first
                    // run read. What a crash left of an append (part of it: whole lines among
                    // them) is taken back first, or the rerun would read those letters as sent.
                    for a in last.appends {
                        if let what = a.takeBackTornAppend() { note("warning", "recover", file: file, what) }
                    }
                default: break
                }
            }
            // A file whose runs keep ending with the watcher (a stage that crashes on it, or a
            // machine that keeps going down mid-run) is set aside after a few tries, so that
            // it does not stop the folder for good.
            let tries = journal.claims(work: work)
            if tries >= Self.maxTries {
                fail(
                    path, work: work, file: file, hash: hash, pipeline: journal.last(work: work)?.pipeline,
                    reason: "\(tries) runs on this file never finished (the watcher crashed or was killed during each); set aside",
                    diagnostics: [])
                continue
            }
            process(path, work: work, file: file, hash: hash)
        }
    }

    /// Interrupted runs after which a file left in `work/` goes to `failed/` instead of a new run.
    public static let maxTries = 10

    /// Lists the inbox once and takes every file that is ready. Returns whether it took any,
    /// and whether some file is still settling.
    public func poll() -> (took: Bool, waiting: Bool) {
        let names: [[UInt8]]
        do {
            names = try FileBytes.rawList(config.inbox).sorted { $0.lexicographicallyPrecedes($1) }
            if inboxBroken { note("info", "inbox-readable", file: nil, "\(config.inbox) can be listed again") }
            inboxBroken = false
        } catch {
            if !inboxBroken { note("error", "inbox-unreadable", file: nil, "\(error); retrying every \(config.pollSeconds) s") }
            inboxBroken = true
            return (false, false)
        }
        var took = false
        var waiting = false
        let present = Set(names)
        seen = seen.filter { present.contains($0.key) }
        orphans = orphans.filter { present.contains($0) }
        let ok = Array(".ok".utf8)
        for raw in names where raw.first != UInt8(ascii: ".") {
            if shouldStop() { break }
            let name = Self.name(raw)
            if raw.count > ok.count, raw.suffix(ok.count).elementsEqual(ok) {
                // A marker whose file is not beside it came after its file was taken (or its
                // file never came): said once and left (a dropped file is never deleted unasked).
                // It cannot vouch for a later file of its name, which is newer than it.
                if !present.contains(Array(raw.dropLast(ok.count))) {
                    if !orphans.contains(raw) { noteOrphanMarker(name) }
                    orphans.insert(raw)
                } else {
                    orphans.remove(raw)
                }
                continue
            }
            let path = FileBytes.cPath(config.inbox, raw)
            guard let state = FileBytes.fileState(cPath: path) else { continue }
            // The time of this look, not of the listing: a run earlier in this pass (minutes,
            // for a big file) must not count as time this file was seen unchanged.
            let now = self.now()
            // A marker vouches for the file only when written after the file's last change: one
            // left from an earlier file of the same name is older than a file being written now.
            let marked = FileBytes.fileState(cPath: FileBytes.cPath(config.inbox, raw + ok)).map { $0.mtime >= state.mtime } ?? false
            if !marked {
                if let s = seen[raw], s.size == state.size, s.mtime == state.mtime {
                    if now - s.since < config.settleSeconds {
                        waiting = true
                        continue
                    }
                } else {
                    seen[raw] = (state.size, state.mtime, now)
                    if config.settleSeconds > 0 {
                        waiting = true
                        continue
                    }
                }
            }
            seen[raw] = nil
            if claim(name, raw: raw, marked: marked) { took = true }
        }
        return (took, waiting)
    }

    /// The name a file is known by from its claim on: its bytes as UTF-8, or, when they are
    /// not UTF-8 (a Latin-1 name from a Windows or FTP sender), read as Windows-1252, which
    /// every byte has a character in.
    static func name(_ raw: [UInt8]) -> String {
        if let name = String(validating: raw, as: UTF8.self) { return name }
        var scalars = String.UnicodeScalarView()
        for b in raw { scalars.append(Unicode.Scalar(TextBytes.cp1252Scalar(b)) ?? "?") }
        return String(scalars)
    }

    /// Says that a `NAME.ok` has no `NAME` beside it.
    private func noteOrphanMarker(_ name: String) {
        note(
            "warning", "orphan-marker", file: name,
            "no file \(name.dropLast(3)) beside it (its file was taken before the marker came, or never came); left in the inbox: "
                + "a later \(name.dropLast(3)) is not taken on its word (it is newer than the marker), and the marker goes with it")
    }

    /// Claims `inbox/name` by renaming it into `work/`, then processes it. `raw` is the name's
    /// bytes in the inbox when they are not `name`'s UTF-8 (see `name(_:)`).
    func claim(_ name: String, raw: [UInt8]? = nil, marked: Bool) -> Bool {
        let raw = raw ?? Array(name.utf8)
        claims += 1
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let claim = "\(Int(ts.tv_sec) * 1_000_000_000 + Int(ts.tv_nsec) + claims)"
        let work = claim + "/" + name
        let path = config.work + "/" + work
        let renamed = raw != Array(name.utf8)
        do throws(FileError) {
            guard mkdir(config.work + "/" + claim, 0o755) == 0 else { throw FileError("cannot create directory work/\(claim)") }
            // The marker goes first, whether it vouched for the file or was older than it (left
            // from an earlier file of this name): a crash between the two leaves the file without
            // it (taken once it settles), never a marker beside tomorrow's file of the same name.
            let marker = FileBytes.cPath(config.inbox, raw + Array(".ok".utf8))
            if unlink(marker) == 0, !marked {
                note(
                    "warning", "stale-marker", file: name,
                    "\(name).ok was older than the file (left from an earlier file?), so not trusted: taken once settled; removed with it")
            }
            try FileBytes.rename(cPath: FileBytes.cPath(config.inbox, raw), shown: config.inbox + "/" + name, path)
        } catch {
            FileBytes.remove(config.work + "/" + claim)
            if error.code == ENOENT {
                note(
                    "warning", "vanished", file: name,
                    "gone from the inbox before it could be claimed (removed or taken by another process)")
            } else {
                note("error", "claim-failed", file: name, "\(error); left in the inbox")
            }
            return false
        }
        if renamed {
            let bytes = raw.map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true) }
            note(
                "warning", "name-not-utf8", file: name,
                "the name's bytes \"\(bytes.joined())\" are not UTF-8; read as Windows-1252 (Latin-1), it is \(name) from now on"
                    + " (work/, journal, outputs, done/)")
        }
        // No fsync here: a claim lost to a power cut puts the file back in the inbox, not yet
        // run; the `claimed` journal entry below is synced before anything is run.
        summary.taken += 1
        let hash: (hash: String, size: Int)
        do { hash = try FileBytes.sha256(path) } catch {
            note("error", "unreadable", file: name, "\(error); left in work/ for the next start")
            summary.left += 1
            return true
        }
        process(path, work: work, file: name, hash: hash)
        return true
    }

    /// Runs a claimed file's pipeline and files it away.
    private func process(_ path: String, work: String, file: String, hash: (hash: String, size: Int)) {
        if let first = journal.done(hash: hash.hash) {
            let entry = JournalEntry(
                .duplicate, file: file, work: work, sha256: hash.hash, size: hash.size,
                reason: "same content as \(first.file), done \(first.at)")
            guard journaled(entry) else {
                summary.left += 1
                return
            }
            note(
                "warning", "duplicate", file: file,
                "same content (sha256 \(hash.hash.prefix(12))…) as \(first.file), done \(first.at); not processed again")
            if fileAway(path, into: config.duplicates, name: file) { summary.duplicates += 1 }
            return
        }
        guard let rule = config.rule(for: file) else {
            let patterns = config.rules.map(\.pattern).joined(separator: ", ")
            fail(
                path, work: work, file: file, hash: hash, pipeline: nil, reason: "no rule matches \"\(file)\" (patterns: \(patterns))",
                diagnostics: [])
            return
        }
        let pipeline = rule.pipeline.name
        guard journaled(JournalEntry(.claimed, file: file, work: work, sha256: hash.hash, size: hash.size, pipeline: pipeline)) else {
            summary.left += 1
            return
        }
        let directory = directoryOf(path)
        let staging = directory + "/.run"
        FileBytes.remove(staging)
        let job = WatchJob(
            input: path, directory: directory, file: file, rule: rule, out: staging + "/out", scratch: staging + "/tmp", date: today())
        do {
            try FileBytes.makeDirectory(job.out)
            try FileBytes.makeDirectory(job.scratch)
        } catch {
            note("error", "staging", file: file, "\(error); left in work/ for the next start")
            summary.left += 1
            return
        }
        defer { FileBytes.remove(staging) }
        note("info", "taken", file: file, "running pipeline \(pipeline) (sha256 \(hash.hash.prefix(12))…, \(hash.size) bytes)")
        let outcome = run(job)
        // Rejected records are accepted with `accept_rejects`; a stage whose input was broken as a
        // whole (an outcome with a reason: the run stopped) never is.
        let accepted = outcome.status == 0 || (outcome.status == 65 && rule.acceptRejects && outcome.reason == nil)
        guard accepted else {
            let reason = outcome.reason ?? "pipeline \(pipeline) exited with status \(outcome.status)"
            fail(path, work: work, file: file, hash: hash, pipeline: pipeline, reason: reason, diagnostics: outcome.diagnostics)
            return
        }
        do {
            let outputs = try commit(job.out, work: work, file: file, hash: hash, pipeline: pipeline, appends: outcome.appends)
            guard
                journaled(
                    JournalEntry(.done, file: file, work: work, sha256: hash.hash, size: hash.size, pipeline: pipeline, outputs: outputs))
            else {
                summary.left += 1
                return
            }
            note("info", "done", file: file, "pipeline \(pipeline) exit \(outcome.status); outputs: \(outputs.joined(separator: ", "))")
            // What its stages said (rejected records, warnings, their summaries; the runner keeps
            // the first lines and counts the rest) stays in the log: a run done with rejects is
            // not silent about them.
            for line in outcome.diagnostics {
                note(line.contains(": error: ") ? "error" : line.contains(": warning: ") ? "warning" : "info", "stage", file: file, line)
            }
            if fileAway(path, into: config.done + "/" + job.date, name: file) { summary.done += 1 }
        } catch {
            fail(path, work: work, file: file, hash: hash, pipeline: pipeline, reason: error.description, diagnostics: outcome.diagnostics)
        }
    }

    /// Moves staged outputs into `out/`, then makes the stages' appends. An output name already
    /// in `out/` is refused unless a `committing` entry of this same work item says an
    /// interrupted run put it there.
    private func commit(
        _ staged: String, work: String, file: String, hash: (hash: String, size: Int), pipeline: String, appends: [any DeferredAppend]
    ) throws(CommitError) -> [String] {
        let names: [String]
        do { names = try FileBytes.files(under: staged) } catch { throw CommitError(description: error.description) }
        let mine = journal.committing(work: work)
        for name in names where FileBytes.exists(config.out + "/" + name) && !mine.contains("out/" + name) {
            throw CommitError(description: "output out/\(name) already exists (written for another input); nothing was replaced")
        }
        let outputs = names.map { "out/" + $0 }
        guard
            journaled(
                JournalEntry(
                    .committing, file: file, work: work, sha256: hash.hash, size: hash.size, pipeline: pipeline, outputs: outputs,
                    appends: appends.map(\.record)))
        else {
            throw CommitError(description: "the journal cannot be written")
        }
        for name in names {
            do {
                // An output in a folder of {out} (`{out}/{date}/…`) goes into that folder of out/.
                if name.contains("/") { try FileBytes.makeDirectory(directoryOf(config.out + "/" + name)) }
                try FileBytes.rename(staged + "/" + name, config.out + "/" + name)
            } catch {
                throw CommitError(description: error.description)
            }
        }
        // What an interrupted commit of this same file moved into out/ under names this run
        // did not write (a rerun on a later day: another {date}) is not replaced by a rename:
        // it goes, so that out/ holds one set of outputs per done file. A crash before this
        // leaves them listed in a `committing` entry, for the next rerun to remove.
        let superseded = mine.subtracting(outputs).filter { FileBytes.exists(config.folder + "/" + $0) }.sorted()
        for output in superseded {
            guard unlink(config.folder + "/" + output) == 0 || errno == ENOENT else {
                throw CommitError(description: FileError("cannot remove \(output), left by an interrupted run of this file").description)
            }
        }
        FileBytes.syncDirectory(of: config.out + "/x")
        if !superseded.isEmpty {
            note(
                "warning", "outputs-superseded", file: file,
                "\(superseded.joined(separator: ", ")), moved into out/ by an interrupted run of this file, removed: this run wrote "
                    + outputs.joined(separator: ", "))
        }
        // Last, once every output is in out/ and synced: a letter recorded in a history is in
        // an output. A crash before an append reruns the file on the same state; after them,
        // recovery sees them made and only journals `done` (see `recover`).
        for append in appends {
            do { try append.commit() } catch {
                throw CommitError(description: "\(error) (the outputs are withdrawn: what they hold was not recorded)")
            }
        }
        return outputs
    }

    struct CommitError: Error, CustomStringConvertible { var description: String }

    /// Files a failed input: `failed/NAME.error.json` (why), the journal, then the input itself.
    private func fail(
        _ path: String, work: String, file: String, hash: (hash: String, size: Int), pipeline: String?, reason: String,
        diagnostics: [String], journaled already: Bool = false
    ) {
        let target = FileBytes.freeName(config.failed, file)
        var w = JSONObjectWriter()
        w.string("file", file)
        w.string("sha256", hash.hash)
        w.int("size", hash.size)
        if let pipeline { w.string("pipeline", pipeline) }
        w.string("reason", DocumentMask.mask(reason))
        w.raw("diagnostics", json: JSONValue.array(diagnostics.map { .string(DocumentMask.mask($0)) }).bytes)
        w.string("at", Clock.timestamp())
        do {
            try FileBytes.writeAtomically(target + ".error.json", w.finish() + [10])
        } catch {
            note("error", "failed-unwritable", file: file, "\(error); left in work/ for the next start")
            summary.left += 1
            return
        }
        if !already {
            guard
                journaled(
                    JournalEntry(.failed, file: file, work: work, sha256: hash.hash, size: hash.size, pipeline: pipeline, reason: reason))
            else {
                summary.left += 1
                return
            }
        }
        note("error", "failed", file: file, reason + (diagnostics.isEmpty ? "" : " — " + diagnostics.prefix(3).joined(separator: " | ")))
        // Outputs an interrupted commit of this same file had already moved into out/: a failed
        // file has none there (out/ holds the outputs of done files only). They are kept beside
        // its error file.
        let stray = journal.committing(work: work).filter { FileBytes.exists(config.folder + "/" + $0) }.sorted()
        if !stray.isEmpty {
            let keep = target + ".outputs"
            try? FileBytes.makeDirectory(keep)
            for output in stray {
                // Under its path in out/ (`out/2026-12-01/A.jsonl` → `2026-12-01/A.jsonl`).
                let kept = keep + "/" + output.split(separator: "/").dropFirst().joined(separator: "/")
                try? FileBytes.makeDirectory(directoryOf(kept))
                try? FileBytes.rename(config.folder + "/" + output, kept)
            }
            note("warning", "outputs-withdrawn", file: file, "\(stray.joined(separator: ", ")) moved to failed/ beside its error file")
        }
        do {
            try FileBytes.rename(path, target)
            FileBytes.syncDirectory(of: target)
            FileBytes.remove(directoryOf(path))
            summary.failed += 1
        } catch {
            note("error", "move-failed", file: file, "\(error); left in work/ for the next start")
            summary.left += 1
        }
    }

    /// Moves an input into `dir` under a free name, and removes its claim directory. When it
    /// cannot, says so, counts the file as left in `work/` and returns false.
    private func fileAway(_ path: String, into dir: String, name: String) -> Bool {
        do {
            try FileBytes.makeDirectory(dir)
            let target = FileBytes.freeName(dir, name)
            try FileBytes.rename(path, target)
            FileBytes.syncDirectory(of: target)
            FileBytes.remove(directoryOf(path))
            return true
        } catch {
            note("error", "move-failed", file: name, "\(error); left in work/ for the next start")
            summary.left += 1
            return false
        }
    }

    /// Appends to the journal; on failure logs it and returns false (the file stays in work/).
    private func journaled(_ entry: JournalEntry) -> Bool {
        do {
            try journal.append(entry)
            return true
        } catch {
            note("error", "journal", file: entry.file, "\(error); the file stays in work/ for the next start")
            return false
        }
    }

    /// Logs one JSONL line, CPF/CNPJ masked in the text before it is encoded: in the encoded
    /// line a document after an escape (`\r`, `\u001b`) follows a letter and would be missed.
    func note(_ level: String, _ event: String, file: String?, _ message: String) {
        var w = JSONObjectWriter()
        w.string("at", Clock.timestamp())
        w.string("level", level)
        w.string("event", event)
        if let file { w.string("file", DocumentMask.mask(file)) }
        w.string("message", DocumentMask.mask(message))
        log(w.finish() + [10])
    }
}
