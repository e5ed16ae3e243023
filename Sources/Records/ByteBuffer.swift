/// Something bytes can be appended to: `[UInt8]`, or `ByteBuffer` on hot paths.
public protocol ByteAppending {
    /// Appends one byte.
    mutating func append(_ byte: UInt8)
    /// Appends bytes from memory.
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: ByteAppending where Element == UInt8 {
    /// Appends bytes from memory.
    @inlinable
    public mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(contentsOf: bytes)
    }
}

/// A growable byte buffer over raw memory: appends are a capacity check and a `memcpy`, and
/// rolling back to a mark is one assignment. Its owner (`RecordWriter`) frees it; copies of the
/// struct share the memory, so it is handed out only as `inout`.
public struct ByteBuffer: ByteAppending {
    /// The first byte (set only by the buffer's own methods).
    public var base: UnsafeMutablePointer<UInt8>
    /// Bytes written (set only by the buffer's own methods).
    public var count: Int
    /// Bytes allocated (set only by the buffer's own methods).
    public var capacity: Int

    /// Allocates a buffer.
    public init(capacity: Int) {
        self.capacity = max(capacity, 64)
        self.base = .allocate(capacity: self.capacity)
        self.count = 0
    }

    /// Frees the memory; the buffer must not be used afterwards.
    public func deallocate() { base.deallocate() }

    /// Reallocates to hold at least `needed` bytes.
    @inline(never)
    public mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }

    /// Makes room for `extra` more bytes.
    @inlinable @inline(__always)
    public mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    /// Appends one byte.
    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        if count == capacity { grow(count + 1) }
        base[count] = byte
        count += 1
    }

    /// Appends bytes from memory.
    @inlinable @inline(__always)
    public mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let src = bytes.baseAddress else { return }
        let n = bytes.count
        reserve(n)
        let dst = base + count
        if n <= 64 {
            // Short runs (keys, most values) are copied a word at a time: cheaper than a call to
            // memmove. From 8 bytes on, a last word ending at n (overlapping) replaces the tail loop.
            if n >= 8 {
                // (Unchecked arithmetic: n is at most 64, no sum here can overflow.)
                var i = 0
                while i &+ 8 <= n {
                    UnsafeMutableRawPointer(dst + i).storeBytes(
                        of: UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self), as: UInt64.self)
                    i &+= 8
                }
                if i < n {
                    UnsafeMutableRawPointer(dst + n - 8).storeBytes(
                        of: UnsafeRawPointer(src + n - 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
                }
            } else {
                for i in 0..<n { dst[i] = src[i] }
            }
        } else {
            dst.update(from: src, count: n)
        }
        count += n
    }

    /// Appends `n` bytes copied a whole word at a time: it may read up to 7 bytes past `src + n`
    /// (the caller guarantees they are readable) and writes them past `count`, where they are
    /// overwritten by what comes next.
    @inlinable @inline(__always)
    public mutating func appendWords(_ src: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n + 8)
        let dst = UnsafeMutableRawPointer(base + count)
        let from = UnsafeRawPointer(src)
        var i = 0
        while i < n {
            dst.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
            i += 8
        }
        count += n
    }

    /// Appends an array's bytes.
    @inlinable @inline(__always)
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { appendBytes($0) }
    }

    /// Appends a string's UTF-8 bytes (inlined: its length is then known where it is called,
    /// and the copy is a few word moves).
    @inlinable @inline(__always)
    public mutating func append(contentsOf text: StaticString) {
        appendBytes(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Drops everything after `mark` (a previous `count`).
    @inlinable @inline(__always)
    public mutating func truncate(to mark: Int) {
        count = mark
    }

    /// Forgets the contents, keeping the memory.
    public mutating func removeAll() { count = 0 }

    /// The contents.
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}
