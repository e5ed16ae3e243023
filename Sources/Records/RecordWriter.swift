/// Collects JSONL output in one large buffer and hands it to a flush function (a file
/// descriptor writer in the CLI, memory in tests) when it grows past `threshold`: one write per
/// 256 KiB, never one per line.
public final class RecordWriter {
    /// Bytes of records not yet flushed. Writers append a record's JSON, then call `endRecord()`.
    public var buffer: ByteBuffer
    /// Records ended so far.
    public private(set) var records = 0
    let threshold: Int
    let flush: (UnsafeBufferPointer<UInt8>) throws -> Void

    /// Creates a writer that calls `flush` with each full buffer.
    public init(threshold: Int = 256 << 10, flush: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void) {
        self.threshold = threshold
        self.flush = flush
        buffer = ByteBuffer(capacity: threshold + 64 << 10)
    }

    deinit { buffer.deallocate() }

    /// Lends the buffer for appending one record (a single access, however many appends).
    @inline(__always)
    public func withBuffer<R>(_ body: (inout ByteBuffer) throws -> R) rethrows -> R {
        try body(&buffer)
    }

    /// Ends the record just appended with a newline, flushing when the buffer is full.
    @inline(__always)
    public func endRecord() throws {
        buffer.append(0x0A)
        records += 1
        if buffer.count >= threshold {
            try flush(buffer.bytes)
            buffer.removeAll()
        }
    }

    /// Appends one complete record (JSON object bytes, without newline).
    public func write(_ record: [UInt8]) throws {
        buffer.append(record)
        try endRecord()
    }

    /// Flushes what is left.
    public func finish() throws {
        if buffer.count > 0 {
            try flush(buffer.bytes)
            buffer.removeAll()
        }
    }
}

/// Receives a stage's diagnostics and remembers how many of each severity it saw.
public final class DiagnosticSink {
    /// Errors reported so far.
    public private(set) var errors = 0
    /// Warnings reported so far.
    public private(set) var warnings = 0
    let handler: (Diagnostic) -> Void

    /// Creates a sink that passes each diagnostic to `handler`.
    public init(_ handler: @escaping (Diagnostic) -> Void) { self.handler = handler }

    /// Reports one diagnostic.
    public func report(_ d: Diagnostic) {
        if d.severity == .error { errors += 1 } else if d.severity == .warning { warnings += 1 }
        handler(d)
    }
}
