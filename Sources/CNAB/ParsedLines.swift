import FixedWidth
import Foundation
import Records

/// JSONL lines read and parsed into tapes ahead of the writer, on a thread of their own: the
/// writer's state (sequence numbers, batches, counts) stays on the caller's thread, so the bytes
/// written are the same. Batches of lines go round between the two threads (at most `inFlight`
/// exist), so memory stays constant. Coordinated by a `Monitor`, as `WorkerPool` and
/// `ReadAhead` are.
final class ParsedLines: @unchecked Sendable {
    /// Lines parsed together: their tapes, whether each parsed as an object, and the raw lines.
    final class Batch {
        var tapes: [JSONTape] = []
        var parsed: [Bool] = []
        var cut: [Bool] = []
        var numbers: [Int] = []
        var raw: [UInt8] = []
        var rawEnds: [Int] = []
        var count = 0
        /// The input ended after these lines.
        var last = false
        var error: (any Error)? = nil

        func removeAll() {
            count = 0
            raw.removeAll(keepingCapacity: true)
            rawEnds.removeAll(keepingCapacity: true)
            parsed.removeAll(keepingCapacity: true)
            cut.removeAll(keepingCapacity: true)
            numbers.removeAll(keepingCapacity: true)
            last = false
        }

        /// The raw bytes of line `k`.
        func raw(_ k: Int) -> ArraySlice<UInt8> { raw[(k == 0 ? 0 : rawEnds[k - 1])..<rawEnds[k]] }
    }

    static let linesPerBatch = 64
    static let bytesPerBatch = 1 << 20
    static let inFlight = 4
    /// A tape grown past this (a very long line) is dropped after use rather than kept.
    static let largestKeptTape = 1 << 16

    let monitor = Monitor()
    /// Guarded by `monitor`.
    var free: [Batch] = []
    var full: [Batch] = []
    var stopping = false
    var running = true

    /// Starts reading `source` on a new thread.
    init(_ source: ByteSource) {
        free = (0..<Self.inFlight).map { _ in Batch() }
        let box = SourceBox(source)
        let thread = Thread { [self] in produce(box.source) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Hands the source to the reading thread, which alone uses it from then on.
    final class SourceBox: @unchecked Sendable {
        let source: ByteSource
        init(_ source: ByteSource) { self.source = source }
    }

    /// The next batch in input order (waits for it).
    func next() -> Batch {
        monitor.locked {
            while full.isEmpty { monitor.wait() }
            return full.removeFirst()
        }
    }

    /// Gives a batch back to be filled again.
    func recycle(_ batch: Batch) {
        for k in 0..<batch.tapes.count where batch.tapes[k].nodes.count > Self.largestKeptTape { batch.tapes[k] = JSONTape() }
        batch.removeAll()
        monitor.locked {
            free.append(batch)
            monitor.signal()
        }
    }

    /// Stops the reading thread at its next batch; waits for it when `wait` (not after an
    /// error: it may be blocked reading an input that never ends).
    func stop(wait: Bool) {
        monitor.locked {
            stopping = true
            monitor.signal()
            while wait && running { monitor.wait() }
        }
    }

    func take() -> Batch? {
        monitor.locked {
            while free.isEmpty && !stopping { monitor.wait() }
            return stopping ? nil : free.removeLast()
        }
    }

    func hand(_ batch: Batch) {
        monitor.locked {
            full.append(batch)
            monitor.signal()
        }
    }

    func produce(_ source: ByteSource) {
        defer {
            monitor.locked {
                running = false
                monitor.signal()
            }
        }
        guard var batch = take() else { return }
        var reader = LineReader(source, maxLineLength: LineReader.maxJSONLLineLength)
        defer { reader.close() }
        var stopped = false
        do {
            try reader.forEachLine { bytes, number, cut in
                if batch.count == Self.linesPerBatch || batch.raw.count >= Self.bytesPerBatch {
                    hand(batch)
                    guard let next = take() else {
                        stopped = true
                        return false
                    }
                    batch = next
                }
                let line = ParsedLines.trimmed(bytes)
                let k = batch.count
                if k == batch.tapes.count { batch.tapes.append(JSONTape()) }
                batch.parsed.append(
                    !cut && !line.isEmpty && JSONReader.parseRecord(line, into: &batch.tapes[k]) && batch.tapes[k][0].kind == .object)
                batch.cut.append(cut)
                batch.numbers.append(number)
                batch.raw.append(contentsOf: line)
                batch.rawEnds.append(batch.raw.count)
                batch.count += 1
                return true
            }
        } catch {
            batch.error = error
        }
        if stopped { return }
        batch.last = true
        hand(batch)
    }

    /// A line without its trailing CR, blanks and tabs.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var hi = bytes.count
        while hi > 0, bytes[hi - 1] == 0x0D || bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[0..<hi])
    }
}
