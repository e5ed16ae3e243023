/// Short byte runs written with a few (overlapping) word stores rather than a call to `memset`
/// or `memcpy`: a field, a key, a value of a few bytes, where the call costs more than the copy.
public enum ShortBytes {
    /// Writes `count` bytes `byte` at `dst`: up to 32 as a few stores (overlapping), not a call
    /// to memset, nor a loop the compiler makes one of.
    @inlinable @inline(__always)
    public static func fill(_ dst: UnsafeMutablePointer<UInt8>, _ count: Int, with byte: UInt8) {
        let raw = UnsafeMutableRawPointer(dst)
        let word = 0x0101_0101_0101_0101 &* UInt64(byte)
        if count < 8 {
            if count & 4 != 0 { raw.storeBytes(of: UInt32(truncatingIfNeeded: word), as: UInt32.self) }
            if count & 2 != 0 { raw.storeBytes(of: UInt16(truncatingIfNeeded: word), toByteOffset: count & 4, as: UInt16.self) }
            if count & 1 != 0 { raw.storeBytes(of: byte, toByteOffset: count & 6, as: UInt8.self) }
        } else if count <= 16 {
            raw.storeBytes(of: word, as: UInt64.self)
            raw.storeBytes(of: word, toByteOffset: count - 8, as: UInt64.self)
        } else if count <= 32 {
            raw.storeBytes(of: word, as: UInt64.self)
            raw.storeBytes(of: word, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: word, toByteOffset: count - 16, as: UInt64.self)
            raw.storeBytes(of: word, toByteOffset: count - 8, as: UInt64.self)
        } else {
            dst.update(repeating: byte, count: count)
        }
    }

    /// Copies `count` bytes from `src` to `dst` (apart): up to 32 as a few loads and stores
    /// (overlapping), not a call to memcpy.
    @inlinable @inline(__always)
    public static func copy(_ src: UnsafePointer<UInt8>, to dst: UnsafeMutablePointer<UInt8>, _ count: Int) {
        let from = UnsafeRawPointer(src)
        let to = UnsafeMutableRawPointer(dst)
        @inline(__always) func move<T>(_ type: T.Type, _ at: Int) {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: at, as: T.self), toByteOffset: at, as: T.self)
        }
        if count < 8 {
            if count & 4 != 0 { move(UInt32.self, 0) }
            if count & 2 != 0 { move(UInt16.self, count & 4) }
            if count & 1 != 0 { move(UInt8.self, count & 6) }
        } else if count <= 16 {
            move(UInt64.self, 0)
            move(UInt64.self, count - 8)
        } else if count <= 32 {
            move(UInt64.self, 0)
            move(UInt64.self, 8)
            move(UInt64.self, count - 16)
            move(UInt64.self, count - 8)
        } else {
            dst.update(from: src, count: count)
        }
    }
}
