import Foundation
import Records

/// Windows-1252 ("WinAnsiEncoding" in PDF): what the PDF's standard fonts and the LST's print
/// lines use, one byte per character, so that ç, ã, é print as themselves.
public enum WinAnsi {
    /// Unicode scalars of bytes 0x80…0x9F (the rest of 0xA0…0xFF is Latin-1).
    static let high: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for b in UInt8(0x80)...UInt8(0x9F) {
            let scalar = TextBytes.cp1252Scalar(b)
            if scalar != UInt32(b) { map[scalar] = b }
        }
        return map
    }()

    /// Letters of the Latin Extended blocks (U+0100…U+024F, U+1E00…U+1EFF: Polish, Czech,
    /// Hungarian, Romanian, Turkish, Vietnamese names) that Windows-1252 lacks, by the one ASCII
    /// letter ICU's Latin-ASCII transform gives them (ő → o, Ł → L, ễ → e): a name prints with
    /// its base letters, as the LST's address block folds it, not with `?`. Made on the first
    /// character Windows-1252 lacks (some 30 ms).
    static let folded: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        let transform = StringTransform(rawValue: "Latin-ASCII")
        for range in [0x100...0x24F, 0x1E00...0x1EFF] {
            for value in range {
                guard let scalar = Unicode.Scalar(UInt32(value)),
                    let ascii = String(Character(scalar)).applyingTransform(transform, reverse: false),
                    ascii.unicodeScalars.count == 1, let base = ascii.unicodeScalars.first, base.value >= 0x41, base.value < 0x7F
                else { continue }
                map[UInt32(value)] = UInt8(base.value)
            }
        }
        return map
    }()

    /// The bytes of UTF-8 `text`; a character Windows-1252 lacks becomes its base letter
    /// (`folded`), else `?`.
    public static func encode(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        append(text, to: &out)
        return out
    }

    /// The first character of UTF-8 `text` that Windows-1252 neither holds nor folds to a base
    /// letter (`李`, `Ж`, `✓`: what `write` would give as `?`), or nil when there is none. A
    /// malformed sequence is U+FFFD.
    public static func firstUnprintable(_ text: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        var i = 0
        while i < text.count {
            i = asciiRun(text, from: i)
            if i == text.count { break }
            if text[i] < 0x80 {
                i += 1
                continue
            }
            let (decoded, next) = scalar(in: text, at: i)
            guard let value = decoded else { return "\u{FFFD}" }
            i = next
            if byte(value) != nil { continue }
            return Unicode.Scalar(value) ?? "\u{FFFD}"
        }
        return nil
    }

    /// The index of the first byte at or after `i` that is not ASCII, or `text.count`: eight
    /// bytes at a time (a letter is mostly ASCII), then byte by byte.
    @inline(__always)
    static func asciiRun(_ text: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        guard let base = text.baseAddress else { return i }
        let n = text.count
        var k = i
        while k + 8 <= n {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self))
            let high = word & 0x8080_8080_8080_8080
            if high != 0 { return k + high.trailingZeroBitCount / 8 }
            k += 8
        }
        while k < n, base[k] < 0x80 { k += 1 }
        return k
    }

    /// The scalar of the UTF-8 sequence starting at `i` (not ASCII) and where the next one
    /// starts; nil for a malformed one: a byte that starts none (the next is `i + 1`), one cut
    /// by the end (the next is the end), or a bad continuation byte (the next is past the
    /// sequence's length).
    @inline(__always)
    static func scalar(in text: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32?, next: Int) {
        let b = text[i]
        let extra = b & 0xE0 == 0xC0 ? 1 : b & 0xF0 == 0xE0 ? 2 : b & 0xF8 == 0xF0 ? 3 : 0
        guard extra > 0 else { return (nil, i + 1) }
        guard i + extra < text.count else { return (nil, text.count) }
        var value = UInt32(b) & (extra == 1 ? 0x1F : extra == 2 ? 0x0F : 0x07)
        for k in 1...extra {
            let c = text[i + k]
            guard c & 0xC0 == 0x80 else { return (nil, i + extra + 1) }
            value = value << 6 | UInt32(c & 0x3F)
        }
        return (value, i + extra + 1)
    }

    /// The Windows-1252 byte of a scalar beyond ASCII: its own, or its folded base letter; nil
    /// when it has neither.
    @inline(__always)
    static func byte(_ scalar: UInt32) -> UInt8? {
        if scalar >= 0xA0 && scalar <= 0xFF { return UInt8(scalar) }
        return high[scalar] ?? folded[scalar]
    }

    /// Appends the Windows-1252 bytes of UTF-8 `text`.
    public static func append(_ text: [UInt8], to out: inout [UInt8]) {
        append(text[...], to: &out)
    }

    /// Appends the Windows-1252 bytes of UTF-8 `slice`.
    public static func append(_ slice: ArraySlice<UInt8>, to out: inout [UInt8]) {
        slice.withUnsafeBufferPointer { append($0, to: &out) }
    }

    /// Appends the Windows-1252 bytes of UTF-8 `text`.
    public static func append(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard !text.isEmpty else { return }
        let at = out.count
        out.append(contentsOf: repeatElement(0, count: text.count))
        let n = out.withUnsafeMutableBufferPointer { write(text, to: $0.baseAddress! + at) }
        out.removeLast(text.count - n)
    }

    /// Writes the Windows-1252 bytes of UTF-8 `text` at `out`, which has room for `text.count`
    /// bytes (a character is one byte here and at least one in UTF-8), and returns how many:
    /// runs of ASCII (most of a letter) copied at once, a Latin letter Windows-1252 lacks as its
    /// base letter, a malformed sequence or any other character it lacks as `?`.
    static func write(_ text: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var unprintable: Unicode.Scalar? = nil
        return write(text, to: out, unprintable: &unprintable)
    }

    /// `write`, noting in `unprintable`, when it is nil, the first character written as `?`
    /// (`firstUnprintable`'s: U+FFFD for a malformed sequence).
    @inline(__always)
    static func write(_ text: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>, unprintable: inout Unicode.Scalar?) -> Int {
        var i = 0
        var w = 0
        let n = text.count
        guard let base = text.baseAddress else { return 0 }
        while i < n {
            // ASCII copied a word at a time. A word is stored whole even when it holds the
            // first byte that is not ASCII: its bytes from there on are overwritten next, and
            // it lies within `out`'s room, as `w <= i` and `i + 8 <= n`.
            while i &+ 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(out + w).storeBytes(of: word, as: UInt64.self)
                let high = UInt64(littleEndian: word) & 0x8080_8080_8080_8080
                if high != 0 {
                    let k = high.trailingZeroBitCount &>> 3
                    (i, w) = (i &+ k, w &+ k)
                    break
                }
                (i, w) = (i &+ 8, w &+ 8)
            }
            while i < n, base[i] < 0x80 {
                out[w] = base[i]
                (i, w) = (i &+ 1, w &+ 1)
            }
            if i == n { break }
            let (decoded, next) = Self.scalar(in: text, at: i)
            i = next
            if let b = decoded.flatMap(Self.byte) {
                out[w] = b
            } else {
                out[w] = UInt8(ascii: "?")
                if unprintable == nil { unprintable = decoded.flatMap { Unicode.Scalar($0) } ?? "\u{FFFD}" }
            }
            w += 1
        }
        return w
    }
}
