import Foundation
import Records

#if canImport(Glibc)
    import Glibc
#endif

/// Refuses a command line whose output file is one of its inputs, before anything is read or
/// written: `--output p.jsonl p.jsonl` (or `--rejects` naming the agreements, a map, a rules
/// file…) would otherwise replace the input with what was made from it, and inputs are never
/// modified (DESIGN.md). Files are compared by device and inode, so `./x` and `x`, a hard link
/// and a symbolic link to the input are caught; an output that does not exist yet is no input,
/// and one that is not a regular file (`/dev/null`, a FIFO) is written without replacing
/// anything. An output that is a directory is refused as such (`refuseDirectories`).
enum OutputCheck {
    /// The options that name a file a command writes.
    static let outputOptions = ["output", "rejects"]

    /// Throws a usage error when an output of `args` is the same file as an input: a positional
    /// or the value of one of `inputOptions`.
    static func refuseInputsAsOutputs(_ args: Arguments, inputOptions: Set<String>, readsStandardInput: Bool, io: IO) throws(UsageError) {
        // --output and --rejects naming one file: each would replace the other's records.
        // (Both may be /dev/null or another file that is not a regular one.)
        if let output = args.values["output"]?.first, let rejects = args.values["rejects"]?.first {
            let a = io.path(output), b = io.path(rejects)
            let fa = FileID(a), fb = FileID(b)
            let same = fa != nil && fb != nil ? fa == fb : (a as NSString).standardizingPath == (b as NSString).standardizingPath
            if same && fa?.isRegular ?? true {
                throw UsageError(
                    message: "--rejects \(rejects) is the --output file: the records and the rejects would replace each other; give two files")
            }
        }
        var outputs: [(option: String, path: String, file: FileID)] = []
        for option in outputOptions {
            for path in args.values[option] ?? [] {
                if let file = FileID(io.path(path)), file.isRegular { outputs.append((option, path, file)) }
            }
        }
        guard !outputs.isEmpty else { return }
        var inputs: [(label: String, path: String)] = args.positionals.filter { $0 != "-" }.map { ("the input", $0) }
        for option in inputOptions.sorted() {
            for path in args.values[option] ?? [] { inputs.append(("the --\(option) file", path)) }
        }
        var files = inputs.map { (label: $0.label, path: $0.path, file: FileID(io.path($0.path))) }
        // Standard input, when the command reads it (`Command.readsStandardInput`).
        if let fd = io.stdinDescriptor, readsStandardInput {
            files.append(("standard input", "", FileID(descriptor: fd)))
        }
        for input in files {
            guard let file = input.file else { continue }
            for output in outputs where output.file == file {
                let same = input.path.isEmpty || output.path == input.path ? "" : " \(input.path)"
                throw UsageError(
                    message: "--\(output.option) \(output.path) is \(input.label)\(same): an input is never overwritten; write to another file")
            }
        }
    }

    /// Throws when `--output` or `--rejects` names a directory, before anything is read: the
    /// file would be written whole in a temporary file beside it and only then fail to be
    /// renamed over the directory (exit 74 after the summary said the records were written).
    /// `directories` are the options a command takes a directory for (`cnab write --output`,
    /// which names its file by the bank's rule). A symbolic link to a directory is one.
    static func refuseDirectories(_ args: Arguments, allowing directories: Set<String>, io: IO) throws(OutputRefusal) {
        for option in outputOptions where !directories.contains(option) {
            for path in args.values[option] ?? [] {
                var info = stat()
                guard stat(io.path(path), &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
                throw OutputRefusal(
                    diagnostic: Diagnostic(.error, "output.directory", "--\(option) names a directory; give a file name", file: path))
            }
        }
    }

    /// What tells one file from another: its device and inode.
    struct FileID: Equatable {
        let device: UInt64
        let inode: UInt64
        let isRegular: Bool

        /// The file `path` names (through symbolic links), or nil when there is none.
        init?(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            isRegular = info.st_mode & S_IFMT == S_IFREG
        }

        /// The file open on `descriptor`, or nil when there is none.
        init?(descriptor: Int32) {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            isRegular = info.st_mode & S_IFMT == S_IFREG
        }

        static func == (a: FileID, b: FileID) -> Bool { a.device == b.device && a.inode == b.inode }
    }
}

/// An output a command line names that cannot be made (exit 73), said as a diagnostic.
struct OutputRefusal: Error {
    var diagnostic: Diagnostic
}
