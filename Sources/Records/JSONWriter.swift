/// Appends JSON to a byte buffer without building intermediate strings: the hand-written
/// serializer DESIGN.md asks for on hot paths.
public enum JSONBytes {
    @usableFromInline static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `"text"` with JSON escapes.
    @inlinable
    public static func appendString<Out: ByteAppending>(_ text: String, to out: inout Out) {
        out.append(UInt8(ascii: "\""))
        // Printable ASCII with nothing to escape (most names, codes and dates): copied in one go.
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let base = bytes.baseAddress, Words.jsonClean(base, bytes.count) else { return bytes.isEmpty }
            out.appendBytes(bytes)
            return true
        }
        if copied != true {
            for b in text.utf8 { appendEscaped(b, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    @inlinable
    static func appendEscaped<Out: ByteAppending>(_ b: UInt8, to out: inout Out) {
        switch b {
        case UInt8(ascii: "\""): out.append(92); out.append(b)
        case 92: out.append(92); out.append(92)
        case 0x0A: out.append(92); out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(92); out.append(UInt8(ascii: "r"))
        case 0x09: out.append(92); out.append(UInt8(ascii: "t"))
        case 0..<0x20, 0x7F:
            out.append(92); out.append(UInt8(ascii: "u")); out.append(48); out.append(48)
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        default: out.append(b)
        }
    }

    /// Appends bank-file text held in memory: a clean ASCII run is copied in one go.
    @inlinable
    public static func appendText<Out: ByteAppending>(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout Out) {
        let clean = bytes.baseAddress.map { Words.jsonClean($0, bytes.count) } ?? true
        if clean {
            out.append(34)
            out.appendBytes(bytes)
            out.append(34)
        } else {
            appendText(bytes[...], to: &out)
        }
    }

    /// Appends bytes read from a bank file as a JSON string: ASCII as is, valid UTF-8 as is,
    /// anything else read as Windows-1252 (a superset of Latin-1) and re-encoded as UTF-8.
    @inlinable
    public static func appendText<C: Collection, Out: ByteAppending>(_ bytes: C, to out: inout Out)
    where C.Element == UInt8 {
        out.append(UInt8(ascii: "\""))
        var ascii = true
        var clean = true
        for b in bytes {
            if b >= 0x80 { ascii = false; clean = false; break }
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F { clean = false }
        }
        if clean {
            for b in bytes { out.append(b) }
        } else if ascii || TextBytes.isValidUTF8(bytes) {
            for b in bytes { appendEscaped(b, to: &out) }
        } else {
            for b in bytes {
                if b < 0x80 {
                    appendEscaped(b, to: &out)
                } else {
                    appendScalar(TextBytes.cp1252Scalar(b), to: &out)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    @inlinable
    static func appendScalar<Out: ByteAppending>(_ v: UInt32, to out: inout Out) {
        if v < 0x80 {
            out.append(UInt8(v))
        } else if v < 0x800 {
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// "00", "01", … "99": two digits at a time.
    @usableFromInline static let digitPairs: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// Writes `v`'s decimal digits so that the last ends just before `end`, two at a time from
    /// the last; returns where the first is (at most 20 bytes before `end`).
    @inlinable
    public static func writeDigits(_ v: UInt, endingAt end: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var v = v
        var q = end
        let pairs = UnsafeRawPointer(digitPairs.utf8Start)
        while v >= 100 {
            let rest = v / 100
            q -= 2
            UnsafeMutableRawPointer(q).storeBytes(of: pairs.loadUnaligned(fromByteOffset: Int(v &- rest &* 100) &* 2, as: UInt16.self), as: UInt16.self)
            v = rest
        }
        if v >= 10 {
            q -= 2
            UnsafeMutableRawPointer(q).storeBytes(of: pairs.loadUnaligned(fromByteOffset: Int(v) &* 2, as: UInt16.self), as: UInt16.self)
        } else {
            q -= 1
            q.pointee = UInt8(truncatingIfNeeded: 48 &+ v)
        }
        return q
    }

    /// Appends a decimal integer to a `ByteBuffer` (record numbers and line numbers, on every
    /// record): its digits counted, then written in place.
    @inlinable
    public static func appendInt(_ value: Int, to out: inout ByteBuffer) {
        out.reserve(20)
        var p = out.base + out.count
        if value < 0 {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        let v = value.magnitude
        var digits = 1
        var limit: UInt = 10
        while digits < 19 && v >= limit {
            digits += 1
            limit &*= 10
        }
        _ = writeDigits(v, endingAt: p + digits)
        out.count = p + digits - out.base
    }

    /// Calls `body` with a decimal integer's text (a `-` before a negative one's digits), made
    /// in a buffer on the stack.
    @inlinable
    public static func withDecimal<R>(_ value: Int64, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return try withUnsafeMutableBytes(of: &tmp) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.baseAddress! + bytes.count
            var first = writeDigits(UInt(value.magnitude), endingAt: end)
            if value < 0 {
                first -= 1
                first.pointee = UInt8(ascii: "-")
            }
            return try body(UnsafeBufferPointer(start: first, count: end - first))
        }
    }

    /// Appends a decimal integer.
    @inlinable
    public static func appendInt<Out: ByteAppending>(_ value: Int, to out: inout Out) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        // Written into a buffer of its own, then appended at once.
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &tmp) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.baseAddress! + bytes.count
            let first = writeDigits(value.magnitude, endingAt: end)
            out.appendBytes(UnsafeBufferPointer(start: first, count: end - first))
        }
    }
}

/// Text helpers for bytes from bank files.
public enum TextBytes {
    @usableFromInline static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// The Unicode scalar value of a Windows-1252 byte.
    @inlinable
    public static func cp1252Scalar(_ b: UInt8) -> UInt32 {
        (0x80...0x9F).contains(b) ? cp1252High[Int(b) - 0x80] : UInt32(b)
    }

    /// Whether the bytes are well-formed UTF-8 (strict: no overlong forms, surrogates or
    /// values above U+10FFFF).
    @inlinable
    public static func isValidUTF8<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.withContiguousStorageIfAvailable { isValidUTF8($0) } ?? isValidUTF8(Array(bytes))
    }

    /// `isValidUTF8` on memory: ASCII skipped a byte at a time (the cells it is given are short,
    /// their first letter beyond ASCII early: skipping runs of 8 cost more than it saved), each
    /// sequence checked by its lead byte's length and its second byte's range.
    @inlinable
    public static func isValidUTF8(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = text.baseAddress else { return true }
        let n = text.count
        var i = 0
        while i < n {
            let b = p[i]
            if b < 0x80 {
                i &+= 1
                continue
            }
            var need = 0
            var low: UInt8 = 0x80, high: UInt8 = 0xBF  // the second byte's range
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; low = 0xA0
            case 0xED: need = 2; high = 0x9F
            case 0xE1...0xEF: need = 2
            case 0xF0: need = 3; low = 0x90
            case 0xF4: need = 3; high = 0x8F
            case 0xF1...0xF3: need = 3
            default: return false
            }
            guard i &+ need < n, p[i &+ 1] >= low, p[i &+ 1] <= high else { return false }
            var k = 2
            while k <= need {
                guard p[i &+ k] & 0xC0 == 0x80 else { return false }
                k &+= 1
            }
            i &+= need &+ 1
        }
        return true
    }

    /// Decodes bytes from a bank file as a String: UTF-8 when valid, Windows-1252 otherwise.
    public static func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if isValidUTF8(bytes) { return String(decoding: Array(bytes), as: UTF8.self) }
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(Unicode.Scalar(cp1252Scalar(b))!) }
        return String(s)
    }
}

/// Builds one JSON object, key by key, in insertion order.
public struct JSONObjectWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var first = true

    /// Creates an empty object.
    public init() {}

    /// Appends `"key":` (with the comma before it when needed).
    public mutating func key(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        JSONBytes.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a string member.
    public mutating func string(_ name: String, _ value: String) {
        key(name)
        JSONBytes.appendString(value, to: &bytes)
    }

    /// Appends an integer member.
    public mutating func int(_ name: String, _ value: Int) {
        key(name)
        JSONBytes.appendInt(value, to: &bytes)
    }

    /// Appends a boolean member.
    public mutating func bool(_ name: String, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }

    /// Appends a member whose value is text from a bank file (UTF-8 or Windows-1252 bytes).
    public mutating func latin1(_ name: String, _ value: ArraySlice<UInt8>) {
        key(name)
        JSONBytes.appendText(value, to: &bytes)
    }

    /// Appends a member whose value is already-serialized JSON.
    public mutating func raw(_ name: String, json: [UInt8]) {
        key(name)
        bytes.append(contentsOf: json)
    }

    /// Closes the object and returns its bytes.
    public mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
