import Boleto
import FixedWidth
import Foundation
import Records

/// `boleto make` on several threads: the lines are read in order into chunks of about 512 KiB,
/// each chunk is made into boletos on whichever thread is free (every thread with its own
/// `TitleBoletoMaker`), and the results are taken in order by the reading thread, which alone
/// writes, reports and counts — so the output, the diagnostics and the exit status are those of
/// one thread, whatever the timing.
final class BoletoChunks: @unchecked Sendable {
    /// One line's outcome, in the chunk's `output` when written.
    struct Outcome {
        enum Kind { case title, other, skipped, rejected }
        var kind: Kind
        var number: Int
        /// Written: the line's bytes in `output`. Rejected: the raw line in `input`.
        var start: Int
        var count: Int
        var error: BoletoError?
        var column = 0
        var source: String?
    }

    final class Chunk: @unchecked Sendable {
        var input: ByteBuffer
        /// Per line: where it starts in `input`, its length, its number, whether the reader cut it.
        var lines: [(start: Int, count: Int, number: Int, cut: Bool)] = []
        var output: ByteBuffer
        var outcomes: [Outcome] = []
        /// Guarded by the monitor.
        var state = 0  // 0 queued, 1 running, 2 done

        init(capacity: Int) {
            input = ByteBuffer(capacity: capacity)
            output = ByteBuffer(capacity: capacity * 2)
        }

        deinit {
            input.deallocate()
            output.deallocate()
        }

        func reset() {
            input.count = 0
            output.count = 0
            lines.removeAll(keepingCapacity: true)
            outcomes.removeAll(keepingCapacity: true)
            state = 0
        }

        /// Makes the boletos of every line with `maker`.
        func make(_ maker: inout TitleBoletoMaker) {
            for line in lines {
                let bytes = UnsafeBufferPointer(start: input.base + line.start, count: line.count)
                var hi = bytes.count
                while hi > 0, bytes[hi - 1] == 0x0D || bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
                let trimmed = UnsafeBufferPointer(start: bytes.baseAddress, count: hi)
                if trimmed.isEmpty {
                    outcomes.append(Outcome(kind: .skipped, number: line.number, start: 0, count: 0))
                    continue
                }
                let result: TitleBoletoMaker.Result =
                    line.cut
                    ? .rejected(BoletoError("boleto.json", "line longer than \(LineReader.maxLineLength) bytes"), column: 0, source: nil)
                    : maker.process(trimmed)
                let start = output.count
                switch result {
                case .title:
                    maker.appendOutput(trimmed, to: &output)
                    outcomes.append(Outcome(kind: .title, number: line.number, start: start, count: output.count - start))
                case .other:
                    output.appendBytes(trimmed)
                    outcomes.append(Outcome(kind: .other, number: line.number, start: start, count: output.count - start))
                case .rejected(let e, let column, let source):
                    outcomes.append(
                        Outcome(kind: .rejected, number: line.number, start: line.start, count: line.count, error: e, column: column, source: source))
                }
            }
        }
    }

    let monitor = Monitor()
    let makeMaker: () -> TitleBoletoMaker
    /// Guarded by `monitor`.
    var queue: [Chunk] = []
    var stopping = false
    var running = 0

    init(workers: Int, makeMaker: @escaping () -> TitleBoletoMaker) {
        self.makeMaker = makeMaker
        running = workers
        for _ in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    func submit(_ chunk: Chunk) {
        monitor.locked {
            queue.append(chunk)
            monitor.signal()
        }
    }

    /// Returns when `chunk` is made. Meanwhile the caller makes chunks too (with `maker`): this
    /// one if no worker has taken it, else any other still queued — it has little else to do.
    func wait(_ chunk: Chunk, _ maker: inout TitleBoletoMaker) {
        monitor.lock()
        while chunk.state != 2 {
            guard let i = queue.firstIndex(where: { $0 === chunk }) ?? (queue.isEmpty ? nil : 0) else {
                monitor.wait()
                continue
            }
            let next = queue.remove(at: i)
            next.state = 1
            monitor.unlock()
            next.make(&maker)
            monitor.lock()
            next.state = 2
            monitor.signal()
        }
        monitor.unlock()
    }

    /// Ends the workers once the queue is empty, and waits for them.
    func stop() {
        monitor.locked {
            stopping = true
            monitor.signal()
            while running > 0 { monitor.wait() }
        }
    }

    func work() {
        var maker = makeMaker()
        monitor.lock()
        while true {
            while queue.isEmpty && !stopping { monitor.wait() }
            if queue.isEmpty { break }
            let chunk = queue.removeFirst()
            chunk.state = 1
            monitor.unlock()
            chunk.make(&maker)
            monitor.lock()
            chunk.state = 2
            monitor.signal()
        }
        running -= 1
        monitor.signal()
        monitor.unlock()
    }
}
