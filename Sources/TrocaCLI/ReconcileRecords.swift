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
        /// The payments the matches name by index.
        let payments: [Payment]
        /// Each agreement's id and party document, by index.
        let names: [(id: String, party: String)]
        /// Each rejected agreement's (`Reconciler.rejectedAgreements`), when known.
        let rejectedNames: [(id: String?, party: String?)]
        let hasRules: Bool
        let asOf: CivilDate
    }

    /// Where the records to write are: matches and statuses in arrays of their own, so that
    /// formatting reads each in place. A match names its payments by index (`Applied`): it
    /// holds no string to retain when queued, nor to release when the chunk is done. Every
    /// match comes before every status (all payments are applied before any standing is
    /// told), so a chunk's records are its matches, then its statuses.
    var matches: [Applied] = []
    var statuses: [(Int, AgreementStanding)] = []

    var count: Int { matches.count + statuses.count }
    var isEmpty: Bool { matches.isEmpty && statuses.isEmpty }

    func add(_ m: Applied) {
        assert(statuses.isEmpty, "a match after a status")
        matches.append(m)
    }

    func add(status k: Int, _ s: AgreementStanding) {
        statuses.append((k, s))
    }

    /// Records per chunk: enough to keep a thread busy between hand-overs, small enough that
    /// the chunks held (a few per thread) stay a few MiB.
    static let capacity = 4096

    /// The formatted records, one after another, and where each ends.
    var output = ByteBuffer(capacity: 1 << 20)
    var ends: [Int] = []

    deinit { output.deallocate() }

    func reset() {
        matches.removeAll(keepingCapacity: true)
        statuses.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        output.count = 0
        requeue()
    }

    /// Formats every item (on any thread).
    func format(_ f: Formatting) {
        // The buffer and the ends as locals: a class's stored property written through is
        // checked for exclusive access at every use (a good part of formatting a record).
        var output = self.output
        var ends = self.ends
        self.ends = []
        defer {
            self.output = output
            self.ends = ends
        }
        ends.reserveCapacity(count)
        matches.withUnsafeBufferPointer { matches in
            f.payments.withUnsafeBufferPointer { payments in
                // The payments and agreement names the next matches read, read ahead (`Touch`):
                // payments lie in the order read, names in the agreements'. Their first loads
                // were nearly nine tenths of `matchRecord`'s time.
                var sum = 0
                for k in matches.indices {
                    if k % Touch.batch == 0 {
                        for m in matches[k..<min(k + Touch.batch, matches.count)] {
                            let p = payments.baseAddress! + m.payment
                            sum &+= p.pointee.paidCents &+ p.pointee.sourceLine &+ Touch.firstByte(p.pointee.nossoNumero)
                            sum &+= Touch.firstByte(p.pointee.reference) &+ Touch.firstByte(p.pointee.documentNumber)
                            if let a = m.agreement { sum &+= f.names[a].id.utf8.count }
                        }
                    }
                    ReconcileCommand.matchRecord(matches.baseAddress! + k, payments, f.names, f.rejectedNames, f.hasRules, into: &output)
                    ends.append(output.count)
                }
                Touch.keep(sum)
            }
        }
        statuses.withUnsafeBufferPointer { statuses in
            f.agreements.withUnsafeBufferPointer { agreements in
                for k in statuses.indices {
                    ReconcileCommand.statusRecord(agreements.baseAddress! + statuses[k].0, statuses[k].1, asOf: f.asOf, into: &output)
                    ends.append(output.count)
                }
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
