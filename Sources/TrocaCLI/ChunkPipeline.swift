import Foundation
import Records

/// Chunks of input lines done on several threads and taken back in the order they were read:
/// the reading thread fills a chunk, hands it to the pool, and takes done chunks in order (it
/// also works while it waits), so what it writes, reports and counts never depends on which
/// thread did what. With one thread, each chunk is done in place. `boleto make` and
/// `letters render` read this way.
final class ChunkPipeline<Chunk: PoolJob, State> {
    let pool: WorkerPool<Chunk, State>?
    let threads: Int
    let work: (Chunk, inout State) -> Void
    let make: () -> Chunk
    let reset: (Chunk) -> Void
    let isEmpty: (Chunk) -> Bool
    /// The reading thread's own state (for chunks done in place or while waiting).
    var state: State
    var pending: [Chunk] = []
    var spares: [Chunk] = []
    /// The chunk being filled.
    var current: Chunk

    /// `threads` in all (the reading thread included, from `TROCA_THREADS` or the processors).
    init(
        threads: Int, state makeState: @escaping () -> State, make: @escaping () -> Chunk, reset: @escaping (Chunk) -> Void,
        isEmpty: @escaping (Chunk) -> Bool, work: @escaping (Chunk, inout State) -> Void
    ) {
        self.threads = threads
        self.work = work
        self.make = make
        self.reset = reset
        self.isEmpty = isEmpty
        state = makeState()
        current = make()
        pool = threads > 1 ? WorkerPool(threads: threads - 1, state: makeState, work: work) : nil
    }

    /// The threads a stage uses: `TROCA_THREADS`, else one per processor.
    static var defaultThreads: Int { max(1, Environment.threads ?? ProcessInfo.processInfo.activeProcessorCount) }

    /// Hands the chunk being filled on, and gives `take` the done ones in order (all of them
    /// when `final`).
    func flush(final: Bool, take: (Chunk) throws -> Void) throws {
        guard let pool else {
            work(current, &state)
            try take(current)
            reset(current)
            return
        }
        if !isEmpty(current) {
            pool.submit(current)
            pending.append(current)
            current = spares.popLast() ?? make()
        }
        while !pending.isEmpty && (final || pending.count > 2 * threads) {
            let chunk = pending.removeFirst()
            pool.wait(chunk, &state)
            try take(chunk)
            reset(chunk)
            spares.append(chunk)
        }
    }

    /// Ends the threads.
    func stop() { pool?.stop() }
}
