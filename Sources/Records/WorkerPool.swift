import Foundation

/// A piece of work for a `WorkerPool`. Its progress is the pool's to keep (guarded by its monitor).
open class PoolJob: @unchecked Sendable {
    enum Progress { case queued, running, done }
    var progress = Progress.queued

    public init() {}

    /// Makes the job queued again, for reuse.
    public func requeue() { progress = .queued }
}

/// Threads that run jobs in the order they were submitted, each thread with a `State` of its own
/// (a parser, a scratch buffer), coordinated by one pthread mutex and condition (plain futexes:
/// libdispatch's and `Synchronization.Mutex`'s priority-inheritance locks misbehave in some
/// sandboxes). A caller waiting for a job runs jobs itself meanwhile: that one if no thread has
/// taken it, else any other still queued. Callers take the results in their own order, so
/// what they write never depends on which thread ran what.
public final class WorkerPool<Job: PoolJob, State>: @unchecked Sendable {
    let monitor = Monitor()
    let work: (Job, inout State) -> Void
    let makeState: () -> State
    /// Guarded by `monitor`.
    var queue: [Job] = []
    var stopping = false
    var running = 0

    /// Starts `threads` threads, each with the state `makeState` gives it.
    public init(threads: Int, state makeState: @escaping () -> State, work: @escaping (Job, inout State) -> Void) {
        self.work = work
        self.makeState = makeState
        running = threads
        for _ in 0..<threads {
            let thread = Thread { [self] in
                var state = self.makeState()
                loop(&state)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Queues a job.
    public func submit(_ job: Job) {
        monitor.locked {
            job.progress = .queued
            queue.append(job)
            monitor.signal()
        }
    }

    /// Returns when `job` is done, running jobs with `state` meanwhile.
    public func wait(_ job: Job, _ state: inout State) {
        monitor.lock()
        while job.progress != .done {
            guard let i = queue.firstIndex(where: { $0 === job }) ?? (queue.isEmpty ? nil : 0) else {
                monitor.wait()
                continue
            }
            let next = queue.remove(at: i)
            next.progress = .running
            monitor.unlock()
            work(next, &state)
            monitor.lock()
            next.progress = .done
            monitor.signal()
        }
        monitor.unlock()
    }

    /// Ends the threads once the queue is empty, and waits for them.
    public func stop() {
        monitor.locked {
            stopping = true
            monitor.signal()
            while running > 0 { monitor.wait() }
        }
    }

    func loop(_ state: inout State) {
        monitor.lock()
        while true {
            while queue.isEmpty && !stopping { monitor.wait() }
            if queue.isEmpty { break }
            let job = queue.removeFirst()
            job.progress = .running
            monitor.unlock()
            work(job, &state)
            monitor.lock()
            job.progress = .done
            monitor.signal()
        }
        running -= 1
        monitor.signal()
        monitor.unlock()
    }
}
