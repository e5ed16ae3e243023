/// Eight-bytes-at-a-time tests for the per-field loops of the hot path (SWAR: SIMD within a
/// register). Each answers for a byte range exactly what a byte loop would; the tests compare
/// with byte loops on random data.
public enum Words {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

    @inlinable @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// High bit set in each byte of `v` that is zero.
    @inlinable @inline(__always)
    static func zeroBytes(_ v: UInt64) -> UInt64 {
        (v &- ones) & ~v & highs
    }

    /// Whether `p[0..<n]` are all `byte`.
    @inlinable @inline(__always)
    public static func all(_ p: UnsafePointer<UInt8>, _ n: Int, equal byte: UInt8) -> Bool {
        let pattern = ones &* UInt64(byte)
        if n >= 8 {
            // Whole words, then one last word that ends at n (overlapping the previous one).
            var i = 0
            while i + 8 <= n {
                if load(p + i) != pattern { return false }
                i += 8
            }
            return i == n || load(p + n - 8) == pattern
        }
        for i in 0..<n where p[i] != byte { return false }
        return true
    }

    /// Whether `p[0..<n]` are all ASCII digits.
    @inlinable @inline(__always)
    public static func allDigits(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        @inline(__always) func digits(_ v: UInt64) -> Bool {
            // A digit is 0x30…0x39: high nibble 3, and low nibble + 6 stays below 16.
            v & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030
                && ((v & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0
        }
        if n >= 8 {
            var i = 0
            while i + 8 <= n {
                if !digits(load(p + i)) { return false }
                i += 8
            }
            return i == n || digits(load(p + n - 8))
        }
        for i in 0..<n where p[i] &- 48 > 9 { return false }
        return true
    }

    /// The count of leading bytes equal to `byte`.
    @inlinable @inline(__always)
    public static func leading(_ p: UnsafePointer<UInt8>, _ n: Int, equal byte: UInt8) -> Int {
        let pattern = ones &* UInt64(byte)
        var i = 0
        while i + 8 <= n {
            let x = load(p + i) ^ pattern
            if x != 0 { return i + x.trailingZeroBitCount / 8 }
            i += 8
        }
        if i < n && n >= 8 {
            // The rest in one word ending at n: its bytes before i are known equal, so its first
            // unequal byte is the first past i.
            let x = load(p + n - 8) ^ pattern
            return x == 0 ? n : n - 8 + x.trailingZeroBitCount / 8
        }
        while i < n, p[i] == byte { i += 1 }
        return i
    }

    /// The count of trailing bytes equal to `byte`.
    @inlinable @inline(__always)
    public static func trailing(_ p: UnsafePointer<UInt8>, _ n: Int, equal byte: UInt8) -> Int {
        let pattern = ones &* UInt64(byte)
        var k = 0
        while k + 8 <= n {
            let x = load(p + n - k - 8) ^ pattern
            if x != 0 { return k + x.leadingZeroBitCount / 8 }
            k += 8
        }
        if k < n && n >= 8 {
            // The rest in one word starting at 0: its bytes past n - k are known equal.
            let x = load(p) ^ pattern
            // Its last unequal byte is at 7 - (leading zero bits) / 8.
            return x == 0 ? n : n - 8 + x.leadingZeroBitCount / 8
        }
        while k < n, p[n - k - 1] == byte { k += 1 }
        return k
    }

    /// One word of `p`'s bytes, the first in the lowest byte (8 bytes from `p` must be readable).
    @inlinable @inline(__always)
    public static func word(_ p: UnsafePointer<UInt8>) -> UInt64 { load(p) }

    /// High bit set in each byte of `v` equal to `byte`, and in no other: exact per byte (no
    /// borrow runs from one byte into the next, as in `zeroBytes`).
    @inlinable @inline(__always)
    public static func bytes(_ v: UInt64, equal byte: UInt8) -> UInt64 {
        // A byte's low 7 bits plus 0x7F reach its high bit unless they are 0; or-ing the byte
        // itself covers a high bit of its own: what is left clear is a zero byte.
        let x = v ^ (ones &* UInt64(byte))
        return ~(((x & ~highs) &+ ~highs) | x) & highs
    }

    /// High bit set in each byte of `v` that is a blank (space or NUL), and in no other.
    @inlinable @inline(__always)
    public static func blankBytes(_ v: UInt64) -> UInt64 {
        bytes(v, equal: 0) | bytes(v, equal: 0x20)
    }

    /// High bit set in each byte of `v` that cannot go into a JSON string as it is (below 0x20,
    /// 0x7F and above, `"` and `\`). A byte above one so flagged may be flagged too (a borrow or
    /// a carry runs on), so only "none in the low k bytes" is exact: what `jsonClean` asks.
    @inlinable @inline(__always)
    public static func dirtyBytes(_ v: UInt64) -> UInt64 {
        // 0x7F and above: the byte plus one reaches the high bit, or the byte has it already.
        let high = (v &+ ones) | v
        // Below 0x20: the byte minus 0x20 borrows (and its own high bit is clear).
        let control = (v &- ones &* 0x20) & ~v
        @inline(__always) func zeros(_ x: UInt64) -> UInt64 { (x &- ones) & ~x }
        return (high | control | zeros(v ^ (ones &* 0x22)) | zeros(v ^ (ones &* 0x5C))) & highs
    }

    /// Whether `p[0..<n]` can go into a JSON string as they are: printable ASCII other than `"` and `\`.
    @inlinable @inline(__always)
    public static func jsonClean(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        // Any byte >= 0x80, < 0x20, == 0x7F, '"' or '\\' makes the word unclean.
        @inline(__always) func clean(_ v: UInt64) -> Bool { dirtyBytes(v) == 0 }
        if n >= 8 {
            var i = 0
            while i + 8 <= n {
                if !clean(load(p + i)) { return false }
                i += 8
            }
            return i == n || clean(load(p + n - 8))
        }
        var i = 0
        while i < n {
            let b = p[i]
            if b >= 0x7F || b < 0x20 || b == 0x22 || b == 0x5C { return false }
            i += 1
        }
        return true
    }

    /// The value of eight ASCII digits, the first in the lowest byte; nil when one is not a digit.
    /// Pairs, then quadruples, then the two halves are combined in place (no lane overflows:
    /// 9·10+9 < 2⁸, 99·100+99 < 2¹⁶, 9999·10⁴+9999 < 2³²).
    @inlinable @inline(__always)
    static func eightDigits(_ v: UInt64) -> Int? {
        guard v & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030,
            (v &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030
        else { return nil }
        var x = v &- 0x3030_3030_3030_3030
        x = (x &* 10 &+ (x >> 8)) & 0x00FF_00FF_00FF_00FF
        x = (x &* 100 &+ (x >> 16)) & 0x0000_FFFF_0000_FFFF
        x = (x &* 10000 &+ (x >> 32)) & 0xFFFF_FFFF
        return Int(x)
    }

    /// `integer(p, n)` a word at a time when `readable` bytes (at least 8) may be read from `p`:
    /// up to 16 digits in one or two words, the same answers as the byte loop.
    @inlinable @inline(__always)
    public static func integer(_ p: UnsafePointer<UInt8>, _ n: Int, readable: Int) -> Int? {
        guard n > 0, n <= 16, readable >= 8 else { return integer(p, n) }
        // The first min(n, 8) digits: a word whose bytes past them are shifted out and '0's
        // shifted in before them.
        @inline(__always) func leading(_ k: Int) -> Int? {
            let shift = UInt64(8 &- k) &* 8
            let v = shift == 0 ? load(p) : load(p) &<< shift | 0x3030_3030_3030_3030 &>> (64 &- shift)
            return eightDigits(v)
        }
        if n <= 8 { return leading(n) }
        guard let high = leading(n &- 8), let low = eightDigits(load(p + (n &- 8))) else { return nil }
        return high &* 100_000_000 &+ low
    }

    /// The value of `p[0..<n]` when all are ASCII digits, else nil (one pass; the caller keeps n
    /// small enough for an `Int`).
    @inlinable @inline(__always)
    public static func integer(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var v = 0
        for i in 0..<n {
            let d = p[i] &- 48
            if d > 9 { return nil }
            v = v &* 10 &+ Int(d)
        }
        return v
    }
}
