import Foundation
import Reconcile
import Records

/// A chunk of `troca reconcile`'s output records: the reading thread applies the payments in
/// order (matching needs every earlier payment applied) and fills chunks with the resulting
/// `Match`es and then the agreements' standings; a chunk is formatted as JSON on whichever
/// thread is free (`ChunkPipeline`), and written back in order by the reading thread. So the
/// bytes are those of one thread, and formatting no longer waits behind matching.
final class ReconcileRecords: PoolJob, @unchecked Sendable {
    /// What every chunk is formatted with (read only, shared by the threads).
    struct Formatting {
        /// The agreements (`Reconciler.agreements`: a status names its agreement by index, so
        /// that queuing it copies no strings).
        let agreements: [Agreement]
        /// Each agreement's id and party document, by index.
        let names: [(id: String, party: String)]
        let hasRules: Bool
        let asOf: CivilDate
    }

    /// One record to write.
    enum Item {
        case match(Match)
        case status(Int, AgreementStanding)
    }

    /// Records per chunk: enough to keep a thread busy between hand-overs, small enough that
    /// the chunks held (a few per thread) stay a few MiB.
    static let capacity = 4096

    var items: [Item] = []
    /// The formatted records, one after another, and where each ends.
    var output = ByteBuffer(capacity: 1 << 20)
    var ends: [Int] = []

    deinit { output.deallocate() }

    func reset() {
        items.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        output.count = 0
        requeue()
    }

    /// Formats every item (on any thread).
    func format(_ f: Formatting) {
        // Read in place: a copy of each item would retain, and release, every string of its payment.
        items.withUnsafeBufferPointer { items in
            for i in items.indices {
                switch items[i] {
                case .match(let m): ReconcileCommand.matchRecord(m, f.names, f.hasRules, into: &output)
                case .status(let k, let s): ReconcileCommand.statusRecord(f.agreements[k], s, asOf: f.asOf, into: &output)
                }
                ends.append(output.count)
            }
        }
    }

    /// Writes the formatted records to `writer`, one record each (on the reading thread).
    func write(to writer: RecordWriter) throws {
        var start = 0
        for end in ends {
            writer.withBuffer { $0.appendBytes(UnsafeBufferPointer(start: output.base + start, count: end - start)) }
            try writer.endRecord()
            start = end
        }
    }
}
