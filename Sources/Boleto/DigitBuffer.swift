/// Up to 64 ASCII digits kept inline, in the value itself: the pieces a campo livre is built
/// from (agência, conta, nosso número, check digits), the 25 digits it makes, and the barcode's
/// 44 and the line's 47.
///
/// `boleto make` builds several of these per título; as arrays each one was a heap allocation
/// (with its metadata lookup, reference counting and free), about a third of a título's work.
/// Values here are checked to fit before they are made (a field's width, a campo livre's 25
/// digits), so the capacity is a precondition, never an input error.
public struct DigitBuffer: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral, Hashable, Sendable, CustomStringConvertible {
    /// The bytes, eight to a word in memory order: the first `count` are the digits. Written in
    /// place through `withUnsafeMutableBytes(of: &storage)`; read a word at a time, so that a
    /// read never copies the whole value to memory first.
    @usableFromInline var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// How many digits there are.
    public internal(set) var count = 0
    /// The most digits a value holds.
    public static let capacity = 64

    /// No digits.
    public init() {}

    /// The bytes of `bytes` (at most `capacity` of them).
    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        append(contentsOf: bytes)
    }

    /// The bytes of an ASCII literal such as `"000"`.
    public init(ascii text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public init(arrayLiteral elements: UInt8...) {
        append(contentsOf: elements)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> UInt8 {
        get {
            precondition(position >= 0 && position < count, "DigitBuffer index out of range")
            let word: UInt64
            switch position >> 3 {
            case 0: word = storage.0
            case 1: word = storage.1
            case 2: word = storage.2
            case 3: word = storage.3
            case 4: word = storage.4
            case 5: word = storage.5
            case 6: word = storage.6
            default: word = storage.7
            }
            // Memory order is little-endian on every platform Swift runs Troca on (x86-64, arm64).
            return UInt8(truncatingIfNeeded: UInt64(littleEndian: word) >> (UInt64(position & 7) << 3))
        }
        set {
            precondition(position >= 0 && position < count, "DigitBuffer index out of range")
            withUnsafeMutableBytes(of: &storage) { $0[position] = newValue }
        }
    }

    /// Appends one byte.
    public mutating func append(_ byte: UInt8) {
        precondition(count < Self.capacity, "DigitBuffer holds at most \(Self.capacity) bytes")
        let at = count
        withUnsafeMutableBytes(of: &storage) { $0[at] = byte }
        count += 1
    }

    /// Appends the bytes of `bytes`.
    public mutating func append<C: Collection>(contentsOf bytes: C) where C.Element == UInt8 {
        precondition(count + bytes.count <= Self.capacity, "DigitBuffer holds at most \(Self.capacity) bytes")
        var at = count
        withUnsafeMutableBytes(of: &storage) { raw in
            // Pieces are a few bytes long: a plain loop beats a call to memcpy.
            let copied = bytes.withContiguousStorageIfAvailable { from in
                for b in from {
                    raw[at] = b
                    at += 1
                }
            }
            if copied == nil {
                for b in bytes {
                    raw[at] = b
                    at += 1
                }
            }
        }
        count = at
    }

    /// Appends decimal `value` as exactly `width` digits (the caller checked it fits).
    public mutating func append(decimal value: Int, width: Int) {
        precondition(count + width <= Self.capacity, "DigitBuffer holds at most \(Self.capacity) bytes")
        var v = value
        let start = count
        withUnsafeMutableBytes(of: &storage) { raw in
            for k in stride(from: start + width - 1, through: start, by: -1) {
                raw[k] = UInt8(48 + v % 10)
                v /= 10
            }
        }
        count += width
    }

    /// `a` followed by `b`.
    public static func + (a: DigitBuffer, b: DigitBuffer) -> DigitBuffer {
        var r = a
        r.append(contentsOf: b)
        return r
    }

    @inlinable
    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        try withUnsafeBytes(of: storage) { raw in
            try body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
        }
    }

    public static func == (a: DigitBuffer, b: DigitBuffer) -> Bool { a.elementsEqual(b) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for b in self { hasher.combine(b) }
    }

    /// The digits as text.
    public var text: String { withContiguousStorageIfAvailable { String(decoding: $0, as: UTF8.self) }! }
    public var description: String { text }
}
