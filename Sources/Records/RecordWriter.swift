import Foundation

/// Fills the holes a writer's records left for work done later, on another thread (see
/// `RecordWriter.hole`). A context is immutable: when what it knows changes, the writer is cut
/// first and given a new one.
public protocol HoleFiller: AnyObject, Sendable {
    /// Appends the JSON for the hole whose payload starts at `payload`.
    func fill(_ payload: UnsafeRawPointer, into out: inout ByteBuffer)
}

/// Collects JSONL output in one large buffer and hands it to a flush function (a file
/// descriptor writer in the CLI, memory in tests) when it grows past `threshold`: one write per
/// 256 KiB, never one per line.
///
/// A record may leave a hole (`hole`) with a payload of bytes for a `HoleFiller`. A full buffer
/// with holes is a chunk: it is formatted on a worker thread while the caller goes on reading,
/// and chunks are flushed in order by the caller's thread, at most `inFlight` of them pending.
/// The bytes written are the same as if each hole had been filled in place.
public final class RecordWriter {
    /// What every record touches, behind a pointer: a class's stored properties are checked for
    /// exclusive access at run time on every use, memory behind a pointer is not.
    struct State {
        var buffer: ByteBuffer
        var payload: ByteBuffer
        var holes: [Hole] = []
        var records = 0
    }
    let state: UnsafeMutablePointer<State>

    /// Bytes of records not yet flushed. Writers append a record's JSON, then call `endRecord()`.
    public var buffer: ByteBuffer {
        get { state.pointee.buffer }
        set { state.pointee.buffer = newValue }
    }
    /// Records ended so far.
    public var records: Int { state.pointee.records }
    /// Where new holes' payloads go; their filler is `filler`.
    public private(set) var filler: HoleFiller?
    let threshold: Int
    let flush: (UnsafeBufferPointer<UInt8>) throws -> Void
    var holes: [Hole] { state.pointee.holes }
    var payload: ByteBuffer {
        get { state.pointee.payload }
        set { state.pointee.payload = newValue }
    }
    var pending: [Chunk] = []
    let inFlight: Int

    struct Hole {
        var at: Int
        var payload: Int
    }

    /// Creates a writer that calls `flush` with each full buffer.
    public init(threshold: Int = 256 << 10, flush: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void) {
        self.threshold = threshold
        self.flush = flush
        state = .allocate(capacity: 1)
        state.initialize(to: State(buffer: ByteBuffer(capacity: threshold + 64 << 10), payload: ByteBuffer(capacity: 64)))
        bufferSize = 4 * threshold + 64 << 10
        inFlight = 3
    }

    deinit {
        for chunk in pending { workers?.wait(chunk, &none); chunk.free() }
        for b in spares { b.deallocate() }
        workers?.stop()
        state.pointee.buffer.deallocate()
        state.pointee.payload.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Threads that format chunks besides the caller's (started with the first chunk).
    public var workerThreads = 1
    var workers: WorkerPool<Chunk, Void>?
    /// The caller's (empty) state when it formats chunks while waiting.
    var none: Void = ()

    /// Lends the buffer for appending one record (a single access, however many appends).
    @inline(__always)
    public func withBuffer<R>(_ body: (inout ByteBuffer) throws -> R) rethrows -> R {
        try body(&state.pointee.buffer)
    }

    /// Ends the record just appended with a newline, flushing when the buffer is full.
    @inline(__always)
    public func endRecord() throws {
        state.pointee.buffer.append(0x0A)
        state.pointee.records += 1
        if state.pointee.buffer.count >= threshold || state.pointee.payload.count >= 4 * threshold {
            try cut()
        }
    }

    /// Appends one complete record from memory (JSON object bytes, without newline) and ends
    /// it: `withBuffer` and `endRecord` in one call, with no closure (for writers in other
    /// modules, that call these per record).
    public func append(record: UnsafeBufferPointer<UInt8>) throws {
        state.pointee.buffer.appendBytes(record)
        try endRecord()
    }

    /// Appends one complete record (JSON object bytes, without newline).
    public func write(_ record: [UInt8]) throws {
        state.pointee.buffer.append(record)
        try endRecord()
    }

    /// Leaves a hole at the end of the buffer for `filler`, whose payload `body` appends. Call
    /// only when `filler` is set.
    @inline(__always)
    public func hole(_ body: (inout ByteBuffer) -> Void) {
        state.pointee.holes.append(Hole(at: state.pointee.buffer.count, payload: state.pointee.payload.count))
        body(&state.pointee.payload)
    }

    /// Sets the filler for holes from now on (the buffer so far is cut first).
    public func setFiller(_ new: HoleFiller?) throws {
        if !holes.isEmpty { try cut() }
        filler = new
    }

    /// Hands the buffer on: flushed now when it has no holes, else formatted on a worker.
    public func cut() throws {
        guard buffer.count > 0 else { return }
        if holes.isEmpty {
            try drain(keeping: 0)
            try flush(buffer.bytes)
            buffer.removeAll()
            return
        }
        let chunk = Chunk(literal: buffer, holes: holes, payload: payload, filler: filler!, result: spare())
        buffer = spare()
        payload = spare()
        state.pointee.holes.removeAll(keepingCapacity: true)
        pending.append(chunk)
        if workers == nil { workers = WorkerPool(threads: workerThreads, state: {}) { chunk, _ in chunk.format() } }
        workers!.submit(chunk)
        try drain(keeping: inFlight - 1)
    }

    /// Flushes pending chunks, oldest first, until at most `keeping` are left.
    func drain(keeping: Int) throws {
        while pending.count > keeping {
            let chunk = pending.removeFirst()
            workers!.wait(chunk, &none)
            defer { recycle(chunk) }
            do {
                try flush(chunk.result.bytes)
            } catch {
                for other in pending { workers!.wait(other, &none); other.free() }
                pending.removeAll()
                throw error
            }
        }
    }

    /// Buffers of flushed chunks, reused: fresh memory would cost a page fault per 4 KiB.
    var spares: [ByteBuffer] = []
    /// The capacity of a new spare: room for the largest payload before a cut (`endRecord`), so
    /// that none grows, copying what it holds, while the first chunks are made. (Pages are
    /// touched only as they are filled.)
    let bufferSize: Int

    func spare() -> ByteBuffer {
        if var b = spares.popLast() {
            b.removeAll()
            return b
        }
        return ByteBuffer(capacity: bufferSize)
    }

    func recycle(_ chunk: Chunk) {
        spares.append(chunk.literal)
        spares.append(chunk.payload)
        spares.append(chunk.result)
    }

    /// Flushes what is left.
    public func finish() throws {
        try cut()
        try drain(keeping: 0)
        workers?.stop()
        workers = nil
    }

    /// A full buffer with holes, and what fills them.
    final class Chunk: PoolJob, @unchecked Sendable {
        var literal: ByteBuffer
        let holes: [Hole]
        var payload: ByteBuffer
        let filler: HoleFiller
        var result: ByteBuffer

        init(literal: ByteBuffer, holes: [Hole], payload: ByteBuffer, filler: HoleFiller, result: ByteBuffer) {
            self.literal = literal
            self.holes = holes
            self.payload = payload
            self.filler = filler
            self.result = result
        }

        func format() {
            // Room for the whole result at once (a hole's JSON is under twice its payload for
            // títulos), so that it is not grown and copied as it fills.
            result.reserve(literal.count + 2 * payload.count)
            var from = 0
            for hole in holes {
                result.appendBytes(UnsafeBufferPointer(start: literal.base + from, count: hole.at - from))
                filler.fill(UnsafeRawPointer(payload.base + hole.payload), into: &result)
                from = hole.at
            }
            result.appendBytes(UnsafeBufferPointer(start: literal.base + from, count: literal.count - from))
        }

        func free() {
            literal.deallocate()
            payload.deallocate()
            result.deallocate()
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
