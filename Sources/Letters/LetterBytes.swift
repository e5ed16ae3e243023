import Foundation
import Records

/// A letter's bytes (`LetterText.bytes`): a growable buffer whose append is a capacity check and
/// a copy. `[UInt8].append(contentsOf:)` of a buffer costs about 110 instructions a call (its
/// generic copy, a uniqueness check, a `memcpy` call), and a letter makes some fifty of them for
/// a few bytes each: the template's text between placeholders and the values.
///
/// A value type: copies share the memory until one of them changes it (copy on write).
public struct LetterBytes: Sendable, ByteAppending {
    final class Storage: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        deinit { base.deallocate() }
    }

    var storage: Storage
    /// Bytes held.
    public private(set) var count = 0

    /// Empty, with room for `capacity` bytes.
    public init(capacity: Int = 1024) {
        storage = Storage(capacity: Swift.max(capacity, 16))
    }

    /// Room for `n` more bytes, in memory of this value's own: where they go.
    @inline(__always)
    mutating func room(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count &+ n > storage.capacity || !isKnownUniquelyReferenced(&storage) { reallocate(count + n) }
        return storage.base + count
    }

    /// Counts `n` bytes written at `room(n)` as held.
    @inline(__always)
    mutating func advance(_ n: Int) {
        count &+= n
    }

    /// New memory for at least `needed` bytes (twice the old at least when it grows), holding
    /// the bytes so far.
    @inline(never)
    mutating func reallocate(_ needed: Int) {
        var capacity = storage.capacity
        while capacity < needed { capacity *= 2 }
        let new = Storage(capacity: capacity)
        new.base.update(from: storage.base, count: count)
        storage = new
    }

    /// Appends one byte.
    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        room(1).pointee = byte
        count &+= 1
    }

    /// Appends `n` bytes from `src` (`ShortBytes.copy`).
    @inline(__always)
    public mutating func append(_ src: UnsafePointer<UInt8>, _ n: Int) {
        ShortBytes.copy(src, to: room(n), n)
        count &+= n
    }

    /// Appends bytes from memory.
    @inline(__always)
    public mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let src = bytes.baseAddress else { return }
        append(src, bytes.count)
    }

    /// Appends an array's bytes.
    public mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { appendBytes($0) }
    }

    /// Appends `n` blanks.
    public mutating func appendBlanks(_ n: Int) {
        guard n > 0 else { return }
        room(n).update(repeating: 0x20, count: n)
        count += n
    }

    /// Drops the bytes from `offset` on.
    public mutating func removeSubrange(from offset: Int) {
        precondition(offset >= 0 && offset <= count, "LetterBytes: offset out of range")
        count = offset
    }

    /// Drops every byte, keeping the memory (when this value is its only holder).
    public mutating func removeAll() {
        count = 0
    }

    /// The byte at `index`.
    public subscript(index: Int) -> UInt8 {
        precondition(index >= 0 && index < count, "LetterBytes: index out of range")
        return storage.base[index]
    }

    /// A copy of the bytes in `range`.
    public subscript(range: Range<Int>) -> [UInt8] {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "LetterBytes: range out of range")
        return [UInt8](UnsafeBufferPointer(start: storage.base + range.lowerBound, count: range.count))
    }

    /// A copy of every byte.
    public var array: [UInt8] { self[0..<count] }

    /// Calls `body` with the bytes (valid only during the call).
    @inline(__always)
    public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        let storage = self.storage
        defer { withExtendedLifetime(storage) {} }
        return try body(UnsafeBufferPointer(start: storage.base, count: count))
    }
}

/// Whether the `n` bytes at `a` and `b` are the same: byte by byte below 8, two (overlapping)
/// words up to 16, `memcmp` beyond. Every byte read is one of the `n`.
@inline(__always)
func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    if n < 8 {
        var i = 0
        while i < n {
            if a[i] != b[i] { return false }
            i &+= 1
        }
        return true
    }
    if n <= 16 {
        let x = UnsafeRawPointer(a)
        let y = UnsafeRawPointer(b)
        return x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self)
            && x.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
    }
    return memcmp(a, b, n) == 0
}
