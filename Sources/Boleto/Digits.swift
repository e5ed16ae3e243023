/// Up to 32 ASCII digits kept inline, in the value itself: the pieces a campo livre is built
/// from (agência, conta, nosso número, check digits) and the 25 digits it makes.
///
/// `boleto make` builds several of these per título; as arrays each one was a heap allocation
/// (with its metadata lookup, reference counting and free), about a third of a título's work.
/// Values here are checked to fit before they are made (a field's width, a campo livre's 25
/// digits), so the capacity is a precondition, never an input error.
public struct Digits: RandomAccessCollection, ExpressibleByArrayLiteral, Hashable, Sendable, CustomStringConvertible {
    /// The bytes: the first `count` are the digits (a vector, whose lanes are read and written
    /// in place, without copying the value to memory first).
    private var storage = SIMD32<UInt8>()
    /// How many digits there are.
    public private(set) var count = 0
    /// The most digits a value holds.
    public static let capacity = 32

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
        precondition(position >= 0 && position < count, "Digits index out of range")
        return storage[position]
    }

    /// Appends one byte.
    public mutating func append(_ byte: UInt8) {
        precondition(count < Self.capacity, "Digits holds at most \(Self.capacity) bytes")
        storage[count] = byte
        count += 1
    }

    /// Appends the bytes of `bytes`.
    public mutating func append<C: Collection>(contentsOf bytes: C) where C.Element == UInt8 {
        precondition(count + bytes.count <= Self.capacity, "Digits holds at most \(Self.capacity) bytes")
        for b in bytes {
            storage[count] = b
            count += 1
        }
    }

    /// `a` followed by `b`.
    public static func + (a: Digits, b: Digits) -> Digits {
        var r = a
        r.append(contentsOf: b)
        return r
    }

    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        try withUnsafeBytes(of: storage) { raw in
            try body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
        }
    }

    public static func == (a: Digits, b: Digits) -> Bool { a.elementsEqual(b) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for b in self { hasher.combine(b) }
    }

    /// The digits as text.
    public var text: String { withContiguousStorageIfAvailable { String(decoding: $0, as: UTF8.self) }! }
    public var description: String { text }
}
