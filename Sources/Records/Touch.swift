import Synchronization

/// Reading ahead what a loop will need: records that lie anywhere in memory (a payment, an
/// installment, picked by a key) each cost a cache miss, met one at a time when the loop's work
/// comes between them. A batch of them read first, in a loop whose loads wait for nothing,
/// has their misses overlap. The words read are summed and the sum handed to `keep`, so that
/// the compiler makes the loads.
public enum Touch {
    /// Records read ahead at a time: their cache lines stay in the L1 and L2 caches until used.
    public static let batch = 64

    private static let sink = Atomic<Int>(0)

    /// A string's first byte: for a string too long to be held inline, a read of its storage,
    /// which lies wherever it was allocated (0 for nil or an empty string).
    @inline(__always)
    public static func firstByte(_ s: String?) -> Int {
        guard let s else { return 0 }
        return s.utf8.withContiguousStorageIfAvailable { Int($0.first ?? 0) } ?? 0
    }

    /// Keeps a sum of words read ahead (a relaxed store: no ordering, nothing waits).
    @inline(__always)
    public static func keep(_ sum: Int) {
        sink.store(sum, ordering: .relaxed)
    }
}
