import FixedWidth
import Foundation
import Records
import Watch

#if canImport(Glibc)
    import Glibc
#endif

/// The process's outside world, passed in so that golden tests run commands in-process.
public struct IO {
    /// Opens standard input.
    public var stdin: () -> ByteSource
    /// Writes bytes to standard output; throws `BrokenPipe` when the reader went away.
    public var stdout: (UnsafeBufferPointer<UInt8>) throws -> Void
    /// Writes bytes to standard error.
    public var stderr: ([UInt8]) -> Void
    /// Environment variables.
    public var environment: [String: String]
    /// The directory relative paths are resolved against.
    public var currentDirectory: String
    /// Called by a stage whose input is broken as a whole (a structural error, a file that is not
    /// CSV): its exit is 65 as for rejected records, but a pipeline must not keep its output.
    public var inputBroken: (() -> Void)? = nil
    /// Set by `troca run` for its stages: their `--rejects` files are renamed into place when
    /// the whole run ends, not when the stage does (a stopped run leaves none).
    var runFiles: RunFiles? = nil
    /// True for the real process, which exits as soon as the command returns: a command may
    /// leave its large in-memory tables to the exit (`keepUntilExit`) instead of freeing them
    /// object by object, which took `reconcile` of a million payments half a second. False
    /// in-process (tests, the stages of `troca run` and `troca watch`), where memory is freed.
    public var exitsAfterCommand = false
    /// Whether the files a stage reads may be mapped into memory (faster than read(2)). False
    /// for the stages of `troca watch`: a file another process truncates while it is mapped
    /// raises SIGBUS, which stops the process (exit 74); a watcher must rather fail that one
    /// file, as a short read does, and go on.
    public var mapsInputs = true
    /// The file descriptor `stdin` reads, when it is one (the real process: 0), so that an
    /// output file that is the file redirected to standard input is refused (`OutputCheck`).
    public var stdinDescriptor: Int32? = nil

    /// Opens a file a stage reads (`path` as given, `name` as messages call it), to be mapped
    /// or not as `mapsInputs` says.
    func file(_ path: String, name: String) throws(InputError) -> FileSource {
        let file = try FileSource(path: path, name: name)
        file.mayMap = mapsInputs
        return file
    }

    /// Keeps `value` alive until the process exits, when it exits after this command; else does
    /// nothing (the value is freed as usual).
    func keepUntilExit(_ value: Any) {
        guard exitsAfterCommand else { return }
        ExitHold.values.append(value)
    }

    /// Creates an IO.
    public init(
        stdin: @escaping () -> ByteSource, stdout: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void,
        stderr: @escaping ([UInt8]) -> Void, environment: [String: String], currentDirectory: String, exitsAfterCommand: Bool = false
    ) {
        self.exitsAfterCommand = exitsAfterCommand
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    /// The real process: file descriptors 0, 1, 2.
    public static var process: IO {
        var io = IO(
            stdin: { FileSource(descriptor: 0, name: "-") },
            stdout: {
                // Named, as an --output file is: "No space left on device" alone does not say
                // which of a command's outputs could not be written.
                do { try FileDescriptorOutput.write(1, UnsafeRawBufferPointer($0)) } catch let e as WriteError {
                    throw WriteError(description: "cannot write standard output: \(e.description)")
                }
            },
            stderr: { bytes in try? bytes.withUnsafeBytes { try FileDescriptorOutput.write(2, $0) } },
            environment: Environment.troca,
            currentDirectory: FileManager.default.currentDirectoryPath, exitsAfterCommand: true)
        io.stdinDescriptor = 0
        return io
    }

    /// Resolves a user-given path against the current directory.
    public func path(_ p: String) -> String {
        p.hasPrefix("/") ? p : (currentDirectory as NSString).appendingPathComponent(p)
    }

    /// Writes text to standard output.
    public func write(_ text: String) throws {
        try Array(text.utf8).withUnsafeBufferPointer { try stdout($0) }
    }

    /// Prints `troca: message` on stderr, one line: a control character in it (from an input
    /// quoted by a message built by hand, such as a template's `FILE:LINE:COL: error: …`, a
    /// usage error's value) is shown by its code, as `Diagnostic.formatted` shows it; text
    /// already shown so is unchanged.
    public func say(_ message: String) {
        stderr(Array("troca: \(Diagnostic.showingControls(message))\n".utf8))
    }
}

/// What the process keeps for its exit (`IO.keepUntilExit`): written only by the one command of
/// a process that exits after it, on its own thread.
enum ExitHold {
    nonisolated(unsafe) static var values: [Any] = []
}

/// The reader of our output has gone (`| head`): not an error.
public struct BrokenPipe: Error {
    /// Creates the error.
    public init() {}
}

/// Writing failed for another reason.
public struct WriteError: Error, CustomStringConvertible {
    /// The system's reason.
    public var description: String
}

enum FileDescriptorOutput {
    static func write(_ fd: Int32, _ buf: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < buf.count {
            let n = Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw BrokenPipe() }
                throw WriteError(description: String(cString: strerror(errno)))
            }
            done += n
        }
    }
}

/// An output file written atomically: a temporary file beside the target, renamed over it on
/// `commit()`, removed on `abort()` (or if neither is called).
final class AtomicFile {
    let target: String
    let temp: String
    let fd: Int32
    var done = false
    /// The run whose end renames it: `commit()` hands the file to it instead (see `RunFiles`).
    var run: RunFiles?
    /// Writing straight into `target`: it is not a regular file (`/dev/null`, a FIFO, a
    /// terminal), which a rename would replace (as root, `--output /dev/null` used to turn
    /// /dev/null into a regular file).
    let direct: Bool

    init(path: String, heldBy run: RunFiles? = nil) throws {
        target = path
        self.run = run
        var info = stat()
        // A directory is refused now, not once the whole file is written beside it and cannot
        // be renamed over it (`OutputCheck.refuseDirectories` says so for --output and --rejects
        // before a command runs; this is for the other outputs, e.g. a pipeline's "output").
        let exists = stat(path, &info) == 0
        if exists, info.st_mode & S_IFMT == S_IFDIR {
            throw WriteError(description: "cannot create \(path): \(String(cString: strerror(EISDIR))); give a file name")
        }
        if exists, info.st_mode & S_IFMT != S_IFREG {
            let fd = open(path, O_WRONLY)
            guard fd >= 0 else { throw WriteError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
            self.fd = fd
            temp = path
            direct = true
            return
        }
        direct = false
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        // The name is noted for removal (a signal's handler may run on any thread at any time)
        // before the file is made, with O_EXCL as mkstemp(3) makes it: a stop between the two
        // leaves nothing, where noting it after mkstemp left a window for an orphan file.
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        var attempts = 0
        while true {
            let suffix = String(decoding: (0..<6).map { _ in letters[Int(generator.next(upperBound: UInt64(letters.count)))] }, as: UTF8.self)
            let name = (dir.isEmpty ? "." : dir) + "/.\(base).tmp." + suffix
            let slot = MappedInput.removeIfStopped(name)
            let fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 {
                self.fd = fd
                temp = name
                cleanupSlot = slot
                fchmod(fd, 0o644)
                return
            }
            let failure = errno
            MappedInput.forget(slot)
            attempts += 1
            guard failure == EEXIST, attempts < 100 else {
                throw WriteError(description: "cannot create \(path): \(String(cString: strerror(failure)))")
            }
        }
    }

    /// Where `MappedInput` keeps the temporary path, to remove it if troca is stopped (SIGBUS).
    var cleanupSlot = -1

    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        do { try FileDescriptorOutput.write(fd, UnsafeRawBufferPointer(bytes)) } catch let e as WriteError {
            throw WriteError(description: "cannot write \(target): \(e.description)")
        }
    }

    func commit() throws {
        guard !done else { return }
        if let run {
            self.run = nil
            run.hold(self)
            return
        }
        done = true
        if direct {
            close(fd)
            return
        }
        fsync(fd)
        close(fd)
        defer { MappedInput.forget(cleanupSlot) }
        guard rename(temp, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw WriteError(description: "cannot rename into \(target): \(reason)")
        }
    }

    /// Commits under the first of `paths` that names no file yet, letter case aside (a hard
    /// link, which never replaces a file, so two writers cannot take the same name); returns the
    /// path taken. Bank names differ in case only (Bradesco CB301104.REM, our remessa-….rem) and
    /// a bank's server, or a Windows or macOS share, takes CB301104.rem and CB301104.REM for
    /// one file: a name taken in any case is skipped. A name linked while another writer made
    /// the same one in another case is given up again (only our own link is ever removed), and
    /// the next is tried.
    func commitNew(_ paths: [String]) throws -> String {
        guard !done else { throw WriteError(description: "\(target) was already committed") }
        guard !direct else { throw WriteError(description: "\(target) is not a regular file") }
        done = true
        fsync(fd)
        close(fd)
        defer {
            unlink(temp)
            MappedInput.forget(cleanupSlot)
        }
        /// The names in `path`'s directory that are `path`'s, case aside (itself included).
        func sameNames(_ path: String) -> [String] {
            let dir = (path as NSString).deletingLastPathComponent
            let name = (path as NSString).lastPathComponent.lowercased()
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)) ?? []
            return entries.filter { $0.lowercased() == name }
        }
        for path in paths {
            guard sameNames(path).isEmpty else { continue }
            if link(temp, path) == 0 {
                if sameNames(path).count == 1 { return path }
                unlink(path)
                continue
            }
            guard errno == EEXIST else {
                throw WriteError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }
        throw WriteError(description: "every name the bank's rule gives is taken (\(paths.first ?? "?") … \(paths.last ?? "?"))")
    }

    func abort() {
        guard !done else { return }
        done = true
        close(fd)
        if !direct { unlink(temp) }
        MappedInput.forget(cleanupSlot)
    }

    deinit { abort() }
}

/// The files the stages of one `troca run` committed beside its output (their `--rejects`):
/// held, written but under their temporary names, until the run ends. A run that ends renames
/// them into place with its output; a run that stops removes them with it, so a stopped run
/// leaves nothing of its own behind and a previous run's files stay as they were.
///
/// It holds too the changes to files kept across runs that a stage prepared — the letters a
/// `letters select --commit` stage selected (`HistoryAppend`), the NSA a `cnab write
/// --sequence-file` stage used (`SequenceCommit`) — to be made only once the run's outputs are in
/// place: after `commit()` for `troca run`, after the move into `out/` for `troca watch`. One per
/// run: a second stage that would keep one is refused (it would wait for the first one's lock
/// forever when it names the same file, and a crash between two changes would leave half a
/// commit).
/// A change to a file kept across runs that a stage of `troca run` or `troca watch` prepared and
/// that waits for the run's outputs (`RunFiles`); the stage's lock on the file is held until it
/// is made or released.
protocol StateCommit: DeferredAppend {
    /// The file, as the user named it (for messages).
    var stateName: String { get }
    /// What was recorded, for the run's last line: `8 letters appended to sent.jsonl`.
    var summary: String { get }
    /// What would not be recorded if it failed: `their 8 letters`.
    var what: String { get }
}

final class RunFiles {
    private var held: [AtomicFile] = []
    private(set) var appends: [any StateCommit] = []
    /// Whether the run's outputs, a stage's own `--output {out}/…` among them, are only staged
    /// when it ends (`troca watch`: moved into out/ at its commit, removed if the file fails):
    /// then no file a stage wrote is in place before the run's commit.
    let outputsStaged: Bool

    init(outputsStaged: Bool = false) { self.outputsStaged = outputsStaged }

    func hold(_ file: AtomicFile) { held.append(file) }

    /// Keeps an append for the run's end.
    func hold(_ append: any StateCommit) { appends.append(append) }

    /// Renames each held file into place, in the order the stages committed them.
    func commit() throws {
        for file in held { try file.commit() }
    }

    /// Removes the held files not renamed yet, and drops the state changes not handed on (their
    /// files' locks are released when nothing holds them).
    func abort() {
        for file in held { file.abort() }
        appends.removeAll()
    }
}
