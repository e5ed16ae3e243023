import Foundation
import FixedWidth
import Records

/// What `CNABReader` is asked to do.
public struct CNABReadOptions: Sendable {
    /// Read with this layout instead of choosing one from the header.
    public var layout: String?
    /// Treat the file as this format instead of detecting it.
    public var format: CNABFormat?
    /// Read with this bank's layouts instead of the header's bank code.
    public var bank: String?
    /// Write records (`troca cnab parse`); false only checks (`troca cnab check`).
    public var emit: Bool
    /// Stop after more than this many rejected lines.
    public var maxRejects: Int?
    /// Threads that format títulos: 1 formats them on the reading thread, more hands full
    /// output chunks to workers (the bytes written are the same).
    public var threads: Int
    /// Bytes per read-ahead block (with more than one thread): 1 MiB; tests use small ones to
    /// cross block boundaries often.
    public var blockSize = 1 << 20

    /// `TROCA_THREADS` when set to a positive number, else the machine's active processors.
    public static var defaultThreads: Int {
        Environment.threads ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// Creates options.
    public init(
        layout: String? = nil, format: CNABFormat? = nil, bank: String? = nil, emit: Bool = true, maxRejects: Int? = nil,
        threads: Int = CNABReadOptions.defaultThreads
    ) {
        self.layout = layout
        self.format = format
        self.bank = bank
        self.emit = emit
        self.maxRejects = maxRejects
        self.threads = threads
    }
}

/// What a read did: every line is written, rejected or skipped (`lines == written + rejected + skipped`).
public struct CNABReadSummary: Sendable, Hashable {
    /// Lines read.
    public var lines = 0
    /// Lines that went into an output record (or, when checking, were accepted).
    public var written = 0
    /// Lines rejected, each reported with its raw bytes.
    public var rejected = 0
    /// Empty lines and end-of-file bytes.
    public var skipped = 0
    /// JSON records written.
    public var records = 0
    /// Títulos (remessa) or events (retorno) written.
    public var titles = 0
    /// A structural error makes the whole file untrustworthy (no header, trailer counts that
    /// contradict the file, UTF-16): an `--output` file must not be left behind.
    public var fatal = false
    /// The read stopped at `maxRejects`, a limit the caller set: the lines after it were not
    /// read, but what was written before is valid (not `fatal`).
    public var stopped = false
    /// The detected format.
    public var format: CNABFormat?
    /// The layout used for details.
    public var layout: String?
    /// `remessa` or `retorno`.
    public var direction: String?
    /// The bank code from the file header.
    public var bank: String?
}

/// Reads a CNAB file as a stream: detects format, direction and bank, checks the structure
/// (record order, batch numbers, sequences, trailer counts and totals), groups each título's
/// segments, and writes `file`, `batch`, `title`/`event` and `segment` records as JSONL.
public struct CNABReader {
    let library: LayoutLibrary
    let file: String
    let options: CNABReadOptions

    /// Creates a reader of `file` (the name used in diagnostics and `source`).
    public init(library: LayoutLibrary, file: String, options: CNABReadOptions = CNABReadOptions()) {
        self.library = library
        self.file = file
        self.options = options
    }

    /// Reads the whole source. Records go to `output` (when emitting), findings to `diagnostics`.
    /// Throws only for I/O failures and for layouts that cannot be loaded.
    public func read(_ source: ByteSource, output: RecordWriter?, diagnostics: DiagnosticSink) throws -> CNABReadSummary {
        var engine = CNABEngine(
            library: library, file: file, options: options, output: options.emit ? output : nil,
            diagnostics: diagnostics)
        if options.threads > 1 {
            try readAhead(source, &engine)
        } else {
            var reader = LineReader(source)
            defer { reader.close() }
            try reader.forEachLine { raw, number, cut in
                try engine.line(raw, number: number, cut: cut)
            }
        }
        try engine.finish()
        return engine.summary
    }

    /// The lines read, and their facts worked out, on another thread (see `ReadAhead`).
    func readAhead(_ source: ByteSource, _ engine: inout CNABEngine) throws {
        let ahead = ReadAhead(source, blockSize: options.blockSize)
        defer { ahead.stop() }
        var published = -1
        reading: while let block = try ahead.next() {
            // Facts worked out with the plan the engine has now; a line may change the plan (a
            // layout taken in the middle of a block), so it is asked again per line.
            let factsGeneration = block.generation
            // The block's arrays read through local copies (a class's properties would be
            // retained and checked for exclusive access on every line).
            let lines = block.lines
            let facts = block.facts
            let bytes = block.bytes
            var stopped = false
            try lines.withUnsafeBufferPointer { lines in
                try facts.withUnsafeBufferPointer { facts in
                    for i in 0..<lines.count {
                        let line = lines[i]
                        let raw = UnsafeBufferPointer(start: bytes + line.start, count: line.length)
                        let useFacts = factsGeneration >= 0 && factsGeneration == engine.generation
                        guard try engine.line(raw, number: line.number, cut: line.cut, facts: useFacts ? facts[i] : nil) else {
                            stopped = true
                            return
                        }
                    }
                }
            }
            if stopped { break reading }
            if engine.generation != published, let plan = engine.factsPlan() {
                ahead.publish(plan)
                published = engine.generation
            }
            ahead.recycle(block)
        }
    }
}
