import FixedWidth
import Foundation
import Reconcile
import Records

/// `troca reconcile`'s payments, read and put in canonical order as one job: on a thread of its
/// own while the agreements are read and indexed (the two need nothing of each other until
/// payments are applied), or in place with one thread. Its diagnostics are held, not reported,
/// and the reading thread reports them after the agreements' — so stderr, `--rejects` and the
/// exit status are the same whichever thread read what, and whenever it finished.
final class ReconcilePayments: PoolJob, @unchecked Sendable {
    let sources: [(String, ByteSource)]
    /// The payments read, and the order they are applied in (`Reconciler.canonicalOrder`).
    private(set) var payments: [Payment] = []
    private(set) var order: [Int] = []
    /// Records read, rejected and skipped (blank lines and records that are not payments).
    private(set) var read = 0, rejected = 0, skipped = 0
    /// Diagnostics to report, in the order they were made.
    private(set) var held: [Diagnostic] = []
    /// What reading threw (an I/O error), to be thrown after the held diagnostics are reported.
    private(set) var failure: Error?

    init(_ sources: [(String, ByteSource)]) {
        self.sources = sources
        super.init()
    }

    /// Reads every source, then sorts.
    func run() {
        let sink = DiagnosticSink { [unowned self] in held.append($0) }
        do {
            for (name, source) in sources {
                // Room for as many payments as a file of this size may hold (a line is rarely
                // under 128 bytes), up to 4M: the array does not grow by copies into fresh memory,
                // each page of which the kernel zeroes first. Room not used is never touched, so
                // costs no memory, only address space (bounded, for `ulimit -v`).
                if let size = (source as? FileSource)?.bytesLeft, size > 0 {
                    payments.reserveCapacity(payments.count + min(size / 128, 1 << 22) + 16)
                }
                let c = try JSONLInput(name: name, source: source).forEachRecord(stage: "reconcile", sink: sink) { tape, line, raw in
                    read += 1
                    do {
                        if let p = try Payment(tape, file: name, line: line) {
                            if let doc = p.partyDocument,
                                let w = PartyDocument.problem(doc, code: "reconcile.payment-document", member: "payer.document", in: tape)
                            {
                                sink.report(w.warning(file: name, line: line, raw: raw))
                            }
                            payments.append(p)
                        } else {
                            skipped += 1
                        }
                    } catch let error as ReconcileError {
                        rejected += 1
                        sink.report(error.diagnostic(file: name, line: line, raw: raw))
                    }
                    return true
                }
                read += c.malformed + c.blank
                rejected += c.malformed
                skipped += c.blank
            }
        } catch {
            failure = error
            return
        }
        order = Reconciler.canonicalOrder(payments)
    }

    /// Reads the payments on a thread of its own when `threads` allows, and hands them back
    /// once `meanwhile` has run on this thread (also when it throws, the job is waited for).
    func run<R>(threads: Int, meanwhile: () throws -> R) rethrows -> R {
        guard threads > 1 else {
            let result = try meanwhile()
            run()
            return result
        }
        let pool = WorkerPool<ReconcilePayments, Void>(threads: 1, state: {}, work: { job, _ in job.run() })
        pool.submit(self)
        defer {
            var none: Void = ()
            pool.wait(self, &none)
            pool.stop()
        }
        return try meanwhile()
    }

    /// Reports the held diagnostics to `sink`, then throws what reading threw, if anything.
    func report(to sink: DiagnosticSink) throws {
        for d in held { sink.report(d) }
        held = []
        if let failure { throw failure }
    }

    /// Lets go of the payments (once applied).
    func release() {
        payments = []
        order = []
    }
}
