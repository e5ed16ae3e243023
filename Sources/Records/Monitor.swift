#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pthread mutex with one condition, for handing work between two threads. (Plain pthreads:
/// `Synchronization.Mutex` and libdispatch semaphores misbehave in some sandboxes, see
/// `RecordWriter`.)
public final class Monitor: @unchecked Sendable {
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// A new, unlocked monitor.
    public init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the lock.
    @inline(__always)
    public func locked<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Takes the lock (for code that lets go of it in the middle; else use `locked`).
    public func lock() { pthread_mutex_lock(mutex) }

    /// Lets go of the lock.
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// With the lock held: releases it until another thread calls `signal`, then takes it again.
    public func wait() { pthread_cond_wait(changed, mutex) }

    /// With the lock held: wakes the threads waiting.
    public func signal() { pthread_cond_broadcast(changed) }
}
