import Boleto
import FixedWidth
import Foundation
import Records

/// `boleto make` on several threads: the lines are read in order into chunks of about 512 KiB,
/// each chunk is made into boletos on whichever thread is free (every thread with its own
/// `TitleBoletoMaker`), and the results are taken in order by the reading thread, which alone
/// writes, reports and counts — so the output, the diagnostics and the exit status are those of
/// one thread, whatever the timing.
enum BoletoChunks {
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

    final class Chunk: PoolJob, @unchecked Sendable {
        var input: ByteBuffer
        /// Per line: where it starts in `input`, its length, its number, whether the reader cut it.
        var lines: [(start: Int, count: Int, number: Int, cut: Bool)] = []
        var output: ByteBuffer
        var outcomes: [Outcome] = []

        init(capacity: Int) {
            input = ByteBuffer(capacity: capacity)
            output = ByteBuffer(capacity: capacity * 2)
            super.init()
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
            requeue()
        }

        /// Makes the boletos of every line with `maker`.
        func make(_ maker: inout TitleBoletoMaker) {
            for line in lines {
                let bytes = UnsafeBufferPointer(start: input.base + line.start, count: line.count)
                var hi = bytes.count
                while hi > 0, bytes[hi - 1] == 0x0D || bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
                // A byte order mark opening the input is read past, never copied into the
                // output: the record as it came is the JSON after it. (Columns stay the line's.)
                let bom = line.number == 1 && hi >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
                let trimmed = UnsafeBufferPointer(start: bytes.baseAddress! + bom, count: hi - bom)
                if trimmed.isEmpty {
                    outcomes.append(Outcome(kind: .skipped, number: line.number, start: 0, count: 0))
                    continue
                }
                let result: TitleBoletoMaker.Result =
                    line.cut
                    ? .rejected(BoletoError("boleto.json", "line longer than \(LineReader.maxJSONLLineLength) bytes"), column: 0, source: nil)
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
                        Outcome(
                            kind: .rejected, number: line.number, start: line.start, count: line.count, error: e,
                            column: column > 0 ? column + bom : column, source: source))
                }
            }
        }
    }
}
